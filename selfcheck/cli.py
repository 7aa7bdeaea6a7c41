"""Click commands: thin wrappers around plain functions that tests call directly."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from selfcheck.core.loader import QuestionnaireError, load_questionnaire
from selfcheck.enums import Role


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
        return False, [f"{path} is ongeldig ({len(error.problems)} problemen):"] + [f"  - {p}" for p in error.problems]
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


@click.command("check-questions")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@with_appcontext
def check_questions_command(path):
    """Controleer een vragenlijst (standaard: questions.yaml)."""
    valid, lines = describe_questionnaire(path or current_app.config["QUESTIONS_PATH"])
    click.echo("\n".join(lines), err=not valid)
    raise SystemExit(0 if valid else 1)


@click.command("publish-questions")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def publish_questions_command(path):
    """Publiceer een vragenlijst (YAML): nieuwe checks gebruiken haar, lopende checks niet."""
    from selfcheck.extensions import db
    from selfcheck.questionnaires import operations

    store = current_app.extensions["questionnaire_store"]
    valid, lines = describe_questionnaire(path)
    if not valid:
        click.echo("\n".join(lines), err=True)
        raise SystemExit(1)
    try:
        stored, _ = operations.upload(store, Path(path).read_text(encoding="utf-8"), Path(path).name, None)
        if store.current_fingerprint() == stored.fingerprint:  # a deploy script may run this every time
            db.session.commit()
            click.echo(f"Versie {stored.version} is al de huidige versie; er is niets veranderd.")
            return
        operations.publish(store, stored, None)
    except (QuestionnaireError, operations.Refused) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Versie {stored.version} is gepubliceerd (vingerafdruk {stored.fingerprint[:12]}).")


def create_user(email: str, name: str, role: str, password: str, gemeente_code: str | None = None):
    """Create an account; raise ValueError (Dutch) when the input is not acceptable. Commits."""
    from sqlalchemy import select

    from selfcheck.enums import GEMEENTE_ROLES, Role
    from selfcheck.extensions import db
    from selfcheck.models import Gemeente, User

    email = email.strip().lower()
    if role not in set(Role):
        raise ValueError(f"Onbekende rol '{role}'; kies uit {', '.join(Role)}.")
    if len(password) < 12:
        raise ValueError("Een wachtwoord heeft minstens 12 tekens.")
    if db.session.scalars(select(User).where(User.email == email)).first():
        raise ValueError(f"Er is al een account met e-mailadres {email}.")
    gemeente = None
    if role in GEMEENTE_ROLES:
        gemeente = db.session.scalars(select(Gemeente).where(Gemeente.code == (gemeente_code or "").upper())).first()
        if gemeente is None:
            raise ValueError("Deze rol hoort bij een gemeente: geef een bestaande CBS-code met --gemeente.")
    user = User(email=email, name=name, role=role, gemeente=gemeente)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


@click.command("create-user")
@click.option("--email", prompt="E-mailadres")
@click.option("--name", prompt="Naam")
@click.option("--role", type=click.Choice([r.value for r in Role]), default="admin", show_default=True)
@click.option("--gemeente", "gemeente_code", help="CBS-code, voor beleidsmedewerker en inkoper")
@click.password_option("--password", prompt="Wachtwoord")
@with_appcontext
def create_user_command(email, name, role, gemeente_code, password):
    """Maak een account aan, bijvoorbeeld de eerste beheerder."""
    try:
        user = create_user(email, name, role, password, gemeente_code)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Account aangemaakt: {user.email} ({user.role_label}).")


@click.command("import-gemeenten")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def import_gemeenten_command(path):
    """Importeer gemeenten uit een CBS-lijst (CSV met GemeentecodeGM en Gemeentenaam)."""
    from selfcheck.admin.cbs import apply_import, parse_cbs_csv
    from selfcheck.extensions import db

    result = parse_cbs_csv(Path(path).read_text(encoding="utf-8-sig"))
    if result.problems:
        raise click.ClickException("Niets geïmporteerd:\n" + "\n".join(f"  - {p}" for p in result.problems))
    apply_import(result)
    db.session.commit()
    click.echo(f"{result.created} gemeenten toegevoegd, {result.updated} bijgewerkt.")


@click.command("report")
@click.argument("assessment_id", type=int)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    required=True,
    help="Het PDF-bestand om te schrijven",
)
@click.option("--kind", type=click.Choice(["rapport", "inkoop"]), default="rapport", show_default=True)
def report_command(assessment_id, output, kind):
    """Schrijf het PDF-rapport van een check (voor batchgebruik)."""
    from selfcheck.extensions import db
    from selfcheck.models import Assessment
    from selfcheck.reports.views import report_pdf

    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise click.ClickException(f"Er is geen check met nummer {assessment_id}.")
    pdf = report_pdf(assessment, kind)
    Path(output).write_bytes(pdf)
    click.echo(f"{output}: {len(pdf) // 1024} kB")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path):
    """Schrijf een consistente back-up van alle gegevens (JSON)."""
    from selfcheck.admin.backup import open_backup_file, write_backup
    from selfcheck.extensions import db
    from selfcheck.web.audit import record

    with open_backup_file(path) as file:  # 0600 from the start: it holds password hashes
        counts = write_backup(file)
    record("backup.written", file=Path(path).name, rows=sum(counts.values()))
    db.session.commit()
    click.echo(f"{path}: {sum(counts.values())} rijen uit {len(counts)} tabellen.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@with_appcontext
def restore_command(path):
    """Zet een back-up terug in een lege database (na flask db upgrade)."""
    from selfcheck.admin.backup import BackupError, restore_backup

    try:
        with open(path, encoding="utf-8") as file:
            counts = restore_backup(file)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Hersteld: {sum(counts.values())} rijen in {len(counts)} tabellen.")


@click.command("refresh-scores")
@with_appcontext
def refresh_scores_command():
    """Bereken de opgeslagen scores van alle checks opnieuw (na een upgrade)."""
    from selfcheck.check.store import refresh_scores
    from selfcheck.extensions import db
    from selfcheck.models import Assessment

    store = current_app.extensions["questionnaire_store"]
    count = 0
    for assessment in db.session.scalars(db.select(Assessment)):
        refresh_scores(store, assessment)
        count += 1
    db.session.commit()
    click.echo(f"Scores van {count} checks opgeslagen.")


@click.command("load-demo")
@with_appcontext
def load_demo_command():
    """Laad demogegevens (gemeenten, demo-accounts, voorbeeldchecks) in een lege database."""
    from selfcheck.demo import load_demo_data

    if not load_demo_data(current_app.extensions["questionnaire_store"]):
        raise click.ClickException("De database bevat al accounts; demogegevens niet geladen.")
    click.echo("Demogegevens geladen.")


COMMANDS = (
    check_questions_command,
    publish_questions_command,
    create_user_command,
    import_gemeenten_command,
    report_command,
    backup_command,
    restore_command,
    refresh_scores_command,
    load_demo_command,
)


def register_commands(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
