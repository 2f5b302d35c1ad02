"""Reminder pages: the person's reminders (across organisations) with the unread count in
the top bar, their delivery preferences, and an organisation's reminder rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from aims.core import views as generic
from aims.core.http import same_site_path
from aims.core.permissions import Action, can, can_add, organizations_for, restrict
from reminders import services
from reminders.filters import ReminderFilterSet
from reminders.forms import PreferencesForm, ReminderSettingsForm
from reminders.models import Reminder, ReminderSettings
from reminders.sources import DATE_KINDS

PAGE_SIZE = 50


def _mine(user):
    return restrict(Reminder.objects.all(), user, Action.VIEW).filter(recipient=user)


class ReminderListView(generic.RetriedWritesMixin, LoginRequiredMixin, TemplateView):
    template_name = "reminders/reminder_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = ReminderFilterSet(
            self.request.GET or None,
            queryset=_mine(self.request.user).select_related("organization"),
            request=self.request,
        )
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            filterset=filterset, page_obj=page, unread=services.unread_count(self.request.user)
        )
        return context

    def post(self, request, *args, **kwargs):
        if "all" in request.POST:
            done = services.reminders_mark_read(user=request.user)
        else:
            ids = [int(i) for i in request.POST.getlist("read") if i.isdigit()]
            done = services.reminders_mark_read(user=request.user, ids=ids)
        messages.success(request, _("%(n)s marked as read.") % {"n": done})
        return redirect(same_site_path(request, request.POST.get("next")) or "reminders:list")


class UnreadCountView(LoginRequiredMixin, View):
    """The top bar's bell: loaded after the page, so no page pays for the count."""

    def get(self, request, *args, **kwargs):
        count = services.unread_count(request.user)
        html = (
            f'<span class="bell-count" aria-label="{_("%(n)s unread") % {"n": count}}">{count}</span>'
            if count
            else ""
        )
        return HttpResponse(html)


class PreferencesView(generic.RetriedWritesMixin, LoginRequiredMixin, TemplateView):
    template_name = "reminders/preferences.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        current = {
            kind: delivery for kind, _label, delivery in services.preferences_of(self.request.user)
        }
        context.setdefault("form", PreferencesForm(current=current))
        return context

    def post(self, request, *args, **kwargs):
        form = PreferencesForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            services.preferences_save(user=request.user, choices=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("Your reminder preferences are saved."))
        return redirect("reminders:preferences")


class ReminderSettingsView(generic.ObjectEditView):
    """An organisation's reminder rules: one record per organisation, created on the first
    save. Officers and administrators change them; the other members read them."""

    model = ReminderSettings
    form_class = ReminderSettingsForm
    template_name = "reminders/settings.html"

    def setup_object(self) -> None:
        self.object = (
            restrict(ReminderSettings.objects.all(), self.request.user, Action.VIEW)
            .filter(organization=self.organization)
            .first()
        )
        self.parent = None
        user = self.request.user
        if self.object is None and (
            self.organization.pk not in organizations_for(user, ReminderSettings, Action.VIEW)
            or ReminderSettings.objects.filter(organization=self.organization).exists()
        ):
            raise Http404(_("No such record."))  # out of this role's sight (an auditor)
        if self.object is None:
            self.may_change = can_add(user, ReminderSettings, self.organization.pk)
        else:
            self.may_change = can(user, Action.CHANGE, self.object)
        if not self.may_change and self.request.method != "GET":  # readers only read
            raise PermissionDenied(_("Your role does not allow changing the reminder rules."))

    def get(self, request, *args, **kwargs):
        self.setup_object()
        if self.may_change:
            return self.render_to_response(self.get_context_data(form=self.get_form()))
        rules = self.object or ReminderSettings(organization=self.organization)
        exceptions = [
            (label, rules.lead_days_by_kind[kind])
            for kind, label in DATE_KINDS.items()
            if kind in rules.lead_days_by_kind
        ]
        return self.render_to_response(
            self.get_context_data(form=None, rules=rules, exceptions=exceptions)
        )

    def get_success_url(self, obj) -> str:
        return self.org_url("reminders_org:settings")
