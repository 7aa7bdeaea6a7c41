import pytest

from selfcheck import create_app
from tests.conftest import PASSWORD, csrf_token


def test_security_headers_on_every_page(client):
    for url in ("/inloggen", "/health", "/static/css/app.css", "/bestaat-niet"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        response.close()  # static files are streamed from an open file


def test_no_inline_script_or_style_in_pages(browser, make_gemeente, make_user, make_assessment, questionnaire):
    gemeente = make_gemeente()
    user = make_user("beleidsmedewerker", gemeente)
    assessment = make_assessment(gemeente, user)
    browser.login(user.email)
    for url in (
        f"/gemeenten/{gemeente.id}",
        f"/checks/{assessment.id}",
        f"/checks/{assessment.id}/stap/1",
        f"/checks/{assessment.id}/resultaten",
    ):
        html = browser.get(url).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "<style" not in html, url


def test_session_cookie_is_httponly_and_lax(browser, make_user):
    response = browser.login(make_user("adviseur").email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_requires_a_secret_key_and_secure_cookies(tmp_path, monkeypatch):
    import click

    monkeypatch.setenv("SELFCHECK_INSTANCE", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/14")  # see test_security_hardening
    with pytest.raises(click.ClickException, match="SECRET_KEY ontbreekt"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    monkeypatch.setenv("SELFCHECK_ENV", "development")
    monkeypatch.delenv("SECRET_KEY")
    assert create_app().config["SECRET_KEY"]  # development may use the generated instance key


def _attempt(client, email, password):
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    return client.post("/inloggen", data={"csrf_token": token, "email": email, "password": password})


def test_login_is_limited_per_account_without_revealing_whether_it_exists(client, make_user):
    user = make_user("adviseur")
    for email in (user.email, "bestaat-niet@example.nl"):
        statuses = [_attempt(client, email, "fout").status_code for _ in range(11)]
        assert statuses[:10] == [422] * 10 and statuses[10] == 429, email
    limited = _attempt(client, user.email, PASSWORD)  # even the right password waits now
    assert limited.status_code == 429
    assert "Te veel pogingen" in limited.get_data(as_text=True)
    assert _attempt(client, "ander@example.nl", "fout").status_code == 422  # other accounts still work


def test_successful_logins_do_not_count(browser, make_user):
    user = make_user("adviseur")
    for _ in range(12):
        assert browser.login(user.email).status_code == 302
        browser.logout()


def test_a_nul_character_is_refused_with_a_message_and_stores_nothing(
    browser, make_gemeente, make_user, make_assessment, questionnaire
):
    """PostgreSQL cannot store NUL; without this guard such a comment was a 500 there."""
    from selfcheck.check.store import answer_values
    from selfcheck.extensions import db

    gemeente = make_gemeente()
    user = make_user("beleidsmedewerker", gemeente)
    assessment = make_assessment(gemeente, user)
    browser.login(user.email)
    q = questionnaire.domains[0].questions[0]
    url = f"/checks/{assessment.id}/stap/1"
    page = browser.submit(url, {f"q_{q.id}": "nee", f"c_{q.id}": "a\x00b", "action": "save"})
    assert page.status_code == 400 and "ongeldig teken" in page.get_data(as_text=True)
    autosave = browser.submit(url + "/autosave", {f"q_{q.id}": "nee", f"c_{q.id}": "\x00"}, form_url=url)
    assert autosave.status_code == 400 and autosave.json["saved"] is False
    login = browser.client.post("/inloggen", data={"email": "a\x00@b.nl", "password": "x"})
    assert login.status_code == 400
    db.session.expire_all()
    assert answer_values(assessment) == {}
