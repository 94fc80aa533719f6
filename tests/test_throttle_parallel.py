"""The throttles under parallel requests: gunicorn with four workers on loopback, 45 requests
at once (the numbers of the reproduced failure), on SQLite and PostgreSQL."""

from __future__ import annotations

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from flask import Flask
from sqlalchemy import func, select

from survey import throttle
from survey.db import AuditEvent, StaffUser
from survey.web.admin.auth import PER_ACCOUNT_AND_ADDRESS
from survey.web.extensions import db
from survey.web.respond.access import WRONG_TOKEN_LIMIT
from tests.respond_helpers import open_round
from tests.servers import gunicorn
from tests.staff_helpers import ADMIN

PARALLEL = 45


def _fetch(url: str, data: dict[str, str] | None = None) -> tuple[int, bytes]:
    body = urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=120) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _all_at_once(urls: list[tuple[str, dict[str, str] | None]]) -> list[tuple[int, bytes]]:
    with ThreadPoolExecutor(len(urls)) as pool:
        return list(pool.map(lambda args: _fetch(*args), urls))


def _count(action: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)) or 0


def test_parallel_guesses_get_at_most_the_limit(app: Flask, admin_user: StaffUser) -> None:
    invited = open_round(app)
    wrong = {"email": ADMIN, "password": "fel lösenord 123", "next": ""}
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], workers=4, WTF_CSRF_ENABLED="false") as base:
        logins = _all_at_once([(base + "/admin/logga-in", wrong)] * PARALLEL)
        tokens = _all_at_once([(f"{base}/svar/{'Q' * 42}{chr(65 + n % 26)}", None) for n in range(PARALLEL)])
        valid = [_fetch(base + invited.url(path=path))[0] for path in ("", "/vem")]
    statuses = [status for status, _ in logins]
    assert statuses.count(200) == PER_ACCOUNT_AND_ADDRESS.free and statuses.count(429) == PARALLEL - 5
    assert _count("login.failed") == PER_ACCOUNT_AND_ADDRESS.free  # passwords checked: exactly the limit
    assert {status for status, _ in tokens} == {404} and len({body for _, body in tokens}) == 1
    assert throttle.attempts(db.session, "respond-token:127.0.0.1") == PARALLEL  # no attempt lost
    assert _count("respond.wrong_tokens") == 1 and PARALLEL > WRONG_TOKEN_LIMIT
    assert valid == [200, 200]  # the office's valid link works past the limit
