"""Management review pages (9.3): reviews with their agenda assembled from the registers,
minutes per input, decisions tracked to closure, and the minutes as a controlled document
with a PDF."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from aims.core import views as generic
from aims.core.forms import DecisionForm
from aims.core.permissions import Action, can, can_add, restrict
from aims.core.queries import subquery_count
from aims.core.tabular import PDF_CONTENT_TYPE
from audits import services
from audits.exports import minutes_export_pdf
from audits.filters import ManagementReviewFilterSet, ReviewDecisionFilterSet
from audits.forms import (
    ManagementReviewForm,
    ReviewDecisionForm,
    ReviewHoldForm,
    ReviewInputForm,
    ReviewMinutesForm,
)
from audits.models import (
    OPEN_ACTION_STATUSES,
    OPEN_MINUTES_STATUSES,
    ManagementReview,
    ReviewDecision,
    ReviewInput,
    ReviewMinutes,
    ReviewStatus,
    minutes_editable,
)


class ReviewListView(generic.ObjectListView):
    model = ManagementReview
    filterset_class = ManagementReviewFilterSet
    select_related = ("organization", "chair")
    table_template = "audits/_review_table.html"
    add_url_name = "audits:review_add"
    title = gettext_lazy("Management reviews")
    intro = gettext_lazy(
        "Top management's regular look at whether the AI management system still works "
        "(9.3). Planning a review assembles its agenda from the registers; the minutes and "
        "decisions are recorded against it."
    )
    empty_text = gettext_lazy("No management review yet. Plan the first one.")
    template_name = "audits/review_list.html"

    def list_queryset(self):
        decisions = ReviewDecision.objects.filter(
            review=OuterRef("pk"), status__in=OPEN_ACTION_STATUSES
        )
        return (
            super()
            .list_queryset()
            .annotate(
                decisions_open=subquery_count(decisions),
                decisions_late=subquery_count(decisions.filter(due_date__lt=timezone.localdate())),
            )
        )


class ReviewDetailView(generic.ObjectDetailView):
    model = ManagementReview
    select_related = ("organization", "chair")
    prefetch_related = ("attendees",)
    template_name = "audits/review_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = context["object"]
        user = self.request.user
        inputs = list(restrict(ReviewInput.objects.all(), user, Action.VIEW).filter(review=review))
        decisions = list(
            restrict(ReviewDecision.objects.all(), user, Action.VIEW)
            .filter(review=review)
            .select_related("owner", "review_input")
        )
        by_input: dict[int, list[ReviewDecision]] = {}
        for decision in decisions:
            by_input.setdefault(decision.review_input_id, []).append(decision)
        for item in inputs:
            item.decisions_made = by_input.get(item.pk, [])
        minutes = list(
            restrict(ReviewMinutes.objects.all(), user, Action.VIEW)
            .filter(review=review)
            .select_related("author", "approved_by")
        )
        can_change = context["can_change"]
        open_minutes = any(m.status in OPEN_MINUTES_STATUSES for m in minutes)
        context.update(
            inputs=inputs,
            decisions=decisions,
            unlinked_decisions=by_input.get(None, []),
            minutes_versions=minutes,
            missing_minutes=[i for i in inputs if not i.minutes.strip()],
            can_hold=can_change and review.status == ReviewStatus.PLANNED,
            can_refresh=can_change and review.status != ReviewStatus.APPROVED,
            can_write_minutes=can_change and minutes_editable(review, minutes),
            can_decide=review.status != ReviewStatus.PLANNED
            and minutes_editable(review, minutes)
            and can_add(user, ReviewDecision, review.organization_id, parent=review),
            can_start_minutes=review.status != ReviewStatus.PLANNED
            and not open_minutes
            and can_add(user, ReviewMinutes, review.organization_id),
            hold_form=ReviewHoldForm(initial={"held_on": timezone.localdate()}),
        )
        return context


class ReviewHistoryView(generic.ObjectHistoryView):
    model = ManagementReview


class ReviewEditView(generic.ObjectEditView):
    model = ManagementReview
    form_class = ManagementReviewForm
    list_url_name = "audits:review_list"

    def save(self, form):
        if self.object is None:
            review = form.save(commit=False)
            return services.review_plan(
                review=review, user=self.request.user, attendees=form.cleaned_data["attendees"]
            )
        self.check_fresh(form)
        if self.object.status == ReviewStatus.APPROVED:
            raise ValidationError(_("The minutes are approved: the review no longer changes."))
        review = form.save(commit=False)
        if review.status == ReviewStatus.PLANNED:
            review.covers_from = services.review_covers_from(review)
        review.save()
        form.save_m2m()
        return review


class ReviewDeleteView(generic.ObjectDeleteView):
    model = ManagementReview
    success_url_name = "audits:review_list"

    def check(self):
        review = super().check()
        if review.status != ReviewStatus.PLANNED:
            raise Http404(_("Only a review not yet held can be deleted."))
        return review


class ReviewActionView(generic.OrganizationMixin, View):
    """POST: ``hold`` (record the meeting as held), ``refresh`` (reassemble the agenda),
    ``minutes`` (start the minutes, or their next version)."""

    def post(self, request, *args, **kwargs):
        review = (
            restrict(ManagementReview.objects.all(), request.user, Action.VIEW)
            .filter(organization=self.organization, pk=kwargs["pk"])
            .first()
        )
        if review is None:
            raise Http404(_("No such record."))
        action = kwargs["action"]
        target = review.get_absolute_url()
        try:
            with transaction.atomic():
                if action == "hold":
                    form = ReviewHoldForm(request.POST)
                    if not form.is_valid():
                        raise ValidationError(
                            [m for errors in form.errors.values() for m in errors]
                        )
                    services.review_hold(
                        review=review, user=request.user, held_on=form.cleaned_data["held_on"]
                    )
                    done = _("Recorded as held. Record the minutes and decisions of each input.")
                elif action == "refresh":
                    services.review_agenda_build(review=review, user=request.user)
                    done = _("The agenda was reassembled from the registers; minutes were kept.")
                elif action == "minutes":
                    minutes = services.review_minutes_start(review=review, user=request.user)
                    done = _("A draft of the minutes was started.")
                    target = minutes.get_absolute_url()
                else:
                    raise Http404
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(review.get_absolute_url())
        messages.success(request, done)
        return redirect(target)


class ReviewInputEditView(generic.ObjectEditView):
    """The minutes of one agenda item."""

    model = ReviewInput
    form_class = ReviewInputForm
    select_related = ("review", "review__organization")

    def setup_object(self):
        super().setup_object()
        if not minutes_editable(self.object.review):
            raise PermissionDenied(
                _("The minutes are approved; start a new version of them to change them.")
            )


class DecisionListView(generic.ObjectListView):
    """Every review's decisions, to follow them up between reviews."""

    model = ReviewDecision
    filterset_class = ReviewDecisionFilterSet
    select_related = ("review", "review__organization", "owner")
    table_template = "audits/_decision_table.html"
    title = gettext_lazy("Management review decisions")
    intro = gettext_lazy(
        "What management reviews decided, who carries each decision out and by when. Open "
        "decisions come back on the agenda of the next review."
    )
    empty_text = gettext_lazy("No decision recorded yet.")


