"""The Word files: the report, the procurement annex and a model raadsinformatiebrief.

Gemeenten rewrite these into their own templates, so they use Word's own structure (heading
styles, list styles, tables with a repeating header row) rather than any look of their own.
Built from the plain report object and plan only; every piece of user text goes into a run as
text, so nothing a user typed is ever read as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from io import BytesIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from selfcheck.core.advice import Advice
from selfcheck.core.plan import Plan
from selfcheck.core.questionnaire import Estimate
from selfcheck.core.report import Report
from selfcheck.core.scoring import DomainResult
from selfcheck.enums import ActionStatus, Perspective
from selfcheck.web.templating import MONTHS, nl_date, nl_number

LANGUAGE = "nl-NL"
MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Characters XML 1.0 does not allow (C0 controls other than tab, newline and return; lone
# surrogates; U+FFFE/U+FFFF): lxml refuses them, and one in a comment would break the file.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

Part = str | tuple[str, str]  # plain text, or (text, "b") for bold / (text, "i") for italic


def clean(text: object) -> str:
    return _NOT_XML.sub("", str(text))


class _Writer:
    """A Word document in the app's conventions: A4, Dutch, headings that never skip a level."""

    def __init__(self, title: str, subject: str, gemeente: str, draft: bool, margin: int = 25):
        self.doc = Document()
        self._level = 0
        self._numbering_abstract = None
        props = self.doc.core_properties
        props.title = clean(title + (" (concept)" if draft else ""))
        props.subject = clean(subject)
        props.author = clean(f"Gemeente {gemeente}")
        props.language = LANGUAGE
        props.keywords = "KOPP/KOV"
        props.comments = ""
        self._dutch()
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(margin))
        header = section.header.paragraphs[0]
        header.text = clean(subject + (" · Concept" if draft else ""))
        header.style = self.doc.styles["Header"]

    def _dutch(self) -> None:
        """Spelling and hyphenation in Dutch: w:lang on the defaults and on every style that sets one."""
        styles = self.doc.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        langs = [r_pr.find(qn("w:lang"))] if r_pr.find(qn("w:lang")) is not None else []
        if not langs:
            lang = OxmlElement("w:lang")
            r_pr.append(lang)
            langs = [lang]
        langs += styles.findall(f".//{qn('w:style')}//{qn('w:lang')}")
        for lang in langs:
            lang.set(qn("w:val"), LANGUAGE)
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(11)
        self.doc.styles["Title"].font.size = Pt(22)  # the template's 28 pt takes a third of a letter
        normal_lang = normal.element.get_or_add_rPr().find(qn("w:lang"))
        if normal_lang is None:
            normal_lang = OxmlElement("w:lang")
            normal.element.get_or_add_rPr().append(normal_lang)
        normal_lang.set(qn("w:val"), LANGUAGE)
        settings = self.doc.settings.element
        theme_lang = settings.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:val"), LANGUAGE)
        # hyphenate long Dutch compounds in narrow table cells; in the schema it follows defaultTabStop
        tab_stop = settings.find(qn("w:defaultTabStop"))
        if tab_stop is not None and settings.find(qn("w:autoHyphenation")) is None:
            tab_stop.addnext(OxmlElement("w:autoHyphenation"))

    # -- blocks --------------------------------------------------------------------------------

    def title(self, text: str) -> None:
        self.doc.add_paragraph(clean(text), style="Title")

    def heading(self, text: str, level: int) -> Paragraph:
        assert 1 <= level <= self._level + 1, f"heading {level} after {self._level}: a level is skipped"
        self._level = level
        return self.doc.add_heading(clean(text), level)

    def paragraph(self, *parts: Part, style: str | None = None) -> Paragraph:
        paragraph = self.doc.add_paragraph(style=style)
        for part in parts:
            text, mark = (part, "") if isinstance(part, str) else part
            run = paragraph.add_run(clean(text))
            run.bold = mark == "b" or None
            run.italic = mark == "i" or None
        return paragraph

    def bullets(self, items: Iterable[Part | Sequence[Part]]) -> None:
        for item in items:
            self.paragraph(*_parts(item), style="List Bullet")

    def numbered(self, items: Iterable[Part | Sequence[Part]]) -> None:
        """A numbered list that starts at 1 (Word would otherwise carry on from the last list)."""
        num_id = self._new_numbering()
        for item in items:
            paragraph = self.paragraph(*_parts(item), style="List Number")
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = num_id

    def _new_numbering(self) -> int:
        numbering = self.doc.part.numbering_part.element
        if self._numbering_abstract is None:
            style_num = self.doc.styles["List Number"].element.pPr.numPr.numId.val
            self._numbering_abstract = numbering.num_having_numId(style_num).abstractNumId.val
        num = numbering.add_num(self._numbering_abstract)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId

    def table(
        self,
        caption: str,
        headers: Sequence[str],
        rows: Iterable[Sequence[str | Sequence[Part]]],
        widths: Sequence[int],
    ) -> Table:
        """A table with its caption above it, a header row Word repeats on every page, and the
        caption as the table's title for screen readers. `widths` in mm (the page has 160)."""
        self.paragraph(caption, style="Caption")
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        tbl_pr = table._tbl.tblPr
        for tag, value in (("w:tblCaption", caption), ("w:tblDescription", caption)):
            element = OxmlElement(tag)
            element.set(qn("w:val"), clean(value))
            tbl_pr.append(element)
        head = table.rows[0]
        tr_pr = head._tr.get_or_add_trPr()
        tr_pr.append(OxmlElement("w:tblHeader"))
        for cell, text in zip(head.cells, headers, strict=True):
            cell.paragraphs[0].add_run(clean(text)).bold = True
        for values in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, values, strict=True):
                for part in _parts(value):
                    text, mark = (part, "") if isinstance(part, str) else part
                    run = cell.paragraphs[0].add_run(clean(text))
                    run.bold = mark == "b" or None
                    run.italic = mark == "i" or None
        # equal columns would break 'Opdrachtgever- en opdrachtnemerschap' in the middle of a word
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Mm(width)
            for cell in column.cells:
                cell.width = Mm(width)
        return table

    def page_break(self) -> None:
        self.doc.add_page_break()

    def bytes(self) -> bytes:
        body = self.doc.element.body
        if len(body) > 1 and body[-2].tag == qn("w:tbl"):
            self.doc.add_paragraph()  # a body must end with a paragraph before its section properties
        out = BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _document(report: Report, title: str, subject: str, draft_note: str, margin: int = 25) -> _Writer:
    """A new Word file for a check; a draft says so first, in its own words for each document."""
    w = _Writer(title, subject, report.gemeente, not report.submitted, margin=margin)
    if not report.submitted:
        w.paragraph(("Concept", "b"), f" – {draft_note}")
    return w


