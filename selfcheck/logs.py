"""Logs you can follow: one line per request, warnings for refused requests, errors with tracebacks.

Every record from a `selfcheck.*` logger that is emitted during a request carries the request id
and the user id, so `logging.getLogger(__name__)` anywhere in the package is enough. Development
writes readable lines to stderr, production one JSON object per line.

What is never logged: passwords, tokens (the invitation and respondent links, query strings),
e-mail addresses, form values and comment text. A request is identified by its endpoint and its
path with secret path segments replaced; a refusal by a short reason chosen by the code.
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import sys
import time
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import quote

import click
from flask import Flask, g, has_request_context, request

PACKAGE_LOGGER = "selfcheck"
ACCESS_LOGGER = "selfcheck.request"
REQUEST_ID_HEADER = "X-Request-ID"

# An incoming X-Request-ID (from a proxy or load balancer) is reused only when it is a short token.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Path arguments that are secrets: logged as <name>, never their value.
SECRET_ARGS = frozenset({"token"})
_RULE_ARGUMENT = re.compile(r"<(?:[^<>:]+:)?([^<>]+)>")
# In a path that matched no route: a segment this long may be a pasted token, so it is masked.
_LONG_SEGMENT = 24
_MAX_PATH = 200
# Requests logged at DEBUG, not INFO: load-balancer probes and static files would drown the rest.
QUIET_ENDPOINTS = frozenset({"static", "check.health"})
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_G_REQUEST_ID = "request_id"
_G_STARTED = "_log_started"
_G_REFUSAL_LOGGED = "_log_refusal_logged"

REQUEST_FIELDS = ("request_id", "user_id", "method", "path", "status", "duration_ms")
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s user=%(user_id)s] %(message)s"

access_logger = logging.getLogger(ACCESS_LOGGER)
refusal_logger = logging.getLogger("selfcheck.refused")


# --- what a record may say about the request -------------------------------------------------


def safe_path() -> str:
    """The request path without query string, with secret arguments replaced by <name>."""
    rule = request.url_rule
    if rule is not None:
        values = request.view_args or {}

        def argument(match: re.Match) -> str:
            name = match.group(1)
            if name in SECRET_ARGS or name not in values:
                return f"<{name}>"
            return quote(str(values[name]), safe="")

        return _RULE_ARGUMENT.sub(argument, rule.rule)
    # No route matched (mostly a 404): the path as asked, quoted (no line breaks in a log line),
    # with long segments masked, and cut short.
    segments = [("…" if len(part) >= _LONG_SEGMENT else quote(part, safe="")) for part in request.path.split("/")]
    return "/".join(segments)[:_MAX_PATH]


def current_user_id() -> str:
    """The logged-in user's id, if Flask-Login already loaded the user for this request; else "-".

    Read from where Flask-Login keeps the loaded user (`g._login_user`) rather than through
    `current_user`, so that logging never queries the database nor touches the session.
    """
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return str(user.get_id())
    return "-"


class RequestContextFilter(logging.Filter):
    """Adds request_id, user_id, method and path to every record (outside a request: "-")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            defaults = {
                "request_id": g.get(_G_REQUEST_ID, "-"),
                "user_id": current_user_id(),
                "method": request.method,
                "path": safe_path(),
            }
        else:
            defaults = {"request_id": "-", "user_id": "-", "method": None, "path": None}
        for key, value in defaults.items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


