import re

from selfcheck.extensions import db
from selfcheck.models import User
from tests.conftest import PASSWORD, csrf_token


def test_login_per_role_lands_on_the_right_page(browser, make_gemeente, make_user):
    breda = make_gemeente()
    expectations = {
        "beleidsmedewerker": f"/gemeenten/{breda.id}",
        "inkoper": f"/gemeenten/{breda.id}",
    }
    for role in ("beleidsmedewerker", "inkoper", "adviseur", "admin"):
        user = make_user(role, breda if role in expectations else None)
        browser.login(user.email)
        home = browser.get("/")
        if role in expectations:
            assert home.headers["Location"] == expectations[role]
        else:
            assert home.headers["Location"] == "/adviseur/"
            assert re.search(r"<h1[^>]*>Gemeenten</h1>", browser.get("/adviseur/").get_data(as_text=True))
        browser.logout()
        assert browser.get("/").status_code == 302


def test_wrong_password_and_unknown_email_look_the_same(browser, make_user):
    user = make_user("adviseur")
    wrong = browser.submit("/inloggen", {"email": user.email, "password": "niet goed"})
    unknown = browser.submit("/inloggen", {"email": "niemand@example.nl", "password": "niet goed"})
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert "Het e-mailadres of het wachtwoord klopt niet." in response.get_data(as_text=True)


def test_blocked_account_cannot_log_in(browser, make_user):
    user = make_user("adviseur", active=False)
    response = browser.submit("/inloggen", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 422


def test_login_without_csrf_token_is_refused(client, make_user):
    user = make_user("adviseur")
    response = client.post("/inloggen", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "Formulier verlopen" in response.get_data(as_text=True)


def test_next_parameter_cannot_leave_the_site(client, make_user):
    user = make_user("adviseur")
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    response = client.post(
        "/inloggen?next=//evil.example/x", data={"csrf_token": token, "email": user.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_passwords_are_hashed_with_scrypt(app, make_user, monkeypatch, tmp_path):
    from selfcheck import create_app

    # The suite uses a cheap hash (conftest); the app's own default is scrypt.
    default = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", default.config["PASSWORD_HASH_METHOD"])
    user = make_user("adviseur")
    assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash


def test_invitation_sets_password_once(browser, make_user, client):
    admin = make_user("admin")
    browser.login(admin.email)
    response = browser.submit(
        "/beheer/gebruikers/nieuw",
        {
            "name": "Nieuwe Adviseur",
            "email": "Nieuw@Trimbos.example",
            "role": "adviseur",
            "gemeente_id": "0",
            "active": "y",
        },
    )
    invited = db.session.query(User).filter_by(email="nieuw@trimbos.example").one()
    assert invited.password_hash is None
    assert response.headers["Location"] == f"/beheer/gebruikers/{invited.id}/uitnodiging"
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'value="http://localhost(/uitnodiging/[^"]+)"', page).group(1)
    browser.logout()

    short = browser.submit(link, {"password": "kort", "confirm": "kort"})
    assert short.status_code == 422 and "minstens 12 tekens" in short.get_data(as_text=True)
    done = browser.submit(link, {"password": "een lang wachtwoord", "confirm": "een lang wachtwoord"})
    assert done.status_code == 302
    browser.logout()
    browser.login("nieuw@trimbos.example", "een lang wachtwoord")
    browser.logout()
    assert browser.get(link).status_code == 404  # used once


def test_create_user_command(runner, make_gemeente):
    make_gemeente("GM0758", "Breda")
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Eerste@Beheer.nl",
            "--name",
            "Eerste",
            "--role",
            "admin",
            "--password",
            "een lang wachtwoord",
        ]
    )
    assert result.exit_code == 0, result.output
    assert db.session.query(User).filter_by(email="eerste@beheer.nl", role="admin").count() == 1
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "b@breda.nl",
            "--name",
            "B",
            "--role",
            "inkoper",
            "--password",
            "een lang wachtwoord",
        ]
    )
    assert result.exit_code == 1 and "CBS-code" in result.output
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "b@breda.nl",
            "--name",
            "B",
            "--role",
            "inkoper",
            "--gemeente",
            "gm0758",
            "--password",
            "een lang wachtwoord",
        ]
    )
    assert result.exit_code == 0, result.output
