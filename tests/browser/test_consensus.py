"""The consensus page and the respondents' pages in a real browser: a question settled in place by
consensus.js (no reload, focus kept, confirmation in view), the same without JavaScript through a
redirect to the question, and the pages at phone, tablet and laptop size under axe-core.

Works on Breda's 2026 draft (the demo's two respondents); it settles questions near the end of the
list, which other browser tests do not look at.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import audit, check_layout, html_errors, login

BREDA = "beleid@breda.example"
SIZES = {"phone": (390, 844), "tablet": (768, 1024), "laptop": (1366, 900)}

IN_VIEW = """(el) => { const r = el.getBoundingClientRect();
  return r.width > 0 && r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth; }"""


def _consensus_url(page) -> str:
    login(page, BREDA)
    page.get_by_role("link", name=re.compile("Verder invullen")).first.click()
    page.get_by_role("link", name="Consensus vaststellen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Consensus"
    return page.url


def _open_items(page):
    """The questions still to choose, from the end of the list."""
    return page.locator(".consensus-item").filter(has=page.locator("[data-status]", has_text="Nog te kiezen"))


def _progress(page) -> tuple[int, int]:
    chosen, total = re.match(r"(\d+) van (\d+)", page.locator("[data-progress-text]").inner_text()).groups()
    return int(chosen), int(total)


@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_a_question_is_settled_in_place_without_a_reload(page, size):
    page.set_viewport_size(dict(zip(("width", "height"), SIZES[size], strict=True)))
    _consensus_url(page)
    before = _progress(page)
    question_id = _open_items(page).last.get_attribute("id")
    item = page.locator(f"#{question_id}")  # by id: the filter above stops matching once it is chosen
    domain_count = page.locator(f'[data-domain-count="{item.get_attribute("data-domain")}"]')
    domain_before = int(domain_count.inner_text().split()[0])
    page.evaluate("window.__noReload = 1")

    item.locator("select").select_option(index=1)  # the first real answer after 'Kies een antwoord'
    item.locator("textarea").fill("Besproken in het overleg van maart")
    item.get_by_role("button", name=re.compile("^Opslaan")).click()
    message = item.locator("[data-message]")
    page.wait_for_function("(el) => el.dataset.state === 'saved'", arg=message.element_handle())

    assert page.evaluate("window.__noReload") == 1  # the same document: no reload
    assert message.inner_text().startswith("Opgeslagen: het antwoord van de gemeente is ‘")
    assert item.locator("[data-status]").inner_text() == "Gekozen"
    assert "Besproken in het overleg van maart" in item.locator("[data-chosen-answer]").inner_text()
    assert _progress(page) == (before[0] + 1, before[1])
    assert int(domain_count.inner_text().split()[0]) == domain_before + 1
    assert page.evaluate("(id) => document.getElementById(id).contains(document.activeElement)", question_id)
    assert page.evaluate("() => document.activeElement.tagName") == "BUTTON"
    assert message.evaluate(IN_VIEW), "the confirmation is in view"
    assert message.get_attribute("role") == "status"
    # the page says the same after a reload: it was stored
    page.reload()
    assert page.locator(f"#{question_id} [data-status]").inner_text() == "Gekozen"


def test_a_refused_save_keeps_what_was_typed_and_says_why(page):
    _consensus_url(page)
    item = page.locator(f"#{_open_items(page).last.get_attribute('id')}")
    page.route(re.compile(r".*/consensus/[^/]+$"), lambda route: route.abort())  # the network is gone
    item.locator("select").select_option(index=1)
    item.locator("textarea").fill("Nog niet opgeslagen")
    item.get_by_role("button", name=re.compile("^Opslaan")).click()
    message = item.locator("[data-message]")
    page.wait_for_function("(el) => el.dataset.state === 'error'", arg=message.element_handle())
    assert "geen verbinding" in message.inner_text()
    assert item.locator("textarea").input_value() == "Nog niet opgeslagen"
    assert item.locator("[data-status]").inner_text() == "Nog te kiezen"
    page.unroute(re.compile(r".*/consensus/[^/]+$"))
    # the server refuses an empty choice: its Dutch message, at the question
    item.locator("select").select_option(index=0)
    item.get_by_role("button", name=re.compile("^Opslaan")).click()
    page.wait_for_function(
        "(el) => el.dataset.state === 'error' && el.textContent.includes('kies een van de antwoorden')",
        arg=message.element_handle(),
    )
    assert item.locator("textarea").input_value() == "Nog niet opgeslagen"


def test_without_javascript_the_post_returns_to_the_question_with_a_confirmation(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server, java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="nl-NL"
    )
    page = context.new_page()
    try:
        url = _consensus_url(page)
        question_id = _open_items(page).first.get_attribute("id")
        item = page.locator(f"#{question_id}")
        item.locator("select").select_option(index=1)
        with page.expect_navigation():
            item.get_by_role("button", name=re.compile("^Opslaan")).click()
        assert page.url == f"{url}#{question_id}"
        item = page.locator(f"#{question_id}")
        confirmation = item.locator(".consensus-saved")
        assert confirmation.inner_text().startswith("Opgeslagen: het antwoord van de gemeente is ‘")
        assert item.locator("[data-status]").inner_text() == "Gekozen"
        assert confirmation.evaluate(IN_VIEW), "the confirmation is in view after the jump to the question"
        # the copy button stays hidden without JavaScript
        page.goto(url.replace("/consensus", "/respondenten"))
        page.get_by_label("Naam", exact=True).fill("Zonder Script")
        page.get_by_label("E-mailadres").fill("zonder-script@partner.example")
        page.get_by_role("button", name="Uitnodiging mailen en link maken").click()
        assert page.locator("#link").input_value().startswith(live_server + "/respondent/")
        assert page.get_by_role("button", name="Kopieer link").count() == 0  # hidden: nothing to press
    finally:
        context.close()


def test_the_copy_button_copies_the_whole_link(page, live_server):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    consensus = _consensus_url(page)
    page.goto(consensus.replace("/consensus", "/respondenten"))
    page.get_by_label("Naam", exact=True).fill("Kopie Test")
    page.get_by_label("E-mailadres").fill("kopie@partner.example")
    page.get_by_role("button", name="Uitnodiging mailen en link maken").click()
    link = page.locator("#link").input_value()
    page.get_by_role("button", name="Kopieer link").click()
    status = page.locator("[data-copy-status]")
    page.wait_for_function("(el) => el.textContent === 'Link gekopieerd'", arg=status.element_handle())
    assert page.evaluate("navigator.clipboard.readText()") == link


def _pages(page, live_server):
    """The pages of this area that test_layout.py does not open, each as (name, how to get there)."""
    consensus = _consensus_url(page)
    respondents = consensus.replace("/consensus", "/respondenten")
    page.goto(respondents)
    page.get_by_label("Naam", exact=True).fill("Sanne de Vries-Opdrachtgeversvertegenwoordiger")
    page.get_by_label("E-mailadres").fill("sanne.devries-opdrachtgeverschap@ketenpartner-jeugdhulp.example")
    page.get_by_role("button", name="Uitnodiging mailen en link maken").click()
    link = page.locator("#link").input_value()
    forget = page.get_by_role("link", name=re.compile("Naam en e-mail wissen")).first.get_attribute("href")
    return consensus, respondents, forget, link


def test_the_pages_fit_every_screen_pass_axe_and_are_valid_html(chromium, live_server, page, tmp_path):
    consensus, respondents, forget, link = _pages(page, live_server)
    state = page.context.storage_state()
    person = chromium.new_context(base_url=live_server)
    start = person.new_page()
    start.goto(link)
    start.get_by_role("button", name="Beginnen met de check").click()
    respondent_state = person.storage_state()
    person.close()
    pages = {
        "consensus": (state, consensus),
        "respondents-with-link": (state, None),
        "forget": (state, forget),
        "respondent-home": (respondent_state, "/respondent"),
        "respondent-submit": (respondent_state, "/respondent/indienen"),
    }
    sent = {}
    for size, (width, height) in SIZES.items():
        for name, (storage, url) in pages.items():
            context = chromium.new_context(
                base_url=live_server,
                viewport={"width": width, "height": height},
                storage_state=storage,
                bypass_csp=True,
                locale="nl-NL",
            )
            tab = context.new_page()
            try:
                if url is None:  # the page right after an invitation, with the link and its copy button
                    tab.goto(respondents)
                    tab.get_by_label("Naam", exact=True).fill(f"Respondent {size}")
                    tab.get_by_label("E-mailadres").fill(f"{size}@partner.example")
                    tab.get_by_role("button", name="Uitnodiging mailen en link maken").click()
                    assert tab.get_by_role("button", name="Kopieer link").is_visible()
                    if size == "laptop":
                        sent[name] = tab.content()  # before axe adds its script
                else:
                    response = tab.goto(url)
                    assert response.status == 200, name
                    if size == "laptop":
                        sent[name] = response.text()  # as the server sent it, before any script ran
                check_layout(tab, f"{name}-{size}")
                audit(tab, f"{name}-{size}")
            finally:
                context.close()
    errors = html_errors(sent, tmp_path)
    assert not errors, "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in errors.items())
