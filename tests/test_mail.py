"""Contacts, invitations and reminders: templates, backends, the log, imports, mail merge."""

from __future__ import annotations

import email
import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from survey.db import Organisation, Round, SentMail
from survey.mail.backends import ConsoleBackend
from survey.mail.contacts import contacts_by_org, save_contact
from survey.mail.mailings import check_template
from survey.web.extensions import db
from tests.staff_helpers import ADMIN, answer, complete_answers, csrf_token, post


@pytest.fixture
def app(app: Flask, tmp_path: Path) -> Flask:
    app.config.update(MAIL_BACKEND="file", MAIL_FILE_DIR=str(tmp_path / "mail"),
                      MAIL_FROM="Enkät <enkat@socialstyrelsen.se>")
    return app


def _contacts() -> None:
    orgs = {o.code: o for o in db.session.scalars(select(Organisation))}
    save_contact(db.session, orgs["0180"], "registrator@stockholm.se", "Eva Ek", "eva.ek@stockholm.se", "test")
    save_contact(db.session, orgs["1480"], "diarium@goteborg.se", "", "", "test")
    db.session.commit()


def _mails(app: Flask) -> list[email.message.Message]:
    folder = Path(app.config["MAIL_FILE_DIR"])
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted(folder.glob("*.eml"))] if folder.exists() else []


def test_invitations_go_to_every_contact_once(app: Flask, admin_client: FlaskClient, kommun_round: Round) -> None:
    _contacts()
    page = post(admin_client, f"/admin/rundor/{kommun_round.id}/utskick/skicka",
                {"kind": "invitation", "confirmed": "1"},
                follow_redirects=True).get_data(as_text=True)
    assert "köad till 2 organisationer (3 meddelanden)" in page and "1 saknar e-postadress: Upplands Väsby" in page
    mails = _mails(app)
    assert sorted(m["To"] for m in mails) == ["diarium@goteborg.se", "eva.ek@stockholm.se", "registrator@stockholm.se"]
    eva = next(m for m in mails if m["To"] == "eva.ek@stockholm.se")
    body = eva.get_content()
    assert eva["From"] == "Enkät <enkat@socialstyrelsen.se>" and "Stockholm" in eva["Subject"]
    assert body.startswith("Hej Eva Ek!") and "http://localhost/svar/" in body
    assert kommun_round.closes_on.isoformat() in body
    log = db.session.scalars(select(SentMail).order_by(SentMail.id)).all()
    assert [(m.kind, m.sent_by, m.status, m.backend, m.attempts) for m in log] == [
        ("invitation", ADMIN, "sent", "file", 1)] * 3
    assert all(m.sent_at is not None and m.error is None for m in log)
    # Sending again reaches nobody new; with «resend» everyone again.
    post(admin_client, f"/admin/rundor/{kommun_round.id}/utskick/skicka", {"kind": "invitation", "confirmed": "1"})
    assert len(_mails(app)) == 3
    post(admin_client, f"/admin/rundor/{kommun_round.id}/utskick/skicka",
         {"kind": "invitation", "resend": "y", "confirmed": "1"})
    assert len(_mails(app)) == 6
    assert "eva.ek@stockholm.se" in admin_client.get(f"/admin/rundor/{kommun_round.id}/utskick").get_data(as_text=True)


def test_reminders_skip_those_who_submitted(app: Flask, admin_client: FlaskClient, kommun_round: Round) -> None:
    _contacts()
    answer(kommun_round, "0180", complete_answers(kommun_round), submit_it=True)
    post(admin_client, f"/admin/rundor/{kommun_round.id}/utskick/skicka", {"kind": "reminder", "confirmed": "1"})
    assert [m["To"] for m in _mails(app)] == ["diarium@goteborg.se"]
    assert _mails(app)[0]["Subject"].startswith("Påminnelse")


def test_edited_template_is_used_and_checked(app: Flask, admin_client: FlaskClient, kommun_round: Round) -> None:
    _contacts()
    url = f"/admin/rundor/{kommun_round.id}/utskick/mall/invitation"
    bad = post(admin_client, url, {"subject": "Hej {kommun}", "body": "Ingen länk"}, token_from=url)
    text = bad.get_data(as_text=True)
    assert "okända fält: {kommun}" in text and "måste innehålla {lank}" in text
    post(admin_client, url, {"subject": "Enkät till {organisation}", "body": "Svara här: {lank} senast {sista_dag}."},
         token_from=url)
    post(admin_client, f"/admin/rundor/{kommun_round.id}/utskick/skicka", {"kind": "invitation", "confirmed": "1"})
    goteborg = next(m for m in _mails(app) if m["To"] == "diarium@goteborg.se")
    assert goteborg["Subject"] == "Enkät till Göteborg"
    assert goteborg.get_content().startswith("Svara här: http://localhost/svar/")


