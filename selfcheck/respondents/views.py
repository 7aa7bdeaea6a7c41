"""Several respondents per gemeente: invitations, independent answering, and the consensus.

The owner (a beleidsmedewerker of the gemeente) invites respondents with a one-time link; a
respondent needs no account. Respondents answer in their own response and never see each
other's answers; the owner sets the gemeente's final answers with a reason, and the dissent
stays in the respondents' responses.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from selfcheck.policy import visible_assessment
from selfcheck.check.store import answer_values, respondent_answers, save_answers, shared_response
from selfcheck.web.audit import record
from selfcheck.core.consensus import PERSPECTIVES, RespondentAnswers, disagreements
from selfcheck.extensions import db
from selfcheck.web.forms import COMMENT_MAX, Form, _email, answer_field_name, comment_field_name, domain_form_class
from selfcheck.models import Answer, Assessment, Response, utcnow
from selfcheck.admin.privacy import forget_respondent

bp = Blueprint("respondents", __name__)
INVITATION_DAYS = 14
SESSION_KEY = "respondent_response"


class InviteForm(Form):
    name = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=120)],
                       filters=[lambda v: (v or "").strip()])
    email = StringField("E-mailadres", validators=[DataRequired("Vul het e-mailadres in."), _email])
    perspective = SelectField("Perspectief", choices=[SelectChoice(k, v) for k, v in PERSPECTIVES.items()])
    domains = SelectMultipleField("Domeinen", option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
                                  validators=[Optional()])


class FinalAnswerForm(Form):
    reason = TextAreaField("Waarom dit antwoord?", validators=[Length(max=COMMENT_MAX)],
                           filters=[lambda v: (v or "").strip()])


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_invitation(response: Response) -> str:
    """A fresh one-time link token; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    response.invite_hash = _token_hash(token)
    response.invite_expires_at = utcnow() + timedelta(days=INVITATION_DAYS)
    response.invite_used_at = None
    return token


def _owned_assessment(assessment_id: int) -> Assessment:
    """The owner's view: a beleidsmedewerker of the assessment's gemeente."""
    return visible_assessment(assessment_id, edit=True)


def _respondent_of(assessment: Assessment, response_id: int) -> Response:
    response = db.session.get(Response, response_id)
    if response is None or response.assessment_id != assessment.id or not response.is_respondent:
        abort(404)
    return response


def _store():
    return current_app.extensions["questionnaire_store"]


# --- the owner ------------------------------------------------------------------------------


@bp.route("/checks/<int:assessment_id>/respondenten", methods=["GET", "POST"])
@login_required
def manage(assessment_id: int):
    assessment = _owned_assessment(assessment_id)
    questionnaire = _store().get(assessment.questionnaire_fingerprint)
    form = InviteForm()
    form.domains.choices = [SelectChoice(d.id, d.title) for d in questionnaire.domains]
    link = None
    if request.method == "POST" and form.validate():
        if assessment.submitted:
            abort(409)
        response = Response(assessment=assessment, name=form.name.data, email=form.email.data,
                            perspective=form.perspective.data, domains=form.domains.data or None)
        token = new_invitation(response)
        db.session.add(response)
        db.session.flush()
        record("respondent.invited", assessment=assessment, perspective=response.perspective)
        db.session.commit()
        link = url_for("respondents.accept", token=token, _external=True)
        form = InviteForm(formdata=None)
        form.domains.choices = [SelectChoice(d.id, d.title) for d in questionnaire.domains]
    respondents = respondent_answers(assessment)
    return render_template("respondents/manage.html", assessment=assessment, form=form, link=link,
                           respondents=respondents, perspectives=PERSPECTIVES, questionnaire=questionnaire,
                           invitation_days=INVITATION_DAYS), 422 if form.errors else 200


@bp.post("/checks/<int:assessment_id>/respondenten/<int:response_id>/link")
@login_required
def renew(assessment_id: int, response_id: int):
    assessment = _owned_assessment(assessment_id)
    response = _respondent_of(assessment, response_id)
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
    assessment = _owned_assessment(assessment_id)
    response = _respondent_of(assessment, response_id)
    forget_respondent(response)
    record("respondent.forgotten", assessment=assessment, perspective=response.perspective)
    db.session.commit()
    flash("De naam en het e-mailadres van de respondent zijn gewist; de antwoorden blijven.", "success")
    return redirect(url_for("respondents.manage", assessment_id=assessment.id))


