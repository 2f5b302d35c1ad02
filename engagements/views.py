from django.contrib import messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aims.core import views as generic
from engagements import services
from engagements.filters import EngagementFilterSet
from engagements.forms import EngagementForm
from engagements.models import Engagement


class EngagementListView(generic.ObjectListView):
    model = Engagement
    filterset_class = EngagementFilterSet
    select_related = ("organization",)
    prefetch_related = ("auditors",)
    table_template = "engagements/_engagement_table.html"
    add_url_name = "engagements:engagement_add"
    title = _("Auditor engagements")
    intro = _(
        "Each engagement lets its auditors read the AIMS, or the part of it chosen, during "
        "its access window. Auditors cannot change anything."
    )
    empty_text = _(
        "No engagements yet. Open one when a certification body or your internal audit team "
        "is about to start."
    )


class EngagementDetailView(generic.ObjectDetailView):
    model = Engagement
    select_related = ("organization",)
    prefetch_related = ("auditors", "ai_systems", "clauses", "controls__requirement")
    template_name = "engagements/engagement_detail.html"


class EngagementHistoryView(generic.ObjectHistoryView):
    model = Engagement
    detail_template = "engagements/_engagement_layout.html"


class EngagementEditView(generic.ObjectEditView):
    model = Engagement
    form_class = EngagementForm
    list_url_name = "engagements:engagement_list"

    def save(self, form: EngagementForm) -> Engagement:
        engagement = super().save(form)
        invited = services.engagement_invite_auditors(
            engagement=engagement,
            emails=form.cleaned_data["invite"],
            actor=self.request.user,
            request=self.request,
        )
        if invited:
            messages.info(
                self.request,
                gettext("Invited: %(people)s.") % {"people": ", ".join(u.email for u in invited)},
            )
        return engagement


class EngagementDeleteView(generic.ObjectDeleteView):
    model = Engagement
    success_url_name = "engagements:engagement_list"
