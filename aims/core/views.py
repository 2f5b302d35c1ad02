"""Generic UI views. Concrete views are a few declarations on these (NetBox style).

Every view resolves the organisation from the URL, and every object it shows or changes
comes through ``restrict``: out of reach is a 404; visible but not allowed is a 403.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from aims.core import documents, transactions
from aims.core.changelog import history_for
from aims.core.filters import label_filter_form
from aims.core.forms import VERSION_FIELD, DecisionForm, TrackedModelForm
from aims.core.history import annotate_changes
from aims.core.permissions import (
    Action,
    can,
    can_add,
    organization_by_slug,
    policy_of,
    restrict,
    role_in,
)
from aims.core.tenancy import Organization

# Filters the API offers but the UI's filter bar leaves out (the page fixes or sorts them).
UI_EXCLUDE = ("organization", "ordering")


def page_size_from(request, default: int = 50, maximum: int = 500) -> int:
    try:
        size = int(request.GET.get("page_size", default))
    except ValueError:
        return default
    return max(1, min(size, maximum))


def safe_url(name: str, **kwargs: Any) -> str | None:
    """A URL, or ``None`` while the page it names is not built yet."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def record_url(obj: Any) -> str | None:
    """A record's page, or ``None`` when it has none yet."""
    try:
        return obj.get_absolute_url()
    except NoReverseMatch:
        return None


class RetriedWritesMixin:
    """A write request (any method but GET, HEAD, OPTIONS, TRACE) is one unit of work
    (``aims.core.transactions.run_atomic``): one transaction, change-log rows chained at
    its end, run again if the database aborted it as a deadlock. If it still cannot be
    saved, ``DatabaseBusy`` becomes the "try again" page
    (``aims.core.middleware.DatabaseBusyMiddleware``).

    Every page inside an organisation has it through ``OrganizationMixin``; a signed-in
    page outside one (the person's reminders, their API tokens) names it before
    ``LoginRequiredMixin``. ``tests/core/test_every_write_view_is_retried.py`` fails for a
    view that writes without it.

    Each run starts from the view and the request as ``dispatch`` found them: attributes a
    run set on the view are dropped and so are the messages it queued, while the posted
    form stays on the request, so a second run reads the same data and shows one message.
    Work that must happen once goes in ``transaction.on_commit`` (e-mail, queued tasks):
    callbacks of a run rolled back are forgotten."""

    def dispatch(self, request, *args, **kwargs):
        parent = super()
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return parent.dispatch(request, *args, **kwargs)
        view_state = dict(self.__dict__)
        queued = getattr(getattr(request, "_messages", None), "_queued_messages", None)
        messages_before = list(queued) if queued is not None else None

        def run():
            self.__dict__.clear()
            self.__dict__.update(view_state)
            if messages_before is not None:
                queued[:] = messages_before
            return parent.dispatch(request, *args, **kwargs)

        return transactions.run_atomic(run)


