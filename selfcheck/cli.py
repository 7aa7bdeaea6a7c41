"""Click commands: thin wrappers around plain functions that tests call directly."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from .loader import QuestionnaireError, load_questionnaire


class InvalidQuestionnaire(click.ClickException):
    """Stops `flask`, `run.py` and gunicorn with the list of problems."""

    def __init__(self, path: Path, problems: list[str]):
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{path} is ongeldig ({len(problems)} problemen):\n{lines}")


def describe_questionnaire(path: str | Path) -> tuple[bool, list[str]]:
    """Validate a questionnaire file; return (valid, lines to print)."""
    try:
        questionnaire = load_questionnaire(path)
    except QuestionnaireError as error:
        return False, [f"{path} is ongeldig ({len(error.problems)} problemen):"] + [
            f"  - {p}" for p in error.problems
        ]
    lines = [
        f"{path} is geldig: {questionnaire.title}, versie {questionnaire.version} "
        f"(vingerafdruk {questionnaire.fingerprint[:12]})",
        "",
        "Domeinen:",
    ]
    for domain in questionnaire.domains:
        lines.append(f"  {domain.title:<40} {len(domain.questions):>2} vragen")
    lines += [f"  {'Totaal':<40} {len(questionnaire.questions):>2} vragen", "", "Niveaus:"]
    for level in questionnaire.levels:
        lines.append(f"  {level.rank}. {level.label:<30} {level.min:g} tot {level.max:g}")
    lines += ["", f"Aanbevelingen: {len(questionnaire.recommendations)}"]
    return True, lines


def register_commands(app: Flask) -> None:
    @app.cli.command("check-questions")
    @click.argument("path", required=False, type=click.Path(dir_okay=False))
    def check_questions(path):
        """Controleer een vragenlijst (standaard: questions.yaml)."""
        valid, lines = describe_questionnaire(path or app.config["QUESTIONS_PATH"])
        click.echo("\n".join(lines), err=not valid)
        raise SystemExit(0 if valid else 1)
