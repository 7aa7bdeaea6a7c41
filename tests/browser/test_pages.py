"""Every main page in a real browser, checked with axe-core, and the check filled in by keyboard."""

import re

import pytest

from selfcheck.config import ROOT
from selfcheck.core.loader import load_questionnaire
from tests.browser.conftest import audit, login, press_and_wait


def test_login_page_and_its_error_state(page):
    page.goto("/inloggen")
    audit(page, "login")
    page.fill("#email", "beleid@breda.example")
    page.fill("#password", "verkeerd wachtwoord")
    press_and_wait(page)
    assert page.locator("#foutmeldingen").is_visible()
    assert page.evaluate("document.activeElement.id") == "foutmeldingen"  # focus moved to the summary
    audit(page, "login-error")


def test_pages_of_a_gemeente_user_pass_axe(page):
    login(page, "beleid@breda.example")
    audit(page, "gemeente")
    page.get_by_role("link", name=re.compile("Resultaten 2025")).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Resultaten check 2025")
    audit(page, "results")
    page.get_by_role("link", name="antwoorden").click()
    audit(page, "overview")
    page.get_by_role("link", name="Inkoop", exact=False).first.click()
    audit(page, "step-read-only")
    # an error state: a year that is not allowed
    page.get_by_role("link", name="Breda").first.click()
    page.fill("#year", "1990")
    page.get_by_role("button", name="Check starten").click()
    assert "Kies een jaar tussen" in page.locator("#foutmeldingen").inner_text()
    audit(page, "gemeente-error")


def test_adviser_pages_and_admin_pages_pass_axe(page):
    login(page, "adviseur@trimbos.example")
    assert page.get_by_role("heading", level=1).inner_text() == "Gemeenten"
    assert "Utrecht" in page.locator("tbody").inner_text()  # the demo's submitted checks
    audit(page, "adviser-overview")
    page.goto("/adviseur/?status=alle")
    page.locator("input[name=check]").nth(0).check()
    page.locator("input[name=check]").nth(1).check()
    page.get_by_role("button", name="Gekozen checks naast elkaar zetten").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Naast elkaar"
    audit(page, "adviser-compare")
    for url, name in (
        ("/adviseur/benchmark", "adviser-benchmark"),
        ("/adviseur/regios", "adviser-regions"),
        ("/adviseur/trends", "adviser-trends"),
    ):
        page.goto(url)
        audit(page, name)
    page.goto("/adviseur/")
    page.get_by_role("link", name="Utrecht").click()
    audit(page, "results-as-adviser")  # with the feedback form
    page.get_by_role("button", name="Uitloggen").click()
    login(page, "beheer@beleidscheck.example")
    for url, name in (
        ("/beheer/gemeenten", "admin-gemeenten"),
        ("/beheer/gebruikers", "admin-users"),
        ("/beheer/gebruikers/nieuw", "admin-user-new"),
        ("/beheer/logboek", "admin-log"),
        ("/beheer/respondenten?email=uitvoering@partner.example", "admin-respondents"),
        ("/beheer/respondenten?email=geen-adres", "admin-respondents-error"),
    ):
        page.goto(url)
        audit(page, name)
    page.goto("/beheer/respondenten")
    page.get_by_label("E-mailadres van de respondent").fill("uitvoering@partner.example")
    page.get_by_role("button", name="Zoeken").click()
    assert "Petra Visser" in page.locator("tbody").inner_text()


def _answer_by_keyboard(page, question_id: str, presses: int, comment: str) -> None:
    """Tab to the question's radio group, pick an option with the arrow keys, type a comment."""
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == f"q_{question_id}":
            break
    else:
        pytest.fail(f"could not reach q_{question_id} with Tab")
    page.keyboard.press("Space")  # selects the focused (first) option
    for _ in range(presses):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == f"c_{question_id}"
    page.keyboard.type(comment)


