"""Policy text: Markdown sanitised on render, and the comparison of two versions."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aims.core.documents import document_approve, document_submit
from policies.rendering import render_markdown
from policies.services import documents as services
from tests.policies.documents_helpers import approved, draft

pytestmark = pytest.mark.django_db

ATTACKS = (
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<p style="background:url(javascript:alert(1))" onclick="alert(2)">styled</p>',
    "<style>body { display: none }</style>",
    '<iframe src="https://evil.example"></iframe>',
    "[link](javascript:alert(3))",
    '<svg onload="alert(4)"></svg>',
)


@pytest.mark.parametrize("attack", ATTACKS)
def test_injection_is_neutralised(attack):
    html = str(render_markdown(f"# Title\n\n{attack}\n\nAfter."))
    lowered = html.lower()
    for bad in (
        "<script",
        "onerror",
        "onclick",
        "onload",
        "javascript:",
        "<style",
        "style=",
        "<iframe",
        "<svg",
    ):
        assert bad not in lowered, (attack, html)
    assert "After." in html


def test_markdown_still_renders():
    html = str(render_markdown("# Policy\n\n- **one**\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |"))
    assert "<h1>Policy</h1>" in html
    assert "<strong>one</strong>" in html
    assert "<table>" in html
    link = str(render_markdown("[site](https://example.org)"))
    assert 'href="https://example.org"' in link and "noopener" in link


def test_the_page_shows_sanitised_text(org, users, client_for):
    version = draft(org, users.officer, body="Hello <script>alert('pwned')</script> **world**")
    page = client_for(users.viewer).get(version.get_absolute_url()).content.decode()
    assert "<strong>world</strong>" in page
    assert "alert('pwned')" not in page


def test_the_api_gives_sanitised_html(org, users, api_client_for):
    version = draft(org, users.officer, body='<b onmouseover="x()">hi</b>')
    data = api_client_for(users.viewer).get(reverse("policy-detail", args=[version.pk])).json()
    assert data["body"] == '<b onmouseover="x()">hi</b>'  # stored as typed
    assert "onmouseover" not in data["body_html"] and "<b>hi</b>" in data["body_html"]


def _two_versions(org, users):
    first = approved(
        org, users.officer, users.admin, body="# Policy\n\nLine one.\nLine two.\nLine three.\n"
    )
    second = services.policy_revise(version=first, user=users.officer)
    second.body = "# Policy\n\nLine one.\nLine 2, <b>changed</b>.\nLine three.\nLine four.\n"
    second.title = "A new title"
    second.save()
    return first, second


def test_diff_between_two_versions(org, users):
    first, second = _two_versions(org, users)
    diff = services.policy_diff(first=second, second=first)
    assert diff.first == first and diff.second == second  # the older first, whatever the order
    kinds = [(r.kind, r.old, r.new) for r in diff.rows]
    assert ("changed", "Line two.", "Line 2, <b>changed</b>.") in kinds
    assert ("added", "", "Line four.") in kinds
    assert ("same", "Line one.", "Line one.") in kinds
    assert [f.label for f in diff.fields] == ["Title"]
    assert "+Line four." in diff.unified and "-Line two." in diff.unified


def test_diff_page_escapes_the_text(org, users, client_for):
    first, second = _two_versions(org, users)
    url = reverse("policies:policy_diff", kwargs={"org": org.slug, "pk": second.pk})
    page = client_for(users.viewer).get(url, {"with": first.pk}).content.decode()
    assert "Line 2, &lt;b&gt;changed&lt;/b&gt;." in page
    assert 'data-row="added"' in page and 'data-row="changed"' in page


def test_diff_refuses_other_documents_and_bad_input(org, users, client_for, api_client_for):
    first, second = _two_versions(org, users)
    other = draft(org, users.officer)
    with pytest.raises(ValidationError):
        services.policy_diff(first=first, second=other)
    url = reverse("policies:policy_diff", kwargs={"org": org.slug, "pk": second.pk})
    client = client_for(users.viewer)
    assert client.get(url, {"with": "abc"}).status_code == 400
    assert client.get(url, {"with": other.pk}).status_code == 400
    assert client.get(url, {"with": 999999}).status_code == 404
    api = api_client_for(users.viewer)
    diff_url = reverse("policy-diff", args=[second.pk])
    assert api.get(diff_url, {"with": "x"}).status_code == 400
    ok = api.get(diff_url, {"with": first.pk})
    assert ok.status_code == 200
    assert ok.json()["text"]["lines_added"] == 2


def test_auditors_see_approved_versions_only(org, users, client_for):
    from tests import factories

    factories.engage(org, users.auditor)
    first, second = _two_versions(org, users)
    client = client_for(users.auditor)
    assert client.get(first.get_absolute_url()).status_code == 200
    assert client.get(second.get_absolute_url()).status_code == 404
    document_submit(version=second, user=users.officer)
    document_approve(version=second, user=users.admin)
    assert client.get(second.get_absolute_url()).status_code == 200