def _parts(item: Part | Sequence[Part]) -> tuple[Part, ...]:
    """A string or a (text, mark) pair is one part; any other sequence is several."""
    if isinstance(item, str) or (isinstance(item, tuple) and len(item) == 2 and item[1] in ("b", "i")):
        return (item,)
    return tuple(item)


# -- shared pieces ---------------------------------------------------------------------------------


def _score(d: DomainResult) -> str:
    return str(d.score) if d.score is not None else "–"


def _level(d: DomainResult) -> str:
    return d.level.label if d.level else "Te weinig antwoorden voor een score"


def _domain_title(report: Report, domain_id: str) -> str:
    domain = report.questionnaire.domain(domain_id)
    return domain.title if domain else domain_id


def _status(report: Report) -> str:
    return "Definitief" if report.submitted else "Concept – nog niet definitief gemaakt"


def _facts(w: _Writer, report: Report, report_date: date | datetime) -> None:
    for label, value in (
        ("Gemeente", report.gemeente),
        ("Jaar", str(report.year)),
        ("Datum", nl_date(report_date)),
        ("Status", _status(report)),
        ("Vragenlijst", f"versie {report.questionnaire.version}"),
    ):
        w.paragraph((f"{label}: ", "b"), value)


PROCUREMENT_INTRO = (
    "Voor elk onderwerp dat nog niet (aantoonbaar) is geregeld, staan hieronder eisen die u kunt overnemen "
    "in een contract of programma van eisen onder de Jeugdwet of de Wmo 2015, of in een subsidiebeschikking. "
    "Elke eis heeft een vast nummer (J voor de Jeugdwet, W voor de Wmo 2015, S voor een subsidiebeschikking) "
    "dat in elk rapport van vragenlijst versie {version} hetzelfde is; ontbreekt een nummer, dan is dat "
    "onderwerp al geregeld. Bij elke eis staan de grondslag, hoe u controleert of de aanbieder zich eraan "
    "houdt en wat u invult tussen [vierkante haken]. In een subsidiebeschikking heet de aanbieder "
    "'subsidieontvanger'; zo staan de eisen er ook."
)
NO_BASIS = "geen wettelijke plicht: een keuze uit het eigen beleid van de gemeente."


