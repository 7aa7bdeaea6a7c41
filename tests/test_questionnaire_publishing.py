"""Advisers upload, review and publish questionnaire versions; drafts move when their owner chooses."""

from __future__ import annotations

import io
import random

import pytest
import yaml
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from selfcheck.cli import describe_questionnaire
from selfcheck.core.carryover import carry_over
from selfcheck.core.loader import parse_questionnaire
from selfcheck.core.scoring import score
from selfcheck.extensions import db
from selfcheck.models import Answer, Assessment, AuditEvent, QuestionnaireVersion, Response
from selfcheck.questionnaires import operations, queries
from tests.answers import answers_all
from tests.conftest import csrf_token
from tests.test_web_report import pdf_text

NEW_VERSION = "2027.1"


def next_version(source: str, questionnaire, *, reword=True, drop=True, version=NEW_VERSION, mapped=True) -> str:
    """The shipped questionnaire as a next version: the first question reworded, the last question of
    the second domain dropped, every other answer mapped onto itself."""
    data = yaml.safe_load(source)
    data["version"] = version
    first = data["domains"][0]["questions"][0]
    if reword:
        first["text"] = "Staat KOPP/KOV met zoveel woorden als doelgroep in een vastgestelde nota?"
    dropped = data["domains"][1]["questions"].pop()["id"] if drop else None
    for rec in data.get("recommendations", []):  # advice on the dropped question would not validate
        if dropped and dropped in yaml.safe_dump(rec):
            data["recommendations"].remove(rec)
    caps = data.get("overall_caps") or []
    data["overall_caps"] = [c for c in caps if not dropped or dropped not in yaml.safe_dump(c)]
    if mapped:
        data["mapping"] = {
            "from_version": questionnaire.version,
            "questions": [
                {"old": q.id, "new": q.id, "options": {o.value: o.value for o in q.options}}
                for q in questionnaire.questions
                if q.id != dropped
            ],
        }
    else:
        data.pop("mapping", None)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture
def store(app):
    return app.extensions["questionnaire_store"]


@pytest.fixture
def adviser(browser, make_user):
    user = make_user("adviseur")
    browser.login(user.email)
    return user


