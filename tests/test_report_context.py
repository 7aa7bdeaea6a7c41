"""The report beside the check itself: the summary in sentences, the estimated number of KOPP/KOV
children (the gemeente's minors times the national share in questions.yaml, with both years),
last year's scores, the national spread only for a large enough group, who answered and when."""

from datetime import datetime

from selfcheck.advisers.queries import MIN_GROUP
from selfcheck.extensions import db
from selfcheck.models import Response
from tests.answers import answers_all
from tests.test_web_report import pdf_text


def _text(browser, check) -> str:
    return " ".join(" ".join(pdf_text(browser.get(f"/checks/{check.id}/rapport.pdf").data)).split())


def test_summary_estimate_last_year_and_who_answered(browser, make_gemeente, make_user, make_assessment, questionnaire):
    breda = make_gemeente(
        "GM0758", "Breda", inhabitants=186_000, minors=35_000, minors_year=2024, jeugdregio="West-Brabant-Oost"
    )
    officer = make_user("beleidsmedewerker", breda)
    make_assessment(breda, officer, year=2025, answers=answers_all(questionnaire, ("nee",)), submitted=True)
    check = make_assessment(breda, officer, year=2026, answers=answers_all(questionnaire), submitted=True)
    check.created_at = datetime(2026, 9, 1, 9, 0)
    db.session.add(
        Response(assessment=check, perspective="uitvoering", name="Petra", submitted_at=datetime(2026, 9, 20))
    )
    db.session.commit()
    browser.login(officer.email)
    text = _text(browser, check)
    summary = text.split("Samenvatting")[2].split("Scores per domein")[0]  # [1] is the table of contents
    estimate = questionnaire.estimate
    children = f"{estimate.children(35_000):,}".replace(",", ".")
    assert "In Breda wonen 35.000 minderjarigen (gemeentegegevens in de app, 2024)" in summary
    assert f"27,9% ({estimate.source})" in summary and f"naar schatting {children} kinderen en jongeren" in summary
    assert "Bij de vorige definitieve check (2025) was dat 0." in summary
    assert "Het sterkst is" in summary and "het meeste werk ligt bij" in summary
    assert "Startpakket" in summary
    comparison = text.split("Waar de gemeente staat")[1]
    assert "2026 2025" in comparison and "Landelijke mediaan" not in comparison  # one gemeente: no national figures
    assert (
        "Voor de jeugdregio West-Brabant-Oost staan hier geen cijfers: maar 1 gemeente heeft een definitieve check."
        in comparison
    )
    method = text.split("Wie deden mee")[1]
    assert "gestart op 1 september 2026" in method and "uitvoering (wijkteam/cjg)" in method.lower()
    assert "Petra" not in text  # perspectives, never names


def test_national_figures_only_for_a_large_enough_group(
    browser, make_gemeente, make_user, make_assessment, questionnaire
):
    checks = []
    for i in range(MIN_GROUP):
        gemeente = make_gemeente(f"GM01{i:02d}", f"Gemeente {i}", inhabitants=60_000 + i, jeugdregio="Regio A")
        officer = make_user("beleidsmedewerker", gemeente, email=f"beleid{i}@example.nl")
        checks.append(make_assessment(gemeente, officer, year=2026, answers=answers_all(questionnaire), submitted=True))
    browser.login(officer.email)
    text = _text(browser, checks[-1])
    assert f"({MIN_GROUP} gemeenten; de middelste helft" in text and "Landelijke mediaan" in text
    assert "Mediaan jeugdregio Regio A" in text and "Mediaan gemeenten met 50.000 tot 100.000 inwoners" in text
    assert "minderjarigen" not in text.split("Samenvatting")[2].split("Scores per domein")[0]  # no minors recorded
