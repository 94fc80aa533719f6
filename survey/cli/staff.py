"""`survey` commands for the staff part of the engine: everything about a round, scriptable.

Added to the existing ``round`` and ``users`` groups, plus ``contacts``, ``mail`` and
``response``. Every change is recorded in the audit log with the actor ``cli:<login>``
(``--actor`` overrides it). Messages to the user are Swedish, as on the staff pages.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from flask import current_app
from flask.cli import FlaskGroup

if TYPE_CHECKING:
    from survey.db import Round

T = TypeVar("T")

DATE = click.DateTime(["%Y-%m-%d"])


def _actor(actor: str | None) -> str:
    return actor or f"cli:{getpass.getuser()}"


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _round(round_id: int) -> Round:
    from survey.db import Round
    from survey.web.extensions import db

    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise click.ClickException(f"ingen omgång med id {round_id}")
    return round_


def _commit_or_fail(action: Callable[[], T]) -> T:
    """Run a service call; a refusal (any ``Refused``) is a clean exit 1, no traceback."""
    from survey.errors import Refused
    from survey.web.extensions import db

    try:
        result = action()
    except Refused as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    return result


actor_option = click.option("--actor", help="Vem som står för ändringen (standard: cli:<inloggning>).")


# -- round ----------------------------------------------------------------------------------
def _round_commands(round_group: click.Group) -> None:
    @round_group.command("dates")
    @click.argument("round_id", type=int)
    @click.option("--opens", type=DATE)
    @click.option("--closes", type=DATE)
    @click.option("--name")
    @actor_option
    def round_dates(round_id: int, opens: Any, closes: Any, name: str | None, actor: str | None) -> None:
        """Change name and dates of a round that has not opened yet."""
        from survey.formatting import today
        from survey.rounds.lifecycle import change_round
        from survey.web.extensions import db_session

        r = _round(round_id)
        _commit_or_fail(lambda: change_round(db_session(), r, name or r.name, opens.date() if opens else r.opens_on,
                                             closes.date() if closes else r.closes_on, _actor(actor), today()))
        click.echo(f"omgång {r.id}: {r.opens_on} – {r.closes_on}")

    for state, service in (("open", "open_round"), ("close", "close_round"), ("archive", "archive_round")):
        _state_command(round_group, state, service)

    @round_group.command("extend")
    @click.argument("round_id", type=int)
    @click.option("--until", required=True, type=DATE, help="Ny sista svarsdag.")
    @click.option("--reason", required=True, help="Skälet (sparas).")
    @click.option("--org", "code", help="Bara för den här organisationen (kod).")
    @actor_option
    def round_extend(round_id: int, until: Any, reason: str, code: str | None, actor: str | None) -> None:
        """Extend the deadline for everyone, or with --org for one organisation."""
        from survey.rounds.lifecycle import extend_member, extend_round, member_of
        from survey.web.extensions import db_session

        r = _round(round_id)
        if code:
            _commit_or_fail(lambda: extend_member(db_session(), member_of(db_session(), r, code), until.date(),
                                                  reason, _actor(actor)))
            click.echo(f"omgång {r.id}: {code} har sista svarsdag {max(until.date(), r.closes_on)}")
        else:
            _commit_or_fail(lambda: extend_round(db_session(), r, until.date(), reason, _actor(actor)))
            click.echo(f"omgång {r.id}: sista svarsdag {r.closes_on} för alla")

    @round_group.command("replace-link")
    @click.argument("round_id", type=int)
    @click.argument("code")
    @actor_option
    def round_replace_link(round_id: int, code: str, actor: str | None) -> None:
        """Revoke an organisation's link and print its new one."""
        from survey.rounds.lifecycle import member_of, replace_link, round_links
        from survey.web.extensions import db, db_session

        r = _round(round_id)
        secret = current_app.config["SECRET_KEY"]
        _commit_or_fail(lambda: replace_link(db_session(), member_of(db_session(), r, code), _actor(actor), secret))
        db.session.refresh(r)
        url = next(link.url for link in round_links(r, secret, current_app.config["BASE_URL"]) if link.code == code)
        click.echo(url)

    @round_group.command("progress")
    @click.argument("round_id", type=int)
    @click.option("--json", "as_json", is_flag=True)
    @click.option("--xlsx", type=click.Path(dir_okay=False, path_type=Path), help="Skriv statuslistan som Excel.")
    def round_progress(round_id: int, as_json: bool, xlsx: Path | None) -> None:
        """Expected, not started, started, submitted, on time and rate; each organisation's state."""
        from exports.xlsx_progress import status_workbook
        from survey.formatting import today
        from survey.reports.progress import summarise
        from survey.rounds.progress import load_progress
        from survey.web.extensions import db_session

        r = _round(round_id)
        rows = load_progress(db_session(), r)
        s = summarise(rows)
        if xlsx:
            xlsx.write_bytes(status_workbook(rows, f"{r.name} – status {today().isoformat()}"))
        if as_json:
            _echo_json({"expected": s.expected, "not_started": s.not_started, "started": s.started,
                        "submitted": s.submitted, "on_time": s.on_time, "rate": str(s.rate),
                        "organisations": [{"code": o.code, "name": o.name, "state": o.state,
                                           "deadline": o.deadline.isoformat(), "on_time": o.on_time,
                                           "submitted_at": o.submitted_at, "last_activity": o.last_activity}
                                          for o in rows]})
            return
        click.echo(f"förväntade {s.expected}, ej påbörjade {s.not_started}, påbörjade {s.started}, "
                   f"inskickade {s.submitted} ({s.rate_text}), i tid {s.on_time}")
        for o in rows:
            click.echo(f"{o.code}\t{o.state}\t{o.deadline}\t{o.name}")


