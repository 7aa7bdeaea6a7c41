"""Start-up, demo data and migrations."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from selfcheck.check.operations import report_for
from selfcheck.demo import ACCOUNTS, DEMO_PASSWORD, load_demo_data
from selfcheck.extensions import db
from selfcheck.models import Assessment, User


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert diff == []


def test_demo_data_gives_every_role_an_account_and_a_finished_check(app, browser):
    store = app.extensions["questionnaire_store"]
    assert load_demo_data(store) is True
    assert load_demo_data(store) is False  # never twice
    roles = {db.session.query(User).filter_by(email=email).one().role for email, *_ in ACCOUNTS}
    assert roles == {"beleidsmedewerker", "inkoper", "adviseur", "admin"}
    finished = db.session.query(Assessment).filter_by(status="definitief").all()
    assert finished
    report = report_for(store, finished[0])
    assert report.result.complete and report.result.score is not None and report.advice
    browser.login("inkoop@breda.example", DEMO_PASSWORD)
    breda = db.session.query(Assessment).filter_by(year=2025).join(Assessment.gemeente).filter_by(code="GM0758").one()
    page = browser.get(f"/checks/{breda.id}/resultaten").get_data(as_text=True)
    assert "Totaalniveau" in page


def test_an_assessment_keeps_its_own_questionnaire(app, make_gemeente, make_user, make_assessment, tmp_path):
    """After the questionnaire changes, an old assessment is still read with the text it was filled in with."""
    from selfcheck import create_app
    from selfcheck.extensions import db as database

    gemeente = make_gemeente()
    user = make_user("beleidsmedewerker", gemeente)
    store = app.extensions["questionnaire_store"]
    first = store.current.questions[0]
    assessment = make_assessment(gemeente, user, answers={first.id: ("nee", "")})
    old_fingerprint = assessment.questionnaire_fingerprint

    changed = tmp_path / "questions.yaml"
    changed.write_text(store.source.replace(first.text.split()[0], "Gewijzigd:", 1), encoding="utf-8")
    new_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "QUESTIONS_PATH": str(changed),
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    with new_app.app_context():
        new_store = new_app.extensions["questionnaire_store"]
        assert new_store.current.fingerprint != old_fingerprint
        old = database.session.get(Assessment, assessment.id)
        report = report_for(new_store, old)
        assert report.questionnaire.fingerprint == old_fingerprint
        assert report.questionnaire.questions[0].text == first.text
        database.session.remove()
        database.engine.dispose()
