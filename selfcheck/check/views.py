"""The check itself: start, fill in page by page, review, submit, results."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from selfcheck.policy import visible_assessment, visible_gemeente
from selfcheck.check.store import (
    OVERALL,
    ConflictError,
    answer_values,
    report_for,
    save_answers,
    start_assessment,
    submit_assessment,
)
from selfcheck.web.audit import record
from selfcheck.advisers.queries import Filters, benchmark, gemeente_trend
from selfcheck.extensions import db
from selfcheck.web.forms import COMMENT_MAX, FeedbackForm, NewAssessmentForm, answer_field_name, comment_field_name, domain_form_class
from selfcheck.models import Assessment, Feedback

bp = Blueprint("check", __name__)


def _store():
    return current_app.extensions["questionnaire_store"]


def _questionnaire(assessment: Assessment):
    return _store().get(assessment.questionnaire_fingerprint)


@bp.get("/health")
def health():
    """For load balancers and as the ceiling in bench/pages.py: no database, no template."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/")
@login_required
def index():
    if current_user.sees_all_gemeenten:
        return redirect(url_for("advisers.overview_page"))
    return redirect(url_for("check.gemeente", gemeente_id=current_user.gemeente_id))


@bp.get("/gemeenten/<int:gemeente_id>")
@login_required
def gemeente(gemeente_id: int):
    gemeente = visible_gemeente(gemeente_id)
    form = NewAssessmentForm()
    return render_template("check/gemeente.html", gemeente=gemeente, form=form, trend=gemeente_trend(gemeente.id),
                           current_questionnaire=_store().current, can_edit=current_user.can_edit(gemeente.id))



@bp.post("/gemeenten/<int:gemeente_id>/checks")
@login_required
def start(gemeente_id: int):
    gemeente = visible_gemeente(gemeente_id)
    if not current_user.can_edit(gemeente.id):
        abort(403)
    form = NewAssessmentForm()
    if form.validate():
        if any(a.year == form.year.data for a in gemeente.assessments):
            form.year.errors.append(f"Er is al een check voor {form.year.data}.")
        else:
            assessment = start_assessment(_store(), gemeente, form.year.data, current_user, form.prefill.data)
            try:
                db.session.flush()  # gives the assessment its id, or meets a duplicate year
                record("assessment.started", assessment=assessment, prefilled=bool(form.prefill.data))
                db.session.commit()
            except IntegrityError:  # a colleague started the same year a moment ago
                db.session.rollback()
                form.year.errors.append(f"Er is al een check voor {form.year.data}.")
            else:
                flash(f"De check {assessment.year} is gestart.", "success")
                return redirect(url_for("check.step", assessment_id=assessment.id, number=1))
    return render_template("check/gemeente.html", gemeente=gemeente, form=form, trend=gemeente_trend(gemeente.id),
                           current_questionnaire=_store().current, can_edit=True), 422


@bp.get("/checks/<int:assessment_id>")
@login_required
def overview(assessment_id: int):
    assessment = visible_assessment(assessment_id)
    report = report_for(_store(), assessment)
    return render_template("check/overview.html", assessment=assessment, report=report,
                           can_edit=current_user.can_edit(assessment.gemeente_id))


