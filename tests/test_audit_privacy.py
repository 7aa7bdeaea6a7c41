import pytest

from selfcheck.check.store import answer_values
from selfcheck.extensions import db
from selfcheck.models import Answer, Assessment, AuditEvent, User


@pytest.fixture
def scene(browser, make_gemeente, make_user, make_assessment, questionnaire):
    gemeente = make_gemeente()
    officer = make_user("beleidsmedewerker", gemeente)
    admin = make_user("admin")
    assessment = make_assessment(gemeente, officer)
    question = questionnaire.questions[0]
    browser.login(officer.email)
    browser.submit(f"/checks/{assessment.id}/stap/1", {f"q_{question.id}": "nee", "action": "save"})
    browser.get(f"/checks/{assessment.id}/rapport.pdf")
    browser.logout()
    return gemeente, officer, admin, assessment, question


def test_answers_and_downloads_are_in_the_audit_trail(scene, browser):
    _, officer, admin, assessment, question = scene
    events = db.session.query(AuditEvent).order_by(AuditEvent.id).all()
    saved = next(e for e in events if e.action == "answers.saved")
    assert saved.user_id == officer.id and saved.assessment_id == assessment.id
    assert saved.detail["changes"] == {question.id: {"van": None, "naar": "nee", "toelichting_gewijzigd": False}}
    download = next(e for e in events if e.action == "report.downloaded")
    assert download.detail == {"kind": "rapport"} and download.user_id == officer.id
    browser.login(admin.email)
    page = browser.get("/beheer/logboek").get_data(as_text=True)
    assert "Antwoorden gewijzigd" in page and "Rapport gedownload" in page and officer.email in page
    only = browser.get("/beheer/logboek?actie=report.downloaded").get_data(as_text=True)
    assert "Rapport gedownload" in only and "1 antwoord(en)" not in only


def test_only_admins_see_the_log_and_personal_data(scene, browser):
    _, officer, admin, _, _ = scene
    browser.login(officer.email)
    for url in (
        "/beheer/logboek",
        f"/beheer/gebruikers/{officer.id}/gegevens.json",
        f"/beheer/gebruikers/{admin.id}/verwijderen",
    ):
        assert browser.get(url).status_code == 403, url


def test_export_and_delete_a_user_keeps_the_gemeentes_checks(scene, browser):
    _, officer, admin, assessment, question = scene
    browser.login(admin.email)
    data = browser.get(f"/beheer/gebruikers/{officer.id}/gegevens.json").json
    assert data["account"]["e-mailadres"] == officer.email
    assert {e["actie"] for e in data["logboek"]} >= {"answers.saved", "report.downloaded"}
    assert data["laatst_gewijzigde_antwoorden"][0]["vraag"] == question.id

    response = browser.submit(f"/beheer/gebruikers/{officer.id}/verwijderen", {})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, officer.id) is None
    kept = db.session.get(Assessment, assessment.id)
    assert kept is not None and kept.created_by_id is None
    assert answer_values(kept) == {question.id: ("nee", "")}
    assert db.session.query(Answer).one().updated_by_id is None
    anonymous = db.session.query(AuditEvent).filter(AuditEvent.action == "answers.saved").one()
    assert anonymous.user_id is None and anonymous.user_label == "verwijderde gebruiker"
    assert officer.email not in browser.get("/beheer/logboek").get_data(as_text=True)


def test_admin_cannot_delete_own_account(browser, make_user):
    admin = make_user("admin")
    browser.login(admin.email)
    browser.submit(f"/beheer/gebruikers/{admin.id}/verwijderen", {}, form_url=f"/beheer/gebruikers/{admin.id}")
    assert db.session.get(User, admin.id) is not None


def test_deleting_scrubs_the_address_from_account_events(browser, make_user, make_gemeente):
    admin = make_user("admin")
    browser.login(admin.email)
    browser.submit(
        "/beheer/gebruikers/nieuw",
        {"name": "Tijdelijk", "email": "tijdelijk@example.nl", "role": "adviseur", "gemeente_id": "0", "active": "y"},
    )
    user = db.session.query(User).filter_by(email="tijdelijk@example.nl").one()
    browser.submit(f"/beheer/gebruikers/{user.id}/verwijderen", {})
    db.session.expire_all()
    details = [e.detail for e in db.session.query(AuditEvent)]
    assert details and "tijdelijk@example.nl" not in str(details)