def upload(browser, text: str | bytes, filename="nieuw.yaml"):
    page = browser.get("/vragenlijst/").get_data(as_text=True)
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    # encoded here: the test client would spool a large body to a temporary file it never closes
    boundary, body = encode_multipart(
        {"csrf_token": csrf_token(page), "file": FileStorage(io.BytesIO(data), filename=filename)}
    )
    return browser.client.post("/vragenlijst/", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def post(browser, url, form_url):
    page = browser.get(form_url).get_data(as_text=True)
    return browser.client.post(url, data={"csrf_token": csrf_token(page)})


def version_rows():
    return sorted(
        (v.fingerprint, v.published_at, v.withdrawn_at) for v in db.session.scalars(select(QuestionnaireVersion))
    )


def uploaded(store, questionnaire) -> QuestionnaireVersion:
    stored, _ = operations.upload(store, next_version(store.source, questionnaire), "nieuw.yaml", None)
    db.session.commit()
    return stored


# --- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status", [("beleidsmedewerker", 403), ("inkoper", 403), ("adviseur", 200), ("admin", 200)]
)
def test_only_advisers_and_admins_manage_the_questionnaire(
    browser, make_gemeente, make_user, questionnaire, role, status
):
    gemeente = make_gemeente()
    user = make_user(role, gemeente if role in ("beleidsmedewerker", "inkoper") else None)
    browser.login(user.email)
    assert browser.get("/vragenlijst/").status_code == status
    fingerprint = questionnaire.fingerprint
    assert browser.get(f"/vragenlijst/{fingerprint}").status_code == status
    assert browser.get(f"/vragenlijst/{fingerprint}/voorbeeld").status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/vragenlijst/")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_an_upload_without_csrf_token_is_refused(browser, adviser, store, questionnaire):
    before = version_rows()
    response = browser.client.post(
        "/vragenlijst/",
        data={"file": (io.BytesIO(next_version(store.source, questionnaire).encode()), "x.yaml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert version_rows() == before


def test_a_gemeente_cannot_publish(browser, make_gemeente, make_user, store, questionnaire):
    stored = uploaded(store, questionnaire)
    officer = make_user("beleidsmedewerker", make_gemeente())
    browser.login(officer.email)
    page = browser.get("/", follow_redirects=True).get_data(as_text=True)
    response = browser.client.post(
        f"/vragenlijst/{stored.fingerprint}/publiceren", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 403
    assert store.current_fingerprint() == questionnaire.fingerprint


# --- upload ----------------------------------------------------------------------------------


def test_an_invalid_upload_changes_nothing_and_lists_every_problem(browser, adviser, store, questionnaire, tmp_path):
    data = yaml.safe_load(next_version(store.source, questionnaire))
    data["levels"][0]["max"] = "veel"
    data["domains"][2]["questions"][1]["options"][0]["score"] = 400
    data["mapping"]["questions"][0]["new"] = "bestaat_niet"
    text = yaml.safe_dump(data, allow_unicode=True)
    path = tmp_path / "fout.yaml"
    path.write_text(text, encoding="utf-8")
    valid, lines = describe_questionnaire(path)
    expected = [line.removeprefix("  - ") for line in lines[1:]]
    assert not valid and len(expected) >= 3
    before = version_rows()

    response = upload(browser, text, "fout.yaml")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"{len(expected)} problemen" in page
    for problem in expected:  # exactly as check-questions words them
        assert f"<code>{problem}</code>" in page.replace("&#39;", "'").replace("&#34;", '"')
    assert version_rows() == before
    assert store.current_fingerprint() == questionnaire.fingerprint
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "questionnaire.refused")).one()
    assert event.user_id == adviser.id and event.detail["problems"] == len(expected)


def test_the_text_edited_in_the_browser_stays_when_it_is_refused(browser, adviser, store, questionnaire):
    page = browser.get(f"/vragenlijst/?bewerk={questionnaire.fingerprint}").get_data(as_text=True)
    assert "KOPP/KOV Beleidscheck" in page  # the current text to start from
    broken = "version: '2027.1'\ntitle: [niet af\n"
    response = browser.client.post("/vragenlijst/", data={"csrf_token": csrf_token(page), "source": broken})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "geen geldige YAML" in page and "title: [niet af" in page


@pytest.mark.parametrize(
    "text, problem",
    [
        ("a: &x [1, 2]\nb: &y [*x, *x, *x]\nc: [*y, *y, *y]\n", "aliassen (*naam) zijn niet toegestaan"),
        ("[" * 50_000, "te diep genest"),
        ("version: 1\nversion: 2\n", "dubbele sleutel"),
        ("!!python/object/apply:os.system ['true']\n", "geen geldige YAML"),
    ],
)
def test_yaml_bombs_aliases_and_tags_are_refused_safely(browser, adviser, text, problem):
    before = version_rows()
    response = upload(browser, text)
    assert response.status_code == 422
    assert problem in response.get_data(as_text=True)
    assert version_rows() == before


def test_a_file_over_two_megabytes_is_refused(browser, adviser, store, questionnaire):
    before = version_rows()
    text = next_version(store.source, questionnaire) + "#" * (2 * 1024 * 1024)
    response = upload(browser, text)
    assert response.status_code == 413
    assert "groter dan 2 MB" in response.get_data(as_text=True)
    assert version_rows() == before


def test_a_file_that_is_not_utf8_is_refused(browser, adviser):
    response = upload(browser, "version: '2027.1'\ntitle: Beleidscheck café\n".encode("latin-1"))
    assert response.status_code == 422
    assert "geen UTF-8-tekst" in response.get_data(as_text=True)


def test_a_valid_upload_is_stored_but_not_published(browser, adviser, store, questionnaire):
    response = upload(browser, next_version(store.source, questionnaire))
    assert response.status_code == 302
    new = parse_questionnaire(next_version(store.source, questionnaire))
    stored = db.session.get(QuestionnaireVersion, new.fingerprint)
    assert stored.version == NEW_VERSION and stored.published_at is None and stored.uploaded_by_id == adviser.id
    assert store.current_fingerprint() == questionnaire.fingerprint
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert f"<title>Versie {NEW_VERSION} – vragenlijst · KOPP/KOV Beleidscheck</title>" in page
    assert page.count('id="publiceren"') == 1 and page.count('id="intrekken"') == 1
    assert "nog niet gepubliceerd" in page and "Anders geformuleerd (1)" in page and "Vervallen (1)" in page
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.user_id == adviser.id)).all() == [
        "questionnaire.uploaded"
    ]


