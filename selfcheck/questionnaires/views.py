"""The questionnaire pages: advisers upload, review and publish versions; a draft's owner moves it
to the current version."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from selfcheck import policy
from selfcheck.check.domain_page import steps_for
from selfcheck.check.store import answer_values
from selfcheck.core.carryover import carry_over, comparable
from selfcheck.core.loader import QuestionnaireError
from selfcheck.core.report import build_report
from selfcheck.core.versiondiff import diff
from selfcheck.enums import Status
from selfcheck.extensions import db
from selfcheck.models import Assessment, QuestionnaireVersion
from selfcheck.questionnaires import operations, queries
from selfcheck.questionnaires.forms import ConfirmForm, UploadForm
from selfcheck.web.audit import record

bp = Blueprint("questionnaires", __name__, url_prefix="/vragenlijst")
drafts = Blueprint("drafts", __name__)


@bp.before_request
@login_required
def _managers_only():
    policy.questionnaire_manager()


def _store():
    return current_app.extensions["questionnaire_store"]


def _version(fingerprint: str) -> QuestionnaireVersion:
    stored = _store().stored(fingerprint) if len(fingerprint) == 64 else None
    if stored is None:
        abort(404)
    return stored


@bp.get("/")
def index():
    form = UploadForm()
    start = request.args.get("bewerk", "")
    if start:  # edit in the browser, starting from a stored version's text
        form.source.data = _version(start).source
    return _index(form)


def _index(form: UploadForm, problems: list[str] | None = None, status: int = 200):
    return (
        render_template(
            "questionnaires/index.html",
            rows=queries.versions(_store()),
            current=_store().current,
            form=form,
            problems=problems or [],
        ),
        status,
    )


@bp.errorhandler(413)
def _too_large(_error):
    problem = "het bestand of de tekst is groter dan 2 MB, het maximum voor een vragenlijst"
    return _index(UploadForm(formdata=None), [problem], 413)


@bp.post("/")
def upload():
    form = UploadForm()
    if not form.validate():
        return _index(form, status=422)
    filename = form.file.data.filename if form.file.data else "bewerkt in de browser"
    try:
        source = operations.decode(form.file.data.read()) if form.file.data else form.source.data
        stored, new = operations.upload(_store(), source, filename or "vragenlijst.yaml", current_user)
    except QuestionnaireError as error:
        db.session.rollback()
        operations.record_refused(current_user, filename or "", error.problems)
        db.session.commit()
        if not form.file.data:
            form.source.data = source  # the text stays, to be corrected
        return _index(form, error.problems, 422)
    db.session.commit()
    if new:
        flash(f"Versie {stored.version} is geüpload. Bekijk wat er verandert voordat u haar publiceert.", "success")
    else:
        flash(f"Deze tekst is precies versie {stored.version}, die er al is.", "info")
    return redirect(url_for("questionnaires.version", fingerprint=stored.fingerprint))


def _previous_published(stored: QuestionnaireVersion) -> QuestionnaireVersion | None:
    if stored.published_at is None:
        return None
    return db.session.scalars(
        select(QuestionnaireVersion)
        .where(
            QuestionnaireVersion.published_at < stored.published_at,
            QuestionnaireVersion.withdrawn_at.is_(None),
        )
        .order_by(QuestionnaireVersion.published_at.desc())
        .limit(1)
    ).first()


@bp.get("/<fingerprint>")
def version(fingerprint: str):
    store = _store()
    stored = _version(fingerprint)
    questionnaire = store.get(stored.fingerprint)
    current = store.current
    is_current = current.fingerprint == stored.fingerprint
    base = current
    if is_current:
        previous = _previous_published(stored)
        base = store.get(previous.fingerprint) if previous else None
    uses = operations.uses(stored.fingerprint)
    return render_template(
        "questionnaires/version.html",
        stored=stored,
        questionnaire=questionnaire,
        current=current,
        is_current=is_current,
        base=base,
        changes=diff(base, questionnaire) if base is not None else None,
        effect=queries.effect(store, questionnaire) if not is_current and stored.withdrawn_at is None else None,
        rescore_days=queries.RESCORE_DAYS,
        uses=uses,
        form=ConfirmForm(),
    )


@bp.get("/<fingerprint>/vragenlijst.yaml")
def source(fingerprint: str):
    stored = _version(fingerprint)
    return (
        stored.source,
        200,
        {
            "Content-Type": "application/yaml; charset=utf-8",
            "Content-Disposition": f'attachment; filename="vragenlijst-{_safe(stored.version)}.yaml"',
        },
    )


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in ".-" else "-" for c in text)[:40] or "versie"


@bp.get("/<fingerprint>/voorbeeld")
def preview(fingerprint: str):
    """The check's pages as a gemeente would see them, on this version; nothing can be saved."""
    stored = _version(fingerprint)
    questionnaire = _store().get(stored.fingerprint)
    step = request.args.get("stap", 1, type=int)
    if not 1 <= step <= len(questionnaire.domains):
        abort(404)
    return render_template(
        "questionnaires/preview.html",
        stored=stored,
        questionnaire=questionnaire,
        domain=questionnaire.domains[step - 1],
        step=step,
        steps=steps_for(
            questionnaire, lambda n: url_for("questionnaires.preview", fingerprint=stored.fingerprint, stap=n)
        ),
    )


