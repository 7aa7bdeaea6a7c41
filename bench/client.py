"""A small HTTP/1.1 client on asyncio streams, for the benchmarks that simulate many users.

The load generator runs on the same two cores as the app and the database, so it has to cost
little: httpx spends about a millisecond of CPU per request, this client a tenth of that. It
knows just what the benchmarks need: GET and form POSTs, Content-Length and chunked bodies,
keep-alive when the server offers it (gunicorn's sync workers close after every response),
and one cookie jar per simulated person. Cookies are sent whatever their Secure flag, so the
app runs as in production behind a TLS proxy: the client sends X-Forwarded-Proto: https and
the app is started with TRUST_PROXY_HOPS=1.

Also here: `Page`, the check form of a domain page as a browser holds it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from dataclasses import dataclass
from urllib.parse import urlencode


class HttpError(Exception):
    """No complete answer: refused or reset connection, a timeout, a malformed reply."""


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-case names; a repeated header keeps its last value
    body: bytes
    seconds: float  # from sending to the last byte of the body

    @property
    def text(self) -> str:
        return self.body.decode()

    def json(self) -> dict:
        if not hasattr(self, "_json"):
            self._json = json.loads(self.body)
        return self._json


class Client:
    """One person's browser: its own cookies and its own connection."""

    def __init__(
        self, host: str, port: int, headers: dict[str, str] | None = None, timeout: float = 30, https: bool = True
    ):
        self.host, self.port, self.timeout = host, port, timeout
        # The address the browser believes it talks to (the TLS proxy): form posts name their page
        # in Referer, which Flask-WTF checks on https.
        self.origin = f"{'https' if https else 'http'}://{host}:{port}"
        self.cookies: dict[str, str] = {}
        self.extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        return await self.request("GET", path, headers=headers)

    async def post(
        self, path: str, form: dict[str, str], referer: str | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        """A form post from the page at `referer` (a path; default: the posted path)."""
        headers = {"Referer": self.origin + (referer or path), **(headers or {})}
        return await self.request("POST", path, urlencode(form).encode(), headers)

    async def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Reply:
        start = time.perf_counter()
        try:
            reply = await asyncio.wait_for(self._exchange(method, path, body, headers), self.timeout)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
            await self.close()
            raise HttpError(type(error).__name__) from error
        except TimeoutError as error:
            await self.close()
            raise HttpError("timeout") from error
        reply.seconds = time.perf_counter() - start
        return reply

    async def _exchange(self, method: str, path: str, body: bytes, headers: dict[str, str] | None) -> Reply:
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self.extra}"
        if self.cookies:
            head += "Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()) + "\r\n"
        if headers:
            head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        if method == "POST":
            head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        data = (head + "\r\n").encode() + body
        if self._streams is None:
            self._streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._streams
        writer.write(data)
        status, response_headers, keep = await self._read_head(reader)
        if "content-length" in response_headers:
            content = await reader.readexactly(int(response_headers["content-length"]))
        elif response_headers.get("transfer-encoding", "").lower() == "chunked":
            content = await self._read_chunked(reader)
        else:
            content, keep = await reader.read(), False
        if not keep:
            await self.close()
        return Reply(status, response_headers, content, 0.0)

    async def _read_head(self, reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bool]:
        lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        version, status = lines[0].split(" ", 2)[:2]
        headers = {}
        for line in lines[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "set-cookie":
                self._take_cookie(value)
            headers[name] = value
        connection = headers.get("connection", "").lower()
        keep = connection == "keep-alive" or (version == "HTTP/1.1" and connection != "close")
        return int(status), headers, keep

    async def _read_chunked(self, reader: asyncio.StreamReader) -> bytes:
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)

    def _take_cookie(self, header: str) -> None:
        pair, _, attributes = header.partition(";")
        name, _, value = pair.partition("=")
        expired = "max-age=0" in attributes.lower().replace(" ", "") or "expires=thu, 01 jan 1970" in attributes.lower()
        if expired or not value:
            self.cookies.pop(name.strip(), None)
        else:
            self.cookies[name.strip()] = value.strip()

    async def close(self) -> None:
        if self._streams is not None:
            writer = self._streams[1]
            self._streams = None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
INPUT = re.compile(r"<input\b[^>]*>")
TEXTAREA = re.compile(r'<textarea\b[^>]*\bname="([^"]+)"[^>]*>([^<]*)</textarea>')
ATTRIBUTE = re.compile(r'\b(name|value|type)="([^"]*)"')
AUTOSAVE = re.compile(r'data-autosave="([^"]+)"')


def csrf_token(html: str) -> str:
    return CSRF.search(html).group(1)


class Page:
    """The check form of a domain page as the browser holds it: every field's current value, the
    options of every question, and where check.js sends its autosaves (the form's data-autosave)."""

    def __init__(self, html: str):
        form = html[html.index("data-autosave") :]  # the check form, after the header's log-out form
        self.autosave_url = AUTOSAVE.search(html).group(1)
        self.fields: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        for tag in INPUT.findall(form):
            attributes = dict(ATTRIBUTE.findall(tag))
            name, value = attributes.get("name"), attributes.get("value", "")
            if attributes.get("type") == "radio":
                self.options.setdefault(name, []).append(value)
                if " checked" in tag:
                    self.fields[name] = value
            elif attributes.get("type") == "hidden":
                self.fields[name] = value
        self.fields.update((name, text) for name, text in TEXTAREA.findall(form))

    def take(self, reply: dict) -> None:
        """Build on an acknowledged autosave, as check.js does: the new version and fingerprints."""
        self.fields.update(reply["originals"], version=str(reply["version"]))
