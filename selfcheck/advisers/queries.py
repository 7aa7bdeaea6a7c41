"""Adviser views on many gemeenten: every figure is aggregated in SQL over the stored scores
(DomainScore) and answers; only aggregates and page-sized row sets come back to Python."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select

from selfcheck.check.store import OVERALL
from selfcheck.core.questionnaire import Questionnaire
from selfcheck.extensions import db
from selfcheck.models import Answer, Assessment, DomainScore, Gemeente, Response

MIN_GROUP = 5  # smaller groups get no benchmark: their figures would point at single gemeenten
SIZE_CLASSES = {
    # id: (label, from inhabitants, up to)
    "klein": ("tot 20.000 inwoners", 0, 20_000),
    "middel": ("20.000 tot 50.000 inwoners", 20_000, 50_000),
    "groot": ("50.000 tot 100.000 inwoners", 50_000, 100_000),
    "zeer_groot": ("100.000 inwoners of meer", 100_000, None),
}
PER_PAGE = 50


def size_class(inhabitants: int | None) -> str | None:
    for key, (_, low, high) in SIZE_CLASSES.items():
        if inhabitants is not None and inhabitants >= low and (high is None or inhabitants < high):
            return key
    return None


@dataclass(frozen=True)
class Filters:
    province: str = ""
    size: str = ""
    year: int | None = None
    status: str = "definitief"  # definitief, concept or alle
    region: str = ""

    def gemeente_conditions(self) -> list:
        conditions = []
        if self.province:
            conditions.append(Gemeente.province == self.province)
        if self.region:
            conditions.append(Gemeente.jeugdregio == self.region)
        if self.size in SIZE_CLASSES:
            _, low, high = SIZE_CLASSES[self.size]
            conditions.append(Gemeente.inhabitants >= low)
            if high is not None:
                conditions.append(Gemeente.inhabitants < high)
        return conditions


def latest_assessments(filters: Filters):
    """Per gemeente its latest assessment within the filters: a subquery of assessment ids."""
    conditions = filters.gemeente_conditions()
    if filters.status in ("definitief", "concept"):
        conditions.append(Assessment.status == filters.status)
    if filters.year:
        conditions.append(Assessment.year == filters.year)
    latest_year = (
        select(Assessment.gemeente_id, func.max(Assessment.year).label("year"))
        .join(Gemeente, Gemeente.id == Assessment.gemeente_id)
        .where(*conditions)
        .group_by(Assessment.gemeente_id)
        .subquery()
    )
    return (
        select(Assessment.id.label("assessment_id"))
        .join(
            latest_year,
            and_(latest_year.c.gemeente_id == Assessment.gemeente_id, latest_year.c.year == Assessment.year),
        )
        .subquery()
    )


def _score_columns(domain_ids: list[str]):
    """One column per domain (and overall): score and level rank, pivoted in SQL."""
    columns = []
    for domain_id in domain_ids:
        columns.append(func.max(case((DomainScore.domain_id == domain_id, DomainScore.score))).label(f"s_{domain_id}"))
        columns.append(
            func.max(case((DomainScore.domain_id == domain_id, DomainScore.level_id))).label(f"l_{domain_id}")
        )
    return columns


@dataclass
class OverviewPage:
    rows: list
    total: int
    page: int
    pages: int
    domain_ids: list[str] = field(default_factory=list)


SORTABLE = {"naam": Gemeente.name, "jaar": Assessment.year, "inwoners": Gemeente.inhabitants}


def overview(
    questionnaire: Questionnaire, filters: Filters, sort: str = "naam", descending: bool = False, page: int = 1
) -> OverviewPage:
    domain_ids = [OVERALL] + [d.id for d in questionnaire.domains]
    latest = latest_assessments(filters)
    scores = (
        select(DomainScore.assessment_id, *_score_columns(domain_ids))
        .where(DomainScore.assessment_id.in_(select(latest.c.assessment_id)))
        .group_by(DomainScore.assessment_id)
        .subquery()
    )
    query = (
        select(
            Gemeente.id.label("gemeente_id"),
            Gemeente.name,
            Gemeente.code,
            Gemeente.province,
            Gemeente.jeugdregio,
            Gemeente.inhabitants,
            Assessment.id.label("assessment_id"),
            Assessment.year,
            Assessment.status,
            *[column for column in scores.c if column.key != "assessment_id"],
        )
        .join(Assessment, Assessment.gemeente_id == Gemeente.id)
        .join(latest, latest.c.assessment_id == Assessment.id)
        .outerjoin(scores, scores.c.assessment_id == Assessment.id)
    )
    key = SORTABLE.get(sort)
    if key is None and sort.startswith("s_") and sort[2:] in domain_ids:
        key = scores.c[sort]
    key = key if key is not None else Gemeente.name
    order = key.desc() if descending else key.asc()
    # NULL scores (too few answers) always last, on every database
    query = query.order_by(case((key.is_(None), 1), else_=0), order, Gemeente.name)
    total = db.session.scalar(select(func.count()).select_from(latest))
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).mappings().all()
    return OverviewPage(rows, total, page, pages, domain_ids)


@dataclass(frozen=True)
class Spread:
    n: int
    median: float | None
    p25: float | None
    p75: float | None
    low: int | None
    high: int | None

    @property
    def shown(self) -> bool:
        return self.n >= MIN_GROUP


def _quantile(ordered: list[int], q: float) -> float:
    position = (len(ordered) - 1) * q
    below, above = int(position), min(int(position) + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def benchmark(questionnaire: Questionnaire, filters: Filters) -> dict[str, Spread]:
    """Median and spread per domain (and overall) over the latest assessment of each gemeente in the group."""
    latest = latest_assessments(filters)
    rows = db.session.execute(
        select(DomainScore.domain_id, DomainScore.score)
        .where(DomainScore.assessment_id.in_(select(latest.c.assessment_id)), DomainScore.score.is_not(None))
        .order_by(DomainScore.domain_id, DomainScore.score)
    ).all()
    by_domain: dict[str, list[int]] = {}
    for domain_id, score in rows:
        by_domain.setdefault(domain_id, []).append(score)
    return _spreads(questionnaire, by_domain)


def _spreads(questionnaire: Questionnaire, by_domain: dict[str, list[int]]) -> dict[str, Spread]:
    """Spread per domain (and overall) from each domain's scores in ascending order."""
    result = {}
    for domain_id in [OVERALL] + [d.id for d in questionnaire.domains]:
        ordered = by_domain.get(domain_id, [])
        if ordered:
            result[domain_id] = Spread(
                len(ordered),
                _quantile(ordered, 0.5),
                _quantile(ordered, 0.25),
                _quantile(ordered, 0.75),
                ordered[0],
                ordered[-1],
            )
        else:
            result[domain_id] = Spread(0, None, None, None, None, None)
    return result


