"""Advisers' pages: overview, side by side, benchmarks, regions, trends, exports, feedback."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from selfcheck import mail, policy
from selfcheck.advisers.exports import assessment_json, overview_table, to_csv, to_xlsx
from selfcheck.advisers.forms import FeedbackForm
from selfcheck.advisers.queries import (
    MIN_GROUP,
    SIZE_CLASSES,
    Filters,
    answer_distribution,
    benchmark,
    group_size,
    level_distribution_per_year,
    overview,
    provinces,
    regions,
    years,
)
from selfcheck.check.operations import report_for
from selfcheck.core.carryover import side_by_side
from selfcheck.enums import Role
from selfcheck.extensions import db
from selfcheck.models import Assessment, Feedback, User
from selfcheck.plan import queries as plan_queries
from selfcheck.web.audit import record
from selfcheck.web.templating import today

bp = Blueprint("advisers", __name__)


@bp.before_request
@login_required
def _advisers_only():
    if not policy.uses_adviser_pages(current_user):
        abort(403)


def _questionnaire():
    return current_app.extensions["questionnaire_store"].current


def _filters() -> Filters:
    status = request.args.get("status", "definitief")
    return Filters(
        province=request.args.get("provincie", ""),
        size=request.args.get("grootte", "") if request.args.get("grootte", "") in SIZE_CLASSES else "",
        year=request.args.get("jaar", type=int),
        status=status if status in ("definitief", "concept", "alle") else "definitief",
        region=request.args.get("regio", ""),
    )


def _filter_args() -> dict:
    return {k: v for k, v in request.args.items() if k in ("provincie", "grootte", "jaar", "status", "regio") and v}


@bp.get("/adviseur/")
def overview_page():
    questionnaire = _questionnaire()
    filters = _filters()
    sort = request.args.get("sorteer", "naam")
    descending = request.args.get("richting") == "af"
    page = overview(questionnaire, filters, sort, descending, request.args.get("pagina", 1, type=int))
    return render_template(
        "advisers/overview.html",
        page=page,
        questionnaire=questionnaire,
        filters=filters,
        sort=sort,
        descending=descending,
        provinces=provinces(),
        years=years(),
        sizes=SIZE_CLASSES,
        filter_args=_filter_args(),
    )


@bp.get("/adviseur/export.<any(csv, xlsx):kind>")
def export(kind: str):
    table = overview_table(_questionnaire(), _filters(), all_years=request.args.get("alle_jaren") == "1")
    record("data.exported", format=kind, rows=len(table) - 1, filters=_filter_args())
    db.session.commit()
    name = f"kopp-kov-beleidscheck-overzicht.{kind}"
    if kind == "csv":
        body, mimetype = to_csv(table), "text/csv; charset=utf-8"
    else:
        body, mimetype = to_xlsx(table), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return body, 200, {"Content-Type": mimetype, "Content-Disposition": f'attachment; filename="{name}"'}


@bp.get("/checks/<int:assessment_id>/export.json")
def export_json(assessment_id: int):
    assessment = policy.visible_assessment(assessment_id)
    data = assessment_json(current_app.extensions["questionnaire_store"], assessment)
    record("data.exported", assessment=assessment, format="json")
    db.session.commit()
    return (
        jsonify(data),
        200,
        {"Content-Disposition": f'attachment; filename="check-{assessment.gemeente.code}-{assessment.year}.json"'},
    )


@bp.get("/adviseur/vergelijken")
def compare():
    """Two or more gemeenten (their latest submitted check), or chosen checks, side by side."""
    store = current_app.extensions["questionnaire_store"]
    ids = request.args.getlist("check", type=int)
    for gemeente_id in request.args.getlist("gemeente", type=int):
        latest = db.session.scalars(
            select(Assessment)
            .where(Assessment.gemeente_id == gemeente_id, Assessment.status == "definitief")
            .order_by(Assessment.year.desc())
            .limit(1)
        ).first()
        if latest is not None:
            ids.append(latest.id)
    if request.args.get("alle_jaren", type=int):
        ids += db.session.scalars(
            select(Assessment.id)
            .where(Assessment.gemeente_id == request.args.get("alle_jaren", type=int))
            .order_by(Assessment.year)
        ).all()
    assessments = [a for a in (db.session.get(Assessment, i) for i in dict.fromkeys(ids)) if a is not None][:20]
    if len(assessments) < 2:
        flash("Kies minstens twee gemeenten of checks om te vergelijken.", "error")
        return redirect(url_for("advisers.overview_page"))
    reports = [report_for(store, a) for a in assessments]
    # The rows follow the newest version among them; older checks' answers appear where the mapping links them.
    newest = max(zip(assessments, reports), key=lambda pair: (pair[0].year, pair[0].id))[1].questionnaire
    return render_template(
        "advisers/compare.html",
        assessments=assessments,
        reports=reports,
        questionnaire=newest,
        rows=side_by_side(newest, reports),
        versions=sorted({r.questionnaire.version for r in reports}),
    )


@bp.get("/adviseur/benchmark")
def benchmark_page():
    questionnaire = _questionnaire()
    filters = _filters()
    n = group_size(filters)
    return render_template(
        "advisers/benchmark.html",
        questionnaire=questionnaire,
        filters=filters,
        n=n,
        spread=benchmark(questionnaire, filters) if n >= MIN_GROUP else None,
        distribution=answer_distribution(filters) if n >= MIN_GROUP else None,
        provinces=provinces(),
        sizes=SIZE_CLASSES,
        years=years(),
        min_group=MIN_GROUP,
    )


@bp.get("/adviseur/regios")
def regions_page():
    questionnaire = _questionnaire()
    return render_template(
        "advisers/regions.html", questionnaire=questionnaire, regions=regions(questionnaire), min_group=MIN_GROUP
    )


@bp.get("/adviseur/trends")
def trends_page():
    questionnaire = _questionnaire()
    table: dict[int, dict[str | None, int]] = {}
    for year, level_id, count in level_distribution_per_year():
        table.setdefault(year, {})[level_id] = count
    return render_template(
        "advisers/trends.html", questionnaire=questionnaire, table=table, plans=plan_queries.per_year(today())
    )


@bp.post("/checks/<int:assessment_id>/feedback")
def add_feedback(assessment_id: int):
    if not policy.can_give_feedback(current_user):
        abort(403)
    assessment = policy.visible_assessment(assessment_id)
    if not assessment.submitted:
        abort(409)
    store = current_app.extensions["questionnaire_store"]
    form = FeedbackForm()
    form.domain_id.choices = [("", "De hele check")] + [
        (d.id, d.title) for d in store.get(assessment.questionnaire_fingerprint).domains
    ]
    if not form.validate_on_submit():
        # The results page again, with the Dutch error beside the field and what was typed kept.
        from selfcheck.check.store import OVERALL  # the one name of the check store this module needs

        report = report_for(store, assessment)
        national = benchmark(store.current, Filters())
        page = render_template(
            "check/results.html",
            assessment=assessment,
            report=report,
            chart=report.chart,
            national=national if national[OVERALL].shown else None,
            feedback_form=form,
        )
        return page, 422
    feedback = Feedback(
        assessment=assessment,
        domain_id=form.domain_id.data or None,
        author_id=current_user.id,
        text=form.text.data,
    )
    db.session.add(feedback)
    notify_feedback(assessment, feedback, dict(form.domain_id.choices))
    db.session.commit()
    flash("Uw feedback is opgeslagen; de gemeente ziet die bij de resultaten en in de volgende check.", "success")
    return redirect(url_for("check.results", assessment_id=assessment.id) + "#feedback")


def notify_feedback(assessment: Assessment, feedback: Feedback, domain_titles: dict) -> None:
    """Mail the gemeente's beleidsmedewerkers that an adviser left feedback (the text stays in the
    app, behind the log-in). No commit."""
    staff = db.session.scalars(
        select(User).where(
            User.gemeente_id == assessment.gemeente_id, User.role == Role.BELEIDSMEDEWERKER, User.active.is_(True)
        )
    ).all()
    link = url_for("check.results", assessment_id=assessment.id, _external=True) + "#feedback"
    for user in staff:
        mail.send(
            user.email,
            f"Feedback op uw KOPP/KOV Beleidscheck {assessment.year}",
            "feedback_notice",
            audit_action="feedback.mailed",
            audit={"assessment": assessment, "ontvanger": user.id},
            user_name=user.name,
            adviser=current_user.name,
            gemeente=assessment.gemeente.name,
            year=assessment.year,
            domain=domain_titles.get(feedback.domain_id) if feedback.domain_id else None,
            link=link,
        )
