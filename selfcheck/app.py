"""The application factory: reads like a table of contents."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import click
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from selfcheck.cli import InvalidQuestionnaire, register_commands
from selfcheck.core.loader import QuestionnaireError, load_questionnaire

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("SELFCHECK_INSTANCE", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    configure(app, config or {})
    load_questions(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    return app


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
        RATELIMIT_STORAGE_URI=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        TRUST_PROXY_HOPS=int(os.environ.get("TRUST_PROXY_HOPS", "0")),
    )
    app.config.update(
        QUESTIONS_PATH=os.environ.get("QUESTIONS_PATH", str(ROOT / "questions.yaml")),
        SQLALCHEMY_DATABASE_URI=os.environ.get(
            "DATABASE_URL", f"sqlite:///{Path(app.instance_path) / 'selfcheck.db'}"
        ),
        SECRET_KEY=os.environ.get("SECRET_KEY"),
        WTF_I18N_ENABLED=False,  # use WTForms' own Dutch messages (Form.Meta.locales)
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SAMESITE="Lax",
    )
    app.config.update(overrides)
    if not app.config["SECRET_KEY"]:
        if app.config["SELFCHECK_ENV"] == "production":
            raise click.ClickException(
                "SECRET_KEY ontbreekt. Zet in productie een vaste, geheime SECRET_KEY in de omgeving "
                "(bijvoorbeeld: python3 -c 'import secrets; print(secrets.token_hex(32))')."
            )
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")
    if app.config["TRUST_PROXY_HOPS"]:
        # Behind a reverse proxy: take the client address and https from its X-Forwarded headers.
        hops = app.config["TRUST_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


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


def load_questions(app: Flask) -> None:
    """Fail fast: an invalid questionnaire never starts the app."""
    from selfcheck.check.store import QuestionnaireStore

    path = Path(app.config["QUESTIONS_PATH"])
    try:
        questionnaire = load_questionnaire(path)
    except QuestionnaireError as error:
        raise InvalidQuestionnaire(path, error.problems) from None
    app.extensions["questionnaire_store"] = QuestionnaireStore(questionnaire, path)


def register_extensions(app: Flask) -> None:
    from selfcheck.extensions import configure_sqlite, csrf, db, end_reads_with_commit, login_manager, migrate
    from selfcheck.web import security

    db.init_app(app)
    end_reads_with_commit(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    security.register(app)


def register_blueprints(app: Flask) -> None:
    from selfcheck.admin import views as admin
    from selfcheck.advisers import views as advisers
    from selfcheck.auth import views as auth
    from selfcheck.check import views as check
    from selfcheck.reports import views as reports
    from selfcheck.respondents import views as respondents

    app.register_blueprint(auth.bp)
    app.register_blueprint(check.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(advisers.bp)
    app.register_blueprint(respondents.bp)
    reports.init_app(app, ROOT)


def register_errorhandlers(app: Flask) -> None:
    from selfcheck.web.errors import register_errorhandlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from selfcheck.web.templating import register

    register(app)
