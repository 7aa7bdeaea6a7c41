"""What a report shows beside the check itself: where the gemeente stands nationally, last year's
scores, the estimated number of KOPP/KOV children, who answered and when.

Read from the database once per render; `stamp` says when any of it changed, for the PDF cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from selfcheck.advisers.queries import MIN_GROUP, SIZE_CLASSES, Filters, Spread, benchmark, size_class
from selfcheck.check.store import OVERALL
from selfcheck.core.questionnaire import Questionnaire
from selfcheck.enums import Perspective, Status
from selfcheck.extensions import db
from selfcheck.models import Assessment, DomainScore


@dataclass(frozen=True)
class Estimate:
    """The estimated number of KOPP/KOV children: the gemeente's minors times the national share."""

    children: int
    minors: int
    minors_year: int | None
    share: float
    share_year: int
    source: str
    note: str


@dataclass(frozen=True)
class Group:
    """A group the gemeente belongs to (its jeugdregio, its size class), with its spread per domain."""

    label: str  # "jeugdregio West-Brabant-Oost", "gemeenten van 100.000 inwoners of meer"
    spread: dict[str, Spread]

    @property
    def n(self) -> int:
        return self.spread[OVERALL].n

    @property
    def shown(self) -> bool:
        return self.spread[OVERALL].shown


@dataclass(frozen=True)
class ReportContext:
    national: dict[str, Spread] | None  # None when too few gemeenten have a definitive check
    groups: tuple[Group, ...]  # shown or not: the report says why a group has no figures
    previous_year: int | None
    previous_version: str | None  # the questionnaire version last year's check used
    previous: dict[str, int | None]  # domain id (and OVERALL) -> last definitive check's score
    estimate: Estimate | None
    perspectives: tuple[str, ...]  # the respondents who submitted, by perspective, never by name
    started: datetime
    submitted: datetime | None
    min_group: int = MIN_GROUP


def previous_check(assessment: Assessment) -> Assessment | None:
    """The gemeente's definitive check before this one."""
    return db.session.scalars(
        select(Assessment)
        .where(
            Assessment.gemeente_id == assessment.gemeente_id,
            Assessment.year < assessment.year,
            Assessment.status == Status.DEFINITIEF.value,
        )
        .order_by(Assessment.year.desc())
        .limit(1)
    ).first()


def report_context(assessment: Assessment, questionnaire: Questionnaire) -> ReportContext:
    national = benchmark(questionnaire, Filters())
    gemeente = assessment.gemeente
    groups = []
    if gemeente.jeugdregio:
        groups.append(
            Group(f"jeugdregio {gemeente.jeugdregio}", benchmark(questionnaire, Filters(region=gemeente.jeugdregio)))
        )
    size = size_class(gemeente.inhabitants)
    if size:
        groups.append(Group(f"gemeenten met {SIZE_CLASSES[size][0]}", benchmark(questionnaire, Filters(size=size))))
    previous = previous_check(assessment)
    scores = (
        dict(
            db.session.execute(
                select(DomainScore.domain_id, DomainScore.score).where(DomainScore.assessment_id == previous.id)
            ).all()
        )
        if previous
        else {}
    )
    share = questionnaire.estimate
    estimate = None
    if share and gemeente.minors:
        estimate = Estimate(
            children=share.children(gemeente.minors),
            minors=gemeente.minors,
            minors_year=gemeente.minors_year,
            share=share.share,
            share_year=share.year,
            source=share.source,
            note=share.note,
        )
    perspectives = sorted(
        {Perspective(r.perspective).label for r in assessment.responses if r.perspective and r.submitted_at}
    )
    return ReportContext(
        national=national if national[OVERALL].shown else None,
        groups=tuple(groups),
        previous_year=previous.year if previous else None,
        previous_version=previous.questionnaire_version.version if previous else None,
        previous=scores,
        estimate=estimate,
        perspectives=tuple(perspectives),
        started=assessment.created_at,
        submitted=assessment.submitted_at,
    )


def stamp(assessment: Assessment) -> str:
    """Changes whenever the context of this check's report may have: another gemeente's definitive
    check (the national and group figures), last year's check, the gemeente's minors, a respondent submitting."""
    count, latest = db.session.execute(
        select(func.count(), func.max(Assessment.updated_at)).where(Assessment.status == Status.DEFINITIEF.value)
    ).one()
    gemeente = assessment.gemeente
    responses = sorted((r.id, str(r.submitted_at)) for r in assessment.responses)
    place = (gemeente.jeugdregio, gemeente.inhabitants, gemeente.minors, gemeente.minors_year)
    return f"{count}/{latest}/{place}/{responses}"
