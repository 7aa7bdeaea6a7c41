"""Answers across questionnaire versions: what carries over to next year's check, and what compares.

Pure. Two versions with the same version string share their question ids. Otherwise only an explicit
mapping in the newer file (`mapping.from_version`) links them; without one nothing carries over, since
a question id alone does not promise the same meaning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .questionnaire import Question, Questionnaire
from .report import AnsweredQuestion, Report

Values = Mapping[str, tuple[str | None, str]]  # question id -> (option value or None, comment)


def _mapped(old: Questionnaire, new: Questionnaire) -> bool:
    return new.mapping is not None and new.mapping.from_version == old.version


def translate(
    old: Questionnaire, new: Questionnaire, question_id: str, value: str | None
) -> tuple[str, str | None] | None:
    """The new question id and value for an old answer; value None reopens it; None: no counterpart."""
    if old.version == new.version or old.fingerprint == new.fingerprint:
        question = new.question(question_id)
        if question is None:
            return None
        return question_id, value if value is not None and question.option(value) is not None else None
    if _mapped(old, new):
        return new.mapping.translate(question_id, value)
    return None


def carry_over(old: Questionnaire, new: Questionnaire, values: Values) -> dict[str, tuple[str | None, str]]:
    """A check's answers on `old`, as answers for a new check on `new`.

    An answer carries over when its question means the same; an option that has no counterpart
    reopens the question, keeping the comment. Split and new questions stay open.
    """
    carried = {}
    for question_id, (value, comment) in values.items():
        target = translate(old, new, question_id, value)
        if target is not None and (target[1] is not None or comment):
            carried[target[0]] = (target[1], comment)
    return carried


def counterpart(old: Questionnaire, new: Questionnaire, new_question_id: str) -> str | None:
    """The question of `old` that means the same as `new_question_id` in `new`, if any."""
    if old.version == new.version or old.fingerprint == new.fingerprint:
        return new_question_id if old.question(new_question_id) is not None else None
    if _mapped(old, new):
        return next((e.old for e in new.mapping.questions if e.new == new_question_id), None)
    return None


@dataclass(frozen=True)
class CompareRow:
    """One question of the newest version, with each check's answer to it (None: no counterpart)."""

    question: Question
    answers: tuple[AnsweredQuestion | None, ...]
    differs: bool


def side_by_side(base: Questionnaire, reports: Sequence[Report]) -> list[CompareRow]:
    """Answers of checks on any versions, in the rows of `base`, where the versions say it is the same question.

    Answers differ when their values, translated to `base`, differ; an answer without a counterpart
    in `base` (a reopened option) counts as different from every other.
    """
    rows = []
    for question in base.questions:
        cells, values = [], set()
        for report in reports:
            old_id = counterpart(report.questionnaire, base, question.id)
            answered = report.answers.get(old_id) if old_id else None
            cells.append(answered)
            if answered is None or answered.option is None:
                values.add(None)
            else:
                target = translate(report.questionnaire, base, old_id, answered.option.value)
                values.add(target[1] if target and target[1] else f"{id(report)}:{answered.option.value}")
        rows.append(CompareRow(question, tuple(cells), len(values) > 1))
    return rows
