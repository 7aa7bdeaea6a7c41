"""Several respondents per gemeente: invitations, independent answering, and the consensus.

The owner (a beleidsmedewerker of the gemeente) invites respondents by e-mail with a personal
link; a respondent needs no account. The link opens a landing page (a GET changes nothing, so a
mail scanner uses nothing up); its button starts the session, as often as the respondent comes
back, until they submit or the link expires. Respondents answer in their own response and never see each
other's answers; the owner sets the gemeente's final answers with a reason, and the dissent
stays in the respondents' responses.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from selfcheck import policy
from selfcheck.admin.privacy import forget_respondent
from selfcheck.check import domain_page
from selfcheck.check.store import (
    ReadOnlyError,
    answer_values,
    respondent_answers,
    response_values,
    save_answers,
    shared_response,
)
from selfcheck.core.consensus import RespondentAnswers, worklist
from selfcheck.extensions import db
from selfcheck.models import Answer, Response, utcnow
from selfcheck.respondents.forms import FinalAnswerForm, InviteForm, NewLinkForm
from selfcheck.respondents.invitations import (
    INVITATION_DAYS,
    REMINDER,
    RENEWED,
    can_answer,
    invitation_for,
    link_for,
    mail_invitation,
    new_invitation,
)
from selfcheck.web.audit import record
from selfcheck.web.errors import CSRF_MESSAGE, refuse, wants_json
from selfcheck.web.forms import COMMENT_MAX
from selfcheck.web.security import limiter

bp = Blueprint("respondents", __name__)


def _store():
    return current_app.extensions["questionnaire_store"]


# --- the owner ------------------------------------------------------------------------------


@bp.route("/checks/<int:assessment_id>/respondenten", methods=["GET", "POST"])
@login_required
def manage(assessment_id: int):
    assessment = policy.visible_assessment(assessment_id, edit=True)
    questionnaire = _store().get(assessment.questionnaire_fingerprint)
    form = InviteForm()
    form.domains.choices = [SelectChoice(d.id, d.title) for d in questionnaire.domains]
    link = mailed_to = None
    renewed = session.pop(NEW_LINK_KEY, None) if request.method == "GET" else None
    if renewed:
        link, mailed_to = renewed["link"], renewed["to"]
    if request.method == "POST" and form.validate():
        if assessment.submitted:
            abort(409)
        response = Response(
            assessment=assessment,
            name=form.name.data,
            email=form.email.data,
            perspective=form.perspective.data,
            domains=form.domains.data or None,
            invited_by_id=current_user.id,
        )
        token = new_invitation(response)
        db.session.add(response)
        db.session.flush()
        record("respondent.invited", assessment=assessment, perspective=response.perspective)
        mail_invitation(response, token)
        db.session.commit()
        link = link_for(token)
        mailed_to = response.email
        form = InviteForm(formdata=None)
        form.domains.choices = [SelectChoice(d.id, d.title) for d in questionnaire.domains]
    respondents = respondent_answers(assessment)
    return render_template(
        "respondents/manage.html",
        assessment=assessment,
        form=form,
        link=link,
        mailed_to=mailed_to,
        renewed=renewed,
        respondents=respondents,
        questionnaire=questionnaire,
        invitation_days=INVITATION_DAYS,
    ), 422 if form.errors else 200


@bp.post("/checks/<int:assessment_id>/respondenten/<int:response_id>/link")
@login_required
def renew(assessment_id: int, response_id: int):
    """A new link, mailed to the respondent: the previous link and its session stop working."""
    return _new_link(assessment_id, response_id, RENEWED)


@bp.post("/checks/<int:assessment_id>/respondenten/<int:response_id>/herinnering")
@login_required
def remind(assessment_id: int, response_id: int):
    """A reminder for a respondent who has not submitted, with a fresh link (only hashes are
    stored, so the earlier link cannot be sent again; it stops working)."""
    return _new_link(assessment_id, response_id, REMINDER)


def _new_link(assessment_id: int, response_id: int, kind: str):
    assessment = policy.visible_assessment(assessment_id, edit=True)
    response = policy.invited_respondent(assessment, response_id)
    if not can_answer(response):
        flash(f"{response.name} kan niets meer invullen (ingediend, gewist of de check is definitief).", "error")
        return redirect(url_for("respondents.manage", assessment_id=assessment.id))
    token = new_invitation(response)
    record("respondent.invited", assessment=assessment, perspective=response.perspective, renewed=True)
    mail_invitation(response, token, kind)
    db.session.commit()
    # Shown once on the manage page, in the box with the copy button (like a flashed message).
    session[NEW_LINK_KEY] = {"link": link_for(token), "to": response.email, "reminder": kind == REMINDER}
    return redirect(url_for("respondents.manage", assessment_id=assessment.id))


NEW_LINK_KEY = "respondent_new_link"


@bp.get("/checks/<int:assessment_id>/respondenten/<int:response_id>/wissen")
@login_required
def confirm_forget(assessment_id: int, response_id: int):
    """What erasing means, and the button that does it (a POST to `forget`). Changes nothing."""
    assessment = policy.visible_assessment(assessment_id, edit=True)
    response = policy.invited_respondent(assessment, response_id)
    if not response.email:
        flash("De naam en het e-mailadres van deze respondent zijn al gewist.", "info")
        return redirect(url_for("respondents.manage", assessment_id=assessment.id))
    return render_template("respondents/forget.html", assessment=assessment, response=response)


@bp.post("/checks/<int:assessment_id>/respondenten/<int:response_id>/wissen")
@login_required
def forget(assessment_id: int, response_id: int):
    """AVG: remove a respondent's name and e-mail; their answers stay, under their perspective."""
    assessment = policy.visible_assessment(assessment_id, edit=True)
    response = policy.invited_respondent(assessment, response_id)
    forget_respondent(response)
    record("respondent.forgotten", assessment=assessment, perspective=response.perspective)
    db.session.commit()
    flash("De naam en het e-mailadres van de respondent zijn gewist; de antwoorden blijven.", "success")
    return redirect(url_for("respondents.manage", assessment_id=assessment.id))


