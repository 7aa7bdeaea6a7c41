"""The save path: a check's answers read and written with plain statements, and its stored scores.

Every autosave of every user runs through here, so it is tuned (bench/pages.py, bench/load.py):
statements are built once at import, a save takes one query for the response and all its
answers, writes only what changed, and then expires what the ORM session may still hold of
those rows. tests/test_store.py checks that this gives exactly the state the plain ORM would.

Conflicts are decided per question, never per assessment: a page sends, for every question, a
fingerprint of the answer it showed (`answer_token`). A save conflicts only where the user
changed a question that the server changed too since that fingerprint. Before it writes, a save
raises the assessment's version with `version = version + 1`, which takes the row's lock (and,
on SQLite, the database's write lock) until the commit; if anybody saved between our read and
that lock, the answers are read again under it. So saves to different questions never refuse
each other, and the same question is never overwritten unseen.

Only what is an option of its question is an answer: a stored value that is not (an old or
hand-made row) is logged and read as "no answer", so it can never break a page, a report or
an export.

Nothing here commits: the view decides when to commit.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
from dataclasses import dataclass
from fractions import Fraction

from flask import current_app
from sqlalchemy import bindparam, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.attributes import set_committed_value

from selfcheck.core.questionnaire import Level, Questionnaire
from selfcheck.core.scoring import (
    DomainResult,
    cap_met,
    overall_weights,
    practised_level,
    round_half_up,
    score_domain,
)
from selfcheck.enums import Status
from selfcheck.extensions import db
from selfcheck.models import Answer, Assessment, DomainScore, Response, User, utcnow
from selfcheck.questionnaires.versions import QuestionnaireStore
from selfcheck.web.audit import INSERT_EVENT

OVERALL = "_totaal"  # DomainScore.domain_id of the overall score

logger = logging.getLogger(__name__)


def answer_token(value: str | None, comment: str) -> str:
    """A short fingerprint of an answer as a page showed it: tells an edit from an untouched field,
    and a colleague's change from the answer the page was based on."""
    return hashlib.sha256(f"{value or ''}\x1f{comment}".encode()).hexdigest()[:16]


# --- what counts as an answer ------------------------------------------------------------------

_options: dict[str, dict[str, frozenset[str]]] = {}  # fingerprint -> question id -> option values


def options_by_question(questionnaire: Questionnaire) -> dict[str, frozenset[str]]:
    """Question id -> the values that are an answer to it; built once per questionnaire."""
    found = _options.get(questionnaire.fingerprint)
    if found is None:
        found = {q.id: frozenset(o.value for o in q.options) for q in questionnaire.questions}
        _options[questionnaire.fingerprint] = found
    return found


def questionnaire_of(assessment: Assessment) -> Questionnaire:
    return current_app.extensions["questionnaire_store"].get(assessment.questionnaire_fingerprint)


def _checked(options: dict[str, frozenset[str]], assessment_id: int, qid: str, value: str | None) -> str | None:
    """The value, or None (with a warning in the log) when it is not an option of its question."""
    if value is None or value in options.get(qid, ()):
        return value
    logger.warning(
        "assessment %s: stored value %r is not an option of question %r; read as unanswered",
        assessment_id,
        value[:40],
        qid,
    )
    return None


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
DELETE_ANSWER = _answer.delete().where(_answer.c.id == bindparam("answer_id"))
# Raises the version whatever it is now (conflicts are decided per question), and takes the
# row's lock until the commit; a check made definitive meanwhile is not touched.
RAISE_VERSION = (
    _assessment.update()
    .where(_assessment.c.id == bindparam("assessment_id"), _assessment.c.status != Status.DEFINITIEF.value)
    .values(version=_assessment.c.version + 1, updated_at=bindparam("now"))
    .returning(_assessment.c.version)
)


def _upsert_scores(insert):
    """One statement for all of an assessment's score rows: a missing row is inserted, a row whose
    figures changed is updated, and an unchanged one is left alone (no write, no new row version)."""
    statement = insert(_score)
    figures = ("score", "level_id", "level_rank")
    return statement.on_conflict_do_update(
        index_elements=[_score.c.assessment_id, _score.c.domain_id],
        set_={c: statement.excluded[c] for c in figures},
        where=or_(*(_score.c[c].is_distinct_from(statement.excluded[c]) for c in figures)),
    )