def _procurement(w: _Writer, report: Report, level: int) -> None:
    """Groups by instrument at `level`, each clause a heading one lower with the text to paste first."""
    groups = report.procurement_annex
    if any(g.instrument.id for g in groups):
        w.paragraph(PROCUREMENT_INTRO.format(version=report.questionnaire.version))
    else:  # a version with plain-text clauses: no numbers by instrument, no basis to point to
        w.paragraph(PROCUREMENT_INTRO.split(" Elke eis")[0] + " Vul de waarden tussen [vierkante haken] zelf in.")
    if not groups:
        w.paragraph(
            "Alle onderwerpen met inkoopeisen zijn geregeld. Neem de eisen uit de vragenlijst bij de "
            "volgende aanbesteding of subsidieronde weer op, zodat dat zo blijft."
        )
    for group in groups:
        w.heading(group.instrument.label, level)
        if group.instrument.scope:
            w.paragraph(group.instrument.scope)
        for c in group.clauses:
            w.heading(f"{c.number} {c.clause.title}".strip(), level + 1)
            w.paragraph(c.clause.text)
            # the same run-in labels as the PDF (templates/report/_procurement.html)
            if c.clause.structured:
                w.paragraph(("Grondslag: ", "b"), c.clause.basis or NO_BASIS)
            if c.clause.verification:
                check = c.clause.verification
                w.paragraph((f"Zo controleert u het ({check.frequency}): ", "b"), check.evidence)
            for p in c.clause.placeholders:
                w.paragraph((f"Invullen [{p.name}]: ", "b"), p.guidance)
            option = c.question.option
            also = [("Uit de check: ", "b"), f"{c.question.question.text} Antwoord: "]
            also.append(f"{option.label if option else 'niet beantwoord'}.")
            if c.also:
                also += [(" Staat ook bij: ", "b"), ", ".join(f"{number} ({label})" for number, label in c.also) + "."]
            w.paragraph(*also)


def _advice(w: _Writer, report: Report, advice: Advice, level: int) -> None:
    w.heading(advice.recommendation.title, level)
    w.paragraph(("Prioriteit: ", "b"), advice.priority_label.lower())
    w.paragraph(advice.recommendation.text)
    w.paragraph(
        ("Waarom dit advies?", "b"),
        " Het gaat om een voorwaarde voor een hoger totaalniveau." if advice.precondition else "",
    )
    reasons = []
    for reason in advice.reasons:
        if reason.given:
            continue
        if reason.find_out:
            reasons.append(f"‘Weet ik niet’ op: {reason.question.text} Zo zoekt u het uit: {reason.find_out}")
        elif reason.question:
            reasons.append(f"U antwoordde ‘{reason.option.label}’ op: {reason.question.text}")
        elif reason.level:
            reasons.append(f"Het domein staat op niveau ‘{reason.level.label}’.")
        else:
            reasons.append(f"U antwoordde {reason.unknown_count} keer ‘weet ik niet’.")
    w.bullets(reasons)
    w.paragraph(("Bron: ", "i"), (advice.recommendation.source, "i"))


def _start_package(report: Report) -> list[Sequence[Part]]:
    return [
        (
            (a.recommendation.title, "b"),
            f" ({_domain_title(report, a.recommendation.domain_id)}, prioriteit {a.priority_label.lower()})",
        )
        for a in report.start_package
    ]


# -- the report ------------------------------------------------------------------------------------


