"""``survey questionnaire check|export|show``: validate, export as XLSForm and show definitions (no database)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from exports.xlsform import xlsform_bytes
from survey.cli.common import echo_json
from survey.config import QUESTIONNAIRE_DIR
from survey.questionnaire import Problem, Questionnaire, QuestionnaireError, load_folder, load_questionnaire
from survey.questionnaire.serialize import normalised

questionnaire_group = AppGroup("questionnaire", help="Check and show questionnaire definitions.")


def _questionnaire_dir() -> Path:
    return Path(os.environ.get("SURVEY_QUESTIONNAIRE_DIR") or QUESTIONNAIRE_DIR)


@questionnaire_group.command("check", with_appcontext=False)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print id, content hash and counts (or the errors) as JSON.")
def questionnaire_check(paths: tuple[Path, ...], as_json: bool) -> None:
    """Validate definitions (YAML or XLSForm .xlsx); one line per error (file:line: id: message)."""
    reports: list[dict[str, object]] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            q = load_questionnaire(path)
        except QuestionnaireError as error:
            problems.extend(error.problems)
            reports.append({"path": str(path), "errors": [str(problem) for problem in error.problems]})
            continue
        reports.append({"path": str(path), "id": q.id, "content_hash": q.content_hash,
                        "counts": {"main_questions": q.main_question_count, "followups": q.followup_count,
                                   "answer_ids": len(q.fields)}, "errors": []})
    if as_json:
        echo_json(reports)
    else:
        for problem in problems:
            click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} error(s)", err=True)
        sys.exit(1)
    click.echo(f"{len(paths)} file(s) OK", err=True)


def _definition(questionnaire_id: str) -> Questionnaire:
    """A definition from the questionnaires folder by id; an unknown id names the known ones."""
    try:
        found = load_folder(_questionnaire_dir())
    except QuestionnaireError as error:
        raise click.ClickException(str(error)) from error
    if questionnaire_id not in found:
        raise click.ClickException(f"unknown questionnaire '{questionnaire_id}' (known: {', '.join(sorted(found))})")
    return found[questionnaire_id]


@questionnaire_group.command("export", with_appcontext=False)
@click.argument("questionnaire_id")
@click.option("--xlsform", "as_xlsform", is_flag=True, required=True, help="Write an XLSForm workbook.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlsx file to write.")
def questionnaire_export(questionnaire_id: str, as_xlsform: bool, output: Path) -> None:
    """Write a definition from the questionnaires folder as an XLSForm to edit and load again."""
    output.write_bytes(xlsform_bytes(_definition(questionnaire_id)))
    click.echo(f"{output}: XLSForm of {questionnaire_id}", err=True)


@questionnaire_group.command("show", with_appcontext=False)
@click.argument("questionnaire_id")
@click.option("--json", "as_json", is_flag=True, help="Print the normalised definition as JSON.")
def questionnaire_show(questionnaire_id: str, as_json: bool) -> None:
    """Show a definition from the questionnaires folder by id."""
    q = _definition(questionnaire_id)
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
