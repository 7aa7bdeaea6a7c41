"""Issue 19, parts 3 and 4: reports rendered in the background, a page that follows a render, one
render per report at a time across processes, and a cache that two instances share in Redis."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
import redis

from selfcheck import create_app
from selfcheck.check.operations import start_assessment
from selfcheck.check.store import save_answers
from selfcheck.extensions import db
from selfcheck.models import AuditEvent
from selfcheck.reports import background
from tests.answers import answers_all, like
from tests.conftest import Browser, _config

# A database index no other test uses, and a prefix of each test's own: nothing here can meet the
# keys of the limiter tests (index 14) or of another run on the same Redis.
REDIS_URL = "redis://127.0.0.1:6379/12"


class Renders:
    """Counts the real renders of one app (and can hold them at a gate, or make them fail)."""

    def __init__(self, app, monkeypatch):
        self.count = 0
        self.gate: threading.Event | None = None
        self.error: Exception | None = None
        renderer = app.extensions["pdf_renderer"]
        real = renderer.render

        def render(html):
            self.count += 1
            if self.gate is not None:
                assert self.gate.wait(30), "the test never opened the gate"
            if self.error is not None:
                raise self.error
            return real(html)

        monkeypatch.setattr(renderer, "render", render)


@pytest.fixture
def make_instance(app, tmp_path, monkeypatch):
    """Another app on the test's database, with an instance folder of its own, as on another host."""
    made = []

    def make(name, **config):
        monkeypatch.setenv("SELFCHECK_INSTANCE", str(tmp_path / name))
        other = create_app({**_config(app.config["SQLALCHEMY_DATABASE_URI"]), **config})
        made.append(other)
        return other

    yield make
    assert background.wait(60), "a background render did not finish"
    for other in made:
        store = other.extensions["report_cache"].store
        if hasattr(store, "close"):
            store.close()
        with other.app_context():
            db.engine.dispose()


@pytest.fixture
def shared_redis():
    """The report cache's Redis settings for this test, and a client to look inside; its keys
    removed afterwards."""
    prefix = f"test-report-{uuid.uuid4().hex[:12]}"
    client = redis.Redis.from_url(REDIS_URL)
    yield {"REPORT_CACHE_URL": REDIS_URL, "REPORT_CACHE_PREFIX": prefix}, client, prefix
    background.wait(60)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


@pytest.fixture
def draft(app, make_gemeente, make_user, questionnaire):
    """Breda's draft with eight answers, and its beleidsmedewerker."""
    gemeente = make_gemeente()
    officer = make_user("beleidsmedewerker", gemeente)
    assessment = start_assessment(app.extensions["questionnaire_store"], gemeente, 2026, officer, False)
    save_answers(assessment, officer, dict(list(answers_all(questionnaire).items())[:8]))
    db.session.commit()
    return assessment, officer


def _logged_in(app, email):
    browser = Browser(app.test_client())
    browser.login(email)
    return browser