def report_docx(report: Report, plan: Plan, report_date: date | datetime) -> bytes:
    """The whole report, in the order of the PDF."""
    result = report.result
    w = _document(
        report,
        f"KOPP/KOV Beleidscheck {report.gemeente} {report.year}",
        f"KOPP/KOV Beleidscheck · {report.gemeente} · {report.year}",
        "deze check is nog niet definitief gemaakt. De cijfers kunnen nog veranderen.",
    )
    w.title(f"KOPP/KOV Beleidscheck gemeente {report.gemeente} {report.year}")
    w.paragraph(
        "Hoe regelt de gemeente het beleid voor kinderen van ouders met psychische problemen of een verslaving?",
        style="Subtitle",
    )
    _facts(w, report, report_date)
    if report.questionnaire.introduction:
        w.paragraph(report.questionnaire.introduction)

    w.heading("Samenvatting", 1)
    if result.score is not None:
        w.paragraph(("Totaalniveau: ", "b"), (result.level.label, "b"), f" ({result.score} van 100)")
        w.paragraph(result.level.description)
        if result.held_back:
            hb = result.held_back
            w.paragraph(
                f"De score valt in het bereik van ‘{hb.level.label}’, maar daarvoor moet minstens "
                f"{round(hb.level.requires.share * 100)}% van de praktijken "
                f"{hb.level.requires.stage.label.lower()} zijn; nu is dat {hb.percentage}%."
            )
        for cap in result.caps:
            w.paragraph(f"Het totaalniveau is begrensd: {cap.reason}")
    else:
        w.paragraph("Nog geen totaalniveau: niet elk domein heeft genoeg antwoorden voor een betrouwbare score.")
    w.paragraph(
        f"Volledigheid: {result.answered} van {result.total} vragen beantwoord ({result.completeness}%)"
        + (f"; {result.unknown} keer ‘weet ik niet’ (kennislacune)" if result.unknown else "")
        + "."
    )
    w.table(
        "Score en niveau per domein (0 tot 100)",
        ("Domein", "Score", "Niveau", "Beantwoord", "Weet ik niet"),
        ((d.domain.title, _score(d), _level(d), f"{d.answered} van {d.total}", str(d.unknown)) for d in result.domains),
        (44, 17, 40, 31, 28),
    )
    w.heading("Startpakket: hier begint u mee", 2)
    if report.start_package:
        w.numbered(_start_package(report))
    else:
        w.paragraph("Nog geen aanbevelingen: beantwoord eerst meer vragen.")

    if report.perspectives:
        _perspectives(w, report)

    for number, d in enumerate(result.domains, 1):
        _domain(w, report, d, number)

    _plan(w, report, plan)

    w.heading("Bijlage: eisen voor inkoop en subsidie", 1)
    _procurement(w, report, 2)

    w.heading("Bijlage: alle vragen en antwoorden", 1)
    for d in result.domains:
        w.heading(d.domain.title, 2)
        rows = []
        for q in d.questions:
            answered = report.answers[q.question.id]
            rows.append(
                (q.question.text, answered.option.label if answered.option else "Niet beantwoord", answered.comment)
            )
        w.table(f"Vragen en antwoorden: {d.domain.title}", ("Vraag", "Antwoord", "Toelichting"), rows, (75, 40, 45))

    if report.questionnaire.glossary:
        w.heading("Bijlage: begrippenlijst", 1)
        for term in report.questionnaire.glossary:
            w.paragraph((term.term, "b"), f" – {term.definition}", (f" ({term.source})" if term.source else "", "i"))
    if report.questionnaire.references:
        w.heading("Bijlage: bronnen", 1)
        w.bullets(f"{r.publisher}, {r.title} ({r.year}). {r.url}" for r in report.questionnaire.references)
    return w.bytes()