UPSERT_SCORES = {"postgresql": _upsert_scores(postgresql.insert), "sqlite": _upsert_scores(sqlite.insert)}


# --- running them ------------------------------------------------------------------------------
#
# On PostgreSQL the save path hands its statements, compiled once, to psycopg itself on the
# session's own connection and transaction: SQLAlchemy's execution (cache key, parameter
# processing, result wrapping) costs five to ten times what psycopg does for these small
# statements (bench/autosave.py). Errors come out as SQLAlchemy's exceptions all the same, and
# everything the ORM session may hold of the rows written is expired afterwards. Elsewhere
# (SQLite) the statements run through SQLAlchemy as usual.

_PSYCOPG = postgresql.psycopg.dialect()


@functools.cache
def _driver_sql(statement, keys: tuple[str, ...] | None = None) -> tuple[str, dict]:
    """The statement as psycopg takes it, and the values of its literal parameters."""
    compiled = statement.compile(dialect=_PSYCOPG, column_keys=list(keys) if keys else None)
    return compiled.string, dict(compiled.params)


@contextlib.contextmanager
def _batch():
    """On PostgreSQL, the statements run inside are sent together and answered in one round trip
    (psycopg's pipeline mode); errors come at the end, as SQLAlchemy's exceptions."""
    connection = db.session.connection()
    if connection.dialect.driver != "psycopg":
        yield
        return
    dbapi = connection.dialect.loaded_dbapi
    try:
        with connection.connection.driver_connection.pipeline():
            yield
    except dbapi.Error as error:
        raise DBAPIError.instance("(a batch of the save)", None, error, dbapi.Error) from error


def _run(statement, parameters: dict | list[dict], *, keys: tuple[str, ...] | None = None):
    """Execute on the session's connection; `parameters` a list: once per item (one round trip
    on PostgreSQL, where psycopg pipelines them). Returns rows to iterate or fetch."""
    connection = db.session.connection()
    if connection.dialect.driver != "psycopg":
        return connection.execute(statement, parameters)
    sql, literals = _driver_sql(statement, keys)
    cursor = connection.connection.driver_connection.cursor()
    if isinstance(parameters, dict) and isinstance(parameters.get("detail"), dict):
        parameters = {**parameters, "detail": json.dumps(parameters["detail"])}  # as SQLAlchemy's JSON type
    try:
        if isinstance(parameters, list):
            cursor.executemany(sql, [{**literals, **p} for p in parameters])
        else:
            cursor.execute(sql, {**literals, **parameters})
    except connection.dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(sql, parameters, error, connection.dialect.loaded_dbapi.Error) from error
    return cursor


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
    """question id -> (option value or None, comment) of the gemeente's shared answers.

    Only questions of the assessment's questionnaire, and only values that are one of their
    options: anything else stored is logged and left out (the question reads as unanswered)."""
    return _values(assessment, SELECT_SHARED_ANSWERS, {"assessment_id": assessment.id})


def response_values(assessment: Assessment, response: Response) -> dict[str, tuple[str | None, str]]:
    """The same for one response (a respondent's own answers)."""
    return _values(assessment, SELECT_RESPONSE_ANSWERS, {"assessment_id": assessment.id, "response_id": response.id})


def _values(assessment: Assessment, statement, parameters: dict) -> dict[str, tuple[str | None, str]]:
    # Plain rows through the session's connection: every domain page runs this, and the
    # ORM's result processing would cost more than the query itself.
    options = options_by_question(questionnaire_of(assessment))
    values = {}
    for _, _, qid, value, comment, _, _ in _run(statement, parameters):
        if qid is None:  # the outer join: a response without answers
            continue
        if qid not in options:
            logger.warning("assessment %s: stored answer to unknown question %r left out", assessment.id, qid)
            continue
        values[qid] = (_checked(options, assessment.id, qid, value), comment)
    return values


