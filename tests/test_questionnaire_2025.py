"""The 2025 definitions encode the answer-id contract exactly (answer-ids-2025.md)."""

from __future__ import annotations

import pytest

from survey.questionnaire import Questionnaire, Role, applicable_ids, load_questionnaire
from survey.questionnaire import conditions as cond
from tests.helpers import QUESTIONNAIRES

YESNO = ("ja", "nej")
STAFF = ("leg", "chef", "psf", "ickeleg", "pol", "lok", "cent")


def _rows(item: str, rows: tuple[str, ...], role: str, codes=YESNO, when=None):
    return [(f"{item}_{row}", role, codes, when(row) if when else None) for row in rows]


def _n(count: int) -> tuple[str, ...]:
    return tuple(str(i) for i in range(1, count + 1))


# (answer id, role, codes, condition as readable text or None)
CONTRACT = [
    ("q01", "main", ("ja", "nej_beslut", "nej"), None),
    ("q01_kommentar", "comment", (), None),
    ("q01a", "followup", ("politisk", "hogsta_tjansteman", "annan_tjansteman"), "q01 in ja,nej_beslut"),
    ("q02", "main", YESNO, None),
    ("q02a", "followup", YESNO, "q02 = ja"),
    ("q02b", "followup", YESNO, "q02 = ja"),
    *_rows("q03", STAFF, "main"),
    *_rows("q03a", ("leg", "chef", "ickeleg"), "followup", when=lambda r: f"q03_{r} = ja"),
    *_rows("q03b", ("leg", "chef"), "followup", when=lambda r: f"q03a_{r} = ja"),
    *_rows("q04", STAFF, "main"),
    *_rows("q04a", ("leg", "chef", "ickeleg"), "followup", when=lambda r: f"q04_{r} = ja"),
    *_rows("q04b", ("leg", "chef", "ickeleg"), "followup", when=lambda r: f"q04a_{r} = ja"),
    ("q05", "main", YESNO, None), ("q05a", "followup", YESNO, "q05 = ja"),
    ("q06", "main", YESNO, None),
    ("q07", "main", YESNO, None), ("q07a", "followup", YESNO, "q07 = ja"),
    ("q08", "main", YESNO, None), ("q08a", "followup", YESNO, "q08 = ja"),
    ("q09", "main", YESNO, None), ("q09a", "followup", YESNO, "q09 = ja"),
    *_rows("q10", _n(3), "main"),
    *_rows("q11", _n(3), "main"),
    *_rows("q11a", _n(3), "followup", when=lambda r: f"q11_{r} = ja"),
    ("q12", "main", YESNO, None), ("q12a", "followup", YESNO, "q12 = ja"),
    ("q13", "main", YESNO, None),
    ("q14", "main", YESNO, None), ("q14a", "followup", YESNO, "q14 = ja"),
    ("q15", "main", YESNO, None), ("q15a", "followup", YESNO, "q15 = ja"),
    *_rows("q15b", _n(6), "followup", when=lambda r: "q15 = ja"),
    ("q15b_6_text", "specify", (), "q15b_6 = ja"),
    ("q16", "main", YESNO, None), ("q16a", "followup", YESNO, "q16 = ja"),
    *_rows("q16b", _n(7), "followup", when=lambda r: "q16 = ja"),
    ("q16b_7_text", "specify", (), "q16b_7 = ja"),
    *_rows("q17", _n(3), "main"),
    ("q17a", "followup", YESNO, "any q17_1,q17_2,q17_3 = ja"),
    *_rows("q18", _n(4), "main"),
    ("q19", "main", YESNO, None),
    ("q19a", "followup", ("fler_an_halften", "halften_eller_farre"), "q19 = ja"),
    ("q19b", "followup", YESNO, "q19 = ja"),
    ("q20", "main", YESNO, None), ("q20a", "followup", YESNO, "q20 = ja"),
    *_rows("q21", _n(2), "main"),
    ("q22", "main", (), None),
]


def _describe(expr: cond.Expr | None) -> str | None:
    if expr is None:
        return None
    assert isinstance(expr, cond.Compare)
    values = ",".join(expr.values)
    if len(expr.refs) > 1:
        return f"any {','.join(expr.refs)} {expr.op} {values}"
    return f"{expr.refs[0]} {expr.op} {values}"


