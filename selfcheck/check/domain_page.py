"""One domain page of the check: the same code and template for the gemeente and for a respondent.

A `DomainPage` holds what differs between the two (whose answers, which domains, who may edit,
where the buttons lead); the views in check/views.py and respondents/views.py only build it
through the policy and call `show`, `save` or `autosave` here.

A page sends back, per question, a fingerprint of the answer it showed (`o_<id>`) and the
assessment version it was based on. Only what the user changed on the page is saved (posted
answer != its fingerprint), so a colleague's newer answers to the other questions merge instead
of being overwritten, and an answer both changed is a conflict (store.ConflictError) rather
than a silent overwrite.

Every reply brings the page up to date: the autosave's JSON carries every answer of the step as
it now stands with its new fingerprint (check.js shows a colleague's change on every question
the user did not touch meanwhile), and a page shown again after a conflict shows the stored
answers on every question the user did not change, so saving it again wins only where the user
changed something.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import abort, flash, jsonify, redirect, render_template, request
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from selfcheck.check.forms import answer_field_name, comment_field_name, domain_form_class
from selfcheck.check.store import (
    ConflictError,
    ReadOnlyError,
    answer_token,
    answer_values,
    end_read_transaction,
    response_values,
    store_answers,
)
from selfcheck.core.questionnaire import Domain, Questionnaire
from selfcheck.extensions import db
from selfcheck.models import Assessment, Feedback, Response, User, utcnow
from selfcheck.web.audit import event_row
from selfcheck.web.forms import COMMENT_MAX, strip
from selfcheck.web.templating import nl_time

logger = logging.getLogger(__name__)

READ_ONLY = "Deze check is definitief en kan niet meer worden gewijzigd."


@dataclass(frozen=True)
class Step:
    number: int
    domain: Domain
    url: str


@dataclass(frozen=True)
class DomainPage:
    assessment: Assessment
    questionnaire: Questionnaire
    number: int  # the domain's place in the questionnaire, 1-based
    steps: tuple[Step, ...]  # the domains this person answers, in order
    url: str  # this page
    autosave_url: str
    finish_url: str  # after the last step: the overview
    finish_label: str  # the last step's save button
    overview_label: str
    done_url: str  # read-only pages lead here
    done_label: str
    editable: bool
    read_only_message: str
    response: Response | None = None  # None: the gemeente's own answers
    editor: User | None = None  # who saves; None for a respondent
    # The advisers' feedback on this domain of the previous check: read only when a page is shown.
    feedback: Callable[[], tuple[Feedback, ...]] | None = None

    @functools.cached_property
    def previous_feedback(self) -> tuple[Feedback, ...]:
        return self.feedback() if self.feedback is not None else ()

    @property
    def domain(self) -> Domain:
        return self.questionnaire.domains[self.number - 1]

    @property
    def for_respondent(self) -> bool:
        return self.response is not None

    def _neighbour(self, offset: int) -> Step | None:
        index = next(i for i, step in enumerate(self.steps) if step.number == self.number) + offset
        return self.steps[index] if 0 <= index < len(self.steps) else None

    @property
    def previous_step(self) -> Step | None:
        return self._neighbour(-1)

    @property
    def next_step(self) -> Step | None:
        return self._neighbour(+1)

    @property
    def position(self) -> int:
        return next(i for i, step in enumerate(self.steps, start=1) if step.number == self.number)


def steps_for(questionnaire: Questionnaire, url_for_number, visible=lambda domain: True) -> tuple[Step, ...]:
    return tuple(Step(n, d, url_for_number(n)) for n, d in enumerate(questionnaire.domains, start=1) if visible(d))


@dataclass(frozen=True)
class AnswerState:
    """What a question shows on a domain page: plain values, so a GET needs no WTForms."""

    value: str | None
    comment: str
    original: str  # answer_token of what the page first showed, sent back in a hidden field
    value_errors: tuple[str, ...] = ()
    comment_errors: tuple[str, ...] = ()


def original_field(question_id: str) -> str:
    return f"o_{question_id}"


# Besides the questions' fields: action (previous, save, next); version (the assessment version
# the page showed); an o_<question id> per question (see answer_token).
ALLOWED_EXTRA_FIELDS = {"csrf_token", "action", "version"}


# --- the three requests ----------------------------------------------------------------------


def show(page: DomainPage):
    html = _render(page, _stored_states(page))
    end_read_transaction()
    return html


def save(page: DomainPage):
    """The buttons (works without JavaScript): save, then go where the button says."""
    if not page.editable:
        if page.for_respondent:
            abort(409)  # their answers are submitted: there is no page left to go back to
        flash(page.read_only_message, "error")
        return redirect(page.url)
    outcome = _attempt(page)
    if outcome.refused:
        return _render_refused(page, outcome), outcome.status
    flash(f"Uw antwoorden bij {page.domain.title} zijn opgeslagen.", "success")
    action = request.form.get("action")
    if action == "next":
        return redirect(page.next_step.url if page.next_step else page.finish_url)
    if action == "previous" and page.previous_step:
        return redirect(page.previous_step.url)
    return redirect(page.url)


def autosave(page: DomainPage):
    """check.js: the same save, answered in JSON; the page stays open and builds on this save."""
    if not page.editable:
        return jsonify(saved=False, message=page.read_only_message), 409
    outcome = _attempt(page)
    if outcome.refused:
        form = outcome.form
        text = outcome.message or "Niet opgeslagen: controleer de gemarkeerde vragen en gebruik de knop Opslaan."
        reply = {"saved": False, "message": text, "errors": {k: v for k, v in form.errors.items() if k}}
        if outcome.rebase:  # a conflict: bring the questions the user did not change up to date
            current = _stored(page)
            reply["answers"] = _answers_reply(page, current, skip=outcome.edited)
        return jsonify(reply), outcome.status
    return jsonify(
        saved=True,
        message=f"Opgeslagen om {nl_time(utcnow())}",
        version=outcome.version,
        # the questions this save stored (what bench/load.py and simple clients build on) ...
        originals={original_field(qid): answer_token(*v) for qid, v in outcome.edited.items()},
        # ... and every question of the step as it now stands, colleagues' changes included (check.js)
        answers=_answers_reply(page, outcome.answers),
    )


def _answers_reply(page: DomainPage, answers: dict, skip=()) -> dict[str, dict]:
    reply = {}
    for q in page.domain.questions:
        if q.id in skip:
            continue
        value, comment = answers.get(q.id, (None, ""))
        reply[q.id] = {"value": value, "comment": comment, "original": answer_token(value, comment)}
    return reply


def after_csrf_failure(page: DomainPage, message: str):
    """Re-show the page with what the user typed when its CSRF token failed; nothing is saved."""
    form = _form(page)
    form.form_errors.append(message)
    version = request.form.get("version", type=int)
    return _render(page, _form_states(page, form), form, version), 400


# --- saving ------------------------------------------------------------------------------------


@dataclass
class _Outcome:
    form: object | None = None  # the WTForms form: built only when a refused save shows or reports it
    status: int = 200
    message: str | None = None
    edited: dict = field(default_factory=dict)  # question id -> (value, comment) the user changed
    rebase: bool = False  # after a conflict, the page stands on the current answers
    answers: dict = field(default_factory=dict)  # after a save: the response's answers as they now stand
    version: int | None = None

    @property
    def refused(self) -> bool:
        return self.status >= 400


@dataclass(frozen=True)
class _Fields:
    """A domain page's form fields, worked out once per questionnaire version and domain."""

    allowed: frozenset[str]  # every field name the page may post
    questions: tuple[tuple[str, str, str, str, frozenset[str]], ...]  # id, q_, c_, o_ names, options


