"""``survey mail invitations|reminders|merge``: e-mail to a round's organisations, the merge list."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from survey.cli.common import actor_name, actor_option, commit_or_fail, get_round
from survey.mail.contacts import merge_rows
from survey.web.admin.mailings import DEFAULT_SENDER
from survey.web.extensions import db_session

mail_group = AppGroup("mail", help="Invitations, reminders and the mail-merge list of a round.")


def _send_command(kind: str, name: str, help_text: str) -> None:
    @mail_group.command(name, help=help_text)
    @click.argument("round_id", type=int)
    @click.option("--org", "codes", multiple=True, help="Bara till den här organisationen (kan upprepas).")
    @click.option("--resend", is_flag=True, help="Även till dem som redan har fått inbjudan.")
    @click.option("--wait", is_flag=True, help="Skicka här och nu i stället för via `survey worker`.")
    @actor_option
    def command(round_id: int, codes: tuple[str, ...], resend: bool, wait: bool, actor: str | None) -> None:
        from survey.mail.mailings import queue_mailing
        from survey.web.jobs import jobs

        config = current_app.config
        r = get_round(round_id)
        plan = commit_or_fail(lambda: queue_mailing(
            db_session(), r, kind, actor_name(actor), secret=config["SECRET_KEY"], base_url=config["BASE_URL"],
            sender=config.get("MAIL_FROM") or DEFAULT_SENDER, codes=codes or None, resend=resend))
        click.echo(f"utskick {plan.mailing_id}: {len(plan.organisations)} organisationer, {plan.messages} "
                   f"meddelanden, {len(plan.no_address)} utan adress, {plan.skipped} överhoppade", err=True)
        if not plan.messages or plan.mailing_id is None:
            return
        if not wait:
            jobs().deliver_mailing(plan.mailing_id)
            click.echo("köade; `survey worker` skickar dem", err=True)
            return
        jobs().deliver_mailing.call_local(plan.mailing_id)
        _report_delivery(plan.mailing_id)


def _report_delivery(mailing_id: int) -> None:
    from sqlalchemy import select

    from survey.db import SentMail

    failed = db_session().execute(select(SentMail.recipient, SentMail.error).where(
        SentMail.mailing_id == mailing_id, SentMail.status == "failed")).all()
    for recipient, error in failed:
        click.echo(f"misslyckades: {recipient}: {error}", err=True)
    if failed:
        sys.exit(1)


_send_command("invitation", "invitations",
              "Send invitations to organisations not yet invited (--resend: to all).")
_send_command("reminder", "reminders", "Send reminders to organisations that have not submitted.")


@mail_group.command("merge")
@click.argument("round_id", type=int)
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Fil som slutar på .xlsx eller .csv.")
def mail_merge(round_id: int, output: Path) -> None:
    """Write the mail-merge list (organisation, contacts, deadline, link)."""
    from exports.lists import merge_csv, merge_xlsx

    rows = merge_rows(db_session(), get_round(round_id), current_app.config["SECRET_KEY"],
                      current_app.config["BASE_URL"])
    output.write_bytes(merge_xlsx(rows) if output.suffix.lower() == ".xlsx" else merge_csv(rows))
    click.echo(f"{len(rows)} organisationer → {output}")
