"""Issue 11 item 14: one term for a round («omgång»), «t.ex.», «Arbetssätt», and each
questionnaire speaking to its own kind of organisation, in every text a user reads that lives
in the definitions, the report definition and the page templates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.helpers import QUESTIONNAIRES, ROOT

ROUND_WORD = re.compile(r"(?<![/\w-])[Rr]und(a|an|or|orna|ans|ornas)\b")
T_EX = re.compile(r"\bt ex\b\.?")
DEFINITIONS = sorted(QUESTIONNAIRES.glob("*.yaml")) + sorted((QUESTIONNAIRES / "rapporter").glob("*.yaml"))


def _strings(node: object, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, f"{where}[{index}]")


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.name)
def test_definitions_write_as_an_editor_would(path: Path) -> None:
    found = []
    for where, text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
        for pattern, what in ((ROUND_WORD, "«omgång», not «runda»"), (T_EX, "«t.ex.»"),
                              (re.compile(r"\bArbetsätt"), "«Arbetssätt»")):
            if pattern.search(text):
                found.append(f"{path.name}{where}: {what}: {text[:80]}")
    if path.name.startswith("regioner-"):  # a region is not told about municipalities' roles
        found += [f"{path.name}{where}: a municipal role in a region's text: {text[:80]}"
                  for where, text in _strings(yaml.safe_load(path.read_text(encoding="utf-8")))
                  if "medicinskt ansvarig sjuksköterska" in text or "regioner och kommuner skapat" in text]
    assert not found, "\n".join(found)


def test_the_chefs_row_does_not_define_itself() -> None:
    for path in QUESTIONNAIRES.glob("*-2025.yaml"):
        for _, text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if text.startswith("Verksamhetsnära chefer ("):
                assert "verksamhetsnära chefer" not in text[len("Verksamhetsnära chefer ("):], (path.name, text)


def test_pages_say_omgang_not_runda() -> None:
    """Visible text of every template (tags, attributes and Jinja expressions removed)."""
    found = []
    for path in sorted((ROOT / "survey" / "web" / "templates").rglob("*.html")):
        source = path.read_text(encoding="utf-8")
        visible = re.sub(r"{#.*?#}|{%.*?%}|{{.*?}}|<[^>]*>", " ", source, flags=re.S)
        found += [f"{path.relative_to(ROOT)}: {match.group(0)}" for match in ROUND_WORD.finditer(visible)]
        found += [f"{path.relative_to(ROOT)}: t ex" for _ in T_EX.finditer(visible)]
    assert not found, "\n".join(found)
