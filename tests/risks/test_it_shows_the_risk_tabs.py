"""A risk's tabs: overview, treatment plan, linked controls and evidence, history."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from tests import factories

PAST = timezone.localdate() - datetime.timedelta(days=2)


def _url(name, org, **kwargs):
    return reverse(f"risks:{name}", kwargs={"org": org.slug, **kwargs})


def test_it_shows_the_overview(org, users, client_for):
    risk = factories.RiskFactory(
        organization=org,
        consequences_organization="Fines and refunds.",
        consequences_individuals="Wrongly refused loans.",
        existing_controls="Manual spot checks.",
    )
    html = client_for(users.viewer).get(risk.get_absolute_url()).content.decode()
    for text in ("Fines and refunds.", "Wrongly refused loans.", "Manual spot checks.", "High"):
        assert text in html
    assert "Accept residual risk" not in html  # viewers do not get the action


def test_it_shows_the_treatment_plan_with_overdue_flags(org, users, client_for):
    risk = factories.RiskFactory(organization=org)
    factories.TreatmentActionFactory(risk=risk, title="Retrain monthly", due_date=PAST)
    factories.TreatmentActionFactory(
        risk=risk, title="Write runbook", due_date=PAST, status="done", completed_on=PAST
    )
    page = client_for(users.officer).get(_url("risk_treatment", org, pk=risk.pk))
    html = page.content.decode()
    assert "Retrain monthly" in html and "overdue by 2 days" in html
    assert html.count("overdue by") == 1  # a finished action is not overdue
    assert _url("action_add", org, parent_pk=risk.pk) in html
    register = client_for(users.officer).get(_url("risk_list", org)).content.decode()
    assert "treatment actions overdue" in register


def test_it_lists_linked_controls_and_reachable_evidence(org, users, client_for):
    risk = factories.RiskFactory(organization=org)
    control = factories.ControlImplementationFactory(organization=org, title="Drift monitoring")
    risk.controls.add(control)
    shown = factories.EvidenceItemFactory(organization=org, title="Monitoring dashboard")
    hidden = factories.EvidenceItemFactory(organization=org, title="Board minutes")
    shown.risks.add(risk)
    hidden.risks.add(risk)
    page = client_for(users.viewer).get(_url("risk_links", org, pk=risk.pk))
    assert page.status_code == 200
    assert [c.pk for c in page.context["controls"]] == [control.pk]
    assert {e.title for e in page.context["evidence"]} == {"Monitoring dashboard", "Board minutes"}
    # An auditor whose engagement covers the control sees the risk that it treats, and of
    # the risk's evidence only what supports that control.
    shown.controls.add(control)
    factories.engage(org, users.auditor, controls=[control])
    page = client_for(users.auditor).get(_url("risk_links", org, pk=risk.pk))
    assert [e.title for e in page.context["evidence"]] == ["Monitoring dashboard"]


def test_it_shows_the_history(org, users, client_for):
    client = client_for(users.officer)
    risk = factories.RiskFactory(organization=org)
    edit = client.get(_url("risk_edit", org, pk=risk.pk)).context["form"]
    from tests.generic import Ctx, form_data

    data = form_data(type(edit), risk, Ctx(org, None, users), users.officer, {"title": "New name"})
    assert client.post(_url("risk_edit", org, pk=risk.pk), data).status_code == 302
    page = client.get(_url("risk_history", org, pk=risk.pk))
    assert page.status_code == 200
    assert "New name" in page.content.decode()


def test_it_offers_exports_with_the_current_filters(org, users, client_for):
    page = client_for(users.officer).get(_url("risk_list", org), {"status": "assessed"})
    urls = [url for _label, url in page.context["export_links"]]
    assert [u.split("format=")[1][:4].rstrip("&") for u in urls] == ["xlsx", "csv", "pdf"]
    assert all("status=assessed" in url for url in urls)


def test_it_leaves_out_links_to_views_that_do_not_exist():
    from risks.views import optional_url

    assert optional_url("reports:no_such_export", org="acme") is None