def answer_distribution(filters: Filters) -> dict[str, dict[str, int]]:
    """Per question, how many gemeenten in the group gave each answer (COUNT in SQL)."""
    latest = latest_assessments(filters)
    rows = db.session.execute(
        select(Answer.question_id, Answer.value, func.count())
        .join(Response, Response.id == Answer.response_id)
        .where(
            Response.assessment_id.in_(select(latest.c.assessment_id)), Response.is_shared, Answer.value.is_not(None)
        )
        .group_by(Answer.question_id, Answer.value)
    ).all()
    distribution: dict[str, dict[str, int]] = {}
    for question_id, value, count in rows:
        distribution.setdefault(question_id, {})[value] = count
    return distribution


def group_size(filters: Filters) -> int:
    return db.session.scalar(select(func.count()).select_from(latest_assessments(filters)))


def regions(questionnaire: Questionnaire) -> list[dict]:
    """Per jeugdregio: how many gemeenten have a submitted check, and the median per domain."""
    names = db.session.scalars(
        select(Gemeente.jeugdregio).where(Gemeente.jeugdregio != "").distinct().order_by(Gemeente.jeugdregio)
    ).all()
    latest = latest_assessments(Filters())
    rows = db.session.execute(  # one query for all regions, not one per region
        select(Gemeente.jeugdregio, DomainScore.domain_id, DomainScore.score)
        .join(Assessment, Assessment.gemeente_id == Gemeente.id)
        .join(DomainScore, DomainScore.assessment_id == Assessment.id)
        .where(Assessment.id.in_(select(latest.c.assessment_id)), DomainScore.score.is_not(None))
        .order_by(Gemeente.jeugdregio, DomainScore.domain_id, DomainScore.score)
    ).all()
    by_region: dict[str, dict[str, list[int]]] = {name: {} for name in names}
    for region, domain_id, score in rows:
        if region in by_region:
            by_region[region].setdefault(domain_id, []).append(score)
    return [{"name": name, "spread": _spreads(questionnaire, by_region[name])} for name in names]


def level_distribution_per_year() -> list[tuple[int, str | None, int]]:
    """Nationally: how many submitted checks per year reached each overall level."""
    return db.session.execute(
        select(Assessment.year, DomainScore.level_id, func.count())
        .join(DomainScore, and_(DomainScore.assessment_id == Assessment.id, DomainScore.domain_id == OVERALL))
        .where(Assessment.status == "definitief")
        .group_by(Assessment.year, DomainScore.level_id)
        .order_by(Assessment.year)
    ).all()


def gemeente_trend(gemeente_id: int) -> dict[int, dict[str, int | None]]:
    """One gemeente's scores over the years: year -> domain id -> score, oldest first."""
    table: dict[int, dict[str, int | None]] = {}
    for year, domain_id, score in db.session.execute(
        select(Assessment.year, DomainScore.domain_id, DomainScore.score)
        .join(DomainScore, DomainScore.assessment_id == Assessment.id)
        .where(Assessment.gemeente_id == gemeente_id)
        .order_by(Assessment.year)
    ):
        table.setdefault(year, {})[domain_id] = score
    return table


def provinces() -> list[str]:
    return db.session.scalars(
        select(Gemeente.province).where(Gemeente.province != "").distinct().order_by(Gemeente.province)
    ).all()


def years() -> list[int]:
    return db.session.scalars(select(Assessment.year).distinct().order_by(Assessment.year.desc())).all()
