"""``survey round …``: create, list and run a round from scripts (``sync`` daily from cron).

Every change is recorded in the audit log with the actor ``cli:<login>`` (``--actor`` overrides it).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from survey.cli.common import DATE, actor_name, actor_option, commit_or_fail, echo_json, get_round
from survey.db import Round
from survey.formatting import today
from survey.reports.progress import summarise
from survey.rounds import lifecycle
from survey.rounds.lifecycle import (
    change_round,
    create_round,
    extend_member,
    extend_round,
    latest_version,
    member_of,
    organisations_for,
    replace_link,
    round_links,
    sync_round_states,
)
from survey.rounds.progress import load_progress
from survey.web.extensions import db, db_session

round_group = AppGroup("round", help="Create and list rounds, print respondent links.")


@round_group.command("create")
@click.option("--questionnaire", "questionnaire_id", required=True)
@click.option("--orgs", "selector", required=True, help="region, kommun or comma-separated codes")
@click.option("--opens", required=True, type=DATE)
@click.option("--closes", required=True, type=DATE)
@click.option("--name")
def round_create(questionnaire_id: str, selector: str, opens: datetime, closes: datetime, name: str | None) -> None:
    """Create a round; prints the new round's id alone on the last line."""
    def create() -> tuple[Round, int]:
        orgs = organisations_for(db_session(), selector)
        round_ = create_round(db_session(), latest_version(db_session(), questionnaire_id), orgs, opens.date(),
                              closes.date(), name, secret=current_app.config["SECRET_KEY"])
        return round_, len(orgs)

    round_, count = commit_or_fail(create)
    click.echo(f"created round «{round_.name}» for {count} organisations, {round_.opens_on} – {round_.closes_on}")
    click.echo(str(round_.id))


@round_group.command("list")
@click.option("--json", "as_json", is_flag=True)
def round_list(as_json: bool) -> None:
    rounds = db.session.scalars(select(Round).order_by(Round.id)).all()
    rows = [{"id": r.id, "name": r.name, "questionnaire": r.questionnaire_version.questionnaire_id,
             "state": lifecycle.round_state(r, today()), "opens": r.opens_on.isoformat(),
             "closes": r.closes_on.isoformat(),
             "organisations": len(r.members)} for r in rounds]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['id']}\t{row['state']}\t{row['opens']} – {row['closes']}\t"
                   f"{row['questionnaire']}\t{row['name']}")


@round_group.command("links")
@click.argument("round_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def round_links_command(round_id: int, as_json: bool) -> None:
    """Each organisation's respondent link (Swedish name order)."""
    links = round_links(get_round(round_id), current_app.config["SECRET_KEY"], current_app.config["BASE_URL"])
    if as_json:
        echo_json([{"code": link.code, "name": link.name, "url": link.url} for link in links])
        return
    for link in links:
        click.echo(f"{link.code}\t{link.name}\t{link.url}")


@round_group.command("dates")
@click.argument("round_id", type=int)
@click.option("--opens", type=DATE)
@click.option("--closes", type=DATE)
@click.option("--name")
@actor_option
def round_dates(round_id: int, opens: datetime | None, closes: datetime | None, name: str | None,
                actor: str | None) -> None:
    """Change name and dates of a round that has not opened yet."""
    r = get_round(round_id)
    commit_or_fail(lambda: change_round(db_session(), r, name or r.name, opens.date() if opens else r.opens_on,
                                        closes.date() if closes else r.closes_on, actor_name(actor), today()))
    click.echo(f"omgång {r.id}: {r.opens_on} – {r.closes_on}")


def _state_command(state: str, service: str, help_text: str) -> None:
    @round_group.command(state, help=help_text)
    @click.argument("round_id", type=int)
    @actor_option
    def command(round_id: int, actor: str | None) -> None:
        r = get_round(round_id)
        function = getattr(lifecycle, service)
        commit_or_fail(lambda: function(db_session(), r, actor_name(actor), today()))
        click.echo(f"omgång {r.id}: {lifecycle.round_state(r, today())}")


_state_command("open", "open_round", "Open a round now (early, or again after closing).")
_state_command("close", "close_round", "Close an open round.")
_state_command("archive", "archive_round", "Archive a closed round.")


@round_group.command("extend")
@click.argument("round_id", type=int)
@click.option("--until", required=True, type=DATE, help="Ny sista svarsdag.")
@click.option("--reason", required=True, help="Skälet (sparas).")
@click.option("--org", "code", help="Bara för den här organisationen (kod).")
@actor_option
def round_extend(round_id: int, until: datetime, reason: str, code: str | None, actor: str | None) -> None:
    """Extend the deadline for everyone, or with --org for one organisation."""
    r = get_round(round_id)
    if code:
        commit_or_fail(lambda: extend_member(db_session(), member_of(db_session(), r, code), until.date(),
                                             reason, actor_name(actor)))
        click.echo(f"omgång {r.id}: {code} har sista svarsdag {max(until.date(), r.closes_on)}")
    else:
        commit_or_fail(lambda: extend_round(db_session(), r, until.date(), reason, actor_name(actor)))
        click.echo(f"omgång {r.id}: sista svarsdag {r.closes_on} för alla")


@round_group.command("replace-link")
@click.argument("round_id", type=int)
@click.argument("code")
@actor_option
def round_replace_link(round_id: int, code: str, actor: str | None) -> None:
    """Revoke an organisation's link and print its new one."""
    r = get_round(round_id)
    secret = current_app.config["SECRET_KEY"]
    commit_or_fail(lambda: replace_link(db_session(), member_of(db_session(), r, code), actor_name(actor), secret))
    db.session.refresh(r)
    click.echo(next(link.url for link in round_links(r, secret, current_app.config["BASE_URL"])
                    if link.code == code))


@round_group.command("progress")
@click.argument("round_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.option("--xlsx", type=click.Path(dir_okay=False, path_type=Path), help="Skriv statuslistan som Excel.")
def round_progress(round_id: int, as_json: bool, xlsx: Path | None) -> None:
    """Expected, not started, started, submitted, on time and rate; each organisation's state."""
    from exports.xlsx_progress import status_workbook

    r = get_round(round_id)
    rows = load_progress(db_session(), r)
    s = summarise(rows)
    if xlsx:
        xlsx.write_bytes(status_workbook(rows, f"{r.name} – status {today().isoformat()}"))
    if as_json:
        echo_json({"expected": s.expected, "not_started": s.not_started, "started": s.started,
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


@round_group.command("sync")
def round_sync() -> None:
    """Record as open every planned round whose opening day has come (for cron)."""
    opened = sync_round_states(db_session(), today())
    db.session.commit()
    for r in opened:
        click.echo(f"omgång {r.id} öppnad")
