"""The Word files: the report, the procurement annex and the model raadsinformatiebrief."""

from datetime import date
from io import BytesIO
from itertools import pairwise
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from scripts.brief_runs import run_hash, runs, words
from selfcheck.check.operations import report_for
from selfcheck.core.plan import Plan, Progress
from selfcheck.core.report import build_report
from selfcheck.extensions import db
from selfcheck.models import Answer, Assessment, AuditEvent, PlanAction
from selfcheck.reports import word
from tests.answers import answers_all

ROOT = Path(__file__).resolve().parent.parent
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# An emoji, Arabic and Hebrew (right to left), a vertical tab XML 1.0 forbids, and text that looks like markup.
TRICKY_COMMENT = "Goed 👍🏽 العربية עברית\x0bnu <w:p>&amp; ]]>"


def add_action(assessment, domain_id, title="Kindcheck in alle contracten", owner="Team Jeugd en Zorg", status="bezig"):
    db.session.add(
        PlanAction(
            assessment=assessment,
            domain_id=domain_id,
            title=title,
            owner=owner,
            partners="GGD, wijkteam",
            due=date(2099, 3, 1),
            status=status,
        )
    )
    db.session.commit()


def opened(data: bytes):
    return Document(BytesIO(data))


def headings(doc) -> list[tuple[int, str]]:
    """(level, text) of every heading; the Title style counts as level 0."""
    found = []
    for p in doc.paragraphs:
        name = p.style.name
        if name == "Title":
            found.append((0, p.text))
        elif name.startswith("Heading "):
            found.append((int(name.split()[1]), p.text))
    return found


def assert_in_order(found):
    assert found and found[0][0] == 0, "the document opens with its title"
    for (before, _), (level, text) in pairwise(found):
        assert level <= before + 1, f"{text!r} skips from heading {before} to {level}"


def body_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def header_row(table) -> list[str]:
    row = table.rows[0]
    assert row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None, "repeats as header row"
    return [c.text for c in row.cells]


def get(browser, url):
    response = browser.get(url)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == DOCX
    return response


def test_report_docx_follows_the_pdf(browser, breda_finished, app):
    _, people, finished = breda_finished
    questionnaire = app.extensions["questionnaire_store"].get(finished.questionnaire_fingerprint)
    add_action(finished, questionnaire.domains[1].id)
    browser.login(people["inkoper"].email)
    response = get(browser, f"/checks/{finished.id}/rapport.docx")
    assert response.headers["Content-Disposition"] == 'attachment; filename="kopp-kov-beleidscheck-breda-2025.docx"'
    assert response.headers["Cache-Control"] == "private, no-store"
    doc = opened(response.data)
    report = report_for(app.extensions["questionnaire_store"], finished)

    found = headings(doc)
    assert_in_order(found)
    titles = [text for _, text in found]
    assert titles[0] == "KOPP/KOV Beleidscheck gemeente Breda 2025"
    assert (1, "Samenvatting") in found and (2, "Startpakket: hier begint u mee") in found
    for number, d in enumerate(report.result.domains, 1):
        assert (1, f"{number}. {d.domain.title}") in found
    for advice in report.advice:
        assert (3, advice.recommendation.title) in found
    assert [t for t in titles if t.startswith("Bijlage")] == [
        "Bijlage: eisen voor inkoop en subsidie",
        "Bijlage: alle vragen en antwoorden",
        *(["Bijlage: begrippenlijst"] if report.questionnaire.glossary else []),
        *(["Bijlage: bronnen"] if report.questionnaire.references else []),
    ]
    assert titles.index("Plan van aanpak") < titles.index("Bijlage: eisen voor inkoop en subsidie")

    text = body_text(doc)
    for d in report.result.domains:
        assert f"Score: {d.score} van 100 · niveau {d.level.label}" in text
    assert f"({report.result.score} van 100)" in text
    assert "Kindcheck" in text

    scores = next(t for t in doc.tables if header_row(t)[0] == "Domein")
    assert header_row(scores) == ["Domein", "Score", "Niveau", "Beantwoord", "Weet ik niet"]
    assert [[c.text for c in row.cells][:3] for row in scores.rows[1:]] == [
        [d.domain.title, str(d.score), d.level.label] for d in report.result.domains
    ]
    plan = next(t for t in doc.tables if header_row(t)[0] == "Actie")
    assert header_row(plan) == ["Actie", "Domein", "Eigenaar", "Klaar op", "Stand"]
    action = [c.text for c in plan.rows[1].cells]
    assert action[0] == "Kindcheck in alle contracten\nMet: GGD, wijkteam"
    assert action[1:] == [questionnaire.domains[1].title, "Team Jeugd en Zorg", "1 maart 2099", "Bezig"]
    answers = [t for t in doc.tables if header_row(t) == ["Vraag", "Antwoord", "Toelichting"]]
    assert len(answers) == len(report.result.domains)
    for _qid, answered in report.answers.items():
        if answered.comment:
            assert answered.comment in text

    styles = {p.style.name for p in doc.paragraphs}
    assert {"List Bullet", "List Number", "Caption"} <= styles
    assert doc.core_properties.title == "KOPP/KOV Beleidscheck Breda 2025"
    assert doc.core_properties.language == "nl-NL"
    langs = doc.styles.element.findall(f".//{qn('w:lang')}")
    assert langs and {lang.get(qn("w:val")) for lang in langs} == {"nl-NL"}
    assert "Concept" not in text and "Concept" not in doc.sections[0].header.paragraphs[0].text
    assert round(doc.sections[0].page_width.mm) == 210  # A4
    assert doc.settings.element.find(qn("w:autoHyphenation")) is not None  # Dutch compounds in narrow cells