@bp.route("/checks/<int:assessment_id>/stap/<int:number>", methods=["GET", "POST"])
@login_required
def step(assessment_id: int, number: int):
    assessment = visible_assessment(assessment_id, edit=request.method == "POST")
    questionnaire = _questionnaire(assessment)
    if not 1 <= number <= len(questionnaire.domains):
        abort(404)
    domain = questionnaire.domains[number - 1]
    if request.method == "POST" and assessment.submitted:
        if request.form.get("action") == "autosave":
            return jsonify(saved=False, message="Deze check is definitief en kan niet meer worden gewijzigd."), 409
        flash("Deze check is definitief en kan niet meer worden gewijzigd.", "error")
        return redirect(url_for("check.step", assessment_id=assessment.id, number=number))

    if request.method == "GET":
        return _render_step(assessment, questionnaire, number, _stored_states(assessment, domain))

    form = domain_form_class(questionnaire, domain)()
    unexpected = _unexpected_fields(form, domain)
    if unexpected:
        return _refused(assessment, questionnaire, number, form, 400,
                        "Het formulier bevat velden die niet bij deze stap horen ("
                        + ", ".join(sorted(unexpected)[:5]) + "). Er is niets opgeslagen.")
    base_version = request.form.get("version", type=int)
    if base_version is None or not 0 < base_version <= assessment.version:
        return _refused(assessment, questionnaire, number, form, 400,
                        "Het formulier mist een geldig versienummer. Er is niets opgeslagen; laad de pagina opnieuw.")
    if not form.validate():
        return _refused(assessment, questionnaire, number, form, 422)

    # Only what the user edited on this page is saved, so a colleague's newer answers to the
    # other questions merge instead of being overwritten with what this page once showed.
    edited = {}
    for q in domain.questions:
        posted = (form[answer_field_name(q.id)].data, form[comment_field_name(q.id)].data)
        if answer_token(*posted) != request.form.get(_original_field(q.id)):
            edited[q.id] = posted
    try:
        changes = save_answers(assessment, current_user, edited, base_version)
        if changes:
            record("answers.saved", assessment=assessment, changes=changes)
        db.session.commit()
    except ConflictError as error:
        db.session.rollback()
        return _refused(assessment, questionnaire, number, form, 409, _conflict_message(questionnaire, error),
                        rebase=True)
    except StaleDataError:  # someone saved between our check and our commit
        db.session.rollback()
        return _refused(assessment, questionnaire, number, form, 409,
                        "Iemand anders sloeg op hetzelfde moment antwoorden op. Er is niets opgeslagen; "
                        "controleer uw antwoorden en sla opnieuw op.")
    autosave = request.form.get("action") == "autosave"
    if autosave:
        # The page stays open: give it the new version and originals, so its next save builds on this one.
        return jsonify(saved=True, message=f"Opgeslagen om {datetime.now().strftime('%H:%M')}",
                       version=assessment.version,
                       originals={_original_field(qid): answer_token(*v) for qid, v in edited.items()})
    flash(f"Uw antwoorden bij {domain.title} zijn opgeslagen.", "success")
    action = request.form.get("action")
    if action == "next" and number < len(questionnaire.domains):
        return redirect(url_for("check.step", assessment_id=assessment.id, number=number + 1))
    if action == "previous" and number > 1:
        return redirect(url_for("check.step", assessment_id=assessment.id, number=number - 1))
    if action == "next":
        return redirect(url_for("check.overview", assessment_id=assessment.id))
    return redirect(url_for("check.step", assessment_id=assessment.id, number=number))


# action: previous, save, next or autosave; version: the assessment version the page showed;
# plus an o_<question id> per question (see answer_token)
ALLOWED_EXTRA_FIELDS = {"csrf_token", "action", "version"}


def _refused(assessment, questionnaire, number, form, status, message=None, *, rebase=False):
    """A save that stored nothing: JSON for autosave, else the page again with everything typed.

    The page keeps the version it was based on, so saving again still detects conflicts,
    unless `rebase`: after a reported conflict, saving again deliberately wins.
    """
    if message:
        form.form_errors.append(message)
    if request.form.get("action") == "autosave":
        text = form.form_errors[0] if form.form_errors else (
            "Niet opgeslagen: controleer de gemarkeerde vragen en gebruik de knop Opslaan.")
        return jsonify(saved=False, message=text, errors={k: v for k, v in form.errors.items() if k}), status
    domain = questionnaire.domains[number - 1]
    if rebase:  # the page now stands on the current answers
        return _render_step(assessment, questionnaire, number,
                            _form_states(form, domain, _current_tokens(assessment, domain)), form), status
    version = request.form.get("version", type=int)
    return _render_step(assessment, questionnaire, number, _form_states(form, domain), form, version), status


def _current_tokens(assessment, domain) -> dict[str, str]:
    return {qid: state.original for qid, state in _stored_states(assessment, domain).items()}


def _conflict_message(questionnaire, error: ConflictError) -> str:
    parts = []
    for conflict in error.conflicts:
        question = questionnaire.question(conflict.question_id)
        option = question.option(conflict.value) if conflict.value else None
        parts.append(f"‘{question.text}’ is intussen door {conflict.by or 'iemand anders'} gewijzigd in "
                     f"‘{option.label if option else 'geen antwoord'}’"
                     + (f" met toelichting ‘{conflict.comment}’" if conflict.comment else ""))
    return ("Niet opgeslagen, want een collega wijzigde intussen dezelfde vragen: " + "; ".join(parts)
            + ". Uw eigen invoer staat hieronder. Sla opnieuw op om die te bewaren.")


def _unexpected_fields(form, domain) -> set[str]:
    originals = {_original_field(q.id) for q in domain.questions}
    return set(request.form) - set(form._fields) - ALLOWED_EXTRA_FIELDS - originals


@dataclass(frozen=True)
class AnswerState:
    """What a question shows on a domain page: plain values, so a GET needs no WTForms."""

    value: str | None
    comment: str
    original: str  # answer_token of what the page first showed, sent back in a hidden field
    value_errors: tuple[str, ...] = ()
    comment_errors: tuple[str, ...] = ()


def answer_token(value: str | None, comment: str) -> str:
    """A short fingerprint of an answer as a page showed it: tells an edit from an untouched field."""
    return hashlib.sha256(f"{value or ''}\x1f{comment}".encode()).hexdigest()[:16]


