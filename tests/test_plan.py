"""The action plan: made from a definitive check's advice, followed through the year, read by all
who see the check and changed only by the gemeente's beleidsmedewerkers."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from selfcheck.check.operations import report_for
from selfcheck.core.plan import is_overdue, not_yet_planned, progress
from selfcheck.extensions import db
from selfcheck.models import AuditEvent, PlanAction
from selfcheck.plan.views import today
from tests.answers import like
from tests.conftest import csrf_token


@pytest.fixture
def checks(app, make_gemeente, make_user, make_assessment, questionnaire):
    breda, utrecht = make_gemeente("GM0758", "Breda"), make_gemeente("GM0344", "Utrecht")
    people = {
        "beleid": make_user("beleidsmedewerker", breda),
        "inkoop": make_user("inkoper", breda),
        "utrecht": make_user("beleidsmedewerker", utrecht),
        "adviseur": make_user("adviseur"),
    }
    answers = {q.id: (like(q, "deels"), "") for q in questionnaire.questions}
    definitive = make_assessment(breda, people["beleid"], year=2025, answers=answers, submitted=True)
    draft = make_assessment(breda, people["beleid"], year=2026, answers=answers)
    other = make_assessment(utrecht, people["utrecht"], year=2025, answers=answers, submitted=True)
    return definitive, draft, other, people


def _add(browser, check, **fields):
    data = {"title": "Aandachtsfunctionaris in elk wijkteam", "domain": "regie", "owner": "Beleidsadviseur jeugd"}
    data.update(fields)
    return browser.submit(f"/checks/{check.id}/plan/acties/nieuw", data)


def test_an_action_made_from_a_recommendation_lands_in_the_plan_and_the_audit_trail(app, browser, checks):
    definitive, _draft, _other, people = checks
    report = report_for(app.extensions["questionnaire_store"], definitive)
    advice = report.advice[0].recommendation
    browser.login(people["beleid"].email)
    page = browser.get(f"/checks/{definitive.id}/plan").get_data(as_text=True)
    assert "Er staan nog geen acties in het plan." in page
    assert f"advies={advice.id}" in page  # offered as a suggestion
    form = browser.get(f"/checks/{definitive.id}/plan/acties/nieuw?advies={advice.id}").get_data(as_text=True)
    assert f'value="{advice.title}"' in form or advice.title in form
    response = _add(
        browser,
        definitive,
        title=advice.title,
        domain=advice.domain_id,
        recommendation=advice.id,
        partners="Wijkteam, GGZ-aanbieder",
        due="2027-06-30",
        success="Elk wijkteam heeft een aanspreekpunt.",
    )
    assert response.status_code == 302
    action = db.session.scalars(select(PlanAction)).one()
    assert (action.recommendation_id, action.owner, action.due, action.status) == (
        advice.id,
        "Beleidsadviseur jeugd",
        date(2027, 6, 30),
        "gepland",
    )
    page = browser.get(f"/checks/{definitive.id}/plan").get_data(as_text=True)
    assert "30 juni 2027" in page and "Wijkteam, GGZ-aanbieder" in page
    assert f"advies={advice.id}" not in page  # no longer a suggestion
    assert "1 actie: 1 gepland, 0 bezig, 0 gereed." in page
    events = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("plan.%"))).all()
    assert events == ["plan.action_added"]


def test_a_hand_made_action_with_missing_fields_gets_dutch_errors_and_keeps_what_was_typed(browser, checks):
    definitive, _draft, _other, people = checks
    browser.login(people["beleid"].email)
    response = _add(browser, definitive, owner="", due="morgen", partners="Het CJG")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Vul in wie de actie trekt" in page and "Ongeldige datum" in page
    assert 'value="Het CJG"' in page and 'value="Aandachtsfunctionaris in elk wijkteam"' in page
    assert db.session.scalars(select(PlanAction)).all() == []
    page = _add(browser, definitive, domain="").get_data(as_text=True)  # the list's "Kies een domein"
    assert "Kies het domein van de actie." in page and '<option selected value="">Kies een domein</option>' in page
    assert _add(browser, definitive, due="31-12-2027").status_code == 302  # the Dutch way of writing a date too
    assert db.session.scalars(select(PlanAction.due)).one() == date(2027, 12, 31)


def test_status_changes_and_overdue_actions_show_on_the_plan(browser, checks):
    definitive, _draft, _other, people = checks
    browser.login(people["beleid"].email)
    yesterday = (today() - timedelta(days=1)).isoformat()
    _add(browser, definitive, title="Late actie", due=yesterday)
    _add(browser, definitive, title="Klaar", due=yesterday)
    late, done = db.session.scalars(select(PlanAction).order_by(PlanAction.id)).all()
    url = f"/checks/{definitive.id}/plan/acties/{done.id}"
    response = browser.submit(
        url,
        {
            "title": "Klaar",
            "domain": "regie",
            "owner": "Wethouder",
            "due": yesterday,
            "status": "gereed",
            "version": "1",
        },
    )
    assert response.status_code == 302
    page = browser.get(f"/checks/{definitive.id}/plan").get_data(as_text=True)
    assert "2 acties: 1 gepland, 0 bezig, 1 gereed." in page
    assert "50% van de lopende en afgeronde acties is gereed." in page
    assert "1 actie is over de datum." in page
    assert page.count("(over de datum)") == 1
    late_item = page.split(f'id="actie-{late.id}"')[1].split("</li>")[0]
    assert "(over de datum)" in late_item
    changed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "plan.action_changed")).one()
    assert changed.detail == {"title": "Klaar", "status": "gereed"}


def test_a_second_editor_is_told_and_loses_nothing(browser, checks):
    definitive, _draft, _other, people = checks
    browser.login(people["beleid"].email)
    _add(browser, definitive)
    action = db.session.scalars(select(PlanAction)).one()
    url = f"/checks/{definitive.id}/plan/acties/{action.id}"
    base = {"title": action.title, "domain": "regie", "owner": "Beleidsadviseur jeugd", "version": "1"}
    assert browser.submit(url, {**base, "status": "bezig"}).status_code == 302
    # a form opened on version 1, saved after the change above
    response = browser.submit(url, {**base, "status": "gestopt", "status_note": "Geen budget in 2027."})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Iemand anders heeft deze actie intussen gewijzigd" in page and "Geen budget in 2027." in page
    db.session.expire_all()
    assert db.session.get(PlanAction, action.id).status == "bezig"
    assert csrf_token(page)  # the form is there to save again, now on the current version
    assert 'value="2"' in page


def test_focus_domains_are_saved(browser, checks):
    definitive, *_, people = checks
    browser.login(people["beleid"].email)
    response = browser.submit(f"/checks/{definitive.id}/plan/focus", {"domains": ["regie", "inkoop"]})
    assert response.status_code == 302
    assert sorted(f.domain_id for f in definitive.focus) == ["inkoop", "regie"]
    assert browser.submit(f"/checks/{definitive.id}/plan/focus", {"domains": ["bestaat-niet"]}).status_code == 302
    assert sorted(f.domain_id for f in definitive.focus) == ["inkoop", "regie"]  # refused, kept


def test_who_may_read_and_who_may_change_the_plan(browser, checks):
    definitive, draft, other, people = checks
    browser.login(people["beleid"].email)
    _add(browser, definitive)
    action = db.session.scalars(select(PlanAction)).one()
    assert browser.get(f"/checks/{other.id}/plan").status_code == 404  # another gemeente's plan
    assert browser.get(f"/checks/{other.id}/plan/acties/{action.id}").status_code == 404
    assert _add(browser, draft).status_code == 409  # a draft has no plan yet
    assert "maak hem eerst definitief" in browser.get(f"/checks/{draft.id}/plan").get_data(as_text=True)
    browser.logout()
    for reader in ("inkoop", "adviseur"):
        browser.login(people[reader].email)
        page = browser.get(f"/checks/{definitive.id}/plan").get_data(as_text=True)
        assert action.title in page and "Wijzigen" not in page and "Eigen actie toevoegen" not in page
        assert browser.get(f"/checks/{definitive.id}/plan/acties/nieuw").status_code == 403
        assert browser.get(f"/checks/{definitive.id}/plan/acties/{action.id}").status_code == 403
        browser.logout()


def test_a_get_changes_nothing_and_a_post_needs_its_csrf_token(client, browser, checks):
    definitive, *_, people = checks
    browser.login(people["beleid"].email)
    report_id = report_for(client.application.extensions["questionnaire_store"], definitive).advice[0]
    assert (
        browser.get(f"/checks/{definitive.id}/plan/acties/nieuw?advies={report_id.recommendation.id}").status_code
        == 200
    )
    assert db.session.scalars(select(PlanAction)).all() == []
    response = client.post(
        f"/checks/{definitive.id}/plan/acties/nieuw", data={"title": "x", "domain": "regie", "owner": "y"}
    )
    assert response.status_code == 400
    assert db.session.scalars(select(PlanAction)).all() == []


def test_overdue_and_progress_rules():
    day = date(2027, 3, 1)
    assert is_overdue("gepland", date(2027, 2, 28), day)
    assert not is_overdue("gepland", day, day)  # due today is still on time
    assert not is_overdue("gereed", date(2020, 1, 1), day) and not is_overdue("gestopt", date(2020, 1, 1), day)
    assert not is_overdue("bezig", None, day)
    counted = progress([("gepland", date(2027, 1, 1)), ("bezig", None), ("gereed", None), ("gestopt", None)], day)
    assert (counted.total, counted.overdue, counted.done_share) == (4, 1, 33)
    assert progress([], day).done_share is None


def test_advice_not_yet_planned_keeps_the_report_order(app, checks):
    definitive, *_ = checks
    advice = report_for(app.extensions["questionnaire_store"], definitive).advice
    rest = not_yet_planned(advice, [advice[1].recommendation.id])
    assert [a.recommendation.id for a in rest] == [a.recommendation.id for a in advice if a is not advice[1]]


def _generated_plans(make_gemeente, make_user, make_assessment, questionnaire, count=12, seed=7):
    """`count` gemeenten with a definitive 2025 check and a plan of random actions; a draft's
    actions (which advisers must not count) on top."""
    import random

    rng = random.Random(seed)
    domains = [d.id for d in questionnaire.domains]
    statuses = ["gepland", "bezig", "gereed", "gestopt"]
    answers = {q.id: (like(q, "deels"), "") for q in questionnaire.questions}
    made = []
    for number in range(count):
        gemeente = make_gemeente(f"GM{1000 + number}", f"Gemeente {number:02d}")
        user = make_user("beleidsmedewerker", gemeente)
        check = make_assessment(gemeente, user, year=2025, answers=answers, submitted=True)
        for _ in range(rng.randint(0, 6)):
            due = date(2026, 1, 1) + timedelta(days=rng.randint(0, 700)) if rng.random() < 0.8 else None
            action = PlanAction(
                assessment=check,
                domain_id=rng.choice(domains),
                title="Actie",
                owner="Iemand",
                status=rng.choice(statuses),
                due=due,
            )
            db.session.add(action)
            made.append((gemeente.name, action))
        if number == 0:
            draft = make_assessment(gemeente, user, year=2026, answers=answers)
            db.session.add(
                PlanAction(assessment=draft, domain_id=domains[0], title="Concept", owner="X", status="gepland")
            )
    db.session.commit()
    return made


def test_advisers_plan_figures_are_counted_in_sql_and_match_the_rules(
    app, make_gemeente, make_user, make_assessment, questionnaire
):
    from selfcheck.plan import queries

    made = _generated_plans(make_gemeente, make_user, make_assessment, questionnaire)
    day = date(2026, 9, 1)
    by_domain = queries.national_by_domain(day, 2025)
    for domain in questionnaire.domains:
        expected = progress([(a.status, a.due) for _, a in made if a.domain_id == domain.id], day)
        assert by_domain.get(domain.id, progress([], day)) == expected, domain.id
    plans = {p.gemeente: p.progress for p in queries.per_gemeente(day, 2025)}
    for name in {name for name, _ in made}:
        assert plans[name] == progress([(a.status, a.due) for n, a in made if n == name], day)
    overdue = [p.progress.overdue for p in queries.per_gemeente(day, 2025)]
    assert overdue == sorted(overdue, reverse=True)  # most overdue first
    assert queries.plan_years() == [2025]  # the draft's plan does not count
    assert sum(p.total for p in by_domain.values()) == len(made)
    (year,) = queries.per_year(day)  # the draft's plan does not count here either
    assert (year.year, year.plans) == (2025, len({name for name, _ in made}))
    assert year.progress == progress([(a.status, a.due) for _, a in made], day)


def test_the_trends_page_shows_plan_progress_per_year(
    browser, make_gemeente, make_user, make_assessment, questionnaire
):
    made = _generated_plans(make_gemeente, make_user, make_assessment, questionnaire, count=6)
    browser.login(make_user("adviseur").email)
    page = " ".join(browser.get("/adviseur/trends").get_data(as_text=True).split())
    row = page.split("Plannen van aanpak per jaar")[1]
    plans = len({name for name, _ in made})
    assert (
        f'<th scope="row" class="utrecht-table__header-cell">2025</th><td class="utrecht-table__cell utrecht-table__cell--numeric-data">{plans}</td><td class="utrecht-table__cell utrecht-table__cell--numeric-data">{len(made)}</td>'
        in row
    )


def test_the_advisers_plan_page(browser, make_gemeente, make_user, make_assessment, questionnaire):
    _generated_plans(make_gemeente, make_user, make_assessment, questionnaire, count=3)
    adviser = make_user("adviseur")
    beleid = make_user("beleidsmedewerker", make_gemeente("GM0758", "Breda"))
    browser.login(beleid.email)
    assert browser.get("/adviseur/plannen").status_code == 403
    browser.logout()
    browser.login(adviser.email)
    page = browser.get("/adviseur/plannen").get_data(as_text=True)
    assert "Acties per domein, 2025" in page and "Gemeente 00" in page
    assert browser.get("/adviseur/plannen?jaar=1999").status_code == 200  # an unknown year: the latest


def test_next_years_plan_follows_up_last_years_actions(app, browser, checks, make_assessment, questionnaire):
    definitive, draft, _other, people = checks
    store = app.extensions["questionnaire_store"]
    advice = report_for(store, definitive).advice
    browser.login(people["beleid"].email)
    _add(browser, definitive, title=advice[0].recommendation.title, recommendation=advice[0].recommendation.id)
    _add(browser, definitive, title="Eigen actie")
    _add(browser, definitive, title="Afgerond")
    first, own, finished = db.session.scalars(select(PlanAction).order_by(PlanAction.id)).all()
    finished.status = "gereed"
    db.session.commit()
    # 2026: everything in place, so the gap of the first action closed
    best = {q.id: (next(o.value for o in q.options if o.score == q.max_score), "") for q in questionnaire.questions}
    from selfcheck.check.operations import submit_assessment
    from selfcheck.check.store import save_answers

    save_answers(draft, people["beleid"], best)
    submit_assessment(draft, people["beleid"])
    db.session.commit()
    assert advice[0].recommendation.id not in {a.recommendation.id for a in report_for(store, draft).advice}
    page = browser.get(f"/checks/{draft.id}/plan").get_data(as_text=True)
    section = page.split('id="vorig-jaar"')[1]
    assert "Het plan van 2025" in page
    assert section.count("Het tekort is opgelost") == 1
    assert section.count("Deze actie loopt nog en is niet af.") == 1  # the own action; the first one closed its gap
    results = " ".join(browser.get(f"/checks/{draft.id}/resultaten").get_data(as_text=True).split())
    assert "Van de 3 acties uit het plan van 2025 loste er 1 het tekort op" in results
    assert "1 actie bleef liggen." in results
    response = browser.submit(f"/checks/{draft.id}/plan/overnemen", {}, form_url=f"/checks/{draft.id}/plan")
    assert response.status_code == 302
    carried = db.session.scalars(select(PlanAction).where(PlanAction.assessment_id == draft.id)).all()
    assert sorted(a.carried_from_id for a in carried) == sorted([first.id, own.id])  # not the finished one
    browser.submit(f"/checks/{draft.id}/plan/overnemen", {}, form_url=f"/checks/{draft.id}/plan")
    assert len(db.session.scalars(select(PlanAction).where(PlanAction.assessment_id == draft.id)).all()) == 2  # once
    assert "Overgenomen in dit plan." in browser.get(f"/checks/{draft.id}/plan").get_data(as_text=True)


def test_the_report_prints_the_plan_and_a_change_to_it_renders_a_new_report(browser, checks):
    from tests.test_web_report import pdf_text

    definitive, *_, people = checks
    browser.login(people["beleid"].email)
    browser.submit(f"/checks/{definitive.id}/plan/focus", {"domains": ["regie"]})
    before = " ".join(" ".join(pdf_text(browser.get(f"/checks/{definitive.id}/rapport.pdf").data)).split())
    assert "nog geen acties vastgelegd" in before
    _add(browser, definitive, title="Aandachtsfunctionaris in elk wijkteam", partners="GGD", due="2027-03-01")
    after = " ".join(" ".join(pdf_text(browser.get(f"/checks/{definitive.id}/rapport.pdf").data)).split())
    assert "1 actie in het plan van de gemeente: 1 gepland, 0 bezig, 0 gereed." in after
    assert "Aandachtsfunctionaris in elk wijkteam" in after and "Met: GGD" in after
    assert "1 maart 2027" in after and "Beleidsadviseur jeugd" in after


def test_the_gemeente_home_shows_the_open_draft_and_the_plans_progress(browser, checks):
    definitive, draft, _other, people = checks
    browser.login(people["beleid"].email)
    home = f"/gemeenten/{definitive.gemeente_id}"
    page = browser.get(home).get_data(as_text=True)
    assert f'href="/checks/{draft.id}">Verder met check 2026</a>' in page
    assert "Plan van aanpak" not in page  # no actions yet
    _add(browser, definitive, due=(today() - timedelta(days=3)).isoformat())
    page = " ".join(browser.get(home).get_data(as_text=True).split())
    assert "Plan van aanpak 2025" in page
    assert "1 actie: 1 gepland, 0 bezig, 0 gereed. <strong>1 actie is over de datum.</strong>" in page
    browser.logout()
    browser.login(people["inkoop"].email)  # a reader sees the plan, not the button to go on editing
    page = browser.get(home).get_data(as_text=True)
    assert "Plan van aanpak 2025" in page and "Verder met check" not in page


def test_next_years_open_check_asks_what_became_of_last_years_actions(browser, checks):
    definitive, draft, _other, people = checks
    browser.login(people["beleid"].email)
    assert "Het plan van aanpak van 2025" not in browser.get(f"/checks/{draft.id}").get_data(as_text=True)
    _add(browser, definitive)
    page = " ".join(browser.get(f"/checks/{draft.id}").get_data(as_text=True).split())
    assert "Het plan van aanpak van 2025" in page and "1 actie: 1 gepland, 0 bezig, 0 gereed." in page
    assert f'href="/checks/{definitive.id}/plan">Stand van de acties van 2025 bijwerken</a>' in page
    assert "Het plan van aanpak van" not in browser.get(f"/checks/{definitive.id}").get_data(as_text=True)
