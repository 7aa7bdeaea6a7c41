"""The PDF report and its procurement annex: download, cache, and the batch command; and the same
report, the annex and a model raadsinformatiebrief as Word files."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from flask import Blueprint, Flask, current_app, render_template, request
from flask_login import login_required

from selfcheck import policy
from selfcheck.check.operations import report_for
from selfcheck.extensions import db
from selfcheck.models import Assessment
from selfcheck.plan.views import plan_for, plan_stamp
from selfcheck.reports import word
from selfcheck.reports.context import report_context, stamp
from selfcheck.web.audit import record

bp = Blueprint("report", __name__)

KINDS = {
    # kind: (template, file name prefix)
    "rapport": ("report/report.html", "kopp-kov-beleidscheck"),
    "inkoop": ("report/procurement.html", "kopp-kov-inkoopeisen"),
}
# Files whose content shapes a PDF; their hash is part of every cache key.
RENDER_INPUTS = (
    "templates/report/*",
    "templates/partials/*",
    "static/report/*",
    "selfcheck/core/*.py",
    "selfcheck/web/templating.py",
    "selfcheck/reports/*.py",
    "selfcheck/plan/*.py",
    "static/vendor/fonts/*",
)


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "gemeente"


def filename(assessment: Assessment, kind: str) -> str:
    return f"{KINDS[kind][1]}-{slug(assessment.gemeente.name)}-{assessment.year}.pdf"


class ReportCache:
    """Rendered PDFs on disk, shared by all workers, keyed by everything that shapes them."""

    def __init__(self, folder: Path, root: Path):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        for pattern in RENDER_INPUTS:
            for path in sorted(root.glob(pattern)):
                digest.update(path.read_bytes())
        self.version = digest.hexdigest()[:16]

    def key(self, assessment: Assessment, kind: str) -> str:
        parts = (
            assessment.id,
            kind,
            assessment.updated_at.isoformat(),
            assessment.status,
            assessment.questionnaire_fingerprint,
            assessment.gemeente.name,
            plan_stamp(assessment),
            stamp(assessment),
            self.version,
        )
        return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]

    def _path(self, assessment_id: int, kind: str, key: str) -> Path:
        return self.folder / f"{assessment_id}-{kind}-{key}.pdf"

    def get(self, assessment: Assessment, kind: str, key: str) -> bytes | None:
        path = self._path(assessment.id, kind, key)
        return path.read_bytes() if path.exists() else None

    def put(self, assessment: Assessment, kind: str, key: str, pdf: bytes) -> None:
        for old in self.folder.glob(f"{assessment.id}-{kind}-*.pdf"):
            old.unlink(missing_ok=True)  # earlier versions of this report
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as file:
            file.write(pdf)
        os.replace(tmp, self._path(assessment.id, kind, key))  # atomic: readers never see half a file


def report_html(assessment: Assessment, kind: str) -> str:
    report = report_for(current_app.extensions["questionnaire_store"], assessment)
    # Benchmark and estimate come from the current questionnaire, whichever version the check used.
    context = report_context(assessment, current_app.extensions["questionnaire_store"].current)
    return render_report_html(
        kind, report, context, plan_for(assessment), assessment.submitted_at or assessment.updated_at
    )


def render_report_html(kind: str, report, context, plan, report_date) -> str:
    """The report's HTML from plain values (also for a preview of a version not published yet)."""
    chart = report.chart
    svg = render_template("partials/_radar.svg", chart=chart)
    alt = (
        "Radardiagram van de scores per domein: "
        + "; ".join(f"{a.label} {a.score if a.score is not None else 'geen score'}" for a in chart.axes)
        + "."
    )
    return render_template(
        KINDS[kind][0],
        report=report,
        context=context,
        national=context.national,
        plan=plan,
        report_date=report_date,
        chart_data_url="data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
        chart_alt=alt,
    )


def report_pdf(assessment: Assessment, kind: str = "rapport") -> bytes:
    """The PDF of an assessment: from the cache when nothing changed, else rendered in-process."""
    cache: ReportCache = current_app.extensions["report_cache"]
    key = cache.key(assessment, kind)
    pdf = cache.get(assessment, kind, key)
    if pdf is None:
        pdf = current_app.extensions["pdf_renderer"].render(report_html(assessment, kind))
        cache.put(assessment, kind, key, pdf)
    return pdf


@bp.get("/checks/<int:assessment_id>/<any(rapport, inkoop):kind>.pdf")
@login_required
def download(assessment_id: int, kind: str):
    assessment = policy.downloadable_assessment(assessment_id)
    pdf = report_pdf(assessment, kind)
    record("report.downloaded", assessment=assessment, kind=kind)
    db.session.commit()
    return (
        pdf,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="{filename(assessment, kind)}"',
            "Cache-Control": "private, no-store",
        },
    )


WORD_FILES = {
    # kind in the URL: (file name prefix, kind in the audit record)
    "rapport": ("kopp-kov-beleidscheck", "rapport"),
    "inkoopbijlage": ("kopp-kov-inkoopeisen", "inkoop"),
    "raadsinformatiebrief": ("kopp-kov-raadsinformatiebrief", "raadsinformatiebrief"),
}


def word_filename(assessment: Assessment, kind: str) -> str:
    return f"{WORD_FILES[kind][0]}-{slug(assessment.gemeente.name)}-{assessment.year}.docx"


def report_docx(assessment: Assessment, kind: str) -> bytes:
    """A Word file, built fresh each time: it takes well under a second, unlike a PDF."""
    report = report_for(current_app.extensions["questionnaire_store"], assessment)
    report_date = assessment.submitted_at or assessment.updated_at
    if kind == "inkoopbijlage":
        return word.procurement_docx(report, report_date)
    if kind == "raadsinformatiebrief":
        gemeente = assessment.gemeente
        return word.council_letter_docx(
            report,
            plan_for(assessment),
            report_date,
            # the national share from the current questionnaire, whichever version the check used
            share=current_app.extensions["questionnaire_store"].current.estimate,
            minors=gemeente.minors,
            minors_year=gemeente.minors_year,
        )
    return word.report_docx(report, plan_for(assessment), report_date)


@bp.get("/checks/<int:assessment_id>/<any(rapport, inkoopbijlage, raadsinformatiebrief):kind>.docx")
@login_required
def download_word(assessment_id: int, kind: str):
    assessment = policy.downloadable_assessment(assessment_id)
    docx = report_docx(assessment, kind)
    if request.method == "GET":  # a HEAD (a link checker, a browser's preview) downloads nothing
        record("report.downloaded", assessment=assessment, kind=WORD_FILES[kind][1], format="docx")
        db.session.commit()
    return (
        docx,
        200,
        {
            "Content-Type": word.MIMETYPE,
            "Content-Disposition": f'attachment; filename="{word_filename(assessment, kind)}"',
            "Cache-Control": "private, no-store",
        },
    )


def init_app(app: Flask, root: Path) -> None:
    from selfcheck.reports.pdf import PdfRenderer

    app.extensions["pdf_renderer"] = PdfRenderer(Path(app.static_folder))
    app.extensions["report_cache"] = ReportCache(Path(app.instance_path) / "report-cache", root)
    app.register_blueprint(bp)
