"""check.js in a real browser: typed input survives a failed save and an ended session, and a
colleague's change reaches the page with the next autosave's reply.

These tests work on Utrecht's checks (test_pages.py works on Breda's), each on a year of its own.
"""

import json
import re

from tests.browser.conftest import login

STATUS = "[data-save-status]"


def _wait_state(page, state: str) -> None:
    # A save's outcome arrives after a debounce and a round trip; on a loaded CI box that took over
    # the 10 s default once, so this wait (and only this one) gets 30 s.
    page.wait_for_function(f"document.querySelector('{STATUS}').dataset.state === '{state}'", timeout=30_000)


def _start_check(page, year: int) -> str:
    login(page, "beleid@utrecht.example")
    page.fill("#year", str(year))
    page.get_by_label("Neem de antwoorden van de vorige check over").uncheck()
    page.get_by_role("button", name="Check starten").click()
    assert page.url.endswith("/stap/1")
    return page.url


def _drafts(page) -> dict:
    return page.evaluate(
        """() => Object.fromEntries(Object.keys(localStorage)
             .filter((k) => k.startsWith('beleidscheck:invoer:'))
             .map((k) => [k, JSON.parse(localStorage.getItem(k))]))"""
    )


def _question(page, index: int):
    return page.locator("fieldset.question").nth(index)


def test_typed_input_is_restored_after_a_failed_save(page):
    url = _start_check(page, 2027)
    page.route(re.compile(r".*/autosave$"), lambda route: route.abort())  # the network is gone
    first = _question(page, 0)
    first.locator("input[type=radio]").nth(1).check()
    first.locator("textarea").fill("Getypt terwijl de verbinding weg was")
    first.locator("textarea").blur()
    _wait_state(page, "error")
    assert "geen verbinding" in page.locator(STATUS).inner_text()
    (draft,) = _drafts(page).values()
    question_id = first.get_attribute("id")[2:]
    assert draft[question_id]["comment"] == "Getypt terwijl de verbinding weg was"

    page.unroute(re.compile(r".*/autosave$"))
    page.on("dialog", lambda dialog: dialog.accept())  # leave despite the unsaved changes
    page.goto(url)
    first = _question(page, 0)
    # put back from localStorage, and saved now that the server answers again
    assert first.locator("textarea").input_value() == "Getypt terwijl de verbinding weg was"
    assert first.locator("input[type=radio]").nth(1).is_checked()
    _wait_state(page, "saved")
    assert "teruggezet en opgeslagen" in page.locator(STATUS).inner_text()
    assert _drafts(page) == {}  # confirmed by the server: nothing left to keep

    page.goto(url)  # the server has it
    first = _question(page, 0)
    assert first.locator("textarea").input_value() == "Getypt terwijl de verbinding weg was"
    assert first.locator("input[type=radio]").nth(1).is_checked()


def test_input_survives_an_ended_session_and_opslaan(page):
    url = _start_check(page, 2024)
    page.context.clear_cookies()  # the session has ended (expired, or logged out elsewhere)
    second = _question(page, 1)
    second.locator("input[type=radio]").first.check()
    second.locator("textarea").fill("Na het verlopen van de sessie getypt")
    _wait_state(page, "error")  # the autosave is not accepted
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan", exact=True).click()
    # Nothing reached the server (the form's token belonged to the ended session): the app
    # says so, and the user logs in again and returns to the step.
    assert page.locator("h1").count() == 1
    login(page, "beleid@utrecht.example")
    page.goto(url)
    second = _question(page, 1)
    assert second.locator("textarea").input_value() == "Na het verlopen van de sessie getypt"
    assert second.locator("input[type=radio]").first.is_checked()
    _wait_state(page, "saved")
    page.goto(url)
    assert _question(page, 1).locator("textarea").input_value() == "Na het verlopen van de sessie getypt"


def test_a_colleagues_change_reaches_the_page_and_is_not_overwritten(page, chromium, live_server):
    url = _start_check(page, 2023)
    colleague_context = chromium.new_context(base_url=live_server, bypass_csp=True)
    colleague = colleague_context.new_page()
    login(colleague, "beleid@utrecht.example")
    colleague.goto(url)
    # the colleague answers the second question while this page still shows it empty
    _question(colleague, 1).locator("input[type=radio]").nth(2).check()
    _wait_state(colleague, "saved")
    chosen = _question(colleague, 1).locator("input[type=radio]").nth(2).get_attribute("value")

    _question(page, 0).locator("input[type=radio]").first.check()  # an autosave of another question
    _wait_state(page, "saved")
    assert "Een collega wijzigde intussen een antwoord" in page.locator(STATUS).inner_text()
    assert _question(page, 1).locator("input[type=radio]").nth(2).is_checked()  # shown here now
    _question(page, 0).locator("input[type=radio]").nth(1).check()  # and the next save keeps it
    _wait_state(page, "saved")
    colleague.goto(url)
    assert _question(colleague, 1).locator(f"input[value='{chosen}']").is_checked()
    assert _question(colleague, 0).locator("input[type=radio]").nth(1).is_checked()
    colleague_context.close()
    assert json.dumps(_drafts(page)) == "{}"
