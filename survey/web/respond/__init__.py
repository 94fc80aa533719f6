"""Respondent pages: /svar/<token>/… (an organisation's link opens its response only)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("respond", __name__, url_prefix="/svar")
