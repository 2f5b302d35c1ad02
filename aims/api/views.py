"""The API's own pages in the browser: a user's personal access tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from aims.api import services as api_services
from aims.api.forms import ApiTokenForm
from aims.api.models import ApiToken
from aims.core.permissions import Action, restrict
from aims.core.views import RetriedWritesMixin


class ApiTokenView(RetriedWritesMixin, LoginRequiredMixin, TemplateView):
    """The user's personal access tokens: create (shown once) and revoke."""

    template_name = "api/tokens.html"

    def tokens(self):
        return restrict(ApiToken.objects.all(), self.request.user, Action.VIEW).filter(
            user=self.request.user
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", ApiTokenForm())
        context["tokens"] = self.tokens()
        return context

    def post(self, request, *args, **kwargs):
        if "revoke" in request.POST:
            token = self.tokens().filter(pk=request.POST.get("revoke")).first()
            if token is None:
                raise Http404
            api_services.api_token_revoke(token=token, user=request.user)
            messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
            return redirect("api_tokens")
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        token, raw = api_services.api_token_create(user=request.user, **form.cleaned_data)
        return self.render_to_response(self.get_context_data(new_token=raw, new_token_obj=token))
