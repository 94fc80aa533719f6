"""Benchmark (not a test): the Excel answer file for 100,000 synthetic responses against the
bare library writing the same cell values, in the same run.

    python bench/bench_xlsx.py [--n 100000] [--with-openpyxl] [--only xlsx|stats] [--repeat 3]
    python bench/bench_xlsx.py --n 20000 --only stats --instructions

Each stage runs in its own process, so its peak memory (``ru_maxrss``) is its own:

- ``aggregate``: the one aggregation over the responses (a stream, read once); its results
  (which hold every free-text answer) are handed to the next stage in a pickle;
- ``ours``: ``exports.xlsx.write_answer_file`` given those results (all five sheets, formats,
  routing evaluated per row);
- ``ours-small``: the same for n / 10 (aggregating its own), to show memory does not grow with n;
- ``bare``: XlsxWriter in constant_memory mode, ``write_row`` of the same values of ``Svar``
  and ``Koder`` (computed beforehand, no formats, no other sheets);
- ``bare-openpyxl`` (with ``--with-openpyxl``): openpyxl write-only, the same values;
- ``ours-sav`` / ``ours-dta``: ``exports.stats.write_sav`` / ``write_dta`` from the responses
  (routing of all responses at once, ``survey.questionnaire.routing_columns``; numeric codes
  and missing-value codes a column at a time; the data frame; labels);
- ``bare-sav`` / ``bare-dta``: pyreadstat writing the same data frame (made before the clock
  starts) with no labels and no missing-value declarations (target ≤ 1.5; memory stated: the
  data frame holds every row, so it grows with n). In both, the n response objects are made
  before the clock starts, as a round's are loaded before its files are written.

The responses are 1,000 distinct synthetic responses of ``regioner-2025`` (routed, with item
non-response and awkward text), cycled over n organisations, so generating them costs the
same nothing in every stage (nothing is cached per response: every one is routed and coded).
Prints times, peak memory, and the ratio ours / bare (target ≤ 1.3; peak memory target:
flat, under 100 MB). ``--repeat N`` runs each stage N times and keeps its fastest run, for a
shared machine whose load swings single runs. ``--instructions`` runs each stage in
valgrind's callgrind and counts the instructions of its timed part only: the same count on a
loaded machine as on a quiet one, so the ratio of counts can be compared between runs.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from survey.aggregation.aggregate import OrgInfo, ResponseData, RoundInfo, RoundResults, aggregate  # noqa: E402
from survey.questionnaire import Questionnaire, load_questionnaire  # noqa: E402
from survey.questionnaire.routing import applicable_ids, effective_answers  # noqa: E402

POOL = 1000
TEXTS = ["=1+1", "Samverkan med kommunerna kan stärkas.", "rad ett\nrad två", "Emoji 😀 och ÅÄÖ",
         "@SUMMA(A1)", "Lång text " * 40, "Fler utbildade händelseanalytiker."]


def questionnaire() -> Questionnaire:
    return load_questionnaire(ROOT / "survey" / "questionnaires" / "regioner-2025.yaml")


def pool(q: Questionnaire) -> list[dict[str, object]]:
    rng = random.Random(2025)
    answers = []
    for _ in range(POOL):
        raw: dict[str, object] = {}
        for f in q.fields:
            if f.codes:
                raw[f.id] = rng.choice([c.code for c in f.codes])
            elif rng.random() < 0.3:
                raw[f.id] = rng.choice(TEXTS)
        kept = {k: v for k, v in effective_answers(q, raw).items() if rng.random() > 0.03}
        answers.append(effective_answers(q, kept))
    return answers


def org(i: int) -> OrgInfo:
    county = f"{i % 21 + 1:02d}"
    return OrgInfo(f"{i:06d}", f"Organisation {i}", "region", county, f"Län {county}")


def responses(q: Questionnaire, n: int) -> Iterator[ResponseData]:
    answers = pool(q)
    moment = datetime(2025, 10, 1, 10, 0, tzinfo=UTC)
    return (ResponseData(org(i), "submitted", answers[i % POOL], moment) for i in range(n))


class Population:
    """n organisations without holding n objects: the aggregation only needs len and codes."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __iter__(self) -> Iterator[OrgInfo]:
        return (org(i) for i in range(self.n))

    def __getitem__(self, index: int) -> OrgInfo:
        return org(index)


def results(q: Questionnaire, n: int) -> RoundResults:
    found = aggregate(q, responses(q, n), Population(n))  # type: ignore[arg-type]
    return RoundResults(found.questionnaire_id, found.content_hash, found.population,
                        found.submitted, found.items, ())


# -- stages ----------------------------------------------------------------------------------
class Clock:
    """Wall-clock and CPU seconds of the timed part of a stage; under ``--instructions`` (the
    stage runs in valgrind's callgrind, started with instrumentation off) it also switches the
    instruction count on for the timed part only."""

    def __enter__(self) -> Clock:
        _count_instructions("on")
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        _count_instructions("off")


