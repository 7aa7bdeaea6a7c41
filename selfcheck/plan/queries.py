"""Plans across gemeenten, for advisers: counted in SQL, so only the totals come back to Python."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from selfcheck.core.plan import Progress
from selfcheck.enums import ActionStatus, Status
from selfcheck.extensions import db
from selfcheck.models import Assessment, Gemeente, PlanAction


def _counts(today: date):
    """The Progress columns as SQL sums over PlanAction rows."""
    open_ = PlanAction.status.in_([s.value for s in ActionStatus if s.is_open])

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return (
        count(PlanAction.status == ActionStatus.GEPLAND.value).label("planned"),
        count(PlanAction.status == ActionStatus.BEZIG.value).label("underway"),
        count(PlanAction.status == ActionStatus.GEREED.value).label("done"),
        count(PlanAction.status == ActionStatus.GESTOPT.value).label("stopped"),
        count(open_ & (PlanAction.due < today)).label("overdue"),
    )


def _progress(row) -> Progress:
    return Progress(row.planned, row.underway, row.done, row.stopped, row.overdue)


@dataclass(frozen=True)
class GemeentePlan:
    gemeente_id: int
    gemeente: str
    assessment_id: int
    year: int
    progress: Progress


def _scope(query, year: int | None):
    query = query.join(Assessment, Assessment.id == PlanAction.assessment_id).where(
        Assessment.status == Status.DEFINITIEF.value
    )
    return query.where(Assessment.year == year) if year else query


def national_by_domain(today: date, year: int | None = None) -> dict[str, Progress]:
    """Per domain id: the actions of every definitive check's plan (of one year, if given)."""
    query = _scope(select(PlanAction.domain_id, *_counts(today)), year).group_by(PlanAction.domain_id)
    return {row.domain_id: _progress(row) for row in db.session.execute(query)}


def per_gemeente(today: date, year: int | None = None) -> list[GemeentePlan]:
    """Per plan (gemeente and year): how far it is, most overdue first, then by name."""
    overdue = _counts(today)[-1]
    query = (
        _scope(
            select(Gemeente.id, Gemeente.name, Assessment.id.label("assessment_id"), Assessment.year, *_counts(today)),
            year,
        )
        .join(Gemeente, Gemeente.id == Assessment.gemeente_id)
        .group_by(Gemeente.id, Gemeente.name, Assessment.id, Assessment.year)
        .order_by(overdue.desc(), Gemeente.name, Assessment.year.desc())
    )
    return [
        GemeentePlan(row.id, row.name, row.assessment_id, row.year, _progress(row)) for row in db.session.execute(query)
    ]


@dataclass(frozen=True)
class YearPlans:
    year: int
    plans: int  # definitive checks of that year with at least one action
    progress: Progress


def per_year(today: date) -> list[YearPlans]:
    """Per year of the checks, oldest first: how many plans there are and how far their actions are,
    beside the score trend on the advisers' trends page."""
    query = (
        _scope(select(Assessment.year, func.count(func.distinct(Assessment.id)).label("plans"), *_counts(today)), None)
        .group_by(Assessment.year)
        .order_by(Assessment.year)
    )
    return [YearPlans(row.year, row.plans, _progress(row)) for row in db.session.execute(query)]


def plan_years() -> list[int]:
    """The years that have a definitive check with a plan, newest first."""
    query = (
        select(Assessment.year)
        .join(PlanAction, PlanAction.assessment_id == Assessment.id)
        .where(Assessment.status == Status.DEFINITIEF.value)
        .distinct()
        .order_by(Assessment.year.desc())
    )
    return list(db.session.scalars(query))