class DecisionEditView(generic.ObjectEditView):
    model = ReviewDecision
    form_class = ReviewDecisionForm
    parent_model = ManagementReview
    select_related = ("review", "review__organization", "owner")

    def new_instance(self) -> ReviewDecision:
        """A decision recorded from an agenda item starts on that input."""
        decision = super().new_instance()
        chosen = self.request.GET.get("input", "")
        if chosen.isdigit():
            decision.review_input = ReviewInput.objects.filter(
                review=self.parent, pk=int(chosen)
            ).first()
        return decision


class DecisionDeleteView(generic.ObjectDeleteView):
    model = ReviewDecision

    def success_url(self, obj):
        return obj.review.get_absolute_url()


# --- Minutes (a controlled document) ---------------------------------------------------------


class _MinutesMixin:
    model = ReviewMinutes
    select_related = ("organization", "review", "review__chair", "author", "approved_by")


class MinutesDetailView(_MinutesMixin, generic.ObjectDetailView):
    template_name = "audits/minutes_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        minutes = context["object"]
        user = self.request.user
        context.update(
            record=minutes.content(),
            blockers=minutes.approval_blockers() if minutes.status == "in_review" else [],
            approver_blockers=minutes.approver_blockers(user)
            if minutes.status == "in_review"
            else [],
            can_approve=can(user, Action.APPROVE, minutes),
            decision_form=DecisionForm(),
            self_approval_blocked=minutes.author_id == user.pk
            and not self.organization.allow_self_approval,
            versions=list(
                restrict(ReviewMinutes.objects.all(), user, Action.VIEW)
                .filter(review=minutes.review)
                .order_by("-number")
            ),
        )
        return context


class MinutesHistoryView(_MinutesMixin, generic.ObjectHistoryView):
    pass


class MinutesEditView(_MinutesMixin, generic.ObjectEditView):
    form_class = ReviewMinutesForm

    def setup_object(self):
        super().setup_object()
        if self.object is None or not self.object.is_editable:
            raise Http404(_("Only a draft of the minutes is edited; start a new version."))


def _minutes_revise(*, version: ReviewMinutes, user) -> ReviewMinutes:
    return services.review_minutes_start(review=version.review, user=user)


class MinutesActionView(_MinutesMixin, generic.DocumentActionView):
    actions = generic.document_actions(
        revise=(_minutes_revise, gettext_lazy("A new draft version was started."))
    )


class MinutesPdfView(_MinutesMixin, generic.ModelViewMixin, View):
    """The minutes as a PDF; a version not approved carries a watermark."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        minutes = self.get_object()
        filename, content = minutes_export_pdf(minutes=minutes)
        response = HttpResponse(content, content_type=PDF_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
