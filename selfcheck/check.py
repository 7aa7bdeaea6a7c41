"""The check itself: start, fill in page by page, review, submit, results."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .access import visible_assessment, visible_gemeente
from .assessments import answer_values, report_for, save_answers, start_assessment, submit_assessment
from .chart import radar
from .extensions import db
from .forms import COMMENT_MAX, NewAssessmentForm, answer_field_name, comment_field_name, domain_form_class
from .models import Assessment, Gemeente

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
        gemeenten = db.session.scalars(select(Gemeente).order_by(Gemeente.name)).all()
        return render_template("check/gemeenten.html", gemeenten=gemeenten)
    return redirect(url_for("check.gemeente", gemeente_id=current_user.gemeente_id))


@bp.get("/gemeenten/<int:gemeente_id>")
@login_required
def gemeente(gemeente_id: int):
    gemeente = visible_gemeente(gemeente_id)
    form = NewAssessmentForm()
    return render_template("check/gemeente.html", gemeente=gemeente, form=form,
                           can_edit=current_user.can_edit(gemeente.id))


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
                db.session.commit()
            except IntegrityError:  # a colleague started the same year a moment ago
                db.session.rollback()
                form.year.errors.append(f"Er is al een check voor {form.year.data}.")
            else:
                flash(f"De check {assessment.year} is gestart.", "success")
                return redirect(url_for("check.step", assessment_id=assessment.id, number=1))
    return render_template("check/gemeente.html", gemeente=gemeente, form=form, can_edit=True), 422


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

    form_class = domain_form_class(questionnaire, domain)
    form = form_class()
    autosave = request.form.get("action") == "autosave"
    unexpected = _unexpected_fields(form)
    if unexpected:
        form.form_errors.append(
            "Het formulier bevat velden die niet bij deze stap horen ("
            + ", ".join(sorted(unexpected)[:5]) + "). Er is niets opgeslagen."
        )
        if autosave:
            return jsonify(saved=False, message=form.form_errors[0]), 400
        return _render_step(assessment, questionnaire, number, _form_states(form, domain), form), 400
    if not form.validate():
        if autosave:
            return jsonify(saved=False, errors=form.errors,
                           message="Niet opgeslagen: controleer de gemarkeerde vragen en gebruik de knop Opslaan."), 422
        return _render_step(assessment, questionnaire, number, _form_states(form, domain), form), 422

    values = {
        q.id: (form[answer_field_name(q.id)].data, form[comment_field_name(q.id)].data)
        for q in domain.questions
    }
    save_answers(assessment, current_user, values)
    db.session.commit()
    if autosave:
        return jsonify(saved=True, message=f"Opgeslagen om {datetime.now().strftime('%H:%M')}")
    flash(f"Uw antwoorden bij {domain.title} zijn opgeslagen.", "success")
    action = request.form.get("action")
    if action == "next" and number < len(questionnaire.domains):
        return redirect(url_for("check.step", assessment_id=assessment.id, number=number + 1))
    if action == "previous" and number > 1:
        return redirect(url_for("check.step", assessment_id=assessment.id, number=number - 1))
    if action == "next":
        return redirect(url_for("check.overview", assessment_id=assessment.id))
    return redirect(url_for("check.step", assessment_id=assessment.id, number=number))


ALLOWED_EXTRA_FIELDS = {"csrf_token", "action"}  # action: previous, save, next or autosave


def _unexpected_fields(form) -> set[str]:
    return set(request.form) - set(form._fields) - ALLOWED_EXTRA_FIELDS


@dataclass(frozen=True)
class AnswerState:
    """What a question shows on a domain page: plain values, so a GET needs no WTForms."""

    value: str | None
    comment: str
    value_errors: tuple[str, ...] = ()
    comment_errors: tuple[str, ...] = ()


def _stored_states(assessment, domain) -> dict[str, AnswerState]:
    stored = answer_values(assessment)
    return {q.id: AnswerState(*stored.get(q.id, (None, ""))) for q in domain.questions}


def _form_states(form, domain) -> dict[str, AnswerState]:
    """The user's input with its errors, so a failed save shows everything they entered."""
    states = {}
    for q in domain.questions:
        value, comment = form[answer_field_name(q.id)], form[comment_field_name(q.id)]
        states[q.id] = AnswerState(value.data, comment.data or "", tuple(value.errors), tuple(comment.errors))
    return states


def _render_step(assessment, questionnaire, number, states, form=None):
    domain = questionnaire.domains[number - 1]
    return render_template(
        "check/step.html",
        assessment=assessment,
        questionnaire=questionnaire,
        domain=domain,
        number=number,
        states=states,
        form=form,
        can_edit=current_user.can_edit(assessment.gemeente_id) and not assessment.submitted,
        comment_max=COMMENT_MAX,
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
    return _render_step(assessment, questionnaire, number, _form_states(form, domain), form), 400


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
    db.session.commit()
    flash(f"De check {assessment.year} is definitief. De antwoorden kunnen niet meer worden gewijzigd.", "success")
    return redirect(url_for("check.results", assessment_id=assessment.id))


@bp.get("/checks/<int:assessment_id>/resultaten")
@login_required
def results(assessment_id: int):
    assessment = visible_assessment(assessment_id)
    report = report_for(_store(), assessment)
    chart = radar([(d.domain.title, d.score) for d in report.result.domains])
    return render_template("check/results.html", assessment=assessment, report=report, chart=chart)