def test_draft_is_marked_concept_on_the_first_page(browser, breda_finished, make_assessment, questionnaire):
    gemeente, people, _ = breda_finished
    draft = make_assessment(
        gemeente, people["beleidsmedewerker"], year=2026, answers=dict(list(answers_all(questionnaire).items())[:10])
    )
    browser.login(people["beleidsmedewerker"].email)
    for kind in ("rapport", "inkoopbijlage", "raadsinformatiebrief"):
        doc = opened(get(browser, f"/checks/{draft.id}/{kind}.docx").data)
        assert doc.paragraphs[0].text.startswith("Concept – "), kind
        assert doc.paragraphs[0].runs[0].bold
        assert doc.sections[0].header.paragraphs[0].text.endswith("· Concept"), kind  # every page
        assert doc.core_properties.title.endswith("(concept)"), kind
        assert_in_order(headings(doc))
    report = opened(get(browser, f"/checks/{draft.id}/rapport.docx").data)
    assert "Status: Concept – nog niet definitief gemaakt" in body_text(report)
    assert "Nog geen totaalniveau" in body_text(report)


def test_procurement_annex_alone(browser, breda_finished, app):
    _, people, finished = breda_finished
    browser.login(people["inkoper"].email)
    response = get(browser, f"/checks/{finished.id}/inkoopbijlage.docx")
    assert response.headers["Content-Disposition"] == 'attachment; filename="kopp-kov-inkoopeisen-breda-2025.docx"'
    doc = opened(response.data)
    report = report_for(app.extensions["questionnaire_store"], finished)
    found = headings(doc)
    assert_in_order(found)
    assert found[0] == (0, "Eisen voor inkoop en subsidie")
    groups = report.procurement_annex
    expected = []
    for group in groups:
        expected += [(1, group.instrument.label)] + [(2, f"{c.number} {c.clause.title}") for c in group.clauses]
    assert found[1:] == expected
    assert [g.instrument.id for g in groups] == ["jeugdwet", "wmo", "subsidie"]
    text = body_text(doc)
    assert "De opdrachtnemer" in text and "Concept" not in text
    assert "De subsidieontvanger" in text  # the subsidy group binds the subsidieontvanger
    for label in ("Grondslag: ", "Zo controleert u het (", "Uit de check: "):
        assert text.count(label) == sum(len(g.clauses) for g in groups), label
    # every [placeholder] is explained where the clause stands
    guided = [c for g in groups for c in g.clauses if c.clause.placeholders]
    assert guided and all(f"Invullen [{p.name}]: {p.guidance}" in text for c in guided for p in c.clause.placeholders)
    assert not [p for p in doc.paragraphs if p.style.name == "List Number"]