def respondent_answers(assessment: Assessment) -> list[tuple[Response, dict[str, str]]]:
    """Every respondent's response with its answers (option values), in invitation order.
    Values that are not an option of their question are logged and left out."""
    respondents = [r for r in assessment.responses if r.is_respondent]
    values: dict[int, dict[str, str]] = {r.id: {} for r in respondents}
    if respondents:
        options = options_by_question(questionnaire_of(assessment))
        for response_id, qid, value in db.session.execute(
            select(Answer.response_id, Answer.question_id, Answer.value).where(
                Answer.response_id.in_(list(values)), Answer.value.is_not(None)
            )
        ):
            if _checked(options, assessment.id, qid, value) is not None:
                values[response_id][qid] = value
    return [(r, values[r.id]) for r in sorted(respondents, key=lambda r: r.id)]


@dataclass(frozen=True)
class Conflict:
    """An answer someone else changed since the page showed it, and that this save would change again."""

    question_id: str
    value: str | None
    comment: str
    by: str


class ConflictError(Exception):
    def __init__(self, conflicts: list[Conflict]):
        super().__init__(", ".join(c.question_id for c in conflicts))
        self.conflicts = conflicts


class ReadOnlyError(ValueError):
    """The check was made definitive before this save could write."""


@dataclass(frozen=True)
class StoredAnswer:
    id: int
    value: str | None  # None also for a stored value that is not an option of its question
    comment: str
    version: int
    updated_by_id: int | None

    @property
    def shown(self) -> tuple[str | None, str]:
        return self.value, self.comment


@dataclass(frozen=True)
class Saved:
    """What a save did: the changes per question (for the audit trail), the response's answers
    as they now stand (question id -> (value, comment), what the page should show), and the
    assessment version they stand at."""

    changes: dict[str, dict]
    answers: dict[str, tuple[str | None, str]]
    version: int


def _stored_answers(assessment: Assessment, response: Response | None) -> tuple[int | None, dict[str, StoredAnswer]]:
    """The response's id (the gemeente's own unless `response` is given; None while the gemeente's
    own does not exist yet) and all its answers, in one query."""
    db.session.flush()  # plain statements follow: let them see what the session holds
    if response is None:
        rows = _run(SELECT_SHARED_ANSWERS, {"assessment_id": assessment.id}).fetchall()
    else:
        rows = _run(SELECT_RESPONSE_ANSWERS, {"assessment_id": assessment.id, "response_id": response.id}).fetchall()
    if not rows:
        return None, {}
    options = options_by_question(questionnaire_of(assessment))
    answers = {}
    for _, answer_id, qid, value, comment, version, updated_by_id in rows:
        if answer_id is not None:  # the outer join gives the response even without answers
            value = _checked(options, assessment.id, qid, value)
            answers[qid] = StoredAnswer(answer_id, value, comment, version, updated_by_id)
    return rows[0][0], answers


def _conflicts(
    stored: dict[str, StoredAnswer],
    values: dict[str, tuple[str | None, str]],
    originals: dict[str, str] | None,
    base_version: int | None,
) -> list[Conflict]:
    """The posted answers that would overwrite a change the page did not show.

    With the page's fingerprint of a question (`originals`), the server changed it when what is
    stored now has another fingerprint; without one, when its answer was written by a version
    after `base_version`."""
    conflicts = []
    for qid, posted in values.items():
        answer = stored.get(qid)
        current = answer.shown if answer is not None else (None, "")
        if current == posted:
            continue
        original = originals.get(qid) if originals else None
        if original is not None:
            moved = answer_token(*current) != original
        else:
            moved = base_version is not None and answer is not None and answer.version > base_version
        if moved:
            conflicts.append(
                Conflict(qid, current[0], current[1], _user_name(answer.updated_by_id if answer else None))
            )
    return conflicts


def save_answers(
    assessment: Assessment,
    user: User | None,
    values: dict[str, tuple[str | None, str]],
    base_version: int | None = None,
    response: Response | None = None,
) -> dict[str, dict]:
    """Store the given answers; return what changed, per question: the option value before
    and after, and whether the comment changed (its text stays out of the audit trail).
    Empty (None, '') removes an answer. See `store_answers` for conflicts."""
    return store_answers(assessment, user, values, base_version=base_version, response=response).changes


