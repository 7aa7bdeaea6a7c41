"""Logs you can follow: one access line per request with its id, user and timing; warnings for
refused requests; errors with tracebacks; never a password, token, address or comment in a line."""

import json
import logging
import re
import sys

import click
import pytest
from flask import Flask

from selfcheck import logs
from selfcheck.logs import JsonFormatter, configure_logging, text_formatter
from tests.conftest import PASSWORD, csrf_token

WRONG_PASSWORD = "Wrong-Horse-Battery-9"


@pytest.fixture
def records(caplog):
    """Everything the app logs (DEBUG and up), and every library's INFO (SQL statements, Flask-Limiter)."""
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="selfcheck")
    caplog.set_level(logging.DEBUG, logger=logs.ACCESS_LOGGER)
    return caplog


def access(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logs.ACCESS_LOGGER]


def warnings(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno == logging.WARNING]


def rendered(caplog) -> str:
    """Every record as the text and the JSON format write it, and everything the record holds."""
    formats = (text_formatter(), JsonFormatter())
    return "\n".join([f.format(r) for r in caplog.records for f in formats] + [repr(vars(r)) for r in caplog.records])


def assert_never_logged(caplog, *secrets):
    text = rendered(caplog)
    for secret in secrets:
        assert secret not in text, secret
        assert secret.lower() not in text.lower(), secret


# --- (a) one access line, with a request id the response carries ---------------------------------


def test_a_request_gives_one_access_line_with_its_request_id(client, records):
    response = client.get("/inloggen")
    [line] = access(records)
    assert line.levelno == logging.INFO
    assert (line.method, line.path, line.status, line.endpoint) == ("GET", "/inloggen", 200, "auth.login")
    assert isinstance(line.duration_ms, float) and line.duration_ms >= 0
    assert re.fullmatch(r"[0-9a-f]{16}", line.request_id)
    assert response.headers["X-Request-ID"] == line.request_id
    assert line.getMessage() == f"GET /inloggen 200 {line.duration_ms}ms"
    assert line.user_id == "-"


def test_every_request_gets_its_own_id(client, records):
    first, second = client.get("/inloggen"), client.get("/inloggen")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert [r.request_id for r in access(records)] == [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]


@pytest.mark.parametrize("incoming", ["lb-7f3a.42_X", "a", "x" * 64])
def test_a_safe_incoming_request_id_is_reused(client, records, incoming):
    response = client.get("/inloggen", headers={"X-Request-ID": incoming})
    assert response.headers["X-Request-ID"] == incoming
    assert access(records)[0].request_id == incoming


@pytest.mark.parametrize("incoming", ["has spaces", "x" * 65, "y" * 200, "<script>", "a/b", "é", ""])
def test_an_unsafe_incoming_request_id_is_replaced(client, records, incoming):
    response = client.get("/inloggen", headers={"X-Request-ID": incoming})
    assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Request-ID"])
    assert access(records)[0].request_id == response.headers["X-Request-ID"]
    if incoming:
        assert_never_logged(records, incoming)


def test_health_checks_are_logged_at_debug_only(client, records):
    client.get("/health")
    [line] = access(records)
    assert line.levelno == logging.DEBUG and line.status == 200


def test_the_access_line_is_quiet_under_testing_unless_asked(client, caplog):
    caplog.set_level(logging.INFO)  # the root: the access logger itself stays at WARNING
    client.get("/inloggen")
    assert access(caplog) == []


# --- (b) the user id -------------------------------------------------------------------------------


def test_a_logged_in_request_names_the_user_by_id(browser, make_user, records):
    user = make_user("adviseur")
    browser.login(user.email)
    records.clear()
    browser.get("/")
    [line] = access(records)
    assert line.user_id == str(user.id)
    assert_never_logged(records, user.email, PASSWORD)


def test_records_logged_during_a_request_carry_its_ids(app, client, records):
    @app.get("/test-log")
    def test_log():
        logging.getLogger("selfcheck.somewhere").warning("something to follow")
        return "ok"

    response = client.get("/test-log")
    [warning] = [r for r in records.records if r.name == "selfcheck.somewhere"]
    assert warning.request_id == response.headers["X-Request-ID"]
    assert (warning.user_id, warning.method, warning.path) == ("-", "GET", "/test-log")


# --- (c) warnings for refusals, never the password or the address -------------------------------


def test_a_failed_login_is_a_warning_without_password_or_address(client, make_user, records):
    user = make_user("adviseur")
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    records.clear()
    response = client.post("/inloggen", data={"csrf_token": token, "email": user.email, "password": WRONG_PASSWORD})
    assert response.status_code == 422
    [warning] = warnings(records)
    assert warning.getMessage() == "Refused POST auth.login with 422: log-in failed"
    assert warning.request_id == response.headers["X-Request-ID"]
    assert access(records)[0].status == 422
    assert_never_logged(records, WRONG_PASSWORD, user.email, token)


