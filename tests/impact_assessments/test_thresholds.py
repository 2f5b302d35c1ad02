"""Thresholds for sensitive and restricted uses: where a system falls, what that changes
when its assessment is approved, and how the thresholds are decided (UI and API)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aims.core.documents import document_approve
from impact_assessments.models import Impact, ImpactAssessment, UseThresholds
from impact_assessments.selectors import use_categories
from impact_assessments.services import assessment_start, assessment_submit, thresholds_decide
from impact_assessments.thresholds import SystemSignals, UseLevel, use_category
from tests import factories
from tests.impact_assessments.test_assessment_workflow import COMPLETE

DEFAULTS = UseThresholds()

CASES = [
    # (what, signals, thresholds overrides, level)
    ("nothing reached", SystemSignals(tier="minimal"), {}, UseLevel.STANDARD),
    ("EU high-risk", SystemSignals(tier="high_risk"), {}, UseLevel.SENSITIVE),
    ("prohibited practice", SystemSignals(tier="prohibited"), {}, UseLevel.RESTRICTED),
    ("special-category data", SystemSignals(special_category=True), {}, UseLevel.SENSITIVE),
    ("personal data, off by default", SystemSignals(personal_data=True), {}, UseLevel.STANDARD),
    (
        "personal data, when the organisation counts it",
        SystemSignals(personal_data=True),
        {"sensitive_personal_data": True},
        UseLevel.SENSITIVE,
    ),
    ("profiling", SystemSignals(profiling=True), {}, UseLevel.SENSITIVE),
    ("a vulnerable group", SystemSignals(vulnerable_party=True), {}, UseLevel.SENSITIVE),
    (
        "a severe harm, without a severity threshold",
        SystemSignals(worst_harm=5),
        {},
        UseLevel.STANDARD,
    ),
    (
        "a severe harm",
        SystemSignals(worst_harm=4),
        {"sensitive_harm_severity": 4},
        UseLevel.SENSITIVE,
    ),
    (
        "an irreversible harm of the restricted severity",
        SystemSignals(worst_harm=5, worst_irreversible_harm=5),
        {"restricted_harm_severity": 5},
        UseLevel.RESTRICTED,
    ),
    (
        "a reversible harm of the restricted severity, irreversible only",
        SystemSignals(worst_harm=5, worst_irreversible_harm=2),
        {"restricted_harm_severity": 5, "sensitive_harm_severity": 3},
        UseLevel.SENSITIVE,
    ),
    (
        "a reversible harm of the restricted severity, any harm counts",
        SystemSignals(worst_harm=5),
        {"restricted_harm_severity": 5, "restricted_irreversible_only": False},
        UseLevel.RESTRICTED,
    ),
    (
        "an organisation that counts no tier",
        SystemSignals(tier="high_risk"),
        {"sensitive_tiers": []},
        UseLevel.STANDARD,
    ),
]


@pytest.mark.parametrize(
    ("what", "signals", "overrides", "level"), CASES, ids=[c[0] for c in CASES]
)
def test_it_places_each_use(what, signals, overrides, level):
    thresholds = UseThresholds(**overrides)
    found = use_category(thresholds, signals)
    assert found.level == level, what
    assert bool(found.reasons) == (level != UseLevel.STANDARD)


def _second_officer(org):
    user = factories.UserFactory(email="officer2@acme.test", full_name="Second Officer")
    factories.MembershipFactory(organization=org, user=user, role="officer")
    return user


def _system(org, **kwargs):
    kwargs.setdefault("name", "Credit scoring")
    return factories.AISystemFactory(
        organization=org, users_description="Loan applicants.", **kwargs
    )


def _in_review(system, users, *, interval=12, harm=None):
    draft = assessment_start(ai_system=system, actor=users.officer)
    for name, value in COMPLETE.items():
        setattr(draft, name, value)
    draft.review_interval_months = interval
    draft.save()
    party = draft.parties.get()
    Impact.objects.create(
        assessment=draft,
        party=party,
        nature="harm",
        area="fundamental_rights",
        description="Refused more often in some postcodes.",
        severity=harm[0] if harm else 2,
        likelihood=2,
        reversibility=harm[1] if harm else "reversible",
    )
    assessment_submit(assessment=draft, actor=users.officer)
    return draft


def test_the_signals_come_from_the_records(org, users):
    system = _system(org, eu_ai_act_tier="minimal")
    factories.AISystemDatasetFactory(
        ai_system=system, contains_personal_data=True, special_category_data=True
    )
    _in_review(system, users, harm=(5, "irreversible"))
    other = _system(org, eu_ai_act_tier="minimal", name="Spam filter")
    found = use_categories(organization=org)
    assert found[other.pk].level == UseLevel.STANDARD
    assert found[system.pk].level == UseLevel.SENSITIVE
    UseThresholds.objects.create(organization=org, restricted_harm_severity=5)
    assert use_categories(organization=org)[system.pk].level == UseLevel.RESTRICTED


def test_a_sensitive_use_is_reassessed_at_least_as_often_as_the_thresholds_say(org, users):
    system = _system(org, eu_ai_act_tier="high_risk")
    draft = _in_review(system, users, interval=24)
    with pytest.raises(ValidationError) as refused:
        document_approve(version=draft, user=users.admin)
    assert "at least every 12 months, not every 24" in " ".join(refused.value.messages)
    draft.refresh_from_db()
    assert draft.status == "in_review"

    UseThresholds.objects.create(organization=org, sensitive_review_months=24)
    assert document_approve(version=draft, user=users.admin).status == "approved"


def test_a_standard_use_keeps_its_own_interval(org, users):
    draft = _in_review(_system(org, eu_ai_act_tier="minimal"), users, interval=36)
    assert document_approve(version=draft, user=_second_officer(org)).status == "approved"


def test_only_top_management_approves_a_restricted_use(org, users, client_for):
    system = _system(org, eu_ai_act_tier="prohibited")
    draft = _in_review(system, users)
    response = client_for(_second_officer(org)).post(
        reverse(
            "impact_assessments:assessment_action",
            kwargs={"org": org.slug, "pk": draft.pk, "action": "approve"},
        ),
        {"note": "ok"},
        follow=True,
    )
    assert "top management" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "in_review"
    assert document_approve(version=draft, user=users.admin).status == "approved"


def test_the_api_refuses_a_restricted_approval_by_an_officer(org, users, api_client_for):
    draft = _in_review(_system(org, eu_ai_act_tier="prohibited"), users)
    response = api_client_for(_second_officer(org)).post(
        f"/api/v1/impact-assessments/{draft.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 400
    assert "top management" in str(response.json())
    assert ImpactAssessment.objects.get(pk=draft.pk).status == "in_review"


def test_an_officer_decides_the_thresholds_in_the_browser(org, users, client_for):
    client = client_for(users.officer)
    page = client.get(reverse("impact_assessments:thresholds", kwargs={"org": org.slug}))
    assert "Nobody has decided the thresholds yet" in page.content.decode()
    url = reverse("impact_assessments:thresholds_decide", kwargs={"org": org.slug})
    form = client.get(url)
    assert form.status_code == 200
    data = {
        "based_on": "",
        "sensitive_tiers": ["high_risk", "limited_transparency"],
        "sensitive_special_category": "on",
        "sensitive_review_months": "6",
        "restricted_tiers": ["prohibited"],
        "restricted_harm_severity": "5",
        "restricted_irreversible_only": "on",
        "notes": "Agreed by the AI board.",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    decided = UseThresholds.objects.get(organization=org)
    assert decided.decided_by == users.officer
    assert decided.sensitive_tiers == ["high_risk", "limited_transparency"]
    assert decided.sensitive_review_months == 6

    # A second person who opened the form before that decision is refused, keeping input.
    stale = client_for(users.admin).post(url, {**data, "sensitive_review_months": "3"})
    assert stale.status_code == 409
    assert "Someone else decided the thresholds" in stale.content.decode()
    assert UseThresholds.objects.filter(organization=org).count() == 1

    # Starting from the decision in force, a new decision is added; the first stays.
    again = client_for(users.admin).post(
        url, {**data, "based_on": str(decided.pk), "sensitive_review_months": "3"}
    )
    assert again.status_code == 302
    assert UseThresholds.objects.filter(organization=org).count() == 2
    page = client.get(reverse("impact_assessments:thresholds", kwargs={"org": org.slug}))
    assert "Earlier decisions" in page.content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sensitive_review_months": "0"}, "sensitive_review_months"),
        ({"restricted_tiers": ["high_risk"]}, "restricted_tiers"),
        ({"sensitive_harm_severity": "9"}, "sensitive_harm_severity"),
    ],
)
def test_bad_thresholds_are_refused_and_nothing_is_saved(org, users, client_for, change, field):
    url = reverse("impact_assessments:thresholds_decide", kwargs={"org": org.slug})
    data = {"based_on": "", "sensitive_tiers": ["high_risk"], "sensitive_review_months": "12"}
    response = client_for(users.officer).post(url, {**data, **change})
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not UseThresholds.objects.filter(organization=org).exists()


def test_a_contributor_may_not_decide(org, users, client_for):
    url = reverse("impact_assessments:thresholds_decide", kwargs={"org": org.slug})
    assert client_for(users.contributor).get(url).status_code == 403
    with pytest.raises(Exception, match="Your role does not allow"):
        thresholds_decide(thresholds=UseThresholds(organization=org), actor=users.contributor)


def test_the_api_records_decisions_and_checks_what_they_replace(org, users, api_client_for):
    client = api_client_for(users.officer)
    first = client.post(
        "/api/v1/impact-thresholds/",
        {"organization": org.pk, "sensitive_review_months": 6},
        format="json",
    )
    assert first.status_code == 201, first.content
    assert first.json()["decided_by"] == users.officer.pk
    stale = client.post(
        "/api/v1/impact-thresholds/",
        {"organization": org.pk, "based_on": None, "sensitive_review_months": 3},
        format="json",
    )
    assert stale.status_code == 400
    assert UseThresholds.objects.filter(organization=org).count() == 1
    bad = client.post(
        "/api/v1/impact-thresholds/",
        {"organization": org.pk, "sensitive_review_months": 0},
        format="json",
    )
    assert bad.status_code == 400
    assert "sensitive_review_months" in bad.json()
    assert (
        client.patch(
            f"/api/v1/impact-thresholds/{first.json()['id']}/", {"notes": "x"}, format="json"
        ).status_code
        == 405
    )
