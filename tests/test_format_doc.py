"""The complete example in docs/questionnaire-format.md loads and routes as documented."""

from __future__ import annotations

import re
from pathlib import Path

from survey.questionnaire import applicable_ids, load_questionnaire
from tests.helpers import ROOT


def test_documented_example_loads(tmp_path: Path) -> None:
    text = (ROOT / "docs" / "questionnaire-format.md").read_text(encoding="utf-8")
    example = re.search(r"## A complete small example\n\n```yaml\n(.*?)```", text, re.S)
    assert example is not None
    path = tmp_path / "exempel-2026.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    q = load_questionnaire(path)
    assert [f.id for f in q.fields] == [
        "q01", "q01_kommentar", "q01a", "q01a_annan_text", "q02_leg", "q02_chef", "q02a_leg",
        "q02a_chef", "q02b_leg", "q02c", "q03_1", "q03_2", "q03_2_text", "q04", "q05", "q06"]
    assert q.title == "Uppföljning av regionernas patientsäkerhetsarbete 2026"
    assert (q.main_question_count, q.followup_count) == (6, 5)
    applicable = applicable_ids(q, {"q01": "ja", "q01a": "annan", "q02_leg": "ja", "q02a_leg": "ja"})
    assert {"q01a", "q01a_annan_text", "q02a_leg", "q02b_leg", "q02c", "q05"} <= applicable
    assert "q02a_chef" not in applicable and "q02b_chef" not in {f.id for f in q.fields}
