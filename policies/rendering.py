"""Policy text: Markdown rendered to HTML, then sanitised, and two versions compared.

The text is stored as typed; it is rendered on every display, so a tightening of the
allowed tags reaches every stored version. Whatever HTML the Markdown contains passes
through ``nh3`` (an allow-list sanitiser): scripts, styles, event handlers, frames,
forms and ``javascript:`` addresses never reach the page.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "ol", "p", "pre",
    "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "th": {"scope", "colspan", "rowspan", "align"},
    "td": {"colspan", "rowspan", "align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed with everything inside them, not just unwrapped.
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}


def render_markdown(text: str) -> SafeString:
    """The policy text as safe HTML."""
    html = markdown.markdown(
        text or "", extensions=["tables", "sane_lists", "fenced_code"], output_format="html"
    )
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags=DROPPED_WITH_CONTENT,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # sanitised by nh3 just above


@dataclass
class DiffRow:
    """One row of a side-by-side comparison: ``kind`` is same, changed, added or removed."""

    kind: str
    old_number: int | None
    old: str
    new_number: int | None
    new: str


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class PolicyDiff:
    first: Any  # the older version
    second: Any
    fields: list[FieldChange] = field(default_factory=list)
    rows: list[DiffRow] = field(default_factory=list)
    unified: str = ""

    @property
    def body_changed(self) -> bool:
        return any(r.kind != "same" for r in self.rows)

    @property
    def added(self) -> int:
        return sum(1 for r in self.rows if r.new_number is not None and r.kind != "same")

    @property
    def removed(self) -> int:
        return sum(1 for r in self.rows if r.old_number is not None and r.kind != "same")

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": {"id": self.first.pk, "number": self.first.number},
            "to": {"id": self.second.pk, "number": self.second.number},
            "fields": [{"field": f.label, "from": f.old, "to": f.new} for f in self.fields],
            "text": {
                "lines_added": self.added,
                "lines_removed": self.removed,
                "unified": self.unified,
                "rows": [
                    {
                        "kind": r.kind,
                        "from_line": r.old_number,
                        "from": r.old,
                        "to_line": r.new_number,
                        "to": r.new,
                    }
                    for r in self.rows
                ],
            },
        }


def diff_rows(old: str, new: str) -> list[DiffRow]:
    """Line-by-line comparison of two texts, aligned for a side-by-side table."""
    a, b = (old or "").splitlines(), (new or "").splitlines()
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows.extend(
                DiffRow("same", i1 + k + 1, a[i1 + k], j1 + k + 1, b[j1 + k])
                for k in range(i2 - i1)
            )
            continue
        left, right = list(range(i1, i2)), list(range(j1, j2))
        for k in range(max(len(left), len(right))):
            i = left[k] if k < len(left) else None
            j = right[k] if k < len(right) else None
            kind = (
                "changed"
                if i is not None and j is not None
                else ("removed" if j is None else "added")
            )
            rows.append(
                DiffRow(
                    kind,
                    None if i is None else i + 1,
                    "" if i is None else a[i],
                    None if j is None else j + 1,
                    "" if j is None else b[j],
                )
            )
    return rows


def unified_diff(old: str, new: str, *, old_label: str, new_label: str) -> str:
    return "\n".join(
        difflib.unified_diff(
            (old or "").splitlines(),
            (new or "").splitlines(),
            fromfile=old_label,
            tofile=new_label,
            lineterm="",
        )
    )
