"""PDF rendering: the only place that calls WeasyPrint.

WeasyPrint by default reads any file:// or http(s) URL a document names, and
`<link rel="attachment">` embeds such a file in the PDF. The fetcher below serves
only files that really resolve inside the app's static folder, and data: URLs;
it refuses everything else, whatever the HTML says.

PDF/UA forbids text drawn with a font's empty .notdef glyph, and WeasyPrint may read no system font:
every character must be in one of the fonts the print stylesheet bundles. What none of them has is
replaced by U+FFFD (the replacement character, in Noto Sans), visibly, before WeasyPrint sees it.
"""

from __future__ import annotations

import functools
import io
import logging
import mimetypes
import re
import threading
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from fontTools.ttLib import TTFont, woff2
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

# One WeasyPrint call at a time per process: the background renderer (background.py) and a request
# (the questionnaire preview, the batch command) may meet, and Pango and fontconfig are not known to
# be safe to drive from two threads at once.
_one_at_a_time = threading.Lock()

REPLACEMENT = "\ufffd"
FONT_URL = re.compile(r"@font-face\s*{[^}]*?src:\s*url\(\s*['\"]?([^'\")]+)", re.IGNORECASE)


class RefusedURL(ValueError):
    pass


@functools.lru_cache(maxsize=64)
def _font_bytes(path: Path, mtime_ns: int) -> bytes:
    """A WOFF2 font (those shared with the web pages) as plain TrueType, decompressed once per process:
    WeasyPrint would decompress every @font-face on every render. The PDF-only fonts are stored as TTF,
    so that a fresh process (`flask report`) need not decompress them either."""
    out = io.BytesIO()
    woff2.decompress(io.BytesIO(path.read_bytes()), out)
    return out.getvalue()


def _covered(font: bytes) -> frozenset[int]:
    return frozenset(TTFont(io.BytesIO(font), lazy=True).getBestCmap())


def _drawn_without_glyph(char: str) -> bool:
    """Whitespace and format characters (joiners, direction marks, variation selectors, soft hyphens)
    are never drawn, so they need no glyph."""
    return not (char.isspace() or unicodedata.category(char) == "Cf" or 0xFE00 <= ord(char) <= 0xFE0F)


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
                if path.suffix == ".woff2":
                    return URLFetcherResponse(
                        path.as_uri(), _font_bytes(path, path.stat().st_mtime_ns), {"Content-Type": "font/sfnt"}
                    )
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})
        raise RefusedURL(f"refused: {url}")


class PdfRenderer:
    """Renders HTML to tagged PDF/UA-1 with the app's static files only."""

    def __init__(self, static_root: Path, font_css: str = "report/report.css"):
        self.static_root = static_root.resolve()
        self.base_url = self.static_root.as_uri() + "/"
        self.fetcher = StaticOnlyFetcher(self.static_root)
        self.font_css = self.static_root / font_css

    @functools.cached_property
    def covered(self) -> frozenset[int] | None:
        """Every code point some @font-face of the print stylesheet has a glyph for; None without it.
        Read at the first render, not at start-up: most processes never render a PDF."""
        css = self.font_css
        if not css.is_file():
            return None
        covered: set[int] = set()
        for url in FONT_URL.findall(css.read_text(encoding="utf-8")):
            covered |= _covered(self.fetcher.fetch((css.parent / url).resolve().as_uri()).read())
        return frozenset(covered)

    def without_missing_glyphs(self, html: str) -> str:
        """The HTML with every character that no bundled font has replaced by U+FFFD (markup is ASCII,
        which Noto Sans has, so only text and attribute values can change)."""
        if self.covered is None:
            return html
        missing = {
            char
            for char in set(html)
            if not 0x20 <= ord(char) <= 0x7E and ord(char) not in self.covered and _drawn_without_glyph(char)
        }
        if not missing:
            return html
        log.warning("PDF: %d characters without a glyph in the bundled fonts shown as U+FFFD", len(missing))
        return html.translate({ord(char): REPLACEMENT for char in missing})

    def render(self, html: str) -> bytes:
        with _one_at_a_time:
            html = self.without_missing_glyphs(html)
            return HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).write_pdf(
                pdf_variant="pdf/ua-1",
                font_config=FontConfiguration(),
            )
