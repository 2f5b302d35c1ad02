"""Classifying an AI system under the EU AI Act: the questionnaire, the history, the reach."""

from __future__ import annotations

from django.urls import reverse

from aims.inventory.models import AISystem
from impact_assessments.models import AIActClassification
from tests import factories


def _url(name, org, **kwargs):
    return reverse(f"impact_assessments:{name}", kwargs={"org": org.slug, **kwargs})


CV_SCREENING = {"role": "deployer", "annex_iii_areas": ["4"], "profiles_people": "on"}


def test_classifying_sets_the_systems_tier_and_keeps_every_reading(org, users, client_for, catalog):
    system = factories.AISystemFactory(organization=org, name="CV screening")
    client = client_for(users.officer)
    response = client.post(_url("classify", org, parent_pk=system.pk), CV_SCREENING)
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert response["Location"] == _url("system_classification", org, pk=system.pk)
    system.refresh_from_db()
    assert (system.eu_ai_act_tier, system.eu_ai_act_role) == ("high_risk", "deployer")

    page = client.get(response["Location"]).content.decode()
    assert "High risk" in page
    assert "Art. 26" in page and "Art. 86" in page
    assert "Reclassify" in page

    # The reclassification form starts from the latest answers; the old reading stays.
    form = client.get(_url("classify", org, parent_pk=system.pk)).context["form"]
    assert form.initial["annex_iii_areas"] == [4] and form.initial["role"] == "deployer"
    response = client.post(
        _url("classify", org, parent_pk=system.pk),
        {**CV_SCREENING, "public_service": "on", "notes": "We now serve a public agency."},
    )
    assert response.status_code == 302
    readings = list(system.ai_act_classifications.order_by("pk"))
    assert [r.fria_required for r in readings] == [False, True]
    assert "Art. 27" in readings[1].obligations and "Art. 27" not in readings[0].obligations
    page = client.get(_url("system_classification", org, pk=system.pk)).content.decode()
    assert page.count("High risk") >= 3  # the outcome and both rows of the history


def test_the_obligations_name_the_42001_requirements_behind_them(org, users, client_for, catalog):
    system = factories.AISystemFactory(organization=org)
    client_for(users.officer).post(
        _url("classify", org, parent_pk=system.pk),
        {"role": "provider", "annex_iii_areas": ["4"], "profiles_people": "on"},
    )
    classification = system.ai_act_classifications.get()
    response = client_for(users.viewer).get(
        _url("classification_detail", org, pk=classification.pk)
    )
    obligations = dict(
        (o.ref, [r.ref for r in reqs]) for o, reqs in response.context["obligations"]
    )
    assert "6.1.1" in obligations["Art. 9"]