# --- the consensus --------------------------------------------------------------------------
# A worklist per domain: each question with the respondents' answers and a form to choose the
# gemeente's answer. check.js-free: consensus.js sends a form with fetch and reads JSON; without
# JavaScript the POST redirects back to the question with a confirmation there.

DECIDED_KEY = "consensus_decided"  # the question just chosen, shown once on the next page view


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _final_answers(assessment) -> dict[str, Answer]:
    shared = next((r for r in assessment.responses if r.is_shared), None)  # never created by a view
    return {a.question_id: a for a in shared.answers} if shared is not None else {}


def _worklist(assessment, questionnaire):
    responses = respondent_answers(assessment)
    chosen = {qid for qid, (value, _) in answer_values(assessment).items() if value}
    respondents = [RespondentAnswers(r.perspective, v) for r, v in responses]
    return responses, worklist(questionnaire, respondents, chosen)


def progress_text(chosen: int, total: int) -> str:
    return f"{chosen} van {total} {'vraag' if total == 1 else 'vragen'} gekozen"


def _consensus_page(assessment, status: int = 200, posted: dict | None = None):
    """The page; `posted` re-shows one question's form as it was sent, with the reason it was refused."""
    questionnaire = _store().get(assessment.questionnaire_fingerprint)
    responses, work = _worklist(assessment, questionnaire)
    comments = {}
    ids = [response.id for response, _ in responses]
    if ids:
        for answer in db.session.scalars(select(Answer).where(Answer.response_id.in_(ids), Answer.comment != "")):
            comments.setdefault(answer.question_id, []).append(answer)
    perspectives = {response.id: response.perspective for response, _ in responses}
    decided = session.pop(DECIDED_KEY, None) if status == 200 else None
    return render_template(
        "respondents/consensus.html",
        assessment=assessment,
        questionnaire=questionnaire,
        work=work,
        responses=responses,
        comments=comments,
        perspectives=perspectives,
        finals=_final_answers(assessment),
        decided=work.item(decided) if decided else None,
        next_open=work.next_open(decided) if decided else None,
        posted=posted,
        progress_text=progress_text,
        reason_max=COMMENT_MAX,
    ), status


