"""Several respondents per gemeente: invitations, independent answering, and the consensus.

The owner (a beleidsmedewerker of the gemeente) invites respondents with a one-time link; a
respondent needs no account. Respondents answer in their own response and never see each
other's answers; the owner sets the gemeente's final answers with a reason, and the dissent
stays in the respondents' responses.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from wtforms.fields.choices import SelectChoice

from selfcheck import policy
from selfcheck.admin.privacy import forget_respondent
from selfcheck.check import domain_page
from selfcheck.check.store import answer_values, respondent_answers, save_answers, shared_response
from selfcheck.core.consensus import RespondentAnswers, disagreements
from selfcheck.extensions import db
from selfcheck.models import Answer, Response, utcnow
from selfcheck.respondents.forms import FinalAnswerForm, InviteForm
from selfcheck.respondents.invitations import INVITATION_DAYS, invitation_for, new_invitation
from selfcheck.web.audit import record
from selfcheck.web.errors import CSRF_MESSAGE, refuse
from selfcheck.web.forms import COMMENT_MAX

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
    link = None
    if request.method == "POST" and form.validate():
        if assessment.submitted:
            abort(409)
        response = Response(
            assessment=assessment,
            name=form.name.data,
            email=form.email.data,
            perspective=form.perspective.data,
            domains=form.domains.data or None,
        )
        token = new_invitation(response)
        db.session.add(response)
        db.session.flush()
        record("respondent.invited", assessment=assessment, perspective=response.perspective)
        db.session.commit()
        link = url_for("respondents.accept", token=token, _external=True)
        form = InviteForm(formdata=None)
        form.domains.choices = [SelectChoice(d.id, d.title) for d in questionnaire.domains]
    respondents = respondent_answers(assessment)
    return render_template(
        "respondents/manage.html",
        assessment=assessment,
        form=form,
        link=link,
        respondents=respondents,
        questionnaire=questionnaire,
        invitation_days=INVITATION_DAYS,
    ), 422 if form.errors else 200


@bp.post("/checks/<int:assessment_id>/respondenten/<int:response_id>/link")
@login_required
def renew(assessment_id: int, response_id: int):
    assessment = policy.visible_assessment(assessment_id, edit=True)
    response = policy.invited_respondent(assessment, response_id)
    token = new_invitation(response)
    record("respondent.invited", assessment=assessment, perspective=response.perspective, renewed=True)
    db.session.commit()
    link = url_for("respondents.accept", token=token, _external=True)
    flash(f"Nieuwe link voor {response.name} (de vorige werkt niet meer): {link}", "info")
    return redirect(url_for("respondents.manage", assessment_id=assessment.id))


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


@bp.get("/checks/<int:assessment_id>/consensus")
@login_required
def consensus(assessment_id: int):
    assessment = policy.visible_assessment(assessment_id, edit=True)
    questionnaire = _store().get(assessment.questionnaire_fingerprint)
    responses = respondent_answers(assessment)
    comments = {}
    for response, _ in responses:
        for answer in db.session.query(Answer).filter_by(response_id=response.id):
            if answer.comment:
                comments.setdefault(answer.question_id, []).append((response, answer.comment))
    ranked = disagreements(questionnaire, [RespondentAnswers(r.perspective, v) for r, v in responses])
    finals = {a.question_id: a for a in shared_response(assessment).answers}
    return render_template(
        "respondents/consensus.html",
        assessment=assessment,
        questionnaire=questionnaire,
        ranked=ranked,
        responses=responses,
        comments=comments,
        finals=finals,
        form=FinalAnswerForm(formdata=None),
    )


@bp.post("/checks/<int:assessment_id>/consensus/<question_id>")
@login_required
def decide(assessment_id: int, question_id: str):
    assessment = policy.visible_assessment(assessment_id, edit=True)
    questionnaire = _store().get(assessment.questionnaire_fingerprint)
    question = questionnaire.question(question_id)
    if question is None:
        abort(404)
    form = FinalAnswerForm()
    value = request.form.get("value")
    if assessment.submitted or question.option(value or "") is None or not form.validate():
        flash(
            f"Niet opgeslagen: kies een van de antwoorden (en houd de toelichting onder {COMMENT_MAX} tekens).", "error"
        )
        return redirect(url_for("respondents.consensus", assessment_id=assessment.id) + f"#v-{question_id}")
    comment = answer_values(assessment).get(question_id, (None, ""))[1]
    save_answers(assessment, current_user, {question_id: (value, comment)})
    final = next(a for a in shared_response(assessment).answers if a.question_id == question_id)
    final.reason = form.reason.data or None
    record("answers.saved", assessment=assessment, changes={question_id: {"naar": value, "consensus": True}})
    db.session.commit()
    flash("Het antwoord van de gemeente is vastgesteld.", "success")
    return redirect(url_for("respondents.consensus", assessment_id=assessment.id) + f"#v-{question_id}")


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


@bp.get("/respondent/<token>")
def accept(token: str):
    response = invitation_for(token)
    if response is None or response.invite_used_at is not None:
        return render_template("auth/invitation_invalid.html", expired=False), 404
    if response.invite_expires_at < utcnow():
        return render_template("auth/invitation_invalid.html", expired=True), 410
    response.invite_used_at = utcnow()  # single use: the session carries the respondent on
    db.session.commit()
    session.clear()
    session[policy.RESPONDENT_SESSION_KEY] = response.id
    return redirect(url_for("respondents.home"))


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
        "respondents/home.html", response=response, domains=domains, questionnaire=questionnaire, shared=shared
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


@bp.errorhandler(CSRFError)
def csrf_error(error):
    """A respondent's domain page whose token failed is shown again with everything typed."""
    if request.endpoint == "respondents.save_step" and session.get(policy.RESPONDENT_SESSION_KEY):
        return domain_page.after_csrf_failure(_page(request.view_args["number"]), CSRF_MESSAGE)
    return refuse(400, CSRF_MESSAGE, title="Formulier verlopen")


@bp.post("/respondent/indienen")
def submit():
    response = policy.current_respondent()
    if response.submitted_at is None:
        response.submitted_at = utcnow()
        db.session.commit()
    flash("Bedankt! Uw antwoorden zijn ingediend en kunnen niet meer worden gewijzigd.", "success")
    return redirect(url_for("respondents.home"))