def test_fill_in_a_whole_check_by_keyboard_resume_submit_and_download(page):
    login(page, "beleid@breda.example")
    page.fill("#year", "2027")
    page.get_by_label("Neem de antwoorden van de vorige check over").uncheck()
    page.get_by_role("button", name="Check starten").click()
    assert page.url.endswith("/stap/1")
    audit(page, "step-empty")
    step_urls = []
    for number in range(1, 6):
        assert f"Stap {number} van 5" in page.locator(".step-count").inner_text()
        step_urls.append(page.url)
        questions = page.locator("fieldset.question").evaluate_all("els => els.map(e => e.id.slice(2))")
        for index, question_id in enumerate(questions):
            _answer_by_keyboard(page, question_id, presses=index % 4, comment=f"Opmerking {number}.{index + 1}")
        # autosave confirms without leaving the page
        page.wait_for_function("document.querySelector('[data-save-status]').dataset.state === 'saved'")
        assert page.locator("[data-save-status]").inner_text().startswith("Opgeslagen om")
        if number == 2:  # leave and come back in a new sitting
            page.get_by_role("button", name="Uitloggen").click()
            login(page, "beleid@breda.example")
            page.goto(step_urls[0])
            first = page.locator("fieldset.question").first
            assert first.locator("input[type=radio]:checked").count() == 1
            assert first.locator("textarea").input_value() == "Opmerking 1.1"
            page.goto(step_urls[1])
        page.locator("button[value=next]").focus()
        press_and_wait(page)

    assert "Overzicht van uw antwoorden" in page.get_by_role("heading", level=1).inner_text()
    total = len(load_questionnaire(ROOT / "questions.yaml").questions)
    assert f"{total} van de {total} vragen beantwoord" in page.locator("main").inner_text()
    page.get_by_role("link", name="Check definitief maken").focus()
    press_and_wait(page)  # a confirmation page first: making it definitive cannot be undone
    assert page.get_by_role("heading", level=1).inner_text() == "Check 2027 definitief maken?"
    audit(page, "submit-confirm")
    page.get_by_role("button", name="Ja, definitief maken").focus()
    press_and_wait(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Resultaten check 2027 – Breda"
    assert "Totaalniveau" in page.locator("main").inner_text()
    audit(page, "results-new")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Rapport downloaden")).click()
    assert download.value.suggested_filename == "kopp-kov-beleidscheck-breda-2027.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_leaving_with_unsaved_changes_warns(page):
    login(page, "beleid@breda.example")
    page.get_by_role("link", name=re.compile("Verder invullen")).first.click()
    page.get_by_role("navigation", name="Stappen van de check").get_by_role("link", name="Agendasetting").click()
    page.locator("textarea").first.fill("nog niet opgeslagen")  # autosave waits 1.5 s after typing
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.evaluate("() => { window.location.href = '/'; }")
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]


def test_audit_reports_a_real_violation(page):
    """The audit itself can fail: a form field without a label is a critical violation."""
    page.goto("/inloggen")
    page.evaluate("() => document.querySelector('label[for=email]').remove()")
    with pytest.raises(AssertionError, match="label"):
        audit(page, "deliberately-broken")


def test_respondent_invitation_answers_and_consensus_pass_axe(page, chromium, live_server):
    login(page, "beleid@breda.example")
    page.get_by_role("link", name=re.compile("Verder invullen")).first.click()
    page.get_by_role("link", name="Respondenten uitnodigen").click()
    audit(page, "respondents")
    page.fill("#name", "Sanne Ketenpartner")
    page.fill("#email", "sanne@ggz.example")
    page.select_option("#perspective", "ketenpartner")
    page.get_by_label("Agendasetting").check()
    page.get_by_role("button", name="Link maken").click()
    link = page.locator("#link").input_value()
    assert "/respondent/" in link

    other = chromium.new_context(base_url=live_server, bypass_csp=True)
    respondent = other.new_page()
    respondent.goto(link)
    audit(respondent, "respondent-landing")
    respondent.get_by_role("button", name="Beginnen met de check").click()
    assert "ketenpartner" in respondent.locator("main").inner_text().lower()
    audit(respondent, "respondent-home")
    respondent.get_by_role("link", name="Agendasetting").click()
    respondent.locator("input[type=radio]").first.check()
    audit(respondent, "respondent-step")
    with respondent.expect_navigation():
        respondent.get_by_role("button", name="Opslaan", exact=True).click()
    assert "opgeslagen" in respondent.locator("main").inner_text()
    other.close()

    page.goto(page.url.replace("/respondenten", "/consensus"))
    assert page.get_by_role("heading", level=1).inner_text() == "Consensus"
    audit(page, "consensus")