def test_a_csrf_failure_is_a_warning_without_the_form(client, make_user, records):
    user = make_user("adviseur")
    response = client.post("/inloggen", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    [warning] = warnings(records)
    assert warning.name == "selfcheck.web.errors" and "CSRF check failed" in warning.getMessage()
    assert warning.status == 400 and warning.endpoint == "auth.login"
    assert_never_logged(records, PASSWORD, user.email)


def test_a_nul_character_is_a_warning_without_the_value(
    browser, make_gemeente, make_user, make_assessment, questionnaire, records
):
    gemeente = make_gemeente()
    user = make_user("beleidsmedewerker", gemeente)
    assessment = make_assessment(gemeente, user)
    browser.login(user.email)
    q = questionnaire.domains[0].questions[0]
    comment = "Vertrouwelijke toelichting\x00 over een gezin"
    records.clear()
    response = browser.submit(
        f"/checks/{assessment.id}/stap/1", {f"q_{q.id}": "nee", f"c_{q.id}": comment, "action": "save"}
    )
    assert response.status_code == 400
    [warning] = warnings(records)
    assert warning.name == "selfcheck.web.security" and "NUL character" in warning.getMessage()
    assert_never_logged(records, "Vertrouwelijke toelichting", "over een gezin", user.email)


def test_a_rate_limited_login_is_a_warning_without_the_address(client, records):
    email = "logging-limit@example.nl"
    token = csrf_token(client.get("/inloggen").get_data(as_text=True))
    statuses = [
        client.post("/inloggen", data={"csrf_token": token, "email": email, "password": WRONG_PASSWORD}).status_code
        for _ in range(11)
    ]
    assert statuses[-1] == 429
    limited = [r for r in warnings(records) if r.status == 429]
    assert len(limited) == 1 and "rate limit reached" in limited[0].getMessage()
    assert len(warnings(records)) == 11  # ten failed log-ins, one refusal: one warning per request
    assert_never_logged(records, email, WRONG_PASSWORD)


# --- (d) tokens and query strings stay out ----------------------------------------------------------


def _invite(browser, assessment):
    url = f"/checks/{assessment.id}/respondenten"
    data = {"name": "Petra", "email": "petra@partner.nl", "perspective": "ketenpartner"}
    page = browser.submit(url, data).get_data(as_text=True)
    return re.search(r'value="http://localhost(/respondent/[^"]+)"', page).group(1)


def test_a_respondent_link_never_puts_its_token_in_a_line(
    app, browser, make_gemeente, make_user, make_assessment, records
):
    gemeente = make_gemeente()
    owner = make_user("beleidsmedewerker", gemeente)
    assessment = make_assessment(gemeente, owner)
    browser.login(owner.email)
    link = _invite(browser, assessment)
    token = link.rsplit("/", 1)[1]
    assert app.test_client().get(link).status_code == 200  # the landing page
    assert app.test_client().get(link).status_code == 200  # a GET uses nothing up
    assert [r.path for r in access(records) if r.endpoint == "respondents.accept"] == ["/respondent/<token>"] * 2
    assert_never_logged(records, token, token[:12], "petra@partner.nl")


def test_unknown_tokens_and_query_strings_stay_out(client, records):
    for url in (
        "/respondent/sometoken123",
        "/uitnodiging/another-token-456",
        "/inloggen?next=/secret-path",
        "/bestaat/niet/abcdefghijklmnopqrstuvwxyz0123456789",
        "/bestaat%0Aniet",
    ):
        client.get(url)
    assert [r.path for r in access(records)] == [
        "/respondent/<token>",
        "/uitnodiging/<token>",
        "/inloggen",
        "/bestaat/niet/…",
        "/bestaat%0Aniet",
    ]
    assert_never_logged(
        records,
        "sometoken123",
        "another-token-456",
        "secret-path",
        "next=",
        "abcdefghijklmnopqrstuvwxyz",
        "bestaat\nniet",
    )


def test_path_arguments_other_than_tokens_are_logged(browser, make_gemeente, make_user, make_assessment, records):
    gemeente = make_gemeente()
    user = make_user("beleidsmedewerker", gemeente)
    assessment = make_assessment(gemeente, user)
    browser.login(user.email)
    records.clear()
    browser.get(f"/checks/{assessment.id}/stap/1")
    [line] = access(records)
    assert (line.path, line.endpoint, line.status) == (f"/checks/{assessment.id}/stap/1", "check.step", 200)


# --- (e) errors with tracebacks -------------------------------------------------------------------------


def test_a_500_is_one_error_with_its_traceback(app, client, records):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # TESTING would raise it into the test instead

    @app.get("/test-boom/<token>")
    def boom(token):
        raise RuntimeError("boom in a test view")

    response = client.get("/test-boom/secret-token-789")
    assert response.status_code == 500
    [error] = [r for r in records.records if r.levelno >= logging.ERROR]
    assert error.name == "selfcheck.web.errors" and error.exc_info[0] is RuntimeError
    assert error.request_id == response.headers["X-Request-ID"] and error.path == "/test-boom/<token>"
    formatted = text_formatter().format(error)
    assert "Traceback (most recent call last)" in formatted and "RuntimeError: boom in a test view" in formatted
    assert "RuntimeError: boom in a test view" in json.loads(JsonFormatter().format(error))["exc_info"]
    [line] = access(records)
    assert (line.status, line.path) == (500, "/test-boom/<token>")
    assert_never_logged(records, "secret-token-789")


# --- (f) formats and configuration ---------------------------------------------------------------------


def _record(**extra) -> logging.LogRecord:
    record = logging.LogRecord(
        "selfcheck.request", logging.INFO, __file__, 1, "%s %s %s %sms", ("GET", "/inloggen", 200, 3.2), None
    )
    record.__dict__.update(extra)
    return record


def test_the_json_format_is_one_object_per_line_with_the_request_fields():
    record = _record(
        request_id="abc123",
        user_id="7",
        method="GET",
        path="/inloggen",
        status=200,
        duration_ms=3.2,
        endpoint="auth.login",
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "user_id",
        "method",
        "path",
        "status",
        "duration_ms",
    } <= set(entry)
    assert entry["level"] == "INFO" and entry["logger"] == "selfcheck.request"
    assert entry["message"] == "GET /inloggen 200 3.2ms"
    assert (entry["request_id"], entry["user_id"], entry["status"], entry["duration_ms"]) == ("abc123", "7", 200, 3.2)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["time"])
    assert "exc_info" not in entry


