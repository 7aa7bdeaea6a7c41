"""The save path: a check's answers read and written with plain statements, and its stored scores.

Every autosave of every user runs through here, so it is tuned (bench/pages.py, bench/load.py):
statements are built once at import, a save takes one query for the response and all its
answers, raises the assessment's version first (the optimistic lock), writes only what changed,
and then expires what the ORM session may still hold of those rows.
tests/test_store.py checks that this gives exactly the state the plain ORM would.

Nothing here commits: the view decides when to commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from selfcheck.core.scoring import score
from selfcheck.extensions import db
from selfcheck.models import Answer, Assessment, DomainScore, Response, User, utcnow
from selfcheck.questionnaires.versions import QuestionnaireStore

OVERALL = "_totaal"  # DomainScore.domain_id of the overall score


def shared_response(assessment: Assessment) -> Response:
    response = next((r for r in assessment.responses if r.is_shared), None)
    if response is None:
        response = Response(assessment=assessment)
        db.session.add(response)
    return response


# The statements of every domain page and every save, built once: building a statement and
# its cache key costs more than running it. Values come in as bind parameters.
_answers_of = (
    select(
        Response.id, Answer.id, Answer.question_id, Answer.value, Answer.comment, Answer.version, Answer.updated_by_id
    )
    .outerjoin(Answer, Answer.response_id == Response.id)
    .where(Response.assessment_id == bindparam("assessment_id"))
)
SELECT_SHARED_ANSWERS = _answers_of.where(Response.is_shared)
SELECT_RESPONSE_ANSWERS = _answers_of.where(Response.id == bindparam("response_id"))
_answer, _assessment, _score = Answer.__table__, Assessment.__table__, DomainScore.__table__
INSERT_ANSWER = _answer.insert()
UPDATE_ANSWER = (
    _answer.update()
    .where(_answer.c.id == bindparam("answer_id"))
    .values({c: bindparam(c) for c in ("value", "comment", "updated_at", "updated_by_id", "version")})
)
RAISE_VERSION = (
    _assessment.update()
    .where(_assessment.c.id == bindparam("assessment_id"), _assessment.c.version == bindparam("old_version"))
    .values(version=bindparam("new_version"), updated_at=bindparam("now"))
)
SELECT_SCORES = select(_score.c.domain_id, _score.c.score, _score.c.level_id, _score.c.level_rank).where(
    _score.c.assessment_id == bindparam("assessment_id")
)
INSERT_SCORE = _score.insert()
UPDATE_SCORE = (
    _score.update()
    .where(_score.c.assessment_id == bindparam("of_assessment"), _score.c.domain_id == bindparam("key"))
    .values({c: bindparam(c) for c in ("score", "level_id", "level_rank")})
)


def end_read_transaction() -> None:
    """End a page view's read-only transaction with COMMIT instead of the teardown's ROLLBACK.

    psycopg forgets its prepared statements on every ROLLBACK (it sends DEALLOCATE ALL), so each
    domain page view would cost the saves that follow theirs (bench/load.py). Called by the
    domain page's GET, the hot read path, when the session holds no unsaved change.
    """
    session = db.session()
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.commit()


def answer_values(assessment: Assessment) -> dict[str, tuple[str | None, str]]:
    """question id -> (option value or None, comment) of the gemeente's shared answers."""
    # Plain rows through the session's connection: every domain page runs this, and the
    # ORM's result processing would cost more than the query itself.
    rows = db.session.connection().execute(SELECT_SHARED_ANSWERS, {"assessment_id": assessment.id})
    return {qid: (value, comment) for _, _, qid, value, comment, _, _ in rows if qid is not None}


