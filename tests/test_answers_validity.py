"""An answer is one of its question's options, wherever it is posted, and a stored value that is
not (an old or hand-made row) never breaks a page, a report or an export: it reads as unanswered."""

import json
import logging
import re

import pytest
from sqlalchemy import select

from selfcheck.check.store import answer_values, respondent_answers
from selfcheck.extensions import db
from selfcheck.models import Answer, Assessment, Response
from tests.answers import like
from tests.conftest import Browser

BAD_VALUES = ["", "misschien", " nee", "NEE"]


@pytest.fixture
def owner(app, browser, make_gemeente, make_user, make_assessment):
    gemeente = make_gemeente()
    user = make_user("beleidsmedewerker", gemeente)
    assessment = make_assessment(gemeente, user)
    browser.login(user.email)
    return assessment, user


def _page_fields(browser, url):
    html = browser.get(url).get_data(as_text=True)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    fields["csrf_token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    return fields


def _rows(assessment_id):
    db.session.expire_all()
    return db.session.execute(
        select(Answer.question_id, Answer.value, Answer.comment)
        .join(Response)
        .where(Response.assessment_id == assessment_id)
        .order_by(Answer.question_id)
    ).all()


@pytest.mark.parametrize("bad", BAD_VALUES)
def test_owner_page_refuses_a_value_that_is_not_an_option(owner, browser, questionnaire, bad):
    assessment, _ = owner
    url = f"/checks/{assessment.id}/stap/1"
    first, second = questionnaire.domains[0].questions[:2]
    fields = _page_fields(browser, url)
    data = {**fields, f"q_{first.id}": bad, f"q_{second.id}": like(second, "deels"), "action": "save"}
    page = browser.client.post(url, data=data)
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "Dit antwoord bestaat niet bij deze vraag" in html
    assert f'id="q_{first.id}" aria-describedby="q_{first.id}-fout" aria-invalid="true"' in html
    reply = browser.client.post(url + "/autosave", data={**data, "action": ""})
    assert reply.status_code == 422 and reply.json["saved"] is False
    assert "Dit antwoord bestaat niet" in " ".join(reply.json["errors"][f"q_{first.id}"])
    assert _rows(assessment.id) == []  # nothing stored, not even the valid second answer


def test_respondent_page_refuses_an_empty_value(owner, browser, app, questionnaire):
    from tests.test_respondents import invite, respondent

    assessment, _ = owner
    first = questionnaire.domains[0]
    person = respondent(app, invite(browser, assessment, "Anna", "beleid", [first.id]))
    q = first.questions[0]
    for bad in ("", "misschien"):
        response = person.submit("/respondent/stap/1", {f"q_{q.id}": bad, "action": "save"})
        assert response.status_code == 422
        assert "Dit antwoord bestaat niet bij deze vraag" in response.get_data(as_text=True)
        fields = _page_fields(person, "/respondent/stap/1")
        reply = person.client.post("/respondent/stap/1/autosave", data={**fields, f"q_{q.id}": bad})
        assert reply.status_code == 422 and reply.json["saved"] is False
    assert _rows(assessment.id) == []
    # and a valid one still saves
    assert person.submit("/respondent/stap/1", {f"q_{q.id}": like(q, "deels"), "action": "save"}).status_code == 302
    assert _rows(assessment.id) == [(q.id, like(q, "deels"), "")]


def _insert_bad_rows(assessment, questionnaire, respondent_response=None):
    """What an old version let in: values that are no option, written straight into the table."""
    shared = next(r for r in db.session.get(Assessment, assessment.id).responses if r.is_shared)
    first, second, third = questionnaire.domains[0].questions[:3]
    db.session.add_all(
        [
            Answer(response_id=shared.id, question_id=first.id, value="", comment="Een oude toelichting"),
            Answer(response_id=shared.id, question_id=second.id, value="misschien", comment=""),
            Answer(response_id=shared.id, question_id="bestaat_niet", value="nee", comment=""),
        ]
    )
    if respondent_response is not None:
        db.session.add(Answer(response_id=respondent_response.id, question_id=first.id, value="", comment=""))
        db.session.add(Answer(response_id=respondent_response.id, question_id=third.id, value="nee?", comment=""))
    db.session.commit()
    return first, second, third


def test_bad_stored_rows_read_as_unanswered_everywhere(
    owner, browser, app, questionnaire, make_user, make_assessment, caplog
):
    from tests.test_respondents import invite, respondent

    assessment, user = owner
    earlier = make_assessment(assessment.gemeente, user, year=2025)  # for the side-by-side
    domain = questionnaire.domains[0]
    person = respondent(app, invite(browser, assessment, "Bea", "uitvoering", [domain.id]))
    answered = like(domain.questions[3], "geevalueerd")
    person.submit("/respondent/stap/1", {f"q_{domain.questions[3].id}": answered, "action": "save"})
    response = db.session.scalars(select(Response).where(Response.perspective == "uitvoering")).one()
    first, second, _ = _insert_bad_rows(assessment, questionnaire, response)

    with caplog.at_level(logging.WARNING, logger="selfcheck.check.store"):
        values = answer_values(db.session.get(Assessment, assessment.id))
    assert values == {first.id: (None, "Een oude toelichting"), second.id: (None, "")}
    assert "is not an option of question" in caplog.text and "unknown question" in caplog.text
    assert respondent_answers(db.session.get(Assessment, assessment.id))[0][1] == {domain.questions[3].id: answered}

    overview = browser.get(f"/checks/{assessment.id}")
    assert overview.status_code == 200
    html = overview.get_data(as_text=True)
    assert "Nog niet beantwoord" in html and f"#q_{first.id}" in html and f"#q_{second.id}" in html
    step = browser.get(f"/checks/{assessment.id}/stap/1").get_data(as_text=True)
    assert f'name="q_{first.id}"' in step and not re.search(rf'name="q_{first.id}"[^>]*checked', step)
    assert "Een oude toelichting" in step
    assert browser.get(f"/checks/{assessment.id}/resultaten").status_code == 200
    for kind in ("rapport", "inkoop"):
        pdf = browser.get(f"/checks/{assessment.id}/{kind}.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF"), kind
    assert browser.get(f"/checks/{assessment.id}/consensus").status_code == 200
    submit = browser.submit(f"/checks/{assessment.id}/indienen", {}, form_url=f"/checks/{assessment.id}")
    assert submit.status_code == 302 and submit.headers["Location"] == f"/checks/{assessment.id}"  # not complete
    assert person.get("/respondent/stap/1").status_code == 200

    adviser = Browser(app.test_client())
    adviser.login(make_user("adviseur", email="adviseur@trimbos.nl").email)
    exported = adviser.get(f"/checks/{assessment.id}/export.json")
    assert exported.status_code == 200
    data = json.loads(exported.data)
    assert data["antwoorden"][first.id] == {"waarde": None, "antwoord": None, "toelichting": "Een oude toelichting"}
    assert second.id not in data["antwoorden"]
    compared = adviser.get(f"/adviseur/vergelijken?check={earlier.id}&check={assessment.id}")
    assert compared.status_code == 200
    for kind in ("csv", "xlsx"):
        assert adviser.get(f"/adviseur/export.{kind}?status=alle").status_code == 200, kind


def test_a_bad_stored_row_is_replaced_by_the_next_save_without_a_conflict(owner, browser, questionnaire):
    assessment, _ = owner
    first, second, _ = _insert_bad_rows(assessment, questionnaire)
    url = f"/checks/{assessment.id}/stap/1"
    fields = _page_fields(browser, url)
    reply = browser.client.post(
        url + "/autosave",
        data={**fields, f"q_{first.id}": "nee", f"c_{first.id}": "Een oude toelichting", f"q_{second.id}": "nee"},
    )
    assert reply.status_code == 200 and reply.json["saved"], reply.json
    assert {qid: v for qid, v, _ in _rows(assessment.id)} == {first.id: "nee", second.id: "nee", "bestaat_niet": "nee"}
    assert answer_values(db.session.get(Assessment, assessment.id)) == {
        first.id: ("nee", "Een oude toelichting"),
        second.id: ("nee", ""),
    }
