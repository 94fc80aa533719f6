"""Shared test constants and small helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from survey.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRES = ROOT / "survey" / "questionnaires"
TEST_SECRET = "test-secret-" + "x" * 32


def make_app(database_url: str, **overrides: Any) -> Flask:
    """The app on ``database_url`` as the tests configure it (``overrides`` on top)."""
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": TEST_SECRET,
              "BASE_URL": "http://localhost", "SESSION_COOKIE_SECURE": False,
              "JOBS_IMMEDIATE": True}  # jobs run in the request; tests/test_jobs.py uses a real worker
    config.update(overrides)
    return create_app(config)


def download_name(disposition: str) -> str:
    """The name a browser saves a download as: RFC 6266's UTF-8 ``filename*``."""
    from urllib.parse import unquote

    assert disposition.startswith('attachment; filename="'), disposition
    return unquote(disposition.split("filename*=UTF-8''", 1)[1])
