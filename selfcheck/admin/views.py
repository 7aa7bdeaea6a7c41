"""Beheer: gemeenten (one by one or from a CBS list) and user accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from selfcheck.admin.cbs import apply_import, parse_cbs_csv
from selfcheck.admin.forms import CHOOSE, GemeenteForm, ImportForm, RespondentSearchForm, UserForm
from selfcheck.admin.privacy import forget_respondent, forget_user, personal_data, respondent_data, respondents_by_email
from selfcheck.auth.tokens import INVITATION, INVITATION_DAYS, RESET, RESET_HOURS, revoke_user_tokens
from selfcheck.auth.views import send_password_link
from selfcheck.enums import GEMEENTE_ROLES, Role
from selfcheck.extensions import db
from selfcheck.models import AuditEvent, Gemeente, User
from selfcheck.policy import roles_required
from selfcheck.web.audit import ACTIONS, record

bp = Blueprint("admin", __name__, url_prefix="/beheer")
admin_only = roles_required(Role.ADMIN)


@bp.get("/gemeenten")
@admin_only
def gemeenten():
    rows = db.session.scalars(select(Gemeente).order_by(Gemeente.name)).all()
    return render_template("admin/gemeenten.html", gemeenten=rows, import_form=ImportForm())


@bp.route("/gemeenten/nieuw", methods=["GET", "POST"], defaults={"gemeente_id": None})
@bp.route("/gemeenten/<int:gemeente_id>", methods=["GET", "POST"])
@admin_only
def gemeente(gemeente_id: int | None):
    gemeente = db.session.get(Gemeente, gemeente_id) if gemeente_id else Gemeente()
    if gemeente is None:
        abort(404)
    form = GemeenteForm(obj=gemeente)
    if form.validate_on_submit():
        clash = db.session.scalars(select(Gemeente).where(Gemeente.code == form.code.data)).first()
        if clash is not None and clash.id != gemeente.id:
            form.code.errors.append(f"{form.code.data} hoort al bij {clash.name}.")
        else:
            form.populate_obj(gemeente)
            db.session.add(gemeente)
            db.session.flush()
            record("gemeente.saved", gemeente=gemeente, code=gemeente.code, name=gemeente.name)
            db.session.commit()
            flash(f"Gemeente {gemeente.name} is opgeslagen.", "success")
            return redirect(url_for("admin.gemeenten"))
    status = 422 if form.errors else 200
    return render_template("admin/gemeente.html", form=form, gemeente=gemeente), status


@bp.post("/gemeenten/import")
@admin_only
def import_gemeenten():
    form = ImportForm()
    if not form.validate():
        for error in form.file.errors:
            flash(error, "error")
        return redirect(url_for("admin.gemeenten"))
    raw = form.file.data.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's default on Dutch Windows
    result = parse_cbs_csv(text)
    if result.problems:
        return render_template("admin/import_problems.html", result=result), 422
    apply_import(result)
    record("gemeenten.imported", created=result.created, updated=result.updated)
    db.session.commit()
    flash(f"Import klaar: {result.created} gemeenten toegevoegd, {result.updated} bijgewerkt.", "success")
    return redirect(url_for("admin.gemeenten"))


def _user_form(user: User) -> UserForm:
    form = UserForm(obj=user)
    gemeenten = db.session.execute(select(Gemeente.id, Gemeente.name).order_by(Gemeente.name)).all()
    # A new account starts with no choice made: the default role needs a gemeente, so a
    # preselected "geen" would make the form's own defaults invalid.
    prompt = [SelectChoice(CHOOSE, "Kies een gemeente")] if user.id is None else []
    form.gemeente_id.choices = (
        prompt + [SelectChoice(0, "Geen (landelijke rol)")] + [SelectChoice(g.id, g.name) for g in gemeenten]
    )
    if form.gemeente_id.data is None:
        form.gemeente_id.data = CHOOSE if user.id is None else 0
    return form


@bp.get("/gebruikers")
@admin_only
def users():
    rows = db.session.scalars(select(User).order_by(User.name)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/gebruikers/<int:user_id>", methods=["GET", "POST"])
@admin_only
def user(user_id: int | None):
    user = db.session.get(User, user_id) if user_id else User(active=True)
    if user is None:
        abort(404)
    form = _user_form(user)
    if form.validate_on_submit():
        clash = db.session.scalars(select(User).where(User.email == form.email.data)).first()
        if clash is not None and clash.id != user.id:
            form.email.errors.append("Er is al een account met dit e-mailadres.")
        elif user.id == current_user.id and (form.role.data != Role.ADMIN or not form.active.data):
            form.role.errors.append("U kunt uw eigen beheerdersrechten niet intrekken.")
        else:
            was_active = user.id is not None and user.active
            form.populate_obj(user)
            if user.role not in GEMEENTE_ROLES:
                user.gemeente_id = None  # national roles belong to no gemeente
            new = user.id is None
            db.session.add(user)
            db.session.flush()
            if was_active and not user.active:
                user.end_sessions()  # a deactivated account's open sessions end now, on every device
                revoke_user_tokens(user)
            record("user.saved", account=user.email, role=user.role, new=new)
            if new:
                _keep_link(user, send_password_link(user, INVITATION))
            db.session.commit()
            if new:
                return redirect(url_for("admin.invitation", user_id=user.id))
            flash(f"Het account van {user.name} is opgeslagen.", "success")
            return redirect(url_for("admin.users"))
    status = 422 if form.errors else 200
    return render_template("admin/user.html", form=form, user=user), status


_LINK_KEY = "_invitation_link"


def _keep_link(user: User, link: str) -> None:
    """The link just mailed, shown once on the next page for when the mail does not arrive."""
    session[_LINK_KEY] = {"user": user.id, "link": link}


@bp.route("/gebruikers/<int:user_id>/uitnodiging", methods=["GET", "POST"])
@admin_only
def invitation(user_id: int):
    """GET shows what was sent (and the link once, right after); POST mails a new link: an
    invitation while the account has no password, else a link to choose a new one."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if request.method == "POST":
        if not user.active:
            flash("Dit account is niet actief: zet het eerst op actief.", "error")
            return redirect(url_for("admin.user", user_id=user.id))
        purpose = INVITATION if user.password_hash is None else RESET
        _keep_link(user, send_password_link(user, purpose))
        record("user.invited", account=user.email)
        db.session.commit()
        return redirect(url_for("admin.invitation", user_id=user.id))
    kept = session.pop(_LINK_KEY, None)
    link = kept["link"] if kept and kept.get("user") == user.id else None
    return render_template(
        "admin/invitation.html",
        user=user,
        link=link,
        days=INVITATION_DAYS if user.password_hash is None else None,
        hours=RESET_HOURS,
    )


