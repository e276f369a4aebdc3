"""``vigil load DIR``: import the Parquet files of a Ray ingest (``--parquet DIR``) into the store.

The rows go through the local engine's write path (:func:`vigil.ingest.job.ingest_records`):
deduplication against the store, batches, one transaction each. Files are read in name order
(Ray names them by write task, in dataset order) and in small record batches, so memory stays
bounded whatever the folder holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from vigil.config import Settings
from vigil.errors import ConfigError, IngestError
from vigil.ingest.job import IngestProgress, IngestResult, ingest_records
from vigil.scale.rows import COLUMNS, Precomputed

try:
    import pyarrow.parquet as pq
except ImportError:  # pragma: no cover - exercised without the extra installed
    raise ConfigError("Reading Parquet needs pyarrow. Install it with `pip install 'vigil[ray]'`.") from None

__all__ = ["load_parquet", "parquet_files"]

_ROWS = 256


def parquet_files(folder: str | Path) -> list[Path]:
    """The Parquet files of ``folder``, in the order they are loaded."""
    path = Path(folder)
    if not path.is_dir():
        raise IngestError(f"{path} is not a folder. Give the folder a `vigil ingest --engine ray --parquet` wrote.")
    files = sorted(p for p in path.rglob("*.parquet") if not p.name.startswith("."))
    if not files:
        raise IngestError(
            f"{path} holds no .parquet files. Write some with `vigil ingest --engine ray --parquet {path}`."
        )
    return files


def load_parquet(
    folder: str | Path,
    store: Any,
    settings: Settings,
    *,
    progress: Callable[[IngestProgress], None] | None = None,
) -> IngestResult:
    """Import the rows of ``folder``'s Parquet files into ``store``.

    Args:
        folder: a folder of Parquet files in the :mod:`vigil.scale.rows` row format.
        store: the open store.
        settings: Vigil settings (batch size, near-duplicate threshold).
        progress: called after every record.
    Returns:
        The :class:`IngestResult`, as for an ingest.
    Raises:
        IngestError: no Parquet files, or files without the row columns.
    """
    files = parquet_files(folder)
    extractor = Precomputed("parquet")
    return ingest_records(extractor.records(_rows(files)), store, settings, extractor=extractor, progress=progress)


def _rows(files: list[Path]) -> Iterator[dict[str, Any]]:
    for path in files:
        handle = pq.ParquetFile(path)
        missing = sorted(set(COLUMNS) - set(handle.schema_arrow.names) - {"stage_seconds"})
        if missing:
            raise IngestError(f"{path} lacks the columns {missing}: it was not written by `vigil ingest --parquet`.")
        for batch in handle.iter_batches(batch_size=_ROWS, columns=[c for c in COLUMNS if c != "stage_seconds"]):
            yield from batch.to_pylist()
