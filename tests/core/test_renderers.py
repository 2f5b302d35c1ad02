"""The form renderer draws selects in Python; the markup must be Django's, to the character."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from aims.core.renderers import FormRenderer

CHOICES = [
    ("", "---------"),
    ("a", "Plain"),
    ("b&c", 'Quotes " and <tags> & ampersands'),
    (3, 3),
    ("safe", mark_safe("<em>already safe</em>")),
    ("Group <one>", [("g1", "In a group"), ("g2", "Also")]),
    (mark_safe("Group &amp; two"), [("g3", "Third")]),
]


def both(widget: forms.Widget, name: str, value, attrs=None) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs=attrs, renderer=DjangoTemplates()),
        widget.render(name, value, attrs=attrs, renderer=FormRenderer()),
    )


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=CHOICES), "b&c"),
        (forms.Select(choices=CHOICES), None),
        (forms.Select(choices=CHOICES, attrs={"class": "x", "data-a": 'q"1'}), "g2"),
        (forms.Select(choices=CHOICES, attrs={"required": True, "disabled": False}), 3),
        (forms.SelectMultiple(choices=CHOICES), ["a", "g3"]),
        (forms.NullBooleanSelect(), True),
        (forms.NullBooleanSelect(), None),
        (forms.Select(choices=[]), ""),
    ],
)
def test_selects_render_as_djangos_templates_do(widget, value):
    templates, python = both(widget, "field<1>", value, attrs={"id": "id_f", "hx-get": "?a=1&b"})
    assert python == templates


def test_other_widgets_still_use_the_templates():
    for widget in (forms.TextInput(), forms.RadioSelect(choices=CHOICES), forms.CheckboxInput()):
        templates, python = both(widget, "f", "a")
        assert python == templates


def test_the_project_uses_it(settings):
    assert settings.FORM_RENDERER == "aims.core.renderers.FormRenderer"
