"""The audit log reads as Dutch sentences: who did what to which check, without technical details
(no 'prefilled: False', 'kind: rapport', 'filters: {}' or question ids)."""

import re

from selfcheck.extensions import db
from selfcheck.models import AuditEvent
from selfcheck.web.audit import ACTIONS, sentence


def test_every_known_action_has_a_sentence(app, make_gemeente, make_user, make_assessment):
    gemeente = make_gemeente()
    officer = make_user("beleidsmedewerker", gemeente)
    assessment = make_assessment(gemeente, officer)
    for action in ACTIONS:
        event = AuditEvent(action=action, user_id=officer.id, user_label=officer.name, detail={})
        event.assessment, event.gemeente_id = assessment, gemeente.id
        text = sentence(event)
        assert text.endswith(".") and "niet kent" not in text, (action, text)
        assert not re.search(r"[{}_]|True|False|None", text), (action, text)


def test_the_log_page_shows_sentences(browser, one_answer_saved):
    _officer, admin, assessment, question = one_answer_saved
    browser.get(f"/checks/{assessment.id}/rapport.pdf")
    browser.get(f"/checks/{assessment.id}/raadsinformatiebrief.docx")
    browser.logout()
    browser.login(admin.email)
    log = " ".join(browser.get("/beheer/logboek").get_data(as_text=True).split())
    assert db.session.query(AuditEvent).count() >= 2
    assert "vraag 1.1" in log and question.id not in log  # the question by its number, not its id
    assert "als pdf gedownload" in log
    assert "heeft de raadsinformatiebrief van de check 2026 als Word-bestand gedownload" in log
    for raw in ("prefilled", "kind:", "filters:", "{}", "True", "False"):
        assert raw not in log, raw
