"""Staff make next year's questionnaire: «Enkäter» lists versions, takes uploads (YAML or
XLSForm) and stores nothing on any error, previews every branch, and shows what changed."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from exports.xlsform import xlsform_bytes
from survey.db import AuditEvent, QuestionnaireVersion, Response
from survey.questionnaire import load_questionnaire
from survey.rounds.lifecycle import latest_version
from survey.web.extensions import db
from tests.browser import assert_accessible
from tests.helpers import QUESTIONNAIRES
from tests.staff_helpers import ADMIN, PASSWORD, make_staff, new_round, post


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)) or 0


def _rows(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def _upload(client: FlaskClient, data: bytes, name: str) -> Any:
    return post(client, "/admin/enkater/ladda-upp", {"file": (io.BytesIO(data), name)},
                token_from="/admin/enkater/", content_type="multipart/form-data")


def _next_year(source: str = "regioner-2025", new_id: str = "regioner-2026") -> bytes:
    """Next year's questionnaire, made from this year's XLSForm as staff would."""
    book = load_workbook(io.BytesIO(xlsform_bytes(load_questionnaire(QUESTIONNAIRES / f"{source}.yaml"))))
    settings = book["settings"]
    columns = [cell.value for cell in settings[1]]
    settings.cell(2, columns.index("form_id") + 1, new_id)
    settings.cell(2, columns.index("year") + 1, "2026")
    survey = book["survey"]
    names = [cell.value for cell in survey["B"]]
    label = [cell.value for cell in survey[1]].index("label") + 1
    survey.cell(names.index("q02") + 1, label, "Har {organisationen} en aktuell patientsäkerhetsstrategi?")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_upload_of_an_edited_xlsform_stores_a_version_and_shows_the_changes(admin_client: FlaskClient) -> None:
    before = _count()
    page = _upload(admin_client, _next_year(), "regioner-2026.xlsx")
    assert page.status_code == 302, page.get_data(as_text=True)[:2000]
    version = latest_version(db.session, "regioner-2026")
    assert _count() == before + 1 and version.loaded_by == "admin@socialstyrelsen.se"
    assert version.source_path == "regioner-2026.xlsx"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "questionnaire.upload"))
    text = admin_client.get(f"/admin/enkater/{version.id}").get_data(as_text=True)
    assert "Jämfört med regioner-2025 (2025)" in text and "Formuleringen har ändrats" in text
    csv_text = admin_client.get(f"/admin/enkater/{version.id}/andringar.csv").get_data(as_text=True)
    assert csv_text.splitlines()[1].startswith("q02;2;")


def test_an_upload_with_errors_lists_them_by_sheet_and_row_and_stores_nothing(admin_client: FlaskClient) -> None:
    book = load_workbook(io.BytesIO(_next_year()))
    survey = book["survey"]
    survey.cell(5, 1, "geopoint")
    survey.cell(6, 2, "q01")  # a duplicate name
    buffer = io.BytesIO()
    book.save(buffer)
    before = _count()
    page = _upload(admin_client, buffer.getvalue(), "regioner-2026.xlsx")
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and _count() == before
    assert "regioner-2026.xlsx:survey:5:" in text and "cannot be expressed" in text
    assert "Filen lästes inte in – inget har sparats" in text
    assert _upload(admin_client, b"not a workbook", "x.xlsx").status_code == 422 and _count() == before


def test_a_yaml_upload_works_too(admin_client: FlaskClient) -> None:
    source = (QUESTIONNAIRES / "regioner-2025.yaml").read_text("utf-8")
    source = source.replace("id: regioner-2025", "id: regioner-2027", 1)
    source = source.replace("year: 2025", "year: 2027", 1)
    assert _upload(admin_client, source.encode(), "regioner-2027.yaml").status_code == 302
    assert latest_version(db.session, "regioner-2027").year == 2027


def test_the_2024_to_2025_comparison_shows_its_three_deliberate_changes(admin_client: FlaskClient) -> None:
    version = latest_version(db.session, "regioner-2025")
    known = select(QuestionnaireVersion).where(QuestionnaireVersion.questionnaire_id == "regioner-2024")
    if db.session.scalar(known) is None:
        from survey.setup import store_questionnaire

        store_questionnaire(db.session, load_questionnaire(QUESTIONNAIRES / "regioner-2024.yaml"))
        db.session.commit()
    text = admin_client.get(f"/admin/enkater/{version.id}").get_data(as_text=True)
    assert "Jämfört med regioner-2024 (2024): 4 svars-id" in text
    for answer_id, change in (("q13", "Formuleringen har ändrats"), ("q19a", "Svarsalternativen har ändrats"),
                              ("q21_1", "Ny fråga"), ("q21_2", "Ny fråga")):
        assert f"<code>{answer_id}</code></th><td>" in text and change in text


def test_preview_shows_follow_ups_after_an_answer_and_stores_nothing(admin_client: FlaskClient) -> None:
    version = latest_version(db.session, "regioner-2025")
    url = f"/admin/enkater/{version.id}/forhandsvisning/handlingsplan"
    first = admin_client.get(url).get_data(as_text=True)
    assert "Förhandsvisning." in first and 'name="q01"' in first
    assert re.search(r'id="block-q01a" data-show-if="q01a" hidden', first)
    events, responses = _rows(AuditEvent), _rows(Response)
    answered = post(admin_client, url, {"q01": "ja", "v__q01": "0", "action": "save"}, token_from=url)
    assert answered.status_code == 200
    text = answered.get_data(as_text=True)
    assert re.search(r'id="block-q01a" data-show-if="q01a"', text)
    assert not re.search(r'id="block-q01a" data-show-if="q01a" hidden', text)
    assert (_rows(AuditEvent), _rows(Response)) == (events, responses)


def test_all_branches_show_each_condition_in_words(admin_client: FlaskClient) -> None:
    version = latest_version(db.session, "regioner-2025")
    text = admin_client.get(f"/admin/enkater/{version.id}/alla-foljdfragor").get_data(as_text=True)
    assert "Besvaras om ni svarat Ja eller «Nej, men beslut" in text
    assert "för minst en rad i fråga 17" in text


def test_a_new_version_can_be_attached_to_a_planned_round_but_not_to_an_open_one(
        app: Flask, admin_client: FlaskClient) -> None:
    planned = new_round(state="planned", opens_in=5, closes_in=30, name="Planerad")
    opened = new_round(state="open", name="Öppen")
    assert _upload(admin_client, _next_year("kommuner-2025", "kommuner-2026"), "kommuner-2026.xlsx").status_code == 302
    version = latest_version(db.session, "kommuner-2026")
    url = f"/admin/enkater/{version.id}/koppla"
    post(admin_client, url, {"round_id": planned.id}, token_from=f"/admin/enkater/{version.id}")
    post(admin_client, url, {"round_id": opened.id}, token_from=f"/admin/enkater/{version.id}")
    db.session.expire_all()
    assert planned.questionnaire_version_id == version.id
    assert opened.questionnaire_version.questionnaire_id == "kommuner-2025"


def test_analysts_may_use_it_and_anonymous_visitors_may_not(client: FlaskClient, analyst_client: FlaskClient) -> None:
    assert analyst_client.get("/admin/enkater/").status_code == 200
    assert client.get("/admin/enkater/").status_code in (302, 401)


@pytest.mark.browser
def test_the_questionnaire_pages_are_accessible_and_the_preview_routes_instantly(
        app: Flask, live_server: Any, page: Any) -> None:
    make_staff(ADMIN, "admin", "Astrid Admin")
    version = latest_version(db.session, "regioner-2025")
    base = live_server.url
    page.goto(f"{base}/admin/logga-in")
    page.fill("#email", ADMIN)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    for path in ("/admin/enkater/", f"/admin/enkater/{version.id}", f"/admin/enkater/{version.id}/alla-foljdfragor",
                 f"/admin/enkater/{version.id}/forhandsvisning/kompetens"):
        page.goto(base + path)
        assert_accessible(page, path)
    page.goto(f"{base}/admin/enkater/{version.id}/forhandsvisning/handlingsplan")
    assert page.locator("#block-q01a").is_hidden()
    page.locator("input[name=q01][value=ja]").check()
    assert page.locator("#block-q01a").is_visible()
    assert_accessible(page, "preview with a follow-up shown")
    page.goto(f"{base}/admin/enkater/")
    page.set_input_files("#file", {"name": "trasig.xlsx", "mimeType": "application/octet-stream",
                                   "buffer": b"PK\x03\x04 inte en arbetsbok"})
    page.click("main button[type=submit]")
    assert "Filen lästes inte in" in page.content()
    assert_accessible(page, "upload errors")
