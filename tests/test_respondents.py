"""Several respondents per gemeente: invitations, independent answers, consensus with dissent kept."""

import re
from datetime import timedelta
from html import escape

import pytest

from selfcheck.check.operations import report_for
from selfcheck.check.store import answer_values
from selfcheck.extensions import db
from selfcheck.models import Answer, AuditEvent, Response, utcnow
from tests.answers import like
from tests.conftest import Browser


@pytest.fixture
def owner_setup(app, browser, make_gemeente, make_user, make_assessment):
    gemeente = make_gemeente()
    owner = make_user("beleidsmedewerker", gemeente)
    assessment = make_assessment(gemeente, owner)
    browser.login(owner.email)
    return app, gemeente, owner, assessment


def invite(browser, assessment, name, perspective, domains=()):
    url = f"/checks/{assessment.id}/respondenten"
    data = {"name": name, "email": f"{name.lower()}@partner.nl", "perspective": perspective}
    if domains:
        data["domains"] = list(domains)
    page = browser.submit(url, data).get_data(as_text=True)
    return re.search(r'value="http://localhost(/respondent/[^"]+)"', page).group(1)


def respondent(app, link) -> Browser:
    """Open the personal link (a landing page) and press its button, as a respondent does."""
    person = Browser(app.test_client())
    assert person.get(link).status_code == 200
    assert person.submit(link, {}).status_code == 302
    return person


def answer(person, number, domain, values, comment=""):
    data = {f"q_{q.id}": like(q, value) for q, value in zip(domain.questions, values)}
    data[f"c_{domain.questions[0].id}"] = comment
    return person.submit(f"/respondent/stap/{number}", data)


def test_the_link_opens_a_landing_page_and_works_until_expiry_but_cannot_be_forged(owner_setup, browser):
    app, _, owner, assessment = owner_setup
    link = invite(browser, assessment, "Petra", "ketenpartner")
    landing = Browser(app.test_client()).get(link)
    page = landing.get_data(as_text=True)
    assert landing.status_code == 200 and "Beginnen met de check" in page
    assert owner.name in page and owner.email in page and "beheerder" not in page  # whom to ask, by name
    respondent(app, link)
    respondent(app, link)  # the same link again, from another browser: the respondent came back
    assert Browser(app.test_client()).get(link[:-3] + "abc").status_code == 404  # tampered
    expired = invite(browser, assessment, "Karel", "inkoop")
    db.session.query(Response).filter_by(name="Karel").update({"invite_expires_at": utcnow() - timedelta(days=1)})
    db.session.commit()
    late = Browser(app.test_client())
    assert late.get(expired).status_code == 410 and "Stuur mij een nieuwe link" in late.get(expired).get_data(
        as_text=True
    )
    assert late.submit(expired, {}).status_code == 410  # the button cannot start it either
    assert Browser(app.test_client()).get("/respondent").status_code == 403  # no session, no access


def test_only_the_owner_manages_respondents(owner_setup, make_gemeente, make_user, app):
    _, gemeente, _, assessment = owner_setup
    other = Browser(app.test_client())
    other.login(make_user("beleidsmedewerker", make_gemeente("GM0344", "Utrecht")).email)
    for url in (f"/checks/{assessment.id}/respondenten", f"/checks/{assessment.id}/consensus"):
        assert other.get(url).status_code == 404, url
    buyer = Browser(app.test_client())
    buyer.login(make_user("inkoper", gemeente).email)
    assert buyer.get(f"/checks/{assessment.id}/respondenten").status_code == 403


def test_respondents_answer_independently_within_their_domains(owner_setup, browser, questionnaire):
    app, _, _, assessment = owner_setup
    first, second = questionnaire.domains[:2]
    anna = respondent(app, invite(browser, assessment, "Anna", "beleid", [first.id]))
    home = anna.get("/respondent").get_data(as_text=True)
    assert first.title in home and second.title not in home
    assert anna.get("/respondent/stap/2").status_code == 404
    assert answer(anna, 1, first, ["geevalueerd"] * 8, "Staat in de nota").status_code == 302

    bram = respondent(app, invite(browser, assessment, "Bram", "uitvoering"))
    page = bram.get("/respondent/stap/1").get_data(as_text=True)
    assert "Staat in de nota" not in page and "checked" not in page  # Anna's answers stay hers
    assert answer(bram, 1, first, ["nee"] * 8, "Zien we niet terug").status_code == 302
    assert answer_values(assessment) == {}  # the gemeente's own answers are untouched
    # a respondent cannot reach the gemeente's pages
    assert bram.get(f"/checks/{assessment.id}").status_code == 302
    bram.submit("/respondent/indienen", {})
    assert answer(bram, 1, first, ["deels"] * 8).status_code == 409  # submitted: frozen


