"""PDF rendering: the only place that calls WeasyPrint.

WeasyPrint by default reads any file:// or http(s) URL a document names, and
`<link rel="attachment">` embeds such a file in the PDF. The fetcher below serves
only files that really resolve inside the app's static folder, and data: URLs;
it refuses everything else, whatever the HTML says.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse


class RefusedURL(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    def __init__(self, static_root: Path):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
        self.root = static_root.resolve()

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise RefusedURL(f"refused: {url}")
            # resolve() follows symlinks and removes '..', so the check sees the real file.
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})
        raise RefusedURL(f"refused: {url}")


class PdfRenderer:
    """Renders HTML to tagged PDF/UA-1 with the app's static files only."""

    def __init__(self, static_root: Path):
        self.static_root = static_root.resolve()
        self.base_url = self.static_root.as_uri() + "/"
        self.fetcher = StaticOnlyFetcher(self.static_root)

    def render(self, html: str) -> bytes:
        return HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).write_pdf(
            pdf_variant="pdf/ua-1",
            font_config=FontConfiguration(),
        )
