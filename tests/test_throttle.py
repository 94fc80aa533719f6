"""Throttles: state in one database row per key, atomic, by source; never a lockout of the
right person, never an oracle for respondent links."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from survey import throttle
from survey.db import AccessLink, AuditEvent, StaffUser, ThrottleState, utcnow
from survey.web.admin.auth import PER_ACCOUNT_AND_ADDRESS
from survey.web.extensions import db
from tests.respond_helpers import open_round
from tests.staff_helpers import ADMIN, PASSWORD, login

POLICY = throttle.Backoff(free=3, first_delay=10, max_delay=60)


def test_count_starts_a_new_window_when_the_old_one_ended(app: Flask) -> None:
    now = utcnow()
    assert [throttle.count(db.session, "k", 60, now) for _ in range(3)] == [1, 2, 3]
    assert throttle.count(db.session, "other", 60, now) == 1
    assert throttle.count(db.session, "k", 60, now + timedelta(seconds=61)) == 1
    assert throttle.attempts(db.session, "k") == 1


def test_backoff_grows_and_refused_attempts_count_nowhere(app: Flask) -> None:
    now, keys = utcnow(), [("a", POLICY)]
    assert [throttle.reserve(db.session, keys, now) for _ in range(3)] == [0, 0, 0]
    assert throttle.reserve(db.session, keys, now) == 10  # the third failure set a 10 s wait
    assert throttle.attempts(db.session, "a") == 3
    assert throttle.reserve(db.session, keys, now + timedelta(seconds=10)) == 0
    assert throttle.reserve(db.session, keys, now + timedelta(seconds=11)) == 19  # then 20 s
    later = now + timedelta(seconds=31)
    assert [throttle.reserve(db.session, keys, later + timedelta(seconds=60 * i)) for i in range(3)] == [0, 0, 0]
    assert throttle.reserve(db.session, keys, later + timedelta(seconds=120)) == 60  # capped
    quiet = later + timedelta(seconds=POLICY.forget_after + 200)
    assert throttle.reserve(db.session, keys, quiet) == 0 and throttle.attempts(db.session, "a") == 1


def test_one_waiting_key_holds_the_attempt_back_on_all(app: Flask) -> None:
    now = utcnow()
    for _ in range(3):
        throttle.reserve(db.session, [("a", POLICY)], now)
    assert throttle.reserve(db.session, [("a", POLICY), ("b", POLICY)], now) == 10
    assert throttle.attempts(db.session, "b") == 0
    throttle.release(db.session, "a", POLICY)
    assert throttle.attempts(db.session, "a") == 2 and throttle.reserve(db.session, [("a", POLICY)], now) == 0
    throttle.clear(db.session, "a")
    assert throttle.attempts(db.session, "a") == 0
    assert throttle.prune(db.session, 0, now + timedelta(seconds=1)) == 1  # «b» was made by the lookup


def _login_from(client: FlaskClient, address: str, password: str) -> tuple[int, str, str | None]:
    client.environ_base["REMOTE_ADDR"] = address
    answer = login(client, ADMIN, password)
    return answer.status_code, answer.get_data(as_text=True), answer.headers.get("Retry-After")


def test_an_attacker_elsewhere_cannot_keep_the_real_person_out(app: Flask, admin_user: StaffUser) -> None:
    attacker, person = app.test_client(), app.test_client()
    statuses = [_login_from(attacker, "198.51.100.7", "fel lösenord 123")[0] for _ in range(8)]
    assert statuses == [200] * PER_ACCOUNT_AND_ADDRESS.free + [429] * 3
    status, page, retry = _login_from(attacker, "198.51.100.7", PASSWORD)  # not evaluated while waiting
    assert status == 429 and retry is not None and 25 <= int(retry) <= 30 and f"Vänta {retry} sekunder" in page
    status, _, _ = _login_from(person, "203.0.113.5", PASSWORD)  # not the attacker's address
    assert status == 302
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor == ADMIN)))
    assert actions.count("login.failed") == 5 and actions.count("login.throttled") == 1
    assert actions[-1] == "login"


def test_the_right_password_works_once_the_wait_is_over(app: Flask, admin_user: StaffUser) -> None:
    client = app.test_client()
    for _ in range(6):
        _login_from(client, "198.51.100.8", "fel lösenord 123")
    for row in db.session.scalars(select(ThrottleState)):
        row.blocked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _login_from(client, "198.51.100.8", PASSWORD)[0] == 302
    assert throttle.attempts(db.session, f"login:198.51.100.8:{ADMIN}") == 0  # forgotten after success
    assert throttle.attempts(db.session, "login:198.51.100.8") == 5  # the address keeps its failures


def test_wrong_tokens_are_counted_but_never_lock_out_or_tell_anything(app: Flask, client: FlaskClient) -> None:
    invited = open_round(app)
    wrong = ["/svar/" + chr(65 + n % 26) * 43 for n in range(30)]
    answers = [client.get(url) for url in wrong]
    assert {a.status_code for a in answers} == {404}
    assert len({a.get_data() for a in answers}) == 1 and "Retry-After" not in answers[-1].headers
    for path in ("", "/vem"):
        assert client.get(invited.url(path=path)).status_code in (200, 302, 303)
    assert client.get(f"/reflektion/{invited.tokens['01']}/").status_code != 429
    assert throttle.attempts(db.session, "respond-token:127.0.0.1") == 30
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "respond.wrong_tokens")).all()
    assert [(e.actor, e.details["ip"]) for e in events] == [("system", "127.0.0.1")]
    db.session.execute(delete(ThrottleState))
    db.session.commit()
    assert client.get(wrong[0]).status_code == 404 and throttle.attempts(db.session, "respond-token:127.0.0.1") == 1


def test_a_revoked_link_answers_exactly_as_a_wrong_one(app: Flask, client: FlaskClient) -> None:
    """Item 5: no oracle between a link that never existed and one that was replaced."""
    invited = open_round(app)
    wrong = {path: client.get(f"/svar/{'C' * 43}{path}") for path in ("", "/vem", "/avsnitt/handlingsplan")}
    wrong_reflection = client.get(f"/reflektion/{'C' * 43}/")
    for link in db.session.scalars(select(AccessLink)):
        link.revoked_at = utcnow()
    db.session.commit()
    for path, expected in wrong.items():
        revoked = client.get(invited.url(path=path))
        assert (revoked.status_code, revoked.get_data()) == (404, expected.get_data()), path
    revoked_reflection = client.get(f"/reflektion/{invited.tokens['01']}/")
    assert (revoked_reflection.status_code, revoked_reflection.get_data()) == (
        wrong_reflection.status_code, wrong_reflection.get_data())