def respondent_answers(assessment: Assessment) -> list[tuple[Response, dict[str, str]]]:
    """Every respondent's response with its answers (option values), in invitation order."""
    respondents = [r for r in assessment.responses if r.is_respondent]
    values: dict[int, dict[str, str]] = {r.id: {} for r in respondents}
    if respondents:
        for response_id, qid, value in db.session.execute(
            select(Answer.response_id, Answer.question_id, Answer.value).where(
                Answer.response_id.in_(list(values)), Answer.value.is_not(None)
            )
        ):
            values[response_id][qid] = value
    return [(r, values[r.id]) for r in sorted(respondents, key=lambda r: r.id)]


@dataclass(frozen=True)
class Conflict:
    """An answer someone else changed after the version a save was based on."""

    question_id: str
    value: str | None
    comment: str
    by: str


class ConflictError(Exception):
    def __init__(self, conflicts: list[Conflict]):
        super().__init__(", ".join(c.question_id for c in conflicts))
        self.conflicts = conflicts


@dataclass(frozen=True)
class StoredAnswer:
    id: int
    value: str | None
    comment: str
    version: int
    updated_by_id: int | None


def _stored_answers(assessment: Assessment, response: Response | None) -> tuple[int, dict[str, StoredAnswer]]:
    """The response's id (the gemeente's own unless `response` is given) and all its answers, in one query."""
    db.session.flush()  # plain statements follow: let them see what the session holds
    if response is None:
        rows = db.session.connection().execute(SELECT_SHARED_ANSWERS, {"assessment_id": assessment.id}).all()
    else:
        rows = (
            db.session.connection()
            .execute(SELECT_RESPONSE_ANSWERS, {"assessment_id": assessment.id, "response_id": response.id})
            .all()
        )
    if not rows:  # the gemeente's own response does not exist yet
        new = shared_response(assessment)
        db.session.flush()
        return new.id, {}
    answers = {}
    for _, answer_id, qid, value, comment, version, updated_by_id in rows:
        if answer_id is not None:  # the outer join gives the response even without answers
            answers[qid] = StoredAnswer(answer_id, value, comment, version, updated_by_id)
    return rows[0][0], answers


def save_answers(
    assessment: Assessment,
    user: User | None,
    values: dict[str, tuple[str | None, str]],
    base_version: int | None = None,
    response: Response | None = None,
) -> dict[str, dict]:
    """Store the given answers; return what changed, per question: the option value before
    and after, and whether the comment changed (its text stays out of the audit trail).
    Empty (None, '') removes an answer.

    With `base_version` (the assessment version the user's page showed), an answer that
    someone else changed since then and that this save would change again raises
    ConflictError and nothing is stored; other answers merge. The assessment's version is
    then raised only if nobody saved in between (else StaleDataError, and the caller rolls back).

    Every save of every user runs this, so it writes with a handful of plain statements
    (bench/load.py) and then expires what the session may still hold of the rows it changed.
    """
    if assessment.submitted:
        raise ValueError("a submitted assessment is read-only")
    response_id, stored = _stored_answers(assessment, response)
    if base_version is not None:
        conflicts = [
            Conflict(qid, answer.value, answer.comment, _user_name(answer.updated_by_id))
            for qid, posted in values.items()
            if (answer := stored.get(qid)) is not None
            and answer.version > base_version
            and (answer.value, answer.comment) != posted
        ]
        if conflicts:
            raise ConflictError(conflicts)
    new_version = assessment.version + 1
    now = utcnow()
    user_id = user.id if user is not None else None
    inserts, updates, deletes, changes = [], [], [], {}
    for qid, (value, comment) in values.items():
        answer = stored.get(qid)
        before = (answer.value, answer.comment) if answer is not None else (None, "")
        if before == (value, comment):
            continue
        if answer is None:
            inserts.append(
                {
                    "response_id": response_id,
                    "question_id": qid,
                    "value": value,
                    "comment": comment,
                    "updated_at": now,
                    "updated_by_id": user_id,
                    "version": new_version,
                }
            )
        elif value is None and not comment:
            deletes.append(answer.id)
        else:
            updates.append(
                {
                    "answer_id": answer.id,
                    "value": value,
                    "comment": comment,
                    "updated_at": now,
                    "updated_by_id": user_id,
                    "version": new_version,
                }
            )
        changes[qid] = {"van": before[0], "naar": value, "toelichting_gewijzigd": before[1] != comment}
    if not changes:
        return changes
    # First the version: it fails if anyone saved since we read, and holds everyone else off until we commit.
    _raise_version(assessment, new_version, now)
    connection = db.session.connection()
    if inserts:
        connection.execute(INSERT_ANSWER, inserts)
    if updates:
        connection.execute(UPDATE_ANSWER, updates)
    if deletes:
        connection.execute(_answer.delete().where(_answer.c.id.in_(deletes)))
    _expire_written(assessment.id, response_id)
    # Scores follow from the gemeente's own option values only, not from comments.
    if (response is None or response.is_shared) and any(c["van"] != c["naar"] for c in changes.values()):
        after = {qid: a.value for qid, a in stored.items()}
        after.update((qid, value) for qid, (value, comment) in values.items())
        refresh_scores(current_app.extensions["questionnaire_store"], assessment, after)
    return changes


