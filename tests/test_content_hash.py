"""The content hash depends on what a questionnaire asks, not on how its file is laid out.

Each case copies both 2025 files (kommuner-2025 inherits from regioner-2025 through
``base:``), changes regioner-2025.yaml, and compares both hashes with the originals'.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from sqlalchemy import select

from survey.db import QuestionnaireVersion
from survey.questionnaire import load_questionnaire
from survey.questionnaire.serialize import canonical_hash, content_hash, normalised
from survey.questionnaire.stored import from_normalised
from survey.setup import store_questionnaire
from survey.web.extensions import db
from tests.helpers import QUESTIONNAIRES

BASE, VARIANT = "regioner-2025", "kommuner-2025"


def _hashes(folder: Path) -> tuple[str, str]:
    region, kommun = (load_questionnaire(folder / f"{qid}.yaml") for qid in (BASE, VARIANT))
    return region.content_hash, kommun.content_hash


def _copy(tmp_path: Path, change: Callable[[str], str]) -> Path:
    for qid in (BASE, VARIANT):
        shutil.copy(QUESTIONNAIRES / f"{qid}.yaml", tmp_path / f"{qid}.yaml")
    path = tmp_path / f"{BASE}.yaml"
    changed = change(path.read_text(encoding="utf-8"))
    assert changed != path.read_text(encoding="utf-8"), "the case changed nothing"
    path.write_text(changed, encoding="utf-8")
    return tmp_path


def _reversed_keys(node: Any) -> Any:
    """Every mapping with its keys in the opposite order; lists (whose order is meaning) kept."""
    if isinstance(node, dict):
        return {key: _reversed_keys(node[key]) for key in reversed(node)}
    if isinstance(node, list):
        return [_reversed_keys(entry) for entry in node]
    return node


def _redumped(text: str, **style: Any) -> str:
    """The same data, written anew: no comments, other indentation, quoting and line breaks."""
    return yaml.safe_dump(_reversed_keys(yaml.safe_load(text)), allow_unicode=True, sort_keys=False, **style)


LAYOUT = {
    "a comment line at the top": lambda text: "# En ny kommentar överst.\n" + text,
    "blank lines and comments between items": lambda text: text.replace(
        "      - id: q02\n", "\n\n      # Fråga 2 börjar här.\n      - id: q02\n"),
    "four-space indentation, other key order, no comments": lambda text: _redumped(text, indent=4, width=70),
    "flow style, one long line per mapping": lambda text: _redumped(text, default_flow_style=True, width=10**6),
    "a folded block instead of a quoted string": lambda text: text.replace(
        '            text: "På vilken nivå har beslutet om handlingsplan fattats?"\n',
        "            text: >-\n              På vilken nivå har beslutet\n              om handlingsplan fattats?\n"),
}

CONTENT = {
    "a wording": lambda text: text.replace("På vilken nivå har beslutet", "På vilken nivå fattades beslutet"),
    "an option's code": lambda text: text.replace("- code: annan_tjansteman", "- code: annan_tjanst"),
    "a row's label": lambda text: text.replace('label: "Legitimerad hälso- och sjukvårdspersonal"',
                                               'label: "Legitimerad personal"', 1),
    "a condition": lambda text: text.replace("when: in (ja, nej_beslut)", "when: = ja"),
    "the options' order": lambda text: text.replace(
        '          - code: ja\n            label: "Ja"  # [INFERRED]\n            inferred: true\n'
        '          - code: nej_beslut\n',
        '          - code: nej_beslut\n', 1).replace(
        '          - code: nej\n            label: "Nej"  # [INFERRED]\n            inferred: true\n',
        '          - code: nej\n            label: "Nej"  # [INFERRED]\n            inferred: true\n'
        '          - code: ja\n            label: "Ja"  # [INFERRED]\n            inferred: true\n', 1),
}


@pytest.fixture(scope="module")
def original() -> tuple[str, str]:
    return _hashes(QUESTIONNAIRES)


@pytest.mark.parametrize("case", LAYOUT)
def test_reformatting_leaves_the_hash_alone(case: str, original: tuple[str, str], tmp_path: Path) -> None:
    assert _hashes(_copy(tmp_path, LAYOUT[case])) == original


@pytest.mark.parametrize("case", CONTENT)
def test_changing_content_changes_the_hash(case: str, original: tuple[str, str], tmp_path: Path) -> None:
    region, kommun = _hashes(_copy(tmp_path, CONTENT[case]))
    assert region != original[0] and kommun != original[1]  # the variant inherits the change


def test_the_stored_form_keeps_positions_and_rebuilds_to_the_same_hash() -> None:
    q = load_questionnaire(QUESTIONNAIRES / f"{BASE}.yaml")
    stored = normalised(q)
    first = stored["sections"][0]
    assert first["line"] > 1 and first["items"][0]["line"] > first["line"]
    assert stored["source_path"] and "source_path" not in normalised(q, positions=False)
    assert '"line"' not in repr(normalised(q, positions=False)).replace("'", '"')
    assert from_normalised(stored, q.content_hash).content_hash == q.content_hash == content_hash(q)


def test_a_version_stored_with_the_earlier_hash_is_still_read_and_not_stored_again(app: Flask) -> None:
    """Databases made before hashes left out positions hold versions hashed with line numbers:
    their rounds still open, and ``survey setup`` finds them instead of adding a copy."""
    q = load_questionnaire(QUESTIONNAIRES / f"{BASE}.yaml")
    version = db.session.scalars(select(QuestionnaireVersion)
                                 .where(QuestionnaireVersion.questionnaire_id == BASE)).one()
    earlier = canonical_hash({key: value for key, value in version.definition.items() if key != "source_path"})
    assert earlier != q.content_hash
    version.content_hash = earlier
    db.session.commit()
    assert store_questionnaire(db.session, q) == (version, False)
    assert from_normalised(version.definition, earlier).content_hash == earlier
    damaged = {**version.definition, "title": "Något annat"}
    with pytest.raises(ValueError, match="does not match its hash"):
        from_normalised(damaged, earlier)
