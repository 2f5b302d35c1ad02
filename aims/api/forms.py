from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

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