class OrganizationMixin(RetriedWritesMixin, LoginRequiredMixin):
    """Resolve ``<org>`` in the URL to an organisation the user belongs to, or 404.

    The base of every page inside an organisation, so every write on one is a retried unit
    of work (``RetriedWritesMixin``, which runs after the organisation is resolved)."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        org = organization_by_slug(request.user, kwargs["org"])
        if org is None:
            raise Http404(_("No such organisation."))
        request.organization = org
        request.org_role = role_in(request.user, org.pk) or (
            "admin" if request.user.is_superuser else None
        )
        if request.session.get("current_org") != org.slug:
            # Only on a switch: writing it every time would save the session on every page.
            request.session["current_org"] = org.slug
        # Dates on the organisation's pages read in its own time zone.
        timezone.activate(org.time_zone)
        self.organization = org
        return super().dispatch(request, *args, **kwargs)

    def org_url(self, name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"org": self.organization.slug, **kwargs})


class ModelViewMixin(OrganizationMixin):
    model: ClassVar[type[models.Model]]
    select_related: ClassVar[tuple[str, ...]] = ()
    prefetch_related: ClassVar[tuple[str, ...]] = ()
    list_url_name: ClassVar[str | None] = None

    def base_queryset(self, action: Action = Action.VIEW) -> models.QuerySet:
        policy = policy_of(self.model)
        qs = self.model.objects.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        qs = restrict(qs, self.request.user, action)
        if policy.global_read:
            return qs
        org_filter = (
            {"pk": self.organization.pk}
            if policy.org_path == "pk"
            else {policy.org_path: self.organization}
        )
        return qs.filter(**org_filter)

    def get_object(self) -> models.Model:
        obj = self.base_queryset().filter(pk=self.kwargs["pk"]).first()
        if obj is None:
            raise Http404(_("No such record."))
        return obj

    def model_context(self) -> dict[str, Any]:
        meta = self.model._meta
        return {
            "verbose_name": meta.verbose_name,
            "verbose_name_plural": meta.verbose_name_plural,
            "list_url": self.org_url(self.list_url_name) if self.list_url_name else None,
        }


class ObjectListView(ModelViewMixin, TemplateView):
    """A filterable, sortable, paginated table. HTMX requests get only the results part."""

    filterset_class: ClassVar[Any] = None
    table_template: ClassVar[str]
    template_name = "core/object_list.html"
    results_template = "core/_list_results.html"
    add_url_name: ClassVar[str | None] = None
    title: ClassVar[str | None] = None
    intro: ClassVar[str] = ""
    empty_text: ClassVar[str] = ""

    def get_template_names(self) -> list[str]:
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [self.results_template]
        return [self.template_name]

    def list_queryset(self) -> models.QuerySet:
        """The rows of the table (a view may add the columns only its table shows)."""
        return self.base_queryset()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        queryset = self.list_queryset()
        filterset = (
            self.filterset_class(self.request.GET, queryset=queryset, request=self.request)
            if self.filterset_class
            else None
        )
        if filterset is not None:
            label_filter_form(filterset)
            queryset = filterset.qs if filterset.is_valid() else queryset.none()
        paginator = Paginator(queryset, page_size_from(self.request))
        page = paginator.get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            self.model_context(),
            title=self.title or self.model._meta.verbose_name_plural.capitalize(),
            intro=self.intro,
            empty_text=self.empty_text,
            filterset=filterset,
            filter_fields=[
                f
                for f in filterset.form
                if f.name not in getattr(filterset, "ui_exclude", UI_EXCLUDE)
            ]
            if filterset
            else [],
            page_obj=page,
            object_list=page.object_list,
            table_template=self.table_template,
            querystring=query.urlencode(),
            current_ordering=self.request.GET.get("ordering", ""),
            is_filtered=any(
                k not in ("page", "page_size", "ordering") and v
                for k, v in self.request.GET.items()
            ),
            add_url=self.org_url(self.add_url_name)
            if self.add_url_name and can_add(self.request.user, self.model, self.organization.pk)
            else None,
        )
        return context


class ObjectDetailView(ModelViewMixin, TemplateView):
    template_name: ClassVar[str]
    tab = "overview"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        obj = self.get_object()
        user = self.request.user
        context.update(
            self.model_context(),
            object=obj,
            tab=self.tab,
            can_change=can(user, Action.CHANGE, obj),
            can_delete=can(user, Action.DELETE, obj),
        )
        return context


class ObjectHistoryView(ObjectDetailView):
    """The History tab: the record's change-log rows, newest first."""

    tab = "history"
    template_name = "core/object_history.html"
    detail_template: ClassVar[str | None] = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        paginator = Paginator(history_for(context["object"]), 50)
        context["page_obj"] = paginator.get_page(self.request.GET.get("page"))
        annotate_changes(context["page_obj"].object_list, user=self.request.user)
        context["detail_template"] = self.detail_template
        return context


