"""Real e-mail: every link is mailed through a real SMTP server (aiosmtpd) the test starts on
127.0.0.1. The mail arrives in Dutch with a text and an HTML part, its link works once where it
should, a link scanner's GET changes nothing, and asking for a password link answers the same for
any address."""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
import re
import socket
import stat
import threading
import time

import pytest
from aiosmtpd.controller import Controller

from selfcheck import mail
from selfcheck.extensions import db
from selfcheck.models import AuditEvent, Response, User, UserToken
from tests.conftest import PASSWORD, Browser, csrf_token

LINK = re.compile(r"http://localhost(/[^\s\"<>]+)")


class Inbox:
    """An aiosmtpd handler that keeps every message it is given, optionally slowly."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.delay = 0.0
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10) -> list:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout)
        assert len(self.messages) >= count, f"{len(self.messages)} of {count} mails arrived"
        return self.messages

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def use_smtp(app, port: int, **extra) -> None:
    """Point the app's mail at an SMTP server on 127.0.0.1 (as MAIL_SERVER/MAIL_PORT would)."""
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_BACKEND="smtp", MAIL_TIMEOUT=extra.pop("timeout", 5), **extra
    )
    mail.mail.init_app(app)


@pytest.fixture
def inbox(app):
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    use_smtp(app, port)
    yield handler
    mail.wait(10)
    controller.stop()


def parts(message) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def link_in(message) -> str:
    text, html = parts(message)
    [link] = set(LINK.findall(text))
    assert link in html  # the same link in both parts, not rewritten for tracking
    return link


def assert_plain_mail(message):
    """Dutch, both parts, nothing that phones home."""
    text, html = parts(message)
    assert message["From"] and message["Subject"] and message["Auto-Submitted"] == "auto-generated"
    assert '<html lang="nl">' in html and "automatisch verstuurd" in text
    assert "<img" not in html and "http" not in re.sub(r'href="http://localhost/[^"]*"|http://localhost/\S+', "", html)


def logged_in(browser) -> bool:
    """Whether the browser's session cookie still carries a logged-in user."""
    answer = browser.get("/")
    return answer.status_code == 200 or "/inloggen" not in answer.headers.get("Location", "/inloggen")


@pytest.fixture
def admin(app, make_user):
    person = Browser(app.test_client())
    person.login(make_user("admin").email)
    return person


# --- user invitations and password links ----------------------------------------------------------


def test_an_invited_user_gets_a_mail_whose_link_sets_a_password_once(app, admin, inbox):
    created = admin.submit(
        "/beheer/gebruikers/nieuw",
        {"name": "Nina Nieuw", "email": "nina@trimbos.example", "role": "adviseur", "gemeente_id": "0", "active": "y"},
    )
    assert created.status_code == 302
    [message] = inbox.wait_for(1)
    assert message["To"] == "nina@trimbos.example"
    assert message["Subject"] == "Uitnodiging voor de KOPP/KOV Beleidscheck"
    assert_plain_mail(message)
    text, _ = parts(message)
    assert "Beste Nina Nieuw" in text and "wachtwoord" in text
    link = link_in(message)
    assert link.startswith("/uitnodiging/")

    scanner = app.test_client()  # a mail scanner follows the link first: it uses nothing up
    for _ in range(3):
        assert scanner.get(link).status_code == 200
    assert db.session.query(UserToken).one().used_at is None

    nina = Browser(app.test_client())
    chosen = nina.submit(link, {"password": "een lang wachtwoord", "confirm": "een lang wachtwoord"})
    assert chosen.status_code == 302 and logged_in(nina)
    assert Browser(app.test_client()).get(link).status_code == 404  # used once
    actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert "user.invitation_mailed" in actions and "user.password_set" in actions


