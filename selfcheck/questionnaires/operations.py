"""Upload, publish and withdraw questionnaire versions; move a draft to the current version.

These change the session but never commit: the view (or the command) decides when to commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select

from selfcheck.check.store import OVERALL, answer_values, refresh_scores
from selfcheck.core.carryover import Carrier, carry_over, comparable, dropped
from selfcheck.core.loader import QuestionnaireError, parse_questionnaire
from selfcheck.core.questionnaire import Question, Questionnaire
from selfcheck.enums import Status
from selfcheck.extensions import db
from selfcheck.models import Answer, Assessment, DomainScore, QuestionnaireVersion, Response, utcnow
from selfcheck.questionnaires.versions import QuestionnaireStore
from selfcheck.web.audit import record

MAX_BYTES = 2 * 1024 * 1024


class Refused(ValueError):
    """An action on a version that its state does not allow; the message is Dutch, for the page."""


def decode(raw: bytes) -> str:
    """An uploaded file's text; raise QuestionnaireError (as check-questions words it) when it is none."""
    if len(raw) > MAX_BYTES:
        raise QuestionnaireError([f"het bestand is {len(raw) // 1024} kB; een vragenlijst mag hoogstens 2 MB zijn"])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise QuestionnaireError([f"byte {error.start + 1}: het bestand is geen UTF-8-tekst"]) from None


def upload(store: QuestionnaireStore, source: str, filename: str, user) -> tuple[QuestionnaireVersion, bool]:
    """Validate and store a new version, not yet published: (its row, whether it is new).

    Raise QuestionnaireError with every problem, exactly as `flask check-questions` lists them;
    then nothing is stored."""
    if len(source.encode("utf-8")) > MAX_BYTES:
        raise QuestionnaireError(["de tekst is groter dan 2 MB, het maximum voor een vragenlijst"])
    questionnaire = parse_questionnaire(source)
    store.ensure_shipped()
    stored = db.session.get(QuestionnaireVersion, questionnaire.fingerprint)
    if stored is not None and stored.withdrawn_at is None:
        record(
            "questionnaire.uploaded", user=user, version=stored.version, fingerprint=stored.fingerprint, bestond=True
        )
        return stored, False
    same_number = db.session.scalars(
        select(QuestionnaireVersion.fingerprint).where(
            QuestionnaireVersion.version == questionnaire.version,
            QuestionnaireVersion.fingerprint != questionnaire.fingerprint,
            QuestionnaireVersion.withdrawn_at.is_(None),
        )
    ).first()
    if same_number:
        raise QuestionnaireError(
            [
                f"version: versie '{questionnaire.version}' bestaat al met een andere inhoud; "
                "geef deze versie een eigen versienummer"
            ]
        )
    if stored is None:
        stored = QuestionnaireVersion(fingerprint=questionnaire.fingerprint, version=questionnaire.version)
        db.session.add(stored)
    stored.source, stored.filename, stored.uploaded_by_id = source, filename[:200], user.id if user else None
    stored.created_at, stored.published_at, stored.published_by_id, stored.withdrawn_at = utcnow(), None, None, None
    store.add_parsed(questionnaire, source)
    record("questionnaire.uploaded", user=user, version=questionnaire.version, fingerprint=questionnaire.fingerprint)
    return stored, True


def record_refused(user, filename: str, problems: list[str]) -> None:
    """A refused upload changes no version, but who tried and what was wrong is on record."""
    record("questionnaire.refused", user=user, filename=filename[:200], problems=len(problems))


def uses(fingerprint: str) -> dict[str, int]:
    """How many checks use a version, by status."""
    rows = db.session.execute(
        select(Assessment.status, func.count())
        .where(Assessment.questionnaire_fingerprint == fingerprint)
        .group_by(Assessment.status)
    ).all()
    return dict(rows)


def publish(store: QuestionnaireStore, stored: QuestionnaireVersion, user) -> None:
    """Make a version current for every check started from now on (also an earlier one again)."""
    if stored.withdrawn_at is not None:
        raise Refused("Deze versie is ingetrokken; upload haar opnieuw om haar te publiceren.")
    if store.current_fingerprint() == stored.fingerprint:
        raise Refused("Deze versie is al de huidige.")
    store.ensure_shipped()
    stored.published_at, stored.published_by_id = utcnow(), user.id if user else None
    record("questionnaire.published", user=user, version=stored.version, fingerprint=stored.fingerprint)


def withdraw(store: QuestionnaireStore, stored: QuestionnaireVersion, user) -> None:
    """Take back a version no check uses; the version published before it is current again."""
    # Lock the row (PostgreSQL): a check started on this version, or a second withdrawal, waits
    # until this one has committed, and then sees it.
    db.session.execute(
        select(QuestionnaireVersion.fingerprint)
        .where(
            QuestionnaireVersion.published_at.is_not(None) | (QuestionnaireVersion.fingerprint == stored.fingerprint)
        )
        .with_for_update()
    ).all()
    db.session.refresh(stored)
    if stored.withdrawn_at is not None:
        raise Refused("Deze versie is al ingetrokken.")
    if uses(stored.fingerprint):
        raise Refused("Er zijn checks met deze versie; een versie die in gebruik is, blijft bestaan.")
    store.ensure_shipped()
    others = db.session.scalar(
        select(func.count()).where(
            QuestionnaireVersion.published_at.is_not(None),
            QuestionnaireVersion.withdrawn_at.is_(None),
            QuestionnaireVersion.fingerprint != stored.fingerprint,
        )
    )
    if stored.published_at is not None and not others:
        raise Refused("Dit is de enige gepubliceerde versie; publiceer eerst een andere.")
    stored.withdrawn_at = utcnow()
    record("questionnaire.withdrawn", user=user, version=stored.version, fingerprint=stored.fingerprint)