def test_a_version_number_with_other_content_is_refused(browser, adviser, store, questionnaire):
    text = next_version(store.source, questionnaire, version=questionnaire.version)
    response = upload(browser, text)
    assert response.status_code == 422
    assert f"versie &#39;{questionnaire.version}&#39; bestaat al" in response.get_data(as_text=True)


# --- publish -----------------------------------------------------------------------------------


def test_publishing_switches_new_checks_only(
    browser, adviser, store, questionnaire, make_gemeente, make_user, make_assessment
):
    breda, tilburg = make_gemeente("GM0758", "Breda"), make_gemeente("GM0855", "Tilburg")
    officer = make_user("beleidsmedewerker", breda)
    submitted = make_assessment(breda, officer, year=2025, submitted=True, answers=answers_all(questionnaire))
    draft = make_assessment(breda, officer, year=2026, answers=answers_all(questionnaire))
    submitted_answers = sorted((a.question_id, a.value) for r in submitted.responses for a in r.answers)
    stored = uploaded(store, questionnaire)

    response = post(browser, f"/vragenlijst/{stored.fingerprint}/publiceren", f"/vragenlijst/{stored.fingerprint}")
    assert response.status_code == 302

    db.session.expire_all()
    assert store.current_fingerprint() == stored.fingerprint
    assert db.session.get(Assessment, submitted.id).questionnaire_fingerprint == questionnaire.fingerprint
    assert db.session.get(Assessment, draft.id).questionnaire_fingerprint == questionnaire.fingerprint
    assert sorted((a.question_id, a.value) for r in submitted.responses for a in r.answers) == submitted_answers
    started = make_assessment(tilburg, make_user("beleidsmedewerker", tilburg), year=2026)
    assert started.questionnaire_fingerprint == stored.fingerprint
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "questionnaire.published")).one()
    assert event.user_id == adviser.id and event.detail["version"] == NEW_VERSION
    assert "heeft versie 2027.1 van de vragenlijst gepubliceerd" in browser_log(browser, make_user)


def browser_log(browser, make_user) -> str:
    admin = make_user("admin", email="beheer@example.nl")
    browser.logout()
    browser.login(admin.email)
    return browser.get("/beheer/logboek").get_data(as_text=True)


def test_every_worker_sees_a_publication_at_once(app, store, questionnaire, migrated_database):
    """A second app on the same database (another worker or host) has its own store and cache."""
    from selfcheck import create_app

    other = create_app(dict(app.config))
    with other.app_context():
        other_store = other.extensions["questionnaire_store"]
        assert other_store.current_fingerprint() == questionnaire.fingerprint
    stored = uploaded(store, questionnaire)
    operations.publish(store, stored, None)
    db.session.commit()
    with other.app_context():
        assert other_store.current.version == NEW_VERSION
        db.session.remove()
        db.engine.dispose()


def test_a_version_in_use_cannot_be_withdrawn_an_unused_one_can(
    browser, adviser, store, questionnaire, make_gemeente, make_user, make_assessment
):
    stored = uploaded(store, questionnaire)
    operations.publish(store, stored, adviser)
    db.session.commit()
    url = f"/vragenlijst/{stored.fingerprint}"
    assert post(browser, f"{url}/intrekken", url).status_code == 302
    db.session.expire_all()
    assert stored.withdrawn_at is not None
    assert store.current_fingerprint() == questionnaire.fingerprint  # the one before is current again

    gemeente = make_gemeente()
    make_assessment(gemeente, make_user("beleidsmedewerker", gemeente))
    shipped = db.session.get(QuestionnaireVersion, questionnaire.fingerprint)
    with pytest.raises(operations.Refused, match="in gebruik"):
        operations.withdraw(store, shipped, adviser)
    page = browser.get(f"/vragenlijst/{questionnaire.fingerprint}").get_data(as_text=True)
    assert "intrekken" not in page


def test_the_shipped_file_is_published_once_and_does_not_undo_a_later_publication(app, store, questionnaire):
    stored = uploaded(store, questionnaire)
    operations.publish(store, stored, None)
    db.session.commit()
    store.publish_shipped()  # a restart with the same questions.yaml
    assert store.current_fingerprint() == stored.fingerprint
    shipped = db.session.get(QuestionnaireVersion, questionnaire.fingerprint)
    assert shipped.published_at is not None and shipped.published_at < stored.published_at