def _original_field(question_id: str) -> str:
    return f"o_{question_id}"


def _stored_states(assessment, domain) -> dict[str, AnswerState]:
    stored = answer_values(assessment)
    states = {}
    for q in domain.questions:
        value, comment = stored.get(q.id, (None, ""))
        states[q.id] = AnswerState(value, comment, answer_token(value, comment))
    return states


def _form_states(form, domain, originals: dict[str, str] | None = None) -> dict[str, AnswerState]:
    """The user's input with its errors, so a failed save shows everything they entered.

    The originals stay those the page was first shown with, unless new ones are given.
    """
    states = {}
    for q in domain.questions:
        value, comment = form[answer_field_name(q.id)], form[comment_field_name(q.id)]
        original = (originals or {}).get(q.id) or request.form.get(_original_field(q.id), "")
        states[q.id] = AnswerState(value.data, comment.data or "", original,
                                   tuple(value.errors), tuple(comment.errors))
    return states


# Built once: every domain page asks for the advisers' feedback on that domain of the gemeente's previous check.
_previous_year = (select(func.max(Assessment.year))
                  .where(Assessment.gemeente_id == bindparam("gemeente_id"), Assessment.year < bindparam("year"))
                  .scalar_subquery())
PREVIOUS_FEEDBACK = (select(Feedback).join(Assessment, Assessment.id == Feedback.assessment_id)
                     .where(Assessment.gemeente_id == bindparam("gemeente_id"), Assessment.year == _previous_year,
                            Feedback.domain_id == bindparam("domain_id"))
                     .order_by(Feedback.created_at))


def _previous_feedback(assessment, domain_id: str) -> list[Feedback]:
    return db.session.scalars(PREVIOUS_FEEDBACK, {"gemeente_id": assessment.gemeente_id, "year": assessment.year,
                                                  "domain_id": domain_id}).all()


def _render_step(assessment, questionnaire, number, states, form=None, version=None):
    domain = questionnaire.domains[number - 1]
    return render_template(
        "check/step.html",
        assessment=assessment,
        questionnaire=questionnaire,
        domain=domain,
        number=number,
        states=states,
        form=form,
        version=assessment.version if version is None else version,
        can_edit=current_user.can_edit(assessment.gemeente_id) and not assessment.submitted,
        comment_max=COMMENT_MAX,
        previous_feedback=_previous_feedback(assessment, domain.id),
    )


def render_step_after_csrf_failure(message: str):
    """Re-show a domain page with what the user typed when its CSRF token failed."""
    args = request.view_args or {}
    assessment = visible_assessment(args["assessment_id"], edit=True)
    questionnaire = _questionnaire(assessment)
    number = args["number"]
    if not 1 <= number <= len(questionnaire.domains):
        abort(404)
    domain = questionnaire.domains[number - 1]
    form = domain_form_class(questionnaire, domain)()
    form.form_errors.append(message)
    version = request.form.get("version", type=int)
    return _render_step(assessment, questionnaire, number, _form_states(form, domain), form, version), 400


@bp.post("/checks/<int:assessment_id>/indienen")
@login_required
def submit(assessment_id: int):
    assessment = visible_assessment(assessment_id, edit=True)
    if assessment.submitted:
        flash("Deze check is al definitief.", "info")
        return redirect(url_for("check.results", assessment_id=assessment.id))
    report = report_for(_store(), assessment)
    if not report.result.complete:
        missing = report.result.total - report.result.answered
        flash(f"Nog {missing} vragen zonder antwoord. Beantwoord alle vragen ('weet ik niet' mag) "
              "voordat u de check definitief maakt.", "error")
        return redirect(url_for("check.overview", assessment_id=assessment.id))
    submit_assessment(assessment, current_user)
    record("assessment.submitted", assessment=assessment)
    db.session.commit()
    flash(f"De check {assessment.year} is definitief. De antwoorden kunnen niet meer worden gewijzigd.", "success")
    return redirect(url_for("check.results", assessment_id=assessment.id))


@bp.get("/checks/<int:assessment_id>/resultaten")
@login_required
def results(assessment_id: int):
    assessment = visible_assessment(assessment_id)
    report = report_for(_store(), assessment)
    national = benchmark(_store().current, Filters())
    feedback_form = None
    if current_user.role in ("adviseur", "admin") and assessment.submitted:
        feedback_form = FeedbackForm()
        feedback_form.domain_id.choices = [("", "De hele check")] + [(d.id, d.title) for d in report.questionnaire.domains]
    return render_template("check/results.html", assessment=assessment, report=report, chart=report.chart,
                           national=national if national[OVERALL].shown else None,
                           feedback_form=feedback_form)