def _state_command(round_group: click.Group, state: str, service: str) -> None:
    helps = {"open": "Open a round now (early, or again after closing).", "close": "Close an open round.",
             "archive": "Archive a closed round."}

    @round_group.command(state, help=helps[state])
    @click.argument("round_id", type=int)
    @actor_option
    def command(round_id: int, actor: str | None) -> None:
        from survey.formatting import today
        from survey.rounds import lifecycle
        from survey.web.extensions import db_session

        r = _round(round_id)
        function = getattr(lifecycle, service)
        _commit_or_fail(lambda: function(db_session(), r, _actor(actor), today()))
        click.echo(f"omgång {r.id}: {lifecycle.round_state(r, today())}")


# -- response -------------------------------------------------------------------------------
def _response_commands(cli: FlaskGroup) -> None:
    @cli.group("response", help="An organisation's response in a round.")
    def response_group() -> None:
        pass

    @response_group.command("reopen")
    @click.argument("round_id", type=int)
    @click.argument("code")
    @click.option("--reason", required=True)
    @actor_option
    def response_reopen(round_id: int, code: str, reason: str, actor: str | None) -> None:
        """Reopen a submitted response (the organisation sees it is reopened)."""
        from survey.responses.answers import find_response, reopen_response
        from survey.rounds.lifecycle import member_of
        from survey.staff.accounts import StaffError
        from survey.web.extensions import db_session

        r = _round(round_id)

        def act() -> None:
            member = member_of(db_session(), r, code)
            response = find_response(db_session(), r, member.organisation)
            if response is None:
                raise StaffError(f"{code} har inget svar i omgång {r.id}")
            reopen_response(db_session(), response, reason, _actor(actor))

        _commit_or_fail(act)
        click.echo(f"omgång {r.id}: svaret från {code} är öppnat igen")


