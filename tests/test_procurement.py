"""The procurement annex: clauses grouped by instrument, numbered, with basis, check and guidance."""

import re

import pytest
from flask import render_template

from selfcheck.core.loader import load_questionnaire
from selfcheck.core.report import build_report
from tests.conftest import ROOT
from tests.core_fixtures import small_data, small_questionnaire


def clause(title, instruments, text="De opdrachtnemer rapporteert jaarlijks.", **extra):
    return {
        "title": title,
        "text": text,
        "instruments": instruments,
        "verification": {"evidence": "Het jaarverslag.", "frequency": "jaarlijks"},
        **extra,
    }


@pytest.fixture
def annexed():
    """A small questionnaire whose a1 and a2 have clauses; b1 has one too but will be arranged."""
    data = small_data()
    a, b = data["domains"][0]["questions"], data["domains"][1]["questions"]
    a[0]["requirements"] = [
        clause("Eerste", ["jeugdwet", "subsidie"], basis="Jeugdwet."),
        clause("Tweede", ["wmo"], text="De opdrachtnemer meldt het binnen [termijn].", placeholders={"termijn": "x"}),
    ]
    a[1]["requirements"] = [clause("Derde", ["subsidie"])]
    b[0]["requirements"] = [clause("Vierde", ["jeugdwet"])]
    return small_questionnaire(data)


def report_of(questionnaire, arranged=()):
    """Every question answered 'nee' except `arranged`, answered at its best."""
    values = {}
    for q in questionnaire.questions:
        best = max((o for o in q.options if o.score is not None), key=lambda o: o.score)
        values[q.id] = (best.value if q.id in arranged else "nee" if q.option("nee") else best.value, "")
    return build_report(questionnaire, values, gemeente="Breda", year=2026, submitted=True)


def test_groups_follow_the_instruments_and_leave_out_what_is_arranged(annexed):
    b1 = annexed.domains[1].questions[0].id
    groups = report_of(annexed, arranged={b1}).procurement_annex
    assert [(g.instrument.id, [(c.number, c.clause.title) for c in g.clauses]) for g in groups] == [
        ("jeugdwet", [("J-1", "Eerste")]),  # J-2 (b1) is arranged: its number stays free
        ("wmo", [("W-1", "Tweede")]),
        ("subsidie", [("S-1", "Eerste"), ("S-2", "Derde")]),
    ]
    first_j, first_s = groups[0].clauses[0], groups[2].clauses[0]
    assert first_j.also == (("S-1", "Subsidiebeschikking"),)
    assert first_s.also == (("J-1", "Contract onder de Jeugdwet"),)
    assert first_s.clause.text == "De subsidieontvanger rapporteert jaarlijks."
    assert first_j.clause.text == "De opdrachtnemer rapporteert jaarlijks."


def test_numbers_do_not_depend_on_what_a_gemeente_has_arranged(annexed):
    a1 = annexed.domains[0].questions[0].id
    everything = {c.clause.title: c.number for g in report_of(annexed).procurement_annex for c in g.clauses}
    fewer = {c.clause.title: c.number for g in report_of(annexed, {a1}).procurement_annex for c in g.clauses}
    assert everything["Vierde"] == fewer["Vierde"] == "J-2"
    assert fewer["Derde"] == everything["Derde"] == "S-2"


def test_nothing_to_procure_leaves_no_groups(annexed):
    arranged = {q.id for q in annexed.questions}
    assert report_of(annexed, arranged).procurement_annex == ()


def test_plain_clauses_of_an_old_version_get_a_group_of_their_own():
    old = load_questionnaire(ROOT / "questionnaires" / "2026.1.yaml")
    groups = report_of(old).procurement_annex
    assert [g.instrument.id for g in groups] == [""]
    numbers = [c.number for c in groups[0].clauses]
    assert numbers[:3] == ["E-1", "E-2", "E-3"] and len(set(numbers)) == len(numbers)


# -- the partial as the PDF renders it ---------------------------------------------------------------


def headings(html: str) -> list[tuple[int, str]]:
    return [
        (int(level), re.sub(r"\s+", " ", text).strip()) for level, text in re.findall(r"<h(\d)>(.*?)</h\1>", html, re.S)
    ]


def render(app, report, **context):
    with app.test_request_context():
        return render_template("report/_procurement.html", report=report, **context)


def test_partial_headings_start_at_the_level_the_includer_sets(app, annexed):
    report = report_of(annexed)
    under_h2 = headings(render(app, report))
    assert under_h2[:3] == [(3, "Contract onder de Jeugdwet"), (4, "J-1 Eerste"), (4, "J-2 Vierde")]
    assert {level for level, _ in under_h2} == {3, 4}
    under_h1 = headings(render(app, report, annex_heading=2))
    assert {level for level, _ in under_h1} == {2, 3}
    assert [t for _, t in under_h1] == [t for _, t in under_h2]


def test_partial_shows_basis_check_guidance_and_where_else(app, annexed):
    html = render(app, report_of(annexed))
    assert "<strong>Grondslag:</strong> Jeugdwet." in html
    # no basis given: said plainly, not left out
    assert "<strong>Grondslag:</strong> geen wettelijke plicht" in html
    assert "<strong>Zo controleert u het (jaarlijks):</strong> Het jaarverslag." in html
    assert "<strong>Invullen [termijn]:</strong> x" in html
    assert "<strong>Staat ook bij:</strong> S-1 (Subsidiebeschikking)." in html


def test_partial_escapes_the_questionnaires_text(app):
    data = small_data()
    data["domains"][0]["questions"][0]["requirements"] = [
        clause("<b>Kop</b>", ["wmo"], text="De opdrachtnemer <script>x</script> meldt het.")
    ]
    html = render(app, report_of(small_questionnaire(data)))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;Kop&lt;/b&gt;" in html


def test_old_version_shows_its_clauses_without_inventing_a_basis(app):
    html = render(app, report_of(load_questionnaire(ROOT / "questionnaires" / "2026.1.yaml")))
    assert "Eisen zonder opgegeven instrument" in html and "E-1" in html
    assert "Grondslag" not in html and "Zo controleert u het" not in html
    assert "Bij elke eis staan" not in html  # the intro promises nothing the old version lacks


def test_empty_annex_says_so(app, annexed):
    html = render(app, report_of(annexed, {q.id for q in annexed.questions}))
    assert "Alle onderwerpen met inkoopeisen zijn geregeld" in html and "<h3>" not in html
