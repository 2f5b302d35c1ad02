"""The register page draws its table from one definition (risks.tables.RiskRegisterTable):
the header and every row's cells follow its columns, and each cell shows what the risk
itself says (its reference, its re-score offer, its acceptance, its labels)."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from aims.core.templatetags.aims import due
from risks.filters import actions_overdue_flag
from risks.models import Risk
from risks.services import risk_criteria_revise
from risks.tables import RiskRegisterTable
from tests import factories

pytestmark = pytest.mark.django_db

NAMES = [column.name for column in RiskRegisterTable.columns]


class Cell:
    def __init__(self) -> None:
        self.text = ""
        self.links: list[str] = []
        self.classes: set[str] = set()

    @property
    def words(self) -> str:
        return re.sub(r"\s+", " ", self.text).strip()


class TableReader(HTMLParser):
    """The header cells and the body rows of the first ``risk-table`` on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.header: list[Cell] = []
        self.rows: list[list[Cell]] = []
        self.cell: Cell | None = None
        self.inside = self.done = False
        self.section = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "risk-table" in (attrs.get("class") or "") and not self.done:
            self.inside = True
        if not self.inside:
            return
        if tag in ("thead", "tbody"):
            self.section = tag
        elif tag == "tr" and self.section == "tbody":
            self.rows.append([])
        elif tag in ("th", "td"):
            self.cell = Cell()
            (self.header if self.section == "thead" else self.rows[-1]).append(self.cell)
        if self.cell is not None:
            self.cell.classes.update((attrs.get("class") or "").split())
            if tag == "a":
                self.cell.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self.cell = None
        if tag == "table" and self.inside:
            self.inside, self.done = False, True

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.text += data


@pytest.fixture
def register(org, users):
    today = timezone.localdate()
    systems = [
        factories.AISystemFactory(organization=org, name=name)
        for name in ("Zeta <scorer>", "Alpha & co", "Middle")
    ]
    tricky = factories.RiskFactory(
        organization=org,
        title='Prompt "injection" <script>alert(1)</script> & more',
        owner=users.officer,
        next_review_date=today - datetime.timedelta(days=3),
        residual_likelihood=2,
        residual_impact=2,
        treatment_option="modify",
    )
    tricky.ai_systems.set(systems)
    factories.TreatmentActionFactory(risk=tricky, due_date=today - datetime.timedelta(days=1))
    factories.RiskFactory(
        organization=org,
        title="Plain",
        next_review_date=today + datetime.timedelta(days=40),
        status="closed",
    )
    factories.RiskFactory(
        organization=org,
        title="Accepted",
        accepted_by=users.officer,
        accepted_at=timezone.now(),
        acceptance_rationale="Within appetite.",
    )
    factories.RiskFactory(organization=org, title="Nothing set")


def _page(client, org) -> tuple[str, TableReader]:
    response = client.get(
        reverse("risks:risk_list", kwargs={"org": org.slug}), {"ordering": "reference"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    reader = TableReader()
    reader.feed(html)
    return html, reader


def _risks(org) -> list[Risk]:
    return list(
        Risk.objects.filter(organization=org)
        .select_related("owner", "criteria", "organization")
        .prefetch_related("ai_systems")
        .annotate(has_overdue_actions=actions_overdue_flag())
        .order_by("number")
    )


def _assert_cells_show_the_risks(org, reader: TableReader) -> None:
    risks = _risks(org)
    assert len(reader.rows) == len(risks)
    for risk, cells in zip(risks, reader.rows, strict=True):
        assert len(cells) == len(NAMES)
        cell = dict(zip(NAMES, cells, strict=True))
        assert cell["reference"].words == risk.reference
        assert cell["reference"].classes == {"mono", "nowrap"}
        assert cell["title"].links == [risk.get_absolute_url()]
        assert cell["title"].words.startswith(risk.title)
        assert ("re-score offered" in cell["title"].words) == risk.rescore_offered
        names = sorted(system.name for system in risk.ai_systems.all())
        assert cell["ai_systems"].words == (", ".join(names) or "—")
        for which in ("inherent", "residual"):
            band = risk.band(which)
            words = cell[which].words
            assert words.startswith(
                f"{band['label']} {getattr(risk, f'{which}_score')}" if band else "—"
            )
        assert ("accepted" in cell["residual"].words) == risk.is_accepted
        assert cell["owner"].words == (risk.owner.display_name if risk.owner else "—")
        assert cell["status"].words == risk.get_status_display()
        assert cell["treatment"].words == (risk.get_treatment_option_display() or "—")
        review = cell["next_review"]
        if risk.next_review_date:
            day = risk.next_review_date
            assert review.words.startswith(f"{date_format(day, 'j M Y')} {due(day)}")
            assert ("overdue" in review.classes) == risk.is_review_overdue
        else:
            assert review.words.startswith("—")
        assert ("treatment actions overdue" in review.words) == risk.has_overdue_actions


def test_the_header_follows_the_table_definition(org, users, client_for, register):
    _html, reader = _page(client_for(users.officer), org)
    labels = [cell.words.rstrip("▲▼ ") for cell in reader.header]
    assert labels == RiskRegisterTable.labels()
    for column, cell in zip(RiskRegisterTable.columns, reader.header, strict=True):
        if column.ordering:
            (link,) = cell.links
            assert parse_qs(link.removeprefix("?"))["ordering"][0].lstrip("-") == column.ordering
        else:
            assert cell.links == []
    # Sorted by reference: its header offers the reverse order.
    assert "ordering=-reference" in reader.header[0].links[0]


def test_every_cell_shows_what_the_risk_says(org, users, client_for, register):
    html, reader = _page(client_for(users.officer), org)
    _assert_cells_show_the_risks(org, reader)
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert any("accepted" in row[NAMES.index("residual")].words for row in reader.rows)
    # Criteria revised since: every row offers re-scoring.
    risk_criteria_revise(organization=org, user=users.admin, change_summary="Wording")
    _html, reader = _page(client_for(users.officer), org)
    _assert_cells_show_the_risks(org, reader)
    assert all("re-score offered" in row[NAMES.index("title")].words for row in reader.rows)


def test_a_column_without_its_render_method_is_refused():
    from aims.core.tables import Column, Table  # only this test declares a table

    with pytest.raises(TypeError, match="shout"):

        class Broken(Table):
            shout = Column("Shout")
