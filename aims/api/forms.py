from allauth.account import forms as allauth_forms
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from aims.api import services as api_services
from aims.api.models import TokenScope
from aims.core.forms import CleanInputFormMixin, SectionedFormMixin


class ApiTokenForm(CleanInputFormMixin, SectionedFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “MLflow sync”.")
    )
    scope = forms.ChoiceField(
        label=_("Access"), choices=TokenScope.choices, initial=TokenScope.READ
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires after (days)"),
        min_value=1,
        max_value=settings.API_TOKEN_MAX_DAYS,
        initial=90,
    )


class ChangePasswordForm(CleanInputFormMixin, SectionedFormMixin, allauth_forms.ChangePasswordForm):
    """allauth's password change, offering to revoke the user's API tokens (ticked)."""

    revoke_api_tokens = forms.BooleanField(
        label=_("Also revoke my API tokens"),
        required=False,
        initial=True,
        help_text=_(
            "Tokens made with the old password stop working at once; make new ones on the "
            "API tokens page. Untick to keep them."
        ),
    )

    def save(self) -> None:
        super().save()
        if self.cleaned_data.get("revoke_api_tokens"):
            api_services.api_tokens_revoke_all(user=self.user)


class ResetPasswordKeyForm(
    CleanInputFormMixin, SectionedFormMixin, allauth_forms.ResetPasswordKeyForm
):
    """allauth's password reset; a reset always revokes the user's API tokens.

    Whoever knew the old password may have made tokens, and the person resetting cannot
    tell which are theirs, so none survives (the page says so).
    """

    def save(self) -> None:
        super().save()
        api_services.api_tokens_revoke_all(user=self.user)