def _raise_version(assessment: Assessment, new_version: int, now) -> None:
    """Optimistic locking by hand: the same check the mapper's version counter makes on a flush."""
    bumped = db.session.connection().execute(
        RAISE_VERSION,
        {"assessment_id": assessment.id, "old_version": new_version - 1, "new_version": new_version, "now": now},
    )
    if bumped.rowcount != 1:
        raise StaleDataError(f"assessment {assessment.id} changed since version {new_version - 1}")
    set_committed_value(assessment, "version", new_version)
    set_committed_value(assessment, "updated_at", now)


def _expire_written(assessment_id: int, response_id: int | None = None) -> None:
    """Rows written with plain statements: make the session reload whatever it holds of them
    (the assessment's scores, and the answers of `response_id`)."""
    session = db.session()
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Answer) and obj.response_id == response_id:
            session.expire(obj)
        elif isinstance(obj, Response) and obj.id == response_id:
            session.expire(obj, ["answers"])
        elif isinstance(obj, DomainScore) and obj.assessment_id == assessment_id:
            session.expire(obj)
        elif isinstance(obj, Assessment) and obj.id == assessment_id:
            session.expire(obj, ["scores"])


def _user_name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id is not None else None
    return user.name if user is not None else ""


def refresh_scores(
    store: QuestionnaireStore, assessment: Assessment, answers: dict[str, str | None] | None = None
) -> None:
    """Store the core's scores of this assessment (for SQL aggregation); write only rows that
    changed. `answers`: question id -> option value, when the caller has them at hand. No commit."""
    questionnaire = store.get(assessment.questionnaire_fingerprint)
    if answers is None:
        answers = {q: v for q, (v, _) in answer_values(assessment).items()}
    result = score(questionnaire, {q: v for q, v in answers.items() if v is not None and questionnaire.question(q)})
    wanted = {d.domain.id: _score_row(d.score, d.level) for d in result.domains}
    wanted[OVERALL] = _score_row(result.score, result.level)
    connection = db.session.connection()
    current = {
        domain_id: {"score": value, "level_id": level_id, "level_rank": rank}
        for domain_id, value, level_id, rank in connection.execute(SELECT_SCORES, {"assessment_id": assessment.id})
    }
    changed = [
        {"of_assessment": assessment.id, "key": domain_id, **row}
        for domain_id, row in wanted.items()
        if domain_id in current and current[domain_id] != row
    ]
    if changed:
        connection.execute(UPDATE_SCORE, changed)
    missing = [
        {"assessment_id": assessment.id, "domain_id": domain_id, **row}
        for domain_id, row in wanted.items()
        if domain_id not in current
    ]
    if missing:
        connection.execute(INSERT_SCORE, missing)
    if changed or missing:
        _expire_written(assessment.id)


def _score_row(value: int | None, level) -> dict:
    return {"score": value, "level_id": level.id if level else None, "level_rank": level.rank if level else None}
