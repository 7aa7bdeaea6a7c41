"""E-mail: one function, `send`, sends every mail of the app, and never blocks a page.

A mail is rendered in the request (Dutch, a plain-text and an HTML part from templates/mail/, no
images, no tracking pixels, no rewritten links), recorded in the audit trail, and handed to a small
pool of background threads once the view has answered without error (a request answered with
an error status sends nothing). A slow or absent mail server costs those threads at most MAIL_TIMEOUT seconds per
mail, never a page.

Configured from the environment (read here, in `init_app`; a test's app config wins):
MAIL_SERVER, MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD, MAIL_USE_TLS (STARTTLS), MAIL_USE_SSL,
MAIL_DEFAULT_SENDER, MAIL_TIMEOUT. Without MAIL_SERVER (development, `python run.py`) every mail
is written to instance/mail/*.eml and one line is logged, so nothing else needs to run.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for_futures
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import Flask, after_this_request, current_app, g, has_request_context, render_template
from flask_mailman import EmailMultiAlternatives, Mail
from flask_mailman.backends.base import BaseEmailBackend

logger = logging.getLogger(__name__)

mail = Mail()

DEFAULT_SENDER = "KOPP/KOV Beleidscheck <noreply@beleidscheck.localhost>"
DEFAULT_TIMEOUT = 10  # seconds a background thread waits for the mail server
_TRUE = {"1", "true", "yes", "ja", "on"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()
_pending: set[Future] = set()


class FolderEmailBackend(BaseEmailBackend):
    """Development: each mail becomes one .eml file in instance/mail (readable by its owner only,
    since it holds a live link), and one log line says where."""

    def send_messages(self, email_messages) -> int:
        folder = Path(self.mailman.file_path)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as file:
                file.write(message.message().as_bytes(linesep="\r\n"))
            logger.info("Mail written to %s (no MAIL_SERVER set): %s", path, message.subject)
        return len(email_messages)


def _flag(value) -> bool:
    return value if isinstance(value, bool) else str(value or "").strip().lower() in _TRUE


def init_app(app: Flask) -> None:
    env = os.environ
    for name in ("MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER"):
        app.config.setdefault(name, env.get(name) or None)
    app.config.setdefault("MAIL_USE_TLS", _flag(env.get("MAIL_USE_TLS")))
    app.config.setdefault("MAIL_USE_SSL", _flag(env.get("MAIL_USE_SSL")))
    app.config["MAIL_USE_TLS"], app.config["MAIL_USE_SSL"] = (
        _flag(app.config["MAIL_USE_TLS"]),
        _flag(app.config["MAIL_USE_SSL"]),
    )
    if app.config["MAIL_USE_TLS"] and app.config["MAIL_USE_SSL"]:
        raise click.ClickException("MAIL_USE_TLS en MAIL_USE_SSL sluiten elkaar uit: kies er één.")
    default_port = 465 if app.config["MAIL_USE_SSL"] else 587 if app.config["MAIL_USE_TLS"] else 25
    for name, default in (("MAIL_PORT", default_port), ("MAIL_TIMEOUT", DEFAULT_TIMEOUT)):
        raw = app.config.get(name, env.get(name) or default)
        try:
            app.config[name] = int(raw)
        except (TypeError, ValueError):
            raise click.ClickException(f"{name} moet een getal zijn, niet {raw!r}.") from None
    app.config["MAIL_DEFAULT_SENDER"] = app.config["MAIL_DEFAULT_SENDER"] or DEFAULT_SENDER
    if app.config["MAIL_SERVER"]:
        app.config.setdefault("MAIL_BACKEND", "smtp")
    else:
        app.config.setdefault("MAIL_BACKEND", FolderEmailBackend)
        app.config.setdefault("MAIL_FILE_PATH", str(Path(app.instance_path) / "mail"))
        if app.config.get("SELFCHECK_ENV") == "production":
            logger.warning(
                "MAIL_SERVER is not set: mails are written to %s instead of being sent", app.config["MAIL_FILE_PATH"]
            )
    mail.init_app(app)


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="mail")
        return _executor


def header_text(text: str) -> str:
    """Text for a header (the subject): no line breaks or control characters, so no header injection."""
    return _CONTROL.sub(" ", text or "").strip()


def send(
    to: str,
    subject: str,
    template: str,
    *,
    audit_action: str,
    audit: dict | None = None,
    **context,
) -> EmailMultiAlternatives:
    """Render templates/mail/<template>.txt and .html for `to`, record `audit_action` in the audit
    trail (in the caller's transaction: the caller commits), and send once the request has answered.
    """
    from selfcheck.web.audit import record

    text = render_template(f"mail/{template}.txt", subject=subject, **context)
    html = render_template(f"mail/{template}.html", subject=subject, **context)
    message = EmailMultiAlternatives(
        subject=header_text(subject),
        body=text,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[to],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
    )
    message.attach_alternative(html, "text/html")
    record(audit_action, mail=template, **(audit or {}))
    _dispatch(message)
    return message


def _dispatch(message: EmailMultiAlternatives) -> None:
    app = current_app._get_current_object()
    if not has_request_context():
        _submit(app, [message])
        return
    queued = g.get("_mail_outbox")
    if queued is None:
        queued = g._mail_outbox = []

        @after_this_request
        def _send_after_the_view(response):
            outbox = g.pop("_mail_outbox", [])
            if response.status_code < 400 and outbox:  # a refused or failed request sends nothing
                _submit(app, outbox)
            return response

    queued.append(message)


def _submit(app: Flask, messages: list) -> None:
    future = _pool().submit(_deliver, app, messages)
    _pending.add(future)
    future.add_done_callback(_pending.discard)


def _deliver(app: Flask, messages: list) -> None:
    with app.app_context():
        for message in messages:
            try:
                with mail.get_connection() as connection:
                    connection.send_messages([message])
            except Exception as error:  # the page has long answered: log it, addresses left out
                logger.error("Mail not delivered (%s): %s", type(error).__name__, message.subject)


def wait(timeout: float = 10) -> bool:
    """Block until every mail handed over so far was delivered or given up (tests, the CLI)."""
    _done, not_done = wait_for_futures(list(_pending), timeout=timeout)
    return not not_done
