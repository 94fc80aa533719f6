"""Respondent pages through the test client, on SQLite and PostgreSQL: access, deadlines,
identity, saving, routing integrity, hostile posts, conflicts, expired sessions."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import select

from survey.db import Answer, AnswerHistory, Respondent, RoundOrganisation
from survey.web.extensions import db
from tests.respond_helpers import (
    OTHER_REGION,
    REGION,
    Invited,
    csrf_of,
    identify,
    open_round,
    post_section,
    section_form,
    versions_of,
)


@pytest.fixture(autouse=True)
def _fresh_csrf_per_request(app: Flask) -> None:
    """The fixture's app context outlives requests here; Flask-WTF caches its token in ``g``."""
    @app.teardown_request
    def forget_token(_error: BaseException | None) -> None:
        g.pop("csrf_token", None)


def stored(invited: Invited, code: str = REGION) -> dict[str, object]:
    from survey.db import Organisation, Response

    rows = db.session.execute(
        select(Answer.answer_id, Answer.value).join(Response).join(Organisation)
        .where(Response.round_id == invited.round_id, Organisation.code == code))
    db.session.expire_all()
    return {aid: value for aid, value in rows if value is not None}


def test_wrong_token_gets_plain_page_however_often(app: Flask, client: FlaskClient) -> None:
    """Past the throttle's limit a wrong token still answers 404, the same page (see test_throttle)."""
    open_round(app)
    response = client.get("/svar/" + "A" * 43)
    assert response.status_code == 404 and "Länken är inte giltig" in response.text
    assert client.get("/svar/nonsense").status_code == 404
    statuses = {client.get("/svar/" + "B" * 43).status_code for _ in range(25)}
    assert statuses == {404}