def _perspectives(w: _Writer, report: Report) -> None:
    labels = dict(Perspective.choices())
    w.heading("Verschillen tussen perspectieven", 1)
    w.paragraph(
        "Zo zagen de respondenten elk domein, per perspectief. De scores in dit rapport komen alleen uit de "
        "vastgestelde antwoorden van de gemeente; de verschillen zijn een goed begin van het gesprek."
    )
    rows = []
    for d in report.questionnaire.domains:
        views = [
            f"{labels.get(v.perspective, v.perspective)} ({v.respondents}): "
            + (f"niveau {v.level.rank} {v.level.label} ({v.score})" if v.level else "geen score")
            for v in report.perspectives.get(d.id, [])
        ]
        rows.append((d.title, "; ".join(views)))
    w.table(
        "Niveau per domein volgens elk perspectief",
        ("Domein", "Per perspectief (aantal respondenten)"),
        rows,
        (50, 110),
    )
    if report.disagreements:
        w.heading("De grootste verschillen", 2)
        items = []
        for item in report.disagreements:
            given = "; ".join(
                f"{labels.get(p, p)}: " + ", ".join(item.question.option(v).label for v in values)
                for p, values in item.by_perspective.items()
            )
            items.append(((item.question.text, "b"), f" ({item.percent}% verschil): {given}"))
        w.numbered(items)


def _domain(w: _Writer, report: Report, d: DomainResult, number: int) -> None:
    w.heading(f"{number}. {d.domain.title}", 1)
    w.paragraph(d.domain.introduction)
    if d.level:
        w.paragraph("Score: ", (_score(d), "b"), " van 100 · niveau ", (d.level.label, "b"))
    else:
        w.paragraph("Score: ", (_score(d), "b"), " (te weinig antwoorden voor een betrouwbare score)")
    if d.held_back:
        w.paragraph(
            f"De score past bij ‘{d.held_back.level.label}’, maar pas {d.held_back.percentage}% is "
            f"{d.held_back.level.requires.stage.label.lower()}."
        )
    if d.rests_on_unknowns:
        w.paragraph("Het niveau rust op veel ‘weet ik niet’: het werkelijke niveau kan hoger liggen.")
    w.heading("Bevindingen", 2)
    for finding in report.findings(d):
        w.paragraph((f"{finding.lead}: ", "b"), f"{finding.text}.")
    if d.unknowns:
        w.paragraph("Bij de aanbevelingen hieronder staat wie het antwoord kan weten en hoe u het uitzoekt.")
    w.heading("Aanbevelingen", 2)
    advice = report.advice_for(d.domain.id)
    for item in advice:
        _advice(w, report, item, 3)
    if not advice:
        w.paragraph("Geen aanbevelingen voor dit domein.")


def _plan(w: _Writer, report: Report, plan: Plan) -> None:
    w.heading("Plan van aanpak", 1)
    if not plan.actions:
        text = "De gemeente heeft in de app nog geen acties vastgelegd."
        if report.start_package:
            text += " Een goed begin zijn de aanbevelingen van het startpakket: " + "; ".join(
                a.recommendation.title for a in report.start_package
            )
            text += "."
        w.paragraph(text + " In de app maakt u van elke aanbeveling een actie met een eigenaar, partners en een datum.")
        return
    p = plan.progress
    summary = (
        f"{p.total} {'actie' if p.total == 1 else 'acties'} in het plan van de gemeente: {p.planned} gepland, "
        f"{p.underway} bezig, {p.done} gereed"
        + (f", {p.stopped} gestopt" if p.stopped else "")
        + (f"; {p.overdue} over de datum" if p.overdue else "")
        + "."
    )
    if plan.focus:
        summary += (
            " De gemeente werkt eerst aan: " + ", ".join(_domain_title(report, f).lower() for f in plan.focus) + "."
        )
    w.paragraph(summary)
    rows = []
    for action in sorted(plan.actions, key=lambda a: a.domain_id):
        title: list[Part] = [action.title] + ([("\nMet: " + action.partners, "i")] if action.partners else [])
        due = nl_date(action.due) if action.due else "geen datum"
        rows.append(
            (
                title,
                _domain_title(report, action.domain_id),
                action.owner,
                due + (" (over de datum)" if action.overdue else ""),
                action.status_label + (f": {action.status_note}" if action.status_note else ""),
            )
        )
    w.table(
        "Acties per domein, met eigenaar, datum en stand",
        ("Actie", "Domein", "Eigenaar", "Klaar op", "Stand"),
        rows,
        (50, 34, 30, 22, 24),
    )