def _count_instructions(state: str) -> None:
    if os.environ.get("BENCH_CALLGRIND"):
        subprocess.run(["callgrind_control", "--instr=" + state, str(os.getpid())], check=True,
                       capture_output=True)


def stage_aggregate(n: int, path: Path) -> Clock:
    """Aggregate, and leave the results in ``path`` for the export stage."""
    q = questionnaire()
    with Clock() as clock:
        found = results(q, n)
    assert found.submitted == n
    path.write_bytes(pickle.dumps(found))
    return clock


def stage_ours(n: int, path: Path) -> Clock:
    """The answer file, given the aggregation's results (made by the aggregate stage)."""
    from exports.xlsx import AnswerFile, write_answer_file

    q = questionnaire()
    saved = path.with_name("results.pickle")
    summary = pickle.loads(saved.read_bytes()) if saved.exists() else results(q, n)
    info = RoundInfo(1, "Benchmark", date(2025, 9, 23), date(2025, 10, 19))
    with Clock() as clock:
        rows = ((r.organisation, r) for r in responses(q, n))
        write_answer_file(path, AnswerFile(info, q, summary, rows, datetime.now(UTC)))
    return clock


def bare_rows(q: Questionnaire, n: int) -> Iterator[tuple[list[object], list[object]]]:
    """The values of one ``Svar`` row and one ``Koder`` row, as the answer file has them."""
    cells = []
    for answers in pool(q):
        applicable = applicable_ids(q, answers)
        svar: list[object] = []
        koder: list[object] = []
        for f in q.fields:
            value = answers.get(f.id)
            if f.id not in applicable:
                svar.append("–")
                koder.append("–")
            elif value is None:
                svar.append(None)
                koder.append(None)
            elif f.codes:
                svar.append(f.label_of(str(value)))
                koder.append(value)
            else:
                svar.append(value)
                koder.append(value)
        cells.append((svar, koder))
    moment = datetime(2025, 10, 1, 12, 0)
    for i in range(n):
        o = org(i)
        svar, koder = cells[i % POOL]
        yield ([o.code, o.name, "Region", o.county_name, "Inskickad", moment] + svar,
               [o.code, o.name, o.kind, o.county, "submitted", "2025-10-01T10:00:00+00:00"] + koder)


def stage_bare(n: int, path: Path) -> Clock:
    import xlsxwriter

    q = questionnaire()
    rows = bare_rows(q, n)
    with Clock() as clock:
        _bare_xlsxwriter(xlsxwriter, q, rows, path)
    return clock


