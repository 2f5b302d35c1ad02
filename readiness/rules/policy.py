"""Policies (5.2, A.2.2–A.2.4) and awareness of the AI policy (7.3)."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aims.core.documents import DocumentStatus
from aims.core.permissions import Action, restrict
from aims.core.queries import subquery_count
from aims.organizations.models import Organization
from policies.models import Policy, PolicyAcknowledgement, PolicyKind
from readiness.findings import Finding
from readiness.rules.facts import Facts, PolicyFact


def policy_facts(*, organization: Organization, user: Any) -> list[PolicyFact]:
    """The approved policies the reader may see, with their alignment and acknowledgement
    counts: one query."""
    through = Policy.aligned_with.through
    acks = PolicyAcknowledgement.objects.filter(policy=OuterRef("pk"))
    rows = (
        restrict(Policy.objects.all(), user, Action.VIEW)
        .filter(organization=organization, status=DocumentStatus.APPROVED)
        .annotate(
            aligned_count=subquery_count(through.objects.filter(from_policy=OuterRef("pk"))),
            asked_count=subquery_count(acks),
            acknowledged_count=subquery_count(acks.filter(acknowledged_at__isnull=False)),
        )
        .order_by("code")
        .values(
            "pk",
            "code",
            "title",
            "kind",
            "number",
            "published_at",
            "next_review_date",
            "effective_date",
            "external_documents",
            "aligned_count",
            "asked_count",
            "acknowledged_count",
        )
    )
    return [
        PolicyFact(
            pk=r["pk"],
            code=r["code"],
            title=r["title"],
            kind=r["kind"],
            number=r["number"],
            published_at=r["published_at"],
            next_review_date=r["next_review_date"],
            effective_date=r["effective_date"],
            aligned=r["aligned_count"]
            + sum(1 for line in (r["external_documents"] or "").splitlines() if line.strip()),
            asked=r["asked_count"],
            acknowledged=r["acknowledged_count"],
        )
        for r in rows
    ]


def ai_policy(facts: Facts) -> PolicyFact | None:
    """The approved AI policy (the published one first, should there be several series)."""
    candidates = [p for p in facts.policies if p.kind == PolicyKind.AI_POLICY]
    candidates.sort(key=lambda p: p.published_at is None)
    return candidates[0] if candidates else None


def _policy_url(facts: Facts, policy: PolicyFact | None) -> str | None:
    if policy is None:
        return facts.url("policies:policy_list")
    return facts.url("policies:policy_detail", pk=policy.pk)


def _ai_policy_in_force(facts: Facts) -> Finding:
    """5.2 / A.2.2: an approved AI policy, published, in effect and not past its review."""
    policy = ai_policy(facts)
    url = _policy_url(facts, policy)
    if policy is None:
        return Finding(
            False,
            _("No approved AI policy."),
            _("Adopt the starter AI policy or write one, have it approved and publish it."),
            url,
        )
    if policy.published_at is None:
        return Finding(
            False,
            _("%(p)s is approved but not published.") % {"p": policy.label},
            _("Publish it and ask the people it concerns to acknowledge it."),
            url,
        )
    if policy.effective_date and policy.effective_date > facts.today:
        return Finding(
            False,
            _("%(p)s takes effect only on %(d)s.")
            % {"p": policy.label, "d": date_format(policy.effective_date, "j M Y")},
            _("It counts from its effective date."),
            url,
        )
    if policy.next_review_date and policy.next_review_date < facts.today:
        return Finding(
            False,
            _("%(p)s was due for review on %(d)s.")
            % {"p": policy.label, "d": date_format(policy.next_review_date, "j M Y")},
            _("Review it: start a new version, or approve it again unchanged."),
            url,
        )
    return Finding(
        True,
        _("%(p)s is approved and published; next review %(d)s.")
        % {
            "p": policy.label,
            "d": date_format(policy.next_review_date, "j M Y") if policy.next_review_date else "—",
        },
        url=url,
    )


def _ai_policy_acknowledged(facts: Facts) -> Finding:
    """7.3: the people asked have acknowledged the current AI policy."""
    policy = ai_policy(facts)
    url = _policy_url(facts, policy)
    if policy is None or policy.published_at is None:
        return Finding(
            False,
            _("No published AI policy for people to acknowledge."),
            _("Publish the approved AI policy and choose who must acknowledge it."),
            url,
        )
    ack_url = facts.url("policies:policy_acknowledgements", pk=policy.pk)
    if not policy.asked:
        return Finding(
            False,
            _("Nobody was asked to acknowledge %(p)s.") % {"p": policy.label},
            _("Ask the roles and people it concerns to acknowledge it."),
            ack_url,
        )
    pending = policy.asked - policy.acknowledged
    if pending:
        return Finding(
            False,
            ngettext(
                "%(done)s of %(asked)s people acknowledged %(p)s; %(n)s has not yet.",
                "%(done)s of %(asked)s people acknowledged %(p)s; %(n)s have not yet.",
                pending,
            )
            % {"done": policy.acknowledged, "asked": policy.asked, "p": policy.label, "n": pending},
            _("Follow up with those who have not acknowledged it."),
            ack_url,
        )
    return Finding(
        True,
        ngettext(
            "The %(n)s person asked acknowledged %(p)s.",
            "All %(n)s people asked acknowledged %(p)s.",
            policy.asked,
        )
        % {"n": policy.asked, "p": policy.label},
        url=ack_url,
    )


def _ai_policy_aligned(facts: Facts) -> Finding:
    """A.2.3: the AI policy names the other policies it must agree with."""
    policy = ai_policy(facts)
    url = _policy_url(facts, policy)
    if policy is None:
        return Finding(False, _("No approved AI policy."), _("Approve the AI policy first."), url)
    if not policy.aligned:
        return Finding(
            False,
            _("%(p)s names no other policy it aligns with.") % {"p": policy.label},
            _("In its next version, name the organisational policies it must agree with."),
            url,
        )
    return Finding(
        True,
        ngettext(
            "%(p)s names %(n)s policy it aligns with.",
            "%(p)s names %(n)s policies it aligns with.",
            policy.aligned,
        )
        % {"p": policy.label, "n": policy.aligned},
        url=url,
    )


def _ai_policy_reviewed(facts: Facts) -> Finding:
    """A.2.4: the AI policy carries a review interval and is within it."""
    policy = ai_policy(facts)
    url = _policy_url(facts, policy)
    if policy is None:
        return Finding(False, _("No approved AI policy."), _("Approve the AI policy first."), url)
    if policy.next_review_date and policy.next_review_date < facts.today:
        return Finding(
            False,
            _("%(p)s was due for review on %(d)s.")
            % {"p": policy.label, "d": date_format(policy.next_review_date, "j M Y")},
            _("Review it: start a new version, or approve it again unchanged."),
            url,
        )
    return Finding(
        True,
        _("%(p)s is reviewed on a planned interval; next review %(d)s.")
        % {
            "p": policy.label,
            "d": date_format(policy.next_review_date, "j M Y") if policy.next_review_date else "—",
        },
        url=url,
    )
