"""Log in and out, choose a password from an invitation or reset link, and ask for one.

Sessions end on the server: every session cookie carries its user's session generation, and
the user is only loaded while that still matches (`load_user`). Logout, a new password and
deactivation raise the generation, so every earlier cookie of that user stops working, also one
copied elsewhere.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from selfcheck import mail
from selfcheck.auth.forms import ForgotPasswordForm, LoginForm, PasswordForm
from selfcheck.auth.tokens import (
    INVITATION,
    INVITATION_DAYS,
    RESET,
    RESET_HOURS,
    InvalidToken,
    issue_user_token,
    revoke_user_tokens,
    use_user_token,
    user_token,
)
from selfcheck.extensions import db, get_by_id, login_manager
from selfcheck.models import User
from selfcheck.web.audit import record
from selfcheck.web.security import (
    LOGIN_LIMIT_PER_ACCOUNT,
    LOGIN_LIMIT_PER_ADDRESS,
    failed_login,
    limiter,
    login_account_key,
)

bp = Blueprint("auth", __name__)

SESSION_GENERATION_KEY = "_session_generation"
# Asking for a password link: per address, and per e-mail address as typed (known or not alike).
RESET_LIMIT_PER_ADDRESS = "10 per hour"
RESET_LIMIT_PER_ACCOUNT = "3 per hour"

# Checked when the e-mail address is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        user = get_by_id(User, int(user_id))
    except ValueError:
        return None
    if user is None or not user.active or session.get(SESSION_GENERATION_KEY) != user.session_generation:
        return None  # the session was ended on the server (logout, new password, deactivation)
    return user


def start_session(user: User) -> None:
    """A fresh session for `user`: nothing of an earlier one (or of a respondent) is kept."""
    session.clear()
    login_user(user)
    session[SESSION_GENERATION_KEY] = user.session_generation


def safe_next(target: str | None) -> str:
    """`next` only as a path on this site: no scheme, no host, no `//`, no backslash, no control
    characters or spaces (browsers drop tabs and newlines, so `/\\t/evil` would become `//evil`)."""
    fallback = url_for("check.index")
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target or any(ord(c) < 0x20 or ord(c) == 0x7F or c.isspace() for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


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
            start_session(user)
            return redirect(safe_next(request.args.get("next")))
        form.form_errors.append("Het e-mailadres of het wachtwoord klopt niet.")
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/uitloggen")
def logout():
    # No login_required: an ended session that presses "Uitloggen" is simply logged out.
    if current_user.is_authenticated:
        current_user.end_sessions()  # every cookie of this user, on every device, stops working
        db.session.commit()
    logout_user()
    session.clear()
    flash("U bent uitgelogd.", "success")
    return redirect(url_for("auth.login"))


# --- asking for a password link ----------------------------------------------------------------


def reset_account_key() -> str:
    return "reset:" + (request.form.get("email") or "").strip().lower()


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit(RESET_LIMIT_PER_ADDRESS, methods=["POST"])
@limiter.limit(RESET_LIMIT_PER_ACCOUNT, methods=["POST"], key_func=reset_account_key)
def forgot_password():
    """The answer is the same whether the address has an account or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = db.session.scalars(select(User).where(func.lower(User.email) == form.email.data)).first()
        if user is not None and user.active:
            send_password_link(user, RESET)
            db.session.commit()
        return render_template("auth/forgot_password_sent.html", hours=RESET_HOURS)
    return render_template("auth/forgot_password.html", form=form), 422 if form.errors else 200


def send_password_link(user: User, purpose: str) -> str:
    """Make a new invitation or reset link for `user` (older ones stop working) and mail it; the
    link is returned for the admin's page. No commit."""
    token = issue_user_token(user, purpose)
    if purpose == INVITATION:
        link = url_for("auth.accept_invitation", token=token, _external=True)
        mail.send(
            user.email,
            "Uitnodiging voor de KOPP/KOV Beleidscheck",
            "user_invitation",
            audit_action="user.invitation_mailed",
            audit={"account": user.email},
            user_name=user.name,
            link=link,
            days=INVITATION_DAYS,
        )
    else:
        link = url_for("auth.reset_password", token=token, _external=True)
        mail.send(
            user.email,
            "Een nieuw wachtwoord voor de KOPP/KOV Beleidscheck",
            "password_reset",
            audit_action="user.reset_mailed",
            audit={"account": user.email},
            user_name=user.name,
            link=link,
            hours=RESET_HOURS,
        )
    return link


# --- choosing a password from a link -----------------------------------------------------------


@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    return _choose_password(token, INVITATION)


@bp.route("/wachtwoord/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _choose_password(token, RESET)


def _choose_password(token: str, purpose: str):
    """GET shows the form and changes nothing (a mail scanner's visit uses nothing up); the POST
    that sets the password uses the link, once."""
    try:
        row = user_token(token)
    except InvalidToken as error:
        status = 410 if error.expired else 404
        return render_template("auth/invitation_invalid.html", expired=error.expired), status
    if row.purpose != purpose:
        return render_template("auth/invitation_invalid.html", expired=False), 404
    user = row.user
    form = PasswordForm()
    if form.validate_on_submit():
        if not use_user_token(row):  # another request used it a moment ago
            db.session.rollback()
            return render_template("auth/invitation_invalid.html", expired=False), 404
        user.set_password(form.password.data)
        user.end_sessions()
        revoke_user_tokens(user)
        record("user.password_set", user=user, account=user.email, via=purpose)
        db.session.commit()
        start_session(user)
        flash("Uw wachtwoord is ingesteld. Welkom!", "success")
        return redirect(url_for("check.index"))
    template = "auth/invitation.html" if purpose == INVITATION else "auth/reset_password.html"
    return render_template(template, form=form, user=user), 422 if form.errors else 200