# --- a draft moves -------------------------------------------------------------------------------


def test_a_draft_moves_with_its_mapped_answers(
    browser, store, questionnaire, make_gemeente, make_user, make_assessment
):
    gemeente = make_gemeente()
    officer = make_user("beleidsmedewerker", gemeente)
    answers = answers_all(questionnaire)
    draft = make_assessment(gemeente, officer, answers=answers)
    respondent = Response(assessment_id=draft.id, perspective="uitvoering", name="R", email="r@example.nl")
    db.session.add(respondent)
    db.session.flush()
    first, dropped = questionnaire.domains[0].questions[0], questionnaire.domains[1].questions[-1]
    db.session.add_all(
        [
            Answer(response_id=respondent.id, question_id=first.id, value=first.options[0].value, comment="r"),
            Answer(response_id=respondent.id, question_id=dropped.id, value=dropped.options[0].value, comment=""),
        ]
    )
    db.session.commit()
    stored = uploaded(store, questionnaire)
    operations.publish(store, stored, None)
    db.session.commit()
    browser.login(officer.email)

    overview = browser.get(f"/checks/{draft.id}").get_data(as_text=True)
    assert f"nieuwe versie van de vragenlijst: versie {NEW_VERSION}" in overview
    page = browser.get(f"/checks/{draft.id}/vragenlijst").get_data(as_text=True)
    assert dropped.text in page.split('id="open-weer"')[1].split("</section>")[0]
    assert f"{len(answers) - 1} antwoorden gaan mee" in page

    response = post(browser, f"/checks/{draft.id}/vragenlijst", f"/checks/{draft.id}/vragenlijst")
    assert response.status_code == 302

    db.session.expire_all()
    moved = db.session.get(Assessment, draft.id)
    assert moved.questionnaire_fingerprint == stored.fingerprint
    shared = {a.question_id: (a.value, a.comment) for r in moved.responses if r.is_shared for a in r.answers}
    assert shared == {qid: v for qid, v in answers.items() if qid != dropped.id}
    own = {a.question_id: a.value for a in db.session.get(Response, respondent.id).answers}
    assert own == {first.id: first.options[0].value}
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "assessment.moved")).one()
    assert event.detail == {
        "van": questionnaire.version,
        "naar": NEW_VERSION,
        "overgenomen": len(answers) - 1,
        "vervallen": 1,
        "open": 0,
    }
    assert browser.get(f"/checks/{draft.id}/vragenlijst").status_code == 409  # already on the current version


def test_a_move_is_offered_only_to_a_newer_version_that_maps_from_the_draft(
    browser, store, questionnaire, make_gemeente, make_user, make_assessment
):
    gemeente = make_gemeente()
    officer = make_user("beleidsmedewerker", gemeente)
    draft = make_assessment(gemeente, officer, answers=answers_all(questionnaire))
    unmapped, _ = operations.upload(
        store, next_version(store.source, questionnaire, version="2027.9", mapped=False), "los.yaml", None
    )
    operations.publish(store, unmapped, None)
    db.session.commit()
    browser.login(officer.email)
    assert "nieuwe versie van de vragenlijst" not in browser.get(f"/checks/{draft.id}").get_data(as_text=True)
    assert browser.get(f"/checks/{draft.id}/vragenlijst").status_code == 409

    mapped = uploaded(store, questionnaire)
    operations.publish(store, mapped, None)
    db.session.commit()
    assert browser.get(f"/checks/{draft.id}/vragenlijst").status_code == 200
    operations.publish(store, db.session.get(QuestionnaireVersion, questionnaire.fingerprint), None)
    db.session.commit()  # the draft's own version is current again: nothing to move to
    assert browser.get(f"/checks/{draft.id}/vragenlijst").status_code == 409


def test_a_move_keeps_the_consensus_reason_and_author_of_an_answer(
    store, questionnaire, make_gemeente, make_user, make_assessment
):
    gemeente = make_gemeente()
    officer = make_user("beleidsmedewerker", gemeente)
    draft = make_assessment(gemeente, officer, answers=answers_all(questionnaire))
    first = questionnaire.domains[0].questions[0]
    answer = next(a for r in draft.responses if r.is_shared for a in r.answers if a.question_id == first.id)
    answer.reason = "Zo besloten in het ketenoverleg."
    db.session.commit()
    new = uploaded(store, questionnaire)
    operations.publish(store, new, None)
    operations.move_draft(store, draft, store.current, officer)
    db.session.commit()
    db.session.expire_all()
    moved = next(a for r in draft.responses if r.is_shared for a in r.answers if a.question_id == first.id)
    assert moved.reason == "Zo besloten in het ketenoverleg." and moved.updated_by_id == officer.id