def test_revoked_link_is_not_valid(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    from survey.db import AccessLink, utcnow

    for link in db.session.scalars(select(AccessLink)):
        link.revoked_at = utcnow()
    db.session.commit()
    assert client.get(invited.url()).status_code == 404


def test_first_visit_asks_name_and_email_then_attributes_answers(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    first = client.get(invited.url())
    assert first.status_code == 303 and "/vem" in first.headers["Location"]
    page = client.get(invited.url(path="/vem"))
    bad = client.post(invited.url(path="/vem"), data={"csrf_token": csrf_of(page.text), "namn": "",
                                                     "epost": "inte-en-adress"})
    assert bad.status_code == 422 and "Skriv ditt namn" in bad.text and 'href="#epost"' in bad.text
    identify(client, invited)
    assert post_section(client, invited, "ansvar", {"q02": "ja"}).status_code == 303
    person = db.session.scalar(select(Respondent))
    assert (person.name, person.email) == ("Anna Andersson", "anna@example.se")
    answer = db.session.scalar(select(Answer).where(Answer.answer_id == "q02"))
    assert answer.updated_by == "Anna Andersson <anna@example.se>"


def test_overview_shows_section_states(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    identify(client, invited)
    post_section(client, invited, "ansvar", {"q02": "ja"})
    post_section(client, invited, "handlingsplan", {"q01": "nej"})
    page = client.get(invited.url()).text
    assert 'id="state-ansvar">Påbörjad' in page
    assert 'id="state-handlingsplan">Klar' in page
    assert 'id="state-kompetens">Ej påbörjad' in page


def test_follow_up_appears_after_save_and_its_answer_is_kept_when_hidden(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    identify(client, invited)
    page = client.get(invited.url(path="/avsnitt/ansvar")).text
    assert 'data-show-if="q02a" hidden' in page
    post_section(client, invited, "ansvar", {"q02": "ja"})
    page = client.get(invited.url(path="/avsnitt/ansvar")).text
    assert 'data-show-if="q02a">' in page
    post_section(client, invited, "ansvar", {"q02": "ja", "q02a": "ja", "q02b": "nej"})
    # Without JavaScript a person switches the parent and leaves the follow-ups filled: normal.
    response = post_section(client, invited, "ansvar", {"q02": "nej", "q02a": "ja", "q02b": "nej"})
    assert response.status_code == 303
    assert stored(invited) == {"q02": "nej", "q02a": "ja", "q02b": "nej"}  # the draft keeps them
    assert 'data-show-if="q02a" hidden' in client.get(invited.url(path="/avsnitt/ansvar")).text
    post_section(client, invited, "ansvar", {"q02": "ja", "q02a": "ja", "q02b": "nej"})
    assert 'id="q02a-ja" name="q02a" value="ja" checked' in client.get(invited.url(path="/avsnitt/ansvar")).text


def test_changes_to_inapplicable_follow_ups_are_not_written(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    identify(client, invited)
    assert post_section(client, invited, "ansvar", {"q02": "nej", "q02a": "ja"}).status_code == 303
    assert stored(invited) == {"q02": "nej"}


def test_swedish_numbers_and_errors_link_to_fields(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    identify(client, invited)
    response = post_section(client, invited, "handlingsplan", {"q01": "kanske", "q01_kommentar": "x" * 2001})
    assert response.status_code == 422
    assert 'href="#q01-ja"' in response.text and "Okänt svarsalternativ" in response.text
    assert 'href="#q01_kommentar"' in response.text and "högst 2000 tecken" in response.text
    assert "x" * 2001 in response.text  # what was typed comes back
    assert stored(invited) == {}


def test_hostile_names_are_refused_and_nothing_is_saved(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    identify(client, invited)
    for extra in ({"q22": "från ett annat avsnitt", "v__q22": "0"}, {"okand": "x"},
                  {"v__q02": "-1"}, {"v__q02": "99999999999999"}, {"v__q02": "²"}, {"v__q02": "٣"},
                  {"v__q02": "ett"}, {"v__q02": ""}):
        response = post_section(client, invited, "ansvar", {"q02": "ja", **extra})
        assert response.status_code == 422, extra
        assert "error-summary" in response.text
    response = post_section(client, invited, "ansvar", {"q02": ["ja", "nej"]})
    assert response.status_code == 422 and "Endast ett svar" in response.text
    assert stored(invited) == {}


def test_a_link_never_reaches_another_organisations_response(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    identify(client, invited, REGION)
    post_section(client, invited, "ansvar", {"q02": "ja"}, code=REGION)
    identify(client, invited, OTHER_REGION, "Bo Berg", "bo@example.se")
    page = client.get(invited.url(OTHER_REGION, "/avsnitt/ansvar")).text
    assert 'value="ja" checked' not in page
    assert stored(invited, OTHER_REGION) == {}


def test_other_peoples_changes_merge_and_conflicts_show_both_values(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    other = app.test_client()
    identify(client, invited)
    identify(other, invited, name="Bo Berg", email="bo@example.se")
    csrf, versions = section_form(client, invited, "handlingsplan")
    post_section(other, invited, "handlingsplan", {"q01": "nej", "q01_kommentar": "Bos kommentar"})
    # Anna changes only q01; Bo's comment stays (merge), but q01 is a conflict.
    response = client.post(invited.url(path="/avsnitt/handlingsplan"), data={
        "csrf_token": csrf, "action": "save", **versions, "q01": "ja", "q01_kommentar": ""})
    assert response.status_code == 409
    assert "Bo Berg &lt;bo@example.se&gt;" in response.text
    assert "Mitt svar: «Ja»" in response.text and "Det sparade svaret: «Nej»" in response.text
    assert stored(invited) == {"q01": "nej", "q01_kommentar": "Bos kommentar"}
    # Anna keeps her answer: the conflict page carries the current versions and her choice.
    shown = {f"v__{aid}": v for aid, v in versions_of(response.text).items()}
    again = client.post(invited.url(path="/avsnitt/handlingsplan"), data={
        "csrf_token": csrf_of(response.text), "action": "save", **shown, "q01": "ja",
        "c__q01": "mine", "q01_kommentar": "Bos kommentar"})
    assert again.status_code == 303, again.text
    assert stored(invited) == {"q01": "ja", "q01_kommentar": "Bos kommentar"}


def test_expired_session_shows_everything_posted_and_saves_after_name(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    identify(client, invited)
    csrf, versions = section_form(client, invited, "handlingsplan")
    client.delete_cookie("session")
    typed = {"csrf_token": csrf, "action": "save", **versions, "q01": "ja", "q01_kommentar": "Viktigt att inte tappa"}
    response = client.post(invited.url(path="/avsnitt/handlingsplan"), data=typed)
    assert response.status_code == 400
    assert "Viktigt att inte tappa" in response.text and 'value="ja" checked' in response.text
    assert 'name="namn"' in response.text
    assert stored(invited) == {}
    response = client.post(invited.url(path="/avsnitt/handlingsplan"), data={
        **typed, "csrf_token": csrf_of(response.text), "namn": "Cecilia Ek", "epost": "cecilia@example.se"})
    assert response.status_code == 303, response.text
    assert stored(invited) == {"q01": "ja", "q01_kommentar": "Viktigt att inte tappa"}


def test_idle_session_counts_as_expired(app: Flask, client: FlaskClient) -> None:
    app.config["RESPOND_IDLE_MINUTES"] = 0
    invited = open_round(app)
    identify(client, invited)
    response = client.get(invited.url(path="/avsnitt/ansvar"))
    assert response.status_code == 303
    # Back to «who is answering», which then returns to the page asked for.
    target = urlsplit(response.headers["Location"])
    assert target.path == invited.url(path="/vem")
    assert parse_qs(target.query) == {"nasta": [invited.url(path="/avsnitt/ansvar")]}


def test_autosave_saves_changed_fields_and_reports_versions(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    identify(client, invited)
    csrf, _ = section_form(client, invited, "ansvar")
    url = invited.url(path="/avsnitt/ansvar/autospara")
    response = client.post(url, data={"q02": "ja", "v__q02": "0"}, headers={"X-CSRFToken": csrf})
    assert response.status_code == 200 and response.json == {"versions": {"q02": 1}, "conflicts": []}
    response = client.post(url, data={"q02": "kanske", "v__q02": "1"}, headers={"X-CSRFToken": csrf})
    assert response.status_code == 422 and "q02" in response.json["errors"]
    assert client.post(url, data={"q02": "nej", "v__q02": "1"}).status_code == 400  # no CSRF
    response = client.post(url, data={"q02": "nej", "v__q02": "0"}, headers={"X-CSRFToken": csrf})
    assert response.json["conflicts"] == ["q02"]
    assert stored(invited) == {"q02": "ja"}


def test_autosave_refuses_a_tampered_version_and_skips_off_route_answers(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    identify(client, invited)
    csrf, _ = section_form(client, invited, "ansvar")
    url = invited.url(path="/avsnitt/ansvar/autospara")
    for version in ("²", "1x", " ", "1" * 12):
        response = client.post(url, data={"q02": "ja", "v__q02": version}, headers={"X-CSRFToken": csrf})
        assert response.status_code == 422 and "ogiltig version" in response.json["errors"]["q02"], version
    assert stored(invited) == {}
    response = client.post(url, data={"q02": "nej", "v__q02": "0", "q02a": "ja", "v__q02a": "0"},
                           headers={"X-CSRFToken": csrf})
    assert response.status_code == 200 and response.json["versions"] == {"q02": 1}
    assert stored(invited) == {"q02": "nej"}


def test_deadlines(app: Flask, client: FlaskClient) -> None:
    today = date.today()
    later = open_round(app, codes=REGION, opens=today + timedelta(days=3), closes=today + timedelta(days=9))
    page = client.get(later.url())
    assert page.status_code == 200 and "har inte öppnat" in page.text
    closed = open_round(app, codes=OTHER_REGION, opens=today - timedelta(days=9), closes=today - timedelta(days=2))
    page = client.get(closed.url(OTHER_REGION))
    assert "Enkäten är stängd" in page.text
    member = db.session.scalar(select(RoundOrganisation).where(RoundOrganisation.round_id == closed.round_id))
    member.extended_until = today
    db.session.commit()
    assert client.get(closed.url(OTHER_REGION)).status_code == 303  # open again: asks who answers


def test_closed_round_refuses_saves(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    identify(client, invited)
    csrf, versions = section_form(client, invited, "ansvar")
    from tests.respond_helpers import load_round

    load_round(invited.round_id).state = "closed"
    db.session.commit()
    response = client.post(invited.url(path="/avsnitt/ansvar"), data={"csrf_token": csrf, **versions, "q02": "ja"})
    assert response.status_code == 409 and "stängd" in response.text
    assert stored(invited) == {}
    # What was typed as the round closed is shown back, so it can be copied, not lost.
    assert "Det du skrev senast har inte sparats" in response.text
    assert "<dd>Ja</dd>" in response.text


def test_review_flags_missing_and_submit_is_guarded(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    identify(client, invited)
    post_section(client, invited, "handlingsplan", {"q01": "nej", "q01_kommentar": "=HYPERLINK(\"x\")"})
    review = client.get(invited.url(path="/granska"))
    assert "Måste besvaras" in review.text
    response = client.post(invited.url(path="/skicka-in"), data={"csrf_token": csrf_of(review.text), "version": "2"})
    assert response.status_code == 422 and "error-summary" in response.text
    answer_everything(client, invited)
    review = client.get(invited.url(path="/granska"))
    assert "Måste besvaras" not in review.text
    import re

    version = re.search(r'name="version" value="(\d+)"', review.text).group(1)
    data = {"csrf_token": csrf_of(review.text), "version": version}
    first = client.post(invited.url(path="/skicka-in"), data=data)
    second = client.post(invited.url(path="/skicka-in"), data=data)  # a double click
    assert first.status_code == second.status_code == 303
    assert "/kvitto?epost=" in first.headers["Location"]
    receipt = client.get(invited.url(path="/kvitto"))
    assert "Anna Andersson &lt;anna@example.se&gt;" in receipt.text and "Region Stockholm" in receipt.text
    submits = db.session.scalars(select(AnswerHistory).where(AnswerHistory.source == "submit")).all()
    assert submits == [] or all(h.new_value is None for h in submits)
    # Read-only afterwards.
    assert client.get(invited.url(path="/avsnitt/ansvar")).status_code == 200
    refused = post_section_raw(client, invited, "ansvar", {"q02": "ja", "v__q02": "1"}, csrf_of(review.text))
    assert refused.status_code == 409 and "Ändringen sparades inte" in refused.text  # changed: said so
    unchanged = post_section_raw(client, invited, "ansvar", {"q02": "nej", "v__q02": "1"}, csrf_of(review.text))
    assert unchanged.status_code == 303 and unchanged.headers["Location"].endswith("/kvitto")


def post_section_raw(client: FlaskClient, invited: Invited, section: str, data: dict[str, str], csrf: str):  # type: ignore[no-untyped-def]
    return client.post(invited.url(path=f"/avsnitt/{section}"), data={"csrf_token": csrf, **data})


def answer_everything(client: FlaskClient, invited: Invited) -> None:
    """Every required question of the 2025 regional questionnaire answered «nej» (no follow-ups)."""
    from survey.rounds.lifecycle import questionnaire_of
    from tests.respond_helpers import load_round

    q = questionnaire_of(load_round(invited.round_id))
    for section in q.sections:
        answers = {f.id: "nej" for f in q.fields
                   if f.section_id == section.id and f.gate is None and f.condition is None and f.codes}
        if answers:
            response = post_section(client, invited, section.id, answers)
            assert response.status_code == 303, response.text[:2000]


def test_answers_file_keeps_formulas_as_text(app: Flask, client: FlaskClient) -> None:
    from io import BytesIO

    from openpyxl import load_workbook

    invited = open_round(app)
    identify(client, invited)
    formula = '=HYPERLINK("http://x","klick")'
    post_section(client, invited, "handlingsplan", {"q01": "nej", "q01_kommentar": formula})
    post_section(client, invited, "exempel", {"q22": "+1 och -1 och @x"})
    response = client.get(invited.url(path="/svaren.xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value]
    texts = {cell.value: cell.data_type for cell in cells}
    assert texts[formula] == "s" and texts["+1 och -1 och @x"] == "s"
    assert all(cell.data_type != "f" for cell in cells)


def test_a_save_losing_a_race_keeps_everything_typed(app: Flask, client: FlaskClient,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Two saves racing at the database: the loser gets its page back, nothing stored or lost."""
    from survey.responses.answers import ConcurrentSave
    from survey.web.respond import section

    invited = open_round(app)
    identify(client, invited)
    csrf, versions = section_form(client, invited, "handlingsplan")

    def lose_the_race(*_args: object, **_kwargs: object) -> None:
        raise ConcurrentSave("answers changed while saving")

    monkeypatch.setattr(section, "save_posted", lose_the_race)
    response = client.post(invited.url(path="/avsnitt/handlingsplan"), data={
        "csrf_token": csrf, "action": "save", **versions, "q01": "ja", "q01_kommentar": "Viktig text"})
    assert response.status_code == 409
    assert "klicka Spara igen" in response.text and "Viktig text" in response.text
    assert stored(invited) == {}


def test_the_organisation_sees_that_staff_reopened_its_response(app: Flask, client: FlaskClient) -> None:
    from survey.db import Organisation, Response
    from survey.responses.answers import reopen
    from tests.respond_helpers import load_round

    invited = open_round(app)
    round_ = load_round(invited.round_id)
    org = db.session.scalars(select(Organisation).where(Organisation.code == REGION)).one()
    response = Response(round_id=round_.id, organisation_id=org.id, status="submitted",
                        submitted_at=round_.created_at, submitted_by="Anna",
                        questionnaire_hash=round_.questionnaire_version.content_hash)
    db.session.add(response)
    db.session.flush()
    reopen(db.session, response, "admin@example.se", "Fel siffra i fråga 3")
    db.session.commit()
    identify(client, invited)
    page = client.get(invited.url())
    assert "har öppnat era inskickade svar igen" in page.text
    assert "Skäl: Fel siffra i fråga 3" in page.text