def _sample(store, questionnaire) -> Assessment | None:
    """The most recently made definitive check whose answers carry over to `questionnaire`: the
    preview report shows them on the new version."""
    checks = db.session.scalars(
        select(Assessment)
        .where(Assessment.status == Status.DEFINITIEF.value)
        .order_by(Assessment.submitted_at.desc())
        .limit(50)
    )
    return next((a for a in checks if comparable(store.get(a.questionnaire_fingerprint), questionnaire)), None)


@bp.get("/<fingerprint>/voorbeeldrapport.pdf")
def preview_report(fingerprint: str):
    """A report of a real check on this version; a report, so only for those who may read reports."""
    policy.report_previewer()
    from selfcheck.reports.context import report_context
    from selfcheck.reports.views import render_report_html

    store = _store()
    stored = _version(fingerprint)
    questionnaire = store.get(stored.fingerprint)
    sample = _sample(store, questionnaire)
    if sample is None:
        flash(
            "Er is geen definitieve check waarvan de antwoorden naar deze versie meegaan, dus geen voorbeeldrapport.",
            "info",
        )
        return redirect(url_for("questionnaires.version", fingerprint=fingerprint))
    values = carry_over(store.get(sample.questionnaire_fingerprint), questionnaire, answer_values(sample))
    report = build_report(
        questionnaire, values, gemeente=sample.gemeente.name, year=sample.year, submitted=True, respondents=[]
    )
    html = render_report_html(
        "rapport", report, report_context(sample, questionnaire), None, sample.submitted_at or datetime.now()
    )
    pdf = current_app.extensions["pdf_renderer"].render(html)
    record("report.downloaded", assessment=sample, kind="voorbeeld", versie=stored.version)
    db.session.commit()
    return (
        pdf,
        200,
        {
            "Content-Type": "application/pdf",
            "Content-Disposition": f'inline; filename="voorbeeldrapport-{_safe(stored.version)}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


def _confirmed(fingerprint: str) -> QuestionnaireVersion:
    """A posted action's version, stored (the shipped file may not be yet)."""
    if not ConfirmForm().validate():
        abort(400)
    _store().ensure_shipped()
    return _version(fingerprint)


def _act(fingerprint: str, action, done: str, then):
    """Publish or withdraw: the operation, a refusal shown on the version page, or commit and say so."""
    stored = _confirmed(fingerprint)
    try:
        action(_store(), stored, current_user)
    except operations.Refused as refused:
        flash(str(refused), "error")
        return redirect(url_for("questionnaires.version", fingerprint=fingerprint))
    db.session.commit()
    flash(done.format(version=stored.version), "success")
    return redirect(then())


@bp.post("/<fingerprint>/publiceren")
def publish(fingerprint: str):
    return _act(
        fingerprint,
        operations.publish,
        "Versie {version} is gepubliceerd. Nieuwe checks gebruiken haar; checks in concept blijven op hun "
        "versie tot hun eigenaar overstapt, definitieve checks veranderen niet.",
        lambda: url_for("questionnaires.version", fingerprint=fingerprint),
    )


@bp.post("/<fingerprint>/intrekken")
def withdraw(fingerprint: str):
    return _act(
        fingerprint, operations.withdraw, "Versie {version} is ingetrokken.", lambda: url_for("questionnaires.index")
    )


# --- a draft's owner moves it to the current version ----------------------------------------------


def _movable(assessment_id: int):
    assessment = policy.visible_assessment(assessment_id, edit=True)
    new = operations.movable(_store(), assessment)
    if new is None:
        abort(409)
    return assessment, new


@drafts.get("/checks/<int:assessment_id>/vragenlijst")
@login_required
def move_page(assessment_id: int):
    assessment, new = _movable(assessment_id)
    return render_template(
        "questionnaires/move.html",
        assessment=assessment,
        move=operations.plan_move(_store(), assessment, new),
        form=ConfirmForm(),
    )


@drafts.post("/checks/<int:assessment_id>/vragenlijst")
@login_required
def move(assessment_id: int):
    if not ConfirmForm().validate():
        abort(400)
    assessment, new = _movable(assessment_id)
    done = operations.move_draft(_store(), assessment, new, current_user)
    db.session.commit()
    flash(
        f"De check gebruikt nu versie {new.version} van de vragenlijst: {len(done.carried)} antwoorden zijn "
        f"overgenomen, {len(done.open)} vragen staan open.",
        "success",
    )
    return redirect(url_for("check.overview", assessment_id=assessment.id))


def newer_version(assessment: Assessment):
    """For the check's overview: the current version when this draft is on an older one."""
    if assessment.status != Status.CONCEPT.value:
        return None
    return operations.movable(_store(), assessment)


def init_app(app) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(drafts)
    app.add_template_global(newer_version, "newer_questionnaire")
