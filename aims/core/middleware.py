"""Request id and change-log context for every request."""

from __future__ import annotations

import re
import uuid

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from aims.core.changelog import change_context
from aims.core.exceptions import RETRY_AFTER_SECONDS, is_busy
from aims.core.models import ChangeSource

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Give each request an id (or keep a well-formed X-Request-ID) and echo it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class ChangeContextMiddleware:
    """Attribute writes made while serving a request to its user, source and id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            source = ChangeSource.API
        elif request.path.startswith("/admin/"):
            source = ChangeSource.ADMIN
        else:
            source = ChangeSource.UI
        # Threads are reused: start every request in the default zone; organisation pages
        # switch to the organisation's own.
        timezone.deactivate()
        with change_context(source=source, request=request, request_id=request.id):
            return self.get_response(request)


class DatabaseBusyMiddleware:
    """A page's write that the database aborted as a deadlock as often as it may be
    retried (``aims.core.transactions``) answers 503 with a page saying to try again, not
    a server error. (The API answers in its own error format: ``aims.core.exceptions``.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_busy(exception):
            return None
        referer = request.headers.get("Referer", "")
        safe = url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        body = render_to_string(
            "503_busy.html",
            {
                "message": _(
                    "Other changes to the same records were being saved at the same moment, "
                    "so yours was not saved. Nothing was changed."
                ),
                "back_url": referer if referer and safe else "/",
            },
            request=request,
        )
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
