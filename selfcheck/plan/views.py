"""The plan pages: the plan of a definitive check, its focus domains, and one action at a time.

Beleidsmedewerkers of the gemeente change the plan; everyone who sees the check reads it. Every
change is recorded in the audit trail; two people changing one action never overwrite each other.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from selfcheck import policy
from selfcheck.check.operations import report_for
from selfcheck.core.plan import Plan, PlannedAction, follow_up, is_overdue, not_yet_planned, progress
from selfcheck.enums import ActionStatus
from selfcheck.extensions import db
from selfcheck.models import PlanAction, PlanFocus, utcnow
from selfcheck.plan import queries
from selfcheck.plan.forms import ActionForm, FocusForm
from selfcheck.reports.context import previous_check
from selfcheck.web.audit import record
from selfcheck.web.templating import today  # deadlines are Dutch calendar days

bp = Blueprint("plan", __name__)


def plan_for(assessment) -> Plan:
    """The plan of a check as plain values, for the report and the Word files."""
    day = today()
    actions = tuple(
        PlannedAction(
            title=a.title,
            domain_id=a.domain_id,
            owner=a.owner,
            partners=a.partners,
            due=a.due,
            status=a.status,
            status_note=a.status_note,
            success=a.success,
            overdue=is_overdue(a.status, a.due, day),
        )
        for a in assessment.actions
    )
    return Plan(
        focus=tuple(f.domain_id for f in assessment.focus),
        actions=actions,
        progress=progress(((a.status, a.due) for a in actions), day),
    )


def plan_stamp(assessment) -> str:
    """What of the plan shapes a report: changes with every saved action and focus."""
    return "|".join(
        [",".join(sorted(f.domain_id for f in assessment.focus)), str(today())]
        + [f"{a.id}:{a.version}" for a in assessment.actions]
    )


def _report(assessment):
    return report_for(current_app.extensions["questionnaire_store"], assessment)


def _domain_choices(report):
    return [SelectChoice(d.id, d.title) for d in report.questionnaire.domains]


@bp.get("/checks/<int:assessment_id>/plan")
@login_required
def plan(assessment_id: int):
    assessment = policy.plan_assessment(assessment_id)
    report = _report(assessment)
    actions = assessment.actions
    previous = _previous(assessment)
    advised = {a.recommendation.id for a in report.advice}
    carried = {a.carried_from_id for a in actions if a.carried_from_id}
    focus_form = FocusForm(formdata=None, domains=[f.domain_id for f in assessment.focus])
    focus_form.domains.choices = _domain_choices(report)
    return render_template(
        "plan/plan.html",
        assessment=assessment,
        report=report,
        actions=actions,
        focus=[f.domain_id for f in assessment.focus],
        focus_form=focus_form,
        progress=progress(((a.status, a.due) for a in actions), today()),
        overdue={a.id for a in actions if is_overdue(a.status, a.due, today())},
        suggestions=not_yet_planned(report.advice, (a.recommendation_id for a in actions if a.recommendation_id)),
        can_edit=policy.can_edit_plan(current_user, assessment),
        previous=previous,
        last_year=[(a, follow_up(a.recommendation_id, a.status, advised), a.id in carried) for a in previous.actions]
        if previous
        else [],
    )


def _previous(assessment):
    """The gemeente's definitive check before this one, whose plan this year's follows up."""
    return previous_check(assessment)


@bp.post("/checks/<int:assessment_id>/plan/overnemen")
@login_required
def carry_over(assessment_id: int):
    """Last year's open actions into this year's plan, each once; what is done or stopped stays."""
    assessment = policy.plan_assessment(assessment_id, edit=True)
    previous = _previous(assessment)
    carried = {a.carried_from_id for a in assessment.actions}
    copied = [
        PlanAction(
            assessment=assessment,
            carried_from_id=old.id,
            domain_id=old.domain_id,
            recommendation_id=old.recommendation_id,
            title=old.title,
            owner=old.owner,
            partners=old.partners,
            due=old.due,
            success=old.success,
            status=old.status,
            updated_by_id=current_user.id,
        )
        for old in (previous.actions if previous else [])
        if ActionStatus(old.status).is_open and old.id not in carried
    ]
    db.session.add_all(copied)
    if copied:
        record("plan.actions_carried_over", assessment=assessment, count=len(copied), year=previous.year)
    db.session.commit()
    flash(
        f"{len(copied)} lopende {'actie' if len(copied) == 1 else 'acties'} van {previous.year} overgenomen."
        if copied
        else "Er waren geen lopende acties meer om over te nemen.",
        "success",
    )
    return redirect(url_for("plan.plan", assessment_id=assessment.id) + "#vorig-jaar")


@bp.post("/checks/<int:assessment_id>/plan/focus")
@login_required
def focus(assessment_id: int):
    assessment = policy.plan_assessment(assessment_id, edit=True)
    form = FocusForm()
    form.domains.choices = _domain_choices(_report(assessment))
    if not form.validate():
        flash("Kies alleen domeinen uit de lijst.", "error")
        return redirect(url_for("plan.plan", assessment_id=assessment.id))
    assessment.focus = [PlanFocus(domain_id=d) for d in form.domains.data]
    record("plan.focus_saved", assessment=assessment, domains=form.domains.data)
    db.session.commit()
    flash("De focus van het plan is opgeslagen.", "success")
    return redirect(url_for("plan.plan", assessment_id=assessment.id) + "#focus")


@bp.route("/checks/<int:assessment_id>/plan/acties/nieuw", methods=["GET", "POST"])
@login_required
def new_action(assessment_id: int):
    assessment = policy.plan_assessment(assessment_id, edit=True)
    report = _report(assessment)
    form = ActionForm()
    form.domain.choices = [SelectChoice("", "Kies een domein"), *_domain_choices(report)]
    advice = {a.recommendation.id: a for a in report.advice}
    if request.method == "GET" and request.args.get("advies") in advice:
        recommendation = advice[request.args["advies"]].recommendation
        form.title.data = recommendation.title
        form.domain.data = recommendation.domain_id
        form.recommendation.data = recommendation.id
    if request.method == "POST" and form.validate():
        action = PlanAction(assessment=assessment, updated_by_id=current_user.id)
        _fill(action, form, recommendation_id=form.recommendation.data if form.recommendation.data in advice else None)
        db.session.add(action)
        record("plan.action_added", assessment=assessment, title=action.title)
        db.session.commit()
        flash(f"De actie ‘{action.title}’ staat in het plan.", "success")
        return redirect(url_for("plan.plan", assessment_id=assessment.id) + f"#actie-{action.id}")
    status = 422 if form.errors else 200
    return render_template("plan/action.html", assessment=assessment, form=form, action=None), status


@bp.route("/checks/<int:assessment_id>/plan/acties/<int:action_id>", methods=["GET", "POST"])
@login_required
def action(assessment_id: int, action_id: int):
    assessment = policy.plan_assessment(assessment_id, edit=True)
    action = policy.plan_action(assessment, action_id)
    form = ActionForm(obj=action if request.method == "GET" else None)
    form.domain.choices = [SelectChoice("", "Kies een domein"), *_domain_choices(_report(assessment))]
    if request.method == "GET":
        form.domain.data = action.domain_id
        form.version.data = action.version
    conflict = False
    if request.method == "POST" and form.validate():
        if form.version.data != action.version:
            # someone saved this action after this form was opened: keep both, let the user choose
            conflict = True
            form.version.data, form.version.raw_data = action.version, [str(action.version)]
        else:
            was = action.status
            _fill(action, form, recommendation_id=action.recommendation_id)
            action.updated_by_id = current_user.id
            detail = {"title": action.title}
            if action.status != was:
                detail["status"] = action.status
            record("plan.action_changed", assessment=assessment, **detail)
            db.session.commit()
            flash(f"De actie ‘{action.title}’ is opgeslagen.", "success")
            return redirect(url_for("plan.plan", assessment_id=assessment.id) + f"#actie-{action.id}")
    status = 409 if conflict else 422 if form.errors else 200
    return render_template(
        "plan/action.html", assessment=assessment, form=form, action=action, conflict=conflict
    ), status


def _fill(action: PlanAction, form: ActionForm, *, recommendation_id: str | None) -> None:
    action.title = form.title.data
    action.domain_id = form.domain.data
    action.owner = form.owner.data
    action.partners = form.partners.data or ""
    action.due = form.due.data
    action.success = form.success.data or ""
    action.status = ActionStatus(form.status.data).value
    action.status_note = form.status_note.data or ""
    action.recommendation_id = recommendation_id
    action.updated_at = utcnow()


@bp.get("/adviseur/plannen")
@login_required
def advisers():
    """Every gemeente's plan of one year: per domain nationally, and per gemeente, overdue first."""
    if not policy.uses_adviser_pages(current_user):
        abort(403)
    years = queries.plan_years()
    year = request.args.get("jaar", type=int)
    year = year if year in years else (years[0] if years else None)
    return render_template(
        "plan/advisers.html",
        years=years,
        year=year,
        questionnaire=current_app.extensions["questionnaire_store"].current,
        by_domain=queries.national_by_domain(today(), year) if year else {},
        plans=queries.per_gemeente(today(), year) if year else [],
    )
