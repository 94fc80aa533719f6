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
