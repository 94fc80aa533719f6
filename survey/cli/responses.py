"""``survey response reopen``: an organisation's response in a round."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from survey.cli.common import actor_name, actor_option, commit_or_fail, get_round
from survey.responses.answers import find_response, reopen_response
from survey.rounds.lifecycle import member_of
from survey.staff.accounts import StaffError
from survey.web.extensions import db_session

response_group = AppGroup("response", help="An organisation's response in a round.")


@response_group.command("reopen")
@click.argument("round_id", type=int)
@click.argument("code")
@click.option("--reason", required=True)
@actor_option
def response_reopen(round_id: int, code: str, reason: str, actor: str | None) -> None:
    """Reopen a submitted response (the organisation sees it is reopened)."""
    r = get_round(round_id)

    def act() -> None:
        member = member_of(db_session(), r, code)
        response = find_response(db_session(), r, member.organisation)
        if response is None:
            raise StaffError(f"{code} har inget svar i omgång {r.id}")
        reopen_response(db_session(), response, reason, actor_name(actor))

    commit_or_fail(act)
    click.echo(f"omgång {r.id}: svaret från {code} är öppnat igen")
