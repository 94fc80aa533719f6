"""``survey contacts import|list``: the organisations' registrar and contact person."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from survey.cli.common import actor_name, actor_option, echo_json
from survey.db import Organisation
from survey.mail.contacts import contacts_by_org, import_contacts, parse_contacts, read_table
from survey.web.extensions import db, db_session

contacts_group = AppGroup("contacts", help="Organisations' contacts (registrar, contact person).")


@contacts_group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@actor_option
def contacts_import(path: Path, actor: str | None) -> None:
    """Import contacts from CSV or .xlsx (columns kod, registrator, kontaktperson, epost)."""
    rows, problems = parse_contacts(read_table(path.name, path.read_bytes()),
                                    set(db.session.scalars(select(Organisation.code))))
    if problems:
        for problem in problems:
            click.echo(f"{path}: {problem}", err=True)
        raise click.ClickException(f"{len(problems)} fel; inget importerades")
    changed = import_contacts(db_session(), rows, actor_name(actor))
    db.session.commit()
    click.echo(f"{len(rows)} rader, {changed} organisationer ändrade")


@contacts_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def contacts_list(as_json: bool) -> None:
    found = sorted(contacts_by_org(db_session()).values(), key=lambda c: c.organisation.code)
    rows = [{"code": c.organisation.code, "name": c.organisation.name, "registrar_email": c.registrar_email,
             "respondent_name": c.respondent_name, "respondent_email": c.respondent_email} for c in found]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo("\t".join(row.values()))
