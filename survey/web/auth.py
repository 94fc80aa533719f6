"""Staff sign-in: Flask-Login on top of server-side sessions, and ``staff_required``.

Flask-Login's "alternative token" pattern: the id kept in the signed cookie is a random
session token, not the user id, and the user loader accepts it only while its
``staff_session`` row is open, not idle for ``STAFF_IDLE_MINUTES`` and younger than
``STAFF_ABSOLUTE_HOURS``. So logout, disabling a user or an administrator ends a session on
every worker at once, and a copied cookie is worthless after that.

Other blueprints protect their views with ``@staff_required()`` or
``@staff_required("admin")``; the decorator marks the view (``view.staff_role``) so the
authorization matrix test knows what to expect of it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from survey.db import StaffSession, StaffUser, utcnow
from survey.staff.sessions import Timeouts, check_session, end_session, expiry, find_session
from survey.web.extensions import db, db_session

login_manager = LoginManager()
F = TypeVar("F", bound=Callable[..., Any])
# Touch last_seen_at at most this often: one write a minute, not one per request.
TOUCH_EVERY = timedelta(seconds=60)
# Endpoints that read the session without counting as activity (the timeout warning asks).
PASSIVE_ENDPOINTS = {"admin.session_status"}
END_MESSAGES = {
    "idle": "Du har loggats ut eftersom du inte har varit aktiv på {idle} minuter.",
    "absolute": "Du har loggats ut eftersom det har gått {absolute} timmar sedan du loggade in.",
    "disabled": "Ditt konto är avstängt. Kontakta en administratör.",
    "admin": "En administratör har avslutat din session. Logga in igen.",
    "password": "Lösenordet har ändrats. Logga in igen.",
}


class StaffPrincipal(UserMixin):
    """The signed-in staff member and the session they are using."""

    def __init__(self, user: StaffUser, staff_session: StaffSession, token: str) -> None:
        self.user, self.staff_session, self.token = user, staff_session, token

    def get_id(self) -> str:
        return self.token

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def role(self) -> str:
        return self.user.role

    @property
    def is_admin(self) -> bool:
        return self.user.role == "admin"


def init_app(app: Flask) -> None:
    app.config.setdefault("STAFF_IDLE_MINUTES", 30)
    app.config.setdefault("STAFF_IDLE_WARNING_MINUTES", 5)
    app.config.setdefault("STAFF_ABSOLUTE_HOURS", 10)
    login_manager.init_app(app)
    login_manager.login_view = "admin.login"
    login_manager.login_message = "Logga in för att fortsätta."
    login_manager.login_message_category = "info"
    # Our own server-side sessions replace Flask-Login's IP/user-agent heuristics.
    login_manager.session_protection = None


def timeouts() -> Timeouts:
    config = current_app.config
    return Timeouts(idle=timedelta(minutes=float(config["STAFF_IDLE_MINUTES"])),
                    absolute=timedelta(hours=float(config["STAFF_ABSOLUTE_HOURS"])))


def _load_principal(token: str) -> StaffPrincipal | None:
    staff_session = find_session(db_session(), token)
    if staff_session is None:
        return None
    now = utcnow()
    reason = check_session(staff_session, timeouts(), now)
    if reason is not None:
        end_session(staff_session, reason, now)
        db.session.commit()
        g.session_end_reason = reason
        return None
    if request.endpoint not in PASSIVE_ENDPOINTS and now - staff_session.last_seen_at >= TOUCH_EVERY:
        touch(staff_session)
    return StaffPrincipal(staff_session.user, staff_session, token)


login_manager.user_loader(_load_principal)  # registered by a call: Flask-Login's decorators are untyped


def touch(staff_session: StaffSession) -> None:
    """Count this moment as activity (committed at once: it is not part of the view's work)."""
    staff_session.last_seen_at = utcnow()
    db.session.commit()


def session_expiry() -> datetime:
    return expiry(current_user.staff_session, timeouts())



def _unauthorized() -> WerkzeugResponse | tuple[dict[str, str], int]:
    reason = g.get("session_end_reason")
    session.pop("_user_id", None)
    if request.endpoint in PASSIVE_ENDPOINTS or request.accept_mimetypes.best == "application/json":
        return {"error": "utloggad"}, 401
    config = current_app.config
    message = END_MESSAGES.get(reason or "", login_manager.login_message or "")
    flash(message.format(idle=config["STAFF_IDLE_MINUTES"], absolute=config["STAFF_ABSOLUTE_HOURS"]),
          "info")
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("admin.login", next=target))


login_manager.unauthorized_handler(_unauthorized)


def safe_next(target: str | None) -> str:
    """Only a path inside the staff pages: never an absolute or scheme-relative URL."""
    if not target:
        return url_for("admin.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/admin/") or target.startswith("//"):
        return url_for("admin.index")
    return target


def staff_required(role: str | None = None) -> Callable[[F], F]:
    """Signed-in staff only; with ``role="admin"`` administrators only (others get 403)."""
    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if role is not None and current_user.role != role:
                abort(403)
            return view(*args, **kwargs)

        # A mark the authorization test reads; mypy does not model attributes set on a function.
        wrapped.staff_role = role or "staff"  # type: ignore[attr-defined]
        return cast(F, wrapped)

    return decorator