def test_a_claimed_exception_needs_its_justification(org, users, client_for, api_client_for):
    system = factories.AISystemFactory(organization=org)
    answers = {
        "role": "provider",
        "annex_iii_areas": ["4"],
        "derogation_conditions": ["narrow_task"],
    }
    response = client_for(users.officer).post(_url("classify", org, parent_pk=system.pk), answers)
    assert response.status_code == 400
    assert "exception must be documented" in str(response.context["form"].errors)
    response = api_client_for(users.officer).post(
        reverse("aiactclassification-list"),
        {**answers, "annex_iii_areas": [4], "organization": org.pk, "ai_system": system.pk},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["derogation_justification"]
    assert not AIActClassification.objects.exists()
    system.refresh_from_db()
    assert system.eu_ai_act_tier == "unclassified"
    response = api_client_for(users.officer).post(
        reverse("aiactclassification-list"),
        {
            **answers,
            "annex_iii_areas": [4],
            "organization": org.pk,
            "ai_system": system.pk,
            "derogation_justification": "It only sorts applications by arrival date.",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["tier"] == "minimal"
    assert response.json()["derogation_applies"] is True
    assert "Art. 6" in response.json()["obligations"]


def test_bad_answers_are_refused_with_the_field_named(org, users, api_client_for):
    system = factories.AISystemFactory(organization=org)
    base = {"organization": org.pk, "ai_system": system.pk, "role": "provider"}
    for extra, field in (
        ({"prohibited_practices": ["z"]}, "prohibited_practices"),
        ({"annex_iii_areas": [9]}, "annex_iii_areas"),
        ({"transparency_duties": ["telepathy"]}, "transparency_duties"),
        ({"gpai_systemic_risk": True}, "gpai_systemic_risk"),
        ({"derogation_conditions": ["narrow_task"]}, "derogation_conditions"),
        ({"role": "spectator"}, "role"),
    ):
        response = api_client_for(users.officer).post(
            reverse("aiactclassification-list"), {**base, **extra}, format="json"
        )
        assert response.status_code == 400, (extra, response.content)
        assert field in response.json(), (extra, response.json())
    assert not AIActClassification.objects.exists()


def test_a_reading_is_never_changed_or_deleted(org, users, api_client_for):
    system = factories.AISystemFactory(organization=org)
    classification = AIActClassification.objects.create(
        organization=org, ai_system=system, role="provider", classified_by=users.officer
    )
    client = api_client_for(users.admin)
    url = reverse("aiactclassification-detail", args=[classification.pk])
    assert client.patch(url, {"role": "deployer"}, format="json").status_code == 405
    assert client.delete(url).status_code == 405
    assert AIActClassification.objects.get().role == "provider"


def test_an_auditor_sees_the_classifications_of_the_systems_in_scope(org, users, api_client_for):
    chosen = factories.AISystemFactory(organization=org)
    other = factories.AISystemFactory(organization=org)
    for system in (chosen, other):
        AIActClassification.objects.create(
            organization=org, ai_system=system, role="provider", classified_by=users.officer
        )
    factories.engage(org, users.auditor, systems=[chosen])
    response = api_client_for(users.auditor).get(reverse("aiactclassification-list"))
    assert [row["ai_system"] for row in response.json()["results"]] == [chosen.pk]
    assert AISystem.objects.get(pk=other.pk)


def test_once_classified_the_tier_changes_only_by_reclassifying(
    org, users, api_client_for, client_for
):
    system = factories.AISystemFactory(organization=org)
    client = api_client_for(users.officer)
    url = reverse("aisystem-detail", args=[system.pk])
    assert client.patch(url, {"eu_ai_act_tier": "minimal"}, format="json").status_code == 200
    client_for(users.officer).post(
        reverse("impact_assessments:classify", kwargs={"org": org.slug, "parent_pk": system.pk}),
        {"role": "deployer", "annex_iii_areas": ["4"], "profiles_people": "on"},
    )
    system.refresh_from_db()
    assert (system.eu_ai_act_tier, system.eu_ai_act_classified_on) == (
        "high_risk",
        system.ai_act_classifications.get().classified_on,
    )
    response = client.patch(
        url, {"eu_ai_act_tier": "minimal", "eu_ai_act_role": "provider"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"eu_ai_act_tier", "eu_ai_act_role"}
    assert "reclassify the system" in response.json()["eu_ai_act_tier"][0]
    assert client.patch(url, {"name": "Renamed"}, format="json").status_code == 200
    system.refresh_from_db()
    assert (system.eu_ai_act_tier, system.eu_ai_act_role, system.name) == (
        "high_risk",
        "deployer",
        "Renamed",
    )
    form = (
        client_for(users.officer)
        .get(reverse("inventory:aisystem_edit", kwargs={"org": org.slug, "pk": system.pk}))
        .context["form"]
    )
    assert form.fields["eu_ai_act_tier"].disabled and form.fields["eu_ai_act_role"].disabled


def test_a_due_fundamental_rights_assessment_can_be_started_from_the_outcome(
    org, users, client_for
):
    system = factories.AISystemFactory(organization=org)
    client = client_for(users.officer)
    client.post(
        reverse("impact_assessments:classify", kwargs={"org": org.slug, "parent_pk": system.pk}),
        {"role": "deployer", "annex_iii_areas": ["5"], "public_service": "on"},
    )
    tab = reverse(
        "impact_assessments:system_classification", kwargs={"org": org.slug, "pk": system.pk}
    )
    html = client.get(tab).content.decode()
    assert "Due before first use (Art. 27)" in html and "Start it" in html
    assert "Start it" not in client_for(users.viewer).get(tab).content.decode()
    response = client.post(
        reverse("impact_assessments:system_assessments", kwargs={"org": org.slug, "pk": system.pk}),
        {"kind": "fundamental_rights"},
    )
    assert response.status_code == 302
    assert system.impact_assessments.get().kind == "fundamental_rights"