@bp.get("/checks/<int:assessment_id>/consensus")
@login_required
def consensus(assessment_id: int):
    return _consensus_page(policy.visible_assessment(assessment_id, edit=True))


def _refuse_decision(assessment, question_id: str, status: int, message: str):
    """A decision not stored: JSON for consensus.js, else the page again with what was typed."""
    if _wants_json():
        return jsonify(saved=False, message=message), status
    posted = {
        "question_id": question_id,
        "value": request.form.get("value"),
        "reason": request.form.get("reason") or "",
        "message": message,
    }
    return _consensus_page(assessment, status, posted)


@bp.post("/checks/<int:assessment_id>/consensus/<question_id>")
@login_required
def decide(assessment_id: int, question_id: str):
    assessment = policy.visible_assessment(assessment_id, edit=True)
    questionnaire = _store().get(assessment.questionnaire_fingerprint)
    question = questionnaire.question(question_id)
    if question is None:
        if _wants_json():
            return jsonify(saved=False, message="Deze vraag staat niet in de vragenlijst van deze check."), 404
        abort(404)
    if assessment.submitted:
        return _refuse_decision(assessment, question_id, 409, DEFINITIVE)
    form = FinalAnswerForm()
    value = request.form.get("value") or ""
    if question.option(value) is None:
        return _refuse_decision(assessment, question_id, 422, "Niet opgeslagen: kies een van de antwoorden.")
    if not form.validate():
        return _refuse_decision(
            assessment, question_id, 422, f"Niet opgeslagen: maak de toelichting korter dan {COMMENT_MAX} tekens."
        )
    try:
        comment = answer_values(assessment).get(question_id, (None, ""))[1]
        save_answers(assessment, current_user, {question_id: (value, comment)})
        final = next(a for a in shared_response(assessment).answers if a.question_id == question_id)
        final.reason = form.reason.data or None
        record("answers.saved", assessment=assessment, changes={question_id: {"naar": value, "consensus": True}})
        db.session.commit()
    except StaleDataError:
        # A colleague saved this check at the same moment: nothing of this decision was stored.
        db.session.rollback()
        return _refuse_decision(assessment, question_id, 409, DECISION_CONFLICT)
    except ReadOnlyError:
        db.session.rollback()  # made definitive between this request's start and its save
        return _refuse_decision(assessment, question_id, 409, DEFINITIVE)
    if not _wants_json():
        session[DECIDED_KEY] = question_id
        return redirect(url_for("respondents.consensus", assessment_id=assessment.id) + f"#vraag-{question_id}")
    _, work = _worklist(assessment, questionnaire)
    domain, following = work.domain_of(question_id), work.next_open(question_id)
    return jsonify(
        saved=True,
        message=f"Opgeslagen: het antwoord van de gemeente is ‘{question.option(value).label}’.",
        answer=question.option(value).label,
        reason=final.reason or "",
        progress={"chosen": work.chosen, "total": work.total, "text": progress_text(work.chosen, work.total)},
        domain={"id": domain.domain.id, "chosen": domain.chosen, "total": len(domain.items)},
        next=(
            {"href": f"#vraag-{following.question.id}", "text": f"Volgende open vraag: {following.number}"}
            if following
            else None
        ),
    )


DECISION_CONFLICT = (
    "Een collega sloeg deze check op hetzelfde moment op. Uw besluit is niet opgeslagen. "
    "Open de consensus opnieuw, bekijk het antwoord dat er nu staat en stel het zo nodig nogmaals vast."
)
DEFINITIVE = "Niet opgeslagen: de check is definitief gemaakt, de antwoorden liggen vast."


@bp.post("/checks/<int:assessment_id>/consensus/delen")
@login_required
def share(assessment_id: int):
    assessment = policy.visible_assessment(assessment_id, edit=True)
    assessment.consensus_shared = not assessment.consensus_shared
    db.session.commit()
    flash(
        "De respondenten zien nu de uitkomst."
        if assessment.consensus_shared
        else "De uitkomst is niet meer zichtbaar voor respondenten.",
        "success",
    )
    return redirect(url_for("respondents.consensus", assessment_id=assessment.id))