_page_fields: dict[tuple[str, str], _Fields] = {}


def _fields(questionnaire: Questionnaire, domain: Domain) -> _Fields:
    key = (questionnaire.fingerprint, domain.id)
    found = _page_fields.get(key)
    if found is None:
        questions = tuple(
            (
                q.id,
                answer_field_name(q.id),
                comment_field_name(q.id),
                original_field(q.id),
                frozenset(o.value for o in q.options),
            )
            for q in domain.questions
        )
        names = {name for question in questions for name in question[1:4]}
        found = _Fields(frozenset(names | ALLOWED_EXTRA_FIELDS), questions)
        _page_fields[key] = found
    return found


def _form(page: DomainPage):
    return domain_form_class(page.questionnaire, page.domain)()


def _posted(fields: _Fields) -> dict[str, tuple[str | None, str]] | None:
    """Question id -> (value, comment) as posted, read exactly as the WTForms form reads them (the
    first value of a field; a comment stripped and without bidirectional controls), or None when
    any value would fail the form's validation: then the form itself says what is wrong.

    Every save runs this; building and validating the form costs more than the rest of reading it."""
    form = request.form
    posted = {}
    for qid, answer_name, comment_name, _, options in fields.questions:
        value = form.get(answer_name)
        if value is not None and value not in options:
            return None
        comment = strip(form.get(comment_name))
        if len(comment) > COMMENT_MAX:
            return None
        posted[qid] = (value, comment)
    return posted


