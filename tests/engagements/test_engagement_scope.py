"""What an auditor sees follows from the open engagements they are on, through ``restrict``."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from aims.core.permissions import Action, forget_roles, restrict
from aims.evidence.models import EvidenceFile, EvidenceItem
from aims.inventory.models import AISystem, AISystemDataset
from engagements.models import Engagement
from risks.models import Risk, RiskAssessment, RiskCriteria, TreatmentAction
from tests import factories
from tests.evidence.factories import EvidenceFileFactory, pdf_bytes


@pytest.fixture
def aims(org):
    """Two AI systems, each with a risk, an action, a data set and evidence on the risk."""
    records = {}
    for name in ("Credit scoring", "Chat assistant"):
        system = factories.AISystemFactory(organization=org, name=name)
        risk = factories.RiskFactory(organization=org, title=f"{name} risk")
        risk.ai_systems.add(system)
        action = factories.TreatmentActionFactory(risk=risk)
        dataset = factories.AISystemDatasetFactory(ai_system=system)
        evidence = EvidenceFileFactory(
            item__organization=org, item__title=f"{name} evidence", content=pdf_bytes(name)
        )
        risk.evidence.add(evidence.item)
        records[name] = {
            "system": system,
            "risk": risk,
            "action": action,
            "dataset": dataset,
            "evidence": evidence.item,
            "file": evidence,
        }
    return records


def seen(user, model):
    forget_roles(user)
    return set(restrict(model.objects.all(), user, Action.VIEW).values_list("pk", flat=True))


def test_an_auditor_on_no_engagement_sees_nothing(org, users, aims):
    for model in (AISystem, Risk, EvidenceItem, RiskCriteria):
        assert seen(users.auditor, model) == set()


def test_a_whole_aims_engagement_shows_every_record(org, users, aims):
    factories.engage(org, users.auditor, whole_aims=True)
    assert seen(users.auditor, AISystem) == set(AISystem.objects.values_list("pk", flat=True))
    assert seen(users.auditor, Risk) == {r["risk"].pk for r in aims.values()}
    assert seen(users.auditor, EvidenceFile) == {r["file"].pk for r in aims.values()}


def test_a_limited_engagement_shows_the_chosen_systems_records_only(org, users, aims):
    chosen, other = aims["Credit scoring"], aims["Chat assistant"]
    factories.engage(org, users.auditor, systems=[chosen["system"]])
    auditor = users.auditor
    assert seen(auditor, AISystem) == {chosen["system"].pk}
    assert seen(auditor, AISystemDataset) == {chosen["dataset"].pk}
    assert seen(auditor, Risk) == {chosen["risk"].pk}
    assert seen(auditor, TreatmentAction) == {chosen["action"].pk}
    assert seen(auditor, EvidenceItem) == {chosen["evidence"].pk}
    assert seen(auditor, EvidenceFile) == {chosen["file"].pk}
    assert other["risk"].pk not in seen(auditor, Risk)


def test_a_record_linked_twice_is_listed_once(org, users, aims):
    chosen = aims["Credit scoring"]
    chosen["risk"].ai_systems.add(aims["Chat assistant"]["system"])
    factories.engage(
        org, users.auditor, systems=[chosen["system"], aims["Chat assistant"]["system"]]
    )
    forget_roles(users.auditor)
    pks = list(
        restrict(Risk.objects.all(), users.auditor, Action.VIEW).values_list("pk", flat=True)
    )
    assert len(pks) == len(set(pks)) == 2


def test_every_engagement_reads_the_risk_criteria(org, users, aims):
    criteria = factories.criteria_for(org)
    factories.engage(org, users.auditor, systems=[aims["Credit scoring"]["system"]])
    assert criteria.pk in seen(users.auditor, RiskCriteria)


def test_auditors_see_approved_assessments_only(org, users, aims):
    system = aims["Credit scoring"]["system"]
    draft = factories.RiskAssessmentFactory(organization=org, title="Draft")
    approved = factories.RiskAssessmentFactory(organization=org, title="Approved")
    RiskAssessment.objects.filter(pk=approved.pk).update(
        status="approved", approved_by=users.officer, approved_at=timezone.now()
    )
    for assessment in (draft, approved):
        assessment.ai_systems.add(system)
    factories.engage(org, users.auditor, whole_aims=True)
    assert seen(users.auditor, RiskAssessment) == {approved.pk}


def test_a_chosen_clause_opens_the_records_that_serve_it(catalog, org, users, aims):
    from controls.models import Requirement

    clause = Requirement.objects.get(framework__code="iso42001", ref="6.1.2")
    factories.engage(org, users.auditor, clauses=[clause])
    assert seen(users.auditor, Risk) == {r["risk"].pk for r in aims.values()}
    assert seen(users.auditor, AISystem) == set()


def test_the_window_bounds_what_the_auditor_sees(org, users, aims):
    engagement = factories.engage(org, users.auditor, whole_aims=True)
    assert seen(users.auditor, Risk)
    Engagement.objects.filter(pk=engagement.pk).update(
        starts_on=engagement.starts_on.replace(year=engagement.starts_on.year - 1),
        ends_on=engagement.starts_on,
    )
    assert seen(users.auditor, Risk) == set()
    later = factories.engage(org, users.auditor, whole_aims=True, starts_in_days=3)
    assert later.pk and seen(users.auditor, Risk) == set()


def test_an_engagement_opens_nothing_to_anyone_but_its_auditors(org, users, aims):
    other_auditor = factories.UserFactory(email="second@certifier.test")
    factories.MembershipFactory(organization=org, user=other_auditor, role="auditor")
    factories.engage(org, users.auditor, whole_aims=True)
    assert seen(other_auditor, Risk) == set()
    # An engagement never reaches another organisation, nor a non-auditor role.
    assert seen(users.outsider, Risk) == set()


def test_an_auditor_sees_their_own_engagements_only(org, users, aims):
    mine = factories.engage(org, users.auditor, whole_aims=True)
    other_auditor = factories.UserFactory(email="second@certifier.test")
    factories.MembershipFactory(organization=org, user=other_auditor, role="auditor")
    factories.engage(org, other_auditor, whole_aims=True, name="Surveillance")
    assert seen(users.auditor, Engagement) == {mine.pk}
    assert len(seen(users.officer, Engagement)) == 2


def test_the_portal_and_the_api_answer_404_out_of_scope_and_after_the_window(
    org, users, aims, client_for, api_client_for
):
    chosen, other = aims["Credit scoring"], aims["Chat assistant"]
    engagement = factories.engage(org, users.auditor, systems=[chosen["system"]])
    ui, api = client_for(users.auditor), api_client_for(users.auditor, scope="read")

    def risk_page(risk):
        return reverse("risks:risk_detail", kwargs={"org": org.slug, "pk": risk.pk})

    def download(item):
        return reverse("evidence:evidence_download", kwargs={"org": org.slug, "pk": item.pk})

    assert ui.get(risk_page(chosen["risk"])).status_code == 200
    assert ui.get(download(chosen["file"])).status_code == 200
    assert api.get(reverse("risk-detail", args=[chosen["risk"].pk])).status_code == 200
    assert ui.get(risk_page(other["risk"])).status_code == 404
    assert ui.get(download(other["file"])).status_code == 404
    assert api.get(reverse("risk-detail", args=[other["risk"].pk])).status_code == 404
    listed = api.get(reverse("risk-list")).json()["results"]
    assert [row["id"] for row in listed] == [chosen["risk"].pk]

    Engagement.objects.filter(pk=engagement.pk).update(
        starts_on=engagement.starts_on.replace(year=engagement.starts_on.year - 1),
        ends_on=engagement.starts_on,
    )
    assert ui.get(risk_page(chosen["risk"])).status_code == 404
    assert ui.get(download(chosen["file"])).status_code == 404
    assert api.get(reverse("risk-detail", args=[chosen["risk"].pk])).status_code == 404
    assert api.get(reverse("risk-list")).json()["results"] == []


def test_an_auditor_reads_their_engagement_through_the_api_and_changes_nothing(
    org, users, aims, api_client_for
):
    engagement = factories.engage(org, users.auditor, systems=[aims["Credit scoring"]["system"]])
    api = api_client_for(users.auditor)
    listed = api.get(reverse("engagement-list")).json()["results"]
    assert [row["id"] for row in listed] == [engagement.pk]
    assert listed[0]["ai_systems"] == [aims["Credit scoring"]["system"].pk]
    url = reverse("engagement-detail", args=[engagement.pk])
    assert api.patch(url, {"whole_aims": True}, format="json").status_code == 403
    engagement.refresh_from_db()
    assert engagement.whole_aims is False


def test_only_auditors_can_be_put_on_an_engagement(org, users, api_client_for):
    api = api_client_for(users.officer)
    payload = {
        "organization": org.pk,
        "name": "Stage 2",
        "body": "certification",
        "body_name": "Certifier Ltd",
        "stage": "stage_2",
        "starts_on": "2026-12-01",
        "ends_on": "2026-11-01",
        "whole_aims": True,
        "auditors": [users.auditor.pk],
    }
    response = api.post(reverse("engagement-list"), payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["ends_on"]
    payload["ends_on"] = "2026-12-20"
    refused = api.post(reverse("engagement-list"), {**payload, "auditors": [users.viewer.pk]})
    assert refused.status_code == 400 and list(refused.json()) == ["auditors"]
    assert api.post(reverse("engagement-list"), payload, format="json").status_code == 201
    assert Engagement.objects.get().auditors.get() == users.auditor


def test_every_page_names_the_auditors_engagement_and_its_last_day(org, users, aims, client_for):
    page = reverse("risks:risk_list", kwargs={"org": org.slug})
    assert "No engagement is open for you" in client_for(users.auditor).get(page).content.decode()
    engagement = factories.engage(org, users.auditor, whole_aims=True, name="Stage 1 audit")
    text = client_for(users.auditor).get(page).content.decode()
    until = f"{engagement.ends_on.day} {engagement.ends_on:%B %Y}"
    assert f"Engagement: Stage 1 audit, read-only, until {until}" in text
    assert "You may also ask the organisation for information" in text  # the one write
    assert "Engagement:" not in client_for(users.officer).get(page).content.decode()


def test_an_empty_list_speaks_to_the_auditor_not_the_operator(org, users, aims, client_for):
    factories.engage(org, users.auditor, controls=[])
    client = client_for(users.auditor)
    register = client.get(reverse("risks:risk_list", kwargs={"org": org.slug})).content.decode()
    assert "Nothing in this engagement" in register
    assert "worries you most" not in register
    soa = client.get(reverse("controls:soa", kwargs={"org": org.slug})).content.decode()
    assert "load_catalog" not in soa
