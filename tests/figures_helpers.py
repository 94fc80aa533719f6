"""The published 2025 deck's figures (docs/reference/published-figures-2025.json; see its README),
with each figure's answer code as the answer-id contract names it."""

from __future__ import annotations

import json
from pathlib import Path

FIGURES_FILE = Path(__file__).resolve().parents[1] / "docs" / "reference" / "published-figures-2025.json"
PUBLISHED = json.loads(FIGURES_FILE.read_text(encoding="utf-8"))
OPTION_CODES = {"Politisk nivå": "politisk", "Högsta tjänstemannanivå": "hogsta_tjansteman"}


def code_of(option: str) -> str:
    """The contract's code for a figure's «option_or_subitem»."""
    if option in OPTION_CODES:
        return OPTION_CODES[option]
    if option.startswith("Nej, men beslut"):
        return "nej_beslut"
    if option.startswith("third answer"):
        return "nej"  # the region that comments that it follows the national plan
    if option.startswith("I fler än hälften"):
        return "fler_an_halften"
    assert option.startswith("Ja"), option
    return "ja"


COUNTED = [(f["question_id"], code_of(f["option_or_subitem"]), f["n"], f["count"])
           for f in PUBLISHED["figures"] if f["count"] is not None]
