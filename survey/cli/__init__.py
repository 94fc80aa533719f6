"""The ``survey`` command: a Flask CLI group (so ``survey run``, ``routes`` and ``shell`` work).

It reads ``DATABASE_URL`` (default: SQLite in the instance folder). Commands that only read
definitions or the registry (``questionnaire check/show``, ``orgs list``) need no database.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup
from sqlalchemy import select

from survey.config import QUESTIONNAIRE_DIR
from survey.formatting import today
from survey.rounds.lifecycle import round_state
from survey.web.app import create_app


def _create_app() -> Flask:
    return create_app()


cli = FlaskGroup(create_app=_create_app, help="Survey engine for national follow-up.")


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _questionnaire_dir() -> Path:
    return Path(os.environ.get("SURVEY_QUESTIONNAIRE_DIR") or QUESTIONNAIRE_DIR)


# -- questionnaires -----------------------------------------------------------------------
@cli.group("questionnaire", help="Check and show questionnaire definitions.")
def questionnaire_group() -> None:
    pass


@questionnaire_group.command("check", with_appcontext=False)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print id, content hash and counts (or the errors) as JSON.")
def questionnaire_check(paths: tuple[Path, ...], as_json: bool) -> None:
    """Validate definitions (YAML or XLSForm .xlsx); one line per error (file:line: id: message)."""
    from survey.questionnaire import Problem, QuestionnaireError, load_questionnaire

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
        _echo_json(reports)
    else:
        for problem in problems:
            click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} error(s)", err=True)
        sys.exit(1)
    click.echo(f"{len(paths)} file(s) OK", err=True)


@questionnaire_group.command("export", with_appcontext=False)
@click.argument("questionnaire_id")
@click.option("--xlsform", "as_xlsform", is_flag=True, required=True, help="Write an XLSForm workbook.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlsx file to write.")
def questionnaire_export(questionnaire_id: str, as_xlsform: bool, output: Path) -> None:
    """Write a definition from the questionnaires folder as an XLSForm to edit and load again."""
    from exports.xlsform import xlsform_bytes
    from survey.questionnaire import QuestionnaireError, load_folder

    try:
        found = load_folder(_questionnaire_dir())
    except QuestionnaireError as error:
        raise click.ClickException(str(error)) from error
    if questionnaire_id not in found:
        raise click.ClickException(f"unknown questionnaire '{questionnaire_id}' (known: {', '.join(sorted(found))})")
    output.write_bytes(xlsform_bytes(found[questionnaire_id]))
    click.echo(f"{output}: XLSForm of {questionnaire_id}", err=True)


@questionnaire_group.command("show", with_appcontext=False)
@click.argument("questionnaire_id")
@click.option("--json", "as_json", is_flag=True, help="Print the normalised definition as JSON.")
def questionnaire_show(questionnaire_id: str, as_json: bool) -> None:
    """Show a definition from the questionnaires folder by id."""
    from survey.questionnaire import QuestionnaireError, load_folder
    from survey.questionnaire.serialize import normalised

    try:
        found = load_folder(_questionnaire_dir())
    except QuestionnaireError as error:
        raise click.ClickException(str(error)) from error
    if questionnaire_id not in found:
        raise click.ClickException(f"unknown questionnaire '{questionnaire_id}' (known: {', '.join(sorted(found))})")
    q = found[questionnaire_id]
    if as_json:
        _echo_json(normalised(q))
        return
    click.echo(f"{q.id}: {q.title} ({q.main_question_count} huvudfrågor, {q.followup_count} följdfrågor, "
               f"{len(q.fields)} svars-id)")
    for section in q.sections:
        click.echo(f"\n{section.title}")
        for item in section.walk():
            indent = "  " * (1 + (item.role.value == "followup"))
            click.echo(f"{indent}{item.number or ''} [{item.id}] {item.text}")


# -- organisations ------------------------------------------------------------------------
@cli.group("orgs", help="The organisation registry (21 regions, 290 municipalities).")
def orgs_group() -> None:
    pass


@orgs_group.command("list", with_appcontext=False)
@click.option("--kind", type=click.Choice(["region", "kommun"]))
@click.option("--sort", "sort_by", type=click.Choice(["code", "name"]), default="code", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def orgs_list(kind: str | None, sort_by: Literal["code", "name"], as_json: bool) -> None:
    """List organisations (Swedish order with --sort name)."""
    from survey.registry import load_registry, sort_organisations

    orgs = sort_organisations([o for o in load_registry() if kind in (None, o.kind)], by=sort_by)
    if as_json:
        _echo_json([{"code": o.code, "name": o.name, "kind": o.kind, "county": o.county}
                    for o in orgs])
        return
    for o in orgs:
        click.echo(f"{o.code}\t{o.kind}\t{o.county}\t{o.name}")


# -- setup --------------------------------------------------------------------------------
@cli.command("setup")
def setup_command() -> None:
    """Migrate the database to the newest revision and load registry and questionnaires."""
    from survey.db.migrate import upgrade
    from survey.setup import sync_questionnaires, sync_registry
    from survey.web.extensions import db, db_session

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    upgrade(url)
    added, updated = sync_registry(db_session())
    loaded = sync_questionnaires(db_session(), Path(current_app.config["QUESTIONNAIRE_DIR"]))
    db.session.commit()
    click.echo(f"database: {_safe_url(url)} (migrated to head)")
    click.echo(f"organisations: {added} added, {updated} updated")
    for qid, created in loaded:
        click.echo(f"questionnaire {qid}: {'stored new version' if created else 'unchanged'}")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


# -- rounds -------------------------------------------------------------------------------
@cli.group("round", help="Create and list rounds, print respondent links.")
def round_group() -> None:
    pass


@round_group.command("create")
@click.option("--questionnaire", "questionnaire_id", required=True)
@click.option("--orgs", "selector", required=True, help="region, kommun or comma-separated codes")
@click.option("--opens", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--closes", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--name")
def round_create(questionnaire_id: str, selector: str, opens: datetime, closes: datetime, name: str | None) -> None:
    """Create a round; prints the new round's id alone on the last line."""
    from survey.rounds.lifecycle import RoundError, create_round, latest_version, organisations_for
    from survey.web.extensions import db, db_session

    try:
        version = latest_version(db_session(), questionnaire_id)
        orgs = organisations_for(db_session(), selector)
        round_ = create_round(db_session(), version, orgs, opens.date(), closes.date(), name,
                              secret=current_app.config["SECRET_KEY"])
    except RoundError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"created round «{round_.name}» for {len(orgs)} organisations, {round_.opens_on} – {round_.closes_on}")
    click.echo(str(round_.id))


