"""The render function against hostile HTML: only the app's own static files may be read."""

import http.server
import os
import struct
import threading
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from selfcheck.reports.pdf import PdfRenderer

ROOT = Path(__file__).resolve().parent.parent
SECRET = "TOPSECRET-KOPP-1234"


@pytest.fixture
def secret_file(tmp_path):
    """A text file and a PNG outside the static folder."""
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_text(SECRET)
    (path.parent / "secret.png").write_bytes(_png())
    return path


@pytest.fixture
def http_spy():
    """A local HTTP server that records every request made to it."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(SECRET.encode())

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def _page(body: str) -> str:
    return f'<html lang="nl"><head><title>Test</title></head><body><p>Begin</p>{body}<p>Einde</p></body></html>'


def _read(pdf: bytes) -> PdfReader:
    return PdfReader(BytesIO(pdf))


def _images(reader: PdfReader) -> int:
    return sum(len(page.images) for page in reader.pages)


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_plain_render_is_tagged_pdf_ua_in_dutch():
    reader = _read(PdfRenderer(ROOT / "static").render(_page("")))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert reader.metadata.title == "Test"
    assert "Begin" in _text(reader)


def _png() -> bytes:
    """A 1x1 black PNG."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


def test_static_files_are_served(tmp_path):
    static = tmp_path / "static"
    (static / "img").mkdir(parents=True)
    (static / "img" / "dot.png").write_bytes(_png())
    reader = _read(PdfRenderer(static).render(_page('<img src="img/dot.png" alt="stip">')))
    assert _images(reader) == 1


HOSTILE = [
    '<img src="file://{png}" alt="x">',
    '<img src="../outside/secret.png" alt="x">',
    '<img src="img/../../outside/secret.png" alt="x">',
    '<div style="background: url(file://{secret})">x</div>',
    "<style>@import url(file://{secret});</style>",
    '<link rel="stylesheet" href="file://{secret}">',
    '<link rel="attachment" href="file://{secret}">',
    '<a rel="attachment" href="file://{secret}">bijlage</a>',
    '<link rel="attachment" href="../outside/secret.txt">',
    '<object data="file://{png}"></object>',
    '<embed src="file://{png}">',
]


def _hostile(body, secret_file):
    return _page(body.format(secret=secret_file, png=secret_file.with_suffix(".png")))


def test_default_weasyprint_would_leak_the_same_input(tmp_path, secret_file):
    """The control: without our fetcher, these inputs do read files outside static."""
    from weasyprint import HTML

    static = tmp_path / "static"
    static.mkdir()
    body = '<img src="file://{png}" alt="x"><link rel="attachment" href="file://{secret}">'
    pdf = HTML(string=_hostile(body, secret_file), base_url=static.as_uri() + "/").write_pdf()
    reader = _read(pdf)
    assert _images(reader) == 1
    assert SECRET.encode() in b"".join(f.get_data() for f in _embedded_files(reader))


def _embedded_files(reader):
    names = reader.trailer["/Root"].get("/Names", {}).get("/EmbeddedFiles", {}).get("/Names", [])
    files = [names[i + 1].get_object()["/EF"]["/F"].get_object() for i in range(0, len(names), 2)]
    # rel="attachment" links become file-attachment annotations on the page
    for page in reader.pages:
        for annot in page.get("/Annots", []) or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/FileAttachment":
                files.append(annot["/FS"].get_object()["/EF"]["/F"].get_object())
    return files


@pytest.mark.parametrize("body", HOSTILE)
def test_files_outside_static_are_never_read(tmp_path, secret_file, body):
    static = tmp_path / "static"
    static.mkdir()
    pdf = PdfRenderer(static).render(_hostile(body, secret_file))
    reader = _read(pdf)
    assert reader.attachments == {} and _embedded_files(reader) == []
    assert _images(reader) == 0
    assert SECRET not in _text(reader)


def test_symlink_out_of_static_is_refused(tmp_path, secret_file):
    static = tmp_path / "static"
    static.mkdir()
    os.symlink(secret_file.with_suffix(".png"), static / "innocent.png")
    os.symlink(secret_file.parent, static / "folder")
    pdf = PdfRenderer(static).render(
        _page(
            '<img src="innocent.png" alt="x"><img src="folder/secret.png" alt="x">'
            '<link rel="attachment" href="folder/secret.txt">'
        )
    )
    reader = _read(pdf)
    assert _embedded_files(reader) == [] and _images(reader) == 0


def test_no_http_request_leaves_the_renderer(tmp_path, http_spy):
    base, hits = http_spy
    static = tmp_path / "static"
    static.mkdir()
    pdf = PdfRenderer(static).render(
        _page(
            f'<img src="{base}/img.png" alt="x"><link rel="stylesheet" href="{base}/s.css">'
            f'<link rel="attachment" href="{base}/a.txt"><div style="background: url({base}/bg.png)">x</div>'
        )
    )
    assert hits == []
    assert _embedded_files(_read(pdf)) == []
