"""Tables for the results part of the engine (registered on Base.metadata via survey.models)."""

from __future__ import annotations
