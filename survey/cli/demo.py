"""``survey demo``: demo rounds and a demo admin (development only); ``survey demo regenerate``
remakes the demo answer files from their generator (``survey.demo.generate``)."""

from __future__ import annotations

import sys
from datetime import date, datetime

import click
from flask import current_app
from flask.cli import AppGroup, ScriptInfo

from survey.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, ensure_demo
from survey.demo.generate import regenerate, stale_files
from survey.web.extensions import db, db_session


@click.group("demo", cls=AppGroup, invoke_without_command=True)
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Pretend today is this date.")
@click.pass_context
def demo_command(ctx: click.Context, today: datetime | None) -> None:
    """Create demo rounds and a demo admin (idempotent); print the login and a few links."""
    if ctx.invoked_subcommand is not None:
        return
    if not current_app:  # as flask.cli.with_appcontext does
        ctx.with_resource(ctx.ensure_object(ScriptInfo).load_app().app_context())
    config = current_app.config
    summary = ensure_demo(db_session(), today.date() if today else date.today(), config["SECRET_KEY"],
                          config["BASE_URL"])
    db.session.commit()
    click.echo(f"\nPersonalinloggning: {config['BASE_URL']}/admin/  e-post {DEMO_ADMIN_EMAIL}  "
               f"lösenord {DEMO_ADMIN_PASSWORD}")
    for title, links in summary:
        click.echo(f"\n{title}")
        for link in links[:3]:
            click.echo(f"  {link.name}: {link.url}")


@demo_command.command("regenerate", with_appcontext=False)
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a committed file differs from the generator's.")
def demo_regenerate(check: bool) -> None:
    """Remake survey/demo/data/regioner-2025-svar.json and regioner-2024-svar.json."""
    if not check:
        for path in regenerate():
            click.echo(f"skrev {path}")
        return
    stale = stale_files()
    for name in stale:
        click.echo(f"{name} skiljer sig från generatorns fil: kör `survey demo regenerate`", err=True)
    if stale:
        sys.exit(1)
    click.echo("demofilerna stämmer med generatorn")