def _pdf(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf"
    return response.data


def _downloads(assessment_id: int) -> int:
    db.session.expire_all()
    return AuditEvent.query.filter_by(action="report.downloaded", assessment_id=assessment_id).count()


# --- part 4: two instances share the cache ---------------------------------------------------------


def test_a_report_cached_by_one_instance_is_served_by_the_other_and_invalidated_for_both(
    draft, make_instance, shared_redis, monkeypatch, questionnaire
):
    assessment, officer = draft
    settings, store, prefix = shared_redis
    first, second = make_instance("host-a", **settings), make_instance("host-b", **settings)
    renders_first, renders_second = Renders(first, monkeypatch), Renders(second, monkeypatch)
    on_first, on_second = _logged_in(first, officer.email), _logged_in(second, officer.email)
    url = f"/checks/{assessment.id}/rapport.pdf"

    rendered = _pdf(on_first.get(url))
    assert (renders_first.count, renders_second.count) == (1, 0)
    assert _pdf(on_second.get(url)) == rendered  # the other host renders nothing: it is in Redis
    assert (renders_first.count, renders_second.count) == (1, 0)
    assert first.extensions["report_cache"].folder is None  # nothing of it in the instance folders
    pdfs = list(store.scan_iter(f"{prefix}:report:{assessment.id}:rapport:*"))
    assert len(pdfs) == 1

    question = questionnaire.questions[0]
    saved = on_second.submit(
        f"/checks/{assessment.id}/stap/1", {f"q_{question.id}": like(question, "geevalueerd"), "action": "save"}
    )
    assert saved.status_code == 302
    changed = _pdf(on_first.get(url))  # the answer was saved on the other host: a new report here
    assert changed != rendered and renders_first.count == 2
    assert _pdf(on_second.get(url)) == changed and renders_second.count == 0
    assert list(store.scan_iter(f"{prefix}:report:{assessment.id}:rapport:*")) != pdfs
    assert len(list(store.scan_iter(f"{prefix}:report:{assessment.id}:rapport:*"))) == 1  # the old one went
    assert _downloads(assessment.id) == 4


def test_with_a_folder_each_instance_keeps_its_own_copy_and_still_sees_a_change(
    draft, make_instance, monkeypatch, questionnaire
):
    """The contrast (and the one-command demo): the folder cache is not shared between hosts, but a
    change saved on one host still gives the other a new report, since the key is read from the
    database."""
    assessment, officer = draft
    first, second = make_instance("host-a"), make_instance("host-b")
    renders_first, renders_second = Renders(first, monkeypatch), Renders(second, monkeypatch)
    on_first, on_second = _logged_in(first, officer.email), _logged_in(second, officer.email)
    url = f"/checks/{assessment.id}/rapport.pdf"
    rendered = _pdf(on_first.get(url))
    assert _pdf(on_second.get(url)) == rendered
    assert (renders_first.count, renders_second.count) == (1, 1)
    question = questionnaire.questions[0]
    on_first.submit(f"/checks/{assessment.id}/stap/1", {f"q_{question.id}": like(question, "nee"), "action": "save"})
    assert _pdf(on_second.get(url)) != rendered and renders_second.count == 2


@pytest.mark.parametrize("shared", ["folder", "redis"])
def test_never_two_renders_of_the_same_report_at_once(draft, make_instance, shared_redis, monkeypatch, shared):
    """Two processes (here: two apps, each in a thread) asked for the same report at the same moment:
    one renders, the other sees the lock; the report is then in the cache for both."""
    assessment, _officer = draft
    settings, _store, _prefix = shared_redis
    if shared == "folder":  # two workers of one host: the same instance folder
        apps = [make_instance("host"), make_instance("host")]
    else:  # two hosts: their own folders, one Redis
        apps = [make_instance("host-a", **settings), make_instance("host-b", **settings)]
    counters = [Renders(one, monkeypatch) for one in apps]
    gate = threading.Event()
    for counter in counters:
        counter.gate = gate  # the first render holds the lock until the second has tried
    outcomes = {}

    def ask(one):
        with one.app_context():
            outcomes[id(one)] = background.render_into_cache(assessment.id, "rapport")

    threads = [threading.Thread(target=ask, args=(one,)) for one in apps]
    threads[0].start()
    while sum(c.count for c in counters) == 0:  # the first one holds the lock and renders
        threads[0].join(0.01)
    threads[1].start()
    threads[1].join(30)
    gate.set()
    threads[0].join(60)
    assert sorted(outcomes.values()) == ["busy", "rendered"]
    assert sum(c.count for c in counters) == 1
    with apps[1].app_context():
        assert background.render_into_cache(assessment.id, "rapport") == "cached"


# --- part 3: a download that has to wait shows a page that follows the render ----------------------


def test_a_download_that_must_wait_shows_a_page_that_refreshes_until_the_file_is_there(
    draft, make_instance, monkeypatch
):
    assessment, officer = draft
    instance = make_instance("host", REPORT_WAIT_SECONDS=0)
    renders = Renders(instance, monkeypatch)
    renders.gate = threading.Event()
    browser = _logged_in(instance, officer.email)
    url = f"/checks/{assessment.id}/rapport.pdf"
    progress_url = f"/checks/{assessment.id}/rapport/wordt-gemaakt"

    first = browser.get(url)
    assert first.status_code == 303 and first.headers["Location"] == progress_url
    assert _downloads(assessment.id) == 0  # nothing downloaded yet
    page = browser.get(progress_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "private, no-store"
    assert f'<meta http-equiv="refresh" content="2; url={progress_url}">' in html
    assert re.search(r'<div role="status">\s*<p class="utrecht-paragraph">Even geduld', html)
    assert "Het rapport wordt gemaakt" in html and "<script" not in html.split("</head>")[1]
    assert browser.get(progress_url).status_code == 200  # looking again asks for no second render

    renders.gate.set()
    assert background.wait(60)
    assert renders.count == 1
    ready = browser.get(progress_url).get_data(as_text=True)
    assert "Het rapport is klaar" in ready
    assert f'<meta http-equiv="refresh" content="0; url={url}">' in ready
    assert f'href="{url}"' in ready
    pdf = _pdf(browser.get(url))
    assert pdf.startswith(b"%PDF") and renders.count == 1
    assert _downloads(assessment.id) == 1


def test_a_failed_render_is_said_once_and_not_retried_at_every_refresh(draft, make_instance, monkeypatch, caplog):
    assessment, officer = draft
    instance = make_instance("host", REPORT_WAIT_SECONDS=0)
    renders = Renders(instance, monkeypatch)
    renders.error = RuntimeError("no fonts")
    browser = _logged_in(instance, officer.email)
    assert browser.get(f"/checks/{assessment.id}/inkoop.pdf").status_code == 303
    assert background.wait(60)
    progress_url = f"/checks/{assessment.id}/inkoop/wordt-gemaakt"
    for _ in range(2):
        html = browser.get(progress_url).get_data(as_text=True)
        assert "De eisen voor inkoop en subsidie konden niet worden gemaakt" in html
        assert 'role="alert"' in html and "http-equiv" not in html
    assert browser.get(f"/checks/{assessment.id}/inkoop.pdf").status_code == 303
    assert background.wait(60)
    assert renders.count == 1
    assert any("not rendered" in r.getMessage() for r in caplog.records)


def test_the_progress_page_answers_only_those_who_may_download(breda_finished, make_gemeente, make_user, make_instance):
    _gemeente, people, finished = breda_finished
    instance = make_instance("host", REPORT_WAIT_SECONDS=0)
    url = f"/checks/{finished.id}/rapport/wordt-gemaakt"
    assert instance.test_client().get(url).status_code == 302  # to the log-in
    assert _logged_in(instance, people["admin"].email).get(url).status_code == 403
    stranger = make_user("beleidsmedewerker", make_gemeente("GM0344", "Utrecht"))
    assert _logged_in(instance, stranger.email).get(url).status_code == 404
    assert _logged_in(instance, people["inkoper"].email).get(url).status_code == 200


# --- part 3: rendered before anyone asks ----------------------------------------------------------


def test_prerender_puts_both_reports_in_the_cache_before_the_first_download(draft, make_instance, monkeypatch):
    assessment, officer = draft
    instance = make_instance("host", REPORT_WAIT_SECONDS=0, REPORT_PRERENDER=True)
    renders = Renders(instance, monkeypatch)
    with instance.app_context():
        background.prerender(db.session.get(type(assessment), assessment.id))
    assert background.wait(60) and renders.count == 2
    browser = _logged_in(instance, officer.email)
    assert _pdf(browser.get(f"/checks/{assessment.id}/rapport.pdf")).startswith(b"%PDF")
    assert _pdf(browser.get(f"/checks/{assessment.id}/inkoop.pdf")).startswith(b"%PDF")
    assert renders.count == 2  # both served from the cache, with no wait


def test_submitting_renders_the_reports_so_the_first_download_is_served_from_the_cache(
    make_gemeente, make_user, make_assessment, make_instance, questionnaire, monkeypatch
):
    gemeente = make_gemeente()
    officer = make_user("beleidsmedewerker", gemeente)
    complete = make_assessment(gemeente, officer, answers=answers_all(questionnaire))
    instance = make_instance("host", REPORT_WAIT_SECONDS=0, REPORT_PRERENDER=True)
    renders = Renders(instance, monkeypatch)
    browser = _logged_in(instance, officer.email)
    assert browser.submit(f"/checks/{complete.id}/indienen", {}).status_code == 302
    assert background.wait(60)
    assert renders.count == 2
    assert _pdf(browser.get(f"/checks/{complete.id}/rapport.pdf")).startswith(b"%PDF")
    assert renders.count == 2


def test_the_first_results_view_of_a_changed_definitive_check_renders_its_reports_once(
    breda_finished, make_instance, monkeypatch
):
    _gemeente, people, finished = breda_finished
    instance = make_instance("host", REPORT_WAIT_SECONDS=0, REPORT_PRERENDER=True)
    renders = Renders(instance, monkeypatch)
    browser = _logged_in(instance, people["beleidsmedewerker"].email)
    results = f"/checks/{finished.id}/resultaten"
    assert browser.get(results).status_code == 200
    assert background.wait(60) and renders.count == 2
    assert browser.get(results).status_code == 200
    assert background.wait(60) and renders.count == 2  # unchanged: nothing new
    action = {"title": "Aandachtsfunctionaris in elk wijkteam", "domain": "regie", "owner": "Beleidsadviseur"}
    assert browser.submit(f"/checks/{finished.id}/plan/acties/nieuw", action).status_code == 302
    assert browser.get(results).status_code == 200
    assert background.wait(60) and renders.count == 4  # the plan is in the report
    assert _pdf(browser.get(f"/checks/{finished.id}/rapport.pdf")) and renders.count == 4
    browser.submit(f"/checks/{finished.id}/plan/acties/nieuw", {**action, "title": "Voorlichting op scholen"})
    assert _logged_in(instance, people["admin"].email).get(results).status_code == 200
    assert background.wait(60) and renders.count == 4  # an admin may not download: nothing rendered for them


def test_a_drafts_results_view_renders_nothing_ahead_and_its_download_renders_once(draft, make_instance, monkeypatch):
    """A draft's results page is opened after every few answers: its reports are rendered when asked."""
    assessment, officer = draft
    instance = make_instance("host", REPORT_WAIT_SECONDS=0, REPORT_PRERENDER=True)
    renders = Renders(instance, monkeypatch)
    browser = _logged_in(instance, officer.email)
    assert browser.get(f"/checks/{assessment.id}/resultaten").status_code == 200
    assert background.wait(60) and renders.count == 0
    url = f"/checks/{assessment.id}/rapport.pdf"
    assert "/rapport/wordt-gemaakt" in browser.get(url).headers["Location"]
    assert background.wait(60) and renders.count == 1
    assert _pdf(browser.get(url)).startswith(b"%PDF") and renders.count == 1


def test_a_link_the_browser_saves_as_a_file_waits_for_the_render_instead(draft, make_instance, monkeypatch):
    """A link with a `download` attribute saves whatever comes back: the progress page would become
    'wordt-gemaakt.html' on disk, so that request waits for the PDF (the browser lists it as pending)."""
    assessment, officer = draft
    instance = make_instance("host", REPORT_WAIT_SECONDS=0)
    renders = Renders(instance, monkeypatch)
    browser = _logged_in(instance, officer.email)
    url = f"/checks/{assessment.id}/rapport.pdf"
    saved = browser.get(url, headers={"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "empty"})
    assert _pdf(saved).startswith(b"%PDF") and renders.count == 1
    opened = browser.get(
        f"/checks/{assessment.id}/inkoop.pdf", headers={"Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    )
    assert opened.status_code == 303  # a normal navigation shows the page that follows the render