def test_report_annex_clauses_sit_under_their_instrument(app, questionnaire):
    """In the whole report the annex is a level-1 chapter: instruments at 2, clauses at 3."""
    values = {q.id: ("nee", "") for q in questionnaire.questions if q.option("nee")}
    report = build_report(questionnaire, values, gemeente="Breda", year=2026, submitted=True)
    with app.test_request_context():
        doc = opened(word.report_docx(report, Plan((), (), Progress()), date(2026, 3, 2)))
    found = headings(doc)
    assert_in_order(found)
    start = found.index((1, "Bijlage: eisen voor inkoop en subsidie"))
    annex = found[start + 1 : start + 1 + sum(1 + len(g.clauses) for g in report.procurement_annex)]
    assert annex[0] == (2, "Contract onder de Jeugdwet")
    assert {level for level, _ in annex} == {2, 3}
    assert (3, "J-1 Bijdrage aan de KOPP/KOV-doelen") in annex


def test_council_letter(browser, breda_finished, app):
    _, people, finished = breda_finished
    browser.login(people["beleidsmedewerker"].email)
    response = get(browser, f"/checks/{finished.id}/raadsinformatiebrief.docx")
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="kopp-kov-raadsinformatiebrief-breda-2025.docx"'
    )
    doc = opened(response.data)
    report = report_for(app.extensions["questionnaire_store"], finished)
    assert headings(doc)[1:] == [
        (1, "Aanleiding"),
        (1, "Kernboodschap"),
        (1, "Wat we gaan doen"),
        (1, "Wat het kost om niets te doen"),
        (1, "Vervolg"),
    ]
    text = body_text(doc)
    result = report.result
    assert f"op niveau {result.level.rank} van de {len(report.questionnaire.levels)}: ‘{result.level.label}’" in text
    assert f"score is {result.score} van de 100" in text
    scored = sorted(report.result.domains, key=lambda d: d.exact_score)
    assert f"het onderdeel ‘{scored[-1].domain.title}’, met {scored[-1].score} punten" in text
    assert f"het onderdeel ‘{scored[0].domain.title}’: daar is de score {scored[0].score}" in text
    for advice in report.start_package:  # no actions yet: the start package
        assert advice.recommendation.title in text
    share = app.extensions["questionnaire_store"].current.estimate
    # Breda's minors are not recorded yet: the national share with its source, and a place to fill in.
    assert "naar schatting 27,9% van de minderjarigen" in text and f"({share.source})" in text
    assert "[Vul het aantal voor onze gemeente in" in text
    finished.gemeente.minors, finished.gemeente.minors_year = 35_000, 2024
    db.session.commit()
    text = body_text(opened(get(browser, f"/checks/{finished.id}/raadsinformatiebrief.docx").data))
    assert "In onze gemeente wonen 35.000 minderjarigen (gemeentegegevens, 2024)." in text
    assert f"naar schatting {share.children(35_000):,} kinderen en jongeren".replace(",", ".") in text
    assert "[naam wethouder]" in text and "twaalf maanden" in text
    assert len(text.split()) < 550  # about one page

    add_action(finished, report.questionnaire.domains[0].id, title="Regievoerder aanwijzen", owner="Afdeling Sociaal")
    add_action(finished, report.questionnaire.domains[0].id, title="Al afgerond", status="gereed")
    text = body_text(opened(get(browser, f"/checks/{finished.id}/raadsinformatiebrief.docx").data))
    assert "Regievoerder aanwijzen – trekker: Afdeling Sociaal, klaar: 1 maart 2099" in text
    assert report.start_package[0].recommendation.title not in text
    assert "Al afgerond" not in text  # what we are going to do: open actions only


def test_council_letter_in_own_words(breda_finished, app):
    """No run of ten words in common with the domain brief, in the code's sentences or the letter."""
    _, _, finished = breda_finished
    brief_runs = set((ROOT / "tests" / "brief_runs.txt").read_text(encoding="utf-8").split())
    report = report_for(app.extensions["questionnaire_store"], finished)
    letter = body_text(opened(word.council_letter_docx(report, Plan((), (), Progress()), date(2026, 5, 4))))
    source = (ROOT / "selfcheck" / "reports" / "word.py").read_text(encoding="utf-8")
    for text in (letter, source):
        assert [r for r in runs(words(text)) if run_hash(r) in brief_runs] == []
    assert "rond mei 2027" in letter


