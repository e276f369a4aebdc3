"""Gold files in the schemas of ``eval/dev/README.md``: event sets, article sets, actor descriptions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from vigil.errors import VigilError
from vigil.evaluate.annotations import is_reference, resolve_records

__all__ = ["GoldFile", "json_lines", "load_gold"]


@dataclass(frozen=True, slots=True)
class GoldFile:
    path: Path
    kind: str  # "events", "articles" or "actors"
    records: list[dict[str, Any]]

    @property
    def name(self) -> str:
        return self.path.name


def _kind(path: Path, first: dict[str, Any]) -> str:
    for suffix in ("events", "articles", "actors"):
        if path.name.endswith(f".{suffix}.jsonl"):
            return suffix
    if "events" in first:
        return "events"
    if "gold" in first:
        return "articles"
    if "expect" in first:
        return "actors"
    raise VigilError(f"{path}: cannot tell the gold schema (events, articles or actors). See eval/dev/README.md.")


def json_lines(path: Path, what: str) -> list[tuple[int, Any]]:
    """The values of a JSON Lines file with their line numbers (blank lines skipped).

    Raises:
        VigilError: the file cannot be read (named as ``what``), or a line is no JSON (file and line named).
    """
    out: list[tuple[int, Any]] = []
    try:
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        out.append((n, json.loads(line)))
                    except json.JSONDecodeError as exc:
                        raise VigilError(f"{path}:{n}: not valid JSON ({exc.msg}).") from None
    except OSError as exc:
        raise VigilError(f"Cannot read {what} {path}: {exc.strerror}.") from None
    return out


def load_gold(path: Path, shared: Path | None = None) -> GoldFile:
    """Read a gold JSON Lines file, telling its schema from its name or first record.

    Records stored by reference to the corpus (the project's annotations) are resolved against
    ``shared`` (the folder of ``../shared``).
    """
    records = [record for _, record in json_lines(path, "gold file")]
    if not records:
        raise VigilError(f"Gold file {path} is empty.")
    if is_reference(records[0]):
        records = resolve_records(records, shared or Path("../shared"), source=str(path))
    return GoldFile(path, _kind(path, records[0]), records)


def record_date(record: dict[str, Any]) -> date | None:
    value = record.get("date")
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