@bp.get("/checks/<int:assessment_id>/consensus")
@login_required
def consensus(assessment_id: int):
    assessment = _owned_assessment(assessment_id)
    questionnaire = _store().get(assessment.questionnaire_fingerprint)
    responses = respondent_answers(assessment)
    comments = {}
    for response, _ in responses:
        for answer in db.session.query(Answer).filter_by(response_id=response.id):
            if answer.comment:
                comments.setdefault(answer.question_id, []).append((response, answer.comment))
    ranked = disagreements(questionnaire, [RespondentAnswers(r.perspective, v) for r, v in responses])
    finals = {a.question_id: a for a in shared_response(assessment).answers}
    return render_template("respondents/consensus.html", assessment=assessment, questionnaire=questionnaire,
                           ranked=ranked, responses=responses, comments=comments, finals=finals,
                           perspectives=PERSPECTIVES, form=FinalAnswerForm(formdata=None))


@bp.post("/checks/<int:assessment_id>/consensus/<question_id>")
@login_required
def decide(assessment_id: int, question_id: str):
    assessment = _owned_assessment(assessment_id)
    questionnaire = _store().get(assessment.questionnaire_fingerprint)
    question = questionnaire.question(question_id)
    if question is None:
        abort(404)
    form = FinalAnswerForm()
    value = request.form.get("value")
    if assessment.submitted or question.option(value or "") is None or not form.validate():
        flash("Niet opgeslagen: kies een van de antwoorden (en houd de toelichting onder "
              f"{COMMENT_MAX} tekens).", "error")
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
    assessment = _owned_assessment(assessment_id)
    assessment.consensus_shared = not assessment.consensus_shared
    db.session.commit()
    flash("De respondenten zien nu de uitkomst." if assessment.consensus_shared
          else "De uitkomst is niet meer zichtbaar voor respondenten.", "success")
    return redirect(url_for("respondents.consensus", assessment_id=assessment.id))


# --- the respondent -----------------------------------------------------------------------


def _respondent() -> Response:
    response = db.session.get(Response, session.get(SESSION_KEY) or 0)
    if response is None or not response.is_respondent or response.invite_used_at is None:
        abort(403)
    return response


@bp.get("/respondent/<token>")
def accept(token: str):
    response = db.session.query(Response).filter_by(invite_hash=_token_hash(token)).first()
    if response is None or response.invite_used_at is not None:
        return render_template("auth/invitation_invalid.html", expired=False), 404
    if response.invite_expires_at < utcnow():
        return render_template("auth/invitation_invalid.html", expired=True), 410
    response.invite_used_at = utcnow()  # single use: the session carries the respondent on
    db.session.commit()
    session.clear()
    session[SESSION_KEY] = response.id
    return redirect(url_for("respondents.home"))


@bp.get("/respondent")
def home():
    response = _respondent()
    questionnaire = _store().get(response.assessment.questionnaire_fingerprint)
    domains = [(i, d) for i, d in enumerate(questionnaire.domains, start=1) if response.covers(d.id)]
    shared = None
    if response.assessment.consensus_shared:
        shared = {q: v for q, (v, _) in answer_values(response.assessment).items()}
    return render_template("respondents/home.html", response=response, domains=domains,
                           questionnaire=questionnaire, shared=shared, perspectives=PERSPECTIVES)


@bp.route("/respondent/stap/<int:number>", methods=["GET", "POST"])
def step(number: int):
    response = _respondent()
    assessment = response.assessment
    questionnaire = _store().get(assessment.questionnaire_fingerprint)
    if not 1 <= number <= len(questionnaire.domains) or not response.covers(questionnaire.domains[number - 1].id):
        abort(404)
    domain = questionnaire.domains[number - 1]
    form = domain_form_class(questionnaire, domain)()
    editable = response.submitted_at is None and not assessment.submitted
    if request.method == "POST":
        if not editable:
            abort(409)
        unexpected = set(request.form) - set(form._fields) - {"csrf_token", "action"}
        if unexpected:
            form.form_errors.append("Het formulier bevat velden die niet bij deze stap horen. Er is niets opgeslagen.")
        elif form.validate():
            values = {q.id: (form[answer_field_name(q.id)].data, form[comment_field_name(q.id)].data)
                      for q in domain.questions}
            save_answers(assessment, None, values, response=response)
            db.session.commit()
            flash(f"Uw antwoorden bij {domain.title} zijn opgeslagen.", "success")
            return redirect(url_for("respondents.home"))
        status = 400 if unexpected else 422
    else:
        status = 200
        own = {a.question_id: a for a in response.answers}
        for q in domain.questions:
            if q.id in own:
                form[answer_field_name(q.id)].data = own[q.id].value
                form[comment_field_name(q.id)].data = own[q.id].comment
    return render_template("respondents/step.html", response=response, domain=domain, number=number,
                           form=form, editable=editable, comment_max=COMMENT_MAX), status


@bp.post("/respondent/indienen")
def submit():
    response = _respondent()
    if response.submitted_at is None:
        response.submitted_at = utcnow()
        db.session.commit()
    flash("Bedankt! Uw antwoorden zijn ingediend en kunnen niet meer worden gewijzigd.", "success")
    return redirect(url_for("respondents.home"))
