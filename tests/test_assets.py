"""Static files: the purged vendor CSS is fresh and complete; responses are compressed and cached right."""

from __future__ import annotations

import gzip
import importlib.util
import re
from pathlib import Path

import brotli
import pytest
from flask import url_for

from selfcheck import create_app
from selfcheck.web.static_files import StaticFiles

ROOT = Path(__file__).resolve().parent.parent


def _load_build_css():
    spec = importlib.util.spec_from_file_location("build_css", ROOT / "scripts" / "build_css.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build_css = _load_build_css()
VENDOR_MIN = ROOT / "static" / "css" / "vendor.min.css"
CLASS_ATTRIBUTE = re.compile(r'class(?:_)?\s*=\s*["\']([^"\']*)["\']')
CLASS_SELECTOR = re.compile(r"\.([A-Za-z_][A-Za-z0-9_-]*)")


def _static_url(app, filename: str) -> str:
    with app.test_request_context():
        return url_for("static", filename=filename)


# --- the build --------------------------------------------------------------------------------


def test_checked_in_vendor_css_is_a_fresh_build():
    assert VENDOR_MIN.read_text(encoding="utf-8") == build_css.build(), (
        "static/css/vendor.min.css is stale: run .venv/bin/python scripts/build_css.py and commit it"
    )


def test_every_vendor_class_in_the_templates_is_kept():
    vendor = set()
    for source in build_css.VENDOR_SOURCES:
        vendor |= set(CLASS_SELECTOR.findall(source.read_text(encoding="utf-8")))
    used = set()
    for path in (ROOT / "templates").rglob("*.html"):
        for attribute in CLASS_ATTRIBUTE.findall(path.read_text(encoding="utf-8")):
            used |= {word for word in re.sub(r"{{.*?}}|{%.*?%}", " ", attribute).split() if word in vendor}
    assert {"utrecht-button", "utrecht-alert", "utrecht-table"} <= used  # the scan finds them
    kept = set(CLASS_SELECTOR.findall(VENDOR_MIN.read_text(encoding="utf-8")))
    assert used - kept == set()


def test_the_build_keeps_far_less_than_the_vendored_files():
    sources = sum(len(source.read_bytes()) for source in build_css.VENDOR_SOURCES)
    assert len(VENDOR_MIN.read_bytes()) < sources / 2


@pytest.mark.parametrize(
    ("text", "kept", "dropped"),
    [
        # a whole family stays when its block name is used, modifiers included
        ('class="utrecht-alert"', ["utrecht-alert--warning", "utrecht-alert__message"], ["utrecht-accordion"]),
        # names built in Jinja and JS keep every class with that start
        ('class="utrecht-badge--{{ kind }}"', ["utrecht-badge--danger"], ["utrecht-badge-list"]),
        ('el.className = "utrecht-heading-" + level', ["utrecht-heading-3"], ["utrecht-heading"]),
        # a bare namespace would keep everything, so it counts for nothing
        ('"utrecht-{{ kind }}"', [], ["utrecht-alert"]),
    ],
)
def test_usage_of_families_and_built_names(text, kept, dropped):
    usage = build_css.Usage([text], [])
    assert all(usage.has_class(name) for name in kept)
    assert not any(usage.has_class(name) for name in dropped)


def test_only_the_custom_properties_something_reads_are_kept():
    usage = build_css.Usage(['class="utrecht-alert"'], [".x { color: var(--app-read) }"])
    css = """
    :root { --app-read: var(--basis-chain); --basis-chain: red; --unused: blue; --alert-color: green; }
    .utrecht-alert { color: var(--alert-color); }
    .utrecht-accordion { color: var(--accordion-color); }
    @media (forced-colors: active) { .utrecht-alert { border: 1px solid } .utrecht-accordion { border: 0 } }
    """
    rules = build_css.keep(build_css.tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True), usage)
    needed = build_css.needed_properties(rules, usage)
    text = "\n".join(rule.render(needed) for rule in rules)
    assert "--app-read:var(--basis-chain)" in text and "--basis-chain:red" in text and "--alert-color:green" in text
    assert "--unused" not in text and "accordion" not in text
    assert "@media (forced-colors: active){\n.utrecht-alert{border:1px solid}\n}" in text