@pytest.fixture(scope="module", params=["regioner-2025", "kommuner-2025"])
def q2025(request: pytest.FixtureRequest) -> Questionnaire:
    return load_questionnaire(QUESTIONNAIRES / f"{request.param}.yaml")


def test_counts_match_the_published_structure(q2025: Questionnaire) -> None:
    assert q2025.main_question_count == 22
    assert q2025.followup_count == 31
    assert len(q2025.fields) == 89


def test_every_contract_id_with_role_codes_and_routing(q2025: Questionnaire) -> None:
    actual = [(f.id, f.role.value, tuple(c.code for c in f.codes), _describe(f.condition))
              for f in q2025.fields]
    assert actual == CONTRACT


def test_variants_share_ids_and_codes_but_not_wording() -> None:
    region = load_questionnaire(QUESTIONNAIRES / "regioner-2025.yaml")
    kommun = load_questionnaire(QUESTIONNAIRES / "kommuner-2025.yaml")
    def skeleton(q: Questionnaire) -> list[tuple[object, ...]]:
        return [(f.id, f.role, [c.code for c in f.codes], f.condition, f.gate) for f in q.fields]

    assert skeleton(region) == skeleton(kommun)
    assert (region.respondent_kind, kommun.respondent_kind) == ("region", "kommun")
    assert "regionen som vårdgivare" in region.item("q02").text
    assert "kommunen som vårdgivare" in kommun.item("q02").text
    assert "regionens hälso- och sjukvård" in kommun.item("q21").text
    assert region.content_hash != kommun.content_hash


def test_wordings_verbatim_from_the_deck() -> None:
    q = load_questionnaire(QUESTIONNAIRES / "regioner-2025.yaml")
    assert q.item("q01").text == ("Finns det en regionövergripande handlingsplan för patientsäkerhet "
                                  "för regionens hälso- och sjukvårdsverksamhet?")
    assert q.item("q01a").text == "På vilken nivå har beslutet om handlingsplan fattats?"
    assert [o.label for o in q.item("q01a").options] == [
        "Politisk nivå", "Högsta tjänstemannanivå", "Annan tjänstemannanivå"]
    assert q.field("q16b_6").label == "Information om möjligheterna att lämna klagomål till patientnämnd och IVO"
    # Verbatim except the wording fixes of issue 11: «t.ex.», a group not defined by itself.
    assert q.field("q03_cent").label == "Centrala stödfunktioner (t.ex. HR, ekonomi, juridik, IT, kommunikation)"
    assert q.field("q03_chef").label == "Verksamhetsnära chefer (t.ex. verksamhetschefer och enhetschefer)"
    assert next(s for s in q.sections if s.id == "vardskador").title == "Arbetssätt för att identifiera vårdskador"


def test_no_unfilled_placeholders(q2025: Questionnaire) -> None:
    texts = [q2025.title] + [i.text for i in q2025.items()] + [f.label for f in q2025.fields]
    assert not [t for t in texts if "{" in t or "}" in t]


def test_chained_routing_switches_off_as_a_whole() -> None:
    q = load_questionnaire(QUESTIONNAIRES / "regioner-2025.yaml")
    answers = {"q03_leg": "ja", "q03a_leg": "ja", "q03b_leg": "nej"}
    assert {"q03a_leg", "q03b_leg"} <= applicable_ids(q, answers)
    answers["q03_leg"] = "nej"  # q03a_leg keeps its stale "ja" but no longer applies
    applicable = applicable_ids(q, answers)
    assert "q03a_leg" not in applicable and "q03b_leg" not in applicable
    assert "q03b_ickeleg" not in {f.id for f in q.fields}  # «Fråga ställdes inte»


def test_any_row_condition_and_specify() -> None:
    q = load_questionnaire(QUESTIONNAIRES / "regioner-2025.yaml")
    assert "q17a" not in applicable_ids(q, {"q17_1": "nej", "q17_2": "nej", "q17_3": "nej"})
    assert "q17a" in applicable_ids(q, {"q17_1": "nej", "q17_2": "ja"})
    assert "q15b_6_text" not in applicable_ids(q, {"q15": "ja", "q15b_6": "nej"})
    assert "q15b_6_text" in applicable_ids(q, {"q15": "ja", "q15b_6": "ja"})
    assert "q15b_6_text" not in applicable_ids(q, {"q15": "nej", "q15b_6": "ja"})
    assert q.field("q15b_6_text").role is Role.SPECIFY and not q.field("q15b_6_text").required
