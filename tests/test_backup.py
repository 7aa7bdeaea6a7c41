import io
import json

import pytest

from selfcheck.admin.backup import BackupError, restore_backup, write_backup
from selfcheck.demo import load_demo_data
from selfcheck.extensions import db
from selfcheck.models import Assessment
from tests.conftest import _empty_tables


def _dump() -> dict:
    buffer = io.StringIO()
    write_backup(buffer)
    data = json.loads(buffer.getvalue())
    return data["tables"]


def test_backup_restore_round_trip(app, runner, tmp_path, browser):
    load_demo_data(app.extensions["questionnaire_store"])
    browser.login("beleid@breda.example", "demo-wachtwoord")
    browser.get(f"/checks/{db.session.query(Assessment).first().id}/rapport.pdf")  # an audit event too
    before = _dump()
    assert before["answer"] and before["audit_event"] and before["user"]

    path = tmp_path / "backup.json"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output

    db.session.remove()
    _empty_tables(db)
    assert _dump()["answer"] == []
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 0, result.output
    after = _dump()
    assert {k: v for k, v in after.items() if k != "audit_event"} == {
        k: v for k, v in before.items() if k != "audit_event"
    }
    assert after["audit_event"][: len(before["audit_event"])] == before["audit_event"]
    # new rows still get fresh ids after a restore
    from selfcheck.models import Gemeente

    db.session.add(Gemeente(code="GM9999", name="Nieuw"))
    db.session.commit()


def test_restore_refuses_a_database_that_is_not_empty(app):
    load_demo_data(app.extensions["questionnaire_store"])
    buffer = io.StringIO()
    write_backup(buffer)
    buffer.seek(0)
    with pytest.raises(BackupError, match="niet leeg"):
        restore_backup(buffer)


def test_restore_refuses_other_files(app):
    with pytest.raises(BackupError, match="geen back-up"):
        restore_backup(io.StringIO('{"hallo": 1}'))
    with pytest.raises(BackupError, match="JSON-fout"):
        restore_backup(io.StringIO("{kapot"))
    with pytest.raises(BackupError, match="schemaversie"):
        restore_backup(io.StringIO('{"format": 1, "schema_revision": "oud", "tables": {}}'))
