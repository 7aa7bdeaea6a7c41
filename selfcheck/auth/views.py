"""Log in, log out, and accept an invitation by choosing a password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from selfcheck.auth.forms import LoginForm, PasswordForm
from selfcheck.auth.tokens import InvalidToken, read_invitation_token
from selfcheck.extensions import db, get_by_id, login_manager
from selfcheck.models import User
from selfcheck.web.security import (
    LOGIN_LIMIT_PER_ACCOUNT,
    LOGIN_LIMIT_PER_ADDRESS,
    failed_login,
    limiter,
    login_account_key,
)

bp = Blueprint("auth", __name__)

# Checked when the e-mail address is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return get_by_id(User, int(user_id))


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("check.index")


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT_PER_ADDRESS, methods=["POST"], deduct_when=failed_login)
@limiter.limit(LOGIN_LIMIT_PER_ACCOUNT, methods=["POST"], deduct_when=failed_login, key_func=login_account_key)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("check.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalars(select(User).where(User.email == form.email.data)).first()
        if user is None:
            check_password_hash(_DUMMY_HASH, form.password.data)
        elif user.check_password(form.password.data) and user.active:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append("Het e-mailadres of het wachtwoord klopt niet.")
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/uitloggen")
@login_required
def logout():
    logout_user()
    flash("U bent uitgelogd.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        data = read_invitation_token(token)
    except InvalidToken as error:
        return render_template("auth/invitation_invalid.html", expired=error.expired), 410 if error.expired else 404
    user = db.session.get(User, data.get("user"))
    if user is None or (user.password_hash or "") != data.get("hash") or not user.active:
        return render_template("auth/invitation_invalid.html", expired=False), 404
    form = PasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        db.session.commit()
        logout_user()
        login_user(user)
        flash("Uw wachtwoord is ingesteld. Welkom!", "success")
        return redirect(url_for("check.index"))
    return render_template("auth/invitation.html", form=form, user=user), 422 if form.errors else 200
