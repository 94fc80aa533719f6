"""Extension objects, bound to an app in ``create_app``, and the session the services take."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import Session

import survey.db.engine  # noqa: F401  (registers the SQLite pragmas)
from survey.db import Base

db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()


def db_session() -> Session:
    """The current app context's ``Session``, to pass to the services (they take a plain ``Session``).

    ``db_session()`` is Flask-SQLAlchemy's ``scoped_session``: a proxy that resolves to one
    ``Session`` per app context. Calling it returns that ``Session``, the same object that
    ``db.session.commit()`` commits, so a view's single commit covers what the services did.
    """
    return db.session()