# --- the respondent -----------------------------------------------------------------------


def _landing(token: str):
    """The response behind a personal link and the page's status, or None (unknown or replaced)."""
    response = invitation_for(token)
    if response is None or not response.is_respondent:
        return None, 404
    if response.submitted_at is not None or response.assessment.submitted:
        return response, 409
    if not policy.respondent_link_open(response):
        return response, 410
    return response, 200


def _landing_page(response, status: int, token: str):
    if status == 404:
        return render_template("respondents/link_invalid.html", form=NewLinkForm(formdata=None)), 404
    return render_template(
        "respondents/landing.html",
        response=response,
        status=status,
        token=token,
        contact=policy.respondent_contact(response),
    ), status


@bp.get("/respondent/<token>")
def accept(token: str):
    """The landing page of a personal link: who invited them for what, and a button. Changes nothing."""
    response, status = _landing(token)
    return _landing_page(response, status, token)


@bp.post("/respondent/<token>")
def start(token: str):
    """The button on the landing page: start (or resume) the respondent's session."""
    response, status = _landing(token)
    if status != 200:
        return _landing_page(response, status, token)
    if response.invite_used_at is None:
        response.invite_used_at = utcnow()
        db.session.commit()
    session.clear()  # nothing of a user's or another respondent's session is kept
    session[policy.RESPONDENT_SESSION_KEY] = response.id
    session[policy.RESPONDENT_BINDING_KEY] = policy.respondent_binding(response)
    return redirect(url_for("respondents.home"))


NEW_LINK_LIMIT = "5 per hour"


@bp.post("/respondent/<token>/nieuwe-link")
@limiter.limit(NEW_LINK_LIMIT)
def new_link_for_token(token: str):
    """From an expired link's page: a fresh link, mailed to the address the gemeente invited."""
    response = invitation_for(token)
    if response is not None and response.is_respondent and can_answer(response):
        mail_invitation(response, new_invitation(response), RENEWED)
        db.session.commit()
    return render_template("respondents/new_link_sent.html"), 200


def new_link_account_key() -> str:
    return "respondent-link:" + (request.form.get("email") or "").strip().lower()


@bp.route("/respondent/nieuwe-link", methods=["GET", "POST"])
@limiter.limit(NEW_LINK_LIMIT, methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=new_link_account_key)
def new_link():
    """A respondent who lost their link asks for a new one by e-mail address: the answer is the
    same whether the address was invited or not, and the link goes only to that address."""
    form = NewLinkForm()
    if form.validate_on_submit():
        found = db.session.scalars(select(Response).where(Response.email == form.email.data)).all()
        for response in found:
            if response.is_respondent and can_answer(response):
                mail_invitation(response, new_invitation(response), RENEWED)
        db.session.commit()
        return render_template("respondents/new_link_sent.html"), 200
    return render_template("respondents/link_invalid.html", form=form, asked=True), 422 if form.errors else 200


@bp.get("/respondent")
def home():
    response = policy.current_respondent()
    questionnaire = _store().get(response.assessment.questionnaire_fingerprint)
    domains = [
        (i, d) for i, d in enumerate(questionnaire.domains, start=1) if policy.respondent_sees_domain(response, d.id)
    ]
    shared = None
    if policy.respondent_sees_outcome(response):
        shared = {q: v for q, (v, _) in answer_values(response.assessment).items()}
    return render_template(
        "respondents/home.html",
        response=response,
        domains=domains,
        questionnaire=questionnaire,
        shared=shared,
        contact=policy.respondent_contact(response),
    )


