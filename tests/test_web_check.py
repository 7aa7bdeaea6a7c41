"""Filling in the check through the web, with CSRF on, as a beleidsmedewerker would."""

import re

import pytest

from selfcheck.check.store import answer_values
from selfcheck.config import ROOT
from selfcheck.core.report import build_report
from selfcheck.extensions import db
from selfcheck.models import Assessment
from tests.answers import like


@pytest.fixture
def breda(make_gemeente, make_user):
    gemeente = make_gemeente("GM0758", "Breda")
    return gemeente, make_user("beleidsmedewerker", gemeente), make_user("inkoper", gemeente)


def _answers_for(domain, pattern=("vastgelegd", "deels", "weet_niet", "geevalueerd", "nee")):
    data = {}
    for i, question in enumerate(domain.questions):
        data[f"q_{question.id}"] = like(question, pattern[i % len(pattern)])
        data[f"c_{question.id}"] = f"Toelichting bij {question.id}" if i == 0 else ""
    return data


def _stored(assessment_id):
    db.session.expire_all()
    return answer_values(db.session.get(Assessment, assessment_id))


def test_whole_check_page_by_page_then_resume_submit_and_results(browser, breda, questionnaire):
    gemeente, policy_officer, _ = breda
    browser.login(policy_officer.email)
    response = browser.submit(
        f"/gemeenten/{gemeente.id}/checks", {"year": "2026"}, form_url=f"/gemeenten/{gemeente.id}"
    )
    assessment = db.session.query(Assessment).one()
    assert response.headers["Location"] == f"/checks/{assessment.id}/stap/1"

    domains = questionnaire.domains
    for number, domain in enumerate(domains, start=1):
        page = browser.get(f"/checks/{assessment.id}/stap/{number}").get_data(as_text=True)
        assert f"Stap {number} van {len(domains)}" in page
        assert domain.introduction[:40] in page
        if number == 3:  # leave after two steps and come back in a new sitting
            browser.logout()
            browser.login(policy_officer.email)
            first = browser.get(f"/checks/{assessment.id}/stap/1").get_data(as_text=True)
            first_q = domains[0].questions[0]
            assert re.search(rf'id="q_{first_q.id}-vastgelegd" value="vastgelegd" checked', first)
            assert f"Toelichting bij {first_q.id}" in first
        response = browser.submit(f"/checks/{assessment.id}/stap/{number}", {**_answers_for(domain), "action": "next"})
        assert response.status_code == 302
        expected = f"/checks/{assessment.id}/stap/{number + 1}" if number < len(domains) else f"/checks/{assessment.id}"
        assert response.headers["Location"] == expected

    stored = _stored(assessment.id)
    assert len(stored) == len(questionnaire.questions)
    overview = browser.get(f"/checks/{assessment.id}").get_data(as_text=True)
    assert "Check definitief maken" in overview and "Nog niet beantwoord" not in overview

    response = browser.submit(f"/checks/{assessment.id}/indienen", {}, form_url=f"/checks/{assessment.id}")
    assert response.headers["Location"] == f"/checks/{assessment.id}/resultaten"
    assert db.session.get(Assessment, assessment.id).status == "definitief"

    report = build_report(questionnaire, stored, gemeente="Breda", year=2026, submitted=True)
    page = browser.get(f"/checks/{assessment.id}/resultaten").get_data(as_text=True)
    for domain_result in report.result.domains:
        row = re.search(
            rf"<th scope=\"row\"[^>]*>{re.escape(domain_result.domain.title)}</th>\s*"
            rf"<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)(?:<span[^>]*>[^<]*</span>)*</td>",
            page,
        )
        assert row, domain_result.domain.title
        assert row.group(1) == str(domain_result.score)
        assert row.group(2) == domain_result.level.label
    assert f"({report.result.score} van 100)" in page
    assert "<svg" in page and "Scores per domein" in page
    assert report.advice, "this answer pattern must trigger advice"
    titles = re.findall(r"<h[34][^>]*>([^<]+?) <span class=\"badge\">", page)
    assert sorted(titles) == sorted(a.recommendation.title for a in report.advice)  # each advice once
    assert titles[: len(report.start_package)] == [a.recommendation.title for a in report.start_package]
    assert "Waarom dit advies?" in page

    # frozen: a later post changes nothing
    before = _stored(assessment.id)
    response = browser.submit(
        f"/checks/{assessment.id}/stap/1", {**_answers_for(domains[0], ("nee",)), "action": "save"}
    )
    assert response.status_code == 302
    assert _stored(assessment.id) == before


