"""The live Statement of Applicability: always complete, justified either way, gaps flagged."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from controls.filters import ControlImplementationFilterSet
from controls.models import ClauseStatus, ControlImplementation
from controls.services import controls_ensure_for, soa_rows
from tests import factories


def _soa_url(org):
    return reverse("controls:soa", kwargs={"org": org.slug})


def test_it_gives_every_organisation_the_whole_annex_a_and_clause_list(catalog, org):
    controls_ensure_for(organization=org)
    assert controls_ensure_for(organization=org) == 0  # idempotent
    annex_a = ControlImplementation.objects.filter(organization=org, requirement__isnull=False)
    assert annex_a.count() == 38
    assert {c.group for c in annex_a} == {f"A.{n}" for n in range(2, 11)}
    assert ClauseStatus.objects.filter(organization=org).count() == 32


def test_it_completes_the_soa_when_the_page_is_opened(catalog, org, users, client_for):
    controls_ensure_for(organization=org)
    ControlImplementation.objects.filter(organization=org, requirement__ref="A.6.2.4").delete()
    factories.ControlImplementationFactory(organization=org, ref="ORG-1", title="Red teaming")
    response = client_for(users.viewer).get(_soa_url(org))
    assert response.status_code == 200
    assert response.context["row_count"] == 39
    groups = response.context["groups"]
    assert [g.key for g in groups] == [*(f"A.{n}" for n in range(2, 11)), "ORG"]
    assert groups[0].title == "Policies related to AI"  # the control objective's short title
    assert groups[-1].rows[0].control.ref == "ORG-1"
    assert b"A.6.2.4" in response.content


@pytest.mark.parametrize("applicability", ["applicable", "not_applicable"])
def test_it_requires_a_justification_to_include_or_exclude(org, applicability):
    control = factories.ControlImplementationFactory(organization=org, applicability=applicability)
    with pytest.raises(ValidationError) as caught:
        control.full_clean()
    assert list(caught.value.message_dict) == ["justification"]
    control.justification = "Our credit models decide on people; bias testing is essential."
    control.full_clean()


def test_it_lets_an_undecided_control_wait_for_its_justification(org):
    factories.ControlImplementationFactory(organization=org).full_clean()


def test_it_names_the_justification_field_in_the_form_and_the_api(
    org, users, client_for, api_client_for
):
    control = factories.ControlImplementationFactory(organization=org)
    url = reverse("controls:implementation_edit", kwargs={"org": org.slug, "pk": control.pk})
    response = client_for(users.officer).post(
        url,
        {
            "ref": control.ref,
            "title": control.title,
            "applicability": "not_applicable",
            "status": "not_started",
            "review_interval_months": 12,
            "_version": control.version,
        },
    )
    assert response.status_code == 400
    assert "justification" in response.context["form"].errors
    api = api_client_for(users.officer)
    response = api.patch(
        reverse("controlimplementation-detail", args=[control.pk]),
        {"applicability": "applicable"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["justification"]
    control.refresh_from_db()
    assert control.applicability == "undecided"


def test_it_refuses_an_implementation_status_on_a_control_left_out(org):
    control = factories.ControlImplementationFactory(
        organization=org,
        applicability="not_applicable",
        justification="We build no AI systems ourselves.",
        status="implemented",
    )
    with pytest.raises(ValidationError) as caught:
        control.full_clean()
    assert list(caught.value.message_dict) == ["status"]


def test_it_flags_each_kind_of_gap(org):
    undecided = factories.ControlImplementationFactory(organization=org)
    excluded_but_risky = factories.ControlImplementationFactory(
        organization=org, applicability="not_applicable", justification="No suppliers."
    )
    factories.RiskFactory(organization=org).controls.add(excluded_but_risky)
    unproven = factories.ControlImplementationFactory(
        organization=org, applicability="applicable", justification="Answers R-0001."
    )
    unjustified = factories.ControlImplementationFactory(organization=org)
    ControlImplementation.objects.filter(pk=unjustified.pk).update(applicability="applicable")
    factories.EvidenceItemFactory(organization=org).controls.add(unjustified)
    sound = factories.ControlImplementationFactory(
        organization=org, applicability="applicable", justification="Answers R-0002."
    )
    factories.EvidenceItemFactory(organization=org).controls.add(sound)

    gaps = {row.control.pk: row.gaps for row in soa_rows(organization=org)}
    assert gaps[undecided.pk] == ["Applicability not decided", "No justification"]
    assert gaps[excluded_but_risky.pk] == ["Linked to a risk but marked not applicable"]
    assert gaps[unproven.pk] == ["Applicable but no evidence"]
    assert gaps[unjustified.pk] == ["No justification"]
    assert gaps[sound.pk] == []

    # The "has gaps" filter (UI and API) agrees with the row flags.
    base = ControlImplementation.objects.filter(organization=org)
    flagged = ControlImplementationFilterSet({"has_gaps": "true"}, queryset=base).qs
    assert {c.pk for c in flagged} == {
        undecided.pk,
        excluded_but_risky.pk,
        unproven.pk,
        unjustified.pk,
    }
    clean = ControlImplementationFilterSet({"has_gaps": "false"}, queryset=base).qs
    assert {c.pk for c in clean} == {sound.pk}


def test_it_filters_the_soa_page_with_htmx(org, users, client_for):
    factories.ControlImplementationFactory(organization=org, ref="ORG-1", title="Red teaming")
    factories.ControlImplementationFactory(
        organization=org,
        ref="ORG-2",
        title="Model cards",
        applicability="applicable",
        justification="Customers ask for them.",
    )
    response = client_for(users.viewer).get(
        _soa_url(org), {"applicability": "applicable"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.templates[0].name == "controls/_soa_results.html"
    assert b"ORG-2" in response.content and b"ORG-1" not in response.content
    # The summary covers the whole SoA, not only the filtered rows.
    everything = ControlImplementation.objects.filter(organization=org).count()
    assert response.context["row_count"] == 1
    assert response.context["summary"]["total"] == everything


def test_it_keeps_annex_a_controls_in_the_soa(catalog, org, users, client_for, api_client_for):
    controls_ensure_for(organization=org)
    control = ControlImplementation.objects.get(organization=org, requirement__ref="A.2.2")
    url = reverse("controls:implementation_delete", kwargs={"org": org.slug, "pk": control.pk})
    assert client_for(users.admin).post(url).status_code == 403
    response = api_client_for(users.admin).delete(
        reverse("controlimplementation-detail", args=[control.pk])
    )
    assert response.status_code == 400
    assert ControlImplementation.objects.filter(pk=control.pk).exists()


def test_it_keeps_the_catalog_reference_and_title_of_an_annex_a_row(
    catalog, org, users, api_client_for
):
    controls_ensure_for(organization=org)
    control = ControlImplementation.objects.get(organization=org, requirement__ref="A.2.2")
    response = api_client_for(users.admin).patch(
        reverse("controlimplementation-detail", args=[control.pk]),
        {"ref": "ORG-9", "title": "Renamed", "implementation": "Policy on the intranet."},
        format="json",
    )
    assert response.status_code == 200, response.content
    control.refresh_from_db()
    assert (control.ref, control.implementation) == ("A.2.2", "Policy on the intranet.")
    assert response.json()["gaps"] == ["Applicability not decided", "No justification"]


def test_it_shows_a_controls_risks_and_evidence_with_their_status(org, users, client_for):
    control = factories.ControlImplementationFactory(organization=org)
    risk = factories.RiskFactory(organization=org, title="Unfair credit decisions")
    risk.controls.add(control)
    evidence = factories.EvidenceItemFactory(organization=org, title="Bias test report")
    evidence.controls.add(control)
    client = client_for(users.viewer)
    kwargs = {"org": org.slug, "pk": control.pk}
    risks_page = client.get(reverse("controls:implementation_risks", kwargs=kwargs))
    assert b"Unfair credit decisions" in risks_page.content
    assert risk.reference.encode() in risks_page.content
    evidence_page = client.get(reverse("controls:implementation_evidence", kwargs=kwargs))
    assert b"Bias test report" in evidence_page.content
    assert b"Valid" in evidence_page.content


def test_the_soa_page_runs_a_constant_number_of_queries(catalog, org, users, client_for):
    controls_ensure_for(organization=org)
    client = client_for(users.admin)
    client.get(_soa_url(org))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_soa_url(org)).status_code == 200
        return len(queries)

    before = count()
    controls = list(ControlImplementation.objects.filter(organization=org))
    for n in range(30):
        risk = factories.RiskFactory(organization=org)
        risk.controls.add(*controls[n % 5 : n % 5 + 3])
        factories.EvidenceItemFactory(organization=org).controls.add(controls[n % 38])
        factories.ControlImplementationFactory(organization=org)
    after = count()
    assert before == after
    assert after <= 12  # includes the session save and the layout's own queries


def test_it_offers_exports_only_once_the_reports_pages_exist(org, users, client_for):
    from controls.views import export_links

    assert export_links("reports:no_such_page", org=org.slug) == []
    response = client_for(users.viewer).get(_soa_url(org))
    assert response.status_code == 200
    for _label, href in response.context["export_links"]:
        assert href.split("?format=")[1] in ("pdf", "xlsx", "csv")


def test_the_api_filters_soa_rows_like_the_page(org, users, api_client_for):
    factories.ControlImplementationFactory(organization=org, ref="ORG-1")
    sound = factories.ControlImplementationFactory(
        organization=org, ref="ORG-2", applicability="applicable", justification="Needed."
    )
    factories.EvidenceItemFactory(organization=org).controls.add(sound)
    client = api_client_for(users.viewer)
    url = reverse("controlimplementation-list")
    rows = client.get(url, {"organization": org.pk, "group": "ORG", "has_gaps": "false"}).json()
    assert [r["ref"] for r in rows["results"]] == ["ORG-2"]
    assert rows["results"][0]["evidence_count"] == 1 and rows["results"][0]["gaps"] == []
    rows = client.get(url, {"organization": org.pk, "group": "ORG", "q": "ORG-1"}).json()
    assert [r["gaps"] for r in rows["results"]] == [
        ["Applicability not decided", "No justification"]
    ]
