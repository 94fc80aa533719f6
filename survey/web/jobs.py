"""Work that outlives the request, on a Huey queue: delivering mailings, importing answer files.

The queue's storage comes from the configuration: ``JOBS_URL`` ``redis://…`` (production:
``RedisHuey``, shared by every web server and worker), else SQLite (``SqliteHuey``; the file
``JOBS_URL`` names with ``sqlite:///…``, or ``jobs.sqlite3`` in the instance folder).
``JOBS_IMMEDIATE`` runs each job at once in the caller (the tests that are not about the
queue, a demo without a worker). ``survey worker`` runs the consumer.

A view queues a job only after it has committed what the job reads; a job works in its own
app context and commits as it goes (a mailing per batch of messages, an import once).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import update

from survey import throttle
from survey.db import ImportJob, Round, utcnow
from survey.mail.backends import Backend, backend_from_config
from survey.mail.delivery import claim, message_of, settle
from survey.responses.transfer import ImportRejected, import_answers
from survey.web.extensions import db, db_session

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Jobs:
    """The app's queue and its tasks (calling a task queues it; ``.call_local`` runs it here)."""

    huey: Huey
    deliver_mailing: Any
    run_import: Any


def init_app(app: Flask) -> None:
    huey = make_huey(app.config, app.instance_path)
    deliver = huey.task(name="survey.deliver_mailing")(lambda mailing_id: _deliver_mailing(app, mailing_id))
    run = huey.task(name="survey.run_import")(lambda job_id: _run_import(app, job_id))
    huey.periodic_task(crontab(minute="17", hour="3"), name="survey.prune_throttle")(lambda: _prune(app))
    app.extensions["jobs"] = Jobs(huey, deliver, run)


def jobs() -> Jobs:
    found: Jobs = current_app.extensions["jobs"]
    return found


def make_huey(config: Any, instance_path: str) -> Huey:
    url = str(config.get("JOBS_URL") or "")
    name = str(config.get("JOBS_NAME") or "survey")
    immediate = bool(config.get("JOBS_IMMEDIATE"))
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, immediate=immediate, results=False)
    if url and not url.startswith("sqlite:///"):
        raise RuntimeError(f"JOBS_URL «{url}»: use redis://… or sqlite:///…")
    path = url.removeprefix("sqlite:///") or str(Path(instance_path) / "jobs.sqlite3")
    # The instance folder exists only where the main database is SQLite: the queue needs it too.
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=path, immediate=immediate, results=False)


# -- mailings -------------------------------------------------------------------------------
def _deliver_mailing(app: Flask, mailing_id: int) -> int:
    """Deliver every queued message of the mailing; the number handled."""
    with app.app_context():
        backend = backend_from_config(app.config)
        handled = 0
        while count := deliver_batch(mailing_id, backend):
            handled += count
        return handled


def deliver_batch(mailing_id: int, backend: Backend) -> int:
    """Claim, commit, send and settle one batch; the number of messages (0: nothing left).
    The claim is committed before anything is sent, so no other worker sends it too."""
    batch = claim(db_session(), mailing_id)
    db.session.commit()
    if not batch:
        return 0
    settle(db_session(), batch, backend.send([message_of(mail) for mail in batch]), backend.name)
    db.session.commit()
    return len(batch)


# -- imports --------------------------------------------------------------------------------
def _run_import(app: Flask, job_id: int) -> str:
    """Check and store an uploaded answer file; the job's final status."""
    with app.app_context():
        job = db.session.get(ImportJob, job_id)
        if job is None or job.status != "queued" or job.data is None:
            return "skipped"
        job.status = "running"
        db.session.commit()
        round_, raw = db.session.get_one(Round, job.round_id), job.data
        try:
            report = import_answers(db_session(), round_, raw, job.created_by, job.filename,
                                    progress=lambda rows: _progress(job_id, rows))
        except ImportRejected as rejected:
            db.session.rollback()
            _finish(job, "rejected", problem_count=rejected.total,
                    problems=[asdict(problem) for problem in rejected.problems])
        except Exception as error:  # recorded for staff, then logged with its traceback
            db.session.rollback()
            _finish(job, "failed", error=f"{type(error).__name__}: {error}"[:2000])
            db.session.commit()
            raise
        else:
            _finish(job, "done", report=asdict(report))  # in the import's own transaction
        db.session.commit()
        return job.status


def _progress(job_id: int, rows: int) -> None:
    """Rows read so far, committed on a connection of its own (the import's transaction is
    still open), so the status page can show it."""
    with db.engine.begin() as connection:
        connection.execute(update(ImportJob).where(ImportJob.id == job_id).values(rows_read=rows))


def _finish(job: ImportJob, status: str, **values: Any) -> None:
    job = db.session.merge(job)
    job.status, job.finished_at, job.data = status, utcnow(), None
    for name, value in values.items():
        setattr(job, name, value)
    db.session.flush()


def _prune(app: Flask) -> None:
    with app.app_context():
        throttle.prune(db_session())
        db.session.commit()