def store_answers(
    assessment: Assessment,
    user: User | None,
    values: dict[str, tuple[str | None, str]],
    *,
    originals: dict[str, str] | None = None,
    base_version: int | None = None,
    response: Response | None = None,
    audit: dict | None = None,
) -> Saved:
    """Store the given answers (every value an option of its question, or None).

    `originals` (question id -> answer_token of what the user's page showed) or else
    `base_version` (the assessment version the page showed) detect conflicts: an answer that
    someone else changed since and that this save would change again raises ConflictError and
    nothing is stored; the other answers merge. Without either, the save simply wins.

    `audit`: the audit trail's row for this save without its detail; when anything changed it
    is written with the changes as detail, in the same batch as the answers and scores.

    Every save of every user runs this, so it writes with a handful of plain statements, sent
    to PostgreSQL in one round trip (bench/autosave.py), and then expires what the session may
    still hold of the rows it changed.
    """
    if assessment.submitted:
        raise ReadOnlyError("a submitted assessment is read-only")
    read_at = assessment.version  # as the request loaded it, before the answers were read
    response_id, stored = _stored_answers(assessment, response)
    new_version = None  # set once we hold the lock
    while True:
        conflicts = _conflicts(stored, values, originals, base_version)
        if conflicts:
            raise ConflictError(conflicts)
        changed = {qid: v for qid, v in values.items() if (stored[qid].shown if qid in stored else (None, "")) != v}
        if new_version is not None:
            break
        if not changed:
            return Saved({}, {qid: a.shown for qid, a in stored.items()}, read_at)
        new_version, now = _raise_version(assessment)
        if new_version == read_at + 1 and response_id is not None:
            break  # nobody saved between the request's start and our lock: what we read still holds
        # Somebody saved meanwhile (or the gemeente's own response is still missing): read again,
        # now that everyone else waits for our commit, and decide again.
        response_id, stored = _stored_answers(assessment, response)
        if response_id is None:
            new = shared_response(assessment)
            db.session.flush()
            response_id = new.id
    user_id = user.id if user is not None else None
    inserts, updates, deletes, changes = [], [], [], {}
    after = {qid: a.shown for qid, a in stored.items()}
    for qid, (value, comment) in changed.items():
        answer = stored.get(qid)
        before = answer.shown if answer is not None else (None, "")
        row = {"value": value, "comment": comment, "updated_at": now, "updated_by_id": user_id, "version": new_version}
        if answer is None:
            inserts.append({"response_id": response_id, "question_id": qid, **row})
        elif value is None and not comment:
            deletes.append(answer.id)
        else:
            updates.append({"answer_id": answer.id, **row})
        if value is None and not comment:
            after.pop(qid, None)
        else:
            after[qid] = (value, comment)
        changes[qid] = {"van": before[0], "naar": value, "toelichting_gewijzigd": before[1] != comment}
    scores = None
    # Scores follow from the gemeente's own option values only, not from comments.
    if (response is None or response.is_shared) and any(c["van"] != c["naar"] for c in changes.values()):
        scores = _score_parameters(
            current_app.extensions["questionnaire_store"], assessment, {qid: v for qid, (v, _) in after.items()}
        )
    event = {**audit, "detail": {"changes": changes}} if audit is not None else None
    with _batch():
        if inserts:
            _run(INSERT_ANSWER, inserts, keys=tuple(inserts[0]))
        if updates:
            _run(UPDATE_ANSWER, updates)
        if deletes:
            _run(DELETE_ANSWER, [{"answer_id": answer_id} for answer_id in deletes])
        if scores:
            _run(UPSERT_SCORES[db.session.connection().dialect.name], scores, keys=tuple(scores[0]))
        if event is not None:
            _run(INSERT_EVENT, event, keys=tuple(event))
    _expire_written(assessment.id, response_id)
    return Saved(changes, after, new_version)