def _page(number: int) -> domain_page.DomainPage:
    response = policy.current_respondent()
    assessment = response.assessment
    questionnaire = _store().get(assessment.questionnaire_fingerprint)
    if not 1 <= number <= len(questionnaire.domains) or not policy.respondent_sees_domain(
        response, questionnaire.domains[number - 1].id
    ):
        abort(404)
    return domain_page.DomainPage(
        assessment=assessment,
        questionnaire=questionnaire,
        number=number,
        steps=domain_page.steps_for(
            questionnaire,
            lambda n: url_for("respondents.step", number=n),
            lambda d: policy.respondent_sees_domain(response, d.id),
        ),
        url=url_for("respondents.step", number=number),
        autosave_url=url_for("respondents.autosave", number=number),
        finish_url=url_for("respondents.home"),
        finish_label="Opslaan en naar uw overzicht",
        overview_label="Uw overzicht",
        done_url=url_for("respondents.home"),
        done_label="Naar uw overzicht",
        editable=policy.respondent_can_edit(response),
        read_only_message="Uw antwoorden zijn ingediend en kunnen niet meer worden gewijzigd.",
        response=response,
    )


@bp.get("/respondent/stap/<int:number>")
def step(number: int):
    return domain_page.show(_page(number))


@bp.post("/respondent/stap/<int:number>")
def save_step(number: int):
    return domain_page.save(_page(number))


@bp.post("/respondent/stap/<int:number>/autosave")
def autosave(number: int):
    return domain_page.autosave(_page(number))


RESPONDENT_PAGES = {
    "respondents.home",
    "respondents.step",
    "respondents.save_step",
    "respondents.autosave",
    "respondents.confirm_submit",
}


@bp.errorhandler(403)
def respondent_refused(error):
    """A respondent whose session was ended (new link, erased, expired) or who has none is told
    what to do, and whom to ask, instead of a bare 403."""
    if request.endpoint not in RESPONDENT_PAGES | {"respondents.submit"}:
        if request.endpoint == "respondents.decide" and _wants_json():
            return jsonify(saved=False, message="Niet opgeslagen: u heeft geen rechten om dit te wijzigen."), 403
        return refuse(403, "U heeft geen rechten voor deze pagina of handeling.")
    message = (
        "Uw sessie is beëindigd: de link waarmee u begon, werkt niet meer (hij is vervangen, verlopen of gewist). "
        "Open de nieuwste link uit uw e-mail, of vraag een nieuwe link aan. Wat u niet had opgeslagen, is niet bewaard."
    )
    if wants_json():
        return refuse(403, message)
    return render_template("respondents/session_ended.html", message=message, form=NewLinkForm(formdata=None)), 403


@bp.errorhandler(CSRFError)
def csrf_error(error):
    """A respondent's domain page whose token failed is shown again with everything typed."""
    if request.endpoint == "respondents.save_step" and session.get(policy.RESPONDENT_SESSION_KEY):
        return domain_page.after_csrf_failure(_page(request.view_args["number"]), CSRF_MESSAGE)
    if request.endpoint == "respondents.decide" and current_user.is_authenticated:
        # the consensus page again with the choice and reason as typed (or JSON for consensus.js)
        assessment = policy.visible_assessment(request.view_args["assessment_id"], edit=True)
        return _refuse_decision(assessment, request.view_args["question_id"], 400, CSRF_MESSAGE)
    return refuse(400, CSRF_MESSAGE, title="Formulier verlopen")


@bp.get("/respondent/indienen")
def confirm_submit():
    """What submitting means, how much is answered, and the button (a POST to `submit`). Changes nothing."""
    response = policy.current_respondent()
    if response.submitted_at is not None:
        flash("U heeft uw antwoorden al ingediend.", "info")
        return redirect(url_for("respondents.home"))
    questionnaire = _store().get(response.assessment.questionnaire_fingerprint)
    visible = [q for d in questionnaire.domains if policy.respondent_sees_domain(response, d.id) for q in d.questions]
    answered = response_values(response.assessment, response)
    return render_template(
        "respondents/submit.html",
        response=response,
        total=len(visible),
        answered=sum(1 for q in visible if answered.get(q.id, (None, ""))[0]),
        contact=policy.respondent_contact(response),
    )


@bp.post("/respondent/indienen")
def submit():
    response = policy.current_respondent()
    if response.submitted_at is None:
        response.submitted_at = utcnow()
        db.session.commit()
    flash("Bedankt! Uw antwoorden zijn ingediend en kunnen niet meer worden gewijzigd.", "success")
    return redirect(url_for("respondents.home"))
