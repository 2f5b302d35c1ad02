"""The evidence-pack filters, shared by the list page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from aims.core.permissions import Action, restrict
from engagements.models import Engagement
from packs.models import EvidencePack, PackKind, ScopeKind


def visible_engagements(request):
    if request is None:
        return Engagement.objects.none()
    qs = restrict(Engagement.objects.all(), request.user, Action.VIEW)
    org = getattr(request, "organization", None)
    return qs.filter(organization=org) if org is not None else qs


class EvidencePackFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=PackKind.choices, label=_("Kind"))
    scope_kind = django_filters.ChoiceFilter(choices=ScopeKind.choices, label=_("Scope"))
    engagement = django_filters.ModelChoiceFilter(
        queryset=visible_engagements, label=_("Engagement")
    )
    ordering = django_filters.OrderingFilter(
        fields=(("number", "number"), ("created_at", "created")), label=_("Sort by")
    )

    class Meta:
        model = EvidencePack
        fields = ["organization"]
