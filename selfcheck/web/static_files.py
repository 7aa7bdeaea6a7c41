"""Static files: versioned URLs, compressed responses and long caching, served by WhiteNoise.

`url_for('static', filename=...)` adds `?v=<hash of the content>`. A request whose v is the file's
current hash is cached for a year as immutable (a new content has a new URL); any other request for
a static file gets a short cache, so an old or unversioned URL never holds on to old content.

CSS, JS and SVG are sent gzip- or brotli-compressed when the browser accepts it. The compressed
copies are made on first request and kept in the instance folder under their content hash, shared by
all workers; an edited file (development) is noticed by its size and mtime and served anew.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs
from wsgiref.headers import Headers

import brotli
from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.responders import StaticFile
from whitenoise.string_utils import decode_path_info

from selfcheck.web.security import CONTENT_SECURITY_POLICY

IMMUTABLE = "public, max-age=31536000, immutable"
# Unversioned URLs: only CSS url()s without a version and old bookmarks; ten minutes spares repeat
# requests while a deploy still shows within minutes.
SHORT = "public, max-age=600"
COMPRESSIBLE = (".css", ".js", ".svg", ".html", ".txt", ".json", ".map")
# What Flask's after_request adds to every response; WhiteNoise answers before Flask, so here too.
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@dataclass
class _Entry:
    path: Path
    stamp: tuple[int, int]  # (mtime_ns, size): a different one means the file changed
    digest: str
    responders: tuple[StaticFile, StaticFile] | None = None  # (versioned, unversioned), made on first request

    @property
    def version(self) -> str:
        return self.digest[:12]


class StaticFiles(WhiteNoise):
    """WhiteNoise for one folder, with entries made on first use and re-made when a file changes."""

    def __init__(self, application, root: Path, prefix: str, cache: Path):
        super().__init__(application, allow_all_origins=False)
        self.static_root = root.resolve()
        self.static_prefix = "/" + prefix.strip("/") + "/"
        self.cache = cache
        self.entries: dict[str, _Entry] = {}
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        url = decode_path_info(environ.get("PATH_INFO", ""))
        entry = self.entry(url) if url.startswith(self.static_prefix) else None
        if entry is None:
            return self.application(environ, start_response)  # Flask answers: 404 or a file added since
        versioned, unversioned = self.responders(entry, url)
        fresh = parse_qs(environ.get("QUERY_STRING", "")).get("v") == [entry.version]
        return self.serve(versioned if fresh else unversioned, environ, start_response)

    def path_for(self, url: str) -> Path | None:
        if not self.url_is_canonical(url):
            return None
        path = self.static_root / url[len(self.static_prefix) :]
        if not self.path_is_child_of(str(path), str(self.static_root) + os.sep) or not path.is_file():
            return None
        return path

    def entry(self, url: str) -> _Entry | None:
        """The file's current hash; cheap (one stat) while the file is unchanged, as url_for calls it."""
        path = self.path_for(url)
        if path is None:
            return None
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        entry = self.entries.get(url)
        if entry is None or entry.stamp != stamp:
            entry = self.entries[url] = _Entry(path, stamp, hashlib.sha256(path.read_bytes()).hexdigest())
        return entry

    def version(self, filename: str) -> str | None:
        entry = self.entry(self.static_prefix + filename)
        return entry.version if entry else None

    def responders(self, entry: _Entry, url: str) -> tuple[StaticFile, StaticFile]:
        if entry.responders is None:
            with self.lock:  # compress once, not in every thread that asks at the same time
                if entry.responders is None:
                    encodings = self.compressed(entry) if entry.path.suffix in COMPRESSIBLE else {}
                    entry.responders = (
                        self.static_file(entry.path, url, IMMUTABLE, encodings),
                        self.static_file(entry.path, url, SHORT, encodings),
                    )
        return entry.responders

    def static_file(self, path: Path, url: str, cache_control: str, encodings: dict) -> StaticFile:
        headers = Headers([])
        self.add_mime_headers(headers, str(path), url)
        headers["Cache-Control"] = cache_control
        for name, value in HEADERS.items():
            headers[name] = value
        return StaticFile(str(path), headers.items(), encodings=encodings)

    def compressed(self, entry: _Entry) -> dict[str, str]:
        """Brotli and gzip copies in the cache, each kept only when it is smaller than the file."""
        self.cache.mkdir(parents=True, exist_ok=True)
        content, digest = entry.path.read_bytes(), entry.digest
        if hashlib.sha256(content).hexdigest() != digest:
            return {}  # changed since it was hashed: serve it plain; the next request hashes it anew
        makers = {
            "br": lambda: brotli.compress(content, quality=11),
            "gzip": lambda: gzip.compress(content, compresslevel=9, mtime=0),
        }
        encodings = {}
        for encoding, make in makers.items():
            target = self.cache / f"{digest}.{encoding}"
            if not target.exists():
                data = make()
                if len(data) >= len(content):
                    continue
                partial = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
                partial.write_bytes(data)
                partial.replace(target)  # atomic: another worker may write the same file
            encodings[encoding] = str(target)
        return encodings


def init_app(app: Flask) -> None:
    static = StaticFiles(
        app.wsgi_app,
        Path(app.static_folder),
        app.static_url_path,
        Path(app.instance_path) / "static-cache",
    )
    app.wsgi_app = static
    app.extensions["static_files"] = static

    @app.url_defaults
    def add_static_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = static.version(values["filename"])
            if version:
                values["v"] = version
