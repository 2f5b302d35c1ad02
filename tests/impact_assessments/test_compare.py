"""Two versions of an impact assessment side by side: sections, parties and impacts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from controls.models import ControlImplementation
from impact_assessments.models import Impact
from impact_assessments.services import assessment_start
from tests import factories
from tests.impact_assessments.helpers import approve

pytestmark = pytest.mark.django_db


def compare_url(org, version, other=None):
    url = reverse(
        "impact_assessments:assessment_compare", kwargs={"org": org.slug, "pk": version.pk}
    )
    return url if other is None else f"{url}?with={other}"


def _revise(v2):
    """v2: a new conclusion, a new harm, a harm rated higher, one party fewer."""
    v2.conclusion = "Fit for use only with a human decision on every refusal."
    v2.save()
    v2.parties.get(name="Underwriters").delete()
    applicants = v2.parties.get()
    Impact.objects.create(
        assessment=v2,
        party=applicants,
        nature="harm",
        area="privacy",
        description="Bank statements are kept longer than needed.",
        severity=3,
        likelihood=3,
    )
    v2.impacts.filter(description__startswith="Some postcodes").update(severity=5)


def test_it_shows_a_changed_conclusion_an_added_harm_and_a_removed_party(
    org, users, series, client_for
):
    _revise(series.v2)

    page = client_for(users.viewer).get(compare_url(org, series.v2, series.v1.pk))

    assert page.status_code == 200
    comparison = page.context["comparison"]
    assert (comparison.old, comparison.new) == (series.v1, series.v2)  # older one first
    changed = {s.key for s in comparison.sections if s.changed}
    assert changed == {"conclusion"}
    (conclusion,) = [f for s in comparison.sections if s.key == "conclusion" for f in s.fields]
    assert conclusion.before == "Fit for use with the measures listed."
    assert conclusion.after.startswith("Fit for use only with a human decision")
    assert [i.description for i in comparison.impacts.added] == [
        "Bank statements are kept longer than needed."
    ]
    assert comparison.impacts.removed == []
    (rated,) = comparison.impacts.changed
    assert [(f.label, f.before, f.after) for f in rated.fields] == [("Severity", "4", "5")]
    assert [p.name for p in comparison.parties.removed] == ["Underwriters"]
    assert comparison.parties.added == comparison.parties.changed == []

    html = page.content.decode()
    assert html.count('data-diff="field-changed"') == 1
    assert 'data-diff="impact-added"' in html and 'data-diff="party-removed"' in html
    assert "Bank statements are kept longer than needed." in html
    assert "Fit for use only with a human decision on every refusal." in html

    # The other way round reads the same: the older version is always on the left.
    reverse_page = client_for(users.viewer).get(compare_url(org, series.v1, series.v2.pk))
    assert reverse_page.context["comparison"].old == series.v1


def test_identical_versions_say_so(org, users, series, client_for):
    page = client_for(users.viewer).get(compare_url(org, series.v2, series.v1.pk))
    assert page.status_code == 200
    assert page.context["comparison"].identical
    assert "The two versions say the same" in page.content.decode()


def test_a_renamed_party_is_removed_and_added_with_its_impacts(org, users, series, client_for):
    series.v2.parties.filter(name="Users and affected people").update(name="Loan applicants")

    comparison = (
        client_for(users.viewer)
        .get(compare_url(org, series.v2, series.v1.pk))
        .context["comparison"]
    )

    assert [p.name for p in comparison.parties.added] == ["Loan applicants"]
    assert [p.name for p in comparison.parties.removed] == ["Users and affected people"]
    assert [i.party.name for i in comparison.impacts.added] == ["Loan applicants"]
    assert [i.party.name for i in comparison.impacts.removed] == ["Users and affected people"]


def test_an_impact_reworded_is_a_new_impact(org, users, series, client_for):
    series.v2.impacts.update(description="Applicants from some postcodes are refused more often.")

    comparison = (
        client_for(users.viewer)
        .get(compare_url(org, series.v2, series.v1.pk))
        .context["comparison"]
    )

    assert [i.description for i in comparison.impacts.removed] == [
        "Some postcodes are refused more often."
    ]
    assert [i.description for i in comparison.impacts.added] == [
        "Applicants from some postcodes are refused more often."
    ]
    assert comparison.impacts.changed == []
    assert not comparison.parties.any


def test_versions_of_another_series_are_refused(org, users, series, client_for):
    client = client_for(users.officer)
    other_system = assessment_start(
        ai_system=factories.AISystemFactory(organization=org), actor=users.officer
    )
    fria = assessment_start(ai_system=series.system, actor=users.officer, kind="fundamental_rights")

    for other in (other_system, fria):
        page = client.get(compare_url(org, series.v1, other.pk))
        assert page.status_code == 400
        assert "Only versions of the same assessment can be compared" in page.content.decode()
        assert "comparison" not in page.context

    assert client.get(compare_url(org, series.v1, series.v1.pk)).status_code == 400
    assert client.get(compare_url(org, series.v1)).status_code == 400
    bad = client.get(compare_url(org, series.v1, "v2"))
    assert bad.status_code == 400 and "is not a version" in bad.content.decode()
    assert client.get(compare_url(org, series.v1, 999999)).status_code == 404
    assert client.get(compare_url(org, series.v1, 10**30)).status_code == 404


def test_the_other_organisation_and_out_of_scope_auditors_get_a_404(org, users, series, client_for):
    url = compare_url(org, series.v2, series.v1.pk)
    assert client_for(users.outsider).get(url).status_code == 404
    factories.engage(org, users.auditor, systems=[factories.AISystemFactory(organization=org)])
    auditor = client_for(users.auditor)
    assert auditor.get(url).status_code == 404
    assert auditor.get(compare_url(org, series.v1, series.v2.pk)).status_code == 404


def test_an_auditor_in_scope_compares_approved_versions_only(org, users, series, client_for):
    _revise(series.v2)
    v2 = approve(series.v2, users)
    draft = assessment_start(ai_system=series.system, actor=users.officer)
    factories.engage(org, users.auditor, systems=[series.system])
    auditor = client_for(users.auditor)

    page = auditor.get(compare_url(org, v2, series.v1.pk))  # v1 superseded, v2 approved

    assert page.status_code == 200
    assert [v.number for v in page.context["choices"]] == [1]  # never the v3 draft
    assert auditor.get(compare_url(org, v2, draft.pk)).status_code == 404
    assert auditor.get(compare_url(org, draft, v2.pk)).status_code == 404


def test_the_detail_page_and_the_system_tab_link_to_the_comparison(org, users, series, client_for):
    client = client_for(users.viewer)
    expected = compare_url(org, series.v2, series.v1.pk)

    detail = client.get(series.v2.get_absolute_url()).content.decode()
    assert f'href="{expected}"' in detail and "Compare with v1" in detail
    tab = client.get(
        reverse(
            "impact_assessments:system_assessments",
            kwargs={"org": org.slug, "pk": series.system.pk},
        )
    ).content.decode()
    assert f'href="{expected}"' in tab
    assert "Compare with v1" not in client.get(series.v1.get_absolute_url()).content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_comparison_page_runs_a_bounded_number_of_queries(org, users, series, client_for):
    client = client_for(users.viewer)
    url = compare_url(org, series.v2, series.v1.pk)
    _queries(client, url)  # warm the per-request caches (session, roles)
    few = _queries(client, url)

    applicants = series.v2.parties.get(name="Users and affected people")
    for n in range(6):
        party = series.v2.parties.create(name=f"Group {n}", kind="group")
        impact = Impact.objects.create(
            assessment=series.v2,
            party=party if n % 2 else applicants,
            nature="harm",
            area="safety",
            description=f"Harm number {n}.",
            severity=2,
            likelihood=2,
        )
        impact.risks.add(factories.RiskFactory(organization=org))
        impact.controls.add(
            ControlImplementation.objects.create(organization=org, ref=f"ORG-{n}", title="Own")
        )
    many = _queries(client, url)

    assert many == few
    assert few <= 16, few


def test_the_api_answers_what_changed(org, users, series, api_client_for):
    _revise(series.v2)
    client = api_client_for(users.viewer)
    url = reverse("impactassessment-compare", args=[series.v2.pk])

    response = client.get(url, {"with": series.v1.pk})

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["from"], data["to"]) == (series.v1.pk, series.v2.pk)
    assert [s["section"] for s in data["sections"]] == ["conclusion"]
    assert [p["name"] for p in data["parties"]["removed"]] == ["Underwriters"]
    assert [i["description"] for i in data["impacts"]["added"]] == [
        "Bank statements are kept longer than needed."
    ]
    assert data["impacts"]["changed"][0]["fields"] == [
        {"field": "severity", "before": "4", "after": "5"}
    ]
    assert client.get(url, {"with": "x"}).status_code == 400
    fria = assessment_start(ai_system=series.system, actor=users.officer, kind="fundamental_rights")
    refused = client.get(url, {"with": fria.pk})
    assert refused.status_code == 400 and "same assessment" in str(refused.json())
    assert client.get(url, {"with": 999999}).status_code == 404
    assert client.get(url, {"with": 10**30}).status_code == 404
