"""Vigil's workflows: what the CLI, the API, the web pages and library users do the same way.

- Ingest, then alerts: :func:`ingest_inputs` (the library's and ``vigil ingest``'s), :func:`ingest_on`
  (the engine choice: this machine's processes or Ray), :func:`load` (``vigil load``) and
  :func:`extract_articles` (``vigil extract``) evaluate every stored watch's alert rules on the articles
  they extract for the first time (:func:`fire_alerts`).
- Look-ups: :func:`get_article`, :func:`get_event`, :func:`get_actor` and :func:`get_watch` raise
  one :class:`~vigil.errors.NotFoundError` for an unknown id or name; the shells map it to their
  own answer (exit code 2, HTTP 404).
- What listings show beside an event: :func:`event_sentences`; the search across articles,
  events and actors: :func:`search`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from vigil.analyze.watches import Watch, parse_watch
from vigil.config import Settings
from vigil.errors import ConfigError, NotFoundError
from vigil.ingest.job import ArticleExtractor, IngestProgress, IngestResult, ingest_records
from vigil.ingest.readers import check_inputs, read_inputs
from vigil.models import Actor, Alert, Article, Event
from vigil.store import Store
from vigil.store import analysis as analysis_store

if TYPE_CHECKING:
    from vigil.extract.parallel import ParallelPipeline
    from vigil.extract.pipeline import Pipeline
    from vigil.imports import ImportResult
    from vigil.ingest.fetch import Fetcher

__all__ = [
    "ENGINES",
    "ExtractResult",
    "check_ingest",
    "SearchResult",
    "event_sentences",
    "extract_articles",
    "fire_alerts",
    "refresh_views",
    "get_actor",
    "get_article",
    "get_event",
    "get_watch",
    "import_articles",
    "ingest_inputs",
    "ingest_on",
    "load",
    "search",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

ENGINES = ("local", "ray")


# --- ingest, then alerts ------------------------------------------------------------------


def fire_alerts(store: Store, settings: Settings, article_ids: Sequence[str]) -> list[Alert]:
    """Evaluate every stored watch's alert rules on newly extracted articles; store and deliver new alerts.

    Args:
        store: the open store (the articles written and extracted).
        settings: Vigil settings (``alerts.*``: where deliveries may go).
        article_ids: the articles extracted for the first time.
    Returns:
        The new alerts of all watches.
    """
    if not article_ids:
        return []
    from vigil.analyze.alerts import alerts_after_ingest  # lazy: the analyses load only when there is news
    from vigil.analyze.delivery import DeliveryPolicy

    return alerts_after_ingest(
        store,
        article_ids,
        policy=DeliveryPolicy.from_settings(settings),
        min_confidence=settings.get_float("view.min_confidence"),
    )


def refresh_views(store: Store, settings: Settings) -> dict[str, int]:
    """Compute and keep the dashboard's views of every stored watch that the last writes touched
    (:func:`vigil.analyze.dashboard.refresh_views`), so that the server finds them computed.

    Returns:
        The watches whose views were computed, each with its inputs version.
    """
    from vigil.analyze.dashboard import refresh_views as refresh  # lazy: the analyses load only when there is news

    return refresh(store, settings)


def _with_alerts(result: IngestResult, store: Store | None, settings: Settings, alerts: bool) -> IngestResult:
    if alerts and store is not None and result.extracted:
        result.alerts = fire_alerts(store, settings, result.article_ids)
    if store is not None and (result.ingested or result.extracted):
        started = time.perf_counter()
        result.views = refresh_views(store, settings)
        result.views_seconds = time.perf_counter() - started
    return result


def ingest_inputs(
    inputs: Sequence[str],
    store: Store,
    settings: Settings,
    *,
    fmt: str = "auto",
    columns: Mapping[str, str] | None = None,
    extractor: ArticleExtractor | None = None,
    fetcher: Fetcher | None = None,
    progress: Callable[[IngestProgress], None] | None = None,
    alerts: bool = True,
) -> IngestResult:
    """Ingest files, folders or URLs into ``store``, then fire the watches' alerts on what was extracted.

    Args:
        inputs: paths or http(s) URLs.
        store: the open store.
        settings: Vigil settings (batch size, thresholds, limits, ``alerts.*``).
        fmt: ``auto`` or a reader name (text, jsonl, csv, rss, html).
        columns: CSV/JSONL field-name overrides (our name -> the input's name).
        extractor: runs on each new article before its batch is written; None stores articles only
            (and fires no alert: alerts read extraction).
        fetcher: fetches URLs (default: httpx with the configured timeout).
        progress: called after every item with running counts.
        alerts: False skips the alerts.
    Returns:
        An :class:`IngestResult` with counts, every rejection and the alerts fired.
    """
    records = read_inputs(inputs, fmt, settings=settings, fetcher=fetcher, columns=columns)
    result = ingest_records(records, store, settings, extractor=extractor, progress=progress)
    return _with_alerts(result, store, settings, alerts)


def check_ingest(
    engine: str,
    inputs: Sequence[str],
    *,
    fmt: str = "auto",
    columns: Mapping[str, str] | None = None,
    address: str | None = None,
    parquet: Path | None = None,
) -> None:
    """Refuse, before anything is opened or loaded, an ingest that cannot run (no file is read).

    Raises:
        ConfigError: an unknown engine, or Ray options with the local engine.
        IngestError: no input exists, an unknown format or field name (local engine).
    """
    if engine not in ENGINES:
        raise ConfigError(f"Unknown engine {engine!r}. Use {' or '.join(ENGINES)}.")
    if engine == "local" and (address or parquet is not None):
        raise ConfigError("--address and --parquet need `--engine ray`.")
    if engine == "local":
        check_inputs(inputs, fmt, columns or None)


def ingest_on(
    engine: str,
    inputs: Sequence[str],
    store: Store | None,
    settings: Settings,
    *,
    fmt: str = "auto",
    columns: Mapping[str, str] | None = None,
    extract: bool = True,
    address: str | None = None,
    parquet: Path | None = None,
    progress: Callable[[IngestProgress], None] | None = None,
) -> IngestResult:
    """Ingest with an engine: ``local`` (this machine's processes) or ``ray`` (a Ray cluster, or Parquet files).

    Args:
        engine: one of :data:`ENGINES`.
        inputs, fmt, columns, progress: as for :func:`ingest_inputs`.
        store: the open store; None only with ``parquet`` (the rows go to files for :func:`load`).
        settings: Vigil settings (``extract.enabled`` can turn extraction off).
        extract: run extraction on the new articles.
        address: a Ray cluster address (Ray only).
        parquet: write Parquet files to this folder instead of the store (Ray only).
    Returns:
        The :class:`IngestResult`, with the alerts the new articles fired.
    Raises:
        ConfigError: an unknown engine, or Ray options with the local engine.
    """
    check_ingest(engine, inputs, fmt=fmt, columns=columns, address=address, parquet=parquet)
    extract = extract and settings.get_bool("extract.enabled")
    if engine == "local":
        if store is None:
            raise ConfigError("The local engine writes to a store: give one.")
        from vigil.extract.parallel import load_extractor  # lazy: loading the models takes seconds

        extractor = load_extractor(settings) if extract else None
        try:
            return ingest_inputs(
                inputs, store, settings, fmt=fmt, columns=columns, extractor=extractor, progress=progress
            )
        finally:
            if extractor is not None:
                extractor.close()
    logging.getLogger("ray").setLevel(logging.WARNING)  # Ray Data logs every execution at INFO
    from vigil.scale.ray import ingest_ray  # lazy: Ray is an optional extra

    result = ingest_ray(
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
    return _with_alerts(result, store if parquet is None else None, settings, True)


def load(
    folder: str | Path,
    store: Store,
    settings: Settings,
    *,
    progress: Callable[[IngestProgress], None] | None = None,
    alerts: bool = True,
) -> IngestResult:
    """Import the Parquet files of a Ray ingest (``ingest_on("ray", ..., parquet=DIR)``), then fire alerts.

    Args:
        folder: the folder of Parquet files.
        store: the open store.
        settings: Vigil settings.
        progress: called after every record.
        alerts: False skips the alerts.
    Returns:
        The :class:`IngestResult`, as for an ingest.
    """
    from vigil.scale.parquet import load_parquet  # lazy: Parquet needs pyarrow, an optional extra

    return _with_alerts(load_parquet(folder, store, settings, progress=progress), store, settings, alerts)


def import_articles(
    fmt: str, paths: Sequence[str], store: Store, settings: Settings, *, extract: bool = True
) -> tuple[ImportResult, list[Alert]]:
    """Import files of another system (``vigil import``); news-please articles are extracted and fire alerts.

    Args:
        fmt: one of :data:`vigil.imports.FORMATS`.
        paths: files or folders.
        store: the open store.
        settings: Vigil settings (``extract.enabled`` can turn extraction off).
        extract: news-please only: extract the new articles (and so evaluate the alerts on them).
    Returns:
        The :class:`~vigil.imports.ImportResult` and the alerts the new articles fired (events imported
        from GDELT, ICEWS or ACLED fire none: they come with no sentence to cite).
    """
    from vigil.imports import import_files  # lazy: the importers load only to import

    extractor = None
    if fmt == "news-please" and extract and settings.get_bool("extract.enabled"):
        from vigil.extract.parallel import load_extractor  # lazy: loading the models takes seconds

        extractor = load_extractor(settings)
    try:
        result = import_files(fmt, paths, store, settings=settings, extractor=extractor)
    finally:
        if extractor is not None:
            extractor.close()
    alerts = fire_alerts(store, settings, result.article_ids) if extractor is not None else []
    refresh_views(store, settings)
    return result, alerts


@dataclass(slots=True)
class ExtractResult:
    """What :func:`extract_articles` did: how many articles it extracted, and the alerts the new ones fired."""

    extracted: int
    version: str
    alerts: list[Alert] = field(default_factory=list)


def extract_articles(
    store: Store,
    extractor: Pipeline | ParallelPipeline,
    settings: Settings,
    *,
    since: date | None = None,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
    alerts: bool = True,
) -> ExtractResult:
    """Extract stored articles not yet processed by ``extractor``'s version (all of them with ``force``).

    Articles extracted for the first time (stored with ``--no-extract``, say) fire the watches'
    alerts as an ingest's do; re-extracting articles that had an extraction fires none.

    Args:
        store: the open store.
        extractor: the extraction pipeline.
        settings: Vigil settings (``alerts.*``).
        since: only articles published on or after this day.
        force: re-extract articles this version already processed.
        progress: called with the running count of extracted articles.
        alerts: False skips the alerts.
    Returns:
        An :class:`ExtractResult`.
    """
    from vigil.extract.pipeline import extract_stored  # lazy: the extraction stack loads only to extract

    never = store.unextracted_ids() if alerts else set()
    done = extract_stored(store, extractor, since=since, force=force, progress=progress)
    result = ExtractResult(done, extractor.version)
    if never and done:
        fresh = sorted(never - store.unextracted_ids())
        result.alerts = fire_alerts(store, settings, fresh)
    if done:
        refresh_views(store, settings)
    return result


# --- look-ups -----------------------------------------------------------------------------


def get_article(store: Store, article_id: str) -> Article:
    """The stored article with this id (or a unique prefix of six characters or more).

    Raises:
        NotFoundError: no such article.
    """
    found = store.get_article(article_id)
    if found is None:
        raise NotFoundError("article with id", article_id, "List ids with `vigil articles` or /api/articles.")
    return found


def get_event(store: Store, event_id: str) -> Event:
    """The stored event with this id, as extracted (before analysts' corrections).

    Raises:
        NotFoundError: no such event.
    """
    found = store.event_by_id(event_id)
    if found is None:
        raise NotFoundError("event with id", event_id, "List ids with `vigil events --wide` or /api/events.")
    return found


def get_actor(store: Store, actor_id: str) -> Actor:
    """A stored actor, else the knowledge base's (stored events name KB actors the store need not hold).

    Raises:
        NotFoundError: neither the store nor the knowledge base has it.
    """
    found = store.get_actor(actor_id)
    if found is None:
        from vigil.kb import KnowledgeBase  # lazy: the knowledge base is read only for actors the store lacks

        found = KnowledgeBase.load().get(actor_id)
    if found is None:
        raise NotFoundError("actor", actor_id, "Find ids with `vigil actors --search NAME` or /api/actors?q=NAME.")
    return found


def get_watch(store: Store, name: str) -> Watch:
    """The stored watch ``name``, parsed.

    Raises:
        NotFoundError: no watch of that name (the message lists the stored ones).
    """
    text = analysis_store.get_watch_yaml(store, name)
    if text is None:
        known = ", ".join(n for n, _, _ in analysis_store.list_watches(store)) or "none"
        raise NotFoundError(
            "watch named", name, f"Stored watches: {known}. Create one with `vigil watch create FILE.yaml`."
        )
    return parse_watch(text, source=name)


# --- what listings show -----------------------------------------------------------------


def event_sentences(store: Store, events: Collection[Event]) -> dict[tuple[str, int], str]:
    """The sentence of each event, keyed by (article, sentence index).

    An imported event has no sentence in the store: its text is where it comes from
    ("imported from GDELT; no sentence in Vigil's store · source URL ...").
    """
    out: dict[tuple[str, int], str] = {}
    for aid in sorted({e.article_id for e in events}):
        art = store.get_article(aid)
        if art is None:
            continue
        if art.imported is not None:
            for e in events:
                if e.article_id == aid:
                    out[(aid, e.sentence_index)] = art.provenance or ""
            continue
        for s in store.sentences(aid):
            out[(aid, s.index)] = art.text[s.start : s.end]
    return out


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What :func:`search` found."""

    articles: list[Article]
    events: list[Event]
    actors: list[Actor]


def search(store: Store, q: str, *, limit: int = 20) -> SearchResult:
    """Articles matching ``q`` (best first), the events of the best ones, and actors whose name contains it.

    Actors match the whole query as a name fragment; events are those of the matching articles
    whose source or target text contains a query word (else all their events).
    """
    arts = store.articles(search=q, limit=limit) if q.strip() else []
    actors = store.actors(search=q.strip(), with_events=True, limit=limit) if q.strip() else []
    words = [w.lower() for w in q.split() if w.strip()]
    events: list[Event] = []
    for a in arts[:10]:
        evs = store.events(article_id=a.id, limit=None)
        hits = [e for e in evs if any(w in f"{e.source_text or ''} {e.target_text or ''}".lower() for w in words)]
        events.extend(hits or evs)
        if len(events) >= limit:
            break
    return SearchResult(arts, events[:limit], actors)
