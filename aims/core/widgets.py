"""Select widgets drawn in Python, for forms that render many of them on a hot page.

Django renders a select through a template and one included template per option; the
risk register's filter bar (eight selects, a few dozen options) spent more time there than
on its hundred table rows. ``FastSelect`` / ``FastSelectMultiple`` write the markup of
Django's ``select.html`` / ``select_option.html`` / ``attrs.html`` character for character
(``tests/core/test_widgets.py`` compares the two) whatever form renderer is set; an option
with a template of its own goes through the templates as before. Use them where a page
has a target (the register's filter set); every other form keeps Django's widgets.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _text(value: Any) -> str:
    """``{{ value }}``: localised, then escaped unless already safe."""
    value = localize(value)
    return conditional_escape(value if isinstance(value, str) else str(value))


def _formatted(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: no localisation; a safe value stays unescaped."""
    text = str(value)
    return text if isinstance(value, SafeData) else conditional_escape(text)


def _attrs(attrs: dict[str, Any]) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        )
    return "".join(parts)


def render_select(widget: dict[str, Any]) -> SafeString | None:
    """A select from its template context, or ``None`` if an option has its own template."""
    out = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option["template_name"] != OPTION_TEMPLATE:
                return None
            out.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"  # the option template's last line end
            )
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return mark_safe("".join(out))  # every value above is escaped


class PythonDrawnSelect:
    """Mixin for a ``forms.Select`` subclass: the select written by ``render_select``."""

    template_name: str

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        html = None
        if self.template_name == SELECT_TEMPLATE:
            html = render_select(self.get_context(name, value, attrs)["widget"])
        if html is None:  # a template of its own, for the select or an option
            return super().render(name, value, attrs=attrs, renderer=renderer)
        return html


class FastSelect(PythonDrawnSelect, forms.Select):
    pass


class FastSelectMultiple(PythonDrawnSelect, forms.SelectMultiple):
    pass