# -- the procurement annex on its own -------------------------------------------------------------


def procurement_docx(report: Report, report_date: date | datetime) -> bytes:
    w = _document(
        report,
        f"Eisen voor inkoop en subsidie – KOPP/KOV Beleidscheck {report.gemeente} {report.year}",
        f"Eisen voor inkoop en subsidie · {report.gemeente} · {report.year}",
        "deze check is nog niet definitief gemaakt.",
    )
    w.title("Eisen voor inkoop en subsidie")
    w.paragraph(
        f"KOPP/KOV Beleidscheck gemeente {report.gemeente}, {report.year} · {nl_date(report_date)} · "
        f"{'definitief' if report.submitted else 'concept'} · vragenlijst versie {report.questionnaire.version}"
    )
    _procurement(w, report, 1)
    return w.bytes()


# -- the model raadsinformatiebrief ----------------------------------------------------------------

MAX_LETTER_ACTIONS = 6  # the letter stays about one page; the plan itself has the rest


def _strongest_and_weakest(report: Report) -> tuple[DomainResult, DomainResult] | None:
    scored = [d for d in report.result.domains if d.score is not None]
    if not scored:
        return None
    return max(scored, key=lambda d: d.exact_score), min(scored, key=lambda d: d.exact_score)


def _how_many(share: Estimate | None, minors: int | None, minors_year: int | None) -> str:
    """The letter's figure, always with its source and year: the gemeente's own estimate when its
    minors are known, else the national share (both from questions.yaml's `estimate`)."""
    if share is None:
        return "[Vul het geschatte aantal kinderen in de gemeente in, met de bron en het jaar.]"
    percentage = f"{share.share * 100:.1f}".replace(".", ",")
    if minors:
        year = f", {minors_year}" if minors_year else ""
        return (
            f"In onze gemeente wonen {nl_number(minors)} minderjarigen (gemeentegegevens{year}). Met het "
            f"landelijke aandeel van {percentage}% ({share.source}) gaat het om naar schatting "
            f"{nl_number(share.children(minors))} kinderen en jongeren met een ouder met psychische problemen "
            "of een verslaving."
        )
    return (
        f"Landelijk heeft naar schatting {percentage}% van de minderjarigen een ouder met psychische problemen "
        f"of een verslaving ({share.source}). [Vul het aantal voor onze gemeente in: het aantal minderjarigen "
        "maal dit aandeel, met het jaar.]"
    )


