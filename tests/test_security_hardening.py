"""Issue 15, hardening: shared rate limits, a lock-out strangers cannot use, Dutch refusals instead of
500s, export cells that never become formulas, private backups, a quiet Server header, and no
bidirectional control characters in typed text."""

import csv
import io
import json
import os
import stat
import threading
import urllib.request
import uuid

import click
import pytest
import redis
from openpyxl import load_workbook
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.serving import make_server

from selfcheck import create_app
from selfcheck.extensions import db
from selfcheck.web.security import limiter
from tests.conftest import PASSWORD, Browser, _config, csrf_token

REDIS_URL = "redis://127.0.0.1:6379/14"  # a database index of its own; each test its own key prefix


@pytest.fixture
def make_app():
    """Another app on the test's database, as a second worker; its connections closed afterwards."""
    made = []

    def make(config):
        made.append(create_app(config))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


def _attempt(client, email, password):
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    return client.post("/inloggen", data={"csrf_token": token, "email": email, "password": password})


def _client_from(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


# --- item 6: rate limits ------------------------------------------------------------------------


def test_production_refuses_to_start_without_a_shared_limit_store(tmp_path, monkeypatch):
    monkeypatch.setenv("SELFCHECK_INSTANCE", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    with pytest.raises(click.ClickException, match="RATELIMIT_STORAGE_URI ontbreekt"):
        create_app()
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(click.ClickException, match="redis://"):
        create_app()
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", REDIS_URL)
    assert create_app().config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    monkeypatch.setenv("SELFCHECK_ENV", "development")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    assert create_app().config["RATELIMIT_STORAGE_URI"] == "memory://"  # development may count per process


def test_a_stranger_cannot_lock_out_the_right_password_from_another_address(app, make_user):
    user = make_user("adviseur")
    stranger = _client_from(app, "203.0.113.7")
    statuses = [_attempt(stranger, user.email, "fout").status_code for _ in range(11)]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429
    assert _attempt(stranger, user.email, PASSWORD).status_code == 429  # the stranger's address waits
    owner = _client_from(app, "198.51.100.20")
    assert _attempt(owner, user.email, PASSWORD).status_code == 302  # the owner gets in


def test_one_address_is_limited_over_all_accounts(app):
    client = _client_from(app, "203.0.113.8")
    statuses = [_attempt(client, f"iemand{i}@example.nl", "fout").status_code for i in range(31)]
    assert statuses[:30] == [422] * 30 and statuses[30] == 429
    assert _attempt(_client_from(app, "203.0.113.9"), "iemand@example.nl", "fout").status_code == 422


@pytest.fixture
def limits_in_redis(monkeypatch):
    """Redis for the limits, under a key prefix of this test's own: a test run beside this one
    (CI runs SQLite and PostgreSQL at once) counts elsewhere. Its keys are removed afterwards.
    Set on the limiter itself: its one object keeps the prefix of the first app it served."""
    prefix = f"selfcheck-test-{uuid.uuid4().hex}"
    monkeypatch.setattr(limiter, "_key_prefix", prefix)
    store = redis.Redis.from_url(REDIS_URL)
    yield {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix}, store, prefix
    for key in store.scan_iter(f"*{prefix}*"):
        store.delete(key)


def test_the_limit_is_shared_through_redis_between_two_app_instances(app, make_app, make_user, limits_in_redis):
    """Two create_app() on the same Redis database count together, as gunicorn's workers must.

    The second app makes a fresh connection to the store, as another worker process would: the
    first app's failures are still counted, so they live in Redis, not in the process."""
    limits, store, prefix = limits_in_redis
    user = make_user("adviseur")
    config = {**_config(app.config["SQLALCHEMY_DATABASE_URI"]), **limits}
    first = make_app(config)
    for _ in range(6):
        assert _attempt(_client_from(first, "203.0.113.10"), user.email, "fout").status_code == 422
    keys = [key.decode() for key in store.scan_iter(f"*{prefix}*")]
    assert keys and not any(user.email in key for key in keys), "the counters are in Redis, without e-mail addresses"
    second = make_app(config)
    for _ in range(4):
        assert _attempt(_client_from(second, "203.0.113.10"), user.email, "fout").status_code == 422
    assert _attempt(_client_from(second, "203.0.113.10"), user.email, "fout").status_code == 429
    assert _attempt(_client_from(first, "203.0.113.10"), user.email, PASSWORD).status_code == 429
    assert _attempt(_client_from(second, "198.51.100.21"), user.email, PASSWORD).status_code == 302


def test_without_a_shared_store_a_second_instance_starts_from_zero(app, make_app, make_user):
    """The contrast that makes the test above mean something: memory:// is per process."""
    user = make_user("adviseur")
    config = {**_config(app.config["SQLALCHEMY_DATABASE_URI"]), "RATELIMIT_STORAGE_URI": "memory://"}
    first = make_app(config)
    for _ in range(6):
        _attempt(_client_from(first, "203.0.113.11"), user.email, "fout")
    second = make_app(config)
    statuses = [_attempt(_client_from(second, "203.0.113.11"), user.email, "fout").status_code for _ in range(5)]
    assert 429 not in statuses


# --- item 7: every refusal a Dutch 4xx ----------------------------------------------------------


@pytest.fixture
def two_gemeenten(app, make_gemeente, make_user, make_assessment):
    breda = make_gemeente()
    officer = make_user("beleidsmedewerker", breda)
    own = make_assessment(breda, officer)
    utrecht = make_gemeente("GM0344", "Utrecht")
    other = make_assessment(utrecht, make_user("beleidsmedewerker", utrecht))
    return officer, own, other


def test_a_missing_csrf_token_on_a_page_one_may_not_see_is_a_404_not_a_500(app, two_gemeenten):
    officer, own, other = two_gemeenten
    browser = Browser(app.test_client())
    browser.login(officer.email)
    for url in (f"/checks/{other.id}/stap/1", "/checks/999999/stap/1", f"/checks/{own.id}/stap/99"):
        response = browser.client.post(url, data={"action": "save"})
        assert response.status_code == 404, url
        assert "Pagina niet gevonden" in response.get_data(as_text=True)
    response = browser.client.post(f"/checks/{own.id}/stap/1", data={"action": "save"})
    assert response.status_code == 400 and "beveiligingscode" in response.get_data(as_text=True)


def test_json_and_other_bodies_are_refused_with_a_dutch_415(app, two_gemeenten):
    officer, own, _ = two_gemeenten
    browser = Browser(app.test_client())
    browser.login(officer.email)
    token = csrf_token(browser.get(f"/checks/{own.id}/stap/1").get_data(as_text=True))
    headers = {"X-CSRFToken": token}
    for body in ([1, 2], {"csrf_token": token, "action": "save"}, "null", 5):
        response = browser.client.post(f"/checks/{own.id}/stap/1", json=body, headers=headers)
        assert response.status_code == 415 and "alleen formulieren" in response.get_data(as_text=True)
    autosave = browser.client.post(f"/checks/{own.id}/stap/1/autosave", json=[1], headers=headers)
    assert autosave.status_code == 415 and autosave.json["saved"] is False
    anonymous = app.test_client().post("/inloggen", data="<x/>", content_type="application/xml")
    assert anonymous.status_code == 415


def test_a_version_clash_anywhere_is_a_dutch_409(app, make_app):
    bare = make_app(_config(app.config["SQLALCHEMY_DATABASE_URI"]))

    @bare.get("/botsing")
    def clash():
        raise StaleDataError("UPDATE statement on table 'answer' expected to update 1 row(s); 0 were matched.")

    response = bare.test_client().get("/botsing")
    assert response.status_code == 409 and "Tegelijk gewijzigd" in response.get_data(as_text=True)


# --- item 9: formula injection in exports -------------------------------------------------------

HOSTILE_NAMES = ['=HYPERLINK("http://x")', "+1+1", "@SUM(A1)", "-2", "\t=1", "\r=1"]


def test_safe_cell_neutralises_formula_starts_the_owasp_way():
    from selfcheck.advisers.exports import safe_cell

    for name in HOSTILE_NAMES:
        assert safe_cell(name) == "'" + name
    assert safe_cell("Breda") == "Breda" and safe_cell(-2) == -2 and safe_cell(None) is None


@pytest.fixture
def hostile_gemeenten(app, make_gemeente, make_user, make_assessment):
    for i, name in enumerate(HOSTILE_NAMES):
        gemeente = make_gemeente(f"GM09{i:02d}", name, province="=1+2", jeugdregio="@regio")
        make_assessment(gemeente, make_user("beleidsmedewerker", gemeente))
    browser = Browser(app.test_client())
    browser.login(make_user("adviseur").email)
    return browser


def test_csv_export_neutralises_formulas(hostile_gemeenten):
    body = hostile_gemeenten.get("/adviseur/export.csv?alle_jaren=1&status=alle").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff")), delimiter=";"))
    names = {row[0] for row in rows[1:]}
    assert names == {"'" + name for name in HOSTILE_NAMES}
    for row in rows[1:]:
        assert row[2:4] == ["'=1+2", "'@regio"]
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_xlsx_export_stores_text_never_a_formula(hostile_gemeenten):
    data = hostile_gemeenten.get("/adviseur/export.xlsx?alle_jaren=1&status=alle").data
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(min_row=2))
    # (XML stores a CR as a newline; either way the cell starts with the quote)
    assert {row[0].value.replace("\n", "\r") for row in rows} == {"'" + n.replace("\n", "\r") for n in HOSTILE_NAMES}
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", cell.value
            if isinstance(cell.value, str):
                assert cell.data_type == "s" and not cell.value.startswith(("=", "+", "-", "@"))
    assert all(isinstance(row[5].value, int) for row in rows)  # the year stays a number


# --- item 10: backups, Server header, bidirectional text ----------------------------------------


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_backup_file_is_private_also_when_it_already_existed(app, runner, tmp_path):
    fresh = tmp_path / "nieuw.json"
    assert runner.invoke(args=["backup", str(fresh)]).exit_code == 0
    assert _mode(fresh) == 0o600
    existing = tmp_path / "bestond.json"
    existing.write_text("oud")
    existing.chmod(0o644)
    assert runner.invoke(args=["backup", str(existing)]).exit_code == 0
    assert _mode(existing) == 0o600 and json.loads(existing.read_text())["tables"]


def test_open_backup_file_creates_0600_before_writing(app, tmp_path):
    from selfcheck.admin.backup import open_backup_file, write_backup

    path = tmp_path / "b.json"
    path.write_text("oud")
    path.chmod(0o666)
    with open_backup_file(path) as file:
        assert _mode(path) == 0o600 and path.read_text() == ""
        write_backup(file)
    assert json.loads(path.read_text())["format"] == 1


def test_server_header_names_no_server_or_version(app):
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in ("/health", "/inloggen", "/bestaat-niet"):
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}")
            except urllib.error.HTTPError as error:
                response = error
            with response:
                header = response.headers.get_all("Server")
            assert header == ["beleidscheck"], header
    finally:
        server.shutdown()
        thread.join()


