"""Hostile text on the way in (issue 10, items 1–4 and 7), on SQLite and PostgreSQL.

Control characters and NUL are cleaned at the boundary (``survey.text``), so they never reach
the database or a workbook; tampered version fields get a clear page, never a 500; reflection
notes survive an expired CSRF token; the cached section shell shows nobody else's messages.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from survey.cli import cli
from survey.db import AuditEvent, ReflectionNote, Respondent, Round
from survey.reflection import NOTE_LIMIT
from survey.text import clean_line, clean_text, has_unwanted, parse_int
from survey.web.extensions import db
from tests.respond_helpers import REGION, csrf_of, identify, open_round, section_form
from tests.staff_helpers import csrf_token

HOSTILE = "A\x00n\x01n\x0b\x1f\x7f\x85\x9f\ufffe\ud800a"


def test_clean_text_removes_controls_keeps_lines_and_composes() -> None:
    assert clean_text(HOSTILE) == "Ann\na"  # NEL is a newline; the rest goes
    assert clean_text("rad 1\r\nrad 2\rrad 3\u2028\tslut") == "rad 1\nrad 2\nrad 3\n\tslut"
    assert clean_text("Ma\u0308lar") == "Mälar" and len(clean_text("a\u030a")) == 1
    assert clean_line("  Ann \n  Berg\t") == "Ann Berg"
    assert not has_unwanted(clean_text(HOSTILE)) and has_unwanted("a\x00")
    with pytest.raises(ValueError, match="högst 3 tecken"):
        clean_text("abcd", 3)


@pytest.mark.parametrize("text", ["²", "١", "1_0", "-1", "+1", " 1", "1.0", "", "99999999999", "2147483648"])
def test_versions_are_plain_ascii_numbers(text: str) -> None:
    assert parse_int(text) is None


def test_parse_int_reads_plain_numbers() -> None:
    assert parse_int("0") == 0 and parse_int("2147483647") == 2**31 - 1 and parse_int(None) is None


def _workbook_texts(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    return [str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
            if cell.value is not None]


def test_control_characters_in_a_name_are_cleaned_and_exports_work(app: Flask, client: FlaskClient,
                                                                   admin_client: FlaskClient) -> None:
    """Item 1 and 2: «Ann\\x01a» and NUL on /vem are stored clean; progress and answers files open."""
    invited = open_round(app)
    page = client.get(invited.url(path="/vem"))
    saved = client.post(invited.url(path="/vem"), data={
        "csrf_token": csrf_of(page.text), "namn": "Ann\x01a\x00 Berg", "epost": "ctl\x00@x.se", "nasta": ""})
    assert saved.status_code == 303
    person = db.session.scalars(select(Respondent)).one()
    assert (person.name, person.email) == ("Anna Berg", "ctl@x.se")
    csrf, versions = section_form(client, invited, "handlingsplan")
    answer = client.post(invited.url(path="/avsnitt/handlingsplan"), data={
        "csrf_token": csrf, **versions, "q01": "nej", "q01_kommentar": "Plan\x00en\x02 finns"})
    assert answer.status_code == 303
    progress = admin_client.get(f"/admin/rundor/{invited.round_id}/framsteg.xlsx")
    assert progress.status_code == 200 and "Anna Berg <ctl@x.se>" in " ".join(_workbook_texts(progress.data))
    receipt = client.get(invited.url(path="/svaren.xlsx"))
    assert receipt.status_code == 200 and "Planen finns" in _workbook_texts(receipt.data)


def test_nul_in_the_staff_login_is_a_failed_login_not_a_500(client: FlaskClient, admin_user: object) -> None:
    """Item 2: no login needed to send it, so it must never reach PostgreSQL."""
    answer = client.post("/admin/logga-in", data={"email": "adm\x00in@example.se", "password": "x\x00y",
                                                  "csrf_token": csrf_token(client)})
    assert answer.status_code == 200 and "Fel e-postadress eller lösenord." in answer.text
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed")).all()
    assert [event.actor for event in events] == ["admin@example.se"]


def test_tampered_versions_get_a_clear_page_with_what_was_typed(app: Flask, client: FlaskClient) -> None:
    """Item 3: «²» passes ``str.isdigit`` and then fails ``int``: a section save, an autosave, a submit."""
    invited = open_round(app)
    identify(client, invited)
    csrf, versions = section_form(client, invited, "handlingsplan")
    posted = {"csrf_token": csrf, **versions, "q01": "nej", "q01_kommentar": "Min text", "v__q01": "²"}
    full = client.post(invited.url(path="/avsnitt/handlingsplan"), data=posted)
    assert full.status_code == 422
    assert "ogiltig version" in full.text and "Min text" in full.text
    auto = client.post(invited.url(path="/avsnitt/handlingsplan/autospara"), data=posted)
    assert auto.status_code == 422 and auto.json is not None and auto.json["error"] == "invalid"
    review = client.get(invited.url(path="/granska"))
    submitted = client.post(invited.url(path="/skicka-in"), data={"csrf_token": csrf_of(review.text),
                                                                  "version": "²"})
    assert submitted.status_code == 422
    assert db.session.scalar(select(Respondent.id)) is not None  # the identity stayed; no answer was written
    from survey.db import Answer
    assert db.session.scalars(select(Answer)).all() == []


def _notes_form(client: FlaskClient, token: str) -> dict[str, str]:
    html = client.get(f"/reflektion/{token}/anteckningar").get_data(as_text=True)
    fields = dict(re.findall(r'name="(version-[a-z0-9]+)" value="(\d+)"', html))
    fields["csrf_token"] = csrf_of(html)
    return fields


def _notes() -> list[tuple[str, str]]:
    db.session.expire_all()
    return [(n.question_key, n.text) for n in db.session.scalars(select(ReflectionNote).order_by(ReflectionNote.id))]


def test_reflection_notes_are_cleaned_and_tampering_is_refused(client: FlaskClient,
                                                               published: tuple[Round, str]) -> None:
    """Items 2 and 3 on the notes: NUL is cleaned; «abc» as a version is a 422 with the text shown."""
    _, token = published
    url = f"/reflektion/{token}/anteckningar"
    before = _notes()
    refused = client.post(url, data={**_notes_form(client, token), "note-fraga1": "Vår text", "version-fraga1": "abc"})
    assert refused.status_code == 422 and "Vår text" in refused.text and "ogiltig version" in refused.text
    assert _notes() == before
    saved = client.post(url, data={**_notes_form(client, token), "note-fraga1": "a\x00b\x01c"})
    assert saved.status_code == 302
    assert ("fraga1", "abc") in _notes()


def test_a_note_over_the_limit_is_refused_and_shown_again(client: FlaskClient, published: tuple[Round, str]) -> None:
    """Item 4: no silent cut with «sparade»."""
    _, token = published
    before = _notes()
    long_note = "x" * (NOTE_LIMIT + 1)
    answer = client.post(f"/reflektion/{token}/anteckningar",
                         data={**_notes_form(client, token), "note-fraga1": long_note, "note-fraga2": "Kort"})
    assert answer.status_code == 422
    assert "Anteckningen är 10\u00a0001 tecken lång; högst 10\u00a0000 tecken får plats." in answer.text
    assert long_note in answer.text and "Kort" in answer.text
    assert _notes() == before


@pytest.mark.parametrize("lost", ["csrf", "session"])
def test_notes_survive_an_expired_csrf_token_or_a_lost_session(app: Flask, published: tuple[Round, str],
                                                               lost: str) -> None:
    """Item 4: the notes page again with what was typed and a Swedish message, status 400."""
    _, token = published
    first = app.test_client()
    form = _notes_form(first, token)
    if lost == "csrf":
        form["csrf_token"] = form["csrf_token"][:-4] + "AAAA"
        poster = first
    else:
        poster = app.test_client()  # no session cookie: the token belongs to no session
    before = _notes()
    answer = poster.post(f"/reflektion/{token}/anteckningar", data={**form, "note-fraga1": "Skrivet länge"})
    assert answer.status_code == 400
    assert "Skrivet länge" in answer.text and "anteckningarna inte kunde sparas" in answer.text
    assert csrf_of(answer.text)  # a fresh token: saving again works
    assert _notes() == before


def test_the_section_shell_carries_no_other_visitors_flash(app: Flask) -> None:
    """Item 7: a message flashed to one session must not reach another organisation's page."""
    invited = open_round(app)
    first, second = app.test_client(), app.test_client()
    identify(first, invited)
    identify(second, invited, code="03", name="Bo Berg", email="bo@example.se")
    assert first.get("/admin/").status_code == 302  # flashes «Logga in för att fortsätta.» to the first
    own = first.get(invited.url(path="/avsnitt/handlingsplan"))
    other = second.get(invited.url(code="03", path="/avsnitt/handlingsplan"))
    assert own.status_code == other.status_code == 200
    assert "Logga in för att fortsätta." in own.text
    assert "Logga in för att fortsätta." not in other.text
    again = first.get(invited.url(path="/avsnitt/handlingsplan"))
    assert "Logga in för att fortsätta." not in again.text  # shown once, as flashed messages are
    assert REGION != "03"


