"""Extension objects, bound to an app in ``create_app``."""

from __future__ import annotations

from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

import survey.db.engine  # noqa: F401  (registers the SQLite pragmas)
from survey.db import Base

db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
