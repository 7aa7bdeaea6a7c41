"""Fixtures in layers: the questionnaire, an app on a fresh database file, clients, and builders."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from selfcheck import create_app
from selfcheck.loader import load_questionnaire

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def questionnaire():
    return load_questionnaire(ROOT / "questions.yaml")


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """A database file built by the real migrations once; each test gets a copy."""
    from flask_migrate import upgrade

    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.db"
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        from selfcheck.extensions import db

        upgrade()
        db.engine.dispose()  # closing the last connection folds SQLite's WAL into the file
    return path


@pytest.fixture
def app(tmp_path, monkeypatch, migrated_database):
    monkeypatch.setenv("SELFCHECK_INSTANCE", str(tmp_path / "instance"))
    database = tmp_path / "test.db"
    shutil.copy(migrated_database, database)
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.app_context():
        yield app
        from selfcheck.extensions import db

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
        page = self.client.get(form_url or url, follow_redirects=True)
        return self.client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data},
                                **kwargs)

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
        user = User(email=email or f"{role}.{gemeente.code if gemeente else 'nl'}@example.nl".lower(),
                    name=f"Test {role}", role=role, gemeente=gemeente, active=active)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_assessment(app):
    from selfcheck.assessments import save_answers, start_assessment, submit_assessment
    from selfcheck.extensions import db

    def make(gemeente, user, year=2026, answers=None, submitted=False, prefill=False):
        store = app.extensions["questionnaire_store"]
        assessment = start_assessment(store, gemeente, year, user, prefill=prefill)
        if answers:
            save_answers(assessment, user, answers)
        if submitted:
            submit_assessment(assessment, user)
        db.session.commit()
        return assessment

    return make
