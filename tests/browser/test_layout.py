"""Every main page at phone, tablet and laptop size: no sideways scrolling, header and footer in
view, no axe-core violation (WCAG 2.1 A/AA and best practices), and valid HTML (Nu Html Checker)."""

from __future__ import annotations

import sqlite3

import pytest

from tests.browser.conftest import CHROMIUM, audit, check_layout, html_errors, login

SIZES = {"phone": (390, 844), "tablet": (768, 1024), "laptop": (1366, 900)}

BREDA = "beleid@breda.example"
INKOPER = "inkoop@breda.example"
UTRECHT = "beleid@utrecht.example"
ADVISER = "adviseur@trimbos.example"
ADMIN = "beheer@beleidscheck.example"
RESPONDENT = "respondent"  # a respondent's own session, started from an invitation link

# name: (who, url); {placeholders} are filled in from the live server's database.
PAGES = {
    "login": (None, "/inloggen"),
    "forgot-password": (None, "/wachtwoord-vergeten"),
    "respondent-new-link": (None, "/respondent/nieuwe-link"),
    "not-found": (None, "/bestaat-niet"),
    "home": (BREDA, "/"),
    "gemeente": (BREDA, "/gemeenten/{breda}"),
    "overview": (BREDA, "/checks/{breda_2026}"),
    "step-1": (BREDA, "/checks/{breda_2026}/stap/1"),
    "step-2": (BREDA, "/checks/{breda_2026}/stap/2"),
    "step-3": (BREDA, "/checks/{breda_2026}/stap/3"),
    "step-4": (BREDA, "/checks/{breda_2026}/stap/4"),
    "step-5": (BREDA, "/checks/{breda_2026}/stap/5"),
    "respondents": (BREDA, "/checks/{breda_2026}/respondenten"),
    "consensus": (BREDA, "/checks/{breda_2026}/consensus"),
    "results-draft": (BREDA, "/checks/{breda_2026}/resultaten"),
    "results-2025": (BREDA, "/checks/{breda_2025}/resultaten"),
    "step-read-only": (INKOPER, "/checks/{breda_2026}/stap/3"),
    "results-definitive": (UTRECHT, "/checks/{utrecht_2026}/resultaten"),
    "adviser-overview": (ADVISER, "/adviseur/"),
    "adviser-compare": (ADVISER, "/adviseur/vergelijken?check={breda_2025}&check={utrecht_2025}&check={utrecht_2026}"),
    "adviser-benchmark": (ADVISER, "/adviseur/benchmark"),
    "adviser-regions": (ADVISER, "/adviseur/regios"),
    "adviser-trends": (ADVISER, "/adviseur/trends"),
    "adviser-results": (ADVISER, "/checks/{utrecht_2026}/resultaten"),
    "admin-gemeenten": (ADMIN, "/beheer/gemeenten"),
    "admin-gemeente": (ADMIN, "/beheer/gemeenten/{breda}"),
    "admin-users": (ADMIN, "/beheer/gebruikers"),
    "admin-user-new": (ADMIN, "/beheer/gebruikers/nieuw"),
    "admin-user": (ADMIN, "/beheer/gebruikers/{breda_user}"),
    "admin-user-delete": (ADMIN, "/beheer/gebruikers/{breda_user}/verwijderen"),
    "admin-log": (ADMIN, "/beheer/logboek"),
    "admin-respondents": (ADMIN, "/beheer/respondenten?email=uitvoering@partner.example"),
    "plan": (UTRECHT, "/checks/{utrecht_2026}/plan"),
    "plan-action-new": (UTRECHT, "/checks/{utrecht_2026}/plan/acties/nieuw"),
    "plan-read-only": (INKOPER, "/checks/{breda_2025}/plan"),
    "adviser-plans": (ADVISER, "/adviseur/plannen"),
    "questionnaire": (ADVISER, "/vragenlijst/"),
    "questionnaire-earlier": (ADVISER, "/vragenlijst/{earlier_version}"),
    "questionnaire-preview": (ADMIN, "/vragenlijst/{current_version}/voorbeeld?stap=4"),
    "respondent-home": (RESPONDENT, "/respondent"),
    "respondent-step": (RESPONDENT, "/respondent/stap/1"),
}


@pytest.fixture(scope="session")
def ids(live_server, live_folder) -> dict[str, int]:
    """The demo's rows the pages are about, read from the live server's database."""
    with sqlite3.connect(live_folder / "live.db") as db:
        gemeenten = dict(db.execute("SELECT name, id FROM gemeente"))
        checks = {
            (gemeente, year): id
            for id, gemeente, year in db.execute(
                "SELECT a.id, g.name, a.year FROM assessment a JOIN gemeente g ON g.id = a.gemeente_id"
            )
        }
        (breda_user,) = db.execute("SELECT id FROM user WHERE email = ?", (BREDA,)).fetchone()
        versions = dict(db.execute("SELECT version, fingerprint FROM questionnaire_version"))
    return {
        "breda": gemeenten["Breda"],
        "breda_user": breda_user,
        "breda_2025": checks["Breda", 2025],
        "breda_2026": checks["Breda", 2026],
        "utrecht_2025": checks["Utrecht", 2025],
        "utrecht_2026": checks["Utrecht", 2026],
        "earlier_version": versions["2026.1"],
        "current_version": versions["2026.2"],
    }


@pytest.fixture(scope="session")
def sessions(chromium, live_server, ids):
    """One logged-in browser state per account, and one respondent's, made once for all pages."""
    states = {}

    def state(who):
        if who is None:
            return None
        if who not in states:
            context = chromium.new_context(base_url=live_server)
            page = context.new_page()
            if who == RESPONDENT:
                login(page, BREDA)
                page.goto(f"/checks/{ids['breda_2026']}/respondenten")
                page.get_by_label("Naam", exact=True).fill("Eva de Wit")
                page.get_by_label("E-mailadres").fill("eva@partner.example")
                page.get_by_role("button", name="Uitnodiging mailen en link maken").click()
                link = page.locator("#link").input_value()
                context.close()
                context = chromium.new_context(base_url=live_server)
                page = context.new_page()
                page.goto(link)
                page.get_by_role("button", name="Beginnen met de check").click()
            else:
                login(page, who)
            states[who] = context.storage_state()
            context.close()
        return states[who]

    return state


def _open(chromium, live_server, sessions, ids, name, size):
    who, url = PAGES[name]
    width, height = SIZES[size]
    context = chromium.new_context(
        base_url=live_server,
        viewport={"width": width, "height": height},
        storage_state=sessions(who),
        bypass_csp=True,  # axe-core is injected as an inline script
        locale="nl-NL",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    response = page.goto(url.format(**ids))
    return context, page, response


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PAGES)
def test_page_fits_the_screen_and_passes_axe(chromium, live_server, sessions, ids, name, size):
    context, page, response = _open(chromium, live_server, sessions, ids, name, size)
    try:
        assert response.status == (404 if name == "not-found" else 200), f"{name}: HTTP {response.status}"
        page.wait_for_load_state("load")
        check_layout(page, f"{name}-{size}")
        audit(page, f"{name}-{size}")
    finally:
        context.close()


def test_every_page_is_valid_html(chromium, live_server, sessions, ids, tmp_path):
    assert CHROMIUM
    pages = {}
    for name in PAGES:
        context, _page, response = _open(chromium, live_server, sessions, ids, name, "laptop")
        pages[name] = response.text()  # the HTML as the server sent it, before any script ran
        context.close()
    errors = html_errors(pages, tmp_path)
    assert not errors, "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in errors.items())
