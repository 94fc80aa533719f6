from __future__ import annotations

from datetime import timedelta

from flask import Flask

from survey.db import utcnow
from survey.throttle import allow, attempts, reset
from survey.web.extensions import db


def test_limit_within_window_then_allowed_again(app: Flask) -> None:
    now = utcnow()
    results = [allow(db.session, "login:a@example.se", 3, 60, now) for _ in range(4)]
    assert results == [True, True, True, False]
    assert allow(db.session, "login:b@example.se", 3, 60, now)  # other keys unaffected
    assert attempts(db.session, "login:a@example.se", 60, now) == 3
    assert allow(db.session, "login:a@example.se", 3, 60, now + timedelta(seconds=61))
    reset(db.session, "login:a@example.se")
    assert attempts(db.session, "login:a@example.se", 60, now + timedelta(seconds=61)) == 0
