"""The ``survey`` command: a Flask CLI group (so ``survey run``, ``routes`` and ``shell`` work).

It reads ``DATABASE_URL`` (default: SQLite in the instance folder). Commands that only read
definitions or the registry (``questionnaire check/show``, ``orgs list``) need no database.
Each command group lives in its own module; this one only assembles them. The builders
(python-pptx, XlsxWriter, pyreadstat) and Alembic are imported inside the commands that use
them, so ``survey --help`` and every other command start without loading them.
"""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup

from survey.cli import (
    contacts,
    demo,
    mail,
    orgs,
    questionnaire,
    reflection,
    responses,
    results,
    rounds,
    setup,
    users,
    worker,
)
from survey.web.app import create_app


def _create_app() -> Flask:
    return create_app()


cli = FlaskGroup(create_app=_create_app, help="Survey engine for national follow-up.")

for _command in (
    questionnaire.questionnaire_group, orgs.orgs_group, setup.setup_command, rounds.round_group,
    responses.response_group, contacts.contacts_group, mail.mail_group, users.users_group,
    results.export_group, results.import_command, results.freeze_command, results.unfreeze_command,
    reflection.themes_group, reflection.publish_command, reflection.compare_command, demo.demo_command,
    worker.worker_command,
):
    cli.add_command(_command)


def main() -> None:  # pragma: no cover - console entry point
    cli()


if __name__ == "__main__":  # pragma: no cover
    cli()