class ObjectEditView(ModelViewMixin, TemplateView):
    """Create (no ``pk``) or update a record. A stale form is refused (409), and so is an
    edit that does not say which version it changes (400: without the hidden ``_version``
    the stale-edit check could not run), both keeping what was typed."""

    form_class: ClassVar[type[TrackedModelForm]]
    template_name = "core/object_edit.html"
    parent_model: ClassVar[type[models.Model] | None] = None
    parent_kwarg = "parent_pk"
    success_url_name: ClassVar[str | None] = None

    def get_parent(self) -> models.Model | None:
        if self.parent_model is None:
            return None
        policy = policy_of(self.parent_model)
        parent = (
            restrict(self.parent_model.objects.all(), self.request.user, Action.VIEW)
            .filter(pk=self.kwargs[self.parent_kwarg], **{policy.org_path: self.organization})
            .first()
        )
        if parent is None:
            raise Http404(_("No such record."))
        return parent

    def setup_object(self) -> None:
        self.object = self.get_object() if "pk" in self.kwargs else None
        self.parent = self.get_parent() if self.object is None else None
        user = self.request.user
        if self.object is None:
            if not can_add(user, self.model, self.organization.pk, parent=self.parent):
                raise PermissionDenied(_("Your role does not allow adding this here."))
        elif not can(user, Action.CHANGE, self.object):
            raise PermissionDenied(_("Your role does not allow changing this record."))

    def new_instance(self) -> models.Model:
        instance = self.model()
        policy = policy_of(self.model)
        if self.parent is not None:
            setattr(instance, policy.parent_path, self.parent)
        elif hasattr(instance, "organization_id"):
            instance.organization = self.organization
        return instance

    def get_form(self, data=None) -> TrackedModelForm:
        instance = self.object or self.new_instance()
        return self.form_class(
            data=data,
            files=self.request.FILES or None,
            instance=instance,
            organization=self.organization,
            user=self.request.user,
        )

    def get(self, request, *args, **kwargs):
        self.setup_object()
        return self.render_to_response(self.get_context_data(form=self.get_form()))

    def post(self, request, *args, **kwargs):
        self.setup_object()
        form = self.get_form(data=request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            with transaction.atomic():
                saved = self.save(form)
        except DjangoValidationError as exc:
            form.add_error(None, exc)
            status = 400 if getattr(exc, "code", None) == "missing_version" else 409
            return self.render_to_response(self.get_context_data(form=form), status=status)
        messages.success(request, _("Saved “%(name)s”.") % {"name": saved})
        return HttpResponseRedirect(self.get_success_url(saved))

    def save(self, form: TrackedModelForm) -> models.Model:
        """Re-check access and freshness on the locked row, then save the form."""
        self.check_fresh(form)
        return form.save()

    def check_fresh(self, form: TrackedModelForm) -> None:
        """Lock the record being edited; refuse if access went or someone saved it meanwhile."""
        if self.object is not None:
            locked = transactions.lock_record(
                restrict(self.model.objects.all(), self.request.user, Action.CHANGE), self.object
            )
            if locked is None:
                raise PermissionDenied(_("Your role does not allow changing this record."))
            submitted = form.cleaned_data.get(VERSION_FIELD)
            if submitted is None:
                raise DjangoValidationError(
                    _(
                        "This form did not say which version of the record it changes, so it "
                        "could not be checked against changes made meanwhile. Nothing was "
                        "saved: reload the page and enter your changes again."
                    ),
                    code="missing_version",
                )
            if submitted != locked.version:
                raise DjangoValidationError(
                    _(
                        "Someone else saved this record after you opened it. Your changes are still in the "
                        "form below: compare them with the current record (open it in a new tab) and save again."
                    ),
                    code="stale",
                )
            form.instance.version = locked.version

    def get_success_url(self, obj: models.Model) -> str:
        if self.success_url_name:
            return self.org_url(self.success_url_name)
        return obj.get_absolute_url()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            self.model_context(), object=self.object, parent=getattr(self, "parent", None)
        )
        if self.object is not None:
            context["cancel_url"] = (
                self.object.get_absolute_url() if hasattr(self.object, "get_absolute_url") else ""
            )
        elif context["parent"] is not None and hasattr(context["parent"], "get_absolute_url"):
            context["cancel_url"] = context["parent"].get_absolute_url()
        return context


