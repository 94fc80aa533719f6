"""Property tests: random and hostile section posts never store anything but valid,
applicable answers of the right section, and a refused post changes nothing."""

from __future__ import annotations

from typing import Any

from flask import Flask, g
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from survey.db import Answer
from survey.questionnaire import applicable_ids
from survey.questionnaire.values import clean_value
from survey.rounds.lifecycle import questionnaire_of
from survey.web.extensions import db
from tests.respond_helpers import identify, load_round, open_round, section_form

SECTIONS = ["handlingsplan", "kompetens", "stod"]
HOSTILE = ["ja", "nej", "nej_beslut", "politisk", "kanske", "", " ", "=1+1", "<script>alert(1)</script>",
           "x" * 2100, "1 234,5", "\x00\x07", "ja\r\nnej", "JA", "ja ", "../../etc", "☃"]


def snapshot() -> dict[str, tuple[Any, int]]:
    db.session.expire_all()
    return {a.answer_id: (a.value, a.version) for a in db.session.scalars(select(Answer))}


posts = st.fixed_dictionaries({
    "section": st.sampled_from(SECTIONS),
    "picks": st.dictionaries(st.sampled_from(["q01", "q01a", "q01_kommentar", "q03_leg", "q03a_leg",
                                              "q03b_leg", "q04_cent", "q15", "q15b_6", "q15b_6_text",
                                              "q16b_7_text", "q22", "q02"]),
                             st.one_of(st.sampled_from(HOSTILE), st.lists(st.sampled_from(HOSTILE), max_size=3),
                                       st.text(max_size=30)), max_size=8),
    "junk": st.dictionaries(st.sampled_from(["okand", "v__q99", "c__q01", "v__q01", "csrf", "q01[]"]),
                            st.sampled_from(["1", "mine", "theirs", "-5", "x"]), max_size=2),
    "drop_versions": st.booleans(),
})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(post=posts)
def test_random_and_hostile_posts(app: Flask, post: dict[str, Any]) -> None:
    if not getattr(app, "_invited", None):
        app._invited = open_round(app)  # type: ignore[attr-defined]
        app._client = app.test_client()  # type: ignore[attr-defined]
        identify(app._client, app._invited)  # type: ignore[attr-defined]
    invited, client = app._invited, app._client  # type: ignore[attr-defined]
    g.pop("csrf_token", None)
    q = questionnaire_of(load_round(invited.round_id))
    csrf, versions = section_form(client, invited, post["section"])
    g.pop("csrf_token", None)
    data: dict[str, Any] = {"csrf_token": csrf, "action": "save"}
    if not post["drop_versions"]:
        data.update(versions)
    data.update(post["picks"])
    data.update(post["junk"])
    before = snapshot()
    response = client.post(invited.url(path=f"/avsnitt/{post['section']}"), data=data)
    after = snapshot()
    assert response.status_code in (303, 409, 422), response.status_code
    if response.status_code == 422:
        assert after == before and "error-summary" in response.text
        return
    values = {aid: value for aid, (value, _) in after.items() if value is not None}
    applicable = applicable_ids(q, values)
    for aid, (value, version) in after.items():
        f = q.field(aid)  # only known answer ids are ever stored
        if value is not None:
            assert clean_value(q, f, value) == value  # stored values are canonical and valid
        if before.get(aid) != (value, version):
            assert f.section_id == post["section"]  # only the posted section changes
            assert aid in applicable or value is None  # and only answers that apply