# -- contacts and mail ------------------------------------------------------------------------
def _contact_and_mail_commands(cli: FlaskGroup) -> None:
    @cli.group("contacts", help="Organisations' contacts (registrar, contact person).")
    def contacts_group() -> None:
        pass

    @contacts_group.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @actor_option
    def contacts_import(path: Path, actor: str | None) -> None:
        """Import contacts from CSV or .xlsx (columns kod, registrator, kontaktperson, epost)."""
        from sqlalchemy import select

        from survey.db import Organisation
        from survey.mail.contacts import import_contacts, parse_contacts, read_table
        from survey.web.extensions import db, db_session

        rows, problems = parse_contacts(read_table(path.name, path.read_bytes()),
                                        set(db.session.scalars(select(Organisation.code))))
        if problems:
            for problem in problems:
                click.echo(f"{path}: {problem}", err=True)
            raise click.ClickException(f"{len(problems)} fel; inget importerades")
        changed = import_contacts(db_session(), rows, _actor(actor))
        db.session.commit()
        click.echo(f"{len(rows)} rader, {changed} organisationer ändrade")

    @contacts_group.command("list")
    @click.option("--json", "as_json", is_flag=True)
    def contacts_list(as_json: bool) -> None:
        from survey.mail.contacts import contacts_by_org
        from survey.web.extensions import db_session

        found = sorted(contacts_by_org(db_session()).values(), key=lambda c: c.organisation.code)
        rows = [{"code": c.organisation.code, "name": c.organisation.name, "registrar_email": c.registrar_email,
                 "respondent_name": c.respondent_name, "respondent_email": c.respondent_email} for c in found]
        if as_json:
            _echo_json(rows)
            return
        for row in rows:
            click.echo("\t".join(row.values()))

    @cli.group("mail", help="Invitations, reminders and the mail-merge list of a round.")
    def mail_group() -> None:
        pass

    for kind in ("invitation", "reminder"):
        _send_command(mail_group, kind)

    @mail_group.command("merge")
    @click.argument("round_id", type=int)
    @click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="Fil som slutar på .xlsx eller .csv.")
    def mail_merge(round_id: int, output: Path) -> None:
        """Write the mail-merge list (organisation, contacts, deadline, link)."""
        from exports.lists import merge_csv, merge_xlsx
        from survey.mail.contacts import merge_rows
        from survey.web.extensions import db_session

        rows = merge_rows(db_session(), _round(round_id), current_app.config["SECRET_KEY"],
                          current_app.config["BASE_URL"])
        output.write_bytes(merge_xlsx(rows) if output.suffix.lower() == ".xlsx" else merge_csv(rows))
        click.echo(f"{len(rows)} organisationer → {output}")


def _send_command(mail_group: click.Group, kind: str) -> None:
    name = {"invitation": "invitations", "reminder": "reminders"}[kind]
    helps = {"invitation": "Send invitations to organisations not yet invited (--resend: to all).",
             "reminder": "Send reminders to organisations that have not submitted."}

    @mail_group.command(name, help=helps[kind])
    @click.argument("round_id", type=int)
    @click.option("--org", "codes", multiple=True, help="Bara till den här organisationen (kan upprepas).")
    @click.option("--resend", is_flag=True, help="Även till dem som redan har fått inbjudan.")
    @actor_option
    def command(round_id: int, codes: tuple[str, ...], resend: bool, actor: str | None) -> None:
        from survey.mail.backends import backend_from_config
        from survey.mail.mailings import send_mailing
        from survey.web.admin.mailings import DEFAULT_SENDER
        from survey.web.extensions import db_session

        config = current_app.config
        r = _round(round_id)
        result = _commit_or_fail(lambda: send_mailing(
            db_session(), r, kind, backend_from_config(config), _actor(actor), secret=config["SECRET_KEY"],
            base_url=config["BASE_URL"], sender=config.get("MAIL_FROM") or DEFAULT_SENDER,
            codes=codes or None, resend=resend))
        click.echo(f"{len(result.sent)} organisationer, {result.messages} meddelanden, "
                   f"{len(result.failed)} misslyckade, {len(result.no_address)} utan adress, "
                   f"{result.skipped} överhoppade", err=True)
        for org in result.failed:
            click.echo(f"misslyckades: {org}", err=True)
        if result.failed:
            sys.exit(1)


