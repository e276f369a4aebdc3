"""``vigil``: parse the command line, call the library, render the result.

Errors are translated in one place (:func:`main`): a :class:`VigilError` prints its
message and exits with code 2; partial ingests exit with code 1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.padding import Padding
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from vigil.cli.common import (
    State,
    cli_state,
    console,
    err,
    missing_store,
    parse_day,
    print_json,
    print_table,
    require_choice,
)
from vigil.cli.correct import register as register_correct
from vigil.cli.export import register as register_export
from vigil.cli.imports import register as register_imports
from vigil.cli.kb import register as register_kb
from vigil.cli.scale import register as register_scale
from vigil.cli.serve import register as register_serve
from vigil.cli.watch import register as register_watch
from vigil.config import SETTINGS, load_settings
from vigil.errors import ConfigError, VigilError
from vigil.ingest.job import IngestResult
from vigil.mapping import record_json
from vigil.models import Article, Event
from vigil.services import check_ingest, event_sentences, extract_articles, get_actor, get_article, ingest_on
from vigil.store import Store, schema
from vigil.store.store import dated_actor_row

app = typer.Typer(
    name="vigil",
    help="Local-first news intelligence: who does what to whom, over time, with every fact cited.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help="Store: SQLite file or database URL (env VIGIL_DB).")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="TOML settings file.")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override a setting: key=value (repeatable).")] = None,
) -> None:
    overrides: dict[str, Any] = {}
    for item in set_ or []:
        if "=" not in item:
            raise ConfigError(f"--set expects key=value, got {item!r}.")
        key, value = item.split("=", 1)
        overrides[key.strip()] = value
    if db is not None:
        overrides["db"] = db
    ctx.obj = State(load_settings(config, overrides=overrides))


# --- ingest ------------------------------------------------------------------------


@app.command()
def ingest(
    ctx: typer.Context,
    inputs: Annotated[list[str], typer.Argument(help="Files, folders or http(s) URLs.")],
    fmt: Annotated[str, typer.Option("--format", help="auto, text, jsonl, csv, rss or html.")] = "auto",
    column: Annotated[
        list[str] | None, typer.Option("--column", help="Field mapping for CSV/JSONL: ours=theirs, e.g. text=body.")
    ] = None,
    extract: Annotated[bool, typer.Option("--extract/--no-extract", help="Run extraction on new articles.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    engine: Annotated[str, typer.Option("--engine", help="local (this machine's processes) or ray.")] = "local",
    address: Annotated[
        str | None, typer.Option("--address", help="Ray cluster address (default: start Ray on this machine).")
    ] = None,
    parquet: Annotated[
        Path | None,
        typer.Option("--parquet", help="Ray: write Parquet files to this folder; `vigil load` imports them."),
    ] = None,
) -> None:
    """Read articles from files, folders, feeds or web pages into the store."""
    state = cli_state(ctx)
    if fmt not in {"auto", "text", "jsonl", "csv", "rss", "html"}:
        raise typer.BadParameter(f"unknown format {fmt!r}", param_hint="--format")
    columns = _column_options(column)
    check_ingest(engine, inputs, fmt=fmt, columns=columns, address=address, parquet=parquet)
    # With --parquet the results go to files for `vigil load`: the store is not opened (nor created).
    with nullcontext(None) if parquet is not None else state.store(create=True) as store:
        progress = _IngestProgress(quiet=as_json)
        try:
            result = ingest_on(
                engine,
                inputs,
                store,
                state.settings,
                fmt=fmt,
                columns=columns or None,
                extract=extract,
                address=address,
                parquet=parquet,
                progress=progress.report,
            )
        finally:
            progress.close()
    if as_json:
        print_json(_ingest_summary(result))
    else:
        _print_ingest(result)
    raise typer.Exit(result.exit_code)


def _column_options(column: list[str] | None) -> dict[str, str]:
    """``--column ours=theirs`` options as a mapping; a malformed one is a usage error."""
    columns = {}
    for item in column or []:
        ours, sep, theirs = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"expected ours=theirs, got {item!r}", param_hint="--column")
        columns[ours.strip()] = theirs.strip()
    return columns


def _ingest_summary(result: IngestResult) -> dict[str, Any]:
    """What ``vigil ingest --json`` prints."""
    undated = [{"input": r.origin, "where": r.location, "why": r.reason} for r in result.undated_notes]
    return {
        "ingested": result.ingested,
        "exact_duplicates": result.exact_duplicates,
        "near_duplicates": result.near_duplicates,
        "extracted": result.extracted,
        "undated": result.undated,
        "undated_examples": undated,
        "rejected": [{"input": r.origin, "where": r.location, "reason": r.reason} for r in result.rejected],
        "alerts": [{"id": a.id, "watch": a.watch, "rule": a.rule, "message": a.message} for a in result.alerts],
        "views": sorted(result.views),
        "views_seconds": round(result.views_seconds, 2),
    }


def _print_ingest(result: IngestResult) -> None:
    """The ingest summary line, the undated items and the rejected inputs, for people."""
    alerts = result.alerts
    console.print(
        f"ingested [bold]{result.ingested}[/] · exact duplicates {result.exact_duplicates} · "
        f"near duplicates {result.near_duplicates} · extracted {result.extracted} · "
        f"rejected [bold]{len(result.rejected)}[/]"
        + (f" · alerts [bold]{len(alerts)}[/]" if alerts else "")
        + (f" · views of {len(result.views)} watches in {result.views_seconds:.1f} s" if result.views else "")
    )
    if result.undated:
        err.print(
            f"[yellow]warning:[/] {result.undated} item{'s' if result.undated != 1 else ''} without a usable date "
            "(stored undated: timelines, trends and watch windows leave them out)",
            highlight=False,
        )
        for r in result.undated_notes[:5]:
            err.print(f"  {r.origin} [{r.location}]: {r.reason}", markup=False, highlight=False)
    if result.rejected:
        table = Table("input", "where", "reason", title="Rejected", show_lines=False)
        for r in result.rejected[:200]:
            table.add_row(r.origin, r.location, r.reason)
        print_table(table)
        if len(result.rejected) > 200:
            console.print(f"… and {len(result.rejected) - 200} more (see `vigil status`)")


class _IngestProgress:
    """Ingest progress: a live bar on a terminal, a plain line every few seconds otherwise."""

    def __init__(self, quiet: bool, every: float = 5.0) -> None:
        import time

        self._clock = time.monotonic
        self._start = self._clock()
        self._last = self._start
        self._every = every
        self._quiet = quiet
        self._bar: Progress | None = None
        self._task: Any = None
        if not quiet and err.is_terminal:
            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("[bold]ingest"),
                BarColumn(bar_width=None),
                TextColumn(
                    "{task.fields[items]} items · {task.fields[ingested]} stored · {task.fields[rejected]} rejected"
                ),
                TextColumn("· {task.fields[rate]:.1f}/s"),
                TimeElapsedColumn(),
                console=err,
                transient=False,
            )
            self._bar.start()
            self._task = self._bar.add_task("ingest", total=None, items=0, ingested=0, rejected=0, rate=0.0)

    def report(self, p: Any) -> None:
        now = self._clock()
        rate = p.items / max(now - self._start, 1e-9)
        if self._bar is not None:
            self._bar.update(self._task, items=p.items, ingested=p.ingested, rejected=p.rejected, rate=rate)
        elif not self._quiet and now - self._last >= self._every:
            self._last = now
            err.print(
                f"ingest: {p.items} items read · {p.ingested} stored · {p.rejected} rejected · "
                f"{rate:.1f} items/s · {now - self._start:.0f} s",
                markup=False,
                highlight=False,
            )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


@contextmanager
def _closing(thing: Any) -> Iterator[Any]:
    try:
        yield thing
    finally:
        if hasattr(thing, "close"):
            thing.close()


# --- browse ------------------------------------------------------------------------


@app.command()
def status(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """What the store holds: counts, date range, sources, languages, location and size."""
    with cli_state(ctx).store() as store:
        info = store.status()
    if as_json:
        print_json(info)
        return
    size = info["size_bytes"]
    console.print(f"[bold]store[/] {info['store']} ({info['backend']}" + (f", {size / 1e6:.1f} MB)" if size else ")"))
    if info["first_date"] is None:
        dates = "no dated articles"
    else:
        dates = f"dates {info['first_date']} → {info['last_date']}"
    console.print(
        f"[bold]articles[/] {info['articles']} (near duplicates {info['near_duplicates']}, undated {info['undated']})"
        f" · {dates}"
    )
    console.print(
        f"[bold]extracted[/] {info['extractions']} articles · events {info['events']} · mentions {info['mentions']}"
        f" · actors {info['actors']} · rejected inputs {info['rejections']}"
        + (f" · GDELT GKG records {info['gkg_records']} (not articles)" if info["gkg_records"] else "")
    )
    table = Table("source", "articles", title="Sources")
    for row in info["sources"][:15]:
        table.add_row(row["source"] or "unknown", str(row["articles"]))
    if len(info["sources"]) > 15:
        table.add_row(f"… {len(info['sources']) - 15} more", "")
    print_table(table, empty="sources: none")
    languages = ", ".join(f"{r['language'] or 'unknown'} {r['articles']}" for r in info["languages"])
    console.print("[bold]languages[/] " + (languages or "none"))


@app.command()
def articles(
    ctx: typer.Context,
    search: Annotated[str | None, typer.Option("--search", "-q", help="Full-text search (all words).")] = None,
    since: Annotated[str | None, typer.Option(help="Published on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Published on or before YYYY-MM-DD.")] = None,
    source: Annotated[str | None, typer.Option(help="Only this source (outlet).")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 20,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List stored articles, newest first, or best match first with --search."""
    since_day, until_day = parse_day(since, "--since"), parse_day(until, "--until")
    with cli_state(ctx).store() as store:
        rows = store.articles(
            search=search,
            since=since_day,
            until=until_day,
            source=source,
            limit=limit,
        )
    if as_json:
        print_json([_article_summary(a) for a in rows])
        return
    table = Table("id", "date", "source", "title")
    for a in rows:
        table.add_row(a.id[:12], str(a.published or "undated"), a.source or "unknown", a.label)
    print_table(table, empty="no articles match" + (" the filters" if search or since or until or source else ""))


