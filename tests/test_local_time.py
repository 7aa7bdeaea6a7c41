"""Every time a user sees is Dutch local time: the database stores UTC, the pages, the log, the
autosave replies and the PDF show Europe/Amsterdam, summer time and winter time alike."""

from datetime import datetime

import pytest

from selfcheck.extensions import db
from selfcheck.models import AuditEvent
from selfcheck.web.templating import nl_date, nl_datetime, nl_time
from tests.answers import like

SUMMER = datetime(2026, 7, 1, 12, 0)  # 12:00 UTC is 14:00 in the Netherlands (CEST, +2)
WINTER = datetime(2026, 1, 15, 12, 0)  # 12:00 UTC is 13:00 (CET, +1)


def test_the_filters_turn_utc_into_dutch_local_time():
    assert nl_time(SUMMER) == "14:00" and nl_time(WINTER) == "13:00"
    assert nl_datetime(SUMMER) == "1 juli 2026 om 14:00"
    # Late in the evening UTC is already the next day in the Netherlands.
    assert nl_date(datetime(2026, 3, 31, 22, 30)) == "1 april 2026"
    assert nl_date(datetime(2026, 12, 31, 23, 30)) == "1 januari 2027"


@pytest.mark.parametrize(("moment", "shown"), [(SUMMER, "14:00"), (WINTER, "13:00")])
def test_step_page_and_audit_log_show_local_time(moment, shown, browser, one_answer_saved):
    _officer, admin, assessment, _question = one_answer_saved
    assessment.updated_at = moment
    for event in db.session.query(AuditEvent):
        event.at = moment
    db.session.commit()
    step = browser.get(f"/checks/{assessment.id}/stap/1").get_data(as_text=True)
    assert f"Laatst opgeslagen op {nl_date(moment)} om {shown}." in step
    browser.logout()
    browser.login(admin.email)
    log = browser.get("/beheer/logboek").get_data(as_text=True)
    assert f"{nl_date(moment)}<br>{shown}</time>" in log
    assert f'datetime="{moment.isoformat(timespec="seconds")}Z"' in log  # machine-readable: UTC


def test_the_autosave_reply_names_the_local_time(
    monkeypatch, browser, make_gemeente, make_user, make_assessment, questionnaire
):
    from selfcheck.check import domain_page
    from tests.test_answers_validity import _page_fields

    monkeypatch.setattr(domain_page, "utcnow", lambda: SUMMER)
    gemeente = make_gemeente()
    officer = make_user("beleidsmedewerker", gemeente)
    assessment = make_assessment(gemeente, officer)
    question = questionnaire.domains[0].questions[0]
    browser.login(officer.email)
    url = f"/checks/{assessment.id}/stap/1"
    data = {**_page_fields(browser, url), f"q_{question.id}": like(question, "deels"), "action": ""}
    reply = browser.client.post(url + "/autosave", data=data)
    assert reply.status_code == 200 and reply.json["message"] == "Opgeslagen om 14:00"
