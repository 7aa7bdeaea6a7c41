"""The check itself: start, fill in page by page, review, submit, results."""

from __future__ import annotations

import functools

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from selfcheck import policy
from selfcheck.advisers.forms import FeedbackForm
from selfcheck.advisers.queries import Filters, benchmark, gemeente_trend
from selfcheck.check import domain_page
from selfcheck.check.forms import NewAssessmentForm
from selfcheck.check.operations import carried_over, report_for, start_assessment, submit_assessment
from selfcheck.check.store import OVERALL
from selfcheck.core.plan import follow_up
from selfcheck.extensions import db
from selfcheck.plan.views import plan_for
from selfcheck.reports.background import prerender
from selfcheck.reports.context import previous_check
from selfcheck.web.audit import record
from selfcheck.web.errors import CSRF_MESSAGE, refuse

bp = Blueprint("check", __name__)


def _store():
    return current_app.extensions["questionnaire_store"]


@bp.get("/health")
def health():
    """For load balancers and as the ceiling in bench/pages.py: no database, no template."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/")
@login_required
def index():
    if policy.sees_all_gemeenten(current_user):
        return redirect(url_for("advisers.overview_page"))
    return redirect(url_for("check.gemeente", gemeente_id=current_user.gemeente_id))


@bp.get("/gemeenten/<int:gemeente_id>")
@login_required
def gemeente(gemeente_id: int):
    gemeente = policy.visible_gemeente(gemeente_id)
    return _gemeente_page(gemeente, NewAssessmentForm())


def _gemeente_page(gemeente, form):
    """The gemeente's home: its checks, the open draft to go on with, the plan's progress, the trend."""
    draft = next((a for a in gemeente.assessments if not a.submitted), None)
    planned = next((a for a in gemeente.assessments if a.submitted and a.actions), None)
    return render_template(
        "check/gemeente.html",
        gemeente=gemeente,
        form=form,
        draft=draft,
        planned=planned,
        plan=plan_for(planned) if planned else None,
        trend=gemeente_trend(gemeente.id),
        statuses={a.year: a.status_label for a in gemeente.assessments},
        current_questionnaire=_store().current,
        can_edit=policy.can_edit(current_user, gemeente.id),
    )


@bp.post("/gemeenten/<int:gemeente_id>/checks")
@login_required
def start(gemeente_id: int):
    gemeente = policy.editable_gemeente(gemeente_id)
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
    return _gemeente_page(gemeente, form), 422


@bp.get("/checks/<int:assessment_id>")
@login_required
def overview(assessment_id: int):
    assessment = policy.visible_assessment(assessment_id)
    report = report_for(_store(), assessment)
    return render_template(
        "check/overview.html",
        assessment=assessment,
        report=report,
        steps=_steps(assessment, report.questionnaire),
        can_edit=policy.can_edit(current_user, assessment.gemeente_id),
        carried=carried_over(assessment),
        last_plan=_last_plan(assessment),
    )


def _last_plan(assessment):
    """While a check is open: last year's plan, so its actions' stand is brought up to date first."""
    if assessment.submitted:
        return None
    previous = previous_check(assessment)
    return (previous, plan_for(previous)) if previous and previous.actions else None


# --- the domain pages (check/domain_page.py) -------------------------------------------------


def _steps(assessment, questionnaire) -> tuple[domain_page.Step, ...]:
    return domain_page.steps_for(questionnaire, lambda n: url_for("check.step", assessment_id=assessment.id, number=n))


def _page(assessment_id: int, number: int, *, edit: bool) -> domain_page.DomainPage:
    assessment = policy.visible_assessment(assessment_id, edit=edit)
    questionnaire = _store().get(assessment.questionnaire_fingerprint)
    if not 1 <= number <= len(questionnaire.domains):
        abort(404)
    return domain_page.DomainPage(
        assessment=assessment,
        questionnaire=questionnaire,
        number=number,
        steps=_steps(assessment, questionnaire),
        url=url_for("check.step", assessment_id=assessment.id, number=number),
        autosave_url=url_for("check.autosave", assessment_id=assessment.id, number=number),
        finish_url=url_for("check.overview", assessment_id=assessment.id),
        finish_label="Opslaan en naar het overzicht",
        overview_label="Overzicht",
        done_url=url_for("check.results", assessment_id=assessment.id),
        done_label="Naar de resultaten",
        editable=policy.can_edit(current_user, assessment.gemeente_id) and not assessment.submitted,
        read_only_message=domain_page.READ_ONLY,
        editor=current_user,
        feedback=functools.partial(domain_page.previous_feedback, assessment, questionnaire.domains[number - 1].id),
    )


@bp.get("/checks/<int:assessment_id>/stap/<int:number>")
@login_required
def step(assessment_id: int, number: int):
    return domain_page.show(_page(assessment_id, number, edit=False))


@bp.post("/checks/<int:assessment_id>/stap/<int:number>")
@login_required
def save_step(assessment_id: int, number: int):
    return domain_page.save(_page(assessment_id, number, edit=True))


@bp.post("/checks/<int:assessment_id>/stap/<int:number>/autosave")
@login_required
def autosave(assessment_id: int, number: int):
    return domain_page.autosave(_page(assessment_id, number, edit=True))


@bp.errorhandler(CSRFError)
def csrf_error(error):
    """A domain page whose token failed is shown again with everything typed; nothing is saved."""
    if request.endpoint == "check.save_step" and current_user.is_authenticated:
        args = request.view_args or {}
        return domain_page.after_csrf_failure(_page(args["assessment_id"], args["number"], edit=True), CSRF_MESSAGE)
    return refuse(400, CSRF_MESSAGE, title="Formulier verlopen")


@bp.get("/checks/<int:assessment_id>/indienen")
@login_required
def confirm_submit(assessment_id: int):
    """The confirmation step before making a check definitive: what it means, what is still open,
    and the button that does it (a POST to `submit`). Shows; changes nothing."""
    assessment = policy.visible_assessment(assessment_id, edit=True)
    if assessment.submitted:
        flash("Deze check is al definitief.", "info")
        return redirect(url_for("check.results", assessment_id=assessment.id))
    report = report_for(_store(), assessment)
    waiting = [r for r in assessment.responses if r.is_respondent and r.submitted_at is None]
    return render_template(
        "check/submit.html",
        assessment=assessment,
        report=report,
        steps=_steps(assessment, report.questionnaire),
        open_questions=report.result.total - report.result.answered,
        waiting_respondents=len(waiting),
    )


@bp.post("/checks/<int:assessment_id>/indienen")
@login_required
def submit(assessment_id: int):
    assessment = policy.visible_assessment(assessment_id, edit=True)
    if assessment.submitted:
        flash("Deze check is al definitief.", "info")
        return redirect(url_for("check.results", assessment_id=assessment.id))
    report = report_for(_store(), assessment)
    if not report.result.complete:
        missing = report.result.total - report.result.answered
        flash(
            f"Nog {missing} vragen zonder antwoord. Beantwoord alle vragen ('weet ik niet' mag) "
            "voordat u de check definitief maakt.",
            "error",
        )
        return redirect(url_for("check.overview", assessment_id=assessment.id))
    submit_assessment(assessment, current_user)
    try:
        record("assessment.submitted", assessment=assessment)  # flushes the status change
        db.session.commit()
    except StaleDataError:  # a save raised the version between our read and our update
        db.session.rollback()
        flash(
            "De check is niet definitief gemaakt, want iemand sloeg op hetzelfde moment antwoorden op. "
            "Controleer het overzicht en probeer het opnieuw.",
            "error",
        )
        return redirect(url_for("check.overview", assessment_id=assessment_id))
    prerender(assessment)  # the reports, rendered once this page has answered
    flash(f"De check {assessment.year} is definitief. De antwoorden kunnen niet meer worden gewijzigd.", "success")
    return redirect(url_for("check.results", assessment_id=assessment.id))


@bp.get("/checks/<int:assessment_id>/resultaten")
@login_required
def results(assessment_id: int):
    assessment = policy.visible_assessment(assessment_id)
    if assessment.submitted:  # a changed definitive check (its plan, say); a draft renders when asked
        prerender(assessment)
    report = report_for(_store(), assessment)
    national = benchmark(_store().current, Filters())
    feedback_form = None
    if policy.can_give_feedback(current_user) and assessment.submitted:
        feedback_form = FeedbackForm()
        feedback_form.domain_id.choices = [("", "De hele check")] + [
            (d.id, d.title) for d in report.questionnaire.domains
        ]
    return render_template(
        "check/results.html",
        assessment=assessment,
        report=report,
        chart=report.chart,
        national=national if national[OVERALL].shown else None,
        feedback_form=feedback_form,
        last_year=_followed_up(assessment, report),
    )


def _followed_up(assessment, report):
    """A definitive check after one with a plan: how many of last year's gaps closed, how many
    of its actions stalled."""
    previous = previous_check(assessment) if assessment.submitted else None
    if not previous or not previous.actions:
        return None
    advised = {a.recommendation.id for a in report.advice}
    outcomes = [follow_up(a.recommendation_id, a.status, advised) for a in previous.actions]
    return {
        "assessment": previous,
        "closed": sum(1 for o in outcomes if o.gap_closed),
        "stalled": sum(1 for o in outcomes if o.stalled),
        "total": len(outcomes),
    }