def test_submit_refused_while_questions_are_open(browser, breda, make_assessment, questionnaire):
    gemeente, policy_officer, _ = breda
    first = questionnaire.questions[0]
    assessment = make_assessment(gemeente, policy_officer, answers={first.id: ("nee", "")})
    browser.login(policy_officer.email)
    overview = browser.get(f"/checks/{assessment.id}").get_data(as_text=True)
    assert "Nog niet beantwoord" in overview
    assert f"#q_{questionnaire.questions[1].id}" in overview
    response = browser.submit(
        f"/checks/{assessment.id}/indienen", {}, form_url=f"/checks/{assessment.id}", follow_redirects=True
    )
    assert f"Nog {len(questionnaire.questions) - 1} vragen zonder antwoord" in response.get_data(as_text=True)
    assert db.session.get(Assessment, assessment.id).status == "concept"


def test_invalid_page_keeps_input_and_saves_nothing(browser, breda, make_assessment, questionnaire):
    gemeente, policy_officer, _ = breda
    assessment = make_assessment(gemeente, policy_officer)
    browser.login(policy_officer.email)
    domain = questionnaire.domains[0]
    data = _answers_for(domain)
    data[f"q_{domain.questions[1].id}"] = "misschien"
    data[f"c_{domain.questions[2].id}"] = "Mijn toelichting die niet verloren mag gaan"
    response = browser.submit(f"/checks/{assessment.id}/stap/1", {**data, "action": "next"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dit antwoord bestaat niet bij deze vraag" in page
    assert "Mijn toelichting die niet verloren mag gaan" in page
    assert re.search(rf'id="q_{domain.questions[0].id}-vastgelegd" value="vastgelegd" checked', page)
    assert _stored(assessment.id) == {}


def test_comment_of_100_kb_is_refused(browser, breda, make_assessment, questionnaire):
    gemeente, policy_officer, _ = breda
    assessment = make_assessment(gemeente, policy_officer)
    browser.login(policy_officer.email)
    domain = questionnaire.domains[0]
    data = _answers_for(domain)
    data[f"c_{domain.questions[0].id}"] = "x" * 100_000
    response = browser.submit(f"/checks/{assessment.id}/stap/1", {**data, "action": "save"})
    assert response.status_code == 422
    assert "Een toelichting is maximaal 4000 tekens lang." in response.get_data(as_text=True)
    assert _stored(assessment.id) == {}


def test_unknown_question_id_is_refused(browser, breda, make_assessment, questionnaire):
    gemeente, policy_officer, _ = breda
    assessment = make_assessment(gemeente, policy_officer)
    browser.login(policy_officer.email)
    data = {**_answers_for(questionnaire.domains[0]), "q_bestaat_niet": "ja", "action": "save"}
    response = browser.submit(f"/checks/{assessment.id}/stap/1", data)
    assert response.status_code == 400
    assert "velden die niet bij deze stap horen (q_bestaat_niet)" in response.get_data(as_text=True)
    # a question of another step is not accepted on this one either
    data = {
        **_answers_for(questionnaire.domains[0]),
        f"q_{questionnaire.domains[1].questions[0].id}": "nee",
        "action": "save",
    }
    assert browser.submit(f"/checks/{assessment.id}/stap/1", data).status_code == 400
    assert _stored(assessment.id) == {}


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_missing_or_wrong_csrf_token_changes_nothing_and_keeps_input(
    client, browser, breda, make_assessment, questionnaire, token
):
    gemeente, policy_officer, _ = breda
    assessment = make_assessment(gemeente, policy_officer)
    browser.login(policy_officer.email)
    data = {**_answers_for(questionnaire.domains[0]), "action": "save"}
    data[f"c_{questionnaire.domains[0].questions[1].id}"] = "Bewaar mij"
    if token:
        data["csrf_token"] = token
    response = client.post(f"/checks/{assessment.id}/stap/1", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Er is niets opgeslagen" in page
    assert "Bewaar mij" in page  # what the user typed is shown again, with a fresh token
    assert 'name="csrf_token"' in page
    assert _stored(assessment.id) == {}


def test_saving_an_empty_answer_removes_it(browser, breda, make_assessment, questionnaire):
    gemeente, policy_officer, _ = breda
    question = questionnaire.domains[0].questions[0]
    assessment = make_assessment(gemeente, policy_officer, answers={question.id: (None, "Alleen een notitie")})
    browser.login(policy_officer.email)
    browser.submit(f"/checks/{assessment.id}/stap/1", {f"c_{question.id}": "", "action": "save"})
    assert _stored(assessment.id) == {}


def test_new_check_prefilled_from_last_year(browser, breda, make_assessment, questionnaire):
    gemeente, policy_officer, _ = breda
    first, second = questionnaire.questions[:2]
    make_assessment(
        gemeente,
        policy_officer,
        year=2025,
        submitted=True,
        answers={first.id: (like(first, "geevalueerd"), "Vorig jaar"), second.id: ("nee", "")},
    )
    browser.login(policy_officer.email)
    browser.submit(
        f"/gemeenten/{gemeente.id}/checks", {"year": "2026", "prefill": "y"}, form_url=f"/gemeenten/{gemeente.id}"
    )
    new = db.session.query(Assessment).filter_by(year=2026).one()
    assert _stored(new.id) == {first.id: (like(first, "geevalueerd"), "Vorig jaar"), second.id: ("nee", "")}
    assert new.status == "concept"

    response = browser.submit(
        f"/gemeenten/{gemeente.id}/checks", {"year": "2026"}, form_url=f"/gemeenten/{gemeente.id}"
    )
    assert response.status_code == 422
    assert "Er is al een check voor 2026." in response.get_data(as_text=True)


def test_a_check_on_the_earlier_version_carries_over_through_the_mapping(app, browser, breda, make_assessment):
    """Breda 2025 on 2026.1; its 2026 check on the current version takes over only what means the same."""
    gemeente, policy_officer, _ = breda
    store = app.extensions["questionnaire_store"]
    earlier = store.load_file(ROOT / "questionnaires" / "2026.1.yaml")
    current = store.current
    make_assessment(
        gemeente,
        policy_officer,
        year=2025,
        submitted=True,
        questionnaire=earlier,
        answers={
            "beleid_doelgroep": ("vastgelegd", "In de nota 2024"),  # same question: carries over
            "regie_mandaat": ("geborgd", "Mandaat 2023"),  # 'geborgd' had no time window: reopens
            "beleid_evaluatie": ("vastgelegd", ""),  # split into two questions: stays open
        },
    )
    browser.login(policy_officer.email)
    browser.submit(
        f"/gemeenten/{gemeente.id}/checks", {"year": "2026", "prefill": "y"}, form_url=f"/gemeenten/{gemeente.id}"
    )
    new = db.session.query(Assessment).filter_by(year=2026).one()
    assert new.questionnaire_fingerprint == current.fingerprint
    assert _stored(new.id) == {
        "beleid_doelgroep": ("vastgelegd", "In de nota 2024"),
        "regie_mandaat": (None, "Mandaat 2023"),
    }
    overview = browser.get(f"/checks/{new.id}").get_data(as_text=True)
    assert "1 antwoord is overgenomen uit de check van 2025 (vragenlijst versie 2026.1)" in overview
    assert "staan open" in overview
    # changing the carried answer makes it the user's own: no longer counted as carried over
    page = browser.get(f"/checks/{new.id}/stap/1").get_data(as_text=True)
    assert re.search(r'id="q_beleid_doelgroep-vastgelegd" value="vastgelegd" checked', page)
    browser.submit(f"/checks/{new.id}/stap/1", {"q_beleid_doelgroep": "uitgevoerd", "action": "save"})
    assert "overgenomen uit de check" not in browser.get(f"/checks/{new.id}").get_data(as_text=True)


def test_year_is_validated_in_dutch(browser, breda):
    gemeente, policy_officer, _ = breda
    browser.login(policy_officer.email)
    response = browser.submit(
        f"/gemeenten/{gemeente.id}/checks", {"year": "1999"}, form_url=f"/gemeenten/{gemeente.id}"
    )
    assert response.status_code == 422
    assert "Kies een jaar tussen 2015 en" in response.get_data(as_text=True)
    assert db.session.query(Assessment).count() == 0


def test_autosave_answers_in_json(browser, client, breda, make_assessment, questionnaire):
    gemeente, policy_officer, _ = breda
    assessment = make_assessment(gemeente, policy_officer)
    browser.login(policy_officer.email)
    question = questionnaire.domains[0].questions[0]
    url = f"/checks/{assessment.id}/stap/1"
    autosave = url + "/autosave"  # what check.js posts to
    response = browser.submit(autosave, {f"q_{question.id}": "deels"}, form_url=url)
    assert response.status_code == 200 and response.json["saved"] is True
    assert response.json["message"].startswith("Opgeslagen om ")
    assert _stored(assessment.id) == {question.id: ("deels", "")}

    bad = browser.submit(autosave, {f"q_{question.id}": "misschien"}, form_url=url)
    assert bad.status_code == 422 and bad.json["saved"] is False
    assert _stored(assessment.id) == {question.id: ("deels", "")}

    no_token = client.post(autosave, data={f"q_{question.id}": "nee"})
    assert no_token.status_code == 400 and no_token.json["saved"] is False
    assert _stored(assessment.id) == {question.id: ("deels", "")}


def test_a_page_view_ends_its_read_transaction_with_commit_and_a_failed_one_does_not(browser, breda, make_assessment):
    """On PostgreSQL a ROLLBACK makes psycopg drop its prepared statements (check.store.end_read_transaction)."""
    from sqlalchemy import event

    gemeente, officer, _ = breda
    assessment = make_assessment(gemeente, officer)
    browser.login(officer.email)
    ends = []
    on_commit, on_rollback = (lambda conn: ends.append("commit")), (lambda conn: ends.append("rollback"))
    event.listen(db.engine, "commit", on_commit)
    event.listen(db.engine, "rollback", on_rollback)
    try:
        assert browser.get(f"/checks/{assessment.id}/stap/1").status_code == 200
        assert ends == ["commit"]
        ends.clear()
        assert browser.get(f"/checks/{assessment.id + 1000}/stap/1").status_code == 404
        assert "commit" not in ends  # left to the teardown's rollback
    finally:
        event.remove(db.engine, "commit", on_commit)
        event.remove(db.engine, "rollback", on_rollback)


def test_submit_racing_a_save_is_refused_with_a_message_not_a_500(
    browser, breda, make_assessment, questionnaire, monkeypatch
):
    """A save raises the version between the submit's read and its update: the submit is refused."""
    from sqlalchemy import text

    from selfcheck.check import views

    gemeente, policy_officer, _ = breda
    everything = {q.id: (like(q, "deels"), "") for q in questionnaire.questions}
    assessment = make_assessment(gemeente, policy_officer, answers=everything)
    browser.login(policy_officer.email)
    real = views.submit_assessment

    def submit_while_someone_saves(assessment_, user):
        with db.engine.begin() as other:  # a colleague's save, committed in between
            other.execute(text("UPDATE assessment SET version = version + 1 WHERE id = :id"), {"id": assessment_.id})
        real(assessment_, user)

    monkeypatch.setattr(views, "submit_assessment", submit_while_someone_saves)
    response = browser.submit(f"/checks/{assessment.id}/indienen", {}, form_url=f"/checks/{assessment.id}")
    assert response.status_code == 302 and response.headers["Location"] == f"/checks/{assessment.id}"
    page = browser.get(f"/checks/{assessment.id}").get_data(as_text=True)
    assert "niet definitief gemaakt, want iemand sloeg op hetzelfde moment antwoorden op" in page
    assert db.session.get(Assessment, assessment.id).status == "concept"


def test_domain_page_says_where_check_js_keeps_typed_input(browser, breda, make_assessment):
    gemeente, policy_officer, _ = breda
    assessment = make_assessment(gemeente, policy_officer)
    browser.login(policy_officer.email)
    page = browser.get(f"/checks/{assessment.id}/stap/2").get_data(as_text=True)
    assert f'data-draft-key="check-{assessment.id}-{policy_officer.id}-2" data-draft-state="stored"' in page
    refused = browser.submit(f"/checks/{assessment.id}/stap/2", {"q_bestaat_niet": "nee", "action": "save"})
    assert 'data-draft-state="input"' in refused.get_data(as_text=True)
