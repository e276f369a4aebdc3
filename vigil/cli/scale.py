"""``vigil load DIR``: import the Parquet files of a Ray ingest (``vigil ingest --engine ray --parquet DIR``).

The engine choice itself is :func:`vigil.services.ingest_on`; this is a thin shell over
:func:`vigil.services.load`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from vigil.cli.common import cli_state, console, print_json

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add ``vigil load`` to ``app``."""

    @app.command("load")
    def load(
        ctx: typer.Context,
        folder: Annotated[Path, typer.Argument(help="Folder of Parquet files from `vigil ingest --parquet`.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    ) -> None:
        """Import the Parquet files of a Ray ingest (`--engine ray --parquet DIR`) into the store.

        The articles extracted on Ray fire the watches' alerts, as after an ingest.
        """
        from vigil.services import load as run_load

        state = cli_state(ctx)
        with state.store(create=True) as store:
            result = run_load(folder, store, state.settings)
        summary = {
            "ingested": result.ingested,
            "exact_duplicates": result.exact_duplicates,
            "near_duplicates": result.near_duplicates,
            "extracted": result.extracted,
            "rejected": len(result.rejected),
            "alerts": len(result.alerts),
        }
        if as_json:
            print_json(summary)
        else:
            console.print(" · ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary.items()))
        raise typer.Exit(result.exit_code)
