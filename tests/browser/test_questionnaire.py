"""An adviser uploads, reviews, previews and publishes a questionnaire version in a real browser."""

import re

import yaml

from selfcheck.config import ROOT
from selfcheck.core.loader import load_questionnaire
from tests.browser.conftest import audit, login, press_and_wait
from tests.test_questionnaire_publishing import NEW_VERSION, next_version


def _files(tmp_path):
    questionnaire = load_questionnaire(ROOT / "questions.yaml")
    good = next_version((ROOT / "questions.yaml").read_text(encoding="utf-8"), questionnaire)
    broken = yaml.safe_load(good)
    broken["levels"][0]["max"] = "veel"
    broken["domains"][0]["questions"][1]["weight"] = -3
    paths = tmp_path / "goed.yaml", tmp_path / "fout.yaml"
    paths[0].write_text(good, encoding="utf-8")
    paths[1].write_text(yaml.safe_dump(broken, allow_unicode=True), encoding="utf-8")
    return paths


def test_upload_diff_preview_and_publish_pass_axe(page, tmp_path):
    good, broken = _files(tmp_path)
    login(page, "adviseur@trimbos.example")
    page.get_by_role("link", name="Benchmark").first.click()
    page.get_by_role("link", name="Vragenlijst").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Vragenlijst"
    audit(page, "questionnaire")

    # an error state: every problem with its place, focus on the summary, nothing stored
    page.set_input_files("#file", str(broken))
    with page.expect_navigation():
        page.get_by_role("button", name="Uploaden en controleren").click()
    summary = page.locator("#foutmeldingen")
    assert "3 problemen" in summary.inner_text()
    assert "levels[0].max" in summary.inner_text() and "domains[0].questions[1].weight" in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "foutmeldingen"
    assert "2027.1" not in page.locator("table").inner_text()
    audit(page, "questionnaire-error")

    page.set_input_files("#file", str(good))
    with page.expect_navigation():
        page.get_by_role("button", name="Uploaden en controleren").click()
    version_url = page.url
    try:
        assert page.get_by_role("heading", level=1).inner_text() == f"Versie {NEW_VERSION}"
        assert page.get_by_role("heading", name="Anders geformuleerd (1)").is_visible()
        assert page.get_by_role("heading", name="Vervallen (1)").is_visible()
        effect = page.locator("table.effect").inner_text()
        assert "Inkoop" in effect and "Totaalniveau" in effect
        audit(page, "questionnaire-version")

        report = page.request.get(page.get_by_role("link", name="Voorbeeldrapport (pdf)").get_attribute("href"))
        assert report.ok and report.headers["content-type"] == "application/pdf" and report.body()[:4] == b"%PDF"

        page.get_by_role("link", name="Bekijk de vragen zoals een gemeente ze ziet").click()
        assert "niets opgeslagen" in page.locator(".utrecht-alert").inner_text()
        assert page.locator("legend").first.inner_text().endswith("doelgroep in een vastgestelde nota?")
        audit(page, "questionnaire-preview")
        page.get_by_role("link", name="Volgende stap").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Inkoop"

        page.goto(version_url)
        page.get_by_role("button", name=f"Versie {NEW_VERSION} publiceren").focus()
        press_and_wait(page)
        assert f"Versie {NEW_VERSION} is gepubliceerd" in page.locator("[role=status]").first.inner_text()
        audit(page, "questionnaire-published")

        # a beleidsmedewerker with a draft on the earlier version is told, and sees what would change
        page.context.clear_cookies()
        login(page, "beleid@breda.example")
        page.get_by_role("link", name=re.compile("check 2026", re.IGNORECASE)).first.click()
        page.get_by_role("link", name="Bekijk wat er verandert als u overstapt").click()
        assert (
            page.get_by_role("heading", level=1).inner_text()
            == f"Overstappen op versie {NEW_VERSION} van de vragenlijst"
        )
        assert page.get_by_role("button", name=f"Overstappen op versie {NEW_VERSION}").is_visible()
        audit(page, "questionnaire-move")
    finally:
        # the live server is shared: the next tests start checks on the shipped version again
        page.context.clear_cookies()
        login(page, "adviseur@trimbos.example")
        page.goto(version_url)
        page.get_by_role("button", name=f"Versie {NEW_VERSION} intrekken").click()
        page.wait_for_url(re.compile(r"/vragenlijst/$"))
    assert "ingetrokken" in page.locator("table").inner_text()