# -- users ----------------------------------------------------------------------------------
def _user_commands(users_group: click.Group) -> None:
    def user(email: str) -> Any:
        from survey.staff.accounts import find_staff
        from survey.web.extensions import db_session

        found = find_staff(db_session(), email)
        if found is None:
            raise click.ClickException(f"ingen användare {email}")
        return found

    @users_group.command("list")
    @click.option("--json", "as_json", is_flag=True)
    def users_list(as_json: bool) -> None:
        from survey.staff.accounts import all_staff
        from survey.web.extensions import db_session

        rows = [{"email": u.email, "name": u.name, "role": u.role, "active": u.active} for u in all_staff(db_session())]
        if as_json:
            _echo_json(rows)
            return
        for row in rows:
            click.echo(f"{row['email']}\t{row['role']}\t{'aktiv' if row['active'] else 'avstängd'}\t{row['name']}")

    @users_group.command("disable")
    @click.argument("email")
    @actor_option
    def users_disable(email: str, actor: str | None) -> None:
        """Disable an account and end its sessions at once."""
        set_active_from_cli(email, False, actor)

    @users_group.command("enable")
    @click.argument("email")
    @actor_option
    def users_enable(email: str, actor: str | None) -> None:
        set_active_from_cli(email, True, actor)

    def set_active_from_cli(email: str, active: bool, actor: str | None) -> None:
        from survey.staff.accounts import set_active
        from survey.web.extensions import db_session

        u = user(email)
        _commit_or_fail(lambda: set_active(db_session(), u, active, _actor(actor)))
        click.echo(f"{u.email} är {'aktiv' if active else 'avstängd'}")

    @users_group.command("role")
    @click.argument("email")
    @click.argument("role", type=click.Choice(["admin", "analyst"]))
    @actor_option
    def users_role(email: str, role: str, actor: str | None) -> None:
        from survey.staff.accounts import set_role
        from survey.web.extensions import db_session

        u = user(email)
        _commit_or_fail(lambda: set_role(db_session(), u, role, _actor(actor)))
        click.echo(f"{u.email}: {u.role}")

    @users_group.command("password")
    @click.argument("email")
    @actor_option
    def users_password(email: str, actor: str | None) -> None:
        """Set a new password (prompted, or SURVEY_ADMIN_PASSWORD); ends the user's sessions."""
        from survey.staff.accounts import set_password
        from survey.web.extensions import db_session

        u = user(email)
        password = os.environ.get("SURVEY_ADMIN_PASSWORD") or click.prompt(
            "Lösenord", hide_input=True, confirmation_prompt=True)
        _commit_or_fail(lambda: set_password(db_session(), u, password, _actor(actor)))
        click.echo(f"nytt lösenord för {u.email}")

    @users_group.command("end-sessions")
    @click.argument("email")
    @actor_option
    def users_end_sessions(email: str, actor: str | None) -> None:
        """Sign a user out everywhere."""
        from survey.staff.audit import record
        from survey.staff.sessions import end_user_sessions
        from survey.web.extensions import db_session

        u = user(email)

        def act() -> int:
            ended = end_user_sessions(db_session(), u, "admin")
            record(db_session(), _actor(actor), "user.end_sessions", user=u.email, sessions=ended)
            return ended

        ended = _commit_or_fail(act)
        click.echo(f"{ended} inloggningar avslutade för {u.email}")


def _sync_command(round_group: click.Group) -> None:
    @round_group.command("sync")
    def round_sync() -> None:
        """Record as open every planned round whose opening day has come (for cron)."""
        from survey.formatting import today
        from survey.rounds.lifecycle import sync_round_states
        from survey.web.extensions import db, db_session

        opened = sync_round_states(db_session(), today())
        db.session.commit()
        for r in opened:
            click.echo(f"omgång {r.id} öppnad")


def register(cli: FlaskGroup) -> None:
    """Add this module's commands to the `survey` group."""
    round_group = cli.commands["round"]
    users_group = cli.commands["users"]
    assert isinstance(round_group, click.Group) and isinstance(users_group, click.Group)
    _round_commands(round_group)
    _sync_command(round_group)
    _response_commands(cli)
    _contact_and_mail_commands(cli)
    _user_commands(users_group)

