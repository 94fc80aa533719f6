"""The survey CLI, as a script author or a new user would run it."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskCliRunner

from survey.cli import cli
from tests.helpers import QUESTIONNAIRES


def invoke(runner: FlaskCliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.output


def test_check_accepts_the_2025_files(runner: FlaskCliRunner) -> None:
    code, _ = invoke(runner, "questionnaire", "check", str(QUESTIONNAIRES / "regioner-2025.yaml"),
                     str(QUESTIONNAIRES / "kommuner-2025.yaml"))
    assert code == 0


def test_check_prints_one_line_per_error_and_exits_1(runner: FlaskCliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x-1\ntitle: T\nfamily: f\nyear: 2026\nrespondent_kind: region\n"
                      "sections:\n  - id: s\n    title: S\n    items:\n"
                      "      - {id: q1, type: essay, text: A}\n"
                      "      - {id: q1, type: yesno, text: ''}\n", encoding="utf-8")
    result = runner.invoke(cli, ["questionnaire", "check", str(broken)])
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line]
    assert lines == [
        f"{broken}:10: q1: unknown type 'essay' "
        "(known types: yesno, single, multiple, matrix, yesno_list, text, number, date)",
        f"{broken}:11: q1: duplicate id 'q1' (first defined on line 10)",
    ]


def test_show_json_is_the_normalised_definition(runner: FlaskCliRunner) -> None:
    code, output = invoke(runner, "questionnaire", "show", "regioner-2025", "--json")
    assert code == 0
    data = json.loads(output)
    items = [item for s in data["sections"] for item in s["items"]]
    assert len(items) == 22 and all(item["role"] == "main" for item in items)

    def walk(item: dict) -> list[dict]:
        return [item] + [inner for child in item["children"] for inner in walk(child)]

    everything = [inner for item in items for inner in walk(item)]
    followups = [i for i in everything if i["role"] == "followup"]
    assert sum(max(1, len(i["per_row"])) for i in followups) == 31
    assert data["counts"] == {"main_questions": 22, "followups": 31, "answer_ids": 89}
    by_id = {i["id"]: i for i in everything}
    assert by_id["q03"]["rows"][0] == {"code": "leg", "label": "Legitimerad hälso- och sjukvårdspersonal"}
    assert by_id["q03b"]["answer_ids"] == ["q03b_leg", "q03b_chef"]
    assert [c["text"] for c in by_id["q03b"]["condition"]] == ["q03a_leg = ja", "q03a_chef = ja"]
    assert by_id["q01_kommentar"]["role"] == "comment"
    assert by_id["q15b_6_text"]["role"] == "specify"
    assert [o["code"] for o in by_id["q01a"]["options"]] == ["politisk", "hogsta_tjansteman", "annan_tjansteman"]
    assert by_id["q15b"]["rows"][5]["code"] == "6"


def test_orgs_list_json(runner: FlaskCliRunner) -> None:
    code, output = invoke(runner, "orgs", "list", "--json")
    orgs = json.loads(output)
    assert code == 0 and len(orgs) == 311
    assert sum(o["kind"] == "region" for o in orgs) == 21
    assert sum(o["kind"] == "kommun" for o in orgs) == 290
    assert {"code": "1480", "name": "Göteborg", "kind": "kommun", "county": "14"} in orgs
    code, output = invoke(runner, "orgs", "list", "--kind", "region", "--sort", "name", "--json")
    names = [o["name"] for o in json.loads(output)]
    assert names[-3:] == ["Region Örebro län", "Region Östergötland", "Västra Götalandsregionen"]


def test_setup_twice_changes_nothing(runner: FlaskCliRunner) -> None:
    code, output = invoke(runner, "setup")
    assert code == 0, output
    assert "organisations: 0 added, 0 updated" in output
    assert "questionnaire regioner-2025: unchanged" in output


def test_round_create_list_and_links(runner: FlaskCliRunner) -> None:
    code, output = invoke(runner, "round", "create", "--questionnaire", "kommuner-2025", "--orgs", "kommun",
                          "--opens", "2036-09-23", "--closes", "2036-10-19", "--name", "Kommuner 2036")
    assert code == 0, output
    round_id = output.strip().splitlines()[-1]
    assert round_id.isdigit()
    rounds = json.loads(invoke(runner, "round", "list", "--json")[1])
    assert {"id": int(round_id), "name": "Kommuner 2036", "questionnaire": "kommuner-2025",
            "state": "planned", "opens": "2036-09-23", "closes": "2036-10-19",
            "organisations": 290} in rounds
    links = json.loads(invoke(runner, "round", "links", round_id, "--json")[1])
    assert len(links) == 290 and len({link["url"] for link in links}) == 290
    assert links[0]["name"] == "Ale" and links[-1]["name"] == "Övertorneå"
    assert all(link["url"].startswith("http://localhost/svar/") for link in links)


def test_round_create_refuses_bad_input(runner: FlaskCliRunner) -> None:
    code, output = invoke(runner, "round", "create", "--questionnaire", "regioner-2025", "--orgs", "kommun",
                          "--opens", "2026-09-23", "--closes", "2026-10-19")
    assert code == 1 and "is for kind 'region'" in output
    code, output = invoke(runner, "round", "create", "--questionnaire", "regioner-2025", "--orgs", "region",
                          "--opens", "2026-10-23", "--closes", "2026-10-19")
    assert code == 1 and "closes (2026-10-19) before it opens (2026-10-23)" in output
    code, output = invoke(runner, "round", "create", "--questionnaire", "nope", "--orgs", "region",
                          "--opens", "2026-10-01", "--closes", "2026-10-19")
    assert code == 1 and "unknown questionnaire 'nope'" in output


def test_demo_prints_login_and_links_and_is_idempotent(runner: FlaskCliRunner) -> None:
    first = runner.invoke(cli, ["demo"])
    assert first.exit_code == 0, first.output
    assert "admin@example.se" in first.output
    assert first.output.count("http://localhost/svar/") >= 6
    second = runner.invoke(cli, ["demo"])
    assert second.exit_code == 0
    links = [line for line in first.output.splitlines() if "/svar/" in line]
    assert links == [line for line in second.output.splitlines() if "/svar/" in line]