def test_forgot_password_answers_the_same_for_any_address_and_mails_only_real_accounts(app, client, make_user, inbox):
    user = make_user("adviseur", email="anne@trimbos.example")

    def ask(address):
        browser = Browser(app.test_client())
        response = browser.submit("/wachtwoord-vergeten", {"email": address})
        return response.status_code, response.get_data(as_text=True)

    assert "Wachtwoord vergeten?" in client.get("/inloggen").get_data(as_text=True)
    known = ask("anne@trimbos.example")
    unknown = ask("niemand@trimbos.example")
    assert known == unknown and known[0] == 200 and "Kijk in uw e-mail" in known[1]
    [message] = inbox.wait_for(1)
    time.sleep(0.3)
    assert len(inbox.messages) == 1 and message["To"] == user.email
    assert_plain_mail(message)
    link = link_in(message)
    assert link.startswith("/wachtwoord/")
    assert user.password_hash not in link and "scrypt" not in link and "pbkdf2" not in link


def test_a_password_reset_works_once_and_ends_every_old_session(app, make_user, inbox):
    user = make_user("adviseur", email="bob@trimbos.example")
    old = Browser(app.test_client())
    old.login(user.email)
    assert logged_in(old)
    Browser(app.test_client()).submit("/wachtwoord-vergeten", {"email": user.email})
    link = link_in(inbox.wait_for(1)[0])

    assert app.test_client().get(link).status_code == 200  # a scanner's GET
    reset = Browser(app.test_client())
    assert (
        reset.submit(link, {"password": "nieuw en lang genoeg", "confirm": "nieuw en lang genoeg"}).status_code == 302
    )
    assert logged_in(reset)  # the new session works
    assert not logged_in(old)  # the old cookie no longer does
    assert Browser(app.test_client()).get(link).status_code == 404  # used once
    fresh = Browser(app.test_client())
    assert fresh.submit("/inloggen", {"email": user.email, "password": PASSWORD}).status_code == 422
    fresh.login(user.email, "nieuw en lang genoeg")


def test_a_reset_link_expires(app, make_user, inbox):
    from datetime import timedelta

    from selfcheck.models import utcnow

    user = make_user("adviseur", email="eva@trimbos.example")
    Browser(app.test_client()).submit("/wachtwoord-vergeten", {"email": user.email})
    link = link_in(inbox.wait_for(1)[0])
    db.session.query(UserToken).update({"expires_at": utcnow() - timedelta(minutes=1)})
    db.session.commit()
    assert app.test_client().get(link).status_code == 410


def test_asking_for_password_links_is_rate_limited_per_address_typed(app, make_user, inbox):
    make_user("adviseur", email="rita@trimbos.example")
    for address in ("rita@trimbos.example", "onbekend@trimbos.example"):
        browser = Browser(app.test_client())
        statuses = [browser.submit("/wachtwoord-vergeten", {"email": address}).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429], address  # known or not: limited alike
    inbox.wait_for(3)


def test_the_admin_sends_a_new_link_and_older_links_stop_working(app, admin, make_user, inbox):
    user = make_user("adviseur", email="joop@trimbos.example")
    page = admin.get(f"/beheer/gebruikers/{user.id}/uitnodiging")
    assert page.status_code == 200 and db.session.query(UserToken).count() == 0  # a GET makes no link
    admin.submit(f"/beheer/gebruikers/{user.id}/uitnodiging", {})
    [first] = inbox.wait_for(1)
    admin.submit(f"/beheer/gebruikers/{user.id}/uitnodiging", {})
    second = inbox.wait_for(2)[1]
    assert first["Subject"].startswith("Een nieuw wachtwoord")  # the account has a password: a reset link
    assert app.test_client().get(link_in(first)).status_code == 404
    assert app.test_client().get(link_in(second)).status_code == 200
    assert user.password_hash not in link_in(second)


# --- respondents -------------------------------------------------------------------------------------


@pytest.fixture
def owner(app, make_gemeente, make_user, make_assessment):
    gemeente = make_gemeente()
    user = make_user("beleidsmedewerker", gemeente, email="olga@breda.example")
    user.name = "Olga Eigenaar"
    db.session.commit()
    assessment = make_assessment(gemeente, user)
    browser = Browser(app.test_client())
    browser.login(user.email)
    return browser, user, assessment


def _invite(owner, name="Petra", address="petra@partner.nl"):
    browser, _, assessment = owner
    return browser.submit(
        f"/checks/{assessment.id}/respondenten", {"name": name, "email": address, "perspective": "ketenpartner"}
    )


