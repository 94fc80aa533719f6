"""Staff flows (issue 11): bulk actions say what they will do first; invitations never go
to organisations that have submitted; the mails greet people, not mailboxes."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey.db import Organisation, Round, SentMail
from survey.mail.contacts import save_contact
from survey.web.extensions import db
from tests.staff_helpers import IsolatedClient, answer, complete_answers, new_round, post


@pytest.fixture
def app(app: Flask, tmp_path: Path) -> Flask:
    app.test_client_class = IsolatedClient
    app.config.update(MAIL_BACKEND="file", MAIL_FILE_DIR=str(tmp_path / "mail"))
    return app


def _contacts(*codes: str) -> None:
    orgs = {o.code: o for o in db.session.scalars(select(Organisation))}
    for code in codes:
        save_contact(db.session, orgs[code], f"registrator@{code}.se", "", "", "test")
    save_contact(db.session, orgs[codes[0]], f"registrator@{codes[0]}.se", "Eva Ek", "eva@x.se", "test")
    db.session.commit()


def _mails(app: Flask) -> list[email.message.EmailMessage]:
    folder = Path(app.config["MAIL_FILE_DIR"])
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
            for p in sorted(folder.glob("*.eml"))] if folder.exists() else []


def test_a_mailing_is_confirmed_with_count_recipients_and_preview(app: Flask, admin_client: FlaskClient,
                                                                  kommun_round: Round) -> None:
    _contacts("0180", "1480")
    url = f"/admin/rundor/{kommun_round.id}/utskick/skicka"
    page = post(admin_client, url, {"kind": "invitation"}).get_data(as_text=True)
    assert "2 organisationer får 3 meddelanden. Inget är skickat ännu." in page
    assert "registrator@1480.se" in page and "eva@x.se" in page  # the recipients
    assert "Hej Eva Ek!" in page or "Hej!" in page  # the message itself
    assert "1 saknar e-postadress" in page
    assert _mails(app) == [] and db.session.scalar(select(func.count()).select_from(SentMail)) == 0
    post(admin_client, url, {"kind": "invitation", "confirmed": "1"})
    assert len(_mails(app)) == 3


def test_invitations_never_go_to_an_organisation_that_has_submitted(app: Flask, admin_client: FlaskClient,
                                                                    kommun_round: Round) -> None:
    _contacts("0180", "1480")
    answer(kommun_round, "1480", complete_answers(kommun_round), submit_it=True)
    url = f"/admin/rundor/{kommun_round.id}/utskick/skicka"
    post(admin_client, url, {"kind": "invitation", "resend": "y", "confirmed": "1"})
    post(admin_client, url, {"kind": "reminder", "confirmed": "1"})
    assert {m["To"] for m in _mails(app)} == {"registrator@0180.se", "eva@x.se"}


def test_mails_greet_people_and_name_the_right_role(app: Flask, admin_client: FlaskClient) -> None:
    regions = new_round(codes="08", questionnaire="regioner-2025", name="Regioner 2026")
    kommuner = new_round(codes="0180", name="Kommuner 2026")
    orgs = {o.code: o for o in db.session.scalars(select(Organisation))}
    save_contact(db.session, orgs["08"], "region.kalmar@regionkalmar.se", "", "", "test")
    save_contact(db.session, orgs["0180"], "registrator@stockholm.se", "", "", "test")
    db.session.commit()
    for round_ in (regions, kommuner):
        post(admin_client, f"/admin/rundor/{round_.id}/utskick/skicka", {"kind": "invitation", "confirmed": "1"})
    by_to = {m["To"]: m.get_content() for m in _mails(app)}
    region, kommun = by_to["region.kalmar@regionkalmar.se"], by_to["registrator@stockholm.se"]
    assert region.startswith("Hej!\n") and "Registrator!" not in region
    assert "chefläkaren" in region and "medicinskt ansvarig sjuksköterska" not in region
    assert "medicinskt ansvarig sjuksköterska" in kommun
    assert "/hela-enkaten" in region  # the whole questionnaire, to collect answers first


def test_closing_a_round_says_what_it_will_do_first(app: Flask, admin_client: FlaskClient,
                                                    kommun_round: Round) -> None:
    answer(kommun_round, "1480", complete_answers(kommun_round), submit_it=True)
    detail = admin_client.get(f"/admin/rundor/{kommun_round.id}").get_data(as_text=True)
    assert f'/admin/rundor/{kommun_round.id}/status/close"' not in detail  # no one-click close
    page = admin_client.get(f"/admin/rundor/{kommun_round.id}/stang").get_data(as_text=True)
    assert "3 organisationer är med. 1 har skickat in sitt svar;" in page
    assert "Stockholm" in page and "Upplands Väsby" in page and "Göteborg (" not in page
    assert kommun_round.state == "open"
    post(admin_client, f"/admin/rundor/{kommun_round.id}/status/close")
    db.session.refresh(kommun_round)
    assert kommun_round.state == "closed" and kommun_round.closed_at is not None


def test_events_show_what_respondents_did(app: Flask, admin_client: FlaskClient, kommun_round: Round) -> None:
    from survey.rounds.lifecycle import active_link
    from survey.rounds.links import derive_token
    from tests.respond_helpers import Invited, identify, post_section, submit_through_link

    links = {m.organisation.code: active_link(m) for m in kommun_round.members}
    tokens = {code: derive_token(app.config["SECRET_KEY"], link.nonce) for code, link in links.items() if link}
    invited = Invited(kommun_round.id, tokens)
    respondent = app.test_client()
    identify(respondent, invited, "0114")
    section = kommun_round.questionnaire_version.definition["sections"][0]["id"]
    first = next(f for f in complete_answers(kommun_round))
    post_section(respondent, invited, section, {first: complete_answers(kommun_round)[first]}, code="0114")
    submit_through_link(app.test_client(), invited, "1480")
    page = admin_client.get(f"/admin/rundor/{kommun_round.id}/handelser").get_data(as_text=True)
    assert "Inga händelser ännu" not in page
    for words in ("Angav namn och e-post för att svara", "Svar sparades", "Svaren skickades in",
                  "Anna Andersson &lt;anna@example.se&gt;", "Upplands Väsby", "Göteborg",
                  "kvittensnummer: PS-2025-1480-"):
        assert words in page, words
