"""``survey demo``: demo rounds and a demo admin (development only)."""

from __future__ import annotations

from datetime import date, datetime

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, ensure_demo
from survey.web.extensions import db


@click.command("demo")
@with_appcontext
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Pretend today is this date.")
def demo_command(today: datetime | None) -> None:
    """Create demo rounds and a demo admin (idempotent); print the login and a few links."""
    config = current_app.config
    summary = ensure_demo(db.session, today.date() if today else date.today(), config["SECRET_KEY"],
                          config["BASE_URL"])
    db.session.commit()
    click.echo(f"\nPersonalinloggning: {config['BASE_URL']}/admin/  e-post {DEMO_ADMIN_EMAIL}  "
               f"lösenord {DEMO_ADMIN_PASSWORD}")
    for title, links in summary:
        click.echo(f"\n{title}")
        for link in links[:3]:
            click.echo(f"  {link.name}: {link.url}")
