"""``survey export pptx|reflection``, ``survey themes``, ``survey publish``, ``survey compare``.

The deck and reflection exports join the ``export`` group of ``survey.cli.results``; the views
call the same builders, so a file made here is the file staff and organisations download.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from survey.aggregation.compare import compare
from survey.cli.common import commit_or_fail, get_round
from survey.cli.results import export_group
from survey.db import Organisation
from survey.reflection import publish, unpublish
from survey.results import round_data
from survey.themes import entries, national_deck_input, seed_default_themes, theme_counts, themes
from survey.web.extensions import db, db_session


def _organisation(code: str) -> Organisation:
    org = db.session.scalar(select(Organisation).where(Organisation.code == code))
    if org is None:
        raise click.ClickException(f"unknown organisation code '{code}'")
    return org


def _write(path: Path, blob: bytes) -> None:
    path.write_bytes(blob)
    click.echo(f"wrote {path} ({len(blob):,} bytes)".replace(",", " "))


@export_group.command("pptx")
@click.argument("round_id", type=int)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True)
def export_pptx(round_id: int, output: Path) -> None:
    """The national results deck of a round (native, editable charts)."""
    from exports.pptx_deck import build_national_deck

    _write(output, build_national_deck(national_deck_input(db_session(), get_round(round_id))))


@export_group.command("reflection")
@click.argument("round_id", type=int)
@click.option("--org", "code", required=True, help="organisation code, e.g. 07 or 0180")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="FILE.pptx for the deck, FILE.xlsx for the Excel file")
def export_reflection(round_id: int, code: str, output: Path) -> None:
    """An organisation's reflection: its answers beside everyone's, its notes."""
    from survey.documents import reflection_pptx, reflection_xlsx

    round_, org = get_round(round_id), _organisation(code)
    if output.suffix.lower() not in (".pptx", ".xlsx"):
        raise click.ClickException("the output file must end in .pptx or .xlsx")
    build = reflection_xlsx if output.suffix.lower() == ".xlsx" else reflection_pptx
    _write(output, build(db_session(), round_, org))


themes_group = AppGroup("themes", help="Free-text themes of a round.")


@themes_group.command("seed")
@click.argument("round_id", type=int)
def themes_seed(round_id: int) -> None:
    """Give the round 2025's six themes (if it has none)."""
    found = seed_default_themes(db_session(), get_round(round_id))
    db.session.commit()
    for theme in found:
        click.echo(theme.name)


@themes_group.command("list")
@click.argument("round_id", type=int)
def themes_list(round_id: int) -> None:
    """Each theme with its number of answers, per free-text question."""
    round_ = get_round(round_id)
    for answer_id, counts in theme_counts(entries(db_session(), round_), themes(db_session(), round_)).items():
        click.echo(answer_id)
        for name, count in counts:
            click.echo(f"  {count}\t{name}")


@click.command("publish")
@with_appcontext
@click.argument("round_id", type=int)
@click.option("--by", "actor", default="cli", show_default=True)
@click.option("--undo", is_flag=True, help="Withdraw the publication.")
def publish_command(round_id: int, actor: str, undo: bool) -> None:
    """Publish a closed round's results: opens each organisation's reflection pages."""
    round_ = get_round(round_id)
    commit_or_fail(lambda: unpublish(db_session(), round_) if undo else publish(db_session(), round_, actor))
    click.echo(f"round {round_id}: {'unpublished' if undo else 'published'}")


@click.command("compare")
@with_appcontext
@click.argument("before_id", type=int)
@click.argument("after_id", type=int)
def compare_command(before_id: int, after_id: int) -> None:
    """Compare two rounds of one questionnaire family, answer id by answer id («ja» counts)."""
    before, after = round_data(db_session(), get_round(before_id)), round_data(db_session(), get_round(after_id))
    try:
        found = compare(before.questionnaire, before.results(), after.questionnaire, after.results())
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"svars-id\t{found.before_year}\t{found.after_year}\tförändring")
    for item in found.items.values():
        if not item.comparable or item.before is None or item.after is None:
            click.echo(f"{item.answer_id}\t–\t–\tinte jämförbar: {' '.join(item.reasons)}")
            continue
        code = "ja" if "ja" in item.after.counts else next(iter(item.after.counts), "")
        old, new = item.before.counts.get(code, 0), item.after.counts.get(code, 0)
        click.echo(f"{item.answer_id}\t{old}\t{new}\t{new - old:+d} ({code})")