def council_letter_docx(
    report: Report,
    plan: Plan,
    report_date: date | datetime,
    share: Estimate | None = None,
    minors: int | None = None,
    minors_year: int | None = None,
) -> bytes:
    """A short model letter from the college to the raad; [in vierkante haken] what the writer fills in.
    `share` is the national share of KOPP/KOV children; `minors` the gemeente's, if recorded."""
    result = report.result
    w = _document(
        report,
        f"Raadsinformatiebrief KOPP/KOV Beleidscheck {report.gemeente} {report.year}",
        f"Raadsinformatiebrief · {report.gemeente} · {report.year}",
        "de check is nog niet definitief gemaakt; stuur de brief pas na het definitief maken.",
        margin=20,  # a letter of one page
    )
    w.doc.styles["Heading 1"].paragraph_format.space_before = Pt(12)
    w.title("Raadsinformatiebrief")
    head: list[Part] = []
    for label, value in (
        ("Aan", f"de gemeenteraad van {report.gemeente}"),
        ("Van", "het college van burgemeester en wethouders"),
        ("Datum", "[datum]"),
        ("Onderwerp", f"uitkomst KOPP/KOV Beleidscheck {report.year}"),
        ("Portefeuillehouder", "[naam wethouder]"),
        ("Contactpersoon", "[naam, functie en e-mailadres]"),
    ):
        head += [(("\n" if head else "") + f"{label}: ", "b"), value]
    w.paragraph(*head)  # one block, as a letterhead reads

    w.heading("Aanleiding", 1)
    w.paragraph(
        "Kinderen die opgroeien bij een vader of moeder met psychische problemen of een verslaving, hebben "
        "zelf meer kans op problemen, nu of later. De gemeente is verantwoordelijk voor preventie en "
        f"jeugdhulp voor hen. Daarom hebben we in {report.year} met de KOPP/KOV Beleidscheck bekeken hoe ons "
        "beleid voor deze kinderen ervoor staat. [Noem wie er meededen, bijvoorbeeld beleid, inkoop, het "
        "wijkteam en partners.]"
    )

    w.heading("Kernboodschap", 1)
    if result.score is not None:
        w.paragraph(
            f"Ons beleid staat in totaal op niveau {result.level.rank} van de {len(report.questionnaire.levels)}: "
            f"‘{result.level.label}’. De score is {result.score} van de 100 punten."
        )
    else:
        w.paragraph(
            "Er is nog geen totaalscore, omdat nog niet over elk onderwerp genoeg vragen zijn beantwoord. "
            "[Vul aan zodra de check compleet is.]"
        )
    extremes = _strongest_and_weakest(report)
    if extremes:
        strongest, weakest = extremes
        if strongest is weakest or strongest.score == weakest.score:
            w.paragraph(f"De onderdelen scoren ongeveer gelijk: rond {strongest.score} van de 100 punten.")
        else:
            w.paragraph(
                f"Het best geregeld is het onderdeel ‘{strongest.domain.title}’, met {strongest.score} punten. "
                f"De meeste winst is te halen bij het onderdeel ‘{weakest.domain.title}’: daar is de score "
                f"{weakest.score}. [Voeg eventueel één zin toe over wat opviel in de gesprekken met partners.]"
            )

    w.heading("Wat we gaan doen", 1)
    open_actions = [a for a in plan.actions if ActionStatus(a.status).is_open]
    if open_actions:
        w.paragraph("In het plan van aanpak staan deze acties:")
        shown = open_actions[:MAX_LETTER_ACTIONS]
        w.bullets(
            (
                (a.title, "b"),
                f" – trekker: {a.owner or '[naam]'}, klaar: {nl_date(a.due) if a.due else '[datum]'}",
            )
            for a in shown
        )
        if len(open_actions) > len(shown):
            rest = len(open_actions) - len(shown)
            w.paragraph(f"En nog {rest} {'actie' if rest == 1 else 'acties'}; zie het plan van aanpak in de bijlage.")
    elif plan.actions:
        w.paragraph("De acties uit het plan van aanpak zijn afgerond. [Beschrijf de volgende stappen.]")
    elif report.start_package:
        w.paragraph("We beginnen met deze stappen uit het advies van de check:")
        w.bullets((a.recommendation.title, "b") for a in report.start_package)
        w.paragraph("[Vul per stap in wie die trekt en wanneer die klaar is.]")
    else:
        w.paragraph("[Beschrijf de eerste stappen, met wie ze trekt en wanneer ze klaar zijn.]")

    w.heading("Wat het kost om niets te doen", 1)
    w.paragraph(
        _how_many(share, minors, minors_year) + " Veel van hen zijn niet in beeld: ze "
        "zorgen thuis mee en praten er niet over. Ziet niemand hen op tijd, dan groeien de problemen vaak, op "
        "school, in hun gezondheid en later als volwassene, en is zwaardere en duurdere hulp nodig. Vroeg "
        "signaleren, het kind uitleg geven en het gezin steunen kan veel daarvan voorkomen."
    )

    w.heading("Vervolg", 1)
    when = report_date.date() if isinstance(report_date, datetime) else report_date
    w.paragraph(
        f"Over twaalf maanden, rond {MONTHS[when.month - 1]} {when.year + 1}, doen we de check opnieuw. Dan "
        "laten we u weten wat er is bereikt. [Naam en afdeling] houdt de voortgang van de acties bij; "
        "[naam wethouder] is hiervoor verantwoordelijk."
    )
    w.paragraph("Bijlage: [rapport KOPP/KOV Beleidscheck en plan van aanpak]")
    w.paragraph(
        f"Het college van burgemeester en wethouders van {report.gemeente},\n"
        "de secretaris, [naam]\tde burgemeester, [naam]"
    )
    return w.bytes()
