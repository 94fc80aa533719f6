"""``survey orgs list``: the organisation registry (no database needed)."""

from __future__ import annotations

from typing import Literal

import click
from flask.cli import AppGroup

from survey.cli.common import echo_json
from survey.registry import load_registry, sort_organisations

orgs_group = AppGroup("orgs", help="The organisation registry (21 regions, 290 municipalities).")


@orgs_group.command("list", with_appcontext=False)
@click.option("--kind", type=click.Choice(["region", "kommun"]))
@click.option("--sort", "sort_by", type=click.Choice(["code", "name"]), default="code", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def orgs_list(kind: str | None, sort_by: Literal["code", "name"], as_json: bool) -> None:
    """List organisations (Swedish order with --sort name)."""
    orgs = sort_organisations([o for o in load_registry() if kind in (None, o.kind)], by=sort_by)
    if as_json:
        echo_json([{"code": o.code, "name": o.name, "kind": o.kind, "county": o.county} for o in orgs])
        return
    for o in orgs:
        click.echo(f"{o.code}\t{o.kind}\t{o.county}\t{o.name}")
