"""Staff accounts (service functions; the caller commits)."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.models import StaffUser
from survey.passwords import hash_password

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class StaffError(ValueError):
    pass


def find_staff(session: Session, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower()))


def create_staff_user(session: Session, email: str, password: str, role: str, name: str = "") -> StaffUser:
    email = email.strip().lower()
    if not EMAIL.match(email):
        raise StaffError(f"'{email}' is not an e-mail address")
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