def test_a_submitted_check_or_another_gemeente_cannot_move(
    browser, store, questionnaire, make_gemeente, make_user, make_assessment
):
    breda, tilburg = make_gemeente("GM0758", "Breda"), make_gemeente("GM0855", "Tilburg")
    officer = make_user("beleidsmedewerker", breda)
    submitted = make_assessment(breda, officer, year=2025, submitted=True, answers=answers_all(questionnaire))
    other = make_assessment(tilburg, make_user("beleidsmedewerker", tilburg))
    operations.publish(store, uploaded(store, questionnaire), None)
    db.session.commit()
    browser.login(officer.email)
    assert browser.get(f"/checks/{submitted.id}/vragenlijst").status_code == 409
    assert browser.get(f"/checks/{other.id}/vragenlijst").status_code == 404
    page = browser.get("/", follow_redirects=True).get_data(as_text=True)
    assert (
        browser.client.post(f"/checks/{submitted.id}/vragenlijst", data={"csrf_token": csrf_token(page)}).status_code
        == 409
    )


# --- the effect on real results ----------------------------------------------------------------------


def test_the_rescoring_table_matches_the_core_on_a_generated_data_set(
    app, store, questionnaire, make_gemeente, make_user, make_assessment
):
    rng = random.Random(18)
    checks = []
    for i in range(40):
        gemeente = make_gemeente(f"GM{1000 + i}", f"Gemeente {i}")
        officer = make_user("beleidsmedewerker", gemeente)
        answers = {q.id: (rng.choice(q.options).value, "") for q in questionnaire.questions if rng.random() < 0.95}
        make_assessment(gemeente, officer, year=2026, submitted=True, answers=answers)
        checks.append(answers)
    new = parse_questionnaire(next_version(store.source, questionnaire))
    store.add_parsed(new, "")

    (item,) = queries.effect(store, new)
    table = item.moves

    expected = {d.id: {"up": 0, "same": 0, "down": 0, "unscored": 0} for d in new.domains}
    for answers in checks:
        old_result = score(questionnaire, {q: v for q, (v, _) in answers.items()})
        new_result = score(new, {q: v for q, (v, _) in carry_over(questionnaire, new, answers).items()})
        for domain in new.domains:
            before, after = old_result.domain(domain.id).level, new_result.domain(domain.id).level
            kind = (
                "unscored"
                if before is None or after is None
                else "up"
                if after.rank > before.rank
                else "down"
                if after.rank < before.rank
                else "same"
            )
            expected[domain.id][kind] += 1
    got = {
        row.domain_id: {"up": row.up, "same": row.same, "down": row.down, "unscored": row.unscored}
        for row in table.domains
    }
    assert table.checks == 40 and table.comparable
    assert got == expected
    assert sum(e["up"] + e["down"] for e in expected.values()) > 0  # the data set does move something


def test_the_rescoring_reads_answers_in_two_queries(
    app, store, questionnaire, make_gemeente, make_user, make_assessment
):
    from sqlalchemy import event

    for i in range(5):
        gemeente = make_gemeente(f"GM{2000 + i}", f"G{i}")
        make_assessment(
            gemeente, make_user("beleidsmedewerker", gemeente), submitted=True, answers=answers_all(questionnaire)
        )
    statements = []
    engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        checks = queries.recent_definitive_answers()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) == 2
    assert sum(len(v) for v in checks.values()) == 5


# --- preview ---------------------------------------------------------------------------------------


def test_the_preview_shows_the_check_pages_without_a_form(browser, adviser, store, questionnaire):
    stored = uploaded(store, questionnaire)
    page = browser.get(f"/vragenlijst/{stored.fingerprint}/voorbeeld?stap=1").get_data(as_text=True)
    assert "Staat KOPP/KOV met zoveel woorden als doelgroep" in page
    assert "<form" not in page.split("<main")[1].split("</main>")[0]
    assert browser.get(f"/vragenlijst/{stored.fingerprint}/voorbeeld?stap=99").status_code == 404
    assert browser.get(f"/vragenlijst/{'0' * 64}").status_code == 404


