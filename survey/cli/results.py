"""``survey export results|xlsx|json|sav|dta|csv|codebook``, ``survey import``, ``survey freeze|unfreeze``.

    survey export results ROUND [--json] [-o FILE]   the aggregation (n and counts per answer id)
    survey export xlsx ROUND -o FILE                  the Excel answer file
    survey export json ROUND [-o FILE]                the answers document (JSON, the contract)
    survey export sav ROUND -o F.sav                  SPSS, with labels and missing-value codes
    survey export dta ROUND -o F.dta                  Stata, the same
    survey export csv ROUND -o F.csv [--long]         CSV (UTF-8), wide as Koder or long with states
    survey export codebook ROUND -o F.json|F.csv      the machine-readable code book
    survey import ROUND FILE [--dry-run]              JSON or the engine's own Excel file
    survey freeze ROUND [--note TEXT]                 freeze the results (a new version)
    survey unfreeze ROUND --reason TEXT               lift the freeze (e.g. to import again)

Exports of a frozen round come from its snapshot unless ``--live`` is given; ``--snapshot N``
picks an earlier version. Each command commits at most once. The deck and reflection exports
join the same ``export`` group from ``survey.cli.reflection``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup, with_appcontext

from survey.aggregation.aggregate import RoundData, aggregate_by
from survey.cli.common import actor_name, commit_or_fail, get_round
from survey.db import utcnow
from survey.responses.transfer import ImportRejected, answers_json, import_answers
from survey.results import SnapshotError, freeze_round, lift_freeze, round_data
from survey.web.extensions import db, db_session

export_group = AppGroup("export", help="Export a round's results and answers.")


def _with_source(command: Callable[..., None]) -> Callable[..., None]:
    command = click.option("--snapshot", "version", type=int, help="This frozen version instead.")(command)
    return click.option("--live", is_flag=True, help="Current answers, even when the round is frozen.")(command)


def _data(round_id: int, live: bool, version: int | None) -> RoundData:
    try:
        return round_data(db_session(), get_round(round_id), live=live, version=version)
    except SnapshotError as error:
        raise click.ClickException(str(error)) from error


def _write(output: str, payload: bytes) -> None:
    if output == "-":
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    Path(output).write_bytes(payload)
    click.echo(f"skrev {output} ({len(payload):,} byte)".replace(",", " "), err=True)


def _source_note(data: RoundData) -> str:
    info = data.info
    if info.snapshot_version is None:
        return "aktuella svar"
    return f"fryst version {info.snapshot_version} ({info.snapshot_hash[:12]}…)"


@export_group.command("results")
@click.argument("round_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="The aggregation as JSON.")
@click.option("-o", "--output", default="-", show_default=True, help="File to write, - for stdout.")
@click.option("--by", type=click.Choice(["kind", "county"]), help="One result per kind or county.")
@click.option("--drafts", is_flag=True, help="Count drafts too (never for publication).")
@_with_source
def export_results(round_id: int, as_json: bool, output: str, by: str | None, drafts: bool,
                   live: bool, version: int | None) -> None:
    """n, non-response and counts per answer id, from the one aggregation."""
    data = _data(round_id, live, version)
    results = data.results(include_drafts=drafts)
    document: dict[str, Any] = results.to_json(data.info.name)
    if by:
        groups = aggregate_by(data.questionnaire, data.responses, data.population,
                              key=lambda org: str(getattr(org, by)), include_drafts=drafts)
        document["groups"] = {name: group.to_json(data.info.name) for name, group in groups.items()}
    if as_json:
        _write(output, (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        return
    lines = [f"{data.info.name}: {results.submitted} av {results.population} inskickade ({_source_note(data)})"]
    for aid, item in results.items.items():
        counts = "  ".join(f"{code} {count}" for code, count in item.counts.items())
        lines.append(f"{aid:<14} n={item.answered:<4} obesvarade={item.not_answered:<3} "
                     f"tomma={item.left_blank:<3} ej aktuella={item.not_applicable:<4} {counts}")
    _write(output, ("\n".join(lines) + "\n").encode("utf-8"))


@export_group.command("xlsx")
@click.argument("round_id", type=int)
@click.option("-o", "--output", required=True, help="The .xlsx file to write.")
@click.option("--drafts", is_flag=True, help="Show drafts' answers in Svar and Koder (not counted).")
@_with_source
def export_xlsx(round_id: int, output: str, drafts: bool, live: bool, version: int | None) -> None:
    """The Excel answer file (Svar, Koder, Kodbok, Sammanställning, Om enkäten)."""
    from exports.xlsx import build_answer_file

    data = _data(round_id, live, version)
    _write(output, build_answer_file(data, utcnow(), include_drafts=drafts))
    click.echo(f"underlag: {_source_note(data)}", err=True)


@export_group.command("json")
@click.argument("round_id", type=int)
@click.option("-o", "--output", default="-", show_default=True, help="File to write, - for stdout.")
@_with_source
def export_json(round_id: int, output: str, live: bool, version: int | None) -> None:
    """The answers document (every response, drafts included, effective answers only)."""
    _write(output, answers_json(_data(round_id, live, version), utcnow()))


# -- files for statistics software (docs/analysis-files.md) --------------------------------
@export_group.command("sav")
@click.argument("round_id", type=int)
@click.option("-o", "--output", required=True, help="The .sav file to write.")
@click.option("--drafts", is_flag=True, help="Include drafts' answers (status draft).")
@_with_source
def export_sav(round_id: int, output: str, drafts: bool, live: bool, version: int | None) -> None:
    """SPSS: one row per organisation, variable and value labels, user-missing codes."""
    from exports.stats import build_sav

    _write(output, build_sav(_data(round_id, live, version), utcnow(), include_drafts=drafts))


@export_group.command("dta")
@click.argument("round_id", type=int)
@click.option("-o", "--output", required=True, help="The .dta file to write.")
@click.option("--drafts", is_flag=True, help="Include drafts' answers (status draft).")
@_with_source
def export_dta(round_id: int, output: str, drafts: bool, live: bool, version: int | None) -> None:
    """Stata: one row per organisation, labels, missing values .a .b .c."""
    from exports.stats import build_dta

    _write(output, build_dta(_data(round_id, live, version), utcnow(), include_drafts=drafts))


@export_group.command("csv")
@click.argument("round_id", type=int)
@click.option("-o", "--output", default="-", show_default=True, help="File to write, - for stdout.")
@click.option("--long", "long_", is_flag=True, help="One row per organisation and answer id, with its state.")
@click.option("--drafts", is_flag=True, help="Include drafts' answers (status draft).")
@_with_source
def export_csv(round_id: int, output: str, long_: bool, drafts: bool, live: bool, version: int | None) -> None:
    """The answers as CSV (UTF-8): wide like the Koder sheet, or long."""
    from exports.csv_files import build_csv

    _write(output, build_csv(_data(round_id, live, version), utcnow(), long=long_, include_drafts=drafts))


@export_group.command("codebook")
@click.argument("round_id", type=int)
@click.option("-o", "--output", required=True, help="F.json or F.csv (the suffix picks the format).")
@_with_source
def export_codebook(round_id: int, output: str, live: bool, version: int | None) -> None:
    """The code book: wording, inferred texts, codes, numeric codes, routing, per answer id."""
    from exports.codebook import build_codebook_csv, build_codebook_json

    suffix = Path(output).suffix.lower()
    if suffix not in (".json", ".csv"):
        raise click.BadParameter(f"{output}: skriv till en .json- eller .csv-fil", param_hint="-o")
    q = _data(round_id, live, version).questionnaire
    _write(output, build_codebook_json(q) if suffix == ".json" else build_codebook_csv(q))


@click.command("import")
@with_appcontext
@click.argument("round_id", type=int)
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check only; store nothing.")
def import_command(round_id: int, path: Path, dry_run: bool) -> None:
    """Import answers (JSON or the engine's Excel file); all or nothing."""
    round_ = get_round(round_id)
    try:
        report = import_answers(db_session(), round_, path.read_bytes(), actor_name(), path.name, dry_run=dry_run)
    except ImportRejected as rejected:
        db.session.rollback()
        for line in rejected.summary():
            click.echo(line, err=True)
        raise click.ClickException(f"{rejected.total} fel i {path.name}; inget importerades") from None
    if dry_run:
        db.session.rollback()
        click.echo(f"{path.name}: {report.responses} svar utan fel; inget sparades (--dry-run)")
        return
    db.session.commit()
    click.echo(f"importerade {report.responses} svar till omgång {round_.id} "
               f"({report.submitted} inskickade, {report.drafts} utkast, {report.created} nya; "
               f"{report.changed_answers} ändrade svarsvärden)")


@click.command("freeze")
@with_appcontext
@click.argument("round_id", type=int)
@click.option("--note", default="", help="Why or for what (e.g. the publication).")
def freeze_command(round_id: int, note: str) -> None:
    """Freeze the round's results into a new versioned snapshot."""
    round_ = get_round(round_id)
    snapshot, created = commit_or_fail(lambda: freeze_round(db_session(), round_, actor_name(), note))
    verb = "frös" if created else "oförändrad sedan"
    click.echo(f"{verb} version {snapshot.version} av omgång {round_.id}: "
               f"{snapshot.submitted} av {snapshot.population} inskickade, sha256 {snapshot.content_hash}")


@click.command("unfreeze")
@with_appcontext
@click.argument("round_id", type=int)
@click.option("--reason", required=True, help="Why the freeze is lifted.")
def unfreeze_command(round_id: int, reason: str) -> None:
    """Lift the freeze in force; the snapshot is kept, the next freeze is a new version."""
    round_ = get_round(round_id)
    snapshot = commit_or_fail(lambda: lift_freeze(db_session(), round_, actor_name(), reason), (SnapshotError,))
    click.echo(f"hävde frysningen av omgång {round_.id} (version {snapshot.version} finns kvar)")
