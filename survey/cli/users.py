"""``survey users …``: staff accounts (a password is prompted for, or ``SURVEY_ADMIN_PASSWORD``)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from survey.cli.common import actor_name, actor_option, commit_or_fail, echo_json, prompt_password
from survey.db import StaffUser
from survey.staff.accounts import all_staff, create_staff_user, find_staff, set_active, set_password, set_role
from survey.staff.audit import record
from survey.staff.sessions import end_user_sessions
from survey.web.extensions import db_session

users_group = AppGroup("users", help="Staff accounts.")


def _user(email: str) -> StaffUser:
    found = find_staff(db_session(), email)
    if found is None:
        raise click.ClickException(f"ingen användare {email}")
    return found


@users_group.command("create")
@click.argument("email")
@click.option("--admin", "role", flag_value="admin", help="Administrator (everything, users).")
@click.option("--analyst", "role", flag_value="analyst", default=True, help="Analyst (rounds, results).")
@click.option("--name", default="")
def users_create(email: str, role: str, name: str) -> None:
    """Create a staff user; the password is prompted for or read from SURVEY_ADMIN_PASSWORD."""
    password = prompt_password()
    user = commit_or_fail(lambda: create_staff_user(db_session(), email, password, role, name))
    click.echo(f"created {user.role} {user.email}")


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def users_list(as_json: bool) -> None:
    rows = [{"email": u.email, "name": u.name, "role": u.role, "active": u.active} for u in all_staff(db_session())]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['email']}\t{row['role']}\t{'aktiv' if row['active'] else 'avstängd'}\t{row['name']}")


def _set_active(email: str, active: bool, actor: str | None) -> None:
    u = _user(email)
    commit_or_fail(lambda: set_active(db_session(), u, active, actor_name(actor)))
    click.echo(f"{u.email} är {'aktiv' if active else 'avstängd'}")


@users_group.command("disable")
@click.argument("email")
@actor_option
def users_disable(email: str, actor: str | None) -> None:
    """Disable an account and end its sessions at once."""
    _set_active(email, False, actor)


@users_group.command("enable")
@click.argument("email")
@actor_option
def users_enable(email: str, actor: str | None) -> None:
    _set_active(email, True, actor)


@users_group.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(["admin", "analyst"]))
@actor_option
def users_role(email: str, role: str, actor: str | None) -> None:
    u = _user(email)
    commit_or_fail(lambda: set_role(db_session(), u, role, actor_name(actor)))
    click.echo(f"{u.email}: {u.role}")


@users_group.command("password")
@click.argument("email")
@actor_option
def users_password(email: str, actor: str | None) -> None:
    """Set a new password (prompted, or SURVEY_ADMIN_PASSWORD); ends the user's sessions."""
    u = _user(email)
    password = prompt_password()
    commit_or_fail(lambda: set_password(db_session(), u, password, actor_name(actor)))
    click.echo(f"nytt lösenord för {u.email}")


@users_group.command("end-sessions")
@click.argument("email")
@actor_option
def users_end_sessions(email: str, actor: str | None) -> None:
    """Sign a user out everywhere."""
    u = _user(email)

    def act() -> int:
        ended = end_user_sessions(db_session(), u, "admin")
        record(db_session(), actor_name(actor), "user.end_sessions", user=u.email, sessions=ended)
        return ended

    ended = commit_or_fail(act)
    click.echo(f"{ended} inloggningar avslutade för {u.email}")
