"""One effective state of a round (issue 11, items 1 and 3), as every audience meets it: the
respondent's link, the staff pages, the CLI and the mailings agree on the same day, without
anyone running ``survey round sync``; a round closed early says when it actually closed."""

from __future__ import annotations

import json
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from survey.cli import cli
from survey.db import Round
from survey.formatting import today
from survey.mail.backends import MailError
from survey.web.extensions import db
from tests.respond_helpers import REGION, identify
from tests.respond_helpers import open_round as respondent_round
from tests.staff_helpers import new_round, post


def test_a_planned_round_opens_on_its_opening_day_everywhere(app: Flask, client: FlaskClient,
                                                             admin_client: FlaskClient) -> None:
    invited = respondent_round(app, codes=REGION, opens=today() - timedelta(days=1), state="planned")
    assert db.session.get(Round, invited.round_id).state == "planned"  # nobody ran the sync
    identify(client, invited)
    page = client.get(invited.url())
    assert page.status_code == 200 and "Börja svara" in page.text
    assert "har inte öppnat" not in page.text
    staff = admin_client.get(f"/admin/rundor/{invited.round_id}").get_data(as_text=True)
    assert "Öppen" in staff and "Planerad" not in staff
    rounds = admin_client.get("/admin/").get_data(as_text=True)
    assert "Öppen" in rounds and "Planerad" not in rounds


def test_the_cli_and_mail_use_the_same_state(app: Flask, runner: FlaskCliRunner) -> None:
    from survey.mail.mailings import plan_mailing

    planned = new_round(state="planned", opens_in=-1)
    past = new_round(state="open", opens_in=-30, closes_in=-1, name="Förra")
    listed = {row["id"]: row["state"] for row in json.loads(runner.invoke(cli, ["round", "list", "--json"]).output)}
    assert listed == {planned.id: "open", past.id: "closed"}
    # A reminder needs an open round: the planned one whose day has come is open.
    plan_mailing(db.session, planned, "reminder", secret="s" * 32, base_url="http://localhost")
    try:
        plan_mailing(db.session, past, "invitation", secret="s" * 32, base_url="http://localhost")
    except MailError as error:
        assert "stängd" in str(error)
    else:
        raise AssertionError("an invitation went out for a round past its last day")


def test_an_extension_keeps_the_round_open_for_that_organisation_only(app: Flask, client: FlaskClient) -> None:
    invited = respondent_round(app, opens=today() - timedelta(days=9), closes=today() - timedelta(days=1))
    round_ = db.session.get(Round, invited.round_id)
    member = next(m for m in round_.members if m.organisation.code == REGION)
    member.extended_until = today() + timedelta(days=2)
    db.session.commit()
    identify(client, invited)
    assert "Börja svara" in client.get(invited.url()).text
    other = client.get(invited.url("03")).text
    assert "Enkäten är stängd" in other and "Sista dag att svara var" in other


def test_a_round_closed_early_says_when_it_closed(app: Flask, client: FlaskClient,
                                                  admin_client: FlaskClient) -> None:
    invited = respondent_round(app, codes=REGION, closes=today() + timedelta(days=26))
    deadline = today() + timedelta(days=26)
    identify(client, invited)
    answer = post(admin_client, f"/admin/rundor/{invited.round_id}/status/close")
    assert answer.status_code == 302
    page = client.get(invited.url()).text
    from survey.web.respond.visit import long_date

    assert f"Socialstyrelsen stängde enkäten den <strong>{long_date(today())}</strong>" in page
    assert f"före den planerade sista svarsdagen {long_date(deadline)}" in page
    assert f"Sista dag att svara var <strong>{long_date(deadline)}" not in page
    section = client.get(invited.url(path="/avsnitt/handlingsplan")).text
    assert f"Enkäten stängde {long_date(today())}" in section
    staff = admin_client.get(f"/admin/rundor/{invited.round_id}").get_data(as_text=True)
    assert "Stängdes" in staff and today().isoformat() in staff
    # Opened again, it is open and no longer says it closed.
    post(admin_client, f"/admin/rundor/{invited.round_id}/status/open")
    assert db.session.get(Round, invited.round_id).closed_at is None
