"""Who may see and change what, whatever URL is typed."""

import pytest

from selfcheck.check.store import answer_values
from selfcheck.extensions import db
from selfcheck.models import Assessment


@pytest.fixture
def two_gemeenten(make_gemeente, make_user, make_assessment, questionnaire):
    breda, utrecht = make_gemeente("GM0758", "Breda"), make_gemeente("GM0344", "Utrecht")
    people = {
        "breda_beleid": make_user("beleidsmedewerker", breda),
        "breda_inkoop": make_user("inkoper", breda),
        "utrecht_beleid": make_user("beleidsmedewerker", utrecht),
        "adviseur": make_user("adviseur"),
        "admin": make_user("admin"),
    }
    first = questionnaire.questions[0]
    utrecht_check = make_assessment(utrecht, people["utrecht_beleid"], answers={first.id: ("deels", "Geheim")})
    breda_check = make_assessment(breda, people["breda_beleid"], answers={first.id: ("nee", "")})
    return breda, utrecht, breda_check, utrecht_check, people


def _urls(gemeente, assessment):
    return [
        f"/gemeenten/{gemeente.id}",
        f"/checks/{assessment.id}",
        f"/checks/{assessment.id}/stap/1",
        f"/checks/{assessment.id}/resultaten",
    ]


def test_gemeente_user_gets_404_on_every_url_of_another_gemeente(browser, two_gemeenten, questionnaire):
    _breda, utrecht, breda_check, utrecht_check, people = two_gemeenten
    browser.login(people["breda_beleid"].email)
    for url in _urls(utrecht, utrecht_check):
        response = browser.get(url)
        assert response.status_code == 404, url
        assert "Geheim" not in response.get_data(as_text=True)
    token_page = f"/checks/{breda_check.id}/stap/1"  # a valid token from the user's own page
    first = questionnaire.questions[0]
    for url, data in [
        (f"/gemeenten/{utrecht.id}/checks", {"year": "2027"}),
        (f"/checks/{utrecht_check.id}/stap/1", {f"q_{first.id}": "geevalueerd", "action": "save"}),
        (f"/checks/{utrecht_check.id}/indienen", {}),
    ]:
        assert browser.submit(url, data, form_url=token_page).status_code == 404, url
    db.session.expire_all()
    assert answer_values(db.session.get(Assessment, utrecht_check.id)) == {first.id: ("deels", "Geheim")}
    assert db.session.query(Assessment).filter_by(gemeente_id=utrecht.id).count() == 1


def test_gemeente_users_cannot_reach_admin_pages(browser, two_gemeenten):
    *_, people = two_gemeenten
    for role in ("breda_beleid", "breda_inkoop", "adviseur"):
        browser.login(people[role].email)
        for url in (
            "/beheer/gebruikers",
            "/beheer/gemeenten",
            f"/beheer/gebruikers/{people['admin'].id}",
            "/beheer/gemeenten/nieuw",
        ):
            assert browser.get(url).status_code == 403, (role, url)
        browser.logout()


def test_inkoper_reads_but_cannot_post_answers(browser, two_gemeenten, questionnaire):
    breda, _, breda_check, _, people = two_gemeenten
    browser.login(people["breda_inkoop"].email)
    for url in _urls(breda, breda_check):
        assert browser.get(url).status_code == 200, url
    step = browser.get(f"/checks/{breda_check.id}/stap/1").get_data(as_text=True)
    assert "Opslaan" not in step and 'type="radio"' not in step  # the answers as text, no controls
    assert step.count('class="utrecht-paragraph answer-text"') >= len(questionnaire.domains[0].questions)
    first = questionnaire.questions[0]
    response = browser.submit(f"/checks/{breda_check.id}/stap/1", {f"q_{first.id}": "geevalueerd", "action": "save"})
    assert response.status_code == 403
    assert (
        browser.submit(f"/gemeenten/{breda.id}/checks", {"year": "2027"}, form_url=f"/gemeenten/{breda.id}").status_code
        == 403
    )
    assert (
        browser.submit(f"/checks/{breda_check.id}/indienen", {}, form_url=f"/checks/{breda_check.id}").status_code
        == 403
    )
    db.session.expire_all()
    assert answer_values(db.session.get(Assessment, breda_check.id)) == {first.id: ("nee", "")}


@pytest.mark.parametrize("role", ["adviseur", "admin"])
def test_national_roles_see_every_gemeente_read_only(browser, two_gemeenten, questionnaire, role):
    breda, utrecht, breda_check, utrecht_check, people = two_gemeenten
    browser.login(people[role].email)
    assert browser.get("/").headers["Location"] == "/adviseur/"
    index = browser.get("/adviseur/?status=alle").get_data(as_text=True)
    assert "Breda" in index and "Utrecht" in index
    for url in _urls(breda, breda_check) + _urls(utrecht, utrecht_check):
        assert browser.get(url).status_code == 200, url
    first = questionnaire.questions[0]
    response = browser.submit(f"/checks/{utrecht_check.id}/stap/1", {f"q_{first.id}": "geevalueerd", "action": "save"})
    assert response.status_code == 403


def test_anonymous_visitor_is_sent_to_login(client, two_gemeenten):
    breda, _, breda_check, _, _ = two_gemeenten
    for url in [*_urls(breda, breda_check), "/", "/beheer/gebruikers"]:
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen"), url


def test_unknown_ids_give_dutch_404(browser, two_gemeenten):
    *_, people = two_gemeenten
    browser.login(people["adviseur"].email)
    response = browser.get("/checks/9999/resultaten")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)
    assert browser.get("/checks/1/stap/99").status_code == 404
