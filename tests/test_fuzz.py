"""Random and hostile form posts: never a 500, and a refused request changes nothing."""

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
    html = browser.get(
        url if name not in ("submit", "start", "forget_respondent") else url.rsplit("/", 1)[0], follow_redirects=True
    ).get_data(as_text=True)
    if data.draw(st.booleans()):  # start from the page's own hidden fields (version, originals) half the time
        fields = {**dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)), **fields}
    if with_token:
        fields["csrf_token"] = csrf_token(html)
    before = _snapshot()
    response = browser.client.post(url, data=fields)
    assert response.status_code < 500, (name, fields, response.status_code)
    if response.status_code >= 400:
        assert _snapshot() == before, (name, fields)


@pytest.mark.parametrize("name", ["step", "start", "submit", "gemeente", "user", "login", "forget_respondent"])
@FUZZ
@given(data=st.data())
def test_random_posts_never_break_and_refusals_change_nothing(world, name, data):
    _fuzz(world, name, data)
