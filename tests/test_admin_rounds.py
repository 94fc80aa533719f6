"""Staff run a round through the pages: create, edit, open, close, archive, extend, events,
and the progress dashboard with its Excel list."""

from __future__ import annotations

import io
from datetime import timedelta

from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from survey.db import AuditEvent, Round, RoundOrganisation
from survey.formatting import today
from survey.web.extensions import db
from tests.staff_helpers import ADMIN, answer, first_answer_ids, new_round, post


def _events(round_: Round) -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.round_id == round_.id)
                                   .order_by(AuditEvent.id)))


def test_create_a_round_for_all_municipalities(analyst_client: FlaskClient) -> None:
    opens, closes = today() + timedelta(days=3), today() + timedelta(days=30)
    answer_ = post(analyst_client, "/admin/rundor/ny", {
        "questionnaire": "kommuner-2025", "selection": "all", "name": "Kommuner 2026",
        "opens": opens.isoformat(), "closes": closes.isoformat()}, token_from="/admin/rundor/ny")
    assert answer_.status_code == 302
    round_ = db.session.scalars(select(Round)).one()
    assert answer_.location == f"/admin/rundor/{round_.id}"
    assert len(round_.members) == 290 and round_.state == "planned"
    page = analyst_client.get(answer_.location, follow_redirects=True).get_data(as_text=True)
    assert "är skapad för 290 organisationer" in page and "Planerad" in page
    assert _events(round_)[0].action == "round.create"


def test_create_refuses_bad_input_with_an_error_summary(admin_client: FlaskClient) -> None:
    page = post(admin_client, "/admin/rundor/ny", {
        "questionnaire": "kommuner-2025", "selection": "codes", "codes": "0180\n9999",
        "opens": "2026-09-23", "closes": "2026-09-01"}, token_from="/admin/rundor/ny")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "error-summary" in text
    assert "Sista svarsdagen kan inte vara före öppningsdagen." in text
    page = post(admin_client, "/admin/rundor/ny", {
        "questionnaire": "kommuner-2025", "selection": "codes", "codes": "0180\n9999",
        "opens": "2026-09-23", "closes": "2026-10-19"}, token_from="/admin/rundor/ny")
    assert "Okända organisationskoder: 9999" in page.get_data(as_text=True)
    assert db.session.scalars(select(Round)).all() == []


def test_dates_editable_until_opening_then_frozen(admin_client: FlaskClient) -> None:
    round_ = new_round("0180", state="planned", opens_in=5, closes_in=30)
    new_close = today() + timedelta(days=40)
    answer_ = post(admin_client, f"/admin/rundor/{round_.id}/andra", {
        "name": "Ny", "opens": (today() + timedelta(days=6)).isoformat(), "closes": new_close.isoformat()})
    assert answer_.status_code == 302
    db.session.refresh(round_)
    assert round_.closes_on == new_close and round_.name == "Ny"
    assert post(admin_client, f"/admin/rundor/{round_.id}/status/open").status_code == 302
    db.session.refresh(round_)
    assert round_.state == "open" and round_.opens_on == today()  # opened early
    assert admin_client.get(f"/admin/rundor/{round_.id}/andra").status_code == 302
    answer_ = post(admin_client, f"/admin/rundor/{round_.id}/andra", {
        "name": "X", "opens": today().isoformat(), "closes": (today() + timedelta(days=90)).isoformat()})
    db.session.refresh(round_)
    assert round_.closes_on == new_close and round_.name == "Ny"
    assert [e.action for e in _events(round_)] == ["round.edit", "round.open"]


def test_close_archive_and_their_order(admin_client: FlaskClient, kommun_round: Round) -> None:
    url = f"/admin/rundor/{kommun_round.id}/status/"
    page = post(admin_client, url + "archive", follow_redirects=True).get_data(as_text=True)
    assert "Stäng omgången innan den arkiveras." in page
    post(admin_client, url + "close")
    post(admin_client, url + "archive")
    db.session.refresh(kommun_round)
    assert kommun_round.state == "archived"
    assert [e.action for e in _events(kommun_round)] == ["round.close", "round.archive"]


def test_extend_for_everyone_and_for_one(admin_client: FlaskClient, kommun_round: Round) -> None:
    old = kommun_round.closes_on
    later = old + timedelta(days=7)
    page = post(admin_client, f"/admin/rundor/{kommun_round.id}/forlang", {"until": later.isoformat(), "reason": ""})
    assert "Ange ett skäl." in page.get_data(as_text=True)
    post(admin_client, f"/admin/rundor/{kommun_round.id}/forlang",
         {"until": later.isoformat(), "reason": "Sen utskick"})
    one = later + timedelta(days=3)
    answer_ = post(admin_client, f"/admin/rundor/{kommun_round.id}/org/1480/forlang",
                   {"until": one.isoformat(), "reason": "Kommunen bad om det"})
    assert answer_.status_code == 302
    db.session.expire_all()
    member = db.session.scalars(select(RoundOrganisation).where(RoundOrganisation.round_id == kommun_round.id,
                                                                RoundOrganisation.extended_until.is_not(None))).one()
    assert member.organisation.code == "1480" and member.extended_until == one
    events = _events(kommun_round)
    assert [(e.action, e.details.get("reason")) for e in events] == [
        ("round.extend", "Sen utskick"), ("member.extend", "Kommunen bad om det")]
    assert events[0].details["old"] == old.isoformat() and events[0].actor == ADMIN
    page = admin_client.get(f"/admin/rundor/{kommun_round.id}/handelser").get_data(as_text=True)
    assert "Sista svarsdagen förlängdes för alla" in page and "Kommunen bad om det" in page
    progress = admin_client.get(f"/admin/rundor/{kommun_round.id}/framsteg?q=1480").get_data(as_text=True)
    assert one.isoformat() in progress and "förlängd" in progress


def test_progress_dashboard_moves_and_exports(admin_client: FlaskClient, kommun_round: Round) -> None:
    ids = first_answer_ids(kommun_round, 1)
    answer(kommun_round, "0180", dict(ids))
    page = admin_client.get(f"/admin/rundor/{kommun_round.id}/framsteg").get_data(as_text=True)
    assert "33,3\u00a0%" not in page and "Påbörjad" in page and "svarare@kommun.se" in page
    filtered = admin_client.get(f"/admin/rundor/{kommun_round.id}/framsteg?status=started").get_data(as_text=True)
    filtered = filtered.split("Status per organisation")[1]
    assert "Stockholm" in filtered and "Göteborg" not in filtered
    ordered = admin_client.get(f"/admin/rundor/{kommun_round.id}/framsteg?sortera=name").get_data(as_text=True)
    ordered = ordered.split("Status per organisation")[1]
    assert ordered.index("Göteborg") < ordered.index("Stockholm") < ordered.index("Upplands Väsby")
    book = load_workbook(io.BytesIO(admin_client.get(
        f"/admin/rundor/{kommun_round.id}/framsteg.xlsx?status=started").data))
    rows = list(book["Status"].iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[4]) for r in rows] == [("0180", "Stockholm", "Påbörjad")]


def test_rounds_list_shows_rates(admin_client: FlaskClient, kommun_round: Round) -> None:
    page = admin_client.get("/admin/").get_data(as_text=True)
    assert "Kommuner 2025" in page and "0 av 3" in page and "0\u00a0%" in page
