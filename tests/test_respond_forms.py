"""The form compiler without an app: registries cover every type, every answer id is on its
section's page exactly once, and the core of the form never imports Flask."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from survey.questionnaire import load_questionnaire
from survey.questionnaire.model import ItemType
from survey.questionnaire.routing import applicable_ids
from survey.web.forms.page import compile_section
from survey.web.forms.post import read_section
from survey.web.forms.widgets import CELL_WIDGETS, ITEM_LAYOUTS, FormState
from tests.helpers import QUESTIONNAIRES

ALL_TYPES = Path(__file__).parent / "respond_alltypes.yaml"


def test_every_type_has_a_layout_and_every_cell_type_a_widget() -> None:
    assert set(ITEM_LAYOUTS) == set(ItemType)
    assert set(CELL_WIDGETS) == set(ItemType) - {ItemType.MATRIX, ItemType.YESNO_LIST}


@pytest.mark.parametrize("source", [QUESTIONNAIRES / "regioner-2025.yaml", ALL_TYPES], ids=["2025", "all-types"])
def test_every_answer_id_is_on_its_page_once(source: Path) -> None:
    q = load_questionnaire(source)
    for section in q.sections:
        page = compile_section(q, section).render(FormState({}, {}, applicable_ids(q, {})))
        names = re.findall(r'name="v__([a-z0-9_]+)"', page)
        assert sorted(names) == sorted(f.id for f in q.fields if f.section_id == section.id)
        ids = re.findall(r' id="([^"]+)"', page)
        assert len(ids) == len(set(ids)), "duplicate element ids"


def test_posted_values_are_cleaned_and_unknown_names_refused() -> None:
    from werkzeug.datastructures import MultiDict

    q = load_questionnaire(ALL_TYPES)
    fields = tuple(f for f in q.fields if f.section_id == "grund")
    posted = read_section(q, fields, MultiDict([("a3", "1 234,5"), ("v__a3", "0"), ("a2", "z"), ("a2", "x"),
                                                 ("v__a2", "0"), ("v__a4", "0"), ("a4", "2025-13-01")]))
    assert posted.values["a3"] == "1234.5" and posted.values["a2"] == ["x", "z"]
    assert set(posted.errors) == {"a4"}
    refused = read_section(q, fields, MultiDict([("m1_r1", "ja"), ("v__m1_r1", "0"), ("vem", "x")]))
    assert set(refused.errors) == {"m1_r1", "v__m1_r1", "vem"}
