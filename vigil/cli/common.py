"""Small helpers every command module shares: option parsing and JSON output."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any

import typer

__all__ = ["parse_day", "print_json"]


def parse_day(value: str | None, name: str) -> date | None:
    """An optional ``YYYY-MM-DD`` option value, or a usage error naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD.", param_hint=name) from None


def print_json(data: Any) -> None:
    """Write ``data`` as indented JSON to standard output (dates and other objects as strings)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