def _store_hostile(round_: Round, code: str, text: str) -> None:
    """Hostile text stored as an older version (or a script) could have left it, bypassing the boundary."""
    from survey.db import Answer, OrganisationContact, Response
    from survey.rounds.lifecycle import questionnaire_of

    member = next(m for m in round_.members if m.organisation.code == code)
    member.organisation.name = f"Region{text}Kronoberg"
    round_.name = f"Runda{text}2025"
    db.session.add(Respondent(round_organisation_id=member.id, name=f"Ann{text}a", email="ann@x.se"))
    db.session.add(OrganisationContact(organisation=member.organisation, respondent_name=f"Bo{text}",
                                       respondent_email="bo@x.se", registrar_email="", updated_by="test"))
    db.session.add(ReflectionNote(round_id=round_.id, organisation_id=member.organisation_id, question_key="fraga1",
                                  text=f"Not{text}en", version=1, updated_by="test"))
    response = db.session.scalars(select(Response).where(Response.round_id == round_.id,
                                                         Response.organisation_id == member.organisation_id)).one()
    free_text = next(f.id for f in questionnaire_of(round_).fields if f.type.value == "text" and f.gate is None)
    row = db.session.scalars(select(Answer).where(Answer.response_id == response.id,
                                                  Answer.answer_id == free_text)).first()
    if row is None:
        db.session.add(Answer(response_id=response.id, answer_id=free_text, value=f"Svar{text}et", version=1))
    else:
        row.value = f"Svar{text}et"
    db.session.commit()


