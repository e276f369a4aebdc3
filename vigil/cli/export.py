"""``vigil export FORMAT -o PATH``: a thin shell over :mod:`vigil.export`.

Call :func:`register` once on the main Typer app.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from vigil.cli.common import cli_state, parse_day, print_json

__all__ = ["register"]

console = Console()


def export_cmd(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Argument(
            metavar="FORMAT",
            help="plover, gdelt, gdelt-mentions, csv, parquet, gexf, graphml or stix.",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Output file; for csv and parquet a folder (events, actors, mentions) or a .zip file.",
        ),
    ],
    watch: Annotated[
        str | None, typer.Option("--watch", help="Only this watch's articles and network (default: the whole store).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From YYYY-MM-DD (with --watch, default: its start).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="To YYYY-MM-DD (with --watch, default: its end).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")] = False,
) -> None:
    """Export events, actors, mentions or a watch's network for other tools (Gephi, pandas, GDELT and STIX readers)."""
    from vigil.export import export_to_path, get_format

    get_format(fmt)  # an unknown format is refused before the store is read
    lo, hi = parse_day(since, "--since"), parse_day(until, "--until")
    with cli_state(ctx).store() as store:
        floor = cli_state(ctx).settings.get_float("view.min_confidence")
        result = export_to_path(store, fmt, output, watch=watch, since=lo, until=hi, min_confidence=floor)
    if as_json:
        print_json({"path": result.path, "format": result.format, "counts": result.counts})
        return
    counts = " · ".join(f"{k} {v}" for k, v in result.counts.items())
    console.print(f"wrote {result.format} to {result.path}: {counts}", highlight=False, soft_wrap=True)
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    """Add ``vigil export`` to the main app."""
    app.command("export")(export_cmd)
