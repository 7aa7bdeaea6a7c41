from pathlib import Path

import pytest

from selfcheck import create_app
from selfcheck.cli import InvalidQuestionnaire

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def runner(tmp_path, monkeypatch):
    monkeypatch.setenv("SELFCHECK_INSTANCE", str(tmp_path))
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'cli.db'}"}
    )
    return app.test_cli_runner()


def test_check_questions_default_file(runner):
    result = runner.invoke(args=["check-questions"])
    assert result.exit_code == 0, result.output
    assert "is geldig" in result.output
    assert "Opdrachtgever- en opdrachtnemerschap" in result.output
    assert "Totaal" in result.output and "Lerend en sluitend" in result.output


def test_check_questions_reports_problems(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((ROOT / "questions.yaml").read_text().replace("    max: 40\n", "    max: 35\n", 1))
    result = runner.invoke(args=["check-questions", str(bad)])
    assert result.exit_code == 1
    assert "levels[2].min: gat tussen niveaus: 35 tot 40 valt onder geen niveau" in result.output


def test_invalid_questionnaire_stops_the_app(tmp_path, monkeypatch):
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\n")
    monkeypatch.setenv("SELFCHECK_INSTANCE", str(tmp_path))
    with pytest.raises(InvalidQuestionnaire) as info:
        create_app({"QUESTIONS_PATH": str(bad), "SECRET_KEY": "x"})
    assert "domains: verwacht een niet-lege lijst" in info.value.message
