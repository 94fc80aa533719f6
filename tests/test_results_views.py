"""The staff results pages: the overview shows the aggregation's numbers, the downloads are
the CLI's files, freezing and lifting work from the page, and only staff get in."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from survey.db import Answer, Round
from survey.demo.data_2025 import ensure_demo_2025
from survey.results import current_snapshot, lift_freeze
from survey.web.extensions import db
from tests.helpers import download_name
from tests.staff_helpers import csrf_token

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def demo_round(app: Flask) -> Round:
    round_ = ensure_demo_2025(db.session, current_app.config["SECRET_KEY"])
    db.session.commit()
    return round_


def test_staff_only(client: FlaskClient, demo_round: Round) -> None:
    for path in ("/admin/resultat/", f"/admin/resultat/{demo_round.id}",
                 f"/admin/resultat/{demo_round.id}/svar.xlsx", f"/admin/resultat/{demo_round.id}/svar.json"):
        response = client.get(path)
        assert response.status_code == 302 and "/admin/logga-in" in response.headers["Location"]
    assert client.post(f"/admin/resultat/{demo_round.id}/frys").status_code in (302, 400)
    assert current_snapshot(db.session, demo_round).version == 1


def test_the_overview_shows_the_frozen_numbers(analyst_client: FlaskClient, demo_round: Round) -> None:
    page = analyst_client.get(f"/admin/resultat/{demo_round.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "fryst version 1" in html and "Inskickade svar</dt><dd>21 (100\u00a0%)" in html
    assert "Ja: 19 (90\u00a0%)" in html  # q01
    assert "<td>16 av 21</td><td>9 av 16</td><td>4 av 9</td>" in html  # q03 chef: the routing table
    assert "<td>10 av 21</td><td>5 av 10</td><td>Fråga ställdes inte</td>" in html
    index = analyst_client.get("/admin/resultat/").get_data(as_text=True)
    assert demo_round.name in index and "Fryst, version 1" in index


def test_downloads_are_the_exports(analyst_client: FlaskClient, demo_round: Round) -> None:
    response = analyst_client.get(f"/admin/resultat/{demo_round.id}/svar.xlsx")
    assert response.status_code == 200
    name = download_name(response.headers["Content-Disposition"])
    assert name == f"Svar {demo_round.name.replace(':', '')} fryst version 1.xlsx"
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    assert workbook.sheetnames == ["Svar", "Koder", "Kodbok", "Sammanställning", "Om enkäten"]
    document = json.loads(analyst_client.get(f"/admin/resultat/{demo_round.id}/svar.json").data)
    assert document["questionnaire"] == "regioner-2025" and len(document["responses"]) == 21
    results = json.loads(analyst_client.get(f"/admin/resultat/{demo_round.id}/resultat.json").data)
    assert results["items"]["q14"] == {"applicable": 21, "answered": 20, "unanswered": 1,
                                       "counts": {"ja": 16, "nej": 4}}
    assert analyst_client.get(f"/admin/resultat/{demo_round.id}/svar.json?version=9").status_code == 404
    assert analyst_client.get("/admin/resultat/9999").status_code == 404


def test_freeze_lift_and_import_from_the_page(admin_client: FlaskClient, demo_round: Round) -> None:
    path = f"/admin/resultat/{demo_round.id}"
    lift_freeze(db.session, demo_round, "admin@socialstyrelsen.se", "test")
    db.session.commit()
    token = csrf_token(admin_client, path)
    bad = json.dumps({"questionnaire": "regioner-2025", "responses": [
        {"organisation": "01", "status": "submitted", "answers": {"q01": "kanske"}}]}).encode()
    before = db.session.scalar(select(func.count()).select_from(Answer))
    page = admin_client.post(f"{path}/import", data={"csrf_token": token, "file": (io.BytesIO(bad), "svar.json")},
                             content_type="multipart/form-data", follow_redirects=True)
    assert page.status_code == 422 and "Inget importerades: 1 fel i svar.json" in page.get_data(as_text=True)
    assert "Okänt svarsalternativ «kanske»." in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Answer)) == before
    good = json.dumps({"questionnaire": "regioner-2025", "responses": [
        {"organisation": "01", "status": "submitted", "answers": {"q01": "nej"}}]}).encode()
    response = admin_client.post(f"{path}/import", data={"csrf_token": csrf_token(admin_client, path),
                                                         "file": (io.BytesIO(good), "svar.json")},
                                 content_type="multipart/form-data", follow_redirects=True)
    assert "1 svar importerades (1 inskickade, 0 utkast)" in response.get_data(as_text=True)
    response = admin_client.post(f"{path}/frys", data={"csrf_token": csrf_token(admin_client, path),
                                                       "note": "Rättad"}, follow_redirects=True)
    assert "Resultaten är frysta som version 2." in response.get_data(as_text=True)
    snapshot = current_snapshot(db.session, demo_round)
    assert snapshot is not None and (snapshot.version, snapshot.note) == (2, "Rättad")
    assert snapshot.data["results"]["items"]["q01"]["counts"]["nej"] == 2
    response = admin_client.post(f"{path}/hav-frysning", data={"csrf_token": csrf_token(admin_client, path),
                                                               "reason": ""}, follow_redirects=True)
    assert "Ange ett skäl" in response.get_data(as_text=True)
    assert current_snapshot(db.session, demo_round) is not None


def test_the_files_for_statistics_software(analyst_client: FlaskClient, demo_round: Round, app: Flask,
                                           tmp_path: Path) -> None:
    import pyreadstat

    from survey.cli import cli

    page = analyst_client.get(f"/admin/resultat/{demo_round.id}").get_data(as_text=True)
    assert "Filer för statistikprogram" in page
    assert "<td>2</td><td>0</td><td>19</td>" in page  # q01_kommentar: n 2, none missing, 19 left blank
    downloaded = {}
    for suffix in ("sav", "dta", "csv", "lang.csv", "kodbok.json", "kodbok.csv"):
        assert f"/admin/resultat/{demo_round.id}/svar.{suffix}" in page, suffix
        response = analyst_client.get(f"/admin/resultat/{demo_round.id}/svar.{suffix}")
        assert response.status_code == 200, suffix
        name = download_name(response.headers["Content-Disposition"])
        assert name.endswith(f"{demo_round.name.replace(':', '')} fryst version 1.{suffix.rsplit('.', 1)[-1]}"), name
        assert name.startswith({"lang.csv": "Svar långt format", "kodbok.json": "Kodbok", "kodbok.csv": "Kodbok"}
                               .get(suffix, "Svar ")), name
        downloaded[suffix] = response.data
    assert analyst_client.get(f"/admin/resultat/{demo_round.id}/svar.exe").status_code == 404
    runner = app.test_cli_runner()
    for kind, suffix, extra in (("sav", "sav", []), ("dta", "dta", []), ("csv", "lang.csv", ["--long"]),
                                ("codebook", "kodbok.json", [])):
        out = tmp_path / f"out.{suffix.rsplit('.', 1)[-1]}"
        result = runner.invoke(cli, ["export", kind, str(demo_round.id), "-o", str(out), *extra])
        assert result.exit_code == 0, result.output
        if kind in ("csv", "codebook"):
            assert out.read_bytes() == downloaded[suffix]  # the same builder behind both
    frame, _ = pyreadstat.read_sav(str(tmp_path / "out.sav"))
    assert len(frame) == 21 and frame["q14"].count() == 20  # q14: one region left it blank
    bad = runner.invoke(cli, ["export", "codebook", str(demo_round.id), "-o", str(tmp_path / "kodbok.txt")])
    assert bad.exit_code != 0 and ".json" in bad.output