def _raise_version(assessment: Assessment) -> tuple[int, object]:
    """Raise the assessment's version and hold its lock until the commit; return the new version
    and the time it was raised at.
    The same version counter the mapper keeps, so an ORM flush of a stale assessment still fails."""
    now = utcnow()
    row = _run(RAISE_VERSION, {"assessment_id": assessment.id, "now": now}).fetchone()
    new_version = row[0] if row is not None else None
    if new_version is None:
        raise ReadOnlyError(f"assessment {assessment.id} was made definitive (or removed) meanwhile")
    set_committed_value(assessment, "version", new_version)
    set_committed_value(assessment, "updated_at", now)
    return new_version, now


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
    """Store the core's scores of this assessment (for SQL aggregation) in one statement that
    writes only rows that changed. `answers`: question id -> option value, when the caller has
    them at hand. No commit."""
    rows = _score_parameters(store, assessment, answers)
    _run(UPSERT_SCORES[db.session.connection().dialect.name], rows, keys=tuple(rows[0]))
    _expire_written(assessment.id)


def _score_parameters(
    store: QuestionnaireStore, assessment: Assessment, answers: dict[str, str | None] | None
) -> list[dict]:
    questionnaire = store.get(assessment.questionnaire_fingerprint)
    if answers is None:
        answers = {q: v for q, (v, _) in answer_values(assessment).items()}
    options = options_by_question(questionnaire)
    checked = {q: v for q, v in answers.items() if _checked(options, assessment.id, q, v) is not None}
    return [
        {"assessment_id": assessment.id, "domain_id": key, **row} for key, row in score_rows(questionnaire, checked)
    ]


# --- the stored scores, without rescoring what did not change --------------------------------
#
# A save changes the answers of one domain page, but the overall score and level rest on every
# domain. Each domain's result is the core's `score_domain`, kept per worker by the domain's
# answers (a hit for every domain the save did not touch); the overall part follows
# `scoring.score` step for step on those results. tests/test_store.py holds `score_rows` to
# `scoring.score` on generated answers.

_questionnaires: dict[str, Questionnaire] = {}  # fingerprint -> questionnaire, for the cache below


@functools.lru_cache(maxsize=16384)  # about 1.5 kB each: 25 MB for 3,000 checks of 5 domains
def _domain_result(fingerprint: str, index: int, values: tuple[str | None, ...]) -> DomainResult:
    questionnaire = _questionnaires[fingerprint]
    domain = questionnaire.domains[index]
    answers = {q.id: v for q, v in zip(domain.questions, values, strict=True) if v is not None}
    return score_domain(questionnaire, domain, answers)


@functools.cache
def _overall_shares(fingerprint: str) -> tuple[tuple[Fraction, ...], Fraction]:
    """Every question's share of the overall score (they do not depend on the answers), and the
    domains' total weight."""
    questionnaire = _questionnaires[fingerprint]
    unanswered = tuple(score_domain(questionnaire, d, {}) for d in questionnaire.domains)
    shares = tuple(share for share, _ in overall_weights(questionnaire, unanswered))
    return shares, sum(Fraction(d.weight) for d in questionnaire.domains)


def score_rows(questionnaire: Questionnaire, answers: dict[str, str]) -> list[tuple[str, dict]]:
    """(domain id or OVERALL, {score, level_id, level_rank}) as `scoring.score` gives them, for
    answers that are all options of their questions."""
    fingerprint = questionnaire.fingerprint
    _questionnaires.setdefault(fingerprint, questionnaire)
    domains = [
        _domain_result(fingerprint, i, tuple(answers.get(q.id) for q in d.questions))
        for i, d in enumerate(questionnaire.domains)
    ]
    rows = [(d.domain.id, _score_row(d.score, d.level)) for d in domains]
    if any(d.exact_score is None for d in domains):
        return [*rows, (OVERALL, _score_row(None, None))]
    shares, total_weight = _overall_shares(fingerprint)
    exact = sum(Fraction(d.domain.weight) * d.exact_score for d in domains) / total_weight
    overall = round_half_up(exact)
    results = (result for d in domains for result in d.questions)
    level, _ = practised_level(questionnaire, overall, zip(shares, results, strict=True))
    capped = [
        questionnaire.level(cap.max_level)
        for cap in questionnaire.caps
        if not cap_met(questionnaire, cap, answers) and level.rank > questionnaire.level(cap.max_level).rank
    ]
    level = min([level, *capped], key=lambda lv: lv.rank)
    return [*rows, (OVERALL, _score_row(overall, level))]


def _score_row(value: int | None, level: Level | None) -> dict:
    return {"score": value, "level_id": level.id if level else None, "level_rank": level.rank if level else None}
