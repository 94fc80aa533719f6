"""``survey setup``: migrate to the newest revision, then load the registry and the definitions."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from survey.setup import sync_questionnaires, sync_registry
from survey.web.extensions import db, db_session


@click.command("setup")
@with_appcontext
def setup_command() -> None:
    """Migrate the database to the newest revision and load registry and questionnaires."""
    from survey.db.migrate import upgrade  # Alembic: loaded only here

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    upgrade(url)
    added, updated = sync_registry(db_session())
    loaded = sync_questionnaires(db_session(), Path(current_app.config["QUESTIONNAIRE_DIR"]))
    db.session.commit()
    click.echo(f"database: {make_url(url).render_as_string(hide_password=True)} (migrated to head)")
    click.echo(f"organisations: {added} added, {updated} updated")
    for qid, created in loaded:
        click.echo(f"questionnaire {qid}: {'stored new version' if created else 'unchanged'}")