def test_the_preview_report_is_a_real_pdf_on_the_new_version(browser, store, questionnaire, breda_finished):
    _, people, _ = breda_finished
    browser.login(people["adviseur"].email)
    stored = uploaded(store, questionnaire)
    response = browser.get(f"/vragenlijst/{stored.fingerprint}/voorbeeldrapport.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(pdf_text(response.data))
    assert "Breda" in text
    assert db.session.scalar(select(func.count()).select_from(Assessment)) == 1  # a preview stores nothing


# --- the command line ------------------------------------------------------------------------------


def test_operators_publish_a_file_from_the_command_line(runner, store, questionnaire, tmp_path):
    broken = tmp_path / "fout.yaml"
    broken.write_text("version: '2027.1'\n", encoding="utf-8")
    result = runner.invoke(args=["publish-questions", str(broken)])
    assert result.exit_code == 1 and "is ongeldig" in result.output
    assert store.current_fingerprint() == questionnaire.fingerprint

    path = tmp_path / "nieuw.yaml"
    path.write_text(next_version(store.source, questionnaire), encoding="utf-8")
    result = runner.invoke(args=["publish-questions", str(path)])
    assert result.exit_code == 0, result.output
    assert f"Versie {NEW_VERSION} is gepubliceerd" in result.output
    assert store.current.version == NEW_VERSION
    again = runner.invoke(args=["publish-questions", str(path)])  # a deploy script runs it every time
    assert again.exit_code == 0 and "al de huidige versie" in again.output
    assert runner.invoke(args=["check-questions", str(path)]).exit_code == 0


# --- odd input never answers 500 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, problem",
    [
        ("? [a, b]\n: 1\n", "een sleutel moet een woord of getal zijn"),
        ("version: " + "9" * 5000 + "\n", "een getal is te lang"),
        ("version: '" + "x" * 41 + "'\n", "een versie is hoogstens 40 tekens"),
        ("", "verwacht"),
    ],
)
def test_odd_yaml_gets_a_problem_with_its_place_not_an_error_page(browser, adviser, text, problem):
    response = upload(browser, text or " ")
    assert response.status_code == 422
    assert problem in response.get_data(as_text=True)


def test_text_over_two_megabytes_in_the_browser_gets_the_upload_page_back(browser, adviser):
    page = browser.get("/vragenlijst/").get_data(as_text=True)
    response = browser.client.post(
        "/vragenlijst/", data={"csrf_token": csrf_token(page), "source": "#" * (2 * 1024 * 1024 + 10)}
    )
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "groter dan 2 MB" in body and "Nieuwe versie uploaden" in body


def test_text_of_a_megabyte_typed_in_the_browser_is_read(browser, adviser):
    page = browser.get("/vragenlijst/").get_data(as_text=True)
    text = "version: '2027.1'\n" + "#" * 1_000_000 + "\n"
    # as the page's form sends it: multipart, where Flask's own limit for a text field is 500 kB
    boundary, body = encode_multipart({"csrf_token": csrf_token(page), "source": text})
    response = browser.client.post("/vragenlijst/", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 422 and "levels: verwacht" in response.get_data(as_text=True)


def test_a_file_and_a_text_at_once_are_refused(browser, adviser, store, questionnaire):
    page = browser.get("/vragenlijst/").get_data(as_text=True)
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf_token(page),
            "source": "version: '1'\n",
            "file": FileStorage(io.BytesIO(next_version(store.source, questionnaire).encode()), filename="v.yaml"),
        }
    )
    response = browser.client.post("/vragenlijst/", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 422 and "niet allebei" in response.get_data(as_text=True)


def test_an_admin_manages_versions_but_gets_no_preview_report_of_a_gemeente(
    browser, store, questionnaire, breda_finished
):
    _, people, _ = breda_finished
    browser.login(people["admin"].email)
    stored = uploaded(store, questionnaire)
    page = browser.get(f"/vragenlijst/{stored.fingerprint}").get_data(as_text=True)
    assert "Voorbeeldrapport" not in page and "publiceren" in page
    assert browser.get(f"/vragenlijst/{stored.fingerprint}/voorbeeldrapport.pdf").status_code == 403