def test_consensus_ranks_disagreement_and_keeps_the_dissent(owner_setup, browser, questionnaire):
    app, _, _owner, assessment = owner_setup
    domain = questionnaire.domains[0]
    anna = respondent(app, invite(browser, assessment, "Anna", "beleid"))
    bram = respondent(app, invite(browser, assessment, "Bram", "uitvoering"))
    # question 3 differs most (best vs worst), question 2 a little (the middle vs the second option), the rest agree
    answer(anna, 1, domain, ["deels", "vastgelegd", "geevalueerd"] + ["nee"] * 8, "Beleid ziet het zo")
    answer(bram, 1, domain, ["deels", "deels", "nee"] + ["nee"] * 8)
    page = browser.get(f"/checks/{assessment.id}/consensus").get_data(as_text=True)
    # a worklist in the questionnaire's order, numbered as the overview numbers them
    order = re.findall(r'<li class="consensus-item" id="vraag-([a-z0-9_]+)"', page)
    assert order == [q.id for q in questionnaire.questions]
    second, third = domain.questions[1], domain.questions[2]
    assert f'<span class="q-number">1.3</span> {escape(third.text)}' in page
    little = second.points[like(second, "vastgelegd")] - second.points[like(second, "deels")]
    assert 0 < little < third.points[like(third, "geevalueerd")] - third.points[like(third, "nee")]
    # the difference in words, not as a percentage of the scale
    low, high = third.option(like(third, "nee")).label, third.option(like(third, "geevalueerd")).label
    assert escape(f"De antwoorden liggen ver uit elkaar: van ‘{low}’ tot ‘{high}’.") in page
    assert "Verschil:" not in page and "van de schaal" not in page
    apart = page[page.index('id="verst-uiteen"') : page.index('class="consensus-domain"')]
    assert f"#vraag-{third.id}" in apart  # and the widest gaps are listed at the top
    assert "Beleid ziet het zo" in page
    assert f"0 van {len(questionnaire.questions)} vragen gekozen" in page

    target = domain.questions[2]
    response = browser.submit(
        f"/checks/{assessment.id}/consensus/{target.id}",
        {"value": like(target, "deels"), "reason": "Alleen in de nota, niet in de praktijk"},
        form_url=f"/checks/{assessment.id}/consensus",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/checks/{assessment.id}/consensus#vraag-{target.id}"
    final = (
        db.session.query(Answer)
        .join(Response)
        .filter(Response.perspective.is_(None), Answer.question_id == target.id)
        .one()
    )
    assert (final.value, final.reason) == (like(target, "deels"), "Alleen in de nota, niet in de praktijk")
    kept = {
        r.perspective: a.value
        for a in db.session.query(Answer).filter_by(question_id=target.id)
        for r in [a.response]
        if r.perspective
    }
    assert kept == {"beleid": like(target, "geevalueerd"), "uitvoering": "nee"}  # the dissent is not overwritten

    # the score comes from the final answers only; the spread from every respondent
    report = report_for(app.extensions["questionnaire_store"], assessment)
    assert report.result.domain(domain.id).answered == 1
    views = {v.perspective: v for v in report.perspectives[domain.id]}
    assert views["beleid"].score > views["uitvoering"].score
    assert report.disagreements[0].question.id == target.id
    results = browser.get(f"/checks/{assessment.id}/resultaten").get_data(as_text=True)
    assert "Verschillen tussen perspectieven" in results and "De grootste verschillen" in results
    assert "Anna" not in results  # perspectives, not names
    from tests.test_web_report import pdf_text

    pages = pdf_text(browser.get(f"/checks/{assessment.id}/rapport.pdf").data)
    summary = next(p for p in pages if "Samenvatting" in p and "Startpakket" in p)
    spread = next(p for p in pages if "Verschillen tussen perspectieven" in p and "De grootste verschillen" in p)
    assert summary is not spread and "Anna" not in "".join(pages)


def test_consensus_is_shown_to_respondents_only_when_shared(owner_setup, browser, questionnaire):
    app, _, _, assessment = owner_setup
    domain = questionnaire.domains[0]
    anna = respondent(app, invite(browser, assessment, "Anna", "beleid"))
    browser.submit(
        f"/checks/{assessment.id}/consensus/{domain.questions[0].id}",
        {"value": like(domain.questions[0], "geevalueerd")},
        form_url=f"/checks/{assessment.id}/consensus",
    )
    assert "De uitkomst van de gemeente" not in anna.get("/respondent").get_data(as_text=True)
    browser.submit(f"/checks/{assessment.id}/consensus/delen", {}, form_url=f"/checks/{assessment.id}/consensus")
    assert "De uitkomst van de gemeente" in anna.get("/respondent").get_data(as_text=True)


def test_owner_can_erase_a_respondents_name_and_address(owner_setup, browser, questionnaire):
    app, _, _, assessment = owner_setup
    domain = questionnaire.domains[0]
    link = invite(browser, assessment, "Petra", "ketenpartner")
    answer(respondent(app, link), 1, domain, ["geevalueerd"] * 8)
    response = db.session.query(Response).filter_by(name="Petra").one()
    browser.submit(
        f"/checks/{assessment.id}/respondenten/{response.id}/wissen",
        {},
        form_url=f"/checks/{assessment.id}/respondenten",
    )
    db.session.expire_all()
    erased = db.session.get(Response, response.id)
    assert erased.email is None and "Petra" not in erased.name and erased.perspective == "ketenpartner"
    assert db.session.query(Answer).filter_by(response_id=response.id).count() == 8
    assert "petra@partner.nl" not in browser.get(f"/checks/{assessment.id}/respondenten").get_data(as_text=True)


def test_admin_finds_exports_and_erases_a_respondent_by_email_address(owner_setup, browser, questionnaire, make_user):
    app, _, _, assessment = owner_setup
    domain = questionnaire.domains[0]
    link = invite(browser, assessment, "Petra", "ketenpartner")
    answer(respondent(app, link), 1, domain, ["geevalueerd"] * 8, comment="Wachtlijst <b>groeit</b>")
    invite(browser, assessment, "Karel", "inkoop")  # someone else, left alone
    admin = Browser(app.test_client())
    admin.login(make_user("admin").email)

    page = admin.get("/beheer/respondenten?email=+Petra@Partner.NL+").get_data(as_text=True)
    assert "1 uitnodiging(en) voor petra@partner.nl" in page and "Ketenpartner" in page and "Karel" not in page
    [held] = admin.get("/beheer/respondenten/gegevens.json?email=petra@partner.nl").json["respondenten"]
    assert (held["naam"], held["e-mailadres"], held["check"]) == ("Petra", "petra@partner.nl", assessment.year)
    assert len(held["antwoorden"]) == 8 and "Wachtlijst <b>groeit</b>" in [a["toelichting"] for a in held["antwoorden"]]

    erased = admin.submit("/beheer/respondenten/wissen", {}, form_url="/beheer/respondenten?email=petra@partner.nl")
    assert erased.status_code == 302
    db.session.expire_all()
    petra = db.session.query(Response).filter_by(perspective="ketenpartner").one()
    assert (petra.name, petra.email, petra.invite_hash) == (f"Respondent {petra.id}", None, None)
    assert db.session.query(Answer).filter_by(response_id=petra.id).count() == 8
    assert db.session.query(Response).filter_by(perspective="inkoop").one().email == "karel@partner.nl"
    assert "Er is geen respondent uitgenodigd op petra@partner.nl" in admin.get(
        "/beheer/respondenten?email=petra@partner.nl"
    ).get_data(as_text=True)
    actions = [e.action for e in db.session.query(AuditEvent)]
    assert actions.count("respondent.exported") == 1 and actions.count("respondent.forgotten") == 1
    assert "petra@partner.nl" not in str([(e.user_label, e.detail) for e in db.session.query(AuditEvent)])


def test_respondents_personal_data_is_for_admins_only_and_bad_input_is_refused(owner_setup, browser, make_user):
    app, _, _, assessment = owner_setup
    invite(browser, assessment, "Petra", "ketenpartner")
    for url in (
        "/beheer/respondenten?email=petra@partner.nl",
        "/beheer/respondenten/gegevens.json?email=petra@partner.nl",
    ):
        assert browser.get(url).status_code == 403, url  # the owner is no admin
    refused = browser.submit(
        "/beheer/respondenten/wissen", {"email": "petra@partner.nl"}, form_url=f"/checks/{assessment.id}/respondenten"
    )
    assert refused.status_code == 403
    admin = Browser(app.test_client())
    admin.login(make_user("admin").email)
    assert (
        admin.client.post("/beheer/respondenten/wissen", data={"email": "petra@partner.nl"}).status_code == 400
    )  # no CSRF token
    page = admin.get("/beheer/respondenten?email=geen-adres")
    assert page.status_code == 422 and "Vul een geldig e-mailadres in" in page.get_data(as_text=True)
    assert admin.get("/beheer/respondenten/gegevens.json?email=onbekend@partner.nl").status_code == 404
    assert (
        admin.submit(
            "/beheer/respondenten/wissen", {"email": "onbekend@partner.nl"}, form_url="/beheer/respondenten"
        ).status_code
        == 404
    )
    db.session.expire_all()
    assert db.session.query(Response).filter_by(perspective="ketenpartner").one().email == "petra@partner.nl"


def test_respondent_page_is_the_shared_domain_page(owner_setup, browser, questionnaire):
    """Numbering and error markup come from the one domain page the gemeente uses too."""
    app, _, _, assessment = owner_setup
    third = questionnaire.domains[2]
    person = respondent(app, invite(browser, assessment, "Petra", "ketenpartner", [third.id]))
    page = person.get("/respondent/stap/3").get_data(as_text=True)
    numbers = re.findall(r'<span class="q-number">([^<]+)</span>', page)
    assert numbers == [f"3.{i}" for i in range(1, len(third.questions) + 1)]
    assert "Stap 1 van 1" in page  # the only domain she answers

    bad = person.submit("/respondent/stap/3", {f"q_{third.questions[0].id}": "misschien", "action": "save"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert (
        f'id="q_{third.questions[0].id}" aria-describedby="q_{third.questions[0].id}-fout" aria-invalid="true"' in html
    )
    assert '<span class="visually-hidden">Fout: </span>' in html


def test_respondent_save_race_is_a_409_never_a_500(owner_setup, browser, questionnaire):
    """The same respondent saving from two tabs at once: one save wins, the other is refused."""
    import threading

    app, _, _, assessment = owner_setup
    first = questionnaire.domains[0]
    tabs = [respondent(app, invite(browser, assessment, "Anna", "beleid", [first.id]))]
    second = Browser(app.test_client())
    second.client.set_cookie("session", tabs[0].client.get_cookie("session").value)
    tabs.append(second)
    question = first.questions[0]
    pages = []
    for tab in tabs:
        html = tab.get("/respondent/stap/1").get_data(as_text=True)
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
        fields["csrf_token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        pages.append(fields)
    barrier, statuses = threading.Barrier(2), [None, None]

    def save(index):
        barrier.wait()
        with app.app_context():
            response = tabs[index].client.post(
                "/respondent/stap/1/autosave",
                data={**pages[index], f"q_{question.id}": like(question, ("nee", "deels")[index])},
            )
        statuses[index] = response.status_code

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) in ([200, 200], [200, 409]), statuses  # 200, 200 when one ran after the other
    # either way, the second save of the same question on the same base is refused when replayed
    again = tabs[0].client.post(
        "/respondent/stap/1/autosave", data={**pages[0], f"q_{question.id}": like(question, "geevalueerd")}
    )
    assert again.status_code == 409 and again.json["saved"] is False


# --- sessions end on the server; GETs use nothing up ---------------------------------------------


def test_a_link_scanners_get_changes_nothing(owner_setup, browser):
    app, _, _, assessment = owner_setup
    link = invite(browser, assessment, "Petra", "ketenpartner")
    before = db.session.query(Response).filter_by(name="Petra").one()
    state = (before.invite_hash, before.invite_expires_at, before.invite_used_at)
    scanner = app.test_client()
    for _ in range(3):
        assert scanner.get(link).status_code == 200
        assert scanner.head(link).status_code == 200
    db.session.expire_all()
    after = db.session.query(Response).filter_by(name="Petra").one()
    assert (after.invite_hash, after.invite_expires_at, after.invite_used_at) == state
    assert after.invite_used_at is None
    assert scanner.get("/respondent").status_code == 403  # the scanner got no session
    respondent(app, link)  # and the respondent still can start


def test_the_landing_pages_post_needs_its_csrf_token(owner_setup, browser):
    app, _, _, assessment = owner_setup
    link = invite(browser, assessment, "Petra", "ketenpartner")
    client = app.test_client()
    assert client.post(link).status_code == 400
    assert client.get("/respondent").status_code == 403


def _session_of(app, browser, assessment, name="Petra"):
    link = invite(browser, assessment, name, "ketenpartner")
    person = respondent(app, link)
    assert person.get("/respondent").status_code == 200
    return link, person, db.session.query(Response).filter_by(name=name).one()


def _manage(browser, assessment, response, action):
    return browser.submit(
        f"/checks/{assessment.id}/respondenten/{response.id}/{action}",
        {},
        form_url=f"/checks/{assessment.id}/respondenten",
    )


def test_an_avg_erase_ends_the_respondents_open_session(owner_setup, browser):
    app, _, _, assessment = owner_setup
    link, person, response = _session_of(app, browser, assessment)
    _manage(browser, assessment, response, "wissen")
    ended = person.get("/respondent")
    assert ended.status_code == 403 and "Uw sessie is beëindigd" in ended.get_data(as_text=True)
    assert person.get("/respondent/stap/1").status_code == 403
    assert Browser(app.test_client()).get(link).status_code == 404  # and the link is gone


def test_a_renewed_link_ends_the_old_session_and_the_old_link(owner_setup, browser):
    app, _, _, assessment = owner_setup
    link, person, response = _session_of(app, browser, assessment)
    renewed = _manage(browser, assessment, response, "link")
    assert renewed.status_code == 302
    assert person.get("/respondent").status_code == 403
    assert Browser(app.test_client()).get(link).status_code == 404
    flashed = browser.get(f"/checks/{assessment.id}/respondenten").get_data(as_text=True)
    new_link = re.search(r"(/respondent/[A-Za-z0-9_-]{40,})", flashed).group(1)
    assert respondent(app, new_link).get("/respondent").status_code == 200


def test_the_links_expiry_ends_the_open_session(owner_setup, browser):
    app, _, _, assessment = owner_setup
    _, person, response = _session_of(app, browser, assessment)
    response.invite_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert person.get("/respondent").status_code == 403
    autosave = person.client.post("/respondent/stap/1/autosave", data={})
    assert autosave.status_code in (400, 403)  # JSON, never a page or a 500
    assert autosave.is_json


def test_a_submitted_respondents_link_starts_nothing(owner_setup, browser):
    app, _, _, assessment = owner_setup
    link, person, _ = _session_of(app, browser, assessment)
    person.submit("/respondent/indienen", {})
    again = Browser(app.test_client())
    landing = again.get(link)
    assert landing.status_code == 409 and "al ingediend" in landing.get_data(as_text=True)
    assert again.submit(link, {}, form_url="/inloggen").status_code == 409  # a token from any page
    assert again.get("/respondent").status_code == 403


def test_a_reminder_is_only_for_who_has_not_submitted(owner_setup, browser):
    app, _, _, assessment = owner_setup
    _, person, response = _session_of(app, browser, assessment)
    page = browser.get(f"/checks/{assessment.id}/respondenten").get_data(as_text=True)
    assert "Herinnering sturen" in page
    assert _manage(browser, assessment, response, "herinnering").status_code == 302
    person2 = Browser(app.test_client())
    person2.client.set_cookie("session", person.client.get_cookie("session").value)
    assert person2.get("/respondent").status_code == 403  # the reminder's new link replaced the old one
    db.session.expire_all()
    response = db.session.get(Response, response.id)
    response.submitted_at = utcnow()
    db.session.commit()
    assert "Herinnering sturen" not in browser.get(f"/checks/{assessment.id}/respondenten").get_data(as_text=True)
    _manage(browser, assessment, response, "herinnering")
    assert [e.detail.get("soort") for e in db.session.query(AuditEvent).filter_by(action="respondent.mailed")] == [
        "invitation",
        "reminder",
    ]


def test_a_version_clash_on_a_consensus_decision_is_a_409_in_dutch(owner_setup, browser, questionnaire, monkeypatch):
    from sqlalchemy.orm.exc import StaleDataError

    from selfcheck.respondents import views

    _, _, _, assessment = owner_setup
    question = questionnaire.domains[0].questions[0]

    def clash(*args, **kwargs):
        raise StaleDataError("assessment changed")

    monkeypatch.setattr(views, "save_answers", clash)
    response = browser.submit(
        f"/checks/{assessment.id}/consensus/{question.id}",
        {"value": question.options[0].value},
        form_url=f"/checks/{assessment.id}/consensus",
    )
    assert response.status_code == 409
    assert "Uw besluit is niet opgeslagen" in response.get_data(as_text=True)


def test_concurrent_consensus_decisions_never_answer_500(owner_setup, browser, questionnaire, app):
    """Real threads on the real database: each decision is stored or refused with 409."""
    import threading

    _, _, _, assessment = owner_setup
    questions = questionnaire.domains[0].questions[:4]
    url = f"/checks/{assessment.id}/consensus"
    html = browser.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    cookie = browser.client.get_cookie("session").value
    statuses = []
    barrier = threading.Barrier(len(questions))

    def decide(question):
        client = app.test_client()
        client.set_cookie("session", cookie)
        barrier.wait()
        with app.app_context():
            result = client.post(f"{url}/{question.id}", data={"csrf_token": token, "value": question.options[0].value})
        statuses.append(result.status_code)

    for _round in range(3):
        threads = [threading.Thread(target=decide, args=(q,)) for q in questions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses and set(statuses) <= {302, 409}, statuses


# --- the consensus worklist: saving in place, the redirect, errors, access --------------------------

JSON = {"Accept": "application/json"}


def _token(browser, url):
    html = browser.client.get(url, follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def _decide(browser, assessment, question, data, headers=None, token=True):
    page = f"/checks/{assessment.id}/consensus"
    if token:
        data = {"csrf_token": _token(browser, page), **data}
    return browser.client.post(f"{page}/{question.id}", data=data, headers=headers or {})


def _final(question):
    return (
        db.session.query(Answer)
        .join(Response)
        .filter(Response.perspective.is_(None), Answer.question_id == question.id)
        .one_or_none()
    )


def test_a_decision_sent_by_script_is_answered_in_json(owner_setup, browser, questionnaire):
    _, _, _, assessment = owner_setup
    first, second = questionnaire.domains[0].questions[:2]
    total = len(questionnaire.questions)
    saved = _decide(browser, assessment, first, {"value": like(first, "deels"), "reason": "Zo is het"}, JSON)
    assert saved.status_code == 200 and saved.is_json
    body = saved.json
    label = first.option(like(first, "deels")).label
    assert body["saved"] is True and body["message"] == f"Opgeslagen: het antwoord van de gemeente is ‘{label}’."
    assert (body["answer"], body["reason"]) == (label, "Zo is het")
    assert body["progress"] == {"chosen": 1, "total": total, "text": f"1 van {total} vragen gekozen"}
    assert body["domain"] == {
        "id": questionnaire.domains[0].id,
        "chosen": 1,
        "total": len(questionnaire.domains[0].questions),
    }
    assert body["next"] == {"href": f"#vraag-{second.id}", "text": "Volgende open vraag: 1.2"}
    assert (_final(first).value, _final(first).reason) == (like(first, "deels"), "Zo is het")

    page = browser.get(f"/checks/{assessment.id}/consensus").get_data(as_text=True)
    item = page[page.index(f'id="vraag-{first.id}"') : page.index(f'id="vraag-{second.id}"')]
    assert ">Gekozen<" in item and f"1 van {total} vragen gekozen" in page
    assert ">Nog te kiezen<" in page[page.index(f'id="vraag-{second.id}"') :]


def test_a_refused_decision_by_script_is_json_in_dutch_and_stores_nothing(owner_setup, browser, questionnaire):
    _, _, _, assessment = owner_setup
    question = questionnaire.domains[0].questions[0]
    for data, status, words in (
        ({"value": ""}, 422, "kies een van de antwoorden"),
        ({"value": "bestaat-niet"}, 422, "kies een van de antwoorden"),
        ({"value": question.options[0].value, "reason": "x" * 4001}, 422, "toelichting korter"),
    ):
        refused = _decide(browser, assessment, question, data, JSON)
        assert refused.status_code == status and refused.is_json, data
        assert refused.json["saved"] is False and words in refused.json["message"]
    missing = browser.client.post(
        f"/checks/{assessment.id}/consensus/{question.id}", data={"value": question.options[0].value}, headers=JSON
    )
    assert missing.status_code == 400 and missing.is_json and "beveiligingscode" in missing.json["message"]
    assert _final(question) is None


def test_without_javascript_a_decision_redirects_to_its_question_with_a_confirmation(
    owner_setup, browser, questionnaire
):
    _, _, _, assessment = owner_setup
    first, second = questionnaire.domains[0].questions[:2]
    url = f"/checks/{assessment.id}/consensus"
    response = _decide(browser, assessment, first, {"value": like(first, "vastgelegd")})
    assert response.status_code == 302 and response.headers["Location"] == f"{url}#vraag-{first.id}"
    page = browser.get(url).get_data(as_text=True)
    item = page[page.index(f'id="vraag-{first.id}"') : page.index(f'id="vraag-{second.id}"')]
    label = escape(first.option(like(first, "vastgelegd")).label)
    assert f"Opgeslagen: het antwoord van de gemeente is ‘{label}’." in item
    assert f'href="#vraag-{second.id}">Volgende open vraag: 1.2<' in item
    assert "Opgeslagen:" not in browser.get(url).get_data(as_text=True)  # said once


def test_without_javascript_a_refused_decision_shows_the_form_again_with_what_was_typed(
    owner_setup, browser, questionnaire
):
    _, _, _, assessment = owner_setup
    question = questionnaire.domains[0].questions[0]
    refused = _decide(browser, assessment, question, {"value": "", "reason": "Mijn <b>uitleg</b>"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'role="alert"' in page
    assert f'href="#vraag-{question.id}-value">Vraag 1.1: Niet opgeslagen: kies een van de antwoorden.' in page
    assert "Mijn &lt;b&gt;uitleg&lt;/b&gt;</textarea>" in page  # kept, and escaped
    # an expired form: the page again, the reason still there
    expired = _decide(
        browser, assessment, question, {"value": question.options[0].value, "reason": "Bewaard"}, token=False
    )
    assert expired.status_code == 400 and "Bewaard</textarea>" in expired.get_data(as_text=True)
    assert _final(question) is None


def test_a_definitive_check_takes_no_decision(owner_setup, browser, questionnaire):
    _, _, _, assessment = owner_setup
    question = questionnaire.domains[0].questions[0]
    token = _token(browser, f"/checks/{assessment.id}/consensus")
    assessment.status = "definitief"
    db.session.commit()
    page = browser.get(f"/checks/{assessment.id}/consensus").get_data(as_text=True)
    assert "data-consensus-form" not in page  # read-only: no forms
    data = {"csrf_token": token, "value": question.options[0].value}
    url = f"/checks/{assessment.id}/consensus/{question.id}"
    refused = browser.client.post(url, data=data, headers=JSON)
    assert refused.status_code == 409 and "definitief" in refused.json["message"]
    assert browser.client.post(url, data=data).status_code == 409
    assert _final(question) is None


def test_the_consensus_is_for_the_gemeentes_beleidsmedewerkers_only(
    owner_setup, browser, questionnaire, make_gemeente, make_user, app
):
    _, gemeente, _, assessment = owner_setup
    question = questionnaire.domains[0].questions[0]
    url = f"/checks/{assessment.id}/consensus"
    data = {"value": question.options[0].value}
    other = Browser(app.test_client())
    other.login(make_user("beleidsmedewerker", make_gemeente("GM0344", "Utrecht")).email)
    token = _token(other, "/")
    assert other.get(url).status_code == 404
    assert other.client.post(f"{url}/{question.id}", data={**data, "csrf_token": token}).status_code == 404
    buyer = Browser(app.test_client())
    buyer.login(make_user("inkoper", gemeente).email)
    token = _token(buyer, "/")
    assert buyer.get(url).status_code == 403  # an inkoper reads the check, but settles nothing
    refused = buyer.client.post(f"{url}/{question.id}", data={**data, "csrf_token": token}, headers=JSON)
    assert refused.status_code == 403 and refused.is_json and refused.json["saved"] is False
    assert buyer.client.post(f"{url}/{question.id}", data={**data, "csrf_token": token}).status_code == 403
    assert (
        browser.client.post(f"{url}/bestaat-niet", data={**data, "csrf_token": _token(browser, url)}).status_code == 404
    )
    assert _final(question) is None


def test_erasing_a_respondent_asks_first_and_a_get_changes_nothing(owner_setup, browser, make_gemeente, make_user, app):
    _, gemeente, _, assessment = owner_setup
    invite(browser, assessment, "Petra", "ketenpartner")
    response = db.session.query(Response).filter_by(name="Petra").one()
    manage = browser.get(f"/checks/{assessment.id}/respondenten").get_data(as_text=True)
    confirm_url = f"/checks/{assessment.id}/respondenten/{response.id}/wissen"
    assert f'href="{confirm_url}"' in manage  # a link to the question, not a button that erases
    confirm = browser.get(confirm_url)
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Dit kunt u niet ongedaan maken." in page
    assert "Ja, naam en e-mailadres wissen" in page and "Annuleren" in page and f'action="{confirm_url}"' in page
    db.session.expire_all()
    assert db.session.get(Response, response.id).email == "petra@partner.nl"  # the GET changed nothing
    for who in ("inkoper", "other"):
        person = Browser(app.test_client())
        if who == "inkoper":
            person.login(make_user("inkoper", gemeente).email)
        else:
            person.login(make_user("beleidsmedewerker", make_gemeente("GM0344", "Utrecht")).email)
        assert person.get(confirm_url).status_code in (403, 404), who
        assert person.client.post(confirm_url, data={"csrf_token": _token(person, "/")}).status_code in (403, 404)
    assert browser.client.post(confirm_url, data={}).status_code == 400  # no token
    assert browser.submit(confirm_url, {}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Response, response.id).email is None
    again = browser.get(confirm_url)
    assert again.status_code == 302  # nothing left to erase


def test_a_respondent_confirms_before_submitting(owner_setup, browser, questionnaire, app):
    _, _, _, assessment = owner_setup
    domain = questionnaire.domains[0]
    person = respondent(app, invite(browser, assessment, "Anna", "beleid", [domain.id]))
    answer(person, 1, domain, ["deels"] * 3)
    home = person.get("/respondent").get_data(as_text=True)
    assert 'href="/respondent/indienen"' in home and 'action="/respondent/indienen"' not in home
    confirm = person.get("/respondent/indienen")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and f"U heeft 3 van de {len(domain.questions)} vragen beantwoord." in page
    assert "gemeente Breda" in page and "kunt u niets meer wijzigen" in page
    assert "Ja, mijn antwoorden indienen" in page and 'href="/respondent"' in page
    db.session.expire_all()
    assert db.session.query(Response).filter_by(name="Anna").one().submitted_at is None  # the GET changed nothing
    assert person.client.post("/respondent/indienen", data={}).status_code == 400  # no token
    assert person.submit("/respondent/indienen", {}).status_code == 302
    db.session.expire_all()
    assert db.session.query(Response).filter_by(name="Anna").one().submitted_at is not None
    assert Browser(app.test_client()).get("/respondent/indienen").status_code == 403  # no session


def test_the_invitation_link_is_shown_whole_with_a_copy_button(owner_setup, browser):
    _, _, _, assessment = owner_setup
    url = f"/checks/{assessment.id}/respondenten"
    page = browser.submit(url, {"name": "Petra", "email": "petra@partner.nl", "perspective": "inkoop"})
    html = page.get_data(as_text=True)
    link = re.search(r'<textarea id="link"[^>]*readonly[^>]*>(http://localhost/respondent/[^<]+)</textarea>', html)
    assert link, "the link in a read-only field that wraps"
    assert f'data-copy-target="link" value="{link.group(1)}">Kopieer link</button>' in html
    assert re.search(r'<p class="utrecht-paragraph invite-link__copy" hidden>', html)  # shown by copy.js only
    assert "<table" not in html and "Acties" not in html  # a card per respondent: nothing wide
    response = db.session.query(Response).filter_by(name="Petra").one()
    browser.submit(f"{url}/{response.id}/link", {}, form_url=url)
    renewed = browser.get(url).get_data(as_text=True)
    assert "Een nieuwe link is gemaild naar" in renewed and '<textarea id="link"' in renewed
    assert link.group(1) not in renewed  # the new link, not the old one
    assert '<textarea id="link"' not in browser.get(url).get_data(as_text=True)  # shown once
