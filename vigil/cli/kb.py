"""``vigil kb ...``: knowledge-base tools (``import-wikidata``).

Call :func:`register` once on the main Typer app.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

__all__ = ["register"]

kb_app = typer.Typer(help="Knowledge-base tools.", no_args_is_help=True)
err = Console(stderr=True)


@kb_app.command("import-wikidata")
def import_wikidata(
    results: Annotated[Path, typer.Argument(help="SPARQL JSON results of the query in vigil/kb/README.md.")],
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the YAML file here (default: standard output).")
    ] = None,
) -> None:
    """Convert Wikidata people and positions held (with dates) into a knowledge-base YAML file."""
    from vigil.kb import KnowledgeBase
    from vigil.kb.wikidata import convert_results, read_results

    converted = convert_results(read_results(results), KnowledgeBase.load(), str(results))
    text = converted.to_yaml(results.name)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
    err.print(
        f"people: {len(converted.people)} new, {len(converted.roles)} with added roles or aliases"
        + "".join(f" · {what}: {n}" for what, n in sorted(converted.skipped.items()))
    )


def register(app: typer.Typer) -> None:
    """Add ``vigil kb`` to the main app."""
    app.add_typer(kb_app, name="kb")
