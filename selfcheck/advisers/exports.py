"""Exports for advisers: the overview as CSV or XLSX, one assessment as JSON."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import select

from selfcheck.advisers.queries import Filters, latest_assessments
from selfcheck.check.operations import report_for
from selfcheck.check.store import OVERALL
from selfcheck.core.questionnaire import Questionnaire
from selfcheck.extensions import db
from selfcheck.models import Answer, Assessment, DomainScore, Gemeente, QuestionnaireVersion, Response
from selfcheck.questionnaires.versions import QuestionnaireStore


def overview_table(questionnaire: Questionnaire, filters: Filters, all_years: bool = False) -> list[list]:
    """Header and one row per assessment: its gemeente, version, scores and every stored answer."""
    # Plain columns in one query (no per-row loading of gemeente or questionnaire text).
    query = (
        select(
            Assessment.id,
            Gemeente.name,
            Gemeente.code,
            Gemeente.province,
            Gemeente.jeugdregio,
            Gemeente.inhabitants,
            Assessment.year,
            Assessment.status,
            QuestionnaireVersion.version,
            Assessment.questionnaire_fingerprint,
        )
        .join(Gemeente, Gemeente.id == Assessment.gemeente_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.fingerprint == Assessment.questionnaire_fingerprint)
    )
    if all_years:
        query = query.where(*filters.gemeente_conditions())
        if filters.status in ("definitief", "concept"):
            query = query.where(Assessment.status == filters.status)
        if filters.year:
            query = query.where(Assessment.year == filters.year)
    else:
        query = query.where(Assessment.id.in_(select(latest_assessments(filters).c.assessment_id)))
    assessments = db.session.execute(query.order_by(Gemeente.name, Assessment.year)).all()
    ids = [a.id for a in assessments]
    answers: dict[int, dict[str, str | None]] = {}
    for assessment_id, question_id, value in db.session.execute(
        select(Response.assessment_id, Answer.question_id, Answer.value)
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.assessment_id.in_(ids), Response.is_shared)
    ):
        answers.setdefault(assessment_id, {})[question_id] = value
    scores: dict[int, dict[str, DomainScore]] = {}
    for assessment_id, domain_id, score, level_id in db.session.execute(
        select(DomainScore.assessment_id, DomainScore.domain_id, DomainScore.score, DomainScore.level_id).where(
            DomainScore.assessment_id.in_(ids)
        )
    ):
        scores.setdefault(assessment_id, {})[domain_id] = (score, level_id)

    domain_ids = [OVERALL] + [d.id for d in questionnaire.domains]
    question_ids = [q.id for q in questionnaire.questions]
    header = (
        [
            "gemeente",
            "cbs_code",
            "provincie",
            "jeugdregio",
            "inwoners",
            "jaar",
            "status",
            "vragenlijst_versie",
            "vragenlijst_vingerafdruk",
        ]
        + [f"{d.lstrip('_')}_{kind}" for d in domain_ids for kind in ("score", "niveau")]
        + question_ids
    )
    table = [header]
    for assessment_id, *columns in assessments:
        own = scores.get(assessment_id, {})
        row = list(columns)
        for d in domain_ids:
            row += list(own.get(d, (None, None)))
        row += [answers.get(assessment_id, {}).get(q) for q in question_ids]
        table.append(row)
    return table


# A text cell starting with one of these is read as a formula (or, for tab and CR, can be made one)
# by Excel, LibreOffice and Google Sheets: "formula injection" (OWASP, CSV Injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell value as a spreadsheet must show it: a text that could start a formula gets a leading
    single quote (OWASP), so it reads as text. Numbers and empty cells stay as they are. The one
    function both the CSV and the XLSX export use."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(table: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # Excel on Dutch systems expects ';'
    writer.writerows([["" if v is None else safe_cell(v) for v in row] for row in table])
    return "\ufeff" + buffer.getvalue()


def _xlsx_cell(sheet, value):
    value = safe_cell(value)
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"  # always a string, never a formula, whatever it starts with
    return cell


def to_xlsx(table: list[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Overzicht")
    for row in table:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def assessment_json(store: QuestionnaireStore, assessment: Assessment) -> dict:
    report = report_for(store, assessment)
    return {
        "gemeente": {"naam": assessment.gemeente.name, "cbs_code": assessment.gemeente.code},
        "jaar": assessment.year,
        "status": assessment.status,
        "vragenlijst": {"versie": report.questionnaire.version, "vingerafdruk": report.questionnaire.fingerprint},
        "scores": {
            "totaal": {"score": report.result.score, "niveau": report.result.level.id if report.result.level else None},
            **{
                d.domain.id: {"score": d.score, "niveau": d.level.id if d.level else None}
                for d in report.result.domains
            },
        },
        "antwoorden": {
            qid: {
                "waarde": a.option.value if a.option else None,
                "antwoord": a.option.label if a.option else None,
                "toelichting": a.comment,
            }
            for qid, a in report.answers.items()
            if a.option or a.comment
        },
    }
