"""Headers and limits that every response and the log-in carry."""

from __future__ import annotations

import logging

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

# Log-in attempts that fail, per address and per account. Counting per e-mail address as typed
# means an unknown address is limited exactly like a known one, so the limit reveals nothing.
LOGIN_LIMIT_PER_ADDRESS = "30 per 10 minutes"
LOGIN_LIMIT_PER_ACCOUNT = "10 per 15 minutes"


def login_account_key() -> str:
    return "account:" + (request.form.get("email") or "").strip().lower()


def failed_login(response) -> bool:
    return response.status_code != 302


def register(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)

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
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
