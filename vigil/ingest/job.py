"""The ingest job: read inputs, identify, dedupe, extract, and store in batches.

Each batch is one transaction: its articles, their MinHash bands, their
extraction results and the batch's rejections land together or not at all, so
a crash never leaves half an article and a re-run picks up where it stopped.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Protocol

from vigil.config import Settings
from vigil.ingest.dedupe import Signature, jaccard, signature
from vigil.ingest.fetch import Fetcher
from vigil.ingest.readers import read_inputs
from vigil.models import Alert, Article, Extraction, RawArticle, Rejection, article_id
from vigil.store import Store
from vigil.store.changes import Touches

__all__ = ["ArticleExtractor", "IngestProgress", "IngestResult", "article_from_raw", "ingest", "ingest_records"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


class ArticleExtractor(Protocol):
    """What the ingest job needs from the extraction pipeline."""

    version: str

    def extract(self, articles: Sequence[Article]) -> list[Extraction]: ...


class BackgroundExtractor(ArticleExtractor, Protocol):
    """An extractor with worker processes: :meth:`submit` returns at once, the call it returns waits."""

    def submit(self, articles: Sequence[Article]) -> Callable[[], list[Extraction]]: ...


@dataclass(slots=True)
class IngestProgress:
    items: int = 0
    ingested: int = 0
    rejected: int = 0


UNDATED_NOTES = 20


@dataclass(slots=True)
class IngestResult:
    """What one ingest did."""

    ingested: int = 0
    exact_duplicates: int = 0
    near_duplicates: int = 0
    extracted: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    keep_ids: bool = True  # False: article_ids stays empty (bounded memory at corpus scale)
    undated: int = 0  # items read without a usable date (stored undated unless duplicates)
    undated_notes: list[Rejection] = field(default_factory=list)  # the first few: where, and why
    alerts: list[Alert] = field(default_factory=list)  # fired by the new articles (vigil.services)
    views: dict[str, int] = field(default_factory=dict)  # watches whose kept views were computed after it
    views_seconds: float = 0.0  # the time that took

    def note_undated(self, raw: RawArticle) -> None:
        self.undated += 1
        if len(self.undated_notes) < UNDATED_NOTES:
            why = raw.date_note or "no date found in the item"
            self.undated_notes.append(Rejection(raw.origin, raw.location, why))

    @property
    def exit_code(self) -> int:
        """0 when everything went in, 1 when some inputs were rejected."""
        return 1 if self.rejected else 0


def ingest(
    inputs: Sequence[str],
    store: Store,
    settings: Settings,
    *,
    fmt: str = "auto",
    columns: Mapping[str, str] | None = None,
    extractor: ArticleExtractor | None = None,
    fetcher: Fetcher | None = None,
    progress: Callable[[IngestProgress], None] | None = None,
) -> IngestResult:
    """Ingest files, folders or URLs into ``store``.

    Args:
        inputs: paths or http(s) URLs.
        store: the open store.
        settings: Vigil settings (batch size, thresholds, limits).
        fmt: ``auto`` or a reader name (text, jsonl, csv, rss, html).
        columns: CSV/JSONL field-name overrides (our name -> the input's name).
        extractor: runs on each new article before its batch is written; None skips extraction.
        fetcher: fetches URLs (default: httpx with the configured timeout).
        progress: called after every item with running counts.
    Returns:
        An :class:`IngestResult` with counts and every rejection.
    """
    records = read_inputs(inputs, fmt, settings=settings, fetcher=fetcher, columns=columns)
    return ingest_records(records, store, settings, extractor=extractor, progress=progress)


def ingest_records(
    records: Iterable[RawArticle | Rejection],
    store: Store,
    settings: Settings,
    *,
    extractor: ArticleExtractor | None = None,
    progress: Callable[[IngestProgress], None] | None = None,
    keep_ids: bool = True,
) -> IngestResult:
    """Ingest already-read records (see :func:`ingest`).

    ``keep_ids=False`` leaves :attr:`IngestResult.article_ids` empty, so that memory does not
    grow with the corpus (the ids serve the alerts run after an ingest).

    With an extractor that has worker processes (``submit``), batch *k+1* is read, deduplicated
    and handed to the workers before batch *k* is written, so that the workers never wait for
    the store; each batch is still one transaction, written in input order.
    """
    result = IngestResult(keep_ids=keep_ids)
    state = IngestProgress()
    batch_size = settings.get_int("ingest.batch_size")
    threshold = settings.get_float("ingest.near_duplicate_threshold")
    pending: list[RawArticle] = []
    rejected: list[Rejection] = []
    in_flight: _Batch | None = None

    def flush() -> None:
        nonlocal in_flight, pending, rejected
        batch = _prepare(pending, rejected, store, threshold, extractor, in_flight)
        pending, rejected = [], []
        if in_flight is not None:
            _commit(in_flight, store, result)
        in_flight = batch
        if batch.extraction is None or not batch.extraction.background:
            _commit(batch, store, result)  # nothing runs meanwhile: write it now
            in_flight = None
        state.ingested = result.ingested

    try:
        for record in records:
            state.items += 1
            if isinstance(record, Rejection):
                rejected.append(record)
                result.rejected.append(record)
                state.rejected += 1
            else:
                pending.append(record)
                if record.published is None:
                    result.note_undated(record)
            if len(pending) >= batch_size:
                flush()
            if progress is not None:
                progress(state)
    except Exception:
        if in_flight is not None:  # reading failed: keep the batch already extracted
            with contextlib.suppress(Exception):
                _commit(in_flight, store, result)
        raise
    if pending or rejected or in_flight is not None:
        if pending or rejected:
            flush()
        if in_flight is not None:
            _commit(in_flight, store, result)
            state.ingested = result.ingested
        if progress is not None:
            progress(state)
    return result


class _Extraction:
    """Extraction results to come: from worker processes (``background``), or computed on demand."""

    def __init__(self, extractor: ArticleExtractor, articles: list[Article]) -> None:
        submit = getattr(extractor, "submit", None)
        self.background = submit is not None
        self._get: Callable[[], list[Extraction]] = (
            submit(articles) if submit is not None else (lambda: extractor.extract(articles))
        )

    def result(self) -> list[Extraction]:
        return self._get()


@dataclass(slots=True)
class _Batch:
    """A deduplicated batch waiting to be written: articles with their signatures, and rejections."""

    linked: list[tuple[Article, Signature, list[str]]]
    rejected: list[Rejection]
    exact: int
    now: datetime
    extraction: _Extraction | None
    signatures: list[tuple[str, Signature, set[str]]]  # the batch's originals, for the next batch's check


def _prepare(
    raws: list[RawArticle],
    rejected: list[Rejection],
    store: Store,
    threshold: float,
    extractor: ArticleExtractor | None,
    previous: _Batch | None,
) -> _Batch:
    """Identify and deduplicate a batch, and start its extraction.

    ``previous`` is the batch before, not yet written: its articles count as stored.
    """
    now = datetime.now(UTC).replace(tzinfo=None)
    with store.engine.connect() as conn:
        existing = store.existing_ids(conn, [article_id(r.text, r.source) for r in raws])
    seen: set[str] = {art.id for art, _, _ in previous.linked} if previous is not None else set()
    fresh: list[tuple[Article, Signature]] = []
    earlier = previous.signatures if previous is not None else []
    batch_sigs: list[tuple[str, Signature, set[str]]] = []
    exact = 0
    for raw in raws:
        aid = article_id(raw.text, raw.source)
        if aid in existing or aid in seen:
            exact += 1
            continue
        seen.add(aid)
        sig = signature(raw.text)
        fresh.append((article_from_raw(raw, now, aid), sig))
    # Near duplicates: against the store (one indexed query per article), the batch before, then within the batch.
    linked: list[tuple[Article, Signature, list[str]]] = []
    with store.engine.connect() as conn:
        for art, sig in fresh:
            keys = sig.band_keys()
            key_set = set(keys)
            original = None
            for cand_id, stored in store.lsh_candidates(conn, keys):
                if jaccard(sig, Signature.from_bytes(stored)) >= threshold:
                    original = cand_id
                    break
            if original is None:
                for group in (earlier, batch_sigs):
                    for cand_id, batch_sig, cand_keys in group:
                        if key_set & cand_keys and jaccard(sig, batch_sig) >= threshold:
                            original = cand_id
                            break
                    if original is not None:
                        break
            if original is not None:
                art = replace(art, duplicate_of=original)
            else:
                batch_sigs.append((art.id, sig, key_set))
            linked.append((art, sig, keys))
    extraction = _Extraction(extractor, [art for art, _, _ in linked]) if extractor is not None and linked else None
    return _Batch(linked, rejected, exact, now, extraction, batch_sigs)


def _commit(batch: _Batch, store: Store, result: IngestResult) -> None:
    """Wait for the batch's extraction and write the batch in one transaction."""
    linked = batch.linked
    extractions: list[Extraction] = batch.extraction.result() if batch.extraction is not None else []
    # Another process may store the same articles meanwhile (the ids read above are a snapshot):
    # only the writer whose insert lands stores the signature and extraction and counts the article.
    # Writing in id order makes racing writers take row locks in one order, so they never deadlock.
    written: list[Article] = []
    with store.transaction(Touches.published(art.published for art, _, _ in linked)) as conn:
        for art, sig, keys in sorted(linked, key=lambda item: item[0].id):
            if store.insert_article(conn, art):
                store.insert_minhash(conn, art.id, sig.to_bytes(), keys)
                written.append(art)
        written_ids = {art.id for art in written}
        extractions = [x for x in extractions if x.article_id in written_ids]
        if extractions:
            store.save_extractions(conn, extractions)
        store.add_rejections(conn, batch.rejected, batch.now)
    order = {art.id: i for i, (art, _, _) in enumerate(linked)}
    written.sort(key=lambda art: order[art.id])
    result.exact_duplicates += batch.exact + len(linked) - len(written)
    result.ingested += len(written)
    result.near_duplicates += sum(1 for art in written if art.duplicate_of is not None)
    result.extracted += len(extractions)
    if result.keep_ids:
        result.article_ids.extend(art.id for art in written)


def article_from_raw(raw: RawArticle, ingested_at: datetime, aid: str | None = None) -> Article:
    """The article a read record becomes (``aid``: its id, by default :func:`vigil.models.article_id`)."""
    return Article(
        id=article_id(raw.text, raw.source) if aid is None else aid,
        text=raw.text,
        title=raw.title,
        url=raw.url,
        source=raw.source,
        published=raw.published,
        date_source=raw.date_source,
        language=raw.language,
        ingested_at=ingested_at,
        origin=f"{raw.origin}#{raw.location}" if raw.location else raw.origin,
        date_note=raw.date_note,
    )
