"""The results pages at phone, tablet and laptop size: they fit, the charts' text stays readable, the start
package comes first and the rest folds per domain, a draft says it is one; and the adviser's feedback form
answers a bad submission with a Dutch error (422)."""

from __future__ import annotations

import re
import sqlite3

import pytest

from selfcheck.web.forms import COMMENT_MAX
from tests.browser.conftest import audit, check_layout, login

SIZES = {"phone": (390, 844), "tablet": (768, 1024), "laptop": (1366, 900)}
BREDA = "beleid@breda.example"
UTRECHT = "beleid@utrecht.example"
ADVISER = "adviseur@trimbos.example"
MIN_TEXT = 14  # px, as rendered

# Each SVG text's font size as drawn: its computed size times the scale of its SVG (rendered width over
# the viewBox's), so a chart that the page shrinks to fit counts at its shrunk size.
SVG_TEXT_SIZES = """(selector) => [...document.querySelectorAll(selector)].flatMap((svg) => {
  const box = svg.viewBox && svg.viewBox.baseVal;
  const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
  return [...svg.querySelectorAll('text, tspan')].map((t) => ({
    text: t.textContent.trim(), px: parseFloat(getComputedStyle(t).fontSize) * scale }));
})"""

# The font size of every piece of visible text inside the elements the selector finds.
HTML_TEXT_SIZES = """(selector) => {
  const found = [];
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!node.textContent.trim() || el.closest('svg') || el.closest('.visually-hidden')) continue;
      const r = el.getBoundingClientRect();
      if (!r.width) continue;
      found.push({text: node.textContent.trim().slice(0, 40), px: parseFloat(getComputedStyle(el).fontSize)});
    }
  }
  return found;
}"""


@pytest.fixture(scope="session")
def checks(live_server, live_folder) -> dict[tuple[str, int], int]:
    with sqlite3.connect(live_folder / "live.db") as db:
        return {
            (gemeente, year): id
            for id, gemeente, year in db.execute(
                "SELECT a.id, g.name, a.year FROM assessment a JOIN gemeente g ON g.id = a.gemeente_id"
            )
        }


@pytest.fixture(scope="session")
def logged_in(chromium, live_server):
    """One logged-in browser state per account, made once."""
    states = {}

    def state(email):
        if email not in states:
            context = chromium.new_context(base_url=live_server)
            login(context.new_page(), email)
            states[email] = context.storage_state()
            context.close()
        return states[email]

    return state


@pytest.fixture
def open_page(chromium, live_server, logged_in):
    contexts = []

    def open_(email, url, size="laptop", **options):
        width, height = SIZES[size]
        context = chromium.new_context(
            base_url=live_server,
            viewport={"width": width, "height": height},
            storage_state=logged_in(email),
            bypass_csp=True,  # axe-core is injected as an inline script
            locale="nl-NL",
            **options,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        response = page.goto(url)
        assert response.status == 200, url
        return page

    yield open_
    for context in contexts:
        context.close()


def _assert_readable(sizes, where):
    assert sizes, f"no chart text found on {where}"
    small = [s for s in sizes if s["px"] < MIN_TEXT - 0.01]
    assert not small, f"text below {MIN_TEXT} px on {where}: {small[:5]}"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    ("who", "check", "draft"), [(BREDA, ("Breda", 2026), True), (UTRECHT, ("Utrecht", 2026), False)]
)
def test_results_page_fits_reads_and_folds(open_page, checks, size, who, check, draft):
    page = open_page(who, f"/checks/{checks[check]}/resultaten", size)
    name = f"results-{'draft' if draft else 'definitive'}-{size}"
    check_layout(page, name)

    _assert_readable(page.evaluate(SVG_TEXT_SIZES, "svg.radar"), name)
    _assert_readable(page.evaluate(HTML_TEXT_SIZES, ".radar-chart figcaption .radar-legend"), name)
    # the scores table needs no scrolling of its own either
    table = page.locator("table.scores")
    fits = "t => t.getBoundingClientRect().right <= t.closest('section').getBoundingClientRect().right + 0.5"
    assert table.evaluate(fits), f"scores table too wide: {name}"

    # the start package first, then one folded <details> group per domain
    order = page.evaluate("""() => {
      const start = document.querySelector('#startpakket');
      const groups = [...document.querySelectorAll('.advice-group')];
      return {start: !!start, tags: groups.map((g) => g.tagName), open: groups.filter((g) => g.open).length,
              before: !!start && !!groups.length &&
                      !!(start.compareDocumentPosition(groups[0]) & Node.DOCUMENT_POSITION_FOLLOWING)};
    }""")
    assert order["start"] and order["before"], order
    assert order["tags"] == ["DETAILS"] * 5 and order["open"] == 0, order

    marker = page.locator(".draft-notice")
    if draft:
        assert marker.is_visible()
        assert "Concept: nog niet definitief; de scores kunnen nog veranderen" in marker.inner_text()
    else:
        assert marker.count() == 0 and "Concept" not in page.locator("main").inner_text()
    audit(page, name)


