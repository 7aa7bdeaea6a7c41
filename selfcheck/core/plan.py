"""The action plan's rules: what is overdue, how far a plan is, and which advice is not in it yet.

Pure: works on plain values (a status string, a due date, recommendation ids), so the pages, the
report and the advisers' figures count the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from selfcheck.enums import ActionStatus

from .advice import Advice


def is_overdue(status: str, due: date | None, today: date) -> bool:
    """An open action whose deadline has passed; a deadline of today is still on time."""
    return due is not None and ActionStatus(status).is_open and due < today


@dataclass(frozen=True)
class Progress:
    """How many actions stand where; `overdue` counts open actions past their deadline."""

    planned: int = 0
    underway: int = 0
    done: int = 0
    stopped: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.planned + self.underway + self.done + self.stopped

    @property
    def done_share(self) -> int | None:
        """Done as a whole percentage of the actions that were not stopped; None for no actions."""
        counted = self.total - self.stopped
        return round(100 * self.done / counted) if counted else None


def progress(actions: Iterable[tuple[str, date | None]], today: date) -> Progress:
    """`actions` as (status, due) pairs."""
    counts = dict.fromkeys(ActionStatus, 0)
    overdue = 0
    for status, due in actions:
        counts[ActionStatus(status)] += 1
        overdue += is_overdue(status, due, today)
    return Progress(
        planned=counts[ActionStatus.GEPLAND],
        underway=counts[ActionStatus.BEZIG],
        done=counts[ActionStatus.GEREED],
        stopped=counts[ActionStatus.GESTOPT],
        overdue=overdue,
    )


def not_yet_planned(advice: Sequence[Advice], planned_ids: Iterable[str]) -> tuple[Advice, ...]:
    """The advice that no action of the plan was made from, in the report's order."""
    planned = set(planned_ids)
    return tuple(a for a in advice if a.recommendation.id not in planned)


@dataclass(frozen=True)
class FollowUp:
    """Last year's action seen from this year's check: did the gap it was made for close?"""

    status: str
    gap_closed: bool | None  # None: an action of the gemeente's own, made for no recommendation

    @property
    def stalled(self) -> bool:
        """Still open a year on, and the gap is still there (or nobody can tell)."""
        return ActionStatus(self.status).is_open and not self.gap_closed


def follow_up(recommendation_id: str | None, status: str, advised_now: Iterable[str]) -> FollowUp:
    """`advised_now`: the recommendation ids this year's check gives."""
    if recommendation_id is None:
        return FollowUp(status, None)
    return FollowUp(status, recommendation_id not in set(advised_now))


@dataclass(frozen=True)
class PlannedAction:
    """An action as the report prints it."""

    title: str
    domain_id: str
    owner: str
    partners: str
    due: date | None
    status: str
    status_note: str
    success: str
    overdue: bool

    @property
    def status_label(self) -> str:
        return ActionStatus(self.status).label


@dataclass(frozen=True)
class Plan:
    """A check's plan as plain values: its focus domains, its actions and how far they are."""

    focus: tuple[str, ...]
    actions: tuple[PlannedAction, ...]
    progress: Progress
