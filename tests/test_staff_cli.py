"""Everything about a round can be scripted: the staff commands of `survey`."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from flask.testing import FlaskCliRunner
from sqlalchemy import select

from survey.cli import cli
from survey.db import AuditEvent, Response, Round, SentMail
from survey.formatting import today
from survey.web.extensions import db
from tests.staff_helpers import answer, complete_answers, make_staff, new_round


def run(runner: FlaskCliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.output


def test_round_lifecycle_from_the_cli(runner: FlaskCliRunner) -> None:
    round_ = new_round("0180,1480", state="planned", opens_in=3, closes_in=20)
    rid = str(round_.id)
    later = today() + timedelta(days=30)
    assert run(runner, "round", "dates", rid, "--closes", later.isoformat())[0] == 0
    code, output = run(runner, "round", "open", rid, "--actor", "skript")
    assert code == 0 and "open" in output
    code, output = run(runner, "round", "dates", rid, "--closes", later.isoformat())
    assert code == 1 and "innan omgången har öppnat" in output
    code, _ = run(runner, "round", "extend", rid, "--until", (later + timedelta(days=7)).isoformat(),
                  "--reason", "Sent utskick")
    assert code == 0
    code, output = run(runner, "round", "extend", rid, "--org", "1480", "--until",
                       (later + timedelta(days=10)).isoformat(), "--reason", "Bad om det")
    assert code == 0 and "1480" in output
    assert run(runner, "round", "close", rid)[0] == 0
    assert run(runner, "round", "archive", rid)[0] == 0
    db.session.expire_all()
    assert db.session.get_one(Round, round_.id).state == "archived"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.round_id == round_.id)
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["round.edit", "round.open", "round.extend", "member.extend", "round.close", "round.archive"]
    assert db.session.scalars(select(AuditEvent.actor)).all()[1] == "skript"


def test_progress_reopen_and_replace_link(runner: FlaskCliRunner, tmp_path: Path) -> None:
    round_ = new_round("0180,1480")
    answer(round_, "0180", complete_answers(round_), submit_it=True)
    code, output = run(runner, "round", "progress", str(round_.id), "--json", "--xlsx", str(tmp_path / "s.xlsx"))
    data = json.loads(output)
    assert code == 0 and (data["expected"], data["submitted"], data["rate"]) == (2, 1, "50.0")
    assert (tmp_path / "s.xlsx").stat().st_size > 0
    code, output = run(runner, "response", "reopen", str(round_.id), "0180", "--reason", "Rättelse")
    assert code == 0
    db.session.expire_all()
    assert db.session.scalars(select(Response.status)).one() == "reopened"
    before = json.loads(run(runner, "round", "links", str(round_.id), "--json")[1])
    code, output = run(runner, "round", "replace-link", str(round_.id), "1480")
    after = json.loads(run(runner, "round", "links", str(round_.id), "--json")[1])
    old = next(link["url"] for link in before if link["code"] == "1480")
    assert code == 0 and output.strip() != old and output.strip() in [link["url"] for link in after]


def test_contacts_import_and_mail(runner: FlaskCliRunner, tmp_path: Path) -> None:
    round_ = new_round("0180,1480")
    source = tmp_path / "kontakter.csv"
    source.write_text("kod;registrator;kontaktperson;epost\n0180;reg@stockholm.se;Eva;eva@stockholm.se\n",
                      encoding="utf-8")
    assert run(runner, "contacts", "import", str(source))[0] == 0
    runner.app.config.update(MAIL_BACKEND="file", MAIL_FILE_DIR=str(tmp_path / "mail"))
    code, output = run(runner, "mail", "invitations", str(round_.id))
    assert code == 0 and "2 meddelanden" in output and "1 utan adress" in output
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 2
    code, output = run(runner, "mail", "reminders", str(round_.id), "--org", "0180")
    assert code == 0 and db.session.scalar(select(SentMail.kind).where(SentMail.kind == "reminder")) == "reminder"
    code, output = run(runner, "mail", "merge", str(round_.id), "-o", str(tmp_path / "lankar.csv"))
    assert code == 0 and "2 organisationer" in output
    bad = tmp_path / "bad.csv"
    bad.write_text("kod;epost\n9999;x@y.se\n", encoding="utf-8")
    code, output = run(runner, "contacts", "import", str(bad))
    assert code == 1 and "okänd organisationskod" in output


def test_users_commands(runner: FlaskCliRunner) -> None:
    make_staff("chef@socialstyrelsen.se", "admin")
    make_staff("ana@socialstyrelsen.se", "analyst")
    assert run(runner, "users", "disable", "ana@socialstyrelsen.se")[0] == 0
    users = {u["email"]: u for u in json.loads(run(runner, "users", "list", "--json")[1])}
    assert users["ana@socialstyrelsen.se"]["active"] is False
    code, output = run(runner, "users", "disable", "chef@socialstyrelsen.se")
    assert code == 1 and "last active administrator" in output
    assert run(runner, "users", "role", "ana@socialstyrelsen.se", "admin")[0] == 0
    assert run(runner, "users", "end-sessions", "chef@socialstyrelsen.se")[1].startswith("0 inloggningar")
