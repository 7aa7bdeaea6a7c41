"""Random and hostile form posts: never a 500, and a refused request changes nothing.

Besides random form fields: JSON objects and arrays, repeated keys, empty values, and a missing
CSRF token, anonymously and logged in, to every POST endpoint the app has (issue 15, item 7)."""

import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfcheck.admin.backup import write_backup
from tests.conftest import Browser, csrf_token

HOSTILE = [
    "",
    " ",
    "0",
    "-1",
    "9" * 30,
    "1e309",
    "NaN",
    "null",
    "<script>alert(1)</script>",
    "'; DROP TABLE answer; --",
    "../../etc/passwd",
    "\x00",
    "\ud7ff\ue000",
    "x" * 5000,
    "GM0758",
    "nee",
    "geevalueerd",
    "weet_niet",
    "beheer@beleidscheck.example",
    "admin",
    "2026",
    "true",
]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300), st.integers().map(str))
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _snapshot() -> dict:
    buffer = io.StringIO()
    write_backup(buffer)
    return json.loads(buffer.getvalue())["tables"]


@pytest.fixture
def world(app, make_gemeente, make_user, make_assessment, questionnaire):
    gemeente = make_gemeente()
    officer = make_user("beleidsmedewerker", gemeente)
    admin = make_user("admin")
    assessment = make_assessment(gemeente, officer)
    officer_browser, admin_browser = Browser(app.test_client()), Browser(app.test_client())
    officer_browser.login(officer.email)
    admin_browser.login(admin.email)
    known_step = [f"{p}_{q.id}" for q in questionnaire.domains[0].questions for p in "qco"] + ["version", "action"]
    return {
        "step": (officer_browser, f"/checks/{assessment.id}/stap/1", known_step),
        "start": (officer_browser, f"/gemeenten/{gemeente.id}/checks", ["year", "prefill"]),
        "submit": (officer_browser, f"/checks/{assessment.id}/indienen", []),
        "gemeente": (
            admin_browser,
            "/beheer/gemeenten/nieuw",
            ["code", "name", "province", "jeugdregio", "inhabitants"],
        ),
        "user": (admin_browser, "/beheer/gebruikers/nieuw", ["name", "email", "role", "gemeente_id", "active"]),
        "login": (Browser(app.test_client()), "/inloggen", ["email", "password"]),
        "forget_respondent": (admin_browser, "/beheer/respondenten/wissen", ["email"]),
    }


def _fuzz(world, name, data):
    browser, url, known = world[name]
    fields = data.draw(
        st.dictionaries(
            st.one_of(st.sampled_from(known or ["x"]), st.text(min_size=1, max_size=20)),
            st.one_of(values, st.lists(values, min_size=2, max_size=3)),
            max_size=12,
        )
    )
    with_token = data.draw(st.booleans().map(lambda b: b or not known))
    as_json = data.draw(st.sampled_from([None, None, "object", "array"]))
    html = browser.get(
        url if name not in ("submit", "start", "forget_respondent") else url.rsplit("/", 1)[0], follow_redirects=True
    ).get_data(as_text=True)
    if data.draw(st.booleans()):  # start from the page's own hidden fields (version, originals) half the time
        fields = {**dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)), **fields}
    if with_token:
        fields["csrf_token"] = csrf_token(html)
    before = _snapshot()
    if as_json:
        body = fields if as_json == "object" else list(fields.items())
        headers = {"X-CSRFToken": fields.get("csrf_token", "")}
        response = browser.client.post(url, json=body, headers=headers)
    else:
        response = browser.client.post(url, data=fields)
    assert response.status_code < 500, (name, fields, as_json, response.status_code)
    if response.status_code >= 400:
        assert _snapshot() == before, (name, fields)


@pytest.mark.parametrize("name", ["step", "start", "submit", "gemeente", "user", "login", "forget_respondent"])
@FUZZ
@given(data=st.data())
def test_random_posts_never_break_and_refusals_change_nothing(world, name, data):
    _fuzz(world, name, data)


# --- every POST endpoint, every kind of body, with and without a token --------------------------

FIELDS = ("email", "password", "password2", "name", "code", "year", "action", "version", "text", "reason")


def _bodies(token: str | None):
    """(description, keyword arguments for client.post) for one endpoint."""
    with_token = {"csrf_token": token} if token else {}
    headers = {"X-CSRFToken": token} if token else {}
    return [
        ("no body", {"data": with_token}),
        ("empty values", {"data": {**dict.fromkeys(FIELDS, ""), **with_token}}),
        ("arrays", {"data": {**{f: ["", "x", "0"] for f in FIELDS}, **with_token}}),
        ("json object", {"json": {**{key: ["a"] for key in FIELDS}, **with_token}, "headers": headers}),
        ("json array", {"json": [1, "a", None], "headers": headers}),
        ("json null", {"data": "null", "content_type": "application/json", "headers": headers}),
        ("text", {"data": "email=a", "content_type": "text/plain", "headers": headers}),
    ]


def _post_urls(app, ids: dict) -> list[tuple[str, str]]:
    """Every POST rule, built with existing ids and once with ids that do not exist."""
    adapter = app.url_map.bind("localhost")
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        for existing in (True, False):
            values = {}
            for argument in rule.arguments:
                if argument in (rule.defaults or {}):
                    values[argument] = rule.defaults[argument]
                    continue
                converter = type(rule._converters[argument]).__name__
                if converter == "IntegerConverter":
                    values[argument] = (ids.get(argument, 1) if argument != "number" else 1) if existing else 999999
                elif converter == "AnyConverter":
                    values[argument] = sorted(rule._converters[argument].items)[0]
                else:
                    values[argument] = "x" * 20 if existing else "."
            try:
                urls.append((rule.endpoint, adapter.build(rule.endpoint, values, method="POST")))
            except Exception:  # a converter this sweep does not know: build nothing rather than guess
                continue
            if not rule.arguments:
                break
    # logging out ends the session the other posts need: last
    return sorted(set(urls), key=lambda item: ("logout" in item[0], item))


def _token(browser) -> str | None:
    for url in ("/", "/inloggen", "/beheer/gemeenten/nieuw"):
        match = re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"',
            browser.get(url, follow_redirects=True).get_data(as_text=True),
        )
        if match:
            return match.group(1)
    return None


@pytest.mark.parametrize("who", ["anonymous", "beleidsmedewerker", "adviseur", "admin"])
def test_every_post_endpoint_refuses_odd_bodies_without_a_500(app, make_gemeente, make_user, make_assessment, who):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 must show as a 500 here, not as an exception
    gemeente = make_gemeente()
    officer = make_user("beleidsmedewerker", gemeente)
    assessment = make_assessment(gemeente, officer)
    users = {"beleidsmedewerker": officer, "adviseur": make_user("adviseur"), "admin": make_user("admin")}
    ids = {"gemeente_id": gemeente.id, "assessment_id": assessment.id, "user_id": officer.id}
    failures = []
    for endpoint, url in _post_urls(app, ids):
        browser = Browser(app.test_client())
        if who != "anonymous":
            browser.login(users[who].email)
        token = _token(browser)
        for description, kwargs in _bodies(None) + _bodies(token):
            response = browser.client.post(url, **kwargs)
            if response.status_code >= 500:
                failures.append((endpoint, url, description, "token" if token in str(kwargs) else "no token"))
    assert failures == [], failures
