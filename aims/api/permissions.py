from rest_framework import permissions

from aims.api.models import ApiToken


class ApiAccess(permissions.BasePermission):
    """Signed in; a read-only token may only read. Record-level rules live in ``restrict``."""

    message = "This token is read-only."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if isinstance(request.auth, ApiToken) and not request.auth.can_write:
            return request.method in permissions.SAFE_METHODS
        return True
