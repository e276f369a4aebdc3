"""``vigil import FORMAT PATH...``: a thin shell over :mod:`vigil.imports`.

Call :func:`register` once on the main Typer app.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from vigil.cli.common import cli_state, print_json

__all__ = ["register"]

console = Console()
err = Console(stderr=True)


def import_cmd(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Argument(
            metavar="FORMAT",
            help="gdelt-events (1.0 or 2.0, told by the column count), gdelt-mentions, gdelt-gkg (2.1 or 1.0), "
            "icews, acled, plover or news-please.",
        ),
    ],
    paths: Annotated[list[str], typer.Argument(help="Files or folders.")],
    extract: Annotated[
        bool, typer.Option("--extract/--no-extract", help="news-please: run extraction on the new articles.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import events coded by GDELT, ICEWS, ACLED or in PLOVER JSON (kept apart by their coder), GDELT GKG
    records of documents, or news-please articles."""
    from vigil.imports import FORMATS
    from vigil.services import import_articles

    if fmt not in FORMATS:
        raise typer.BadParameter(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}", param_hint="FORMAT")
    state = cli_state(ctx)
    with state.store(create=True) as store:
        result, alerts = import_articles(fmt, paths, store, state.settings, extract=extract)
    if as_json:
        print_json(result.to_dict() | ({"alerts": len(alerts)} if alerts else {}))
        raise typer.Exit(result.exit_code)
    what = {"news-please": "articles", "gdelt-gkg": "GKG records"}.get(fmt, "events")
    table = Table("file", f"{what} imported", "already there", "updated", "skipped", "rejected", title=f"import {fmt}")
    for path, c in result.files.items():
        table.add_row(path, str(c.imported), str(c.existing), str(c.updated), str(c.skipped), str(c.rejected))
    console.print(table)
    console.print(
        f"imported [bold]{result.total('imported')}[/] {what} · already there {result.total('existing')} · "
        f"skipped {result.total('skipped')} · rejected [bold]{result.total('rejected')}[/]"
        + (f" · alerts [bold]{len(alerts)}[/]" if alerts else "")
    )
    for label, items in (("rejected", result.rejected), ("skipped", result.skipped)):
        for r in items[:200]:
            sys.stdout.write(f"{label} {r.origin}:{r.location.removeprefix('line ')}: {r.reason}\n")
        if len(items) > 200:
            sys.stdout.write(f"… and {len(items) - 200} more {label} rows (see the store's rejections)\n")
    raise typer.Exit(result.exit_code)


def register(app: typer.Typer) -> None:
    """Add ``vigil import`` to ``app``."""
    app.command("import")(import_cmd)
