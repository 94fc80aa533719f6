"""When the database drops the connection mid-request: a clear 503, nothing lost, nothing half-saved.

A save is one transaction, so a connection that dies during it leaves nothing behind: the
transaction is gone with it. The session is rolled back here, the dead connection is
discarded by the pool, and ``pool_pre_ping`` makes sure the next request gets a live one.
The respondent and reflection blueprints show their form again with what was typed (they
ask the database once more for the page around it); when even that fails, and for staff
pages, this module's page lists the posted text so that it can be copied.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import InterfaceError, OperationalError

from survey.web.extensions import db

MESSAGE = ("Databasen svarade inte, så det du skickade sparades inte. Allt du skrev finns kvar på "
           "sidan: vänta en liten stund och försök igen.")
# Posted fields that are not what a person typed, or must never be shown again.
HIDDEN = {"csrf_token", "action", "password", "current", "new", "repeat", "nasta", "next", "version"}
UNAVAILABLE = (OperationalError, InterfaceError)


def init_app(app: Flask) -> None:
    for kind in UNAVAILABLE:
        app.register_error_handler(kind, lambda _error: fallback_page())


def forget_failed_transaction() -> None:
    """Roll back whatever the dead connection had begun (nothing of it was committed)."""
    try:
        db.session.rollback()
    except UNAVAILABLE:
        db.session.close()


def show_again(render: Callable[[], ResponseReturnValue]) -> ResponseReturnValue:
    """``render()`` (the form again, as typed), or the plain page if the database still fails."""
    forget_failed_transaction()
    try:
        return render()
    except UNAVAILABLE:
        return fallback_page()


def typed_fields() -> list[tuple[str, str]]:
    """(field name, text) of every non-empty posted text a person typed."""
    return [(name, value) for name in request.form for value in request.form.getlist(name)
            if value.strip() and name not in HIDDEN and not name.startswith(("v__", "c__", "version-"))]


def fallback_page() -> tuple[str, int, dict[str, str]]:
    forget_failed_transaction()
    return (render_template("unavailable.html", message=MESSAGE, typed=typed_fields()), 503,
            {"Retry-After": "10"})