def _attempt(page: DomainPage) -> _Outcome:
    fields = _fields(page.questionnaire, page.domain)
    unexpected = set(request.form) - fields.allowed
    if unexpected:
        return _refuse(
            page,
            400,
            "Het formulier bevat velden die niet bij deze stap horen ("
            + ", ".join(sorted(unexpected)[:5])
            + "). Er is niets opgeslagen.",
        )
    base_version = request.form.get("version", type=int)
    if base_version is None or not 0 < base_version <= page.assessment.version:
        return _refuse(
            page, 400, "Het formulier mist een geldig versienummer. Er is niets opgeslagen; laad de pagina opnieuw."
        )
    # Uploaded files would be form data to WTForms (and are never an answer): the form decides then.
    posted = None if request.files else _posted(fields)
    if posted is None:
        form = _form(page)
        if not form.validate():
            return _refuse(page, 422, form=form)
        posted = {
            q.id: (form[answer_field_name(q.id)].data, form[comment_field_name(q.id)].data)
            for q in page.domain.questions
        }
    edited, originals = {}, {}
    for qid, _, _, original_name, _ in fields.questions:
        original = request.form.get(original_name)
        if answer_token(*posted[qid]) != original:
            edited[qid] = posted[qid]
            if original is not None:
                originals[qid] = original
    try:
        saved = store_answers(
            page.assessment,
            page.editor,
            edited,
            originals=originals,
            base_version=base_version,
            response=page.response,
            audit=None if page.for_respondent else event_row("answers.saved", assessment=page.assessment),
        )
        db.session.commit()
    except ConflictError as error:
        db.session.rollback()
        logger.warning(
            "save conflict on %s: %d answers changed by someone else", request.endpoint, len(error.conflicts)
        )
        outcome = _refuse(page, 409, _conflict_message(page.questionnaire, error))
        outcome.rebase = True
        outcome.edited = edited
        return outcome
    except ReadOnlyError:  # made definitive between our read and our write
        db.session.rollback()
        return _refuse(page, 409, page.read_only_message + " Er is niets opgeslagen.")
    except (StaleDataError, IntegrityError, OperationalError) as error:  # a race the store could not settle
        db.session.rollback()
        if isinstance(error, OperationalError) and not _contention(error):
            raise
        logger.warning("save race on %s: %s", request.endpoint, type(error).__name__)
        return _refuse(
            page,
            409,
            "Iemand anders sloeg op hetzelfde moment antwoorden op. Er is niets opgeslagen; "
            "controleer uw antwoorden en sla opnieuw op.",
        )
    return _Outcome(edited=edited, answers=saved.answers, version=saved.version)


def _contention(error: OperationalError) -> bool:
    """A deadlock, serialization failure or busy SQLite database: another save got in the way."""
    text = str(error.orig).lower()
    return getattr(error.orig, "sqlstate", None) in ("40001", "40P01") or "locked" in text or "deadlock" in text


def _refuse(page: DomainPage, status: int, message: str | None = None, form=None) -> _Outcome:
    """A refused save, with the page's form (the posted values and their errors) to show or report."""
    form = form if form is not None else _form(page)
    if message:
        form.form_errors.append(message)
    if status != 422:
        logger.warning("save refused on %s with %d", request.endpoint, status)
    return _Outcome(form=form, status=status, message=message)