def test_preloaded_fonts_are_the_urls_the_css_asks_for(client, app):
    html = client.get("/inloggen").get_data(as_text=True)
    preloads = re.findall(r'<link rel="preload" href="([^"]+)" as="font" type="font/woff2" crossorigin>', html)
    assert len(preloads) == 3  # Noto Sans 400 and 700, Noto Serif 700
    css_urls = {
        "/static/" + url.removeprefix("../")
        for url in re.findall(r"url\(([^)]+\.woff2\?v=[0-9a-f]+)\)", VENDOR_MIN.read_text(encoding="utf-8"))
    }
    assert set(preloads) <= css_urls  # else the browser fetches each font twice
    for url in preloads:
        path, _, version = url.partition("?v=")
        assert version == build_css.file_version(ROOT / path.lstrip("/"))


# --- serving ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def static_app(tmp_path_factory):
    """One app for the serving tests: its cache compresses each file once, not once per test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SELFCHECK_INSTANCE", str(tmp_path_factory.mktemp("instance")))
        return create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.fixture
def static_client(static_app):
    return static_app.test_client()


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [("gzip", "gzip", gzip.decompress), ("br, gzip", "br", brotli.decompress), ("", None, bytes)],
)
@pytest.mark.parametrize("filename", ["css/vendor.min.css", "js/app.js", "favicon.svg"])
def test_static_files_are_compressed_when_asked(static_app, static_client, filename, accept, encoding, decode):
    response = static_client.get(_static_url(static_app, filename), headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == encoding
    assert response.headers["Vary"] == "Accept-Encoding"
    assert decode(response.get_data()) == (ROOT / "static" / filename).read_bytes()
    response.close()


def test_versioned_urls_are_cached_for_good_others_briefly(static_app, static_client):
    client = static_client
    url = _static_url(static_app, "css/app.css")
    assert re.fullmatch(r"/static/css/app\.css\?v=[0-9a-f]{12}", url)
    response = client.get(url)
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    response.close()
    for other in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        response = client.get(other)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=600"
        response.close()


def test_static_files_carry_the_security_headers_and_nothing_outside_static(client):
    response = client.get("/static/css/app.css")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    response.close()
    for url in ("/static/../selfcheck/app.py", "/static/%2e%2e/selfcheck/app.py", "/static/bestaat-niet.css"):
        assert client.get(url).status_code == 404


def test_favicon_is_linked_and_served(client, app):
    html = client.get("/inloggen").get_data(as_text=True)
    url = _static_url(app, "favicon.svg")
    assert f'<link rel="icon" href="{url}" type="image/svg+xml">' in html
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.get_data().startswith(b"<svg")
    response.close()


def test_an_edited_file_gets_a_new_version_and_is_served_anew(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    (root / "a.css").write_text("a { color: red }\n" * 50)
    static = StaticFiles(lambda environ, start: [], root, "/static", tmp_path / "cache")
    old = static.version("a.css")
    assert static.version("a.css") == old  # stable while unchanged
    assert _get(static, "/static/a.css", f"v={old}", "gzip") == ("a { color: red }\n" * 50).encode()

    (root / "a.css").write_text("a { color: blue }\n" * 60)
    new = static.version("a.css")
    assert new != old
    assert _get(static, "/static/a.css", f"v={new}", "gzip") == ("a { color: blue }\n" * 60).encode()
    # each content compressed once, kept under its own hash: br and gzip of the old and the new
    assert len(list((tmp_path / "cache").iterdir())) == 4


def _get(static: StaticFiles, path: str, query: str, accept: str) -> bytes:
    status = {}

    def start_response(line, headers):
        status["line"], status["headers"] = line, dict(headers)

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "HTTP_ACCEPT_ENCODING": accept}
    result = static(environ, start_response)
    body = b"".join(result)
    result.close()
    assert status["line"].startswith("200")
    return gzip.decompress(body) if status["headers"].get("Content-Encoding") == "gzip" else body
