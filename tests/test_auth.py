"""Staff sign-in: server-side sessions, timeouts, throttling, roles, CSRF and headers."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from survey.db import AuditEvent, StaffSession, StaffUser, utcnow
from survey.web.extensions import db
from tests.helpers import make_app
from tests.staff_helpers import ADMIN, ANALYST, PASSWORD, IsolatedClient, csrf_token, login, post


def _sessions() -> list[StaffSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(StaffSession).order_by(StaffSession.id)))


def test_login_page_is_swedish_and_secure(client: FlaskClient) -> None:
    page = client.get("/admin/logga-in")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert '<html lang="sv">' in text and "Logga in" in text and 'autocomplete="current-password"' in text
    headers = page.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP here
    assert "max-age=" in client.get("/admin/logga-in", base_url="https://localhost").headers["Strict-Transport-Security"]


def test_staff_pages_redirect_to_login_with_next(client: FlaskClient) -> None:
    answer = client.get("/admin/rundor/ny?x=1")
    assert answer.status_code == 302
    assert answer.location.startswith("/admin/logga-in?next=")
    assert answer.location == "/admin/logga-in?next=/admin/rundor/ny?x%3D1"


def test_login_starts_a_fresh_server_side_session(client: FlaskClient, admin_user: StaffUser) -> None:
    client.get("/admin/logga-in")
    before = client.get_cookie("session")
    answer = login(client, ADMIN, next_="/admin/kontakter")
    assert answer.status_code == 302 and answer.location == "/admin/kontakter"
    assert client.get_cookie("session").value != before.value
    (row,) = _sessions()
    assert row.staff_user_id == admin_user.id and row.ended_at is None
    # The cookie holds a token whose hash is the row's key, never the user id alone.
    assert client.get("/admin/").status_code == 200
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "login" in actions


def test_wrong_password_and_unknown_user_look_the_same(client: FlaskClient, admin_user: StaffUser) -> None:
    wrong = login(client, ADMIN, "fel lösenord 123456")
    unknown = login(client, "nobody@example.se", "fel lösenord 123456")
    for answer in (wrong, unknown):
        assert answer.status_code == 200
        assert "Fel e-postadress eller lösenord." in answer.get_data(as_text=True)
    assert _sessions() == []
    assert db.session.scalars(select(AuditEvent.action)).all() == ["login.failed", "login.failed"]


def test_next_cannot_leave_the_staff_pages(client: FlaskClient, admin_user: StaffUser) -> None:
    for target in ("https://evil.example/", "//evil.example/admin/", "/svar/x", "javascript:alert(1)"):
        other = client.application.test_client()
        assert login(other, ADMIN, next_=target).location == "/admin/"


def test_logout_ends_the_session_for_a_copied_cookie(app: Flask, admin_client: FlaskClient) -> None:
    stolen = admin_client.get_cookie("session").value
    answer = post(admin_client, "/admin/logga-ut")
    assert answer.status_code == 302 and answer.location == "/admin/logga-in"
    assert _sessions()[0].end_reason == "logout"
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/admin/").status_code == 302


def test_logout_requires_csrf(admin_client: FlaskClient) -> None:
    assert admin_client.post("/admin/logga-ut").status_code == 400
    assert admin_client.get("/admin/").status_code == 200


def test_login_requires_csrf(client: FlaskClient, admin_user: StaffUser) -> None:
    answer = client.post("/admin/logga-in", data={"email": ADMIN, "password": PASSWORD})
    assert answer.status_code == 400
    assert _sessions() == []


def test_idle_timeout_ends_the_session_with_a_message(admin_client: FlaskClient) -> None:
    (row,) = _sessions()
    row.last_seen_at = utcnow() - timedelta(minutes=31)
    db.session.commit()
    answer = admin_client.get("/admin/")
    assert answer.status_code == 302 and "/admin/logga-in" in answer.location
    assert _sessions()[0].end_reason == "idle"
    page = admin_client.get(answer.location).get_data(as_text=True)
    assert "inte har varit aktiv på 30 minuter" in page


def test_absolute_timeout_even_when_active(admin_client: FlaskClient) -> None:
    (row,) = _sessions()
    row.created_at = utcnow() - timedelta(hours=10, minutes=1)
    db.session.commit()
    assert admin_client.get("/admin/").status_code == 302
    assert _sessions()[0].end_reason == "absolute"


def test_activity_extends_but_the_status_check_does_not(admin_client: FlaskClient) -> None:
    (row,) = _sessions()
    old = utcnow() - timedelta(minutes=20)
    row.last_seen_at = old
    db.session.commit()
    status = admin_client.get("/admin/session").get_json()
    assert 9 * 60 <= status["seconds_left"] <= 10 * 60 and status["warning_seconds"] == 300
    assert abs((_sessions()[0].last_seen_at.replace(tzinfo=None) - old.replace(tzinfo=None)).total_seconds()) < 1
    answer = admin_client.post("/admin/session/forlang", headers={"Accept": "application/json"},
                               data={"csrf_token": csrf_token(admin_client, "/admin/konto/losenord")})
    assert answer.get_json()["seconds_left"] > 29 * 60


def test_disabling_a_user_ends_their_sessions(app: Flask, admin_client: FlaskClient,
                                               analyst_client: FlaskClient, analyst_user: StaffUser) -> None:
    answer = post(admin_client, f"/admin/anvandare/{analyst_user.id}",
                  {"name": "Anna", "role": "analyst"}, token_from="/admin/anvandare")  # active unticked
    assert answer.status_code == 302
    assert analyst_client.get("/admin/").status_code == 302
    assert login(app.test_client(), ANALYST).status_code == 200  # refused: disabled
    reasons = {s.user.email: s.end_reason for s in _sessions()}
    assert reasons[ANALYST] == "disabled"


def test_admin_can_end_one_session(admin_client: FlaskClient, analyst_client: FlaskClient) -> None:
    target = next(s for s in _sessions() if s.user.email == ANALYST)
    assert post(admin_client, f"/admin/sessioner/{target.id}/avsluta", token_from="/admin/anvandare").status_code == 302
    assert analyst_client.get("/admin/").status_code == 302
    assert admin_client.get("/admin/").status_code == 200


def test_analyst_cannot_manage_users(analyst_client: FlaskClient) -> None:
    for path in ("/admin/anvandare", "/admin/anvandare/ny"):
        answer = analyst_client.get(path)
        assert answer.status_code == 403 and "behörighet" in answer.get_data(as_text=True)
    assert "Användare" not in analyst_client.get("/admin/").get_data(as_text=True)


def test_login_throttle_is_shared_by_all_workers(database_url: str, admin_user: StaffUser) -> None:
    """Five free guesses per account at one address, counted in the database: a second app
    (another gunicorn worker) sees the first one's attempts, and this address must wait."""
    first, second = make_app(database_url), make_app(database_url)
    first.test_client_class = second.test_client_class = IsolatedClient
    for number in range(5):
        worker = first if number % 2 else second
        with worker.app_context():
            assert login(worker.test_client(), ADMIN, "fel lösenord 123456").status_code == 200
    with first.app_context():
        blocked = login(first.test_client(), ADMIN)  # even the right password, from this address
        assert blocked.status_code == 429 and 0 < int(blocked.headers["Retry-After"]) <= 30
        assert "För många misslyckade inloggningar" in blocked.get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()
    with second.app_context():
        db.session.remove()
        db.engine.dispose()


def test_password_change_keeps_this_session_and_ends_others(app: Flask, admin_client: FlaskClient) -> None:
    other = app.test_client()
    login(other, ADMIN)
    answer = post(admin_client, "/admin/konto/losenord",
                  {"current": PASSWORD, "new": "ett helt nytt lösenord", "repeat": "ett helt nytt lösenord"})
    assert answer.status_code == 302
    assert admin_client.get("/admin/").status_code == 200
    assert other.get("/admin/").status_code == 302
    assert login(app.test_client(), ADMIN, "ett helt nytt lösenord").status_code == 302
