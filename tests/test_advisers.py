"""Advisers' comparison pages on a generated data set: 50 gemeenten over 3 years."""

import csv
import io
import re
import statistics

import pytest
from openpyxl import load_workbook

from bench.dataset import generate_dataset
from selfcheck.advisers.queries import Filters, benchmark
from selfcheck.check.operations import report_for
from selfcheck.check.store import OVERALL, answer_values
from selfcheck.extensions import db
from selfcheck.models import Assessment, DomainScore, Feedback, Gemeente

YEARS = [2024, 2025, 2026]


@pytest.fixture
def dataset(app, make_user, browser):
    store = app.extensions["questionnaire_store"]
    ids = generate_dataset(store, 50, YEARS)
    adviser = make_user("adviseur")
    browser.login(adviser.email)
    return store, ids


def _latest_scores(domain_id, gemeenten=None):
    """The scoring core's own figures for the latest check of each gemeente, computed in Python."""
    values = []
    for assessment in db.session.query(Assessment).filter_by(year=2026):
        if gemeenten is None or assessment.gemeente_id in gemeenten:
            row = db.session.get(DomainScore, (assessment.id, domain_id))
            if row.score is not None:
                values.append(row.score)
    return values


def test_stored_scores_equal_the_core(dataset):
    store, ids = dataset
    for assessment_id in ids[::17]:
        assessment = db.session.get(Assessment, assessment_id)
        report = report_for(store, assessment)
        stored = {s.domain_id: s.score for s in assessment.scores}
        assert stored[OVERALL] == report.result.score
        for d in report.result.domains:
            assert stored[d.domain.id] == d.score


def test_overview_lists_latest_submitted_check_per_gemeente(dataset, browser):
    page = browser.get("/adviseur/").get_data(as_text=True)
    assert "50 gemeenten" in page and "pagina 1 van 1" not in page
    years = re.findall(r'<td class="utrecht-table__cell">(\d{4})', page)
    assert years and set(years) == {"2026"}
    older = browser.get("/adviseur/?jaar=2024").get_data(as_text=True)
    assert set(re.findall(r'<td class="utrecht-table__cell">(\d{4})', older)) == {"2024"}


def test_overview_sorts_by_domain_score_and_filters(dataset, browser, questionnaire):
    domain = questionnaire.domains[1].id
    page = browser.get(f"/adviseur/?sorteer=s_{domain}&richting=af").get_data(as_text=True)
    cells = re.findall(
        r'<td class="utrecht-table__cell heat lvl-\d">(?:<span class="heat-score">(\d+)</span>|<span class="muted">)',
        page,
    )
    # cells come in groups of six (total + five domains); the domain is column 2 + 1
    domain_scores = [int(cells[i + 2]) for i in range(0, len(cells), 6) if cells[i + 2]]
    assert domain_scores == sorted(domain_scores, reverse=True)
    province = browser.get("/adviseur/?provincie=Utrecht").get_data(as_text=True)
    expected = db.session.query(Gemeente).filter_by(province="Utrecht").count()
    assert f"{expected} gemeenten" in province


def test_benchmark_medians_match_python(dataset, browser, questionnaire):
    spread = benchmark(questionnaire, Filters())
    for domain_id in [OVERALL] + [d.id for d in questionnaire.domains]:
        values = _latest_scores(domain_id)
        assert spread[domain_id].n == len(values)
        assert spread[domain_id].median == statistics.median(values)
        assert (spread[domain_id].low, spread[domain_id].high) == (min(values), max(values))
    page = browser.get("/adviseur/benchmark").get_data(as_text=True)
    assert "50 gemeenten" in page  # the group; the last column counts those with a score
    total_row = page[page.index(">Totaal</th>") :][:800]
    assert f">{round(spread[OVERALL].median)}</td>" in total_row and f">{spread[OVERALL].n}</td>" in total_row


def test_benchmark_hides_groups_under_five(dataset, browser):
    small = db.session.query(Gemeente).filter(Gemeente.province == "Zeeland").count()
    assert small < 5  # 50 gemeenten over 12 provinces
    page = browser.get("/adviseur/benchmark?provincie=Zeeland").get_data(as_text=True)
    assert "te weinig voor een benchmark" in page and "25%–75%" not in page and "Antwoorden per vraag" not in page