def _render_refused(page: DomainPage, outcome: _Outcome):
    """The page again with everything typed. It keeps the version it was based on, so saving
    again still detects conflicts, unless the save was refused for a conflict. Then the page
    stands on the current answers: every question the user did not change shows what is stored
    now (a colleague's change included), and the ones they changed keep their input, so saving
    again deliberately wins there, and only there."""
    if outcome.rebase:
        stored = _stored_states(page)
        typed = _form_states(page, outcome.form)
        states = {
            qid: AnswerState(t.value, t.comment, stored[qid].original, t.value_errors, t.comment_errors)
            if qid in outcome.edited
            else stored[qid]
            for qid, t in typed.items()
        }
        return _render(page, states, outcome.form)
    return _render(page, _form_states(page, outcome.form), outcome.form, request.form.get("version", type=int))


def _conflict_message(questionnaire: Questionnaire, error: ConflictError) -> str:
    parts = []
    for conflict in error.conflicts:
        question = questionnaire.question(conflict.question_id)
        option = question.option(conflict.value) if conflict.value else None
        parts.append(
            f"‘{question.text}’ is intussen door {conflict.by or 'iemand anders'} gewijzigd in "
            f"‘{option.label if option else 'geen antwoord'}’"
            + (f" met toelichting ‘{conflict.comment}’" if conflict.comment else "")
        )
    return (
        "Niet opgeslagen, want een collega wijzigde intussen dezelfde vragen: "
        + "; ".join(parts)
        + ". Uw eigen invoer staat hieronder. Sla opnieuw op om die te bewaren."
    )


# --- showing -----------------------------------------------------------------------------------


def _stored(page: DomainPage) -> dict[str, tuple[str | None, str]]:
    if page.response is None:
        return answer_values(page.assessment)
    return response_values(page.assessment, page.response)


def _stored_states(page: DomainPage) -> dict[str, AnswerState]:
    stored = _stored(page)
    states = {}
    for q in page.domain.questions:
        value, comment = stored.get(q.id, (None, ""))
        states[q.id] = AnswerState(value, comment, answer_token(value, comment))
    return states


def _form_states(page: DomainPage, form) -> dict[str, AnswerState]:
    """The user's input with its errors, so a failed save shows everything they entered, with
    the originals the page was first shown with."""
    states = {}
    for q in page.domain.questions:
        value, comment = form[answer_field_name(q.id)], form[comment_field_name(q.id)]
        original = request.form.get(original_field(q.id), "")
        states[q.id] = AnswerState(value.data, comment.data or "", original, tuple(value.errors), tuple(comment.errors))
    return states


def _render(page: DomainPage, states: dict[str, AnswerState], form=None, version: int | None = None):
    return render_template(
        "check/step.html",
        page=page,
        assessment=page.assessment,
        questionnaire=page.questionnaire,
        domain=page.domain,
        number=page.number,
        states=states,
        form=form,
        comment_max=COMMENT_MAX,
        version=page.assessment.version if version is None else version,
        last_saved=last_saved(page),
    )


def last_saved(page: DomainPage):
    """When the gemeente's answers of this check were last saved (UTC), for the save status;
    None before the first save and on a respondent's pages (their own saves are not dated)."""
    if page.for_respondent or page.assessment.version <= 1:
        return None
    return page.assessment.updated_at


# Built once: every gemeente's domain page shows the advisers' feedback on that domain of the previous check.
_previous_year = (
    select(func.max(Assessment.year))
    .where(Assessment.gemeente_id == bindparam("gemeente_id"), Assessment.year < bindparam("year"))
    .scalar_subquery()
)
PREVIOUS_FEEDBACK = (
    select(Feedback)
    .join(Assessment, Assessment.id == Feedback.assessment_id)
    .where(
        Assessment.gemeente_id == bindparam("gemeente_id"),
        Assessment.year == _previous_year,
        Feedback.domain_id == bindparam("domain_id"),
    )
    .order_by(Feedback.created_at)
)


def previous_feedback(assessment: Assessment, domain_id: str) -> tuple[Feedback, ...]:
    return tuple(
        db.session.scalars(
            PREVIOUS_FEEDBACK, {"gemeente_id": assessment.gemeente_id, "year": assessment.year, "domain_id": domain_id}
        )
    )
