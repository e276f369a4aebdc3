"""``vigil``: parse the command line, call the library, render the result.

Errors are translated in one place (:func:`main`): a :class:`VigilError` prints its
message and exits with code 2; partial ingests exit with code 1.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from vigil.config import SETTINGS, Settings, load_settings
from vigil.errors import ConfigError, VigilError
from vigil.store import Store, open_store

app = typer.Typer(
    name="vigil",
    help="Local-first news intelligence: who does what to whom, over time, with every fact cited.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)


@dataclass
class State:
    settings: Settings

    @contextmanager
    def store(self) -> Iterator[Store]:
        store = open_store(self.settings["db"])
        try:
            yield store
        finally:
            store.close()


def _state(ctx: typer.Context) -> State:
    state = ctx.find_root().obj
    assert isinstance(state, State)
    return state


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


def _date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD.", param_hint=name) from None


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


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
) -> None:
    """Read articles from files, folders, feeds or web pages into the store."""
    from vigil.ingest.pipeline import IngestProgress
    from vigil.ingest.pipeline import ingest as run_ingest

    state = _state(ctx)
    if fmt not in {"auto", "text", "jsonl", "csv", "rss", "html"}:
        raise typer.BadParameter(f"unknown format {fmt!r}", param_hint="--format")
    columns = {}
    for item in column or []:
        ours, sep, theirs = item.partition("=")
        if not sep:
            raise typer.BadParameter(f"expected ours=theirs, got {item!r}", param_hint="--column")
        columns[ours.strip()] = theirs.strip()
    with state.store() as store:
        extractor = _extractor(state.settings) if extract and state.settings["extract.enabled"] else None
        progress = Progress(
            SpinnerColumn(),
            TextColumn("[bold]ingest"),
            BarColumn(bar_width=None),
            TextColumn("{task.fields[items]} items · {task.fields[ingested]} stored · {task.fields[rejected]} rejected"),
            TextColumn("· {task.fields[rate]:.1f}/s"),
            TimeElapsedColumn(),
            console=err,
            transient=False,
            disable=as_json or not err.is_terminal,
        )
        with progress:
            task = progress.add_task("ingest", total=None, items=0, ingested=0, rejected=0, rate=0.0)

            def report(p: IngestProgress) -> None:
                elapsed = progress.tasks[task].elapsed or 1e-9
                progress.update(
                    task, items=p.items, ingested=p.ingested, rejected=p.rejected, rate=p.items / elapsed
                )

            result = run_ingest(
                inputs, store, state.settings, fmt=fmt, columns=columns or None, extractor=extractor, progress=report
            )
    summary = {
        "ingested": result.ingested,
        "exact_duplicates": result.exact_duplicates,
        "near_duplicates": result.near_duplicates,
        "extracted": result.extracted,
        "rejected": [{"input": r.origin, "where": r.location, "reason": r.reason} for r in result.rejected],
    }
    if as_json:
        _print_json(summary)
    else:
        console.print(
            f"ingested [bold]{result.ingested}[/] · exact duplicates {result.exact_duplicates} · "
            f"near duplicates {result.near_duplicates} · extracted {result.extracted} · "
            f"rejected [bold]{len(result.rejected)}[/]"
        )
        if result.rejected:
            table = Table("input", "where", "reason", title="Rejected", show_lines=False)
            for r in result.rejected[:200]:
                table.add_row(r.origin, r.location, r.reason)
            console.print(table)
            if len(result.rejected) > 200:
                console.print(f"… and {len(result.rejected) - 200} more (see `vigil status`)")
    raise typer.Exit(result.exit_code)


def _extractor(settings: Settings) -> Any:
    try:
        from vigil.extract.pipeline import Pipeline
    except ImportError:
        return None
    return Pipeline.load(settings)


# --- browse ------------------------------------------------------------------------


@app.command()
def status(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """What the store holds: counts, date range, sources, languages, location and size."""
    with _state(ctx).store() as store:
        info = store.status()
    if as_json:
        _print_json(info)
        return
    size = info["size_bytes"]
    console.print(f"[bold]store[/] {info['store']} ({info['backend']}" + (f", {size / 1e6:.1f} MB)" if size else ")"))
    console.print(
        f"[bold]articles[/] {info['articles']} (near duplicates {info['near_duplicates']}, undated {info['undated']})"
        f" · dates {info['first_date']} → {info['last_date']}"
    )
    console.print(
        f"[bold]extracted[/] {info['extractions']} articles · events {info['events']} · mentions {info['mentions']}"
        f" · actors {info['actors']} · rejected inputs {info['rejections']}"
    )
    table = Table("source", "articles", title="Sources")
    for row in info["sources"][:15]:
        table.add_row(str(row["source"]), str(row["articles"]))
    if len(info["sources"]) > 15:
        table.add_row(f"… {len(info['sources']) - 15} more", "")
    console.print(table)
    console.print(
        "[bold]languages[/] " + ", ".join(f"{r['language']} {r['articles']}" for r in info["languages"])
    )


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
    with _state(ctx).store() as store:
        rows = store.articles(
            search=search, since=_date(since, "--since"), until=_date(until, "--until"), source=source, limit=limit
        )
    if as_json:
        _print_json([_article_summary(a) for a in rows])
        return
    table = Table("id", "date", "source", "title")
    for a in rows:
        title = a.title or a.text[:80].replace("\n", " ")
        table.add_row(a.id[:12], str(a.published or "—"), a.source or "—", title)
    console.print(table)


def _article_summary(a: Any) -> dict[str, Any]:
    return {
        "id": a.id,
        "published": a.published,
        "date_source": a.date_source,
        "source": a.source,
        "title": a.title,
        "url": a.url,
        "language": a.language,
        "duplicate_of": a.duplicate_of,
    }


@app.command()
def show(
    ctx: typer.Context,
    article_id: Annotated[str, typer.Argument(help="Article id (or a unique prefix of 6+ characters).")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Show one article with its metadata."""
    with _state(ctx).store() as store:
        art = store.get_article(article_id)
        if art is None:
            raise VigilError(f"No article with id {article_id!r}. List ids with `vigil articles`.")
        events = store.events(article_id=art.id, limit=None)
    if as_json:
        _print_json({**_article_summary(art), "text": art.text, "date_note": art.date_note, "origin": art.origin,
                     "events": len(events)})
        return
    console.print(f"[bold]{art.title or '(no title)'}[/]")
    console.print(
        f"id {art.id} · {art.published or 'undated'} (date from {art.date_source.value}"
        + (f"; {art.date_note}" if art.date_note else "")
        + f") · {art.source or 'no source'} · {art.language or '?'}"
    )
    if art.url:
        console.print(art.url)
    if art.duplicate_of:
        console.print(f"near duplicate of {art.duplicate_of}")
    console.print(f"from {art.origin} · events {len(events)}")
    console.print()
    console.print(art.text, markup=False, highlight=False)


@app.command("settings")
def settings_cmd(ctx: typer.Context, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List every setting with its current value, environment variable and help."""
    current = _state(ctx).settings
    if as_json:
        _print_json([{"name": s.name, "value": current[s.name], "env": s.env, "help": s.help} for s in SETTINGS])
        return
    table = Table("setting", "value", "env", "help")
    for s in SETTINGS:
        table.add_row(s.name, str(current[s.name]), s.env, s.help)
    console.print(table)


def main() -> None:
    """Entry point: run the app, translating Vigil errors into messages and exit code 2."""
    try:
        app(standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except VigilError as exc:
        err.print(f"[red]error:[/] {exc}", markup=True, highlight=False)
        sys.exit(2)
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(2)
        raise
    sys.exit(0)


if __name__ == "__main__":
    main()
