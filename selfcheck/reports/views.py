"""The PDF report and its procurement annex: download, cache, and the batch command; and the same
report, the annex and a model raadsinformatiebrief as Word files."""

from __future__ import annotations

import base64
import re
import time
import unicodedata
from pathlib import Path

from flask import Blueprint, Flask, current_app, redirect, render_template, request, url_for
from flask_login import login_required

from selfcheck import policy
from selfcheck.check.operations import report_for
from selfcheck.extensions import db
from selfcheck.models import Assessment
from selfcheck.plan.views import plan_for
from selfcheck.reports import background, word
from selfcheck.reports.cache import ReportCache, make_store
from selfcheck.reports.context import report_context
from selfcheck.web.audit import record

bp = Blueprint("report", __name__)

KINDS = {
    # kind: (template, file name prefix)
    "rapport": ("report/report.html", "kopp-kov-beleidscheck"),
    "inkoop": ("report/procurement.html", "kopp-kov-inkoopeisen"),
}


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "gemeente"


def filename(assessment: Assessment, kind: str) -> str:
    return f"{KINDS[kind][1]}-{slug(assessment.gemeente.name)}-{assessment.year}.pdf"


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
    """The PDF of an assessment, for the batch command: from the cache when nothing changed, else
    rendered here and now."""
    cache: ReportCache = current_app.extensions["report_cache"]
    key = cache.key(assessment, kind)
    pdf = cache.get(assessment, kind, key)
    if pdf is None:
        pdf = current_app.extensions["pdf_renderer"].render(report_html(assessment, kind))
        cache.put(assessment, kind, key, pdf)
    return pdf


def ready_pdf(assessment: Assessment, kind: str, wait: float) -> bytes | None:
    """The PDF from the cache; if it is not there, a render is asked for (ahead of every report
    rendered in advance) and awaited for at most `wait` seconds. None: still rendering, or failed."""
    cache: ReportCache = current_app.extensions["report_cache"]
    key = cache.key(assessment, kind)
    pdf = cache.get(assessment, kind, key)
    if pdf is not None or cache.store.failed(assessment.id, kind, key):
        return pdf
    db.session.commit()  # end the read transaction: no connection idles in one while we wait
    job = background.render_soon(assessment.id, kind, background.URGENT)
    deadline = time.monotonic() + wait
    if job.done.wait(max(0.0, deadline - time.monotonic())) and job.outcome not in ("busy", "stale"):
        return cache.get(assessment, kind, key)
    # Another process renders it (busy), or this one has not finished: look in the shared cache.
    while (pdf := cache.get(assessment, kind, key)) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    return pdf


# How long a download that the browser saves whatever it gets waits for the render (its download
# list shows it as pending meanwhile); longer than any render, shorter than gunicorn's timeout.
SAVED_AS_FILE_WAIT_SECONDS = 25


def _saved_as_file() -> bool:
    """Whether the browser saves this response as a file whatever it is: a link with a `download`
    attribute is fetched as a navigation without a document to show (Fetch Metadata), so a redirect
    to the progress page would end up on disk as 'wordt-gemaakt.html'."""
    return request.headers.get("Sec-Fetch-Mode") == "navigate" and request.headers.get("Sec-Fetch-Dest") == "empty"


def _progress_url(assessment: Assessment, kind: str) -> str:
    return url_for("report.progress", assessment_id=assessment.id, kind=kind)


@bp.get("/checks/<int:assessment_id>/<any(rapport, inkoop):kind>.pdf")
@login_required
def download(assessment_id: int, kind: str):
    assessment = policy.downloadable_assessment(assessment_id)
    wait = current_app.config["REPORT_WAIT_SECONDS"]
    if _saved_as_file():  # a progress page would be saved as the file: wait, as the browser shows
        wait = max(wait, SAVED_AS_FILE_WAIT_SECONDS)
    pdf = ready_pdf(assessment, kind, wait)
    if pdf is None:  # not ready within a moment: a page that follows the render
        return redirect(_progress_url(assessment, kind), 303)
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


PROGRESS_REFRESH_SECONDS = 2


@bp.get("/checks/<int:assessment_id>/<any(rapport, inkoop):kind>/wordt-gemaakt")
@login_required
def progress(assessment_id: int, kind: str):
    """While a report renders: a page that reloads itself (no JavaScript needed) until the file is
    in the cache, then starts the download. Asks for the render again if no one is on it (the
    worker that was may have stopped); changes nothing else."""
    assessment = policy.downloadable_assessment(assessment_id)
    cache: ReportCache = current_app.extensions["report_cache"]
    key = cache.key(assessment, kind)
    if cache.get(assessment, kind, key) is not None:
        state = "ready"
    elif cache.store.failed(assessment.id, kind, key):
        state = "failed"
    else:
        state = "rendering"
        background.render_soon(assessment.id, kind, background.URGENT)
    return (
        render_template(
            "report/progress.html",
            assessment=assessment,
            kind=kind,
            state=state,
            refresh=PROGRESS_REFRESH_SECONDS,
            download_url=url_for("report.download", assessment_id=assessment.id, kind=kind),
            progress_url=_progress_url(assessment, kind),
        ),
        200,
        {"Cache-Control": "private, no-store"},
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
    app.extensions["report_cache"] = ReportCache(make_store(app.config, app.instance_path), root)
    app.register_blueprint(bp)