# --- a draft moves to the current version -------------------------------------------------------


@dataclass(frozen=True)
class Carried:
    question: Question  # in the new version
    value: str
    comment: str


@dataclass(frozen=True)
class Move:
    """What moving a draft to `new` does to its shared answers."""

    old: Questionnaire
    new: Questionnaire
    carried: tuple[Carried, ...]  # answered in the new version, in its order
    lost: tuple[Question, ...]  # old questions whose answer no new question takes
    open: tuple[Question, ...]  # new questions without an answer after the move (comments may stay)


def movable(store: QuestionnaireStore, assessment: Assessment) -> Questionnaire | None:
    """The current version, if this draft may move to it: published after the draft's own version,
    and with a mapping from it (without one every answer would be lost)."""
    if assessment.status != Status.CONCEPT.value:
        return None
    current = store.current
    if current.fingerprint == assessment.questionnaire_fingerprint:
        return None
    if not comparable(store.get(assessment.questionnaire_fingerprint), current):
        return None
    own, newer = assessment.questionnaire_version, store.stored(current.fingerprint)
    if own.published_at and newer and newer.published_at and newer.published_at <= own.published_at:
        return None  # an older version published again: moving back is not offered
    return current


def _lost(carrier: Carrier, old: Questionnaire, new: Questionnaire, values) -> list[str]:
    """Old questions whose answer or comment no question of `new` takes."""
    reached = {old_id for _, sources in carrier.routes for old_id, _ in sources}
    comment_only = {q for q, (v, c) in values.items() if v is None and c and q not in reached}
    return [q.id for q in old.questions if q.id in comment_only or q.id in dropped(old, new, values)]


def plan_move(store: QuestionnaireStore, assessment: Assessment, new: Questionnaire) -> Move:
    old = store.get(assessment.questionnaire_fingerprint)
    before = answer_values(assessment)
    after = carry_over(old, new, before)
    carried = tuple(
        Carried(q, after[q.id][0], after[q.id][1]) for q in new.questions if after.get(q.id, (None, ""))[0] is not None
    )
    answered = {c.question.id for c in carried}
    return Move(
        old,
        new,
        carried,
        tuple(old.question(qid) for qid in _lost(Carrier(old, new), old, new, before)),
        tuple(q for q in new.questions if q.id not in answered),
    )


def move_draft(store: QuestionnaireStore, assessment: Assessment, new: Questionnaire, user) -> Move:
    """Put a draft on `new`: every response's answers (the shared ones and each respondent's) go
    through the mapping; what has no counterpart reopens. Raises the check's version, so a page
    still open on the old version cannot save over it."""
    move = plan_move(store, assessment, new)
    old = move.old
    carrier = Carrier(old, new)
    version = store.ensure_stored(new)
    domain_ids = {d.id for d in new.domains}
    for response in db.session.scalars(select(Response).where(Response.assessment_id == assessment.id)):
        answers = db.session.scalars(select(Answer).where(Answer.response_id == response.id)).all()
        kept = {a.question_id: a for a in answers}
        values = {a.question_id: (a.value, a.comment) for a in answers}
        db.session.execute(delete(Answer).where(Answer.response_id == response.id))
        for qid, (value, comment) in carrier(values).items():
            # the old answer that decided this one keeps its author, time and consensus reason
            picked = carrier.pick(qid, values)
            same = kept.get(picked.source) if picked and picked.source else None
            unchanged = same is not None and same.question_id == qid and same.value == value
            db.session.add(
                Answer(
                    response_id=response.id,
                    question_id=qid,
                    value=value,
                    comment=comment,
                    updated_at=same.updated_at if same else utcnow(),
                    updated_by_id=same.updated_by_id if same else (user.id if user else None),
                    # an unchanged question keeps its version (so "carried over from last year" still shows)
                    version=same.version if unchanged else 1,
                    reason=same.reason if same and value is not None else None,
                )
            )
        if response.domains is not None:  # a respondent invited for some domains keeps those that remain
            response.domains = [d for d in response.domains if d in domain_ids]
        db.session.expire(response, ["answers"])
    db.session.execute(
        delete(DomainScore).where(
            DomainScore.assessment_id == assessment.id,
            DomainScore.domain_id.not_in([d.id for d in new.domains] + [OVERALL]),
        )
    )
    assessment.questionnaire_version = version
    assessment.version += 1
    assessment.updated_at = utcnow()
    db.session.flush()
    refresh_scores(store, assessment)
    record(
        "assessment.moved",
        assessment=assessment,
        user=user,
        van=old.version,
        naar=new.version,
        overgenomen=len(move.carried),
        vervallen=len(move.lost),
        open=len(move.open),
    )
    return move
