"""`survey` commands for the results part of the engine."""

from __future__ import annotations

from flask.cli import FlaskGroup


def register(cli: FlaskGroup) -> None:
    """Add this module's commands to the `survey` group."""
