"""FastSelect draws selects in Python; the markup must be Django's, to the character."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from aims.core.widgets import FastSelect, FastSelectMultiple
from risks.filters import RiskFilterSet

CHOICES = [
    ("", "---------"),
    ("a", "Plain"),
    ("b&c", 'Quotes " and <tags> & ampersands'),
    (3, 3),
    ("safe", mark_safe("<em>already safe</em>")),
    ("Group <one>", [("g1", "In a group"), ("g2", "Also")]),
    (mark_safe("Group &amp; two"), [("g3", "Third")]),
]


class FastNullBooleanSelect(FastSelect, forms.NullBooleanSelect):
    pass


class OwnOptionTemplate(FastSelect):
    option_template_name = "django/forms/widgets/radio_option.html"


@pytest.mark.parametrize(
    ("django_widget", "fast_widget", "value"),
    [
        (forms.Select, FastSelect, "b&c"),
        (forms.Select, FastSelect, None),
        (forms.Select, FastSelect, ""),
        (forms.SelectMultiple, FastSelectMultiple, ["a", "g3"]),
        (forms.NullBooleanSelect, FastNullBooleanSelect, True),
        (forms.NullBooleanSelect, FastNullBooleanSelect, None),
    ],
)
@pytest.mark.parametrize(
    "widget_attrs",
    [None, {"class": "x", "data-a": 'q"1'}, {"required": True, "disabled": False}],
)
def test_selects_render_as_djangos_templates_do(django_widget, fast_widget, value, widget_attrs):
    kwargs = {} if django_widget is forms.NullBooleanSelect else {"choices": CHOICES}
    attrs = {"id": "id_f", "hx-get": "?a=1&b"}
    templates = django_widget(attrs=widget_attrs, **kwargs).render(
        "field<1>", value, attrs=attrs, renderer=DjangoTemplates()
    )
    python = fast_widget(attrs=widget_attrs, **kwargs).render("field<1>", value, attrs=attrs)
    assert python == templates


def test_an_option_with_its_own_template_goes_through_the_templates():
    widget = OwnOptionTemplate(choices=CHOICES)
    assert '<label><input type="select" name="f" value="a"' in widget.render("f", "a")


def test_the_project_keeps_djangos_renderer(settings):
    assert settings.FORM_RENDERER == "django.forms.renderers.DjangoTemplates"


@pytest.mark.django_db
def test_the_registers_filter_bar_uses_the_widget(rf, org, users):
    request = rf.get("/")
    request.user, request.organization = users.officer, org
    filterset = RiskFilterSet(data={}, queryset=None, request=request)
    shown = [f for name, f in filterset.form.fields.items() if name not in filterset.ui_exclude]
    selects = [f for f in shown if isinstance(f.widget, forms.Select)]
    assert len(selects) == 8  # kind, AI system, both levels, owner, status, treatment, overdue
    assert all(isinstance(f.widget, FastSelect) for f in selects)