def test_access(browser, breda_finished, make_gemeente, make_user, client):
    _, people, finished = breda_finished
    utrecht_user = make_user("beleidsmedewerker", make_gemeente("GM0344", "Utrecht"))
    kinds = ("rapport", "inkoopbijlage", "raadsinformatiebrief")
    for role, status in (("beleidsmedewerker", 200), ("inkoper", 200), ("adviseur", 200), ("admin", 403)):
        browser.login(people[role].email)
        for kind in kinds:
            assert browser.get(f"/checks/{finished.id}/{kind}.docx").status_code == status, (role, kind)
        browser.logout()
    browser.login(utrecht_user.email)
    for kind in kinds:
        assert browser.get(f"/checks/{finished.id}/{kind}.docx").status_code == 404
    assert browser.get("/checks/99999/rapport.docx").status_code == 404
    assert browser.get(f"/checks/{finished.id}/onbekend.docx").status_code == 404
    browser.logout()
    for kind in kinds:
        response = client.get(f"/checks/{finished.id}/{kind}.docx")
        assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert client.post(f"/checks/{finished.id}/rapport.docx").status_code in (400, 405)


def test_user_text_round_trips_as_text(
    browser, breda_finished, make_gemeente, make_user, make_assessment, questionnaire
):
    gemeente, people, _ = breda_finished
    first = questionnaire.domains[0].questions[0]
    draft = make_assessment(gemeente, people["beleidsmedewerker"], year=2026)
    browser.login(people["beleidsmedewerker"].email)
    response = browser.submit(
        f"/checks/{draft.id}/stap/1", {f"q_{first.id}": "nee", f"c_{first.id}": TRICKY_COMMENT, "action": "save"}
    )
    assert response.status_code == 302
    add_action(draft, first.domain_id, title="Actie <b>vet</b> 🧒 مرحبا", owner="Wijkteam\x0c Noord")
    expected = TRICKY_COMMENT.replace("\x0b", "")
    for kind in ("rapport", "raadsinformatiebrief"):
        data = get(browser, f"/checks/{draft.id}/{kind}.docx").data
        text = body_text(opened(data))
        assert "Actie <b>vet</b> 🧒 مرحبا" in text
        if kind == "rapport":
            assert expected in text and "Wijkteam Noord" in text
        assert "\x0b" not in text and "\x0c" not in text

    # a gemeente's name with markup and emoji, straight into the builder
    report = build_report(
        questionnaire,
        {first.id: ("nee", "a\x00b\x1fc\ud800d 😀 שלום")},
        gemeente="Ons & <Dorp> 🏡",
        year=2026,
        submitted=True,
    )
    plan = Plan((), (), Progress())
    for data in (
        word.report_docx(report, plan, date(2026, 5, 4)),
        word.procurement_docx(report, date(2026, 5, 4)),
        word.council_letter_docx(report, plan, date(2026, 5, 4)),
    ):
        doc = opened(data)
        text = body_text(doc)
        assert "Ons & <Dorp> 🏡" in text + doc.core_properties.title
    assert "abcd 😀 שלום" in body_text(opened(word.report_docx(report, plan, date(2026, 5, 4))))


def test_head_and_get_change_nothing_but_the_audit_trail(browser, breda_finished):
    _, people, finished = breda_finished
    add_action(finished, "agendasetting")

    def state():
        db.session.expire_all()
        check = db.session.get(Assessment, finished.id)
        answers = sorted((a.question_id, a.value, a.comment) for a in db.session.query(Answer))
        actions = [(a.title, a.status, a.version, a.updated_at) for a in check.actions]
        return check.updated_at, check.status, answers, actions

    def downloads():
        return [e.detail for e in db.session.query(AuditEvent).filter_by(action="report.downloaded")]

    before = state()
    browser.login(people["beleidsmedewerker"].email)
    for kind in ("rapport", "inkoopbijlage", "raadsinformatiebrief"):
        head = browser.client.head(f"/checks/{finished.id}/{kind}.docx")
        assert head.status_code == 200 and head.mimetype == DOCX
    assert downloads() == []
    for kind in ("rapport", "inkoopbijlage", "raadsinformatiebrief"):
        get(browser, f"/checks/{finished.id}/{kind}.docx")
    assert state() == before
    assert downloads() == [
        {"kind": "rapport", "format": "docx"},
        {"kind": "inkoop", "format": "docx"},
        {"kind": "raadsinformatiebrief", "format": "docx"},
    ]
