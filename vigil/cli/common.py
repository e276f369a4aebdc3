"""What every command module shares: option parsing, the consoles, tables that suit the output, JSON.

On a terminal, tables are Rich tables fitted to its width. When standard output is not a terminal
(a pipe, a file, a CI log), nothing is wrapped: summary lines come out whole, and tables as
tab-separated lines with a header, one row per line, so ``grep``, ``cut`` and spreadsheets read them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from vigil.config import Settings
from vigil.errors import VigilError
from vigil.store import Store, open_store

__all__ = [
    "State",
    "cli_state",
    "console",
    "err",
    "missing_store",
    "parse_day",
    "print_json",
    "print_lines",
    "print_table",
    "require_choice",
]

console = Console()
console.soft_wrap = not console.is_terminal
err = Console(stderr=True)
err.soft_wrap = not err.is_terminal


def parse_day(value: str | None, name: str) -> date | None:
    """An optional ``YYYY-MM-DD`` option value, or a usage error naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD.", param_hint=name) from None


def require_choice(value: str | None, valid: Iterable[str], name: str) -> str | None:
    """``value`` if it is one of ``valid`` (case-insensitive, returned in the valid spelling), else a usage error."""
    if value is None:
        return None
    choices = list(valid)
    for choice in choices:
        if value.casefold() == choice.casefold():
            return choice
    raise typer.BadParameter(f"unknown value {value!r}; valid values: {', '.join(choices)}.", param_hint=name)


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON to standard output (dates and other objects as strings)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _plain(cell: Any) -> str:
    if isinstance(cell, Text):
        text = cell.plain
    elif isinstance(cell, str):
        text = Text.from_markup(cell).plain
    else:
        text = str(cell)
    return " ".join(text.split())


def print_table(table: Table, empty: str | None = None) -> None:
    """Print ``table``: fitted to the terminal, or as tab-separated lines when output is not a terminal.

    ``empty``: the sentence to print instead of an empty table (``"no events match …"``).
    """
    if table.row_count == 0 and empty is not None:
        console.print(empty, markup=False, highlight=False)
        return
    if console.is_terminal:
        console.print(table)
        return
    lines = []
    if table.title:
        lines.append(f"# {_plain(table.title)}")
    lines.append("\t".join(_plain(c.header) for c in table.columns))
    columns = [list(c.cells) for c in table.columns]
    for i in range(table.row_count):
        lines.append("\t".join(_plain(col[i]) if i < len(col) else "" for col in columns))
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


def print_lines(lines: Iterable[str]) -> None:
    """Plain lines, never wrapped by Rich (the terminal wraps long ones itself)."""
    for line in lines:
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def missing_store(location: str) -> VigilError | None:
    """The error for a command that reads a SQLite store that does not exist (None: it exists, or is a URL)."""
    if "://" in location:
        return None
    path = Path(location).expanduser()
    if path.exists():
        return None
    return VigilError(
        f"No store at {str(path)!r} (from --db, VIGIL_DB or the default). Give the store with --db PATH, "
        "or create this one with `vigil ingest FILES...` or `vigil watch create FILE.yaml`."
    )


@dataclass
class State:
    """What every command reads from the root options: the settings, and through them the store."""

    settings: Settings

    @contextmanager
    def store(self, create: bool = False) -> Iterator[Store]:
        """The configured store; one that does not exist is an error unless ``create`` (ingest, watch create)."""
        if not create:
            problem = missing_store(self.settings.get_str("db"))
            if problem is not None:
                raise problem
        store = open_store(self.settings.get_str("db"), busy_timeout=self.settings.get_float("db.busy_timeout"))
        try:
            yield store
        finally:
            store.close()


def cli_state(ctx: typer.Context) -> State:
    """The :class:`State` the root command stored on the context."""
    state = ctx.find_root().obj
    assert isinstance(state, State)
    return state
