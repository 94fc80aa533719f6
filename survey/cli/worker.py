"""`survey worker`: the Huey consumer that delivers mailings and runs imports."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@with_appcontext
@click.option("--workers", default=2, show_default=True, help="Jobs run at the same time (threads).")
def worker_command(workers: int) -> None:
    """Run the job queue's worker until stopped (SIGINT stops it after the running jobs)."""
    from survey.web.jobs import jobs

    queue = jobs()
    if queue.huey.immediate:
        raise click.ClickException("JOBS_IMMEDIATE är satt: jobben körs direkt, ingen worker behövs")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo(f"worker: {type(queue.huey).__name__} «{queue.huey.name}», {workers} trådar, "
               f"databas {current_app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}", err=True)
    queue.huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()

