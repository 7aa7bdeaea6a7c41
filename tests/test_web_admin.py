import io

import pytest

from selfcheck.admin.cbs import parse_cbs_csv
from selfcheck.extensions import db
from selfcheck.models import Gemeente, User
from tests.conftest import csrf_token


@pytest.fixture
def admin(browser, make_user):
    user = make_user("admin")
    browser.login(user.email)
    return user


def test_admin_creates_and_edits_a_gemeente(browser, admin):
    data = {
        "code": "gm0758",
        "name": "Breda",
        "province": "Noord-Brabant",
        "jeugdregio": "West-Brabant-Oost",
        "inhabitants": "186000",
    }
    assert browser.submit("/beheer/gemeenten/nieuw", data).status_code == 302
    breda = db.session.query(Gemeente).one()
    assert (breda.code, breda.inhabitants, breda.jeugdregio) == ("GM0758", 186000, "West-Brabant-Oost")
    response = browser.submit(f"/beheer/gemeenten/{breda.id}", {**data, "inhabitants": "187500"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Gemeente, breda.id).inhabitants == 187500


def test_admin_records_the_minors_of_a_gemeente_with_their_year(browser, admin):
    data = {"code": "GM0758", "name": "Breda", "inhabitants": "186000", "minors": "33500", "minors_year": "2024"}
    assert browser.submit("/beheer/gemeenten/nieuw", data).status_code == 302
    breda = db.session.query(Gemeente).one()
    assert (breda.minors, breda.minors_year) == (33500, 2024)
    for wrong, message in (
        ({"minors": "200000"}, "Er kunnen niet meer minderjarigen dan inwoners zijn."),
        ({"minors_year": ""}, "Vul het jaar in waar het aantal minderjarigen over gaat."),
        ({"minors": "veel"}, "Ongeldig getal."),
    ):
        response = browser.submit(f"/beheer/gemeenten/{breda.id}", {**data, **wrong})
        assert response.status_code == 422 and message in response.get_data(as_text=True), wrong
    db.session.expire_all()
    assert db.session.get(Gemeente, breda.id).minors == 33500  # nothing changed by a refused form


def test_gemeente_form_errors_are_dutch_and_keep_input(browser, admin, make_gemeente):
    make_gemeente("GM0758", "Breda")
    response = browser.submit("/beheer/gemeenten/nieuw", {"code": "0758", "name": "Bredaa", "inhabitants": "-5"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Een CBS-code is GM met vier cijfers" in page and "Vul een aantal tussen" in page
    assert 'value="Bredaa"' in page
    response = browser.submit("/beheer/gemeenten/nieuw", {"code": "GM0758", "name": "Andere"})
    assert "GM0758 hoort al bij Breda." in response.get_data(as_text=True)
    assert db.session.query(Gemeente).count() == 1


def _upload(browser, content: bytes):
    token = csrf_token(browser.get("/beheer/gemeenten").get_data(as_text=True))
    return browser.client.post(
        "/beheer/gemeenten/import",
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (io.BytesIO(content), "gemeenten.csv")},
    )


def test_csv_import_in_cbs_layout(browser, admin, make_gemeente):
    make_gemeente("GM0758", "Breda (oud)")
    csv_text = (
        "Gemeentecode;GemeentecodeGM;Gemeentenaam;Provinciecode;ProvinciecodePV;Provincienaam\n"
        "758;GM0758;Breda;30;PV30;Noord-Brabant\n"
        "344;GM0344;Utrecht;26;PV26;Utrecht\n"
        "14;GM0014;Groningen;20;PV20;Groningen\n"
    )
    response = _upload(browser, ("\ufeff" + csv_text).encode("utf-8"))
    assert response.status_code == 302
    rows = {g.code: (g.name, g.province) for g in db.session.query(Gemeente)}
    assert rows == {
        "GM0758": ("Breda", "Noord-Brabant"),
        "GM0344": ("Utrecht", "Utrecht"),
        "GM0014": ("Groningen", "Groningen"),
    }


def test_csv_import_with_errors_imports_nothing(browser, admin):
    response = _upload(browser, b"Gemeentecode,Gemeentenaam\nGM0758,Breda\nXX12,Nergens\n344,\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Regel 3: ongeldige gemeentecode &#39;XX12&#39;." in page
    assert "Regel 4: de naam ontbreekt." in page
    assert db.session.query(Gemeente).count() == 0


def test_parse_cbs_csv_accepts_both_code_forms_and_cp1252():
    result = parse_cbs_csv("Gemeentecode,Gemeentenaam\n758,Breda\nGM0344,Utrecht\nGM0344,Dubbel\n")
    assert result.rows == [("GM0758", "Breda", ""), ("GM0344", "Utrecht", "")]
    assert result.problems == ["Regel 4: GM0344 staat dubbel in het bestand."]
    assert parse_cbs_csv("code;naam\n").problems == [] and parse_cbs_csv("foo,bar\n1,2\n").problems


def test_admin_cannot_remove_own_admin_role(browser, admin):
    response = browser.submit(
        f"/beheer/gebruikers/{admin.id}",
        {"name": admin.name, "email": admin.email, "role": "adviseur", "gemeente_id": "0"},
    )
    assert response.status_code == 422
    assert db.session.get(User, admin.id).role == "admin"


def test_gemeente_role_requires_a_gemeente(browser, admin):
    response = browser.submit(
        "/beheer/gebruikers/nieuw", {"name": "X", "email": "x@breda.nl", "role": "inkoper", "gemeente_id": "0"}
    )
    assert response.status_code == 422
    assert "Kies de gemeente van deze beleidsmedewerker of inkoper." in response.get_data(as_text=True)
    assert db.session.query(User).count() == 1


def test_a_new_account_starts_with_no_gemeente_chosen(browser, admin, make_gemeente):
    make_gemeente()
    page = browser.get("/beheer/gebruikers/nieuw").get_data(as_text=True)
    assert '<option selected value="-1">Kies een gemeente</option>' in page
    # The form's own defaults (Beleidsmedewerker, no gemeente chosen): a Dutch error, not a silent "geen".
    defaults = {"name": "X", "email": "x@breda.nl", "role": "beleidsmedewerker", "gemeente_id": "-1"}
    response = browser.submit("/beheer/gebruikers/nieuw", defaults)
    assert response.status_code == 422
    assert "Kies de gemeente van deze beleidsmedewerker of inkoper." in response.get_data(as_text=True)
    # An adviser needs no gemeente: the untouched list is fine.
    response = browser.submit("/beheer/gebruikers/nieuw", dict(defaults, role="adviseur"))
    assert response.status_code == 302
    assert db.session.query(User).filter_by(email="x@breda.nl").one().gemeente_id is None


def test_upload_too_large_gets_dutch_error(browser, admin):
    body = b"x" * (3 * 1024 * 1024)  # raw bytes: the test client would spool a dict to a temp file
    response = browser.client.post(
        "/beheer/gemeenten/import", data=body, content_type="multipart/form-data; boundary=grens"
    )
    assert response.status_code == 413
    assert "te groot" in response.get_data(as_text=True)


def test_import_gemeenten_command(runner, tmp_path):
    good = tmp_path / "gemeenten.csv"
    good.write_text("GemeentecodeGM;Gemeentenaam\nGM0758;Breda\nGM0344;Utrecht\n", encoding="utf-8")
    result = runner.invoke(args=["import-gemeenten", str(good)])
    assert result.exit_code == 0 and "2 gemeenten toegevoegd" in result.output
    bad = tmp_path / "fout.csv"
    bad.write_text("GemeentecodeGM;Gemeentenaam\nGM07;Breda\n", encoding="utf-8")
    result = runner.invoke(args=["import-gemeenten", str(bad)])
    assert result.exit_code == 1 and "Regel 2: ongeldige gemeentecode 'GM07'." in result.output
    assert db.session.query(Gemeente).count() == 2