BIDI = "\u202e\u2066\u200f\u061c\u200e\u202a\u2069"


def test_bidi_controls_are_removed_from_a_comment_and_reach_no_pdf(app, browser, two_gemeenten, questionnaire):
    from selfcheck.check.store import answer_values
    from tests.test_web_report import pdf_text

    officer, own, _ = two_gemeenten
    browser.login(officer.email)
    q = questionnaire.domains[0].questions[0]
    comment = f"Beleid {BIDI}gpj.exe vastgesteld"
    response = browser.submit(f"/checks/{own.id}/stap/1", {f"q_{q.id}": q.options[0].value, f"c_{q.id}": comment})
    assert response.status_code == 302
    db.session.expire_all()
    assert answer_values(own)[q.id][1] == "Beleid gpj.exe vastgesteld"
    pdf = browser.get(f"/checks/{own.id}/rapport.pdf")
    assert pdf.status_code == 200
    text = "\n".join(pdf_text(pdf.data))
    assert not any(ch in text for ch in BIDI)


def test_bidi_controls_are_removed_from_a_gemeente_name(app, browser, make_user):
    from selfcheck.models import Gemeente

    browser.login(make_user("admin").email)
    name = f"Bre{BIDI}da"
    response = browser.submit("/beheer/gemeenten/nieuw", {"code": "GM0758", "name": name, "province": "\u202eNB"})
    assert response.status_code == 302, response.get_data(as_text=True)
    gemeente = db.session.query(Gemeente).filter_by(code="GM0758").one()
    assert (gemeente.name, gemeente.province) == ("Breda", "NB")


def test_clean_text_is_on_every_text_field_but_not_passwords(make_app):
    from wtforms import PasswordField, StringField, TextAreaField

    from selfcheck.web.forms import Form, clean_text

    class Sample(Form):
        class Meta:
            csrf = False

        name = StringField()
        text = TextAreaField(filters=[str.upper])
        password = PasswordField()

    app = make_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context(method="POST", data={"name": "a\u202eb", "text": "c\u2066d", "password": "p\u200e"}):
        form = Sample()
        assert (form.name.data, form.text.data, form.password.data) == ("ab", "CD", "p\u200e")
    assert clean_text(None) is None and clean_text("\u061cx") == "x"
