"""Respondent flows through the test client (issue 11): section states that tell the truth,
the receipt number and its e-mail, file names in words, the session that ends on the server."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.respond_helpers import identify, open_round, post_section


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
