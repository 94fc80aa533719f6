"""The demo answer files are made by their committed generator: regenerating them gives the
committed bytes, and ``survey demo regenerate --check`` says so (or names the stale file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from survey.cli import cli
from survey.demo import data_2024, data_2025
from survey.demo.generate import YES, regenerate, stale_files


def test_regenerating_reproduces_the_committed_files(tmp_path: Path) -> None:
    made = regenerate(tmp_path)
    assert [path.name for path in made] == ["regioner-2025-svar.json", "regioner-2024-svar.json"]
    for path, committed in zip(made, (data_2025.ANSWERS_FILE, data_2024.ANSWERS_FILE), strict=True):
        assert path.read_bytes() == committed.read_bytes(), path.name


def test_check_names_a_stale_file(tmp_path: Path) -> None:
    regenerate(tmp_path)
    assert stale_files(tmp_path) == []
    stale = tmp_path / "regioner-2024-svar.json"
    stale.write_text(stale.read_text(encoding="utf-8").replace('"ja"', '"nej"', 1), encoding="utf-8")
    assert stale_files(tmp_path) == ["regioner-2024-svar.json"]


def test_the_command_checks_without_writing() -> None:
    before = data_2025.ANSWERS_FILE.stat().st_mtime_ns
    result = CliRunner().invoke(cli, ["demo", "regenerate", "--check"])
    assert result.exit_code == 0, result.output
    assert "demofilerna stämmer med generatorn" in result.output
    assert data_2025.ANSWERS_FILE.stat().st_mtime_ns == before


def test_inconsistent_counts_are_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A count that does not fit the routing (more «ja» on q03a_leg than were asked) is an error."""
    monkeypatch.setitem(YES, "q03a_leg", 18)
    with pytest.raises(ValueError, match=r"q03a_leg: the counts \(18, -1\) do not add up to the 17 regions"):
        regenerate(tmp_path)
