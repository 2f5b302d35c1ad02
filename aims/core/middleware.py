"""Request id and change-log context for every request."""

from __future__ import annotations

import re
import uuid

from django.utils import timezone

from aims.core.changelog import change_context
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
