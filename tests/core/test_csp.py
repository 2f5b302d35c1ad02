"""Every page carries a strict Content-Security-Policy, and the templates need nothing it
forbids (issue 8 item 16). The browser journeys (tests/e2e) fail on any CSP violation."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
# Templates rendered to PDF by WeasyPrint (never served as a page): their inline styles are
# the print layout.
PRINT_ONLY = ROOT / "templates" / "reports"
# E-mail bodies (never served as a page): mail clients read inline styles only.
EMAIL_ONLY = ROOT / "templates" / "reminders" / "email"

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JS_URL = re.compile(r"""=\s*["']\s*javascript:""", re.IGNORECASE)


def _page_templates() -> list[Path]:
    found = [*ROOT.glob("templates/**/*.html")]
    for app_dir in ROOT.iterdir():
        if app_dir.name.startswith(".") or app_dir.name in {"templates", "static", "var"}:
            continue
        found += app_dir.glob("**/templates/**/*.html")
    return sorted(p for p in found if PRINT_ONLY not in p.parents and EMAIL_ONLY not in p.parents)


def _sources() -> list[Path]:
    """Page templates, and the Python that writes markup (template tags, widgets)."""
    python = [
        p
        for p in ROOT.glob("**/*.py")
        if ".venv" not in p.parts and "tests" not in p.parts and "migrations" not in p.parts
    ]
    return _page_templates() + sorted(python)


DJANGO_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)
PYTHON_COMMENT = re.compile(r"^\s*#.*$", re.MULTILINE)


def _code(path: Path) -> str:
    """The file without its comments (a comment may name what it avoids)."""
    text = path.read_text(encoding="utf-8")
    return PYTHON_COMMENT.sub("", text) if path.suffix == ".py" else DJANGO_COMMENT.sub("", text)


def _inline_problems(text: str) -> list[str]:
    problems = []
    for match in SCRIPT_TAG.finditer(text):
        attributes = match.group(1)
        if "src=" not in attributes and "application/json" not in attributes:
            problems.append(f"inline <script>: {match.group(0)}")
    problems += [f"event handler: {m.group(0).strip()}" for m in EVENT_HANDLER.finditer(text)]
    problems += [f"style attribute: {m.group(0).strip()}" for m in STYLE_ATTRIBUTE.finditer(text)]
    problems += [f"<style> element: {m.group(0)}" for m in STYLE_ELEMENT.finditer(text)]
    problems += [f"javascript: URL: {m.group(0)}" for m in JS_URL.finditer(text)]
    return problems


def test_the_scan_finds_what_the_policy_forbids():
    assert len(_inline_problems('<script>alert(1)</script><b onclick="x()" style="a:b">')) == 3
    assert _inline_problems('<script src="/static/a.js" defer></script>') == []
    assert _inline_problems('<script type="application/json">{}</script>') == []


def test_templates_and_markup_need_no_inline_script_or_style():
    sources = _sources()
    assert any(p.name == "base.html" for p in sources)
    problems = {
        str(path.relative_to(ROOT)): found
        for path in sources
        if (found := _inline_problems(_code(path)))
    }
    assert problems == {}


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part
    }


def _assert_strict(response, url):
    assert "Content-Security-Policy" in response, url
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"], url
    assert policy["style-src"] == ["'self'"], url
    assert policy["object-src"] == ["'none'"], url
    assert policy["frame-ancestors"] == ["'none'"], url
    assert "'unsafe-inline'" not in response["Content-Security-Policy"], url
    assert "'unsafe-eval'" not in response["Content-Security-Policy"], url


def test_the_sign_in_page_and_an_error_page_carry_the_policy(client, db):
    for url in ("/accounts/login/", "/no-such-page/"):
        response = client.get(url)
        assert response["Content-Type"].startswith("text/html"), url
        _assert_strict(response, url)


HREF = re.compile(r'href="(/[^"#?]*)')


@pytest.mark.usefixtures("catalog")
def test_every_page_reachable_from_the_dashboard_carries_the_policy(org, users, client_for):
    client = client_for(users.admin)
    start = reverse("dashboard", kwargs={"org": org.slug})
    seen, queue, pages = set(), [start], 0
    while queue and len(seen) < 60:
        url = queue.pop(0)
        if url in seen or url.startswith(("/static/", "/media/", "/accounts/logout")):
            continue
        seen.add(url)
        response = client.get(url)
        if not response["Content-Type"].startswith("text/html"):
            continue
        pages += 1
        _assert_strict(response, url)
        if response.status_code == 200:
            for link in HREF.findall(response.content.decode()):
                if urlsplit(link).path not in seen:
                    queue.append(link)
    assert pages >= 20


def test_api_docs_are_served_from_this_site_and_start_from_a_script_file(users, client_for):
    client = client_for(users.officer)
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    _assert_strict(page, "/api/docs/")
    html = page.content.decode()
    assert "https://" not in html and "http://" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert _inline_problems(html) == []
    script = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1)
    start = client.get(script.replace("&amp;", "&"))
    assert start.status_code == 200
    assert start["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in start.content
