"""Two people on the same assessment: no silent overwrite, merges where possible."""

import re
import threading

import pytest

from selfcheck.check.store import answer_values
from selfcheck.extensions import db
from selfcheck.models import Assessment
from tests.answers import like
from tests.conftest import Browser, csrf_token


@pytest.fixture
def two_sessions(app, make_gemeente, make_user, make_assessment):
    gemeente = make_gemeente()
    first, second = (
        make_user("beleidsmedewerker", gemeente, email="a@breda.nl"),
        make_user("beleidsmedewerker", gemeente, email="b@breda.nl"),
    )
    assessment = make_assessment(gemeente, first)
    anna, bram = Browser(app.test_client()), Browser(app.test_client())
    anna.login(first.email)
    bram.login(second.email)
    return assessment, anna, bram


def _page_fields(browser, url):
    html = browser.get(url).get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    hidden["csrf_token"] = csrf_token(html)
    return hidden, html


def _stored(assessment_id):
    db.session.expire_all()
    return answer_values(db.session.get(Assessment, assessment_id))


def test_same_answer_changed_by_both_is_a_conflict_and_keeps_input(two_sessions, questionnaire):
    assessment, anna, bram = two_sessions
    url = f"/checks/{assessment.id}/stap/1"
    q = questionnaire.domains[0].questions[0]
    bram_page, _ = _page_fields(bram, url)  # Bram opens the page
    assert anna.submit(url, {f"q_{q.id}": "nee", "action": "save"}).status_code == 302
    response = bram.client.post(
        url, data={**bram_page, f"q_{q.id}": "geevalueerd", f"c_{q.id}": "Mijn uitleg", "action": "save"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert f"intussen door Test beleidsmedewerker gewijzigd in ‘{q.option('nee').label}’" in page
    assert "Mijn uitleg" in page and re.search(rf'id="q_{q.id}-geevalueerd" value="geevalueerd" checked', page)
    assert _stored(assessment.id) == {q.id: ("nee", "")}
    # saving again from the re-shown page is a deliberate choice, and wins
    again = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    again["csrf_token"] = csrf_token(page)
    response = bram.client.post(
        url, data={**again, f"q_{q.id}": "geevalueerd", f"c_{q.id}": "Mijn uitleg", "action": "save"}
    )
    assert response.status_code == 302
    assert _stored(assessment.id) == {q.id: ("geevalueerd", "Mijn uitleg")}


def test_different_answers_on_the_same_page_merge(two_sessions, questionnaire):
    assessment, anna, bram = two_sessions
    url = f"/checks/{assessment.id}/stap/1"
    first, second = questionnaire.domains[0].questions[:2]
    anna_page, _ = _page_fields(anna, url)
    bram_page, _ = _page_fields(bram, url)
    assert anna.client.post(url, data={**anna_page, f"q_{first.id}": "nee", "action": "save"}).status_code == 302
    partly = like(second, "deels")
    assert bram.client.post(url, data={**bram_page, f"q_{second.id}": partly, "action": "save"}).status_code == 302
    assert _stored(assessment.id) == {first.id: ("nee", ""), second.id: (partly, "")}


def test_autosave_builds_on_its_own_previous_save(two_sessions, questionnaire):
    assessment, anna, _ = two_sessions
    url = f"/checks/{assessment.id}/stap/1"
    q = questionnaire.domains[0].questions[0]
    fields, _ = _page_fields(anna, url)
    first = anna.client.post(url + "/autosave", data={**fields, f"q_{q.id}": "nee"}).json
    fields.update({"version": str(first["version"]), **first["originals"]})  # what check.js does
    second = anna.client.post(url + "/autosave", data={**fields, f"q_{q.id}": "deels"})
    assert second.status_code == 200 and second.json["saved"]
    assert _stored(assessment.id) == {q.id: ("deels", "")}


def test_many_threads_saving_at_once_lose_nothing_silently(
    app, make_gemeente, make_user, make_assessment, questionnaire
):
    """Every thread loads the page, then all save the same question at once: each save is either
    stored or refused with a message, and the stored answer is the one last acknowledged."""
    gemeente = make_gemeente()
    users = [make_user("beleidsmedewerker", gemeente, email=f"u{i}@breda.nl") for i in range(6)]
    assessment = make_assessment(gemeente, users[0])
    url = f"/checks/{assessment.id}/stap/1"
    questions = questionnaire.domains[0].questions
    options = [o.value for o in questions[0].options]
    sessions = []
    for user in users:
        browser = Browser(app.test_client())
        browser.login(user.email)
        sessions.append(browser)
    pages = [_page_fields(b, url)[0] for b in sessions]
    barrier = threading.Barrier(len(sessions))
    outcomes = [None] * len(sessions)

    def save(index):
        barrier.wait()
        own = questions[index + 1].id if index + 1 < len(questions) else None
        data = {**pages[index], f"q_{questions[0].id}": options[index % len(options)]}
        if own:
            data[f"q_{own}"] = like(questions[index + 1], "geevalueerd")  # a question only this thread touches
        with app.app_context():
            response = sessions[index].client.post(url + "/autosave", data=data)
        outcomes[index] = (
            response.status_code,
            response.json if response.is_json else response.headers.get("Location"),
        )

    threads = [threading.Thread(target=save, args=(i,)) for i in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    saved = [i for i, (status, body) in enumerate(outcomes) if status == 200 and body["saved"]]
    refused = [i for i, (status, body) in enumerate(outcomes) if status == 409 and not body["saved"]]
    assert sorted(saved + refused) == list(range(len(sessions))), outcomes
    assert len(saved) >= 1
    assert all(outcomes[i][1]["message"] for i in refused)
    stored = _stored(assessment.id)
    # All saves started from the same version, so only one value of the shared question can win.
    # A later save posting that very value overwrites nothing and may pass (threads i and i + 5
    # post the same option); two acknowledged saves with different values would be a lost update.
    assert {options[i % len(options)] for i in saved} == {stored[questions[0].id][0]}
    for i in saved:  # an acknowledged save is stored whole
        if i + 1 < len(questions):
            assert stored[questions[i + 1].id][0] == like(questions[i + 1], "geevalueerd")
    for i in refused:  # a refused save changed nothing, not even its own question
        if i + 1 < len(questions):
            assert questions[i + 1].id not in stored


def test_a_save_leaves_no_stale_answers_or_scores_in_the_session(
    app, make_gemeente, make_user, make_assessment, questionnaire
):
    """save_answers writes with plain statements; objects the session already held must not lie afterwards."""
    from selfcheck.check.store import OVERALL, save_answers, shared_response

    gemeente = make_gemeente()
    user = make_user("beleidsmedewerker", gemeente)
    everything = {q.id: (like(q, "deels"), "") for q in questionnaire.questions}
    assessment = make_assessment(gemeente, user, answers=everything)
    response = shared_response(assessment)
    held_answers = {a.question_id: a for a in response.answers}  # loaded before the save
    held_scores = {s.domain_id: s.score for s in assessment.scores}
    first = questionnaire.domains[0].questions[0].id
    save_answers(assessment, user, {first: ("geevalueerd", "Nu vastgelegd")}, base_version=assessment.version)
    db.session.commit()

    assert held_answers[first].value == "geevalueerd" and held_answers[first].comment == "Nu vastgelegd"
    assert {a.question_id: a.value for a in response.answers}[first] == "geevalueerd"
    scores = {s.domain_id: s.score for s in assessment.scores}
    assert scores[questionnaire.domains[0].id] > held_scores[questionnaire.domains[0].id]
    assert scores[OVERALL] >= held_scores[OVERALL]
    assert assessment.version == db.session.scalar(db.select(Assessment.version).where(Assessment.id == assessment.id))