@bp.get("/gebruikers/<int:user_id>/gegevens.json")
@admin_only
def export_user(user_id: int):
    """Everything the app holds about one person (AVG, right of access)."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    data = personal_data(user)
    record("user.exported", account=user.email)
    db.session.commit()
    return jsonify(data), 200, {"Content-Disposition": f'attachment; filename="persoonsgegevens-{user.id}.json"'}


@bp.route("/gebruikers/<int:user_id>/verwijderen", methods=["GET", "POST"])
@admin_only
def delete_user(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if user.id == current_user.id:
        flash("U kunt uw eigen account niet verwijderen.", "error")
        return redirect(url_for("admin.user", user_id=user.id))
    if request.method == "POST":
        forget_user(user)
        record("user.deleted", account=f"account {user_id}")
        db.session.commit()
        flash(
            "Het account en de persoonsgegevens zijn verwijderd. De checks van de gemeente blijven bestaan.", "success"
        )
        return redirect(url_for("admin.users"))
    return render_template("admin/delete_user.html", user=user)


@bp.get("/respondenten")
@admin_only
def respondents():
    """AVG for invited respondents, who have no account: find them by e-mail address, then
    download what the app holds about them or erase their name and address."""
    form = RespondentSearchForm(formdata=request.args or None)
    searched = bool(request.args) and form.validate()
    found = respondents_by_email(form.email.data) if searched else []
    return render_template(
        "admin/respondents.html", form=form, found=found, searched=searched
    ), 422 if form.errors else 200


def _respondents_asked_for(formdata):
    """The respondents at the address in `formdata`, read as the search form reads it; else 404."""
    form = RespondentSearchForm(formdata=formdata)
    found = respondents_by_email(form.email.data) if form.validate() else []
    if not found:
        abort(404)
    return found


@bp.get("/respondenten/gegevens.json")
@admin_only
def export_respondent():
    found = _respondents_asked_for(request.args)
    for response in found:  # the audit trail names the check and perspective, never the person
        record("respondent.exported", assessment=response.assessment, perspective=response.perspective)
    db.session.commit()
    return (
        jsonify(respondent_data(found)),
        200,
        {"Content-Disposition": 'attachment; filename="persoonsgegevens-respondent.json"'},
    )


@bp.post("/respondenten/wissen")
@admin_only
def forget_respondents():
    found = _respondents_asked_for(request.form)
    for response in found:
        forget_respondent(response)
        record("respondent.forgotten", assessment=response.assessment, perspective=response.perspective)
    db.session.commit()
    flash(
        f"De naam en het e-mailadres zijn gewist bij {len(found)} uitnodiging(en); de antwoorden blijven, "
        "onder hun perspectief.",
        "success",
    )
    return redirect(url_for("admin.respondents"))


@bp.get("/logboek")
@admin_only
def audit_log():
    page = request.args.get("pagina", 1, type=int)
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    action = request.args.get("actie")
    if action in ACTIONS:
        query = query.where(AuditEvent.action == action)
    events = db.paginate(query, page=page, per_page=50, error_out=False)
    return render_template("admin/audit_log.html", events=events, actions=ACTIONS, action=action)
