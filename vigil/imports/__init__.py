"""Import the event data analysts already have: GDELT, ICEWS and ACLED events, news-please articles.

See :mod:`vigil.imports.importer` (``vigil import``) and ``docs/interop.md``.
"""

from vigil.imports.importer import FORMATS, FileCounts, ImportResult, import_files

__all__ = ["FORMATS", "FileCounts", "ImportResult", "import_files"]
