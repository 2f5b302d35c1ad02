"""The shared PDF renderer: offline, with the organisation's time zone in the header."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.conf import settings

from aims.core.pdf import RemoteResourceRefused, _local_fetcher, local_text, render_pdf
from tests.reports.pdftext import pdf_text


def test_it_refuses_anything_but_static_files_and_data_urls():
    fetcher = _local_fetcher()
    css = (settings.BASE_DIR / "static" / "reports" / "print.css").as_uri()

    with pytest.raises(RemoteResourceRefused):
        fetcher.fetch("https://fonts.example.com/font.css")
    with pytest.raises(RemoteResourceRefused):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(RemoteResourceRefused):
        fetcher.fetch(css.replace("/static/", "/static/../aims/"))
    response = fetcher.fetch(css)
    assert b"@page" in response.read()
    response.close()


def test_it_renders_a_pdf_with_header_and_page_numbers_in_the_org_time_zone():
    org = SimpleNamespace(name="Fabrikam GmbH", time_zone="Europe/Berlin", slug="fabrikam")

    content = render_pdf(
        template_name="reports/base_print.html",
        context={},
        organization=org,
        title="Test document",
    )

    text = pdf_text(content)
    assert content.startswith(b"%PDF-")
    assert "Fabrikam GmbH · Test document" in text
    assert "Page 1 of 1" in text
    assert ("CET" in text) or ("CEST" in text)


def test_local_text_reads_in_the_org_time_zone():
    org = SimpleNamespace(time_zone="Asia/Tokyo")
    moment = datetime.datetime(2026, 1, 2, 23, 30, tzinfo=datetime.UTC)

    assert local_text(moment, org) == "2026-01-03 08:30 JST"
    assert local_text(None, org) == ""
    assert local_text(moment, SimpleNamespace(time_zone="Not/AZone")) == "2026-01-02 23:30 UTC"