@round_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def round_list(as_json: bool) -> None:
    from survey.db import Round
    from survey.web.extensions import db

    rounds = db.session.scalars(select(Round).order_by(Round.id)).all()
    rows = [{"id": r.id, "name": r.name, "questionnaire": r.questionnaire_version.questionnaire_id,
             "state": round_state(r, today()), "opens": r.opens_on.isoformat(), "closes": r.closes_on.isoformat(),
             "organisations": len(r.members)} for r in rounds]
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['id']}\t{row['state']}\t{row['opens']} – {row['closes']}\t{row['questionnaire']}\t"
                   f"{row['name']}")


@round_group.command("links")
@click.argument("round_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def round_links_command(round_id: int, as_json: bool) -> None:
    """Each organisation's respondent link (Swedish name order)."""
    from survey.db import Round
    from survey.rounds.lifecycle import round_links
    from survey.web.extensions import db

    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise click.ClickException(f"no round with id {round_id}")
    links = round_links(round_, current_app.config["SECRET_KEY"], current_app.config["BASE_URL"])
    if as_json:
        _echo_json([{"code": link.code, "name": link.name, "url": link.url} for link in links])
        return
    for link in links:
        click.echo(f"{link.code}\t{link.name}\t{link.url}")


# -- users --------------------------------------------------------------------------------
@cli.group("users", help="Staff accounts.")
def users_group() -> None:
    pass


@users_group.command("create")
@click.argument("email")
@click.option("--admin", "role", flag_value="admin", help="Administrator (everything, users).")
@click.option("--analyst", "role", flag_value="analyst", default=True, help="Analyst (rounds, results).")
@click.option("--name", default="")
def users_create(email: str, role: str, name: str) -> None:
    """Create a staff user; the password is prompted for or read from SURVEY_ADMIN_PASSWORD."""
    from survey.staff.accounts import StaffError, create_staff_user
    from survey.web.extensions import db, db_session

    password = os.environ.get("SURVEY_ADMIN_PASSWORD") or click.prompt(
        "Lösenord", hide_input=True, confirmation_prompt=True)
    try:
        user = create_staff_user(db_session(), email, password, role, name)
    except StaffError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"created {user.role} {user.email}")


# -- demo ---------------------------------------------------------------------------------
@cli.command("demo")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Pretend today is this date.")
def demo_command(today: datetime | None) -> None:
    """Create demo rounds and a demo admin (idempotent); print the login and a few links."""
    from survey.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, ensure_demo
    from survey.web.extensions import db, db_session

    summary = ensure_demo(db_session(), today.date() if today else date.today(),
                          current_app.config["SECRET_KEY"], current_app.config["BASE_URL"])
    db.session.commit()
    base = current_app.config["BASE_URL"]
    click.echo(f"\nPersonalinloggning: {base}/admin/  e-post {DEMO_ADMIN_EMAIL}  lösenord {DEMO_ADMIN_PASSWORD}")
    for title, links in summary:
        click.echo(f"\n{title}")
        for link in links[:3]:
            click.echo(f"  {link.name}: {link.url}")


def _register_more_commands() -> None:
    """Commands of other parts of the engine, each in its own module."""
    from survey.cli import reflection, results, staff

    for module in (staff, results, reflection):
        module.register(cli)


_register_more_commands()


def main() -> None:  # pragma: no cover - console entry point
    cli()


if __name__ == "__main__":  # pragma: no cover
    cli()
