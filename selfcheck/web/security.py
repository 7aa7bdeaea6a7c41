"""Headers and limits that every response and the log-in carry."""

from __future__ import annotations

import hashlib
import logging
import sys

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from selfcheck.logs import log_refused
from selfcheck.web.errors import refuse

logger = logging.getLogger(__name__)

# No inline scripts or styles anywhere: everything comes from /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

limiter = Limiter(get_remote_address, headers_enabled=False)

# Log-in attempts that fail: per client address, and per (account, client address). The account
# limit counts per address too, so a stranger who types a known e-mail address with wrong passwords
# locks out only themselves: the right password from any other address still gets in. Counting per
# e-mail address as typed means an unknown address is limited exactly like a known one, so the
# limit reveals nothing. With a shared store (Redis, see config.py) every worker counts together.
LOGIN_LIMIT_PER_ADDRESS = "30 per 10 minutes"
LOGIN_LIMIT_PER_ACCOUNT = "10 per 15 minutes"  # per account *and* address


def login_account_key() -> str:
    """The key of the per-account limit: the typed e-mail address together with the client address."""
    email = (request.form.get("email") or "").strip().lower()
    # hashed: the store (Redis) holds no typed e-mail addresses
    return f"account:{hashlib.sha256(email.encode()).hexdigest()[:32]}|from:{get_remote_address()}"


def failed_login(response) -> bool:
    return response.status_code != 302


# Bodies a form endpoint understands. Anything else (JSON, XML, text) is refused before any form
# reads it: Flask-WTF would otherwise take a JSON body as the form data.
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# The Server header names neither the server nor its version. Werkzeug's development server and
# gunicorn write their own Server header whatever the response holds ("Werkzeug/3.1.9
# Python/3.11.7", "gunicorn"), so `quiet_server_header` makes theirs say this; behind any other
# server the after_request hook sets it.
SERVER_HEADER = "beleidscheck"
SERVERS_WITH_OWN_HEADER = ("werkzeug", "gunicorn")


def quiet_server_header() -> None:
    """Make werkzeug's and (when it runs us) gunicorn's own Server header name no server or version."""
    from werkzeug.serving import WSGIRequestHandler

    WSGIRequestHandler.version_string = lambda self: SERVER_HEADER
    gunicorn_wsgi = sys.modules.get("gunicorn.http.wsgi")
    if gunicorn_wsgi is not None:
        gunicorn_wsgi.SERVER = SERVER_HEADER  # read by every gunicorn Response as it is made


def register(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    quiet_server_header()

    def refuse_bodies_that_are_not_forms():
        if request.method not in BODY_METHODS or not (request.content_length or request.content_type):
            return None
        if request.mimetype not in FORM_CONTENT_TYPES:
            log_refused(logger, 415, "a body that is not a form (e.g. JSON) posted to a form")
            return refuse(415, "Dit adres neemt alleen formulieren aan. Er is niets opgeslagen.")
        return None

    # First of all, before the CSRF check and the limiter read the body.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_bodies_that_are_not_forms)

    @app.before_request
    def refuse_nul_characters():
        """No one types a NUL character, and PostgreSQL cannot store one: refuse the whole request."""
        if any(
            "\x00" in value for values in (*request.form.listvalues(), *request.args.listvalues()) for value in values
        ):
            log_refused(logger, 400, "NUL character in a form or query value")
            return refuse(400, "Het formulier bevat een ongeldig teken (een NUL-teken). Er is niets opgeslagen.")
        return None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if not request.environ.get("SERVER_SOFTWARE", "").lower().startswith(SERVERS_WITH_OWN_HEADER):
            response.headers["Server"] = SERVER_HEADER  # werkzeug and gunicorn would send a second one
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
