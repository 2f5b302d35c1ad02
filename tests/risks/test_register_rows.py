"""The register's rows are read as values (risks.register) and drawn in Python
(risks_tags.risk_register_rows) for speed; they must carry the same markup as the template
loop over model instances they replaced, kept here as the reference."""

from __future__ import annotations

import datetime
import re

import pytest
from django.template import Context, Template
from django.utils import timezone

from risks.filters import actions_overdue_flag
from risks.models import Risk, RiskCriteria
from risks.register import register_rows, with_register_columns
from tests import factories

pytestmark = pytest.mark.django_db

REFERENCE_ROWS = """{% load i18n aims risks_tags %}
  {% for risk in object_list %}
  <tr>
    <td class="mono nowrap">{{ risk.reference }}</td>
    <td><a href="{% url 'risks:risk_detail' org=current_org.slug pk=risk.pk %}">{{ risk.title }}</a>{% if risk.rescore_offered %} <span class="chip chip-warning" title="{% trans 'Scored with an older version of the criteria' %}">{% trans "re-score offered" %}</span>{% endif %}</td>
    <td>{% for s in risk.ai_systems.all %}{{ s.name }}{% if not forloop.last %}, {% endif %}{% empty %}<span class="muted">—</span>{% endfor %}</td>
    <td>{% level_chip risk "inherent" %}</td>
    <td>{% level_chip risk "residual" %}{% if risk.is_accepted %} <span class="chip chip-success">{% trans "accepted" %}</span>{% endif %}</td>
    <td>{{ risk.owner.display_name|default:"—" }}</td>
    <td>{% chip risk.status risk.get_status_display %}</td>
    <td>{{ risk.get_treatment_option_display|default:"—" }}</td>
    <td>{% if risk.next_review_date %}<time datetime="{{ risk.next_review_date|date:'Y-m-d' }}">{{ risk.next_review_date|date:"j M Y" }}</time> <span class="{% if risk.is_review_overdue %}overdue{% else %}muted{% endif %}">{{ risk.next_review_date|due }}</span>{% else %}—{% endif %}{% if risk.has_overdue_actions %}<div><span class="overdue">{% trans "treatment actions overdue" %}</span></div>{% endif %}</td>
  </tr>
  {% endfor %}
"""


def _squeeze(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def test_rows_match_the_template_they_replaced(org, users):
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
    assert "re-score offered" not in _assert_same_rows(org)
    # Criteria revised since: every row offers re-scoring.
    RiskCriteria.objects.filter(organization=org).update(is_current=False)
    assert "re-score offered" in _assert_same_rows(org)


def _assert_same_rows(org) -> str:
    risks = list(
        Risk.objects.filter(organization=org)
        .select_related("owner", "criteria")
        .prefetch_related("ai_systems")
        .annotate(has_overdue_actions=actions_overdue_flag())
        .order_by("pk")
    )
    context = {"current_org": org}
    reference = Template(REFERENCE_ROWS).render(Context({**context, "object_list": risks}))
    criteria = {c.pk: c for c in RiskCriteria.objects.filter(organization=org)}
    page = register_rows(
        with_register_columns(Risk.objects.filter(organization=org)).order_by("pk"), criteria
    )
    rows = Template("{% load risks_tags %}{% risk_register_rows risks %}").render(
        Context({**context, "risks": page})
    )
    assert _squeeze(rows) == _squeeze(reference)
    assert "&lt;script&gt;" in rows and "<script>" not in rows
    assert "accepted" in rows
    return rows
