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
    best = like(q, "geevalueerd")
    bram_page, _ = _page_fields(bram, url)  # Bram opens the page
    assert anna.submit(url, {f"q_{q.id}": "nee", "action": "save"}).status_code == 302
    response = bram.client.post(
        url, data={**bram_page, f"q_{q.id}": best, f"c_{q.id}": "Mijn uitleg", "action": "save"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert f"intussen door Test beleidsmedewerker gewijzigd in ‘{q.option('nee').label}’" in page
    assert "Mijn uitleg" in page and re.search(rf'id="q_{q.id}-{best}" value="{best}" checked', page)
    assert _stored(assessment.id) == {q.id: ("nee", "")}
    # saving again from the re-shown page is a deliberate choice, and wins
    again = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    again["csrf_token"] = csrf_token(page)
    response = bram.client.post(url, data={**again, f"q_{q.id}": best, f"c_{q.id}": "Mijn uitleg", "action": "save"})
    assert response.status_code == 302
    assert _stored(assessment.id) == {q.id: (best, "Mijn uitleg")}


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
    second = anna.client.post(url + "/autosave", data={**fields, f"q_{q.id}": like(q, "deels")})
    assert second.status_code == 200 and second.json["saved"]
    assert _stored(assessment.id) == {q.id: (like(q, "deels"), "")}


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
    best = like(questionnaire.domains[0].questions[0], "geevalueerd")
    save_answers(assessment, user, {first: (best, "Nu vastgelegd")}, base_version=assessment.version)
    db.session.commit()

    assert held_answers[first].value == best and held_answers[first].comment == "Nu vastgelegd"
    assert {a.question_id: a.value for a in response.answers}[first] == best
    scores = {s.domain_id: s.score for s in assessment.scores}
    assert scores[questionnaire.domains[0].id] > held_scores[questionnaire.domains[0].id]
    assert scores[OVERALL] >= held_scores[OVERALL]
    assert assessment.version == db.session.scalar(db.select(Assessment.version).where(Assessment.id == assessment.id))


# --- autosave as check.js does it --------------------------------------------------------------


class Page:
    """One person's open domain page, driven like static/js/check.js: it posts the whole form with
    the hidden fields (version, o_<id>), and applies every reply's `answers` to what it shows."""

    def __init__(self, browser, url, questions):
        self.browser, self.url, self.questions = browser, url, questions
        self.reload()

    def reload(self):
        hidden, html = _page_fields(self.browser, self.url)
        self.hidden = hidden
        self.shown = {}
        for q in self.questions:
            checked = re.search(rf'name="q_{q.id}" id="[^"]+" value="([^"]+)" checked', html)
            comment = re.search(rf'<textarea[^>]*name="c_{q.id}"[^>]*>([^<]*)</textarea>', html)
            self.shown[q.id] = (checked.group(1) if checked else None, comment.group(1) if comment else "")

    def form(self) -> dict:
        data = dict(self.hidden)
        for qid, (value, comment) in self.shown.items():
            if value is not None:
                data[f"q_{qid}"] = value
            data[f"c_{qid}"] = comment
        return data

    def autosave(self, app):
        with app.app_context():
            reply = self.browser.client.post(self.url + "/autosave", data=self.form())
        body = reply.json
        # check.js: a question the user did not touch since the save was sent (here: every one)
        # takes the server's answer and its new fingerprint
        for qid, answer in (body.get("answers") or {}).items():
            self.shown[qid] = (answer["value"], answer["comment"])
            self.hidden[f"o_{qid}"] = answer["original"]
        if body.get("saved"):
            self.hidden["version"] = str(body["version"])
        return reply.status_code, body


def _rounds(app, two_sessions, questionnaire, rounds, shared_every=None):
    """`rounds` rounds of Anna and Bram autosaving one step at the same moment, each on questions
    of their own, and (every `shared_every` rounds) both on the first question too. After every
    round, every acknowledged answer must still be stored."""
    assessment, anna, bram = two_sessions
    url = f"/checks/{assessment.id}/stap/1"
    questions = questionnaire.domains[0].questions
    shared, own = questions[0], {0: questions[1::2][1:], 1: questions[2::2]}
    pages = [Page(anna, url, questions), Page(bram, url, questions)]
    start, done = threading.Barrier(3), threading.Barrier(3)
    outcomes = [[], []]
    acknowledged = {}  # question id -> the last acknowledged (value, comment)
    sent = [None, None]
    errors = []

    def person(index):
        try:
            for n in range(rounds):
                start.wait()
                page = pages[index]
                mine = own[index][n % len(own[index])]
                options = [o.value for o in mine.options]
                edits = {mine.id: (options[(n + index) % len(options)], f"{'AB'[index]} ronde {n}")}
                if shared_every and n % shared_every == 0:
                    shared_options = [o.value for o in shared.options]
                    edits[shared.id] = (shared_options[(n + index) % len(shared_options)], "")
                edits = {qid: v for qid, v in edits.items() if page.shown[qid] != v}  # what the user changes
                page.shown.update(edits)
                sent[index] = edits
                status, body = page.autosave(app)
                outcomes[index].append((n, status, body.get("saved")))
                if status == 409:  # the user reads the message and reloads the page
                    page.reload()
                done.wait()
        except Exception as error:  # a broken barrier would hide it
            errors.append(error)
            start.abort()
            done.abort()
            raise

    threads = [threading.Thread(target=person, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    lost = []
    try:
        for n in range(rounds):
            start.wait()
            done.wait()
            for index in range(2):
                round_, status, saved = outcomes[index][-1]
                assert round_ == n
                if status == 200 and saved:
                    acknowledged.update(sent[index])
            stored = _stored(assessment.id)
            db.session.rollback()
            lost += [(n, qid, want, stored.get(qid)) for qid, want in acknowledged.items() if stored.get(qid) != want]
    finally:
        for thread in threads:
            thread.join()
    assert not errors
    return outcomes, lost


def test_two_people_autosaving_different_questions_never_conflict_and_lose_nothing(app, two_sessions, questionnaire):
    outcomes, lost = _rounds(app, two_sessions, questionnaire, rounds=200)
    assert lost == []
    statuses = [status for person in outcomes for _, status, _ in person]
    assert statuses.count(200) == 400, {s: statuses.count(s) for s in set(statuses)}


def test_two_people_autosaving_with_a_shared_question_lose_no_acknowledged_answer(app, two_sessions, questionnaire):
    outcomes, lost = _rounds(app, two_sessions, questionnaire, rounds=200, shared_every=4)
    assert lost == []
    for person in outcomes:
        for n, status, saved in person:
            assert status in (200, 409), (n, status)
            if status == 409:  # only ever about the question both changed
                assert n % 4 == 0 and saved is False, (n, status)
            else:
                assert saved is True


def test_autosave_reply_brings_every_answer_on_the_page_up_to_date(two_sessions, questionnaire):
    assessment, anna, bram = two_sessions
    url = f"/checks/{assessment.id}/stap/1"
    first, second = questionnaire.domains[0].questions[:2]
    best = like(first, "geevalueerd")
    anna_page, _ = _page_fields(anna, url)
    bram_page, _ = _page_fields(bram, url)
    partly = like(second, "deels")
    reply = bram.client.post(url + "/autosave", data={**bram_page, f"q_{second.id}": partly, f"c_{second.id}": "B"})
    assert reply.json["saved"]
    reply = anna.client.post(url + "/autosave", data={**anna_page, f"q_{first.id}": "nee"})
    assert reply.status_code == 200 and reply.json["saved"]
    answers = reply.json["answers"]
    assert set(answers) == {q.id for q in questionnaire.domains[0].questions}
    assert answers[second.id]["value"] == partly and answers[second.id]["comment"] == "B"  # Bram's, merged
    assert answers[first.id]["value"] == "nee"
    # the page takes them over (check.js), and its next save of the first question leaves Bram's alone
    fields = {**anna_page, "version": str(reply.json["version"])}
    fields.update({f"o_{qid}": a["original"] for qid, a in answers.items()})
    again = anna.client.post(
        url + "/autosave",
        data={**fields, f"q_{first.id}": best, f"q_{second.id}": partly, f"c_{second.id}": "B"},
    )
    assert again.status_code == 200 and again.json["saved"]
    assert _stored(assessment.id) == {first.id: (best, ""), second.id: (partly, "B")}
    # a page that did not take them over still cannot overwrite Bram's answer: that is a conflict
    stale = anna.client.post(url + "/autosave", data={**anna_page, f"q_{second.id}": "nee"})
    assert stale.status_code == 409 and "gewijzigd" in stale.json["message"]
    assert _stored(assessment.id)[second.id] == (partly, "B")


def test_saving_again_after_a_conflict_keeps_the_colleagues_other_changes(two_sessions, questionnaire):
    assessment, anna, bram = two_sessions
    url = f"/checks/{assessment.id}/stap/1"
    first, second, third = questionnaire.domains[0].questions[:3]
    best = like(first, "geevalueerd")
    bram_page, _ = _page_fields(bram, url)  # Bram opens the page
    partly = like(second, "deels")
    anna.submit(url, {f"q_{first.id}": "nee", f"q_{second.id}": partly, f"c_{second.id}": "Van Anna", "action": "save"})
    # Bram changes the first and the third question; the first is a conflict
    mine = like(third, "geevalueerd")
    data = {**bram_page, f"q_{first.id}": best, f"q_{third.id}": mine, "action": "save"}
    response = bram.client.post(url, data=data)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    # the re-shown page shows Anna's answer to the question Bram did not change, and his own input
    assert re.search(rf'id="q_{second.id}-{partly}" value="{partly}" checked', page) and "Van Anna" in page
    assert re.search(rf'id="q_{first.id}-{best}" value="{best}" checked', page)
    assert re.search(rf'id="q_{third.id}-{mine}" value="{mine}" checked', page)
    # Bram presses Opslaan again: the browser posts the page as it is shown
    again = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    again["csrf_token"] = csrf_token(page)
    shown = dict(re.findall(r'name="(q_[a-z0-9_]+)" id="[^"]+" value="([^"]+)" checked', page))
    comments = dict(re.findall(r'<textarea[^>]*name="(c_[a-z0-9_]+)"[^>]*>([^<]*)</textarea>', page))
    response = bram.client.post(url, data={**again, **shown, **comments, "action": "save"})
    assert response.status_code == 302
    assert _stored(assessment.id) == {
        first.id: (best, ""),  # his deliberate choice wins where he changed it ...
        second.id: (partly, "Van Anna"),  # ... and only there
        third.id: (mine, ""),
    }


def test_autosave_conflict_reply_updates_the_questions_the_user_did_not_change(two_sessions, questionnaire):
    assessment, anna, bram = two_sessions
    url = f"/checks/{assessment.id}/stap/1"
    first, second = questionnaire.domains[0].questions[:2]
    bram_page, _ = _page_fields(bram, url)
    partly = like(second, "deels")
    anna.submit(url, {f"q_{first.id}": "nee", f"q_{second.id}": partly, "action": "save"})
    reply = bram.client.post(url + "/autosave", data={**bram_page, f"q_{first.id}": like(first, "geevalueerd")})
    assert reply.status_code == 409 and reply.json["saved"] is False
    answers = reply.json["answers"]
    assert first.id not in answers  # his input stays on his page, still in conflict
    assert answers[second.id]["value"] == partly
    assert _stored(assessment.id) == {first.id: ("nee", ""), second.id: (partly, "")}


def test_respondent_saves_racing_on_different_questions_both_stick(app, make_gemeente, make_user, make_assessment):
    """Two tabs of one respondent saving different questions at once: both stored, never a 409 or 500."""
    from tests.test_respondents import invite, respondent

    gemeente = make_gemeente()
    owner = make_user("beleidsmedewerker", gemeente)
    assessment = make_assessment(gemeente, owner)
    owner_browser = Browser(app.test_client())
    owner_browser.login(owner.email)
    questions = app.extensions["questionnaire_store"].current.domains[0].questions
    tab = respondent(app, invite(owner_browser, assessment, "Anna", "beleid"))
    other = Browser(app.test_client())
    other.client.set_cookie("session", tab.client.get_cookie("session").value)
    pages = [Page(t, "/respondent/stap/1", questions) for t in (tab, other)]
    for round_ in range(20):
        barrier, statuses = threading.Barrier(2), [None, None]

        def save(index, barrier=barrier, statuses=statuses, round_=round_):
            q = questions[index]
            pages[index].shown[q.id] = ([o.value for o in q.options][round_ % len(q.options)], "")
            barrier.wait()
            statuses[index] = pages[index].autosave(app)[0]

        threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses == [200, 200], (round_, statuses)