def test_a_respondent_is_invited_by_mail_and_can_come_back_with_the_same_link(app, owner, inbox):
    page = _invite(owner).get_data(as_text=True)
    assert "gemaild naar" in page and "petra@partner.nl" in page
    [message] = inbox.wait_for(1)
    assert message["To"] == "petra@partner.nl" and "Breda" in message["Subject"]
    assert_plain_mail(message)
    text, html = parts(message)
    assert "Olga Eigenaar" in text and "olga@breda.example" in html  # whom to ask, by name
    link = link_in(message)

    scanner = app.test_client()
    assert scanner.get(link).status_code == 200 and scanner.get("/respondent").status_code == 403
    assert db.session.query(Response).filter(Response.perspective.isnot(None)).one().invite_used_at is None
    for _ in range(2):  # she closes the browser and comes back with the same link
        petra = Browser(app.test_client())
        landing = petra.get(link).get_data(as_text=True)
        assert "Olga Eigenaar" in landing
        assert petra.submit(link, {}).status_code == 302
        assert "Welkom, Petra" in petra.get("/respondent").get_data(as_text=True)


def test_a_reminder_mails_a_fresh_link_that_replaces_the_old_one(app, owner, inbox):
    browser, _, assessment = owner
    _invite(owner)
    old_link = link_in(inbox.wait_for(1)[0])
    response = db.session.query(Response).filter(Response.perspective.isnot(None)).one()
    browser.submit(
        f"/checks/{assessment.id}/respondenten/{response.id}/herinnering",
        {},
        form_url=f"/checks/{assessment.id}/respondenten",
    )
    reminder = inbox.wait_for(2)[1]
    assert reminder["Subject"].startswith("Herinnering") and "nog niet ingediend" in parts(reminder)[0]
    assert app.test_client().get(old_link).status_code == 404
    assert app.test_client().get(link_in(reminder)).status_code == 200


def test_a_respondent_asks_for_a_fresh_link_and_the_answer_reveals_nothing(app, owner, inbox):
    _invite(owner)
    inbox.wait_for(1)

    def ask(address):
        browser = Browser(app.test_client())
        response = browser.submit("/respondent/nieuwe-link", {"email": address})
        return response.status_code, response.get_data(as_text=True)

    assert ask("Petra@Partner.nl") == ask("niemand@partner.nl")
    fresh = inbox.wait_for(2)[1]
    time.sleep(0.3)
    assert len(inbox.messages) == 2 and fresh["To"] == "petra@partner.nl"
    assert "nieuwe persoonlijke link" in parts(fresh)[0]
    assert app.test_client().get(link_in(fresh)).status_code == 200


def test_an_expired_links_page_mails_a_fresh_link_to_the_invited_address(app, owner, inbox):
    from datetime import timedelta

    from selfcheck.models import utcnow

    _invite(owner)
    link = link_in(inbox.wait_for(1)[0])
    db.session.query(Response).filter(Response.perspective.isnot(None)).update(
        {"invite_expires_at": utcnow() - timedelta(days=1)}
    )
    db.session.commit()
    late = Browser(app.test_client())
    assert late.get(link).status_code == 410
    assert late.submit(f"{link}/nieuwe-link", {}, form_url=link).status_code == 200
    fresh = inbox.wait_for(2)[1]
    assert fresh["To"] == "petra@partner.nl"
    assert app.test_client().get(link_in(fresh)).status_code == 200


# --- adviser feedback ----------------------------------------------------------------------------------


def test_adviser_feedback_is_announced_to_the_gemeentes_beleidsmedewerkers(
    app, make_gemeente, make_user, make_assessment, inbox
):
    gemeente = make_gemeente()
    staff = make_user("beleidsmedewerker", gemeente, email="beleid@breda.example")
    make_user("inkoper", gemeente, email="inkoop@breda.example")
    make_user("beleidsmedewerker", gemeente, email="oud@breda.example", active=False)
    make_user("beleidsmedewerker", make_gemeente("GM0344", "Utrecht"), email="beleid@utrecht.example")
    from selfcheck.enums import Status

    assessment = make_assessment(gemeente, staff)
    assessment.status = Status.DEFINITIEF.value  # feedback is for submitted checks
    db.session.commit()
    adviser = Browser(app.test_client())
    adviser.login(make_user("adviseur").email)
    posted = adviser.submit(
        f"/checks/{assessment.id}/feedback",
        {"domain_id": "", "text": "Sterk begin; leg de regie vast."},
        form_url="/",
    )
    assert posted.status_code == 302
    [notice] = inbox.wait_for(1)
    time.sleep(0.3)
    assert len(inbox.messages) == 1 and notice["To"] == "beleid@breda.example"
    text, _ = parts(notice)
    assert "feedback" in text and "Breda" in text
    assert "leg de regie vast" not in text  # the feedback itself stays behind the log-in
    assert link_in(notice) == f"/checks/{assessment.id}/resultaten#feedback"