def test_answer_distribution_counts_gemeenten(dataset, browser, questionnaire):
    question = questionnaire.questions[0]
    counts = {}
    for assessment in db.session.query(Assessment).filter_by(year=2026):
        value = answer_values(assessment)[question.id][0]
        counts[value] = counts.get(value, 0) + 1
    page = browser.get("/adviseur/benchmark").get_data(as_text=True)
    row = page[page.index(question.text) :]
    for option in question.options:
        assert f"{option.label}: <strong>{counts.get(option.value, 0)}</strong>" in row[:3000]


def test_side_by_side_highlights_differences(dataset, browser, questionnaire):
    first, second = db.session.query(Assessment).filter_by(year=2026).order_by(Assessment.id).limit(2).all()
    page = browser.get(f"/adviseur/vergelijken?check={first.id}&check={second.id}").get_data(as_text=True)
    a, b = answer_values(first), answer_values(second)
    differing = [q for q in questionnaire.questions if a[q.id][0] != b[q.id][0]]
    assert page.count("verschilt</span>") == len(differing)
    assert f"{first.gemeente.name} 2026" in page and "<svg" in page
    years = browser.get(f"/adviseur/vergelijken?alle_jaren={first.gemeente_id}").get_data(as_text=True)
    assert all(f"{first.gemeente.name} {y}" in years for y in YEARS)