def test_every_workbook_is_safe_against_control_characters_anyway(database_url: str, admin_client: FlaskClient,
                                                                  published: tuple[Round, str]) -> None:
    """Item 1: each writer cleans what it writes, so old data cannot break an export for good."""
    from survey.demo.data_2024 import DEMO_REGION

    round_, token = published
    text = "\x01\x02\x0b\x0c\x1f\ufffe" + ("\x00" if database_url.startswith("sqlite") else "")
    _store_hostile(round_, DEMO_REGION, text)
    files = {
        "framsteg": admin_client.get(f"/admin/rundor/{round_.id}/framsteg.xlsx"),
        "lista": admin_client.get(f"/admin/rundor/{round_.id}/lankar.xlsx"),
        "svarsfil": admin_client.get(f"/admin/resultat/{round_.id}/svar.xlsx"),
        "reflektion": admin_client.get(f"/reflektion/{token}/reflektion.xlsx"),
    }
    for name, answer in files.items():
        assert answer.status_code == 200, name
        texts = " ".join(_workbook_texts(answer.data))
        assert "Kronoberg" in texts, name
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", texts), name
    assert "RegionKronoberg" in " ".join(_workbook_texts(files["framsteg"].data))
    assert "Noten" in " ".join(_workbook_texts(files["reflektion"].data))
    for url in (f"/reflektion/{token}/reflektion.pptx", f"/admin/teman/{round_.id}/sammanstallning.pptx"):
        assert admin_client.get(url).status_code == 200, url


def test_the_cli_progress_workbook_is_safe_against_control_characters(database_url: str, runner: FlaskCliRunner,
                                                                      published: tuple[Round, str],
                                                                      tmp_path: Path) -> None:
    """Item 1 from the CLI: ``survey round progress <id> --xlsx`` with a name stored before the boundary."""
    from survey.demo.data_2024 import DEMO_REGION

    round_, _ = published
    _store_hostile(round_, DEMO_REGION, "\x01\x0b\x1f\ufffe" + ("\x00" if database_url.startswith("sqlite") else ""))
    target = tmp_path / "framsteg.xlsx"
    result = runner.invoke(cli, ["round", "progress", str(round_.id), "--xlsx", str(target)])
    assert result.exit_code == 0, result.output
    texts = " ".join(_workbook_texts(target.read_bytes()))
    assert "RegionKronoberg" in texts and "Anna" in texts
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", texts)
