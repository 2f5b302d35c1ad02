"""Recording KPI measurements: by hand and pushed through the API, bad input refused with
nothing saved, the trend chart, and lists at a constant query count."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aims.core.api import TrackedSerializer
from aims.core.models import ChangeLogEntry
from policies.charts import kpi_trend_svg
from policies.models import AIObjective, KPIMeasurement
from tests.policies.objectives_helpers import days_ago, make_measurement, make_objective

PUSH = reverse("kpimeasurement-list")


@pytest.fixture
def objective(org):
    return make_objective(org)


def _push(client, objective, **fields):
    payload = {"objective": objective.pk, "measured_on": days_ago(1).isoformat(), "value": "97.5"}
    payload.update(fields)
    return client.post(PUSH, payload, format="json")


# --- API push -------------------------------------------------------------------------------


def test_it_takes_a_value_pushed_by_an_integration(objective, users, api_client_for):
    client = api_client_for(users.officer, scope="write")
    response = _push(client, objective, unit="%", note="From the monitoring job.")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source"] == "api"
    assert body["entered_by"] == users.officer.pk
    assert body["unit"] == "%"
    assert Decimal(body["value"]) == Decimal("97.5")
    measurement = KPIMeasurement.objects.get()
    assert measurement.source == "api" and measurement.entered_by == users.officer
    shown = api_client_for(users.viewer).get(reverse("aiobjective-detail", args=[objective.pk]))
    assert shown.json()["kpi_status"] == "at_risk"  # 97.5 against at least 98, margin 2
    assert Decimal(shown.json()["latest_value"]) == Decimal("97.5")


def test_a_json_number_is_taken_as_it_was_sent(objective, users, api_client_for):
    response = _push(api_client_for(users.officer), objective, value=97.25)
    assert response.status_code == 201, response.content
    assert KPIMeasurement.objects.get().value == Decimal("97.25")


def test_a_read_only_token_cannot_push(objective, users, api_client_for):
    response = _push(api_client_for(users.officer, scope="read"), objective)
    assert response.status_code == 403
    assert not KPIMeasurement.objects.exists()


def test_a_contributor_pushes_only_for_objectives_they_own(objective, users, api_client_for):
    client = api_client_for(users.contributor)
    assert _push(client, objective).status_code == 403
    objective.owner = users.contributor
    objective.save()
    assert _push(client, objective).status_code == 201


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"value": "ninety"}, "value", "number"),
        ({"value": True}, "value", "number"),
        ({"value": "97.5 %"}, "value", "number"),
        ({"value": "NaN"}, "value", "number"),
        ({"value": "Infinity"}, "value", "number"),
        ({"value": "1.23456"}, "value", "decimal places"),
        ({"value": None}, "value", "null"),
        ({"unit": "ms"}, "unit", "measured in “%”"),
        ({"unit": 5}, "unit", "measured in “%”"),
        ({"unit": ["%"]}, "unit", "valid string"),
        ({"measured_on": "0001-01-01"}, "measured_on", "between 1900-01-01"),
        ({"measured_on": "9999-12-31"}, "measured_on", "between 1900-01-01"),
        ({"measured_on": "2026-02-30"}, "measured_on", "format"),
        (
            {"measured_on": (datetime.date.today() + datetime.timedelta(days=40)).isoformat()},
            "measured_on",
            "not come yet",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(
    objective, users, api_client_for, fields, field, message
):
    logged = ChangeLogEntry.objects.filter(content_type__model="kpimeasurement")
    response = _push(api_client_for(users.officer), objective, **fields)
    assert response.status_code == 400, response.content
    errors = response.json()
    assert list(errors) == [field], errors
    assert message in " ".join(errors[field])
    assert not KPIMeasurement.objects.exists()
    assert not logged.exists()


def test_a_second_value_for_the_same_day_is_refused(objective, users, api_client_for):
    client = api_client_for(users.officer)
    assert _push(client, objective).status_code == 201
    response = _push(client, objective, value="99")
    assert response.status_code == 400
    assert list(response.json()) == ["measured_on"]
    assert KPIMeasurement.objects.get().value == Decimal("97.5")


def test_a_zero_review_interval_is_refused(org, users, api_client_for):
    response = api_client_for(users.officer).post(
        reverse("aiobjective-list"),
        {
            "organization": org.pk,
            "title": "Fairness",
            "metric": "Approval-rate gap",
            "unit": "pp",
            "direction": "at_most",
            "target_value": "2",
            "review_interval_months": 0,
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["review_interval_months"]
    assert not AIObjective.objects.exists()


def test_a_range_needs_an_upper_bound_not_below_the_target(org, users, api_client_for):
    url = reverse("aiobjective-list")
    base = {
        "organization": org.pk,
        "title": "Calibration",
        "metric": "Observed / expected defaults",
        "unit": "ratio",
        "direction": "range",
        "target_value": "0.9",
    }
    client = api_client_for(users.officer)
    assert list(client.post(url, base, format="json").json()) == ["target_upper"]
    below = client.post(url, {**base, "target_upper": "0.5"}, format="json")
    assert list(below.json()) == ["target_upper"]
    assert not AIObjective.objects.exists()
    assert client.post(url, {**base, "target_upper": "1.1"}, format="json").status_code == 201


# --- By hand ------------------------------------------------------------------------------


def test_an_officer_records_a_value_from_the_objective_page(objective, users, client_for, org):
    client = client_for(users.officer)
    page = client.get(objective.get_absolute_url())
    assert "Add a measurement" in page.content.decode()
    url = reverse("policies:measurement_add", kwargs={"org": org.slug, "parent_pk": objective.pk})
    response = client.post(url, {"measured_on": days_ago(1).isoformat(), "value": "99"})
    assert response.status_code == 302
    measurement = KPIMeasurement.objects.get()
    assert (measurement.source, measurement.entered_by) == ("manual", users.officer)
    assert "On track" in client.get(objective.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"value": "ninety"}, "value"),
        ({"value": "97,5 %"}, "value"),
        ({"value": "97.5", "measured_on": "1800-01-01"}, "measured_on"),
    ],
)
def test_the_form_refuses_bad_input_keeping_what_was_typed(
    objective, users, client_for, org, data, field
):
    url = reverse("policies:measurement_add", kwargs={"org": org.slug, "parent_pk": objective.pk})
    data = {"measured_on": days_ago(1).isoformat(), "note": "typed", **data}
    response = client_for(users.officer).post(url, data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "typed" in response.content.decode()
    assert not KPIMeasurement.objects.exists()


def test_the_form_refuses_a_second_value_for_the_day(objective, users, client_for, org):
    make_measurement(objective, on=days_ago(1))
    url = reverse("policies:measurement_add", kwargs={"org": org.slug, "parent_pk": objective.pk})
    response = client_for(users.officer).post(
        url, {"measured_on": days_ago(1).isoformat(), "value": "50"}
    )
    assert response.status_code == 400
    assert "measured_on" in response.context["form"].errors
    assert KPIMeasurement.objects.count() == 1


def test_a_viewer_sees_no_measurement_form(objective, users, client_for):
    page = client_for(users.viewer).get(objective.get_absolute_url())
    assert page.status_code == 200
    assert "Add a measurement" not in page.content.decode()


# --- The chart ------------------------------------------------------------------------------


def test_the_chart_plots_every_value_and_the_target():
    points = [
        (datetime.date(2026, 1, 31), Decimal("96.5")),
        (datetime.date(2026, 2, 28), Decimal("97.25")),
        (datetime.date(2026, 3, 31), Decimal("99")),
    ]
    svg = str(
        kpi_trend_svg(
            title="Declines with reasons <over time>",
            unit="%",
            direction="at_least",
            target=Decimal("98"),
            target_upper=None,
            points=list(reversed(points)),  # any order: drawn oldest first
        )
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg and "aria-labelledby" in svg
    assert "<title" in svg and "&lt;over time&gt;" in svg  # escaped
    assert "<desc" in svg and "3 measurements" in svg and "target at least 98 %" in svg
    assert svg.count("<circle") == 3
    assert [v for v in ("96.5", "97.25", "99") if f'data-value="{v}"' in svg] == [
        "96.5",
        "97.25",
        "99",
    ]
    dates = [svg.index(f'data-date="{d.isoformat()}"') for d, _v in points]
    assert dates == sorted(dates)
    assert "<polyline" in svg and "stroke-dasharray" in svg  # the series and the target


def test_a_range_is_drawn_as_a_band():
    svg = str(
        kpi_trend_svg(
            title="Calibration",
            unit="",
            direction="range",
            target=Decimal("0.8"),
            target_upper=Decimal("1.25"),
            points=[(datetime.date(2026, 1, 31), Decimal("1.1"))],
        )
    )
    assert "<rect" in svg and "target between 0.8 and 1.25" in svg
    assert svg.count("<circle") == 1


def test_an_empty_series_says_so():
    svg = str(
        kpi_trend_svg(
            title="Nothing yet",
            unit="%",
            direction="at_most",
            target=Decimal("5"),
            target_upper=None,
            points=[],
        )
    )
    assert "No measurements yet" in svg
    assert "<circle" not in svg and "<polyline" not in svg
    assert "target at most 5 %" in svg


def test_the_page_shows_the_chart_and_the_values_as_a_table(objective, users, client_for):
    for n, value in ((70, "96"), (40, "97.5"), (10, "99")):
        make_measurement(objective, on=days_ago(n), value=value)
    html = client_for(users.viewer).get(objective.get_absolute_url()).content.decode()
    assert '<svg class="kpi-chart"' in html
    assert html.count("<circle") == 3
    assert "<table" in html and "97.5" in html and "On track" in html


def test_lists_filter_by_kpi_status(org, users, api_client_for, client_for):
    off = make_objective(org, title="Off")
    make_measurement(off, value="50")
    on = make_objective(org, title="On")
    make_measurement(on, value="99")
    make_objective(org, title="Never")
    rows = api_client_for(users.viewer).get(
        reverse("aiobjective-list"), {"kpi_status": "off_track"}
    )
    assert [r["id"] for r in rows.json()["results"]] == [off.pk]
    page = client_for(users.viewer).get(
        reverse("policies:objective_list", kwargs={"org": org.slug}), {"kpi_status": "not_measured"}
    )
    assert [o.title for o in page.context["object_list"]] == ["Never"]


# --- Query counts with measured series --------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _measured(org, n: int) -> None:
    for i in range(n):
        objective = make_objective(org, title=f"Objective {i}")
        for months in range(1, 4):
            make_measurement(objective, on=days_ago(30 * months), value=str(90 + months))


def test_the_objectives_list_reads_a_constant_number_of_queries(org, users, client_for):
    client = client_for(users.officer)
    url = reverse("policies:objective_list", kwargs={"org": org.slug})
    _measured(org, 1)
    client.get(url)
    one = _count(client, url)
    _measured(org, 20)
    assert _count(client, url) == one


def test_the_objectives_api_reads_a_constant_number_of_queries(org, users, api_client_for):
    client = api_client_for(users.officer)
    url = reverse("aiobjective-list")
    _measured(org, 1)
    client.get(url)
    one = _count(client, url)
    _measured(org, 20)
    assert _count(client, url) == one


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"review_interval_months": "0"}, "review_interval_months"),
        ({"target_value": "98 %"}, "target_value"),
        ({"at_risk_margin": "-1"}, "at_risk_margin"),
        ({"direction": "range"}, "target_upper"),
        ({"due_date": "3026-01-01"}, "due_date"),
    ],
)
def test_the_objective_form_refuses_bad_input(org, users, client_for, changes, field):
    data = {
        "title": "Fairness",
        "metric": "Approval-rate gap",
        "unit": "pp",
        "guides": "both",
        "direction": "at_most",
        "target_value": "3",
        "at_risk_margin": "1",
        "frequency": "monthly",
        "status": "active",
        "review_interval_months": "12",
        **changes,
    }
    url = reverse("policies:objective_add", kwargs={"org": org.slug})
    response = client_for(users.officer).post(url, data)
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [field]
    assert not AIObjective.objects.exists()


def test_a_value_for_the_same_day_saved_meanwhile_is_a_400_not_a_database_error(
    objective, users, api_client_for, client_for, org, monkeypatch
):
    """Two pushes for one day, both validated before either saved: the second one meets the
    database constraint and is refused on the field (simulated by skipping the check)."""
    make_measurement(objective, on=days_ago(1))
    monkeypatch.setattr(KPIMeasurement, "clean", lambda self: None)
    monkeypatch.setattr(TrackedSerializer, "_constraint_errors", staticmethod(lambda *a: {}))
    response = _push(api_client_for(users.officer), objective)
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["measured_on"]
    url = reverse("policies:measurement_add", kwargs={"org": org.slug, "parent_pk": objective.pk})
    page = client_for(users.officer).post(
        url, {"measured_on": days_ago(1).isoformat(), "value": "5"}
    )
    assert page.status_code == 409
    assert "already has a value for that day" in page.content.decode()
    assert KPIMeasurement.objects.count() == 1
