"""The demo data: enough gemeenten over several years that every adviser page shows real figures,
a small group still hidden, and the hand-made checks and accounts the README names."""

import pytest
from sqlalchemy import func, select

from selfcheck.advisers.queries import MIN_GROUP, OVERALL, regions
from selfcheck.demo import ACCOUNTS, DEMO_PASSWORD, load_demo_data
from selfcheck.extensions import db
from selfcheck.models import Assessment, Gemeente, PlanAction, User


@pytest.fixture
def demo(app):
    store = app.extensions["questionnaire_store"]
    assert load_demo_data(store)
    return store


def test_the_demo_spans_the_country_and_the_years(demo):
    with_checks = select(func.count(func.distinct(Assessment.gemeente_id))).where(Assessment.status == "definitief")
    assert db.session.scalar(with_checks) >= 30
    assert db.session.scalar(select(func.count(func.distinct(Gemeente.province)))) >= 5
    assert db.session.scalar(select(func.count(func.distinct(Gemeente.jeugdregio)))) >= 5
    years = db.session.scalars(select(Assessment.year).where(Assessment.status == "definitief").distinct()).all()
    assert sorted(years) == [2023, 2024, 2025, 2026]
    assert not load_demo_data(demo)  # a second load changes nothing


def test_adviser_regions_show_figures_and_hide_a_small_group(demo):
    shown = {r["name"] for r in regions(demo.current) if OVERALL in r["spread"] and r["spread"][OVERALL].shown}
    counts = dict(
        db.session.execute(
            select(Gemeente.jeugdregio, func.count(func.distinct(Gemeente.id)))
            .join(Assessment, Assessment.gemeente_id == Gemeente.id)
            .where(Assessment.status == "definitief")
            .group_by(Gemeente.jeugdregio)
        ).all()
    )
    assert len(shown) >= 4
    assert any(n < MIN_GROUP for n in counts.values())  # a region too small to show
    assert {name for name, n in counts.items() if n < MIN_GROUP}.isdisjoint(shown)


def test_the_demo_accounts_log_in_and_find_their_checks(demo, browser):
    for email, _name, _role, _code in ACCOUNTS:
        user = db.session.scalars(select(User).where(User.email == email)).one()
        assert user.check_password(DEMO_PASSWORD)
    browser.login("beleid@utrecht.example", DEMO_PASSWORD)
    utrecht_2026 = db.session.scalars(
        select(Assessment).join(Gemeente).where(Gemeente.code == "GM0344", Assessment.year == 2026)
    ).one()
    page = browser.get(f"/checks/{utrecht_2026.id}/plan").get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(PlanAction.assessment_id == utrecht_2026.id)) == 4
    assert "Wijs een regievoerder voor KOPP/KOV formeel aan" in page
    breda = db.session.scalars(select(Assessment).join(Gemeente).where(Gemeente.code == "GM0758")).all()
    assert sorted((a.year, a.status) for a in breda) == [(2025, "definitief"), (2026, "concept")]
