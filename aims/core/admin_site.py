"""The admin behind the product's one sign-in door.

Django's admin has a login form of its own that checks a password and nothing else: no
throttle, no second factor, no sign-in log. Here it has none: ``/admin/login/`` sends to
the product's sign-in page (allauth: failed-login limits, two-factor authentication, the
sign-in log) and back. A staff member reaches the admin only once the session has passed
two-factor authentication, when they have it enabled and, with ``ADMIN_REQUIRE_MFA`` (the
default), always; otherwise they are sent to set it up or to confirm with a code.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from aims.core.http import same_site_path

MFA_METHOD = "mfa"


def second_factor_passed(request: HttpRequest) -> bool:
    """Whether this session's sign-in included two-factor authentication."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == MFA_METHOD for record in records)


def admin_second_factor_ok(request: HttpRequest) -> bool:
    """Whether the signed-in user's session is strong enough for the admin."""
    user = request.user
    if second_factor_passed(request):
        return True
    # Without a passed second factor: only when none is enabled and none is required.
    return not settings.ADMIN_REQUIRE_MFA and not is_mfa_enabled(user)


def _redirect(name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


class AimsAdminSite(admin.AdminSite):
    site_header = "AIMS administration"
    site_title = "AIMS administration"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and admin_second_factor_ok(request)

    def _next_url(self, request: HttpRequest) -> str:
        candidate = request.POST.get("next") or request.GET.get("next")
        return same_site_path(request, candidate) or reverse("admin:index", current_app=self.name)

    def login(self, request: HttpRequest, extra_context=None):
        """Never checks a password: the product's sign-in page does, then sends back here."""
        next_url = self._next_url(request)
        user = request.user
        if not user.is_authenticated:
            return _redirect("account_login", next_url)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied(_("This account has no access to the administration."))
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        if is_mfa_enabled(user):
            messages.info(
                request, _("Confirm with your authentication code to open the administration.")
            )
            return _redirect("mfa_reauthenticate", next_url)
        messages.warning(
            request,
            _("The administration needs two-factor authentication: set it up here first."),
        )
        return HttpResponseRedirect(reverse("mfa_activate_totp"))

    def password_change(self, request: HttpRequest, extra_context=None):
        """One place to change a password (it also offers to revoke API tokens)."""
        return HttpResponseRedirect(reverse("account_change_password"))