class ObjectDeleteView(ModelViewMixin, TemplateView):
    template_name = "core/object_delete.html"
    success_url_name: ClassVar[str]

    def check(self) -> models.Model:
        obj = self.get_object()
        if not can(self.request.user, Action.DELETE, obj):
            raise PermissionDenied(_("Your role does not allow deleting this record."))
        return obj

    def get(self, request, *args, **kwargs):
        obj = self.check()
        return self.render_to_response(self.get_context_data(object=obj, **self.model_context()))

    def post(self, request, *args, **kwargs):
        obj = self.check()
        try:
            with transaction.atomic():
                locked = transactions.lock_record(
                    restrict(self.model.objects.all(), request.user, Action.DELETE), obj
                )
                if locked is None:
                    raise PermissionDenied
                name = str(locked)
                redirect_to = self.success_url(locked)
                locked.delete()
        except models.ProtectedError:
            messages.error(
                request, _("Other records still refer to this one; remove those links first.")
            )
            return redirect(obj.get_absolute_url())
        messages.success(request, _("Deleted “%(name)s”.") % {"name": name})
        return HttpResponseRedirect(redirect_to)

    def success_url(self, obj: models.Model) -> str:
        return self.org_url(self.success_url_name)


class OrganizationPageView(OrganizationMixin, TemplateView):
    """A page inside an organisation that is not about one model (dashboard, readiness…)."""


class RedirectToCurrentOrganization(LoginRequiredMixin, View):
    """``/``: go to the organisation last used, or let the user choose one."""

    def get(self, request):
        orgs = restrict(Organization.objects.all(), request.user, Action.VIEW)
        slug = request.session.get("current_org")
        org = orgs.filter(slug=slug).first() if slug else None
        if org is None:
            choices = list(orgs[:2])
            if len(choices) != 1:
                return redirect("choose_organization")
            org = choices[0]
        return redirect("dashboard", org=org.slug)


class DocumentActionView(ModelViewMixin, TemplateView):
    """POST-only: move a controlled-document version through its life cycle.

    ``actions`` maps the action in the URL to (service, success message); services take
    ``version`` and ``user`` (approve and return also a ``note``) and re-check permission.
    """

    http_method_names = ["post"]
    actions: ClassVar[dict[str, tuple[Any, Any]]] = {}
    noted_actions: ClassVar[tuple[str, ...]] = ("approve", "return")

    def post(self, request, *args, **kwargs):
        version = self.get_object()
        action = kwargs["action"]
        if action not in self.actions:
            raise Http404
        service, done = self.actions[action]
        form = DecisionForm(request.POST)
        extra = (
            {"note": form.cleaned_data["note"]}
            if form.is_valid() and action in self.noted_actions
            else {}
        )
        try:
            with transaction.atomic():
                result = self.after(action, service(version=version, user=request.user, **extra))
        except DjangoValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(version.get_absolute_url())
        messages.success(request, done)
        return HttpResponseRedirect(result.get_absolute_url())

    def after(self, action: str, result: models.Model) -> models.Model:
        """Hook for work that follows an action (inside its transaction)."""
        return result


def document_actions(**extra: tuple[Any, Any]) -> dict[str, tuple[Any, Any]]:
    """The standard life-cycle actions of a controlled document, plus ``extra`` ones."""
    return {
        "submit": (documents.document_submit, gettext_lazy("Sent for review.")),
        "approve": (
            documents.document_approve,
            gettext_lazy("Approved. Any earlier approved version is now superseded."),
        ),
        "return": (documents.document_return, gettext_lazy("Returned to draft for changes.")),
        "revise": (
            documents.document_start_revision,
            gettext_lazy("A new draft version was started."),
        ),
        **extra,
    }
