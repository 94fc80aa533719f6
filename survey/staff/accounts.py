"""Staff accounts: creation, passwords, roles, activation (the caller commits).
"""

from __future__ import annotations

import re
import secrets
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.db import (
    StaffSession,
    StaffUser,
)
from survey.errors import Refused
from survey.staff.audit import record
from survey.staff.passwords import hash_password, verify_password
from survey.staff.sessions import end_user_sessions
from survey.text import clean_line

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROLE_LABELS = {"admin": "Administratör", "analyst": "Analytiker"}


class StaffError(Refused):
    pass


# -- accounts -------------------------------------------------------------------------------
def find_staff(session: Session, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower()))


def create_staff_user(session: Session, email: str, password: str, role: str, name: str = "") -> StaffUser:
    email, name = clean_line(email).lower(), clean_line(name)
    if not EMAIL.match(email) or len(email) > 254:
        raise StaffError(f"'{email[:60]}' is not an e-mail address")
    if len(name) > 200:
        raise StaffError("the name is longer than 200 characters")
    if role not in ("admin", "analyst"):
        raise StaffError(f"unknown role '{role}'")
    if find_staff(session, email) is not None:
        raise StaffError(f"a staff user {email} already exists")
    try:
        password_hash = hash_password(password)
    except ValueError as error:
        raise StaffError(str(error)) from error
    user = StaffUser(email=email, name=name or email.split("@")[0], password_hash=password_hash, role=role)
    session.add(user)
    session.flush()
    return user


def all_staff(session: Session) -> list[StaffUser]:
    return list(session.scalars(select(StaffUser).order_by(StaffUser.email)))


def authenticate(session: Session, email: str, password: str) -> StaffUser | None:
    """The active user with this e-mail and password, or None (same work either way)."""
    user = find_staff(session, email)
    if user is None or not user.active:
        verify_password(_dummy_hash(), password)
        return None
    return user if verify_password(user.password_hash, password) else None


@cache
def _dummy_hash() -> str:
    """Verifying against a real hash when the e-mail is unknown keeps the answer time the
    same, so response times do not reveal which addresses have accounts."""
    return hash_password(secrets.token_urlsafe(16))


def set_password(session: Session, user: StaffUser, password: str, actor: str,
                 keep: StaffSession | None = None) -> None:
    """A new password ends every session of the user (a stolen cookie dies with the old one)
    except ``keep``, the one of the person changing their own password."""
    try:
        user.password_hash = hash_password(password)
    except ValueError as error:
        raise StaffError(str(error)) from error
    end_user_sessions(session, user, "password", keep)
    record(session, actor, "user.password", user=user.email)


def set_active(session: Session, user: StaffUser, active: bool, actor: str) -> None:
    if not active and user.role == "admin" and _active_admins(session) <= 1 and user.active:
        raise StaffError("the last active administrator cannot be disabled")
    user.active = active
    if not active:
        end_user_sessions(session, user, "disabled")
    record(session, actor, "user.enable" if active else "user.disable", user=user.email)


def set_role(session: Session, user: StaffUser, role: str, actor: str) -> None:
    if role not in ROLE_LABELS:
        raise StaffError(f"unknown role '{role}'")
    if user.role == "admin" and role != "admin" and _active_admins(session) <= 1:
        raise StaffError("the last active administrator must stay an administrator")
    if role != user.role:
        record(session, actor, "user.role", user=user.email, old=user.role, new=role)
        user.role = role


def _active_admins(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(StaffUser)
                          .where(StaffUser.role == "admin", StaffUser.active.is_(True))) or 0
