"""The save path writes with hand-built statements (check/store.py); the state it leaves must be
exactly what the plain ORM would leave: the same answers, versions, authors and stored scores."""

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from selfcheck.check.store import OVERALL, save_answers, score_rows
from selfcheck.core.scoring import score
from selfcheck.extensions import db
from selfcheck.models import Answer, Assessment, DomainScore, Response, utcnow
from tests.answers import like


def _orm_save(assessment, user, values):
    """The reference: what save_answers promises, written through ORM objects."""
    response = next(r for r in assessment.responses if r.is_shared)
    by_question = {a.question_id: a for a in response.answers}
    changed = False
    for qid, (value, comment) in values.items():
        answer = by_question.get(qid)
        before = (answer.value, answer.comment) if answer else (None, "")
        if before == (value, comment):
            continue
        changed = True
        if answer is None:
            response.answers.append(
                Answer(
                    question_id=qid, value=value, comment=comment, updated_by_id=user.id, version=assessment.version + 1
                )
            )
        elif value is None and not comment:
            response.answers.remove(answer)
            db.session.delete(answer)
        else:
            answer.value, answer.comment = value, comment
            answer.updated_by_id, answer.version = user.id, assessment.version + 1
    if changed:
        assessment.updated_at = utcnow()  # an UPDATE of the row: the mapper raises its version itself
    db.session.flush()


def _state(assessment_id):
    db.session.expire_all()
    assessment = db.session.get(Assessment, assessment_id)
    answers = db.session.execute(
        select(Answer.question_id, Answer.value, Answer.comment, Answer.version, Answer.updated_by_id)
        .join(Response)
        .where(Response.assessment_id == assessment_id)
        .order_by(Answer.question_id)
    ).all()
    return assessment.version, [tuple(row) for row in answers]


def _scores(assessment_id):
    return {
        (s.domain_id, s.score, s.level_id, s.level_rank)
        for s in db.session.scalars(select(DomainScore).filter_by(assessment_id=assessment_id))
    }


def test_hand_built_statements_leave_the_state_the_orm_would(
    app, make_gemeente, make_user, make_assessment, questionnaire
):
    gemeente = make_gemeente()
    user = make_user("beleidsmedewerker", gemeente)
    tuned = make_assessment(gemeente, user, year=2026)
    reference = make_assessment(gemeente, user, year=2025)
    first, second, third = questionnaire.questions[:3]
    saves = [
        {first.id: ("nee", ""), second.id: (like(second, "deels"), "Een notitie")},  # inserts
        {first.id: ("nee", ""), second.id: (like(second, "geevalueerd"), "Een notitie")},  # one unchanged, one update
        {third.id: (None, "Alleen een notitie")},  # a comment without an answer
        {second.id: (None, ""), third.id: ("weet_niet", "Alleen een notitie")},  # a delete and an update
        {first.id: ("nee", "")},  # nothing changes: no version raised
    ]
    for values in saves:
        save_answers(db.session.get(Assessment, tuned.id), user, values)
        db.session.commit()
        _orm_save(db.session.get(Assessment, reference.id), user, values)
        db.session.commit()
        assert _state(tuned.id) == _state(reference.id), values

    # the stored scores are the core's scores of the stored answers
    _, rows = _state(tuned.id)
    result = score(questionnaire, {qid: value for qid, value, *_ in rows if value is not None})
    expected = {
        (d.domain.id, d.score, d.level.id if d.level else None, d.level.rank if d.level else None)
        for d in result.domains
    }
    expected.add(
        (OVERALL, result.score, result.level.id if result.level else None, result.level.rank if result.level else None)
    )
    assert _scores(tuned.id) == expected


def _core_rows(questionnaire, answers):
    result = score(questionnaire, answers)
    rows = [
        (d.domain.id, d.score, d.level.id if d.level else None, d.level.rank if d.level else None)
        for d in result.domains
    ]
    rows.append(
        (OVERALL, result.score, result.level.id if result.level else None, result.level.rank if result.level else None)
    )
    return rows


def _rows(questionnaire, answers):
    return [(key, r["score"], r["level_id"], r["level_rank"]) for key, r in score_rows(questionnaire, answers)]


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_stored_scores_are_the_cores_scores(questionnaire, data):
    """score_rows reuses each domain's result while its answers stay the same; the figures are
    always scoring.score's, for any answers, also after changes to one domain at a time."""
    answers = {}
    for question in questionnaire.questions:
        value = data.draw(st.sampled_from([None, *(o.value for o in question.options)]), label=question.id)
        if value is not None:
            answers[question.id] = value
    assert _rows(questionnaire, answers) == _core_rows(questionnaire, answers)
    domain = data.draw(st.sampled_from(questionnaire.domains), label="domain changed next")
    for question in domain.questions:  # a save on one page: the other domains come from the cache
        answers[question.id] = data.draw(st.sampled_from([o.value for o in question.options]))
    assert _rows(questionnaire, answers) == _core_rows(questionnaire, answers)


def test_stored_scores_follow_practice_rules_and_caps(questionnaire):
    """The boundaries the generated answers may miss: everything best, everything on paper, a cap's
    question just below its threshold, everything unknown."""
    best = {q.id: like(q, "geevalueerd") for q in questionnaire.questions}
    paper = {q.id: like(q, "vastgelegd") for q in questionnaire.questions}
    unknown = {
        q.id: next((o.value for o in q.options if o.unknown), q.options[0].value) for q in questionnaire.questions
    }
    cases = [best, paper, unknown, {}]
    for cap in questionnaire.caps:
        question = questionnaire.question(cap.question_id)
        below = [o.value for o in question.options if not o.unknown and o.score < cap.below]
        if below:
            cases.append({**best, cap.question_id: below[-1]})
    for answers in cases:
        assert _rows(questionnaire, answers) == _core_rows(questionnaire, answers)


def test_the_audit_row_written_with_a_save_is_the_one_record_writes(
    app, make_gemeente, make_user, make_assessment, questionnaire
):
    """The domain page hands the store its audit row, to be written in the same batch as the
    answers; it must be exactly what web.audit.record writes for the same save."""
    from flask_login import login_user

    from selfcheck.check.store import store_answers
    from selfcheck.models import AuditEvent
    from selfcheck.web.audit import event_row, record, sentence

    gemeente = make_gemeente()
    user = make_user("beleidsmedewerker", gemeente)
    assessment = make_assessment(gemeente, user)
    first, second = questionnaire.questions[:2]
    with app.test_request_context():
        login_user(user)
        saved = store_answers(
            assessment,
            user,
            {first.id: ("nee", "Nog niets"), second.id: (like(second, "deels"), "")},
            audit=event_row("answers.saved", assessment=assessment),
        )
        record("answers.saved", assessment=assessment, changes=saved.changes)
        db.session.commit()
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert len(events) == 2
        batched, recorded = (
            (e.user_id, e.user_label, e.action, e.gemeente_id, e.assessment_id, e.detail) for e in events
        )
        assert batched == recorded
        assert sentence(events[0]) == sentence(events[1])
