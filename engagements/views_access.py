"""The auditor access log, for the organisation's people (auditors never read it)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aims.core import views as generic
from aims.core.permissions import Action, organizations_for
from engagements.filters import AuditorAccessFilterSet
from engagements.models import AuditorAccess


class AuditorAccessListView(generic.ObjectListView):
    model = AuditorAccess
    filterset_class = AuditorAccessFilterSet
    table_template = "engagements/_auditor_access_table.html"
    title = gettext_lazy("Auditor access log")
    intro = gettext_lazy(
        "Every page an auditor opened, every file they downloaded and every API call they "
        "made, newest first, with the engagement it was made under. Rows are never changed."
    )
    empty_text = gettext_lazy("No auditor has opened anything here yet.")

    def get(self, request, *args, **kwargs):
        # A role that may not read the log (an auditor) is told so; a list would be empty.
        if not request.user.is_superuser and self.organization.pk not in organizations_for(
            request.user, AuditorAccess, Action.VIEW
        ):
            raise PermissionDenied(_("Auditors do not see the access log."))
        return super().get(request, *args, **kwargs)