def _bare_xlsxwriter(xlsxwriter: Any, q: Questionnaire, rows: Iterator[tuple[list[object], list[object]]],
                     path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_urls": False})
    svar, koder = workbook.add_worksheet("Svar"), workbook.add_worksheet("Koder")
    header = ["organisation"] * 6 + [f.id for f in q.fields]
    svar.write_row(0, 0, header)
    koder.write_row(0, 0, header)
    for index, (svar_row, koder_row) in enumerate(rows, 1):
        svar.write_row(index, 0, svar_row)
        koder.write_row(index, 0, koder_row)
    workbook.close()


def stage_bare_openpyxl(n: int, path: Path) -> Clock:
    q = questionnaire()
    rows = bare_rows(q, n)
    with Clock() as clock:
        _bare_openpyxl(q, rows, path)
    return clock


def _bare_openpyxl(q: Questionnaire, rows: Iterator[tuple[list[object], list[object]]], path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    svar, koder = workbook.create_sheet("Svar"), workbook.create_sheet("Koder")
    header = ["organisation"] * 6 + [f.id for f in q.fields]
    svar.append(header)
    koder.append(header)
    for svar_row, koder_row in rows:
        svar.append(svar_row)
        koder.append(koder_row)
    workbook.save(str(path))


def _stats_content(q: Questionnaire, n: int) -> Any:
    """The round as the writers get it, its n responses made before any clock starts (as a
    round's are loaded before its files are written), for ours and bare alike."""
    from exports.stats import StatsFile

    info = RoundInfo(1, "Benchmark", date(2025, 9, 23), date(2025, 10, 19))
    return StatsFile(info, q, [(r.organisation, r) for r in responses(q, n)], datetime.now(UTC))


def stage_ours_stats(n: int, path: Path) -> Clock:
    from exports.stats import write_dta, write_sav

    q = questionnaire()
    content = _stats_content(q, n)
    with Clock() as clock:
        (write_sav if path.suffix == ".sav" else write_dta)(path, content)
    return clock


def stage_bare_stats(n: int, path: Path) -> Clock:
    import pyreadstat

    from exports.stats import data_frame

    q = questionnaire()
    stata = path.suffix == ".dta"
    frame, _ = data_frame(_stats_content(q, n), stata=stata, for_file=True)  # the frame our writer writes
    with Clock() as clock:
        if stata:
            pyreadstat.write_dta(frame, str(path), missing_user_values={
                c: ["a", "b", "c"] for c in frame.columns if frame[c].map(lambda v: v in ("a", "b", "c")).any()})
        else:
            pyreadstat.write_sav(frame, str(path))
    return clock


STAGES = {"aggregate": stage_aggregate, "ours": stage_ours, "ours-small": stage_ours,
          "bare": stage_bare, "bare-openpyxl": stage_bare_openpyxl,
          "ours-sav": stage_ours_stats, "bare-sav": stage_bare_stats,
          "ours-dta": stage_ours_stats, "bare-dta": stage_bare_stats}


def run_stage(name: str, n: int, folder: Path, instructions: bool = False) -> dict[str, float]:
    """One stage in a fresh interpreter: its time and its own peak RSS (and, with
    ``instructions``, the instructions its timed part ran, counted by callgrind)."""
    suffix = f".{name[-3:]}" if name[-3:] in ("sav", "dta") else ".xlsx"
    path = folder / ("results.pickle" if name == "aggregate" else f"{name}{suffix}")
    if name == "ours-small":
        path = folder / "small" / "ours-small.xlsx"
        path.parent.mkdir(exist_ok=True)
    command = [sys.executable, __file__, "--stage", name, "--n", str(n), "--path", str(path)]
    if instructions:
        command = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null", *command]
    done = subprocess.run(command, check=True, capture_output=True, text=True,
                          env={**os.environ, "BENCH_CALLGRIND": "1"} if instructions else None)
    found: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    if instructions:
        counted = re.search(r"Collected : (\d+)", done.stderr)
        assert counted, done.stderr[-2000:]
        found["instructions"] = float(counted.group(1))
    if name != "aggregate":
        path.unlink()
    return found


def child(name: str, n: int, path: Path) -> None:
    clock = STAGES[name](n, path)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    size = path.stat().st_size if path.exists() else 0
    print(json.dumps({"seconds": clock.wall, "cpu": clock.cpu, "peak_mb": usage.ru_maxrss / 1024,
                      "bytes": size}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="responses (default 100,000)")
    parser.add_argument("--with-openpyxl", action="store_true", help="also time bare openpyxl")
    parser.add_argument("--only", choices=["xlsx", "stats"], help="only the Excel or only the SPSS/Stata stages")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each stage this many times (fresh processes) and keep its fastest run")
    parser.add_argument("--instructions", action="store_true",
                        help="also count each stage's instructions in valgrind's callgrind (the same on a loaded "
                             "machine; about 50 times slower: use a small --n such as 20000)")
    parser.add_argument("--stage", choices=list(STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.stage:
        child(args.stage, args.n, args.path)
        return
    plan = [("aggregate", args.n), ("ours", args.n), ("bare", args.n), ("ours-small", args.n // 10)]
    if args.with_openpyxl:
        plan.append(("bare-openpyxl", args.n))
    stats = [(name, args.n) for name in ("ours-sav", "bare-sav", "ours-dta", "bare-dta")]
    plan = {"xlsx": plan, "stats": stats}.get(args.only or "", plan + stats)
    found = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, n in plan:
            runs = [run_stage(name, n, Path(folder), args.instructions)
                    for _ in range(1 if name == "aggregate" else args.repeat)]
            found[name] = min(runs, key=lambda run: run["seconds"])
            stage = found[name]
            print(f"{name:<14} n={n:>7,}  {stage['seconds']:7.1f} s  (cpu {stage['cpu']:6.1f} s)  "
                  f"peak {stage['peak_mb']:6.1f} MB  file {stage['bytes'] / 2**20:6.1f} MB".replace(",", " ")
                  + (f"  {stage['instructions'] / 1e9:6.2f} G instructions" if args.instructions else ""), flush=True)
    if "ours" in found:
        ratio = found["ours"]["seconds"] / found["bare"]["seconds"]
        cpu_ratio = found["ours"]["cpu"] / found["bare"]["cpu"]
        print(f"ratio ours / bare XlsxWriter: {ratio:.2f} wall clock, {cpu_ratio:.2f} cpu"
              f"{_instruction_ratio(found['ours'], found['bare'])} (target ≤ 1.3)")
        print(f"peak memory: {found['ours']['peak_mb']:.1f} MB at n={args.n}, "
              f"{found['ours-small']['peak_mb']:.1f} MB at n={args.n // 10} (target: flat, under 100 MB)")
    for kind in ("sav", "dta"):
        if f"ours-{kind}" in found:
            ours, bare = found[f"ours-{kind}"], found[f"bare-{kind}"]
            print(f"ratio ours / bare pyreadstat .{kind}: {ours['seconds'] / bare['seconds']:.2f} wall clock, "
                  f"{ours['cpu'] / bare['cpu']:.2f} cpu{_instruction_ratio(ours, bare)} (target ≤ 1.5); "
                  f"peak memory {ours['peak_mb']:.0f} MB "
                  f"(bare {bare['peak_mb']:.0f} MB)")


def _instruction_ratio(ours: dict[str, float], bare: dict[str, float]) -> str:
    if "instructions" not in ours:
        return ""
    return f", {ours['instructions'] / bare['instructions']:.2f} instructions"


if __name__ == "__main__":
    main()