def test_exports_hold_exactly_the_stored_answers(dataset, browser, questionnaire):
    response = browser.get("/adviseur/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert len(body) == 50 and header[7] == "vragenlijst_versie"
    workbook = load_workbook(io.BytesIO(browser.get("/adviseur/export.xlsx?alle_jaren=1").data))
    sheet = list(workbook.active.iter_rows(values_only=True))
    assert len(sheet) == 1 + 150
    column = {name: i for i, name in enumerate(sheet[0])}
    for row in sheet[1:]:
        gemeente = db.session.query(Gemeente).filter_by(code=row[column["cbs_code"]]).one()
        assessment = db.session.query(Assessment).filter_by(gemeente_id=gemeente.id, year=row[column["jaar"]]).one()
        stored = answer_values(assessment)
        assert {q.id: row[column[q.id]] for q in questionnaire.questions} == {q: v for q, (v, _) in stored.items()}
        assert row[column["vragenlijst_versie"]] == questionnaire.version
    data = browser.get(f"/checks/{assessment.id}/export.json").json
    assert data["vragenlijst"]["vingerafdruk"] == assessment.questionnaire_fingerprint
    assert {q: v["waarde"] for q, v in data["antwoorden"].items()} == {q: v for q, (v, _) in stored.items()}


def test_feedback_reaches_the_gemeente_and_next_years_check(dataset, browser, make_user, questionnaire):
    last_year = db.session.query(Assessment).filter_by(year=2025).first()
    domain = questionnaire.domains[0]
    response = browser.submit(
        f"/checks/{last_year.id}/feedback",
        {"domain_id": domain.id, "text": "Leg de regierol vast."},
        form_url=f"/checks/{last_year.id}/resultaten",
    )
    assert response.status_code == 302
    assert db.session.query(Feedback).one().domain_id == domain.id
    browser.logout()
    officer = make_user("beleidsmedewerker", last_year.gemeente, email="beleid@gemeente.nl")
    browser.login(officer.email)
    assert "Leg de regierol vast." in browser.get(f"/checks/{last_year.id}/resultaten").get_data(as_text=True)
    this_year = db.session.query(Assessment).filter_by(gemeente_id=last_year.gemeente_id, year=2026).one()
    step = browser.get(f"/checks/{this_year.id}/stap/1").get_data(as_text=True)
    assert "Feedback van de adviseur bij de vorige check" in step and "Leg de regierol vast." in step
    assert "Leg de regierol vast." not in browser.get(f"/checks/{this_year.id}/stap/2").get_data(as_text=True)


def test_admins_read_but_do_not_give_feedback(dataset, browser, make_user):
    submitted = db.session.query(Assessment).filter_by(year=2025).first()
    results = f"/checks/{submitted.id}/resultaten"
    adviser_form = browser.get(results).get_data(as_text=True)
    assert "Feedback opslaan" in adviser_form
    browser.logout()
    browser.login(make_user("admin").email)
    page = browser.get(results).get_data(as_text=True)
    assert page.count("Feedback van de adviseur") == 1 and "Feedback opslaan" not in page
    response = browser.submit(f"/checks/{submitted.id}/feedback", {"text": "Mag niet."}, form_url=results)
    assert response.status_code == 403
    assert db.session.query(Feedback).count() == 0


def test_trends_per_gemeente_and_nationally(dataset, browser, questionnaire):
    gemeente = db.session.query(Gemeente).first()
    page = browser.get(f"/gemeenten/{gemeente.id}").get_data(as_text=True)
    assert "Ontwikkeling per domein" in page
    assert all(f'>{y} <span class="muted">(definitief)</span></th>' in page for y in YEARS)  # status beside the year
    national = browser.get("/adviseur/trends").get_data(as_text=True)
    for year in YEARS:
        row = national[national.index(f">{year}</th>") :]
        counts = [int(c) for c in re.findall(r'numeric-data">(\d+)</td>', row[:2000])[: len(questionnaire.levels) + 1]]
        assert sum(counts) == 50


def test_regions_roll_up_with_the_minimum_group(dataset, browser):
    page = browser.get("/adviseur/regios").get_data(as_text=True)
    assert "Regio 00" in page  # six gemeenten: shown
    assert "te weinig gemeenten" in page  # the last region has two


@pytest.mark.parametrize("role", ["beleidsmedewerker", "inkoper"])
def test_gemeente_staff_get_403_on_every_adviser_page(app, browser, make_gemeente, make_user, make_assessment, role):
    gemeente = make_gemeente()
    user = make_user(role, gemeente)
    assessment = make_assessment(gemeente, make_user("beleidsmedewerker", gemeente, email="x@y.nl"), submitted=True)
    browser.login(user.email)
    for url in (
        "/adviseur/",
        "/adviseur/export.csv",
        "/adviseur/export.xlsx",
        "/adviseur/benchmark",
        "/adviseur/regios",
        "/adviseur/trends",
        f"/adviseur/vergelijken?check={assessment.id}",
        f"/checks/{assessment.id}/export.json",
    ):
        assert browser.get(url).status_code == 403, url
    assert (
        browser.submit(
            f"/checks/{assessment.id}/feedback", {"text": "x"}, form_url=f"/checks/{assessment.id}/resultaten"
        ).status_code
        == 403
    )


def test_refresh_scores_command(dataset, runner):
    db.session.query(DomainScore).delete()
    db.session.commit()
    assert runner.invoke(args=["refresh-scores"]).exit_code == 0
    assert db.session.query(DomainScore).count() == 150 * 6


def test_region_roll_up_equals_a_benchmark_per_region(dataset, questionnaire):
    from selfcheck.advisers.queries import regions

    rolled = regions(questionnaire)
    assert len(rolled) == 9
    for region in rolled:
        assert region["spread"] == benchmark(questionnaire, Filters(region=region["name"]))


def test_side_by_side_across_questionnaire_versions(app, browser, make_gemeente, make_user, make_assessment):
    """A 2025 check on 2026.1 next to a 2026 check on 2026.2: rows follow 2026.2, old answers where mapped."""
    from selfcheck.config import ROOT

    store = app.extensions["questionnaire_store"]
    earlier = store.load_file(ROOT / "questionnaires" / "2026.1.yaml")
    gemeente = make_gemeente()
    officer = make_user("beleidsmedewerker", gemeente)
    old = make_assessment(
        gemeente,
        officer,
        year=2025,
        submitted=True,
        questionnaire=earlier,
        answers={
            "beleid_doelgroep": ("vastgelegd", ""),
            "korte_lijnen": ("deels", ""),
            "beleid_evaluatie": ("nee", ""),
        },
    )
    new = make_assessment(
        gemeente,
        officer,
        year=2026,
        submitted=True,
        answers={"beleid_doelgroep": ("vastgelegd", ""), "korte_lijnen": ("uitgevoerd", "")},
    )
    browser.login(make_user("adviseur").email)
    page = browser.get(f"/adviseur/vergelijken?check={old.id}&check={new.id}").get_data(as_text=True)
    assert "verschillende versies van de vragenlijst (2026.1, 2026.2)" in page

    def row(question_id):
        text = store.current.question(question_id).text
        start = page.index(text)
        return page[page.rindex("<tr", 0, start) : page.index("</tr>", start)]

    current = store.current
    same = row("beleid_doelgroep")  # mapped, same answer: no difference
    assert "verschilt" not in same and current.question("beleid_doelgroep").option("vastgelegd").label in same
    assert "verschilt" in row("korte_lijnen")  # mapped, answers differ
    split = row("beleid_doelen")  # split from beleid_evaluatie: the 2025 check has no counterpart
    assert "niet gevraagd in deze versie" in split
