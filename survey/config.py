"""Configuration read from the environment; no work happens at import time."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

# Everything the engine reads at run time ships inside the package, so an installed wheel works
# outside the repository: the definitions, the registry, templates, static files and migrations.
PACKAGE_DIR = Path(str(resources.files("survey")))
QUESTIONNAIRE_DIR = PACKAGE_DIR / "questionnaires"
DEV_SECRET = "dev-only-secret-not-for-production"


def database_url(instance_path: str) -> str:
    """``DATABASE_URL`` or the embedded SQLite file in the instance folder.

    ``postgres://`` and ``postgresql://`` are mapped to the psycopg 3 driver.
    """
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{Path(instance_path) / 'survey.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def is_development() -> bool:
    return os.environ.get("SURVEY_ENV", "").lower() in ("development", "dev") or os.environ.get(
        "FLASK_DEBUG", ""
    ) in ("1", "true")


def secret_key() -> str | None:
    return os.environ.get("SECRET_KEY") or os.environ.get("FLASK_SECRET_KEY")


def defaults(instance_path: str) -> dict[str, object]:
    return {
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "QUESTIONNAIRE_DIR": str(QUESTIONNAIRE_DIR),
        "BASE_URL": os.environ.get("SURVEY_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not is_development(),
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "JOBS_URL": "",  # redis://… in production; SQLite in the instance folder otherwise
        "JOBS_IMMEDIATE": False,
    }
