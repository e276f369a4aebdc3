"""CLI for corpus-scale ingestion: ``vigil ingest --engine ray`` and ``vigil load DIR``.

``ingest`` itself lives in :mod:`vigil.cli.main`; it calls :func:`run_engine` when the engine
is not the local one. Everything here is a thin shell over :mod:`vigil.scale`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from vigil.config import Settings
from vigil.errors import ConfigError
from vigil.ingest.pipeline import IngestProgress, IngestResult

__all__ = ["ENGINES", "register", "run_engine"]

ENGINES = ("local", "ray")


def run_engine(
    engine: str,
    inputs: Sequence[str],
    store: Any,
    settings: Settings,
    *,
    fmt: str,
    columns: Mapping[str, str] | None,
    extract: bool,
    address: str | None,
    parquet: Path | None,
    progress: Callable[[IngestProgress], None] | None,
) -> IngestResult:
    """Run a non-local ingest engine (``ray``) for ``vigil ingest``."""
    if engine not in ENGINES:
        raise typer.BadParameter(f"unknown engine {engine!r}; use {' or '.join(ENGINES)}", param_hint="--engine")
    if engine != "ray":
        raise ConfigError("--address and --parquet need `--engine ray`.")
    logging.getLogger("ray").setLevel(logging.WARNING)  # Ray Data logs every execution at INFO
    from vigil.scale.ray import ingest_ray

    return ingest_ray(
        inputs,
        settings,
        store=store if parquet is None else None,
        parquet=parquet,
        fmt=fmt,
        columns=columns,
        extract=extract,
        address=address,
        progress=progress,
    )


def register(app: typer.Typer) -> None:
    """Add ``vigil load`` to ``app``."""

    @app.command("load")
    def load(
        ctx: typer.Context,
        folder: Annotated[Path, typer.Argument(help="Folder of Parquet files from `vigil ingest --parquet`.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    ) -> None:
        """Import the Parquet files of a Ray ingest (`--engine ray --parquet DIR`) into the store."""
        from vigil.cli.common import cli_state, console, print_json
        from vigil.scale.parquet import load_parquet

        state = cli_state(ctx)
        with state.store(create=True) as store:
            result = load_parquet(folder, store, state.settings)
        summary = {
            "ingested": result.ingested,
            "exact_duplicates": result.exact_duplicates,
            "near_duplicates": result.near_duplicates,
            "extracted": result.extracted,
            "rejected": len(result.rejected),
        }
        if as_json:
            print_json(summary)
        else:
            console.print(" · ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary.items()))
        raise typer.Exit(result.exit_code)
