"""Sessions end on the server, links carry nothing but a random token, and `next` stays on the site."""

from __future__ import annotations

import base64
import re

import pytest

from selfcheck.auth.tokens import INVITATION, RESET, issue_user_token, token_hash
from selfcheck.extensions import db
from selfcheck.models import User, UserToken
from tests.conftest import PASSWORD, Browser, csrf_token


def copy_of(browser: Browser, app) -> Browser:
    """Another browser holding the same session cookie (a stolen or forgotten copy)."""
    other = Browser(app.test_client())
    other.client.set_cookie("session", browser.client.get_cookie("session").value)
    return other


def logged_in(browser: Browser) -> bool:
    answer = browser.get("/")
    return answer.status_code == 200 or "/inloggen" not in answer.headers.get("Location", "/inloggen")


@pytest.fixture
def signed_in(app, make_user):
    user = make_user("adviseur")
    browser = Browser(app.test_client())
    browser.login(user.email)
    return user, browser


def test_logout_ends_every_copy_of_the_session_cookie(app, signed_in):
    user, browser = signed_in
    copy = copy_of(browser, app)
    elsewhere = Browser(app.test_client())
    elsewhere.login(user.email)  # the same user on another device
    assert logged_in(copy) and logged_in(elsewhere)
    browser.logout()
    assert not logged_in(browser)
    assert not logged_in(copy)  # the cookie from before the logout no longer works
    assert not logged_in(elsewhere)  # logout ends the user's sessions everywhere
    Browser(app.test_client()).login(user.email)  # logging in again works


def test_deactivation_ends_the_users_open_sessions(app, signed_in, make_user):
    user, browser = signed_in
    admin = Browser(app.test_client())
    admin.login(make_user("admin").email)
    saved = admin.submit(
        f"/beheer/gebruikers/{user.id}",
        {"name": user.name, "email": user.email, "role": user.role, "gemeente_id": "0"},  # "active" unticked
    )
    assert saved.status_code == 302
    assert not logged_in(browser)
    db.session.expire_all()
    user = db.session.get(User, user.id)
    user.active = True  # reactivated: the old cookie stays dead, a new log-in works
    db.session.commit()
    assert not logged_in(browser)
    Browser(app.test_client()).login(user.email)


def test_a_new_password_from_a_link_ends_the_old_sessions(app, signed_in):
    user, browser = signed_in
    copy = copy_of(browser, app)
    token = issue_user_token(user, RESET)
    db.session.commit()
    fresh = Browser(app.test_client())
    assert (
        fresh.submit(f"/wachtwoord/{token}", {"password": "een nieuw wachtwoord", "confirm": "een nieuw wachtwoord"})
    ).status_code == 302
    assert logged_in(fresh)
    assert not logged_in(browser) and not logged_in(copy)


def test_a_session_from_before_the_generation_existed_is_not_accepted(app, signed_in):
    """A cookie with a user id but no (or another) generation: not logged in."""
    user, browser = signed_in
    with browser.client.session_transaction() as session:
        session["_session_generation"] = user.session_generation + 1
    assert not logged_in(browser)
    with browser.client.session_transaction() as session:
        session.pop("_session_generation")
    assert not logged_in(browser)


def test_links_carry_no_password_hash_or_id_only_a_random_token(app, make_user):
    user = make_user("adviseur")
    links = [issue_user_token(user, INVITATION), issue_user_token(user, RESET)]
    db.session.commit()
    for token in links:
        assert len(token) >= 43 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
        assert user.password_hash not in token and user.password_hash.split("$")[-1] not in token
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) == 32  # 32 random bytes and nothing else: no id, no hash, no payload
    stored = {t.token_hash for t in db.session.query(UserToken)}
    assert links[0] not in str(stored) and token_hash(links[1]) in stored  # only hashes are stored
    # issuing a new link retired the earlier one
    assert app.test_client().get(f"/uitnodiging/{links[0]}").status_code == 404
    assert app.test_client().get(f"/wachtwoord/{links[1]}").status_code == 200


def test_a_link_is_used_once_and_only_for_its_purpose(app, make_user):
    user = make_user("adviseur")
    token = issue_user_token(user, INVITATION)
    db.session.commit()
    assert app.test_client().get(f"/wachtwoord/{token}").status_code == 404  # an invitation is no reset link
    browser = Browser(app.test_client())
    assert (
        browser.submit(f"/uitnodiging/{token}", {"password": "een lang wachtwoord", "confirm": "een lang wachtwoord"})
    ).status_code == 302
    again = Browser(app.test_client())
    assert again.get(f"/uitnodiging/{token}").status_code == 404
    html = again.client.get("/inloggen").get_data(as_text=True)
    replay = again.client.post(
        f"/uitnodiging/{token}",
        data={"csrf_token": csrf_token(html), "password": "aanvaller wachtwoord", "confirm": "aanvaller wachtwoord"},
    )
    assert replay.status_code == 404
    Browser(app.test_client()).login(user.email, "een lang wachtwoord")


def test_a_deactivated_users_link_does_not_work(app, make_user):
    user = make_user("adviseur")
    token = issue_user_token(user, RESET)
    user.active = False
    db.session.commit()
    assert app.test_client().get(f"/wachtwoord/{token}").status_code == 404


def test_a_deleted_user_takes_their_links_along(app, make_user):
    from selfcheck.admin.privacy import forget_user

    user = make_user("adviseur")
    issue_user_token(user, RESET)
    db.session.commit()
    forget_user(user)
    db.session.commit()
    assert db.session.query(UserToken).count() == 0


# --- next: only a path on this site -------------------------------------------------------------------

HOSTILE_NEXT = [
    "//evil.example/x",
    "/%09/evil.example",  # a tab: browsers drop it and read //evil.example
    "/%0a/evil.example",  # a newline: was a 500
    "/%0d%0a/evil.example",
    "/%0D/evil.example",
    "/%5Cevil.example",  # a backslash
    "%5C%5Cevil.example",
    "/%5C/evil.example",
    "https://evil.example/",
    "http:/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/%20/evil.example",
    "/%00/evil.example",
    "%2F%2Fevil.example",
    "///evil.example",
    "/%E3%80%80/evil.example",  # an ideographic space
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_next_never_leaves_the_site_and_never_answers_500(app, make_user, target):
    user = make_user("adviseur")
    client = app.test_client()
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    response = client.post(
        f"/inloggen?next={target}", data={"csrf_token": token, "email": user.email, "password": PASSWORD}
    )
    assert response.status_code in (302, 400), response.status_code  # a NUL is refused outright
    if response.status_code == 302:
        assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/adviseur", "/checks/1/resultaten?jaar=2025#feedback", "/beheer/gebruikers"])
def test_next_keeps_a_path_on_this_site(app, make_user, target):
    user = make_user("adviseur")
    client = app.test_client()
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    from urllib.parse import quote

    response = client.post(
        f"/inloggen?next={quote(target)}", data={"csrf_token": token, "email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == target


def test_safe_next_directly():
    from selfcheck import create_app
    from selfcheck.auth.views import safe_next

    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context():
        for bad in ("/\t/evil.example", "/\n/evil", "/\\evil", "\\\\evil", "/\x7f/evil", None, "", "//x", "/ok\r"):
            assert safe_next(bad) == "/", repr(bad)
        assert safe_next("/checks/3") == "/checks/3"


def test_logout_without_a_session_is_harmless(client):
    html = client.get("/inloggen").get_data(as_text=True)
    assert client.post("/uitloggen", data={"csrf_token": csrf_token(html)}).status_code == 302
