"""Work that outlives the request, through a real worker (``survey worker`` in its own process):
mailings to a real SMTP server (aiosmtpd on loopback) and answer-file imports, with the queue
in SQLite and in Redis."""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from survey.db import ImportJob, Organisation, Round, SentMail
from survey.mail.contacts import save_contact
from survey.web import jobs
from survey.web.extensions import db
from tests.servers import job_worker, redis_or_skip, smtp_sink, wait_until
from tests.staff_helpers import csrf_token, post

REFUSED = "diarium@goteborg.se"


@pytest.fixture(params=["sqlite", "redis"])
def queue(request: pytest.FixtureRequest, app: Flask, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The app queues for a worker (not immediately) in SQLite or Redis; the worker's settings."""
    url = f"sqlite:///{tmp_path / 'jobs.sqlite3'}" if request.param == "sqlite" else redis_or_skip()
    settings = {"JOBS_URL": url, "JOBS_NAME": f"test-{secrets.token_hex(4)}", "JOBS_IMMEDIATE": "false"}
    app.config.update(JOBS_URL=url, JOBS_NAME=settings["JOBS_NAME"], JOBS_IMMEDIATE=False)
    jobs.init_app(app)
    yield settings
    app.extensions["jobs"].huey.flush()


def _statuses(round_: Round) -> dict[str, str]:
    db.session.expire_all()
    return {m.recipient: m.status for m in db.session.scalars(select(SentMail).where(SentMail.round_id == round_.id))}


def _done(round_: Round) -> dict[str, str] | None:
    found = _statuses(round_)
    return found if found and not {"queued", "sending"} & set(found.values()) else None


def test_a_mailing_is_delivered_by_the_worker_and_a_failure_retried(
        app: Flask, admin_client: FlaskClient, kommun_round: Round, queue: dict[str, str]) -> None:
    orgs = {o.code: o for o in db.session.scalars(select(Organisation))}
    save_contact(db.session, orgs["0180"], "registrator@stockholm.se", "Eva Ek", "eva.ek@stockholm.se", "test")
    save_contact(db.session, orgs["1480"], REFUSED, "", "", "test")
    db.session.commit()
    with smtp_sink(refuse={REFUSED}) as sink:
        smtp = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(sink.port), "SMTP_SECURITY": "none",
                "MAIL_FROM": "Enkät <enkat@socialstyrelsen.se>"}
        page = post(admin_client, f"/admin/rundor/{kommun_round.id}/utskick/skicka",
                    {"kind": "invitation", "confirmed": "1"}, follow_redirects=True).get_data(as_text=True)
        assert "köad till 2 organisationer (3 meddelanden)" in page
        assert set(_statuses(kommun_round).values()) == {"queued"}  # nothing is sent in the request
        with job_worker(app.config["SQLALCHEMY_DATABASE_URI"], **queue, **smtp):
            statuses = wait_until(lambda: _done(kommun_round))
            assert statuses == {"registrator@stockholm.se": "sent", "eva.ek@stockholm.se": "sent", REFUSED: "failed"}
            assert sorted(m["To"] for m in sink.messages) == ["eva.ek@stockholm.se", "registrator@stockholm.se"]
            failed = db.session.scalar(select(SentMail).where(SentMail.recipient == REFUSED))
            assert failed is not None and failed.error is not None and failed.sent_at is None
            assert failed.error.startswith("SMTP 550 5.1.1 <diarium@goteborg.se>: Recipient address rejected")
            page = admin_client.get(f"/admin/rundor/{kommun_round.id}/utskick").get_data(as_text=True)
            assert "Misslyckades: SMTP 550" in page and "Försök igen med alla misslyckade (1)" in page
            sink.refuse.clear()
            post(admin_client, f"/admin/rundor/{kommun_round.id}/utskick/forsok-igen", {"mail": str(failed.id)},
                 token_from=f"/admin/rundor/{kommun_round.id}/utskick")
            assert wait_until(lambda: _statuses(kommun_round)[REFUSED] == "sent")
    assert sorted(m["To"] for m in sink.messages).count(REFUSED) == 1 and len(sink.messages) == 3
    assert db.session.scalar(select(SentMail.attempts).where(SentMail.recipient == REFUSED)) == 2


def _import_job(round_: Round) -> ImportJob | None:
    db.session.expire_all()
    job = db.session.scalar(select(ImportJob).where(ImportJob.round_id == round_.id))
    return job if job is not None and job.status not in ("queued", "running") else None


def test_an_import_runs_in_the_worker_and_its_page_shows_the_outcome(
        app: Flask, admin_client: FlaskClient, kommun_round: Round, queue: dict[str, str]) -> None:
    path = f"/admin/resultat/{kommun_round.id}"
    good = json.dumps({"questionnaire": "kommuner-2025", "responses": [
        {"organisation": "0180", "status": "draft", "answers": {"q01": "nej"}}]}).encode()
    answer = admin_client.post(f"{path}/import", data={"csrf_token": csrf_token(admin_client, path),
                                                       "file": (io.BytesIO(good), "svar.json")},
                               content_type="multipart/form-data")
    assert answer.status_code == 303
    page = admin_client.get(answer.headers["Location"])
    assert page.status_code == 200 and "Importen pågår" in page.get_data(as_text=True)
    status = admin_client.get(answer.headers["Location"] + ".json").get_json()
    assert status == {"status": "queued", "rows_read": 0, "problem_count": 0, "finished": False}
    with job_worker(app.config["SQLALCHEMY_DATABASE_URI"], **queue):
        job = wait_until(lambda: _import_job(kommun_round))
    assert (job.status, job.rows_read, job.data, job.report["drafts"]) == ("done", 1, None, 1)
    page = admin_client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Importen är klar" in page and "1 svar importerades (0 inskickade, 1 utkast)" in page
    assert db.session.scalar(select(func.count()).select_from(ImportJob)) == 1
