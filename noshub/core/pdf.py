"""HTML to a tagged, accessible PDF (PDF/UA-1) with WeasyPrint, reading nothing but the page's
own data: URIs. One writer for the documents that are not NOS layouts (the annual report, the
behaviours catalogue); NOS and suite PDFs use `noshub.web.exports`, with the print stylesheet."""

from __future__ import annotations

PDF_VARIANT = "pdf/ua-1"  # tagged, accessible PDF (WeasyPrint checks the variant's needs)


def _data_only():
    """WeasyPrint may read the page's own data: URIs (its charts), nothing else."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # WeasyPrint before 67: a function
        from weasyprint.urls import default_url_fetcher

        def fetch(url: str, *args, **kwargs):
            if not url.startswith("data:"):
                raise ValueError(f"not fetched: {url[:80]}")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch
    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def write(page: str) -> bytes:
    """The PDF of a whole HTML page (its <html lang> and <title> become the PDF's language and title)."""
    from weasyprint import HTML

    return HTML(string=page, url_fetcher=_data_only()).write_pdf(pdf_variant=PDF_VARIANT)
