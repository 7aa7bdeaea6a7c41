"""Configuration from the environment: the embedded SQLite default for development, and production
when a DATABASE_URL is given. Secrets have no default in production."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent.parent


def configure(app: Flask, overrides: dict) -> None:
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    # Development: the embedded SQLite default. Production: a DATABASE_URL is given.
    environment = os.environ.get("SELFCHECK_ENV") or ("production" if "DATABASE_URL" in os.environ else "development")
    production = environment == "production"
    app.config.update(
        SELFCHECK_ENV=environment,
        SESSION_COOKIE_SECURE=production,
        REMEMBER_COOKIE_SECURE=production,
        PREFERRED_URL_SCHEME="https" if production else "http",
        # Limits (the log-in lock-out) must be shared by every worker: Redis in production.
        RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        RATELIMIT_KEY_PREFIX=os.environ.get("RATELIMIT_KEY_PREFIX", "selfcheck"),
        # If Redis is briefly unreachable, count per worker instead of answering 500 (logged).
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=production,
        TRUST_PROXY_HOPS=int(os.environ.get("TRUST_PROXY_HOPS", "0")),
    )
    app.config.update(
        QUESTIONS_PATH=os.environ.get("QUESTIONS_PATH", str(ROOT / "questions.yaml")),
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL", f"sqlite:///{Path(app.instance_path) / 'selfcheck.db'}"),
        SECRET_KEY=os.environ.get("SECRET_KEY"),
        WTF_I18N_ENABLED=False,  # use WTForms' own Dutch messages (Form.Meta.locales)
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=2 * 1024 * 1024,  # a questionnaire's text, typed in the browser, may be as large as a file
        PASSWORD_HASH_METHOD="scrypt",  # the tests choose a cheap one
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SAMESITE="Lax",
    )
    testing = bool(overrides.get("TESTING"))
    app.config.update(
        # The PDF cache: a folder in the instance by default; Redis (e.g. redis://127.0.0.1:6379/1) to
        # share it between hosts. Keys start with the prefix; entries live REPORT_CACHE_TTL seconds.
        REPORT_CACHE_URL=os.environ.get("REPORT_CACHE_URL") or None,
        REPORT_CACHE_PREFIX=os.environ.get("REPORT_CACHE_PREFIX", "selfcheck"),
        REPORT_CACHE_TTL=int(os.environ.get("REPORT_CACHE_TTL", str(7 * 24 * 3600))),
        # Render a check's reports in the background after it is submitted or its results are shown.
        # The tests switch it on where they test it: elsewhere a render left running when a test ends
        # would still hold a database connection as the next test starts.
        REPORT_PRERENDER=os.environ.get("REPORT_PRERENDER", "0" if testing else "1").strip().lower()
        not in ("0", "false", "no", "nee"),
        # How long a download that finds no file waits for its render before it shows a progress page.
        # The tests fetch a report with one GET, as the batch command does, so they wait for it (the
        # tests of the progress page set 0).
        REPORT_WAIT_SECONDS=float(os.environ.get("REPORT_WAIT_SECONDS", "120" if testing else "1")),
    )
    app.config.update(overrides)
    if app.config["REPORT_CACHE_URL"] and not app.config["REPORT_CACHE_URL"].startswith(
        ("redis://", "rediss://", "unix://")
    ):
        raise click.ClickException(
            "REPORT_CACHE_URL moet een Redis-adres zijn, bijvoorbeeld redis://127.0.0.1:6379/1; laat hem weg "
            "voor een map in de instance-map."
        )
    if not app.config["SECRET_KEY"]:
        if app.config["SELFCHECK_ENV"] == "production":
            raise click.ClickException(
                "SECRET_KEY ontbreekt. Zet in productie een vaste, geheime SECRET_KEY in de omgeving "
                "(bijvoorbeeld: python3 -c 'import secrets; print(secrets.token_hex(32))')."
            )
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")
    if app.config["SELFCHECK_ENV"] == "production" and not shared_limit_store(app.config["RATELIMIT_STORAGE_URI"]):
        raise click.ClickException(
            "RATELIMIT_STORAGE_URI ontbreekt of is memory://. In productie moeten alle workers dezelfde "
            "tellers voor inlogpogingen delen; zet bijvoorbeeld RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0. "
            "(Production needs a shared rate-limit store such as Redis; memory:// is per worker.)"
        )
    if app.config["TRUST_PROXY_HOPS"]:
        # Behind a reverse proxy: take the client address and https from its X-Forwarded headers.
        hops = app.config["TRUST_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def shared_limit_store(uri: str | None) -> bool:
    """Whether a limiter storage URI is shared between processes (memory:// is per worker)."""
    return bool(uri) and not uri.startswith("memory://")


def _instance_secret(path: Path) -> str:
    """A random key kept in the instance folder, for when SECRET_KEY is not set."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w") as file:
        file.write(key)
    return key
