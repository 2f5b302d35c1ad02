"""The auditor access log: every page, download and API call of an auditor, recorded.

``AuditorAccessMiddleware`` looks at each answered request. When its user is an auditor of
the organisation it concerns, one INSERT writes a row per engagement of that auditor open
in the organisation. An auditor with no open engagement there sees none of its records,
and is not logged.

Which organisation a request concerns:

- a page under ``/o/<slug>/``: that organisation, when the user's role in it is auditor;
- an API call (``/api/``): the organisation named by ``?organization=``, else every
  organisation where the user's role is auditor (an API path names none).

Recording never fails the request: an error is logged and the answer goes out as it was.
The roles and the open engagements are the ones the permission layer read for the request
(cached on the user), so the log costs the INSERT and at most the lookups the view did
not need.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.http import FileResponse, StreamingHttpResponse

from aims.core.permissions import Role, auditor_scopes_of, memberships_of, roles_of
from engagements.models import AccessKind, AuditorAccess

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


class AuditorAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        try:
            record_access(request, response)
        except Exception:  # whatever went wrong, the answer still goes out
            logger.exception("could not record an auditor's access to %s", request.path)
        return response


def record_access(request: Any, response: Any) -> list[AuditorAccess]:
    """Write the rows of the access log for one answered request (see the module)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    match = getattr(request, "resolver_match", None)
    org_ids = _organizations(request, user, match)
    if not org_ids:
        return []
    scopes = [s for s in auditor_scopes_of(user) if s.organization_id in org_ids]
    if not scopes:
        return []
    common = {
        "user": user,
        "user_label": (getattr(user, "email", "") or str(user))[:254],
        "method": request.method[:8],
        "path": request.get_full_path()[:1000],
        "kind": _kind(request, response),
        "status": response.status_code,
        "object_label": _object_label(match),
        "request_id": getattr(request, "id", "")[:64],
    }
    rows = [
        AuditorAccess(
            organization_id=scope.organization_id,
            engagement_id=scope.engagement_id,
            engagement_name=scope.name[:200],
            **common,
        )
        for scope in scopes
    ]
    # A savepoint: a failed insert inside a caller's transaction leaves it usable.
    with transaction.atomic():
        AuditorAccess.objects.bulk_create(rows)
    return rows


def _organizations(request: Any, user: Any, match: Any) -> list[int]:
    """The organisations the request concerns in which ``user`` is an auditor."""
    if request.path.startswith(API_PREFIX):
        auditing = sorted(org for org, role in roles_of(user).items() if role == Role.AUDITOR)
        named = request.GET.get("organization", "")
        if named.isdigit():
            return [org for org in auditing if org == int(named)]
        return auditing
    slug = match.kwargs.get("org") if match is not None else None
    if not slug:
        return []
    org = getattr(request, "organization", None)
    if org is None or org.slug != slug:
        org = next(
            (m.organization for m in memberships_of(user) if m.organization.slug == slug), None
        )
    if org is None or roles_of(user).get(org.pk) != Role.AUDITOR:
        return []
    return [org.pk]


def _kind(request: Any, response: Any) -> str:
    if isinstance(response, FileResponse | StreamingHttpResponse) or response.has_header(
        "Content-Disposition"
    ):
        return AccessKind.DOWNLOAD
    if request.path.startswith(API_PREFIX):
        return AccessKind.API
    return AccessKind.PAGE


def _object_label(match: Any) -> str:
    """``risks.risk:5`` when the view names a record (``pk`` in the URL), else empty."""
    if match is None or match.kwargs.get("pk") in (None, ""):
        return ""
    pk = match.kwargs["pk"]
    view = getattr(match.func, "view_class", None) or getattr(match.func, "cls", None)
    model = getattr(view, "model", None)
    if model is None:
        queryset = getattr(view, "queryset", None)
        model = getattr(queryset, "model", None)
    name = model._meta.label_lower if model is not None else match.view_name
    return f"{name}:{pk}"[:120]
