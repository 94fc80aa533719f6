"""Respondent flows through the test client (issue 11): section states that tell the truth,
the receipt number and its e-mail, file names in words, the session that ends on the server."""

from __future__ import annotations

import email
import email.policy
import io
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from survey.db import Response
from survey.web.extensions import db
from tests.respond_helpers import REGION, identify, open_round, post_section, submit_through_link


def test_an_optional_section_is_not_complete_before_anyone_opens_it(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    identify(client, invited)
    page = client.get(invited.url()).text
    assert 'id="state-exempel">Frivilligt' in page and 'id="state-exempel">Klar' not in page
    post_section(client, invited, "exempel", {"q22": "Mer tid för analys."})
    page = client.get(invited.url()).text
    assert 'id="state-exempel">Klar' in page


def test_save_and_continue_later_ends_the_session_on_the_server(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    identify(client, invited)
    copied = client.get_cookie("session")
    assert copied is not None
    assert client.get(invited.url()).status_code == 200  # the person is known
    later = post_section(client, invited, "handlingsplan", {"q01": "nej"}, action="later")
    assert later.status_code == 303 and later.headers["Location"].endswith("/fortsatt-senare")
    assert "glömt ditt namn" in client.get(later.headers["Location"]).text
    # A cookie copied before «Spara och fortsätt senare» no longer acts as that person.
    other = app.test_client()
    other.set_cookie(copied.key, copied.value, domain=copied.domain or "localhost")
    answer = other.get(invited.url())
    assert answer.status_code == 303 and "/vem" in answer.headers["Location"]
    assert other.get(invited.url(path="/avsnitt/ansvar")).status_code == 303


def test_receipt_number_mail_and_file_names_in_words(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    app.config.update(MAIL_BACKEND="file", MAIL_FILE_DIR=str(tmp_path / "mail"), MAIL_FROM="enkat@socialstyrelsen.se")
    invited = open_round(app, codes="08,01")
    location = submit_through_link(client, invited, "08")
    receipt = client.get(location).text
    number = re.search(r'class="receipt-number">(PS-2025-08-[2-9A-Z]{4})<', receipt)
    assert number is not None, receipt
    assert "har skickats till anna@example.se" in receipt
    stored = db.session.scalar(select(Response.receipt_number).where(Response.receipt_number == number.group(1)))
    assert stored == number.group(1)
    # The confirmation e-mail: to the person who submitted, with the number and the answers.
    [sent] = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
              for p in (tmp_path / "mail").iterdir()]
    assert sent["To"] == "anna@example.se" and number.group(1) in sent["Subject"]
    assert number.group(1) in sent.get_body(("plain",)).get_content()
    [attached] = list(sent.iter_attachments())
    assert attached.get_filename() == "Svar Region Kalmar län 2025.xlsx"
    book = load_workbook(io.BytesIO(attached.get_content()))
    assert ["Kvittensnummer", number.group(1)] in [[c.value for c in row][:2] for row in book["Svar"].iter_rows()]
    # The same file from the receipt page, named in words (RFC 6266 with a UTF-8 filename*).
    download = client.get(invited.url("08", "/svaren.xlsx"))
    disposition = download.headers["Content-Disposition"]
    assert "filename*=UTF-8''Svar%20Region%20Kalmar%20l%C3%A4n%202025.xlsx" in disposition
    assert disposition.startswith("attachment; filename=")
    printable = client.get(invited.url("08", "/svaren")).text
    assert "<title>Svar Region Kalmar län 2025 –" in printable and number.group(1) in printable
    # Another organisation gets its own number; a second look at the receipt keeps it.
    other = client.get(submit_through_link(client, invited, REGION)).text
    assert number.group(1) not in other and "PS-2025-01-" in other
    assert number.group(1) in client.get(invited.url("08", "/kvitto")).text


def test_a_failed_receipt_mail_is_said_and_the_submission_stands(app: Flask, client: FlaskClient) -> None:
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=9)  # nobody listens
    invited = open_round(app, codes=REGION)
    page = client.get(submit_through_link(client, invited, REGION)).text
    assert "Bekräftelsen kunde inte skickas" in page and "Svaren är inskickade" in page
    assert db.session.scalar(select(Response.status)) == "submitted"


def test_public_service_basics(app: Flask, client: FlaskClient) -> None:
    start = client.get("/")
    assert start.status_code == 200 and "Har du fått en länk?" in start.text and "/admin/" in start.text
    with client.get("/favicon.ico") as favicon:
        assert favicon.status_code == 200 and favicon.mimetype == "image/svg+xml"
    for path, words in (("/tillganglighet", "lagen (2018:1937)"), ("/personuppgifter", "personuppgiftsansvarig"),
                        ("/kontakt", "patientsakerhet@socialstyrelsen.se")):
        page = client.get(path)
        assert page.status_code == 200 and words in page.text
    invited = open_round(app)
    identify(client, invited)
    overview = client.get(invited.url()).text
    for path in ("/tillganglighet", "/personuppgifter", "/kontakt", "favicon.svg"):
        assert path in overview  # on every respondent page, through the shared layout
    app.config["AGENCY_EMAIL"] = "enkat@exempel.se"  # the agency's own details are settings
    assert "enkat@exempel.se" in client.get("/kontakt").text