def _article_summary(a: Article) -> dict[str, Any]:
    """An article's fields as JSON, without its text and notes (`vigil show` adds them)."""
    return record_json(a, exclude={"text", "origin", "date_note", "imported"})


@app.command()
def show(
    ctx: typer.Context,
    article_id: Annotated[str, typer.Argument(help="Article id (or a unique prefix of 6+ characters).")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show one article with its metadata."""
    with cli_state(ctx).store() as store:
        art = get_article(store, article_id)
        events = store.events(article_id=art.id, limit=None)
    if as_json:
        print_json(
            {
                **_article_summary(art),
                "text": art.text,
                "date_note": art.date_note,
                "origin": art.origin,
                "events": len(events),
            }
        )
        return
    console.print(Text(art.label, style="bold"))
    console.print(
        f"id {art.id} · {art.published or 'undated'} (date from {art.date_source.value}"
        + (f"; {art.date_note}" if art.date_note else "")
        + f") · {art.source or 'unknown source'} · {art.language or 'unknown language'}"
    )
    if art.url:
        console.print(art.url)
    if art.duplicate_of:
        console.print(f"near duplicate of {art.duplicate_of}")
    console.print(f"from {art.origin} · events {len(events)}")
    console.print()
    console.print(art.text, markup=False, highlight=False)


# --- extraction ----------------------------------------------------------------------


@app.command()
def extract(
    ctx: typer.Context,
    since: Annotated[str | None, typer.Option(help="Only articles published on or after YYYY-MM-DD.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Re-extract articles already done by this version.")] = False,
) -> None:
    """Extract stored articles not yet processed by the current extractor version.

    Articles extracted for the first time fire the watches' alerts, as after an ingest.
    """
    from vigil.extract.parallel import load_extractor

    state = cli_state(ctx)
    pipeline = load_extractor(state.settings)
    with state.store() as store, _closing(pipeline):
        with Progress(
            SpinnerColumn(),
            TextColumn("[bold]extract"),
            TextColumn("{task.completed} articles"),
            TimeElapsedColumn(),
            console=err,
            disable=not err.is_terminal,
        ) as progress:
            task = progress.add_task("extract", total=None)
            result = extract_articles(
                store,
                pipeline,
                state.settings,
                since=parse_day(since, "--since"),
                force=force,
                progress=lambda n: progress.update(task, completed=n),
            )
    alerts = f" · alerts {len(result.alerts)}" if result.alerts else ""
    console.print(f"extracted {result.extracted} articles with {result.version}{alerts}")


@app.command()
def events(
    ctx: typer.Context,
    actor: Annotated[
        str | None, typer.Option(help="Source actor: id (gov:JPN, person:fumio-kishida) or name (Fumio Kishida).")
    ] = None,
    target: Annotated[str | None, typer.Option(help="Target actor: id or name.")] = None,
    event: Annotated[str | None, typer.Option("--event", help="PLOVER root (e.g. AGREE) or STATEMENT.")] = None,
    quad: Annotated[int | None, typer.Option(min=0, max=4, help="Quad class 0-4.")] = None,
    domain: Annotated[str | None, typer.Option(help="Policy domain of the event's sentence.")] = None,
    modality: Annotated[str | None, typer.Option(help="asserted, intended, hypothetical, negated or reported.")] = None,
    since: Annotated[str | None, typer.Option(help="On or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="On or before YYYY-MM-DD.")] = None,
    min_confidence: Annotated[
        float | None,
        typer.Option(
            min=0, max=1, help="Lowest confidence: how sure the coder is of the event (default: view.min_confidence)."
        ),
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Every event, whatever its confidence.")] = False,
    coder: Annotated[
        list[str] | None,
        typer.Option(
            help="Only events coded by this (repeatable): VIGIL (Vigil's own), GDELT, ICEWS, ACLED or PLOVER."
        ),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=100000)] = 50,
    wide: Annotated[bool, typer.Option("--wide", help="Every column in one table (ids, modality, CAMEO).")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List coded events, newest first by the date they happened, each with its sentence (imported events:
    where they come from)."""
    from vigil.coder.labels import ROOTS
    from vigil.extract.domains import DOMAINS
    from vigil.models import STATEMENT, Modality

    modality = require_choice(modality, [m.value for m in Modality], "--modality")
    event = require_choice(event, [*ROOTS, STATEMENT], "--event")
    domain = require_choice(domain, DOMAINS, "--domain")
    since_day, until_day = parse_day(since, "--since"), parse_day(until, "--until")
    state = cli_state(ctx)
    floor = 0.0 if show_all else min_confidence
    if floor is None:
        floor = state.settings.get_float("view.min_confidence")
    with state.store() as store:
        rows = store.events(
            actor=_actor_option(store, actor, "--actor"),
            target=_actor_option(store, target, "--target"),
            root=event,
            quad=quad,
            domain=domain,
            modality=modality,
            since=since_day,
            until=until_day,
            min_confidence=floor or None,
            coders=coder or None,
            limit=limit,
        )
        out = _event_listing(store, rows)
    if as_json:
        print_json(out)
    elif not out:
        filters = _described_filters(
            actor=actor, target=target, event=event, quad=quad, domain=domain, modality=modality,
            since=since, until=until, min_confidence=min_confidence,
        )  # fmt: skip
        hidden = f" with confidence {floor:g} or more (--all shows every event)" if floor else ""
        console.print(f"no events match {filters}{hidden}" if filters else f"no events{hidden}", markup=False)
    elif wide or not console.is_terminal:
        _print_events_table(out)
    else:
        _print_events(out)
        more = f"first {limit} events, newest first (--limit N for more); " if len(out) == limit else ""
        hidden = f"events below confidence {floor:g} are hidden (--all shows them); " if floor else ""
        console.print(f"{more}{hidden}--wide for every column", style="dim", markup=False)


# What `vigil events --json` leaves out of an event, and the keys it gives some fields.
_EVENT_HIDDEN = frozenset({"extractor", "source_span", "target_span", "trigger_span", "mode", "import_id", "fixed_id"})
_EVENT_NAMES = {"source_actor": "source", "target_actor": "target", "article_id": "article"}


def _event_listing(store: Store, rows: list[Event]) -> list[dict[str, Any]]:
    """The events as ``vigil events`` lists them: the record, actor names, article label and sentence."""
    texts = event_sentences(store, rows)
    articles = {aid: store.get_article(aid) for aid in {e.article_id for e in rows}}
    names = _actor_names(store, [x for e in rows for x in (e.source_actor, e.target_actor)])
    out: list[dict[str, Any]] = []
    for e in rows:
        art = articles[e.article_id]
        text = texts.get((e.article_id, e.sentence_index), "")
        out.append(
            {
                **record_json(e, exclude=_EVENT_HIDDEN, rename=_EVENT_NAMES, dates=False),
                "happened": e.occurred_label,
                "source_name": names.get(e.source_actor or ""),
                "target_name": names.get(e.target_actor or ""),
                "root": e.root_name,
                "article_label": art.label if art else None,
                "sentence": None if e.imported else " ".join(text.split()),
                "provenance": text if e.imported else None,
            }
        )
    return out


def _print_events_table(out: list[dict[str, Any]]) -> None:
    """The events as one table with every column (``--wide``, or output that is not a terminal)."""
    table = Table("date", "published", "source", "event", "target", "modality", "cameo", "conf", "article", "sentence")
    for row in out:
        table.add_row(
            _event_day(row),
            str(row["date"] or "undated"),
            row["source_name"] or "—",
            f"{row['root']} (q{row['quad']})" + (f" [{row['coder']}]" if row["provenance"] else ""),
            row["target_name"] or "—",
            row["modality"],
            str(row["cameo"] or ""),
            f"{row['confidence']:.2f}",
            row["article"][:12],
            row["provenance"] or row["sentence"] or "",
        )
    print_table(table)


def _print_events(out: list[dict[str, Any]]) -> None:
    """The events for a terminal: a head line each, its sentence below."""
    for row in out:
        head = Text()
        head.append(_event_day(row), style="bold")
        if _event_day(row) != str(row["date"] or "undated"):
            head.append(f" (published {row['date'] or 'undated'})")
        head.append(f"  {row['source_name'] or '—'} ")
        head.append(f"{row['root']}", style="bold cyan")
        if row["provenance"]:
            head.append(f" [{row['coder']}]", style="cyan")
        head.append(f" {row['target_name'] or '—'}")
        head.append(f"  ({row['modality']}, confidence {row['confidence']:.2f})", style="dim")
        console.print(head)
        console.print(Padding(Text(row["provenance"] or row["sentence"] or "", style="italic"), (0, 0, 1, 4)))


def _event_day(row: dict[str, Any]) -> str:
    """When a listed event happened, as the listing shows it: "2019", "2024-07", "week of 2024-11-18", a day."""
    return str(row["happened"] or row["occurred"] or row["date"] or "undated")


def _actor_option(store: Store, value: str | None, option: str) -> str | None:
    """An actor given by id or by name as its id; an unknown or ambiguous one is a usage error."""
    if value is None:
        return None
    if store.get_actor(value) is not None:
        return value
    found = store.actors(search=value, with_events=True, limit=20)
    exact = [a for a in found if a.name.casefold() == value.casefold()]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0].id
    if not found:
        raise typer.BadParameter(
            f"no actor {value!r} in the store's events; find one with `vigil actors --search NAME`.", param_hint=option
        )
    listed = "; ".join(f"{a.name} ({a.id})" for a in found[:8])
    raise typer.BadParameter(f"{value!r} names several actors: {listed}. Give the id.", param_hint=option)


def _actor_names(store: Store, ids: list[str | None]) -> dict[str, str]:
    """Actor id -> name, for the ids given (unknown ids keep their id)."""
    names: dict[str, str] = {}
    for actor_id in ids:
        if actor_id and actor_id not in names:
            found = store.get_actor(actor_id)
            names[actor_id] = found.name if found is not None else actor_id
    return names


def _described_filters(**filters: Any) -> str:
    return " ".join(f"--{k.replace('_', '-')} {v}" for k, v in filters.items() if v is not None)


_AS_OF_HELP = "Show countries, sectors and roles on this day, YYYY-MM-DD (default: the store's latest event date)."


@app.command()
def actors(
    ctx: typer.Context,
    country: Annotated[str | None, typer.Option(help="ISO-3 country code (the actor's on the --as-of day).")] = None,
    sector: Annotated[
        str | None, typer.Option(help="PLOVER sector, e.g. GOV, MIL, IGO (the actor's on the --as-of day).")
    ] = None,
    search: Annotated[str | None, typer.Option("--search", "-q", help="Part of the name.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help=_AS_OF_HELP)] = None,
    limit: Annotated[int, typer.Option(min=1, max=100000)] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List actors seen in the store's events (knowledge-base and provisional), as they stood on one day."""
    from vigil.kb.entries import SECTORS

    sector = require_choice(sector, sorted(SECTORS), "--sector")
    if country is not None and not (len(country) == 3 and country.isalpha()):
        raise typer.BadParameter(f"{country!r} is not an ISO-3 country code (e.g. JPN, USA).", param_hint="--country")
    country = country.upper() if country else None
    day = parse_day(as_of, "--as-of")
    with cli_state(ctx).store() as store:
        day = day or store.latest_date()
        rows = store.actors(country=country, sector=sector, search=search, with_events=True, limit=limit, as_of=day)
    if as_json:
        print_json([dated_actor_row(a, day) for a in rows])
        return
    table = Table("name", "country", "sector", "role", "kind", "id", title=f"Actors as of {day or 'now'}")
    for a in rows:
        kind = a.kind + (" (provisional)" if a.provisional else "")
        standing = a.standing_on(day)
        role = standing.role.label() if standing.role else "—"
        table.add_row(
            a.name,
            standing.country or "—",
            standing.sector or "—",
            ("former " if standing.former else "") + role,
            kind,
            a.id,
        )
    filters = _described_filters(country=country, sector=sector, search=search)
    print_table(table, empty=f"no actors match {filters}" if filters else "no actors in the store's events")


@app.command()
def actor(
    ctx: typer.Context,
    actor_id: Annotated[str, typer.Argument(help="Actor id, e.g. person:taro-aso or gov:JPN.")],
    limit: Annotated[int, typer.Option(min=1, max=100000)] = 20,
    as_of: Annotated[str | None, typer.Option("--as-of", help=_AS_OF_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One actor: identity, aliases, roles with dates, its role on a day, events as source and as target."""
    day = parse_day(as_of, "--as-of")
    with cli_state(ctx).store() as store:
        found = get_actor(store, actor_id)
        day = day or store.latest_date()
        as_source = store.events(actor=actor_id, limit=limit)
        as_target = store.events(target=actor_id, limit=limit)
        ev = schema.events
        totals = {
            "as_source": store.count(ev, ev.c.source_actor == actor_id),
            "as_target": store.count(ev, ev.c.target_actor == actor_id),
        }
        names = _actor_names(store, [x for e in as_source + as_target for x in (e.source_actor, e.target_actor)])
        gkg = store.gkg_summary(actor_id)
    data = {
        **dated_actor_row(found, day),
        "events_as_source": totals["as_source"],
        "events_as_target": totals["as_target"],
        "as_source": [
            {
                "date": e.date,
                "occurred": e.occurred,
                "root": e.root_name,
                "target": e.target_actor,
                "target_name": names.get(e.target_actor or ""),
                "modality": e.modality.value,
                "article": e.article_id,
            }
            for e in as_source
        ],
        "as_target": [
            {
                "date": e.date,
                "occurred": e.occurred,
                "root": e.root_name,
                "source": e.source_actor,
                "source_name": names.get(e.source_actor or ""),
                "modality": e.modality.value,
                "article": e.article_id,
            }
            for e in as_target
        ],
        "gkg": gkg,
    }
    if as_json:
        print_json(data)
        return
    _print_actor_head(found, day)
    _print_gkg(gkg)
    for title, key, total in (
        ("as source", "target", totals["as_source"]),
        ("as target", "source", totals["as_target"]),
    ):
        rows = data[f"as_{title.split()[1]}"]
        shown = f"{len(rows)} of {total}" if len(rows) < total else str(total)
        table = Table("date", "event", key, "modality", "article", title=f"Events {title}: {shown}")
        for row in rows:
            table.add_row(
                str(row["date"] or "undated"),
                str(row["root"]),
                str(row[f"{key}_name"] or "—"),
                row["modality"],
                row["article"][:12],
            )
        print_table(table, empty=f"Events {title}: none")


def _print_gkg(gkg: dict[str, Any] | None) -> None:
    """What imported GDELT GKG records say of the actor: documents naming it, their tone by month, themes."""
    if gkg is None:
        return
    tone = "—" if gkg["tone"] is None else f"{gkg['tone']:+.2f}"
    console.print(
        f"GDELT GKG: named in {gkg['documents']} documents ({gkg['mentions']} mentions), "
        f"{gkg['first'] or 'undated'} to {gkg['last'] or 'undated'}, mean tone {tone} (GDELT's -100..100)",
        markup=False,
        highlight=False,
    )
    table = Table("month", "documents", "tone", title="GDELT GKG tone by month")
    for row in gkg["by_month"]:
        table.add_row(row["month"], str(row["documents"]), "—" if row["tone"] is None else f"{row['tone']:+.2f}")
    print_table(table, empty="GDELT GKG: no dated documents")
    if gkg["themes"]:
        themes = ", ".join(f"{t['theme']} ({t['documents']})" for t in gkg["themes"])
        console.print(f"GKG themes: {themes}", markup=False, highlight=False)


def _print_actor_head(found: Any, day: Any) -> None:
    """The actor's identity, its standing on ``day`` (country, sector, role with dates) and every role."""
    standing = found.standing_on(day)
    head = Text()
    head.append(found.name, style="bold")
    head.append(f" ({found.id}) · {found.kind} · on {day or 'now'}: {standing.country or '—'} {standing.sector or '—'}")
    if standing.role is not None:
        head.append(f", {'former ' if standing.former else ''}{standing.role.label()}")
    if found.provisional:
        head.append(" · provisional (not in the knowledge base)")
    console.print(head)
    if found.aliases:
        console.print("aliases: " + ", ".join(found.aliases), markup=False, highlight=False)
    for r in found.roles:
        console.print(f"  {r.label()} ({r.country or '—'} {r.sector or '—'})", markup=False, highlight=False)


# --- evaluation -------------------------------------------------------------------


@app.command("eval")
def eval_cmd(
    ctx: typer.Context,
    gold: Annotated[Path, typer.Argument(help="Gold JSON Lines file (events, articles or actors schema).")],
    mode: Annotated[
        str, typer.Option(help="given-actors or end-to-end (event sets), or event-dates (event-date annotations).")
    ] = "given-actors",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Score Vigil against a gold file; training sets are scored by cross-validation."""
    from vigil.evaluate.run import evaluate
    from vigil.train.crossval import training_file_report

    report = evaluate(gold, mode, cli_state(ctx).settings, training_report=training_file_report)
    if as_json:
        print_json(report)
        return
    _print_report(report)


def _print_report(report: dict[str, Any], indent: int = 0) -> None:
    for key, value in report.items():
        if key in {"confusion", "reliability", "per_class"}:
            continue
        if key == "misses" and isinstance(value, list):
            console.print(" " * indent + f"misses: {len(value)} (--json lists them)", highlight=False)
            continue
        if isinstance(value, dict):
            console.print(" " * indent + f"[bold]{key}[/]")
            _print_report(value, indent + 2)
        else:
            console.print(" " * indent + f"{key}: {value}", highlight=False)


@app.command()
def bench(
    ctx: typer.Context,
    corpus: Annotated[list[str] | None, typer.Argument(help="Corpus files or folders.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Stop after N articles.")] = None,
    workers: Annotated[int | None, typer.Option(min=0, help="Extraction processes (0 = one per core).")] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            "--bench-db",
            help="Write to this (empty) store instead of a scratch file; with --queries-only, the store to time.",
        ),
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="local or ray.")] = "local",
    address: Annotated[str | None, typer.Option("--address", help="Ray cluster address (--engine ray).")] = None,
    extract: Annotated[bool, typer.Option("--extract/--no-extract", help="Run extraction (or only ingest).")] = True,
    queries: Annotated[int, typer.Option(min=0, help="Runs of each query for the latency percentiles.")] = 50,
    queries_only: Annotated[
        bool,
        typer.Option(
            "--queries-only",
            help="Ingest nothing: time the queries on an existing store (--db, else the configured store).",
        ),
    ] = False,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve",
            help="Ingest nothing: start `vigil serve --workers N` on the store (--db) and run the dashboard's "
            "mixed read load against it.",
        ),
    ] = False,
    clients: Annotated[
        list[int] | None, typer.Option("--clients", min=1, help="--serve: concurrent clients (repeatable).")
    ] = None,
    duration: Annotated[float, typer.Option(min=1.0, help="--serve: seconds of load per client count.")] = 20.0,
    warmup: Annotated[
        float, typer.Option(min=0.0, help="--serve: seconds of the same load before each measured run (not counted).")
    ] = 10.0,
    revalidate: Annotated[
        bool, typer.Option(help="--serve: clients send If-None-Match with the ETag they got, as browsers do.")
    ] = False,
    cache: Annotated[
        bool, typer.Option(help="--serve: the server keeps answers per store version (--no-cache: it does not).")
    ] = True,
    ingest_after: Annotated[
        list[str] | None,
        typer.Option(
            "--ingest-after",
            help="--serve: after the load, ingest these files into the store from another process (this WRITES "
            "to the store), time until the server shows them, and run the load again.",
        ),
    ] = None,
) -> None:
    """Ingest a corpus into a scratch store; print throughput, stage times, memory, store size and query latency.

    With --queries-only, time the queries on an existing store instead; with --serve, the server
    under the dashboard's read load (requests/s, p50/p95/max latency, errors) for 1 and 10 clients.
    """
    from vigil.evaluate.bench import bench as run_bench
    from vigil.evaluate.bench import bench_queries

    settings = cli_state(ctx).settings
    if serve:
        _bench_serve(
            db or settings.get_str("db"),
            corpus,
            workers,
            clients or [1, 10],
            (duration, warmup),
            (revalidate, cache),
            ingest_after or [],
        )
        return
    if queries_only:
        if corpus:
            raise ConfigError("--queries-only times an existing store: give it with --db, not a corpus.")
        print_json(bench_queries(db or settings.get_str("db"), query_runs=queries))
        return
    if not corpus:
        raise ConfigError("Give the corpus files or folders to ingest (or --queries-only --db STORE).")
    if workers is not None:
        settings = settings.replace(extract__workers=workers)
    figures = run_bench(
        corpus, settings, limit=limit, db=db, engine=engine, extract=extract, address=address, query_runs=queries
    )
    print_json(figures)


def _bench_serve(
    db: str,
    corpus: list[str] | None,
    workers: int | None,
    clients: list[int],
    timing: tuple[float, float],
    modes: tuple[bool, bool],
    ingest: list[str],
) -> None:
    """``vigil bench --serve``: the load test of :mod:`vigil.evaluate.loadtest`."""
    from vigil.evaluate.loadtest import serve_bench

    if corpus:
        raise ConfigError("--serve loads a server on an existing store: give it with --db, not a corpus.")
    problem = missing_store(db)
    if problem is not None:
        raise problem
    n = workers if workers else (os.cpu_count() or 1)
    (duration, warmup), (revalidate, cache) = timing, modes
    figures = serve_bench(
        db,
        workers=n,
        clients=clients,
        duration=duration,
        warmup=warmup,
        revalidate=revalidate,
        cache=cache,
        ingest=ingest,
    )
    print_json(figures)


@app.command()
def train(
    data_dir: Annotated[Path | None, typer.Option(help="Folder with plv_train and cameo_class_train.")] = None,
    cv: Annotated[int, typer.Option(help="Folds for calibration and the cross-validated figures (>= 2).")] = 5,
    learning_curve: Annotated[bool, typer.Option(help="Also run the 25/50/100% learning curve.")] = False,
    linear_only: Annotated[bool, typer.Option(help="Train the fast linear coder alone (no MiniLM expert).")] = False,
    out: Annotated[Path | None, typer.Option(help="Weights folder (default: the package's).")] = None,
    json_file: Annotated[Path | None, typer.Option("--json", help="Also write the figures to this file.")] = None,
    save: Annotated[bool, typer.Option(help="Write the weights (--no-save: figures only).")] = True,
    seed: Annotated[int | None, typer.Option(help="Seed of the folds, fitting and fine-tuning.")] = None,
    threads: Annotated[int, typer.Option(help="Torch threads per fine-tuning process (results depend on it).")] = 1,
    jobs: Annotated[int, typer.Option(help="Experts fine-tuned at once, one process each.")] = 2,
    class_balance: Annotated[
        float | None, typer.Option(help="Root loss weight (n / mean n) ** -X of a class of n examples (0: none).")
    ] = None,
    learn_markers: Annotated[
        bool, typer.Option(help="Let the actor-marker embeddings learn (slower: the gradient crosses every layer).")
    ] = False,
    codebook: Annotated[bool, typer.Option(help="Train on the codebook examples too (vigil/train).")] = True,
    int8: Annotated[bool, typer.Option(help="Code with the expert's int8 layers (--no-int8: float, slower).")] = True,
    cache: Annotated[bool, typer.Option(help="Reuse cached fold experts (--no-cache: fine-tune them again).")] = True,
    pipeline: Annotated[
        bool, typer.Option(help="Run the spaCy pass: event gate and pipeline spans (--no-pipeline: neither).")
    ] = True,
) -> None:
    """Train the event coder from the dev sets and write its weights into the package."""
    import json

    from vigil.train.fit import SEED
    from vigil.train.run import TrainOptions, train_coder

    options = TrainOptions(
        data_dir=data_dir,
        seed=SEED if seed is None else seed,
        out=out,
        folds=cv,
        learning_curve=learning_curve,
        linear_only=linear_only,
        threads=threads,
        jobs=jobs,
        class_balance=class_balance,
        learn_markers=learn_markers,
        codebook=codebook,
        int8=int8,
        save=save,
        cache=cache,
        pipeline=pipeline,
    )
    report = train_coder(options)
    text = json.dumps(report, indent=1)
    print(text)
    if json_file is not None:
        json_file.write_text(text + "\n", encoding="utf-8")


@app.command("train-news")
def train_news(
    ctx: typer.Context,
    corrections: Annotated[
        Path | None,
        typer.Option(help="Corrections exported by `vigil correct export`, made on the store of --db."),
    ] = None,
    annotations: Annotated[
        Path | None, typer.Option(help="News annotations (default: the project's annotations/news_events.jsonl).")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Weights folder (default: the package's).")] = None,
    holdout_fold: Annotated[
        int | None, typer.Option(help="Leave the articles of fold K of 5 out (for held-out figures).")
    ] = None,
    negatives: Annotated[float, typer.Option(help="No-event pairs per event pair (half of them not linked).")] = 2.0,
    every_linked: Annotated[
        bool, typer.Option(help="Every no-event pair the parse links (--no-every-linked: as many as the others).")
    ] = True,
    epochs: Annotated[int | None, typer.Option(help="Fine-tuning epochs (default: 6).")] = None,
    plv: Annotated[bool, typer.Option(help="Train on PLV_train, the codebook and ConfliBERT's sentences too.")] = True,
) -> None:
    """Fine-tune the news event model (the default coder) on the news annotations and the analysts' corrections.

    The annotations' text is read from the shared corpus (setting `shared`); corrections are read with the sentences of
    the store they were made on (--db). About 16 minutes on 2 cores.
    """
    import contextlib

    from vigil.coder import WEIGHTS_DIR
    from vigil.train.news import NewsTraining, train_news_model

    root = Path(__file__).resolve().parents[2]
    state = cli_state(ctx)
    with contextlib.ExitStack() as stack:
        store = stack.enter_context(state.store()) if corrections is not None else None
        job = NewsTraining(
            annotations=annotations or root / "annotations" / "news_events.jsonl",
            shared=Path(state.settings.get_str("shared")),
            out=out or WEIGHTS_DIR,
            holdout_fold=holdout_fold,
            negatives=negatives,
            every_linked=every_linked,
            corrections=corrections,
            store=store,
            epochs=epochs,
            with_plv=plv,
        )
        report = train_news_model(job, progress=lambda line: print(line, file=sys.stderr))
    print_json(report)


@app.command("settings")
def settings_cmd(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List every setting with its current value, environment variable and help."""
    current = cli_state(ctx).settings
    if as_json:
        print_json([{"name": s.name, "value": current[s.name], "env": s.env, "help": s.help} for s in SETTINGS])
        return
    table = Table("setting", "value", "env", "help")
    for s in SETTINGS:
        table.add_row(s.name, str(current[s.name]), s.env, s.help)
    console.print(table)


for register in (
    register_watch,
    register_scale,
    register_serve,
    register_export,
    register_imports,
    register_correct,
    register_kb,
):
    register(app)


def main() -> None:
    """Entry point: run the app, translating Vigil errors into messages and exit code 2."""
    try:
        code = app(standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except VigilError as exc:
        err.print(f"[red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
        sys.exit(2)
    except Exception as exc:
        from sqlalchemy.exc import DBAPIError

        if not isinstance(exc, DBAPIError):
            _usage_error(exc)
            raise
        # The store's server went away in the middle of a read (restarted, network cut): every write is one
        # transaction, so what was committed is whole and a re-run skips it.
        from rich.markup import escape

        reason = escape(str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__)
        err.print(
            f"[red]error:[/] the store stopped answering: {reason}. What was stored before is kept, whole; "
            "run the same command again when the store is back: what is stored already is skipped.",
            markup=True,
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


def _usage_error(exc: Exception) -> None:
    """Usage errors from the parser (typer vendors click, so match on its interface): shown, exit code 2."""
    show = getattr(exc, "show", None)
    if callable(show) and hasattr(exc, "exit_code"):
        show()
        sys.exit(2)


if __name__ == "__main__":
    main()