def test_the_json_format_carries_the_traceback_of_an_error():
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.LogRecord(
            "selfcheck.web.errors", logging.ERROR, __file__, 1, "Unhandled error", (), sys.exc_info()
        )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "ERROR" and entry["request_id"] == "-" and entry["path"] is None
    assert entry["exc_info"].startswith("Traceback") and "ValueError: broken" in entry["exc_info"]


def test_log_format_json_writes_json_lines_to_stderr(app, client, monkeypatch, capsys):
    monkeypatch.setenv("LOG_FORMAT", "json")
    monkeypatch.setenv("LOG_LEVEL", "INFO")
    configure_logging(app)
    capsys.readouterr()
    response = client.get("/inloggen?next=/secret-path")
    [entry] = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert entry["logger"] == "selfcheck.request" and entry["path"] == "/inloggen" and entry["status"] == 200
    assert entry["request_id"] == response.headers["X-Request-ID"]


def test_production_logs_json_and_development_text(monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    for environment, formatter in (("production", JsonFormatter), ("development", logging.Formatter)):
        bare = Flask(__name__)
        bare.config["SELFCHECK_ENV"] = environment
        configure_logging(bare)
        assert type(_handler().formatter) is formatter


def _handler() -> logging.Handler:
    [handler] = [h for h in logging.getLogger("selfcheck").handlers if isinstance(h, logs._StderrHandler)]
    return handler


def test_configuring_again_adds_no_handler_and_no_second_access_line(app, client, records):
    for _ in range(3):
        configure_logging(app)
        configure_logging(Flask(__name__))
    assert _handler() is not None  # exactly one
    assert logging.getLogger("selfcheck").propagate
    client.get("/inloggen")
    assert len(access(records)) == 1


@pytest.mark.parametrize(("variable", "value"), [("LOG_LEVEL", "LOUD"), ("LOG_FORMAT", "xml")])
def test_a_wrong_log_setting_stops_the_start_with_a_message(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(click.ClickException, match=variable):
        configure_logging(Flask(__name__))


def test_the_development_server_line_with_the_full_url_is_dropped():
    configure_logging(Flask(__name__))
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '127.0.0.1 - - [01/Jan/2026 10:00:00] "%s" %s %s',
        ("GET /respondent/geheim HTTP/1.1", 302, "-"),
        None,
    )
    werkzeug = logging.getLogger("werkzeug")
    assert not all(f.filter(record) for f in werkzeug.filters)
    banner = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, " * Running on http://127.0.0.1:5000", (), None)
    assert all(f.filter(banner) for f in werkzeug.filters)
