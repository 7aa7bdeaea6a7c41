"""Fixtures in layers: the questionnaire, an app on a fresh database file, clients, and builders."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from flask import g

from selfcheck import create_app
from selfcheck.core.loader import load_questionnaire
from tests.answers import answers_all, like

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def questionnaire():
    return load_questionnaire(ROOT / "questions.yaml")


# Set TEST_DATABASE_URL (e.g. postgresql+psycopg://root@127.0.0.1:5432/test) to run the
# suite against PostgreSQL; by default every test gets a fresh SQLite file.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def _config(uri: str) -> dict:
    # scrypt costs ~0.15 s per hash; the tests hash hundreds of passwords and test no cryptography
    return {
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": uri,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """A database built by the real migrations once per session.

    SQLite: a template file that each test copies. PostgreSQL: the schema is rebuilt
    once, and each test starts from empty tables.
    """
    from flask_migrate import upgrade

    from selfcheck.extensions import db

    uri = TEST_DATABASE_URL or f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.db'}"
    app = create_app(_config(uri))
    with app.app_context():
        if TEST_DATABASE_URL:
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        db.engine.dispose()  # SQLite: closing the last connection folds the WAL into the file
    return uri


def _empty_tables(db) -> None:
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            connection.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        else:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


@pytest.fixture
def app(tmp_path, monkeypatch, migrated_database):
    from selfcheck.extensions import db

    monkeypatch.setenv("SELFCHECK_INSTANCE", str(tmp_path / "instance"))
    if TEST_DATABASE_URL:
        uri = migrated_database
    else:
        database = tmp_path / "test.db"
        shutil.copy(migrated_database.removeprefix("sqlite:///"), database)
        uri = f"sqlite:///{database}"
    app = create_app(_config(uri))

    @app.teardown_request
    def _forget_request_state(_error):
        # Test requests share the fixture's app context, where Flask-WTF and Flask-Login keep
        # per-request state in `g` (the CSRF token, the user); with two clients one would
        # otherwise see the other's. In production every request has its own context.
        for key in list(g):
            g.pop(key)

    with app.app_context():
        if TEST_DATABASE_URL:
            _empty_tables(db)
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Browser:
    """Drives the test client like a person: reads the CSRF token from the page it posts from."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def submit(self, url, data, *, form_url=None, **kwargs):
        html = self.client.get(form_url or url, follow_redirects=True).get_data(as_text=True)
        # every hidden field of the page, as a browser sends them (version, original answers)
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
        hidden["csrf_token"] = csrf_token(html)
        return self.client.post(url, data={**hidden, **data}, **kwargs)

    def login(self, email, password=PASSWORD):
        response = self.submit("/inloggen", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def logout(self):
        return self.submit("/uitloggen", {}, form_url="/")


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def make_gemeente(app):
    from selfcheck.extensions import db
    from selfcheck.models import Gemeente

    def make(code="GM0758", name="Breda", **extra):
        gemeente = Gemeente(code=code, name=name, **extra)
        db.session.add(gemeente)
        db.session.commit()
        return gemeente

    return make


@pytest.fixture
def make_user(app):
    from selfcheck.extensions import db
    from selfcheck.models import User

    def make(role="beleidsmedewerker", gemeente=None, email=None, password=PASSWORD, active=True):
        user = User(
            email=email or f"{role}.{gemeente.code if gemeente else 'nl'}@example.nl".lower(),
            name=f"Test {role}",
            role=role,
            gemeente=gemeente,
            active=active,
        )
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_assessment(app):
    from selfcheck.check.operations import start_assessment, submit_assessment
    from selfcheck.check.store import save_answers
    from selfcheck.extensions import db

    def make(gemeente, user, year=2026, answers=None, submitted=False, prefill=False, questionnaire=None):
        store = app.extensions["questionnaire_store"]
        assessment = start_assessment(store, gemeente, year, user, prefill=prefill, questionnaire=questionnaire)
        if answers:
            save_answers(assessment, user, answers)
        if submitted:
            submit_assessment(assessment, user)
        db.session.commit()
        return assessment

    return make


@pytest.fixture
def breda_finished(make_gemeente, make_user, make_assessment, questionnaire):
    """Breda with one person per role and a definitive 2025 check with every question answered."""
    gemeente = make_gemeente("GM0758", "Breda")
    people = {
        role: make_user(role, gemeente if role in ("beleidsmedewerker", "inkoper") else None)
        for role in ("beleidsmedewerker", "inkoper", "adviseur", "admin")
    }
    finished = make_assessment(
        gemeente, people["beleidsmedewerker"], year=2025, submitted=True, answers=answers_all(questionnaire)
    )
    return gemeente, people, finished


@pytest.fixture
def one_answer_saved(browser, make_gemeente, make_user, make_assessment, questionnaire):
    """A beleidsmedewerker (logged in) who saved the first question of a new check; and an admin."""
    gemeente = make_gemeente()
    officer = make_user("beleidsmedewerker", gemeente)
    admin = make_user("admin")
    assessment = make_assessment(gemeente, officer)
    question = questionnaire.domains[0].questions[0]
    browser.login(officer.email)
    browser.submit(f"/checks/{assessment.id}/stap/1", {f"q_{question.id}": like(question, "deels"), "action": "save"})
    return officer, admin, assessment, question
