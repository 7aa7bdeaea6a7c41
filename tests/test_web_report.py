"""The PDF report through the web: content, access, hostile comments, cache."""

import re
import subprocess
from io import BytesIO

from pypdf import PdfReader

from selfcheck.check.operations import report_for
from selfcheck.extensions import db
from tests.answers import answers_all, like

HOSTILE_COMMENT = (
    '<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/passwd">'
    "<style>body { background: url(file:///etc/passwd) }</style> ../../etc/passwd"
)


def pdf_text(pdf: bytes) -> list[str]:
    """The text of every page, as pdftotext (poppler) reads it."""
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return out.decode().split("\f")[:-1]


def test_report_content(browser, breda_finished, app):
    _gemeente, people, finished = breda_finished
    browser.login(people["inkoper"].email)
    response = browser.get(f"/checks/{finished.id}/rapport.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="kopp-kov-beleidscheck-breda-2025.pdf"'
    pdf = response.data
    pages = pdf_text(pdf)
    text = "\n".join(pages)
    report = report_for(app.extensions["questionnaire_store"], finished)
    cover = pages[0]
    assert "Samenvatting" in pages[1] and "Startpakket: hier begint u mee" in pages[1]  # one page
    assert "Gemeente Breda" in cover and "2025" in cover and "Definitief" in cover
    assert "versie " + report.questionnaire.version in cover
    for d in report.result.domains:
        assert d.domain.title.split()[0] in text
        assert f"Score: {d.score} van 100 · niveau {d.level.label}" in " ".join(text.split())
    assert f"({report.result.score} van 100)" in text
    flat = " ".join(text.split())
    for advice in report.advice:
        assert advice.recommendation.title in flat
    for _qid, answered in report.answers.items():
        if answered.comment:
            assert answered.comment in flat
    assert "Plan van aanpak" in text and "nog geen acties vastgelegd" in flat  # no actions yet
    assert report.start_package[0].recommendation.title in flat.split("Plan van aanpak")[-1]
    assert "Vervolgstappen" in flat and "Over twaalf maanden opnieuw." in flat
    bare = re.sub(r"[\s\-\u00ad]", "", flat)  # line breaks and hyphenation do not count
    for d in report.result.domains:  # findings as sentences, each question by what it is about
        for finding in report.findings(d):
            assert f"{finding.lead}:" in flat
            assert all(re.sub(r"[\s\-]", "", q.question.finding)[:30] in bare for q in finding.questions)
    sources = bare.split("Bijlage:bronnen")[-1]
    assert all(re.sub(r"-", "", r.url) in sources for r in report.questionnaire.references)
    method = flat.split("Zo is gescoord")[-1]
    q = report.questionnaire
    assert f"versie {q.version} van de vragenlijst: {len(q.questions)} vragen" in method
    assert f"minstens {round(q.min_coverage * 100)}% van zijn gewicht" in method
    assert all(level.label in method for level in q.levels)
    assert method.count("Ten hoogste ") >= len(q.caps)  # every cap, with its reason
    assert "Bijlage: eisen voor inkoop en subsidie" in text
    assert "Kindcheck" in text
    assert all("Pagina" in page for page in pages[1:])
    assert all("Breda · 2025" in page for page in pages[1:])  # running header
    assert not any("CONCEPT" in page for page in pages)


def test_report_is_tagged_dutch_with_title_and_chart_alternative(browser, breda_finished):
    _, people, finished = breda_finished
    browser.login(people["beleidsmedewerker"].email)
    reader = PdfReader(BytesIO(browser.get(f"/checks/{finished.id}/rapport.pdf").data))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl" and bool(root["/MarkInfo"]["/Marked"])
    assert reader.metadata.title == "KOPP/KOV Beleidscheck Breda 2025"
    assert reader.pdf_header.endswith("1.7")
    alts = []

    def walk(node):
        node = node.get_object()
        if "/Alt" in node:
            alts.append(str(node["/Alt"]))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                walk(kid)

    walk(root["/StructTreeRoot"])
    assert any(alt.startswith("Radardiagram van de scores per domein: Agendasetting") for alt in alts)


def test_draft_is_marked_concept_on_every_page(browser, breda_finished, make_assessment, questionnaire):
    gemeente, people, _ = breda_finished
    draft = make_assessment(
        gemeente, people["beleidsmedewerker"], year=2026, answers=dict(list(answers_all(questionnaire).items())[:10])
    )
    browser.login(people["beleidsmedewerker"].email)
    pages = pdf_text(browser.get(f"/checks/{draft.id}/rapport.pdf").data)
    assert len(pages) > 5
    assert all("CONCEPT" in page.upper() for page in pages)
    assert "Concept – nog niet definitief gemaakt" in pages[0]


def test_procurement_annex_downloads_on_its_own(browser, breda_finished):
    _, people, finished = breda_finished
    browser.login(people["inkoper"].email)
    response = browser.get(f"/checks/{finished.id}/inkoop.pdf")
    assert response.headers["Content-Disposition"] == 'attachment; filename="kopp-kov-inkoopeisen-breda-2025.pdf"'
    text = " ".join("\n".join(pdf_text(response.data)).split())
    assert "Eisen voor inkoop en subsidie" in text
    assert "De opdrachtnemer" in text


def test_report_access(browser, breda_finished, make_gemeente, make_user, client):
    _, people, finished = breda_finished
    utrecht_user = make_user("beleidsmedewerker", make_gemeente("GM0344", "Utrecht"))
    url = f"/checks/{finished.id}/rapport.pdf"
    for role, status in (("beleidsmedewerker", 200), ("inkoper", 200), ("adviseur", 200), ("admin", 403)):
        browser.login(people[role].email)
        assert browser.get(url).status_code == status, role
        browser.logout()
    browser.login(utrecht_user.email)
    assert browser.get(url).status_code == 404
    assert browser.get(f"/checks/{finished.id}/inkoop.pdf").status_code == 404
    browser.logout()
    assert client.get(url).status_code == 302


def test_hostile_comment_is_printed_as_text_and_reads_nothing(browser, breda_finished, make_assessment, questionnaire):
    gemeente, people, _ = breda_finished
    first = questionnaire.domains[0].questions[0]
    draft = make_assessment(gemeente, people["beleidsmedewerker"], year=2026)
    browser.login(people["beleidsmedewerker"].email)
    response = browser.submit(
        f"/checks/{draft.id}/stap/1", {f"q_{first.id}": "nee", f"c_{first.id}": HOSTILE_COMMENT, "action": "save"}
    )
    assert response.status_code == 302
    pdf = browser.get(f"/checks/{draft.id}/rapport.pdf").data
    reader = PdfReader(BytesIO(pdf))
    assert reader.attachments == {}
    assert all(
        not page.get("/Annots") or all(a.get_object().get("/Subtype") != "/FileAttachment" for a in page["/Annots"])
        for page in reader.pages
    )
    assert sum(len(page.images) for page in reader.pages) == 0  # the chart is vector, no raster image
    text = " ".join("\n".join(pdf_text(pdf)).split())
    assert '<img src="file:///etc/passwd">' in text  # shown as the text the user typed
    assert "root:x:0:0" not in text


def test_second_download_comes_from_cache_until_an_answer_changes(
    browser, breda_finished, app, questionnaire, monkeypatch
):
    gemeente, people, _ = breda_finished
    renders = []
    renderer = app.extensions["pdf_renderer"]
    real_render = renderer.render
    monkeypatch.setattr(renderer, "render", lambda html: renders.append(1) or real_render(html))
    draft_answers = dict(list(answers_all(questionnaire).items())[:8])
    from selfcheck.check.operations import start_assessment
    from selfcheck.check.store import save_answers

    draft = start_assessment(app.extensions["questionnaire_store"], gemeente, 2026, people["beleidsmedewerker"], False)
    save_answers(draft, people["beleidsmedewerker"], draft_answers)
    db.session.commit()
    browser.login(people["beleidsmedewerker"].email)
    url = f"/checks/{draft.id}/rapport.pdf"
    first = browser.get(url).data
    second = browser.get(url).data
    assert len(renders) == 1 and first == second

    question = questionnaire.questions[0]
    browser.submit(f"/checks/{draft.id}/stap/1", {f"q_{question.id}": like(question, "geevalueerd"), "action": "save"})
    third = browser.get(url).data
    assert len(renders) == 2 and third != first
    assert len(list((app.extensions["report_cache"].folder).glob(f"{draft.id}-rapport-*.pdf"))) == 1


def test_report_command(runner, breda_finished, tmp_path):
    _, _, finished = breda_finished
    out = tmp_path / "rapport.pdf"
    result = runner.invoke(args=["report", str(finished.id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Gemeente Breda" in pdf_text(out.read_bytes())[0]
    assert runner.invoke(args=["report", "999", "-o", str(out)]).exit_code == 1


def test_results_page_links_to_the_downloads_for_allowed_roles(browser, breda_finished):
    _, people, finished = breda_finished
    for role, shown in (("inkoper", True), ("adviseur", True), ("admin", False)):
        browser.login(people[role].email)
        page = browser.get(f"/checks/{finished.id}/resultaten").get_data(as_text=True)
        assert (f"/checks/{finished.id}/rapport.pdf" in page) is shown, role
        assert (f"/checks/{finished.id}/inkoop.pdf" in page) is shown, role
        browser.logout()