def test_a_domain_group_opens_by_keyboard_and_without_javascript(open_page, checks):
    page = open_page(UTRECHT, f"/checks/{checks['Utrecht', 2026]}/resultaten", "phone", java_script_enabled=False)
    group = page.locator("details.advice-group").first
    summary = group.locator("summary")
    assert "aanbeveling" in summary.inner_text() and "Niveau" in summary.inner_text()
    assert not group.locator(".advice").first.is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    assert group.evaluate("d => d.open") and group.locator(".advice").first.is_visible()


@pytest.mark.parametrize("size", SIZES)
def test_side_by_side_fits_and_its_bars_read(open_page, checks, size):
    ids = [checks["Breda", 2025], checks["Utrecht", 2025], checks["Utrecht", 2026]]
    page = open_page(ADVISER, "/adviseur/vergelijken?" + "&".join(f"check={i}" for i in ids), size)
    name = f"compare-{size}"
    check_layout(page, name)
    _assert_readable(page.evaluate(HTML_TEXT_SIZES, "figure.bars"), name)
    assert page.locator("figure.bars svg text").count() == 0  # names and scores are page text: never scaled

    legend = page.locator(".bars-legend li")
    assert legend.all_inner_texts() == ["Breda 2025", "Utrecht 2025", "Utrecht 2026"]
    # every bar has its name beside it, clear of the bar, and its own colour and pattern
    rows = page.evaluate("""() => [...document.querySelectorAll('.bar-row')].map((row) => {
      const name = row.querySelector('.bar-row__name').getBoundingClientRect();
      const bar = row.querySelector('svg').getBoundingClientRect();
      const rect = row.querySelector('rect');
      return {clear: name.right <= bar.left + 0.5 && name.bottom > bar.top && name.top < bar.bottom,
              look: rect ? getComputedStyle(rect).stroke + ' ' + rect.getAttribute('fill') : null};
    })""")
    assert rows and all(r["clear"] for r in rows), rows[:3]
    assert len({r["look"] for r in rows[:3]}) == 3, rows[:3]
    # the scrolling tables can be reached by keyboard and are named
    for region in page.locator(".table-scroll").all():
        assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region"
        assert region.get_attribute("aria-label")
    audit(page, name)


def test_empty_feedback_gets_a_dutch_error_in_the_browser(open_page, checks):
    page = open_page(ADVISER, f"/checks/{checks['Utrecht', 2026]}/resultaten", "phone")
    field = page.locator("#text")
    assert field.get_attribute("required") is None and field.get_attribute("maxlength") is None
    page.get_by_label("Over").select_option(label="Inkoop")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Feedback opslaan").click()
    assert navigation.value.status == 422
    assert page.locator("#text-fout").text_content() == "Fout: Schrijf uw feedback."
    assert page.locator("#text").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Over").evaluate("s => s.selectedOptions[0].text") == "Inkoop"
    assert page.locator("#foutmeldingen").is_visible()
    check_layout(page, "feedback-error-phone")
    audit(page, "feedback-error-phone")


# --- the feedback handler, through the test client ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("   ", "Schrijf uw feedback."),
        (
            "x" * (COMMENT_MAX + 1),
            f"Uw feedback is {COMMENT_MAX + 1} tekens lang; dat mogen er hoogstens {COMMENT_MAX} zijn.",
        ),
    ],
)
def test_bad_feedback_is_refused_with_422_and_keeps_what_was_typed(
    browser, make_gemeente, make_user, make_assessment, text, error
):
    from selfcheck.extensions import db
    from selfcheck.models import Feedback

    gemeente = make_gemeente()
    assessment = make_assessment(gemeente, make_user("beleidsmedewerker", gemeente), submitted=True)
    browser.login(make_user("adviseur").email)
    results = f"/checks/{assessment.id}/resultaten"
    response = browser.submit(
        f"/checks/{assessment.id}/feedback", {"domain_id": "inkoop", "text": text}, form_url=results
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<title>Fout: Resultaten" in page
    assert re.search(r'id="text-fout"><span class="visually-hidden">Fout: </span>' + re.escape(error), page)
    assert 'aria-invalid="true"' in page and " required" not in page.split('id="text"')[1].split(">")[0]
    if text.strip():
        assert text in page  # the textarea holds what was typed
    assert re.search(r'<option selected value="inkoop">|<option value="inkoop" selected>', page)
    assert db.session.query(Feedback).count() == 0
