"""What every command group shares: a round by id, JSON output, who acts, one commit or a refusal.

Messages to the user are Swedish where the staff pages are; a refusal from a service
(``Refused``) is a clean exit 1 with its message, never a traceback.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from survey.db import Round
from survey.errors import Refused
from survey.web.extensions import db

T = TypeVar("T")
DATE = click.DateTime(["%Y-%m-%d"])

actor_option = click.option("--actor", help="Vem som står för ändringen (standard: cli:<inloggning>).")


def actor_name(given: str | None = None) -> str:
    """Who changes something from the command line, for the answer history and the audit log."""
    if given:
        return given
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name (a container without a passwd entry)
        return "cli"


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def get_round(round_id: int) -> Round:
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise click.ClickException(f"ingen omgång med id {round_id}")
    return round_


def commit_or_fail(action: Callable[[], T], refusals: tuple[type[Exception], ...] = (Refused,)) -> T:
    """Run a service call and commit once; a refusal rolls back and exits 1 with its message."""
    try:
        result = action()
    except refusals as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    return result


def prompt_password() -> str:
    """``SURVEY_ADMIN_PASSWORD``, or asked for twice without echo."""
    return os.environ.get("SURVEY_ADMIN_PASSWORD") or click.prompt(
        "Lösenord", hide_input=True, confirmation_prompt=True)
