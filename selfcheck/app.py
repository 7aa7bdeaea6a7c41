"""The application factory: reads like a table of contents."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from selfcheck.cli import InvalidQuestionnaire, register_commands
from selfcheck.config import ROOT, configure
from selfcheck.core.loader import QuestionnaireError, load_questionnaire
from selfcheck.logs import configure_logging


def create_app(config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("SELFCHECK_INSTANCE", str(ROOT / "instance")),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    configure(app, config or {})
    configure_logging(app)
    load_questions(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    register_static_files(app)
    publish_shipped_questions(app)
    return app


def load_questions(app: Flask) -> None:
    """Fail fast: an invalid questionnaire never starts the app."""
    from selfcheck.questionnaires.versions import QuestionnaireStore

    path = Path(app.config["QUESTIONS_PATH"])
    try:
        questionnaire = load_questionnaire(path)
    except QuestionnaireError as error:
        raise InvalidQuestionnaire(path, error.problems) from None
    app.extensions["questionnaire_store"] = QuestionnaireStore(questionnaire, path)


def publish_shipped_questions(app: Flask) -> None:
    """A release's new questions.yaml becomes the current version (see questionnaires/versions.py)."""
    with app.app_context():
        app.extensions["questionnaire_store"].publish_shipped()


def register_extensions(app: Flask) -> None:
    from selfcheck import mail
    from selfcheck.extensions import configure_sqlite, csrf, db, login_manager, migrate
    from selfcheck.web import security

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    security.register(app)
    mail.init_app(app)


def register_blueprints(app: Flask) -> None:
    from selfcheck.admin import views as admin
    from selfcheck.advisers import views as advisers
    from selfcheck.auth import views as auth
    from selfcheck.check import views as check
    from selfcheck.plan import views as plan
    from selfcheck.questionnaires import views as questionnaires
    from selfcheck.reports import views as reports
    from selfcheck.respondents import views as respondents

    app.register_blueprint(auth.bp)
    app.register_blueprint(check.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(advisers.bp)
    app.register_blueprint(respondents.bp)
    app.register_blueprint(plan.bp)
    questionnaires.init_app(app)
    reports.init_app(app, ROOT)


def register_errorhandlers(app: Flask) -> None:
    from selfcheck.web.errors import register_errorhandlers as register

    register(app)


def register_static_files(app: Flask) -> None:
    """Versioned, compressed and long-cached static files (WhiteNoise in front of Flask)."""
    from selfcheck.web import static_files

    static_files.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from selfcheck.web.templating import register

    register(app)