# --- formats -------------------------------------------------------------------------------


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for production log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in REQUEST_FIELDS:
            entry[key] = getattr(record, key, "-" if key in ("request_id", "user_id") else None)
        for key in ("endpoint", "reason"):
            if getattr(record, key, None) is not None:
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc_info"] = record.exc_text
        if record.stack_info:
            entry["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def text_formatter() -> logging.Formatter:
    return logging.Formatter(TEXT_FORMAT, defaults={"request_id": "-", "user_id": "-"})


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (pytest swaps it per test)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


class _DropFlaskExceptionLog(logging.Filter):
    """Flask logs every unhandled exception as "Exception on <path> [<method>]" before the 500
    handler runs (Flask.log_exception). That handler (web/errors.py) logs it too, with the traceback
    and the masked path; Flask's copy would repeat the traceback and name the raw path (a token)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.msg, str) and record.msg.startswith("Exception on "))


class _DropWerkzeugAccessLog(logging.Filter):
    """The development server's own line per request has the full URL (tokens, query strings);
    the access line of this module replaces it. Its other messages (the address it runs on) stay."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.endswith('"%s" %s %s'))


def _add_filter_once(logger: logging.Logger, filter_class: type[logging.Filter]) -> None:
    if not any(isinstance(f, filter_class) for f in logger.filters):
        logger.addFilter(filter_class())


# --- configuration -------------------------------------------------------------------------


def configure_logging(app: Flask) -> None:
    """Set up the `selfcheck` logger for this app and log every request.

    LOG_LEVEL (DEBUG, INFO, WARNING, ...) and LOG_FORMAT (text or json) in the environment override
    the defaults: json in production, text otherwise; INFO, and under TESTING the access lines only
    from WARNING on (tests capture them with caplog.set_level).

    Logging is process-wide: configuring another app replaces the handler's format instead of adding
    a second handler. The handler sits on the `selfcheck` logger, not on the root logger, and records
    still propagate, so pytest's caplog (on the root) sees them and nothing else is reconfigured.
    """
    level_name = os.environ.get("LOG_LEVEL", "").strip().upper()
    level = logging.getLevelName(level_name) if level_name else logging.INFO
    if not isinstance(level, int):
        raise click.ClickException(f"LOG_LEVEL={level_name} is geen logniveau; kies DEBUG, INFO, WARNING of ERROR.")
    log_format = os.environ.get("LOG_FORMAT", "").strip().lower() or (
        "json" if app.config.get("SELFCHECK_ENV") == "production" else "text"
    )
    if log_format not in ("text", "json"):
        raise click.ClickException(f"LOG_FORMAT={log_format} is onbekend; kies text of json.")

    package = logging.getLogger(PACKAGE_LOGGER)
    package.setLevel(level)
    handler = next((h for h in package.handlers if isinstance(h, _StderrHandler)), None)
    if handler is None:
        handler = _StderrHandler()
        handler.addFilter(RequestContextFilter())
        package.addHandler(handler)
    handler.setFormatter(JsonFormatter() if log_format == "json" else text_formatter())
    access_logger.setLevel(logging.WARNING if app.testing and not level_name else logging.NOTSET)

    _add_filter_once(app.logger, _DropFlaskExceptionLog)
    _add_filter_once(logging.getLogger("werkzeug"), _DropWerkzeugAccessLog)
    # A database error's message lists the statement's parameters (addresses, comment text), and
    # tracebacks are logged: keep them out.
    engine_options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"hide_parameters": True, **engine_options}
    # Flask-Limiter logs each breach at INFO with the limit's key, which for the log-in is the
    # e-mail address as typed; web/errors.py logs the breach without it.
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)

    if "selfcheck_logging" not in app.extensions:  # configured again: the hooks are there already
        app.extensions["selfcheck_logging"] = True
        app.before_request(start_request)
        app.after_request(finish_request)


def start_request() -> None:
    """Runs before every other before_request function (configure_logging is called first)."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _SAFE_REQUEST_ID.fullmatch(incoming) else secrets.token_hex(8)
    setattr(g, _G_STARTED, time.perf_counter())
    setattr(g, _G_REFUSAL_LOGGED, False)


def finish_request(response):
    """Runs after every other after_request function, also for error pages (not for exceptions
    that propagate, as under TESTING)."""
    request_id = g.get(_G_REQUEST_ID) or secrets.token_hex(8)
    response.headers[REQUEST_ID_HEADER] = request_id
    status = response.status_code
    if 400 <= status < 500 and status != 404 and request.method not in _SAFE_METHODS:
        # A refused save, a conflict, a failed log-in: unless the code that refused it said why.
        log_refused(refusal_logger, status, _refusal_reason(status))
    started = g.get(_G_STARTED)
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    path = safe_path()
    level = logging.DEBUG if request.endpoint in QUIET_ENDPOINTS else logging.INFO
    access_logger.log(
        level,
        "%s %s %s %sms",
        request.method,
        path,
        status,
        duration_ms,
        extra={
            "request_id": request_id,
            "method": request.method,
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
            "endpoint": request.endpoint,
        },
    )
    return response


def _refusal_reason(status: int) -> str:
    if request.endpoint == "auth.login" and status == 422:
        return "log-in failed"
    if status == 409:
        return "conflict, nothing saved"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "refused"


def log_refused(logger: logging.Logger, status: int, reason: str) -> None:
    """A WARNING for a request that was refused, once per request: the first reason given wins.

    `reason` is a short text written in the code, never anything the user sent.
    """
    if has_request_context():
        if g.get(_G_REFUSAL_LOGGED):
            return
        setattr(g, _G_REFUSAL_LOGGED, True)
        endpoint = request.endpoint or "-"
        logger.warning(
            "Refused %s %s with %s: %s",
            request.method,
            endpoint,
            status,
            reason,
            extra={"status": status, "reason": reason, "endpoint": endpoint},
        )
    else:
        logger.warning("Refused with %s: %s", status, reason, extra={"status": status, "reason": reason})
