"""PDF from Kring's own templates (WeasyPrint), with no base URL and no way to fetch anything but `data:` URIs:
text typed by a user can never make the renderer read a local file or reach the network."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher


class DataOnlyURLFetcher(URLFetcher):  # type: ignore[misc]
    """Refuses every URL but `data:` ones, so text typed by a user can never make WeasyPrint read a local file
    (`file:`) or reach the network (`http:`, `https:`, `ftp:`); redirects are refused too."""

    def __init__(self) -> None:
        super().__init__(timeout=1, allowed_protocols=("data",), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        if not url.lower().startswith("data:"):
            raise ValueError("Kring's PDFs load nothing but data: URIs")
        return super().fetch(url, headers)


def render_pdf(template_name: str, context: dict[str, Any], *, variant: str | None = None) -> bytes:
    """Render a PDF template to PDF bytes, with no base URL and no way to fetch anything but `data:` URIs.

    `variant` asks WeasyPrint for a standard's variant, e.g. "pdf/a-2b" for the archive (fonts embedded, an sRGB
    output intent and XMP metadata declaring the conformance)."""
    html = render_to_string(template_name, context)
    document = HTML(string=html, base_url=None, url_fetcher=DataOnlyURLFetcher())
    return bytes(document.write_pdf(pdf_tags=True, pdf_variant=variant))


def pdf_response(pdf: bytes, filename: str, *, disposition: str = "attachment") -> HttpResponse:
    """A PDF to download (`attachment`) or to show in the browser (`inline`), under this file name."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
