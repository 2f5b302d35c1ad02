"""PDF rendering: a Django template → PDF bytes through WeasyPrint, offline.

Every report shares ``templates/reports/base_print.html`` and ``static/reports/print.css``:
A4 landscape, a running header (organisation, document title, generated-at in the
organisation's time zone) and "Page x of y" in the footer. Nothing is fetched from the
network: the stylesheet is read from the static files on disk, fonts come from fontconfig
(DejaVu), and any other URL a template might reference is refused.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

PRINT_CSS = "reports/print.css"

# WeasyPrint logs every layout step of every page at INFO; a 50-page register would flood
# the worker's log. Its warnings (unsupported CSS, refused URLs) still come through.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class RemoteResourceRefused(ValueError):
    """A template asked for something outside the static folder; PDFs never use the network."""


def _static_root() -> Path:
    return Path(settings.BASE_DIR) / "static"


def _local_fetcher() -> Any:
    """A WeasyPrint fetcher that reads ``data:`` URLs and files under ``static/`` only."""
    from weasyprint.urls import URLFetcher

    root = _static_root().resolve()

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("file://"):
                path = Path(url.removeprefix("file://").split("?")[0]).resolve()
                if not path.is_relative_to(root):
                    raise RemoteResourceRefused(f"PDF rendering refuses to read {url!r}")
            elif not url.startswith("data:"):
                raise RemoteResourceRefused(f"PDF rendering refuses to fetch {url!r}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols={"file", "data"})


@lru_cache(maxsize=8)
def _stylesheet(name: str = PRINT_CSS) -> Any:
    from weasyprint import CSS

    path = finders.find(name)
    if not path:
        raise FileNotFoundError(name)
    return CSS(filename=path, url_fetcher=_local_fetcher())


def generated_at(organization: Any) -> datetime.datetime:
    """Now, in the organisation's time zone (UTC if it names none we know)."""
    try:
        zone = zoneinfo.ZoneInfo(getattr(organization, "time_zone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.now().astimezone(zone)


def local_text(value: datetime.datetime | None, organization: Any) -> str:
    """``value`` as "YYYY-MM-DD HH:MM TZ" in the organisation's time zone ("" for none)."""
    if value is None:
        return ""
    return value.astimezone(generated_at(organization).tzinfo).strftime("%Y-%m-%d %H:%M %Z")


def render_html(
    *,
    template_name: str,
    context: dict[str, Any],
    organization: Any,
    title: str,
) -> str:
    """The HTML a report's PDF is made from (``template_name`` extends a print base)."""
    now = generated_at(organization)
    return render_to_string(
        template_name,
        {
            **context,
            "organization": organization,
            "document_title": title,
            "generated_at": now,
            "generated_at_text": local_text(now, organization),
        },
    )


def html_to_pdf(html: str, *, stylesheets: Sequence[str] = (PRINT_CSS,)) -> bytes:
    """WeasyPrint's part alone: ``html`` with the static ``stylesheets`` to PDF bytes."""
    from weasyprint import HTML

    document = HTML(
        string=html,
        base_url=_static_root().as_uri() + "/",
        url_fetcher=_local_fetcher(),
    )
    return document.write_pdf(stylesheets=[_stylesheet(name) for name in stylesheets])


def render_pdf(
    *,
    template_name: str,
    context: dict[str, Any],
    organization: Any,
    title: str,
    stylesheets: Sequence[str] = (PRINT_CSS,),
) -> bytes:
    """Render ``template_name`` (which extends ``reports/base_print.html``) to PDF bytes."""
    html = render_html(
        template_name=template_name, context=context, organization=organization, title=title
    )
    return html_to_pdf(html, stylesheets=stylesheets)
