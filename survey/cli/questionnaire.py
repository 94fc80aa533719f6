"""``survey questionnaire check|show``: validate and show definitions (no database needed)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from survey.cli.common import echo_json
from survey.config import QUESTIONNAIRE_DIR
from survey.questionnaire import QuestionnaireError, check_paths, load_folder
from survey.questionnaire.serialize import normalised

questionnaire_group = AppGroup("questionnaire", help="Check and show questionnaire definitions.")


def _questionnaire_dir() -> Path:
    return Path(os.environ.get("SURVEY_QUESTIONNAIRE_DIR") or QUESTIONNAIRE_DIR)


@questionnaire_group.command("check", with_appcontext=False)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def questionnaire_check(paths: tuple[Path, ...]) -> None:
    """Validate definition files; print one line per error (file:line: id: message)."""
    problems = check_paths(list(paths))
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} error(s)", err=True)
        sys.exit(1)
    click.echo(f"{len(paths)} file(s) OK", err=True)


@questionnaire_group.command("show", with_appcontext=False)
@click.argument("questionnaire_id")
@click.option("--json", "as_json", is_flag=True, help="Print the normalised definition as JSON.")
def questionnaire_show(questionnaire_id: str, as_json: bool) -> None:
    """Show a definition from the questionnaires folder by id."""
    try:
        found = load_folder(_questionnaire_dir())
    except QuestionnaireError as error:
        raise click.ClickException(str(error)) from error
    if questionnaire_id not in found:
        raise click.ClickException(f"unknown questionnaire '{questionnaire_id}' (known: {', '.join(sorted(found))})")
    q = found[questionnaire_id]
    if as_json:
        echo_json(normalised(q))
        return
    click.echo(f"{q.id}: {q.title} ({q.main_question_count} huvudfrågor, {q.followup_count} följdfrågor, "
               f"{len(q.fields)} svars-id)")
    for section in q.sections:
        click.echo(f"\n{section.title}")
        for item in section.walk():
            indent = "  " * (1 + (item.role.value == "followup"))
            click.echo(f"{indent}{item.number or ''} [{item.id}] {item.text}")