def test_check_template_rules() -> None:
    assert check_template("Ämne", "{lank}") == []
    assert any("ensam klammerparentes" in p for p in check_template("Ämne {", "{lank}"))
    assert any("en rad" in p for p in check_template("Ämne\nBcc: x@y.se", "{lank}"))


def test_console_backend_prints_the_message() -> None:
    from survey.mail.delivery import message_of

    out = io.StringIO()
    ConsoleBackend(out).send([message_of(SentMail(sender="a@b.se", recipient="c@d.se", subject="Ämne", body="Hej"))])
    assert "To: c@d.se" in out.getvalue() and "Hej" in out.getvalue()


def test_no_mail_to_a_closed_round(admin_client: FlaskClient, kommun_round: Round) -> None:
    kommun_round.state = "closed"
    db.session.commit()
    page = post(admin_client, f"/admin/rundor/{kommun_round.id}/utskick/skicka",
                {"kind": "invitation", "confirmed": "1"},
                token_from="/admin/", follow_redirects=True)
    assert "Omgången är stängd" in page.get_data(as_text=True)


def test_contacts_import_from_csv_all_or_nothing(admin_client: FlaskClient) -> None:
    url = "/admin/kontakter/import"
    bad = ("kod;registrator;kontaktperson;epost\r\n0180;reg@stockholm.se;Eva;eva@stockholm.se\r\n"
           "9999;x@y.se;;\r\n1480;inte-en-adress;;\r\n")
    page = admin_client.post(url, data={"csrf_token": csrf_token(admin_client, url),
                                        "file": (io.BytesIO(bad.encode("cp1252")), "kontakter.csv")})
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "Rad 3: okänd organisationskod «9999»." in text and "Rad 4" in text
    assert contacts_by_org(db.session) == {}
    good = "Kod,Registrator,Kontaktperson,Epost\n180,reg@stockholm.se,Eva Åberg,eva@stockholm.se\n"
    page = admin_client.post(url, data={"csrf_token": csrf_token(admin_client, url),
                                        "file": (io.BytesIO(good.encode("utf-8-sig")), "k.csv")})
    assert page.status_code == 302
    (contact,) = contacts_by_org(db.session).values()
    assert (contact.organisation.code, contact.respondent_name, contact.updated_by) == ("0180", "Eva Åberg", ADMIN)


def test_contacts_import_from_excel_keeps_blank_cells(admin_client: FlaskClient) -> None:
    orgs = {o.code: o for o in db.session.scalars(select(Organisation))}
    save_contact(db.session, orgs["1480"], "", "Göran", "goran@goteborg.se", "test")
    db.session.commit()
    book = Workbook()
    book.active.append(["kod", "registrator"])
    book.active.append(["1480", "diarium@goteborg.se"])
    data = io.BytesIO()
    book.save(data)
    url = "/admin/kontakter/import"
    assert admin_client.post(url, data={"csrf_token": csrf_token(admin_client, url),
                                        "file": (io.BytesIO(data.getvalue()), "k.xlsx")}).status_code == 302
    db.session.expire_all()
    contact = contacts_by_org(db.session)[orgs["1480"].id]
    assert (contact.registrar_email, contact.respondent_name) == ("diarium@goteborg.se", "Göran")


def test_mail_merge_lists_are_safe_and_complete(admin_client: FlaskClient, kommun_round: Round) -> None:
    orgs = {o.code: o for o in db.session.scalars(select(Organisation))}
    save_contact(db.session, orgs["0180"], "", "=HYPERLINK(\"http://x\")", "", "test")
    db.session.commit()
    csv_text = admin_client.get(f"/admin/rundor/{kommun_round.id}/lankar.csv").data.decode("utf-8-sig")
    lines = csv_text.splitlines()
    assert lines[0].startswith("Kod;Organisation;Registrator") and len(lines) == 4
    assert "'=HYPERLINK" in csv_text and "http://localhost/svar/" in csv_text
    book = load_workbook(io.BytesIO(admin_client.get(f"/admin/rundor/{kommun_round.id}/lankar.xlsx").data))
    rows = list(book.active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["Göteborg", "Stockholm", "Upplands Väsby"]
    cell = next(c for c in book.active[3] if c.value and str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"
