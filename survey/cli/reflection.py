"""`survey` commands for the deck, the reflection, themes and year-over-year comparison.

``survey export pptx ROUND -o FILE`` and ``survey export reflection ROUND --org CODE -o FILE``
join the ``export`` group the results commands create (or create it); the views call the same
builders, so a file made here is the file staff and organisations download.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from flask.cli import AppGroup, FlaskGroup, with_appcontext

if TYPE_CHECKING:
    from survey.db import Organisation, Round


def _round(round_id: int) -> Round:
    from survey.db import Round
    from survey.web.extensions import db

    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise click.ClickException(f"no round with id {round_id}")
    return round_


def _organisation(code: str) -> Organisation:
    from sqlalchemy import select

    from survey.db import Organisation
    from survey.web.extensions import db

    org = db.session.scalar(select(Organisation).where(Organisation.code == code))
    if org is None:
        raise click.ClickException(f"unknown organisation code '{code}'")
    return org


def _write(path: Path, blob: bytes) -> None:
    path.write_bytes(blob)
    click.echo(f"wrote {path} ({len(blob):,} bytes)".replace(",", " "))


@click.command("pptx")
@with_appcontext
@click.argument("round_id", type=int)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True)
def export_pptx(round_id: int, output: Path) -> None:
    """The national results deck of a round (native, editable charts)."""
    from exports.pptx_deck import build_national_deck
    from survey.themes import national_deck_input
    from survey.web.extensions import db_session

    _write(output, build_national_deck(national_deck_input(db_session(), _round(round_id))))


@click.command("reflection")
@with_appcontext
@click.argument("round_id", type=int)
@click.option("--org", "code", required=True, help="organisation code, e.g. 07 or 0180")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="FILE.pptx for the deck, FILE.xlsx for the Excel file")
def export_reflection(round_id: int, code: str, output: Path) -> None:
    """An organisation's reflection: its answers beside everyone's, its notes."""
    from survey.documents import reflection_pptx, reflection_xlsx
    from survey.web.extensions import db_session

    round_, org = _round(round_id), _organisation(code)
    if output.suffix.lower() not in (".pptx", ".xlsx"):
        raise click.ClickException("the output file must end in .pptx or .xlsx")
    build = reflection_xlsx if output.suffix.lower() == ".xlsx" else reflection_pptx
    _write(output, build(db_session(), round_, org))


@click.group("themes", cls=AppGroup, help="Free-text themes of a round.")
def themes_group() -> None:
    pass


@themes_group.command("seed")
@with_appcontext
@click.argument("round_id", type=int)
def themes_seed(round_id: int) -> None:
    """Give the round 2025's six themes (if it has none)."""
    from survey.themes import seed_default_themes
    from survey.web.extensions import db, db_session

    found = seed_default_themes(db_session(), _round(round_id))
    db.session.commit()
    for theme in found:
        click.echo(theme.name)


@themes_group.command("list")
@with_appcontext
@click.argument("round_id", type=int)
def themes_list(round_id: int) -> None:
    """Each theme with its number of answers, per free-text question."""
    from survey.themes import entries, theme_counts, themes
    from survey.web.extensions import db_session

    round_ = _round(round_id)
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
    from survey.reflection import ReflectionError, publish, unpublish
    from survey.web.extensions import db, db_session

    round_ = _round(round_id)
    try:
        unpublish(db_session(), round_) if undo else publish(db_session(), round_, actor)
    except ReflectionError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"round {round_id}: {'unpublished' if undo else 'published'}")


@click.command("compare")
@with_appcontext
@click.argument("before_id", type=int)
@click.argument("after_id", type=int)
def compare_command(before_id: int, after_id: int) -> None:
    """Compare two rounds of one questionnaire family, answer id by answer id («ja» counts)."""
    from survey.aggregation.compare import compare
    from survey.results import round_data
    from survey.web.extensions import db_session

    before, after = round_data(db_session(), _round(before_id)), round_data(db_session(), _round(after_id))
    try:
        found = compare(before.questionnaire, before.results(), after.questionnaire, after.results())
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"svars-id\t{found.before_year}\t{found.after_year}\tförändring")
    for item in found.items.values():
        if not item.comparable or item.before is None or item.after is None:
            click.echo(f"{item.answer_id}\t–\t–\tinte jämförbar: {' '.join(item.reasons)}")
            continue
        code = "ja" if item.after and "ja" in item.after.counts else next(iter(item.after.counts), "")
        old, new = item.before.counts.get(code, 0), item.after.counts.get(code, 0)
        click.echo(f"{item.answer_id}\t{old}\t{new}\t{new - old:+d} ({code})")


def register(cli: FlaskGroup) -> None:
    """Add this module's commands to the `survey` group (into `export` if it exists)."""
    export = cli.commands.get("export")
    if not isinstance(export, click.Group):
        export = AppGroup("export", help="Export results as files.")
        cli.add_command(export)
    export.add_command(export_pptx)
    export.add_command(export_reflection)
    cli.add_command(themes_group)
    cli.add_command(publish_command)
    cli.add_command(compare_command)
