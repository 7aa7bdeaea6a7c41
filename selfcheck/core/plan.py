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
