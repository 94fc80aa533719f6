"""Shared test constants and small helpers."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONNAIRES = ROOT / "survey" / "questionnaires"
