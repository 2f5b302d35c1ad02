"""Tables declared once, header and cells together (in the manner of django-tables2).

A table class lists its columns as class attributes, in the order they are shown; each
column has a header label, optionally the ordering key its header sorts by, a class for
its cells, and a ``render_<name>`` method on the table that writes one cell from a row.
``{{ table.header }}`` and ``{{ table.body }}`` draw the ``<th>`` cells and the rows:

    class ThingTable(Table):
        name = Column(_("Name"), ordering="name")

        def render_name(self, row) -> str:
            return escape(row.name)

Cells are written in Python, not through the template engine (a hundred rows of a dozen
cells through templates took most of the register page's time); a ``render_`` method must
escape user text itself (``django.utils.html.escape`` / ``format_html``). Use a table for
lists of hundreds of rows; ordinary pages stay in templates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from aims.core.templatetags.aims import sort_header


class Column:
    """One column: its header ``label``, the ``ordering`` key its header sorts by (none:
    a plain header) and the ``css_class`` of its cells."""

    def __init__(self, label: Any, *, ordering: str | None = None, css_class: str = "") -> None:
        self.label = label
        self.ordering = ordering
        self.css_class = css_class
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name


class Table:
    """Rows drawn by the columns declared on the subclass (see the module's docstring)."""

    columns: ClassVar[tuple[Column, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        declared: dict[str, Column] = {}
        for klass in reversed(cls.__mro__):
            declared.update({k: v for k, v in vars(klass).items() if isinstance(v, Column)})
        cls.columns = tuple(declared.values())
        for column in cls.columns:
            if not callable(getattr(cls, f"render_{column.name}", None)):
                raise TypeError(f"{cls.__name__} declares {column.name!r} without render_")

    def __init__(self, rows: Iterable[Any], *, request: HttpRequest) -> None:
        self.rows = list(rows)
        self.request = request

    def prepare(self) -> None:
        """Work done once per table before its rows are drawn (labels, URLs, caches)."""

    def header_cell(self, column: Column) -> str:
        if column.ordering:
            return sort_header({"request": self.request}, column.ordering, column.label)
        return format_html('<th scope="col">{}</th>', column.label)

    def cells(self, row: Any) -> list[str]:
        """The row's cells' contents, in column order."""
        return [getattr(self, f"render_{column.name}")(row) for column in self.columns]

    @property
    def header(self) -> SafeString:
        return mark_safe("".join(self.header_cell(column) for column in self.columns))

    @property
    def body(self) -> SafeString:
        self.prepare()
        cells = [
            (
                f'<td class="{column.css_class}">' if column.css_class else "<td>",
                getattr(self, f"render_{column.name}"),
            )
            for column in self.columns
        ]
        lines = [
            "<tr>" + "".join(f"{td}{render(row)}</td>" for td, render in cells) + "</tr>"
            for row in self.rows
        ]
        # Every cell escapes its user text (render_ methods); the rest is our markup.
        return mark_safe("\n".join(lines))

    @classmethod
    def labels(cls) -> Sequence[str]:
        return [str(column.label) for column in cls.columns]
