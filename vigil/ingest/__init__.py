"""Ingest: readers that turn files, folders and URLs into :class:`vigil.models.RawArticle` records.

The entry point is :func:`vigil.ingest.readers.read_inputs`. Modules are named after one concept
each: ``text`` (plain dated text), ``jsonl`` (JSON Lines and JSON), ``tabular`` (CSV/TSV),
``feeds`` (RSS/Atom), ``html`` (web pages), ``fetch`` (URLs), ``dates``, ``language``,
``encoding``, ``formats`` (sniffing) and ``records`` (building a record from fields).
Heavy libraries (trafilatura, feedparser, httpx) are imported only by the modules that use them.
"""