# --- never blocking a page; development without a mail server ----------------------------------------


def test_a_slow_mail_server_does_not_slow_the_page(app, make_user, inbox):
    make_user("adviseur", email="traag@trimbos.example")
    inbox.delay = 2.0
    browser = Browser(app.test_client())
    html = browser.client.get("/wachtwoord-vergeten").get_data(as_text=True)
    started = time.monotonic()
    answer = browser.client.post(
        "/wachtwoord-vergeten", data={"csrf_token": csrf_token(html), "email": "traag@trimbos.example"}
    )
    assert answer.status_code == 200 and time.monotonic() - started < 1.0
    inbox.wait_for(1, timeout=10)


def test_an_unreachable_mail_server_is_logged_and_the_page_still_answers(app, make_user, caplog):
    make_user("adviseur", email="weg@trimbos.example")
    use_smtp(app, _free_port(), timeout=2)  # nothing listens there
    with caplog.at_level(logging.ERROR, logger="selfcheck.mail"):
        answer = Browser(app.test_client()).submit("/wachtwoord-vergeten", {"email": "weg@trimbos.example"})
        assert answer.status_code == 200
        assert mail.wait(10)
    assert any("Mail not delivered" in r.getMessage() for r in caplog.records)
    assert not any("weg@trimbos.example" in r.getMessage() for r in caplog.records)


def test_without_mail_server_mails_are_written_to_the_instance_folder(app, make_user, caplog):
    from pathlib import Path

    assert not app.config["MAIL_SERVER"]
    make_user("adviseur", email="lokaal@trimbos.example")
    with caplog.at_level(logging.INFO, logger="selfcheck.mail"):
        Browser(app.test_client()).submit("/wachtwoord-vergeten", {"email": "lokaal@trimbos.example"})
        assert mail.wait(10)
    [written] = (Path(app.instance_path) / "mail").glob("*.eml")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600  # it holds a live link
    message = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert message["To"] == "lokaal@trimbos.example" and "/wachtwoord/" in parts(message)[0]
    assert any("Mail written to" in r.getMessage() for r in caplog.records)


def test_mail_settings_come_from_the_environment(monkeypatch, tmp_path):
    import click

    from selfcheck import create_app

    monkeypatch.setenv("SELFCHECK_INSTANCE", str(tmp_path))
    for name, value in {
        "MAIL_SERVER": "smtp.gemeente.example",
        "MAIL_USE_TLS": "true",
        "MAIL_USERNAME": "beleidscheck",
        "MAIL_PASSWORD": "geheim",
        "MAIL_DEFAULT_SENDER": "Beleidscheck <beleidscheck@gemeente.example>",
    }.items():
        monkeypatch.setenv(name, value)
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    state = app.extensions["mailman"]
    assert (state.server, state.port, state.use_tls, state.username, state.backend) == (
        "smtp.gemeente.example",
        587,
        True,
        "beleidscheck",
        "smtp",
    )
    assert state.default_sender == "Beleidscheck <beleidscheck@gemeente.example>"
    monkeypatch.setenv("MAIL_PORT", "vijfentwintig")
    with pytest.raises(click.ClickException, match="MAIL_PORT"):
        create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})


def test_every_mail_sent_is_in_the_audit_trail_without_respondents_addresses(app, owner, inbox):
    _invite(owner)
    inbox.wait_for(1)
    [event] = db.session.query(AuditEvent).filter_by(action="respondent.mailed").all()
    assert event.detail["mail"] == "respondent_invitation" and event.assessment_id == owner[2].id
    assert "petra@partner.nl" not in str(event.detail)
    assert db.session.query(User).count() == 1
