"""``vigil watch|stories|timeline|network|bridges|trends|scenarios|alerts|brief``: thin shells over vigil.analyze.

Call :func:`register` once on the main Typer app.
"""

from __future__ import annotations

import getpass
import json
import os
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from vigil.analyze.watches import Watch, WatchError, load_watch, parse_watch
from vigil.api.views import watch_summary
from vigil.cli.common import cli_state, console, err, parse_day, print_table
from vigil.errors import VigilError
from vigil.store import Store

__all__ = ["register"]


watch_app = typer.Typer(help="Create, list, show, edit and delete watches.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="From YYYY-MM-DD (default: the watch's start).")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="To YYYY-MM-DD (default: the watch's end).")]
AuthorOpt = Annotated[str | None, typer.Option("--author", help="Who makes the change (default: the login name).")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="Why (kept in the watch's history).")]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Answer with what was known on YYYY-MM-DD (published, ingested and corrected by then)."
    ),
]


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _store(ctx: typer.Context, create: bool = False) -> Any:

    return cli_state(ctx).store(create=create)


def _view_floor(ctx: typer.Context) -> float:
    """The default view's lowest event confidence (setting ``view.min_confidence``)."""

    return cli_state(ctx).settings.get_float("view.min_confidence")


def _window(
    w: Watch, since: str | None, until: str | None, as_of: date | None = None
) -> tuple[date | None, date | None]:
    """The dates asked for (``--since``/``--until``), inside the watch's start..end: nothing outside
    the watch's window is ever shown for it. With ``as_of`` (``--as-of``), ending on that day at the latest.

    Raises:
        VigilError: the range asked for lies wholly outside the watch's window.
    """
    lo, hi = parse_day(since, "--since"), parse_day(until, "--until")
    if w.start is not None and (lo is None or lo < w.start):
        lo = w.start
    if w.end is not None and (hi is None or hi > w.end):
        hi = w.end
    if lo is not None and hi is not None and hi < lo:
        asked = " ".join(f"{option} {value}" for option, value in (("--since", since), ("--until", until)) if value)
        raise VigilError(
            f"Nothing to show: {asked} is outside the watch {w.name!r}, which runs "
            f"{w.start or 'open'}..{w.end or 'open'}. Give dates inside it."
        )
    from vigil.analyze.window import known_until

    return lo, known_until(lo, hi, as_of)


def _watch(store: Store, name: str) -> Watch:
    from vigil.store import analysis as analysis_store

    text = analysis_store.get_watch_yaml(store, name)
    if text is None:
        known = ", ".join(n for n, _, _ in analysis_store.list_watches(store)) or "none"
        raise VigilError(f"No watch named {name!r} (watches: {known}). Create one with `vigil watch create FILE.yaml`.")
    return parse_watch(text, source=name)


# --- watch CRUD ------------------------------------------------------------------------


@watch_app.command("create")
def watch_create(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Watch YAML file (see vigil/watches/ for examples).")],
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite a watch of the same name.")] = False,
    author: AuthorOpt = None,
    reason: ReasonOpt = "",
) -> None:
    """Validate a watch file and store it with the data."""
    from vigil.store import analysis as analysis_store

    watch, text = load_watch(file)
    with _store(ctx, create=True) as store:
        analysis_store.save_watch_yaml(
            store, watch.name, text, create=not replace, author=author or getpass.getuser(), reason=reason
        )
    console.print(
        f"watch [bold]{watch.name}[/] stored: {len(watch.outcomes)} outcomes, {len(watch.alerts)} alert rules"
    )


@watch_app.command("list")
def watch_list(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List stored watches."""
    from vigil.store import analysis as analysis_store

    with _store(ctx) as store:
        rows = analysis_store.list_watches(store)
    items: list[dict[str, Any]] = []
    for name, text, updated in rows:
        w = parse_watch(text, source=name)
        items.append(
            {
                "name": name,
                "title": w.title,
                "focal": w.focal,
                "subject": w.subject,
                "outcomes": [o.id for o in w.outcomes],
                "updated_at": updated,
            }
        )
    if as_json:
        _print_json(items)
        return
    table = Table("name", "focal", "subject", "outcomes", "updated")
    for i in items:
        table.add_row(
            str(i["name"]),
            str(i["focal"]),
            str(i["subject"]),
            ", ".join(str(x) for x in i["outcomes"]),
            f"{i['updated_at']:%Y-%m-%d %H:%M}",
        )
    print_table(table)


@watch_app.command("show")
def watch_show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Watch name.")],
    as_yaml: Annotated[bool, typer.Option("--yaml", help="Print the stored YAML as written.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Show a watch (its YAML with --yaml)."""
    from vigil.store import analysis as analysis_store

    with _store(ctx) as store:
        text = analysis_store.get_watch_yaml(store, name)
        if text is None:
            raise VigilError(f"No watch named {name!r}. List them with `vigil watch list`.")
    if as_yaml:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    w = parse_watch(text, source=name)
    data = watch_summary(w)
    if as_json:
        _print_json(data)
        return
    console.print(f"[bold]{w.title}[/] ({w.name}) · focal {w.focal} · {w.subject} · {w.start or '…'} → {w.end or '…'}")
    for c in w.calendar:
        console.print(f"  {c.date}  {c.label}")
    console.print(f"focal government: {', '.join(w.government)}, and the holders of: {', '.join(w.focal_offices)}")
    for t in data["focal_roster"]:
        console.print(f"  {t['title']}: {t['actor']} {t['from'] or '…'} → {t['until'] or '…'}")
    for o in w.outcomes:
        console.print(f"outcome [bold]{o.id}[/]: {o.label} · camp {', '.join(o.camp) or '-'}")
        for run in o.candidates:
            console.print(f"  candidate {run.actor} {run.start or '…'} → {run.end or '…'}")
    console.print("domains: " + ", ".join(w.domains) + " · actors: " + ", ".join(w.actors))
    console.print("alerts: " + ", ".join(f"{r.id} ({r.kind})" for r in w.alerts))


@watch_app.command("edit")
def watch_edit(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Watch name.")],
    file: Annotated[
        Path | None, typer.Option("--file", help="Replace with this YAML file instead of opening $EDITOR.")
    ] = None,
    author: AuthorOpt = None,
    reason: ReasonOpt = "",
) -> None:
    """Edit a watch in $EDITOR (or replace it from --file); it is validated before it is stored."""
    from vigil.store import analysis as analysis_store

    with _store(ctx) as store:
        current = analysis_store.get_watch_yaml(store, name)
        if current is None:
            raise VigilError(f"No watch named {name!r}. List them with `vigil watch list`.")
        if file is not None:
            watch, text = load_watch(file)
        else:
            editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
            if not editor:
                raise VigilError("Set $EDITOR (or use --file FILE.yaml) to edit a watch.")
            with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as fh:
                fh.write(current)
                tmp = Path(fh.name)
            subprocess.run([*editor.split(), str(tmp)], check=True)  # noqa: S603
            try:
                watch, text = load_watch(tmp)
                if watch.name != name:
                    raise WatchError(
                        f"key 'name': the edited watch is named {watch.name!r}, not {name!r}; names cannot change."
                    )
            except WatchError as exc:
                # the user's edits are kept: fix the file and pass it back
                raise WatchError(
                    f"{exc}\nYour edits are kept in {tmp}; fix them and run `vigil watch edit {name} --file {tmp}`."
                ) from None
            tmp.unlink(missing_ok=True)
        if watch.name != name:
            raise WatchError(
                f"key 'name': the edited watch is named {watch.name!r}, not {name!r}; names cannot change."
            )
        analysis_store.save_watch_yaml(store, name, text, author=author or getpass.getuser(), reason=reason)
    console.print(f"watch [bold]{name}[/] updated")


@watch_app.command("history")
def watch_history_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Watch name.")],
    since: SinceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Who changed the watch's outcomes, when and how: outcomes, camps, candidates and probabilities."""
    from vigil.analyze.history import outcome_history

    with _store(ctx) as store:
        _watch(store, name)
        changes = outcome_history(store, name, since=parse_day(since, "--since"))
    if as_json:
        _print_json([c.to_dict() for c in changes])
        return
    table = Table("at", "author", "outcome", "change", "reason")
    for c in changes:
        table.add_row(f"{c.at:%Y-%m-%d %H:%M}", c.author or "—", c.outcome or "—", c.change, c.reason or "")
    print_table(table)


@watch_app.command("delete")
def watch_delete(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Watch name.")],
    purge: Annotated[bool, typer.Option("--purge", help="Also delete its alerts, briefs and probability log.")] = False,
) -> None:
    """Delete a watch; one with alerts, briefs or a probability log only with --purge."""
    from vigil.store import analysis as analysis_store

    with _store(ctx) as store:
        if analysis_store.get_watch_yaml(store, name) is None:
            raise VigilError(f"No watch named {name!r}. List them with `vigil watch list`.")
        history = {k: v for k, v in analysis_store.watch_history(store, name).items() if v}
        if history and not purge:
            held = ", ".join(f"{v} {k}" for k, v in history.items())
            raise VigilError(f"Watch {name!r} has {held}; deleting it deletes them too. Repeat with --purge.")
        analysis_store.delete_watch(store, name)
    console.print(f"watch [bold]{name}[/] deleted")


# --- analyses -------------------------------------------------------------------------------


def stories_cmd(
    ctx: typer.Context,
    since: SinceOpt = None,
    until: UntilOpt = None,
    threshold: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Title+lead cosine similarity that links two articles.")
    ] = 0.30,
    window: Annotated[int, typer.Option(min=0, help="Largest gap in days inside a story.")] = 5,
    save: Annotated[bool, typer.Option("--save/--no-save", help="Store stories and set articles.story_id.")] = True,
    min_reports: Annotated[int, typer.Option(min=1, help="Only list stories with at least this many reports.")] = 1,
    as_json: JsonOpt = False,
) -> None:
    """Group articles into stories (near duplicates and follow-ups); show reports per story."""
    from vigil.analyze.stories import cluster_stories
    from vigil.store import analysis as analysis_store

    with _store(ctx) as store:
        arts = analysis_store.load_articles(store, since=parse_day(since, "--since"), until=parse_day(until, "--until"))
        result = cluster_stories(arts, threshold=threshold, window_days=window)
        if save:
            analysis_store.save_stories(store, result)
    shown = [s for s in result if s.reports >= min_reports]
    if as_json:
        _print_json(
            {
                "articles": len(arts),
                "stories": len(result),
                "items": [
                    {
                        "id": s.id,
                        "first": s.first,
                        "last": s.last,
                        "reports": s.reports,
                        "title": s.title,
                        "articles": list(s.article_ids),
                    }
                    for s in shown
                ],
            }
        )
        return
    console.print(
        f"{len(arts)} articles in {len(result)} stories "
        f"({sum(1 for s in result if s.reports > 1)} with several reports)"
    )
    table = Table("story", "first", "last", "reports", "title")
    for s in shown[:200]:
        table.add_row(s.id, str(s.first or "—"), str(s.last or "—"), str(s.reports), s.title or "")
    print_table(table)


def timeline_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Watch name.")],
    outcome: Annotated[str | None, typer.Option(help="Only stories about this outcome.")] = None,
    domain: Annotated[str | None, typer.Option(help="Only stories in this domain.")] = None,
    actor: Annotated[str | None, typer.Option(help="Only stories naming this actor id.")] = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The watch's dated developments: one line per story with its key event, actors and domains."""
    from vigil.analyze.timeline import timeline
    from vigil.analyze.window import load_records

    with _store(ctx) as store:
        w = _watch(store, name)
        if outcome is not None:
            w.outcome(outcome)
        day = parse_day(as_of, "--as-of")
        lo, hi = _window(w, since, until, day)
        records = load_records(store, since=lo, until=hi, min_confidence=_view_floor(ctx), coders=w.coders, as_of=day)
        rows = timeline(records, w, outcome=outcome, domain=domain, actor=actor)
    if as_json:
        _print_json([r.to_dict() for r in rows])
        return
    table = Table("date", "reports", "title", "key event", "domains", "sentence")
    for r in rows:
        table.add_row(
            str(r.date or "—"),
            str(r.reports),
            r.title or "",
            r.key_event or "—",
            ", ".join(r.domains),
            r.citation.text[:140],
        )
    print_table(table)


def _graph(
    ctx: typer.Context, name: str, since: str | None, until: str | None, as_of: str | None = None
) -> tuple[Any, Any, Any]:
    from vigil.analyze.networks import build_graph
    from vigil.analyze.window import load_records

    with _store(ctx) as store:
        w = _watch(store, name)
        day = parse_day(as_of, "--as-of")
        lo, hi = _window(w, since, until, day)
        records = load_records(store, min_confidence=_view_floor(ctx), since=lo, until=hi, coders=w.coders, as_of=day)
        graph = build_graph(records, since=lo, until=hi)
        prev = None
        # The previous window of the same length, for new and lost ties: inside the watch's window too.
        prev_lo = None if lo is None or hi is None else max(lo - (hi - lo), w.start or date.min)
        if prev_lo is not None and lo is not None and prev_lo < lo:
            floor = _view_floor(ctx)
            prev_records = load_records(
                store, min_confidence=floor, since=prev_lo, until=lo, coders=w.coders, as_of=day
            )
            prev = build_graph(prev_records, since=prev_lo, until=lo)
    return w, records, (graph, prev)


def network_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Watch name.")],
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_of: AsOfOpt = None,
    export: Annotated[str | None, typer.Option("--export", help="gexf or graphml.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Export file (default: WATCH.FORMAT).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The actor graph of the watch's window: edges typed by quad class, weighted by events; new and lost ties."""
    from vigil.analyze.networks import tie_changes

    if export is not None and export not in {"gexf", "graphml"}:
        raise typer.BadParameter("use gexf or graphml", param_hint="--export")
    if export is not None:
        _export_network(ctx, name, export, output or Path(f"{name}.{export}"), since, until, as_of)
        return
    w, records, (graph, prev) = _graph(ctx, name, since, until, as_of)
    g = graph.graph
    changes = tie_changes(graph, prev) if prev is not None else []
    edges = sorted(g.edges(data=True), key=lambda x: -x[2]["weight"])
    if as_json:
        _print_json(
            {
                "nodes": [{"id": n, **d} for n, d in g.nodes(data=True)],
                "edges": [{"source": a, "target": b, **d} for a, b, d in edges],
                "changes": [c.to_dict() for c in changes],
            }
        )
        return
    console.print(f"{g.number_of_nodes()} actors, {g.number_of_edges()} ties")
    table = Table("source", "target", "events", "type")
    for a, b, d in edges[:50]:
        table.add_row(records.name(a), records.name(b), str(d["weight"]), d["relation"])
    print_table(table)
    if changes:
        t2 = Table("status", "source", "target", "events", "type", title="Ties vs the previous window")
        for c in changes[:30]:
            t2.add_row(c.status, records.name(c.source), records.name(c.target), str(c.weight), c.type)
        print_table(t2)


def _export_network(
    ctx: typer.Context, name: str, fmt: str, path: Path, since: str | None, until: str | None, as_of: str | None
) -> None:
    """The window's network as ``vigil export gexf|graphml --watch`` writes it (dates, bridge flags, camps)."""
    from vigil.export import export_to_path

    with _store(ctx) as store:
        w = _watch(store, name)
        lo, hi = _window(w, since, until)
        day = parse_day(as_of, "--as-of")
        result = export_to_path(
            store, fmt, path, watch=name, since=lo, until=hi, min_confidence=_view_floor(ctx), as_of=day
        )
    console.print(f"wrote {result.counts['nodes']} actors and {result.counts['edges']} ties to {result.path}")


def bridges_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Watch name.")],
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Who bridges the focal government to each outcome's camp, with the sentences that say so."""
    from vigil.analyze.networks import find_bridges

    w, records, (graph, _) = _graph(ctx, name, since, until, as_of)
    result = find_bridges(records, w, graph)
    if as_json:
        _print_json([r.to_dict() for r in result])
        return
    for ob in result:
        table = Table(
            "bridge",
            "focal ties",
            "camp ties",
            "strength",
            "betweenness",
            "evidence",
            title=f"{w.focal} government → {ob.label}",
        )
        for b in ob.bridges:
            table.add_row(
                f"{b.name} ({b.actor})",
                ", ".join(b.focal_ties),
                ", ".join(b.camp_ties),
                str(b.strength),
                f"{b.betweenness:.2f}",
                (b.evidence[0].text[:160] + f" [{b.evidence[0].article_id[:12]} §{b.evidence[0].sentence_index}]")
                if b.evidence
                else "",
            )
        print_table(table)


def trends_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Watch name.")],
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_of: AsOfOpt = None,
    k: Annotated[float, typer.Option(min=0.1, help="Band half-width in standard deviations.")] = 2.0,
    weeks: Annotated[int, typer.Option(min=1, help="Weeks in the rolling baseline.")] = 4,
    as_json: JsonOpt = False,
) -> None:
    """Per domain and week: events, cooperation/conflict balance, tone toward the focal country, band outliers."""
    from vigil.analyze.trends import domain_trends
    from vigil.analyze.window import load_records

    with _store(ctx) as store:
        w = _watch(store, name)
        day = parse_day(as_of, "--as-of")
        lo, hi = _window(w, since, until, day)
        records = load_records(store, min_confidence=_view_floor(ctx), since=lo, until=hi, coders=w.coders, as_of=day)
    series = domain_trends(records, w, since=lo, until=hi, k=k, baseline_weeks=weeks)
    if as_json:
        _print_json([s.to_dict() for s in series])
        return
    table = Table("domain", "metric", "weeks", "with data", "mean", "outside the band")
    for s in series:
        vals = [p.value for p in s.points if p.value is not None and (s.metric != "events" or p.value > 0)]
        table.add_row(
            s.domain,
            s.metric,
            str(len(s.points)),
            str(len(vals)),
            f"{sum(vals) / len(vals):+.2f}" if vals else "—",
            ", ".join(f"{p.week} ({p.value:+.2f})" for p in s.outliers[:6]) or "none",
        )
    print_table(table)


def scenarios_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Watch name.")],
    set_probability: Annotated[
        tuple[str, float] | None,
        typer.Option("--set-probability", help="OUTCOME P: set an outcome's probability (0-1)."),
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (required with --set-probability).")] = None,
    normalise: Annotated[
        bool,
        typer.Option(
            "--normalise", help="With --set-probability: scale the other outcomes so that all add up to 100%."
        ),
    ] = False,
    history: Annotated[bool, typer.Option("--history", help="Show the probability log.")] = False,
    author: AuthorOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_of: AsOfOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The scenario board: per outcome, stated expectations by domain, exposure, signposts and probability."""
    from vigil.analyze.scenarios import EXPOSURE_LEGEND, scenario_board
    from vigil.analyze.window import known_by, load_records
    from vigil.store import analysis as analysis_store

    with _store(ctx) as store:
        w = _watch(store, name)
        if set_probability is not None:
            _set_probability(store, w, set_probability, reason, normalise, author or getpass.getuser())
            return
        day = parse_day(as_of, "--as-of")
        log = analysis_store.probabilities(store, w.name, known_by=known_by(day))
        if history:
            _print_history(log, as_json)
            return
        lo, hi = _window(w, since, until)
        records = load_records(store, since=lo, until=hi, min_confidence=_view_floor(ctx), coders=w.coders, as_of=day)
    board = scenario_board(records, w, probabilities={r.outcome: r.probability for r in log})
    if as_json:
        _print_json([b.to_dict() for b in board])
    else:
        _print_board(board, records_until(records))
        console.print(EXPOSURE_LEGEND)


def _set_probability(
    store: Any, w: Any, set_probability: tuple[str, float], reason: str | None, normalise: bool, author: str
) -> None:
    """``vigil scenarios NAME --set-probability OUTCOME P --reason ...``: log the revision, print it."""
    from vigil.analyze.probabilities import set_probability as set_outcome_probability

    outcome, p = set_probability
    w.outcome(outcome)
    if not 0.0 <= p <= 1.0:
        raise typer.BadParameter(f"{p} is not a probability in [0, 1]", param_hint="--set-probability")
    if not reason:
        raise typer.BadParameter("give the --reason for the revision", param_hint="--reason")
    update = set_outcome_probability(store, w, outcome, p, reason, normalise=normalise, author=author)
    for row in update.rows:
        console.print(
            f"{row.outcome}: probability {row.probability:.0%} logged at {row.at:%Y-%m-%d %H:%M} ({row.reason})"
        )
    if update.warning:
        err.print(f"[yellow]Warning:[/] {update.warning}")


def _print_history(log: list[Any], as_json: bool) -> None:
    """The probability log of ``vigil scenarios NAME --history``."""
    if as_json:
        _print_json([{"outcome": r.outcome, "probability": r.probability, "reason": r.reason, "at": r.at} for r in log])
        return
    table = Table("at", "outcome", "probability", "reason")
    for r in log:
        table.add_row(f"{r.at:%Y-%m-%d %H:%M}", r.outcome, f"{r.probability:.0%}", r.reason)
    print_table(table)


def _print_board(board: list[Any], day: date | None) -> None:
    """The scenario board for people: per outcome, expectations by domain, candidates, changes, signposts."""
    for b in board:
        prob = f" · probability {b.probability:.0%}" if b.probability is not None else ""
        table = Table("domain", "exposure", "expectation", "article", title=f"{b.label}{prob}")
        for d, xs in b.by_domain.items():
            for x in xs[:5]:
                table.add_row(
                    d,
                    f"{b.exposure.get(d, 0):.0%}",
                    x.citation.text[:160],
                    f"{x.citation.article_id[:12]} §{x.citation.sentence_index}",
                )
        if b.by_domain:
            print_table(table)
        else:
            console.print(f"[bold]{b.label}{prob}[/bold]\n  no expectation stated in the window's articles")
        if b.candidates:
            console.print(f"  candidates on {day or 'today'}: {', '.join(b.candidate_on(day)) or 'none'}")
        for ch in b.changes:
            console.print(f"  {ch.name}: {ch.kind}, {ch.day or 'undated'} — “{ch.citation.text[:120]}”")
        for sp in b.signposts:
            console.print(
                f"  signpost {sp.label}: {'observed' if sp.observed else 'not yet'} ({len(sp.evidence)} sentences)"
            )


def records_until(records: Any) -> date | None:
    """The latest publication date of the loaded records (the board's 'now')."""
    days = [a.published for a in records.articles.values() if a.published is not None]
    return max(days) if days else None


def alerts_cmd(
    ctx: typer.Context,
    watch: Annotated[str | None, typer.Option("--watch", help="Only this watch's alerts.")] = None,
    evaluate: Annotated[
        list[str] | None, typer.Option("--evaluate", help="Evaluate the watch's rules on these article ids now.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1)] = 50,
    as_of: AsOfOpt = None,
    retry: Annotated[bool, typer.Option("--retry", help="Deliver again the alerts whose delivery failed.")] = False,
    queued: Annotated[bool, typer.Option("--pending", help="List the deliveries that failed and wait.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """List stored alerts (newest first), or evaluate a watch's rules on given articles."""
    if retry or queued:
        _outbox(ctx, retry=retry, as_json=as_json)
        return
    from vigil.analyze.alerts import evaluate_alerts
    from vigil.analyze.window import known_by
    from vigil.store import analysis as analysis_store

    with _store(ctx) as store:
        if evaluate:
            if watch is None:
                raise typer.BadParameter("name the watch to evaluate", param_hint="--watch")
            from vigil.analyze.delivery import DeliveryPolicy

            policy = DeliveryPolicy.from_settings(cli_state(ctx).settings)
            fired = evaluate_alerts(
                store, _watch(store, watch), evaluate, policy=policy, min_confidence=_view_floor(ctx)
            )
            console.print(f"{len(fired)} new alerts")
            return
        rows = analysis_store.list_alerts(
            store, watch=watch, limit=limit, known_by=known_by(parse_day(as_of, "--as-of"))
        )
    if as_json:
        _print_json([{**r.to_dict(), "at": r.at} for r in rows])
        return
    table = Table("published", "raised", "watch", "rule", "message", "evidence")
    for r in rows:
        ev = r.evidence[0].text if r.evidence else ""
        day = r.published.isoformat() if r.published else "—"
        table.add_row(day, f"{r.at:%Y-%m-%d %H:%M}", r.watch, r.rule, r.message, ev[:120])
    print_table(table)


def brief_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Watch name.")],
    since: SinceOpt = None,
    until: UntilOpt = None,
    as_of: AsOfOpt = None,
    fmt: Annotated[str, typer.Option("--format", help="md, html or pdf.")] = "md",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (required for pdf).")
    ] = None,
    save: Annotated[
        bool, typer.Option("--save/--no-save", help="Record the brief for the next 'what changed'.")
    ] = True,
) -> None:
    """A cited brief: top developments, what changed, bridges, trends, the scenario board and alerts."""
    from vigil.analyze.briefs import build_brief, render_html, render_markdown, render_pdf

    if fmt not in {"md", "html", "pdf"}:
        raise typer.BadParameter("use md, html or pdf", param_hint="--format")
    if fmt == "pdf" and output is None:
        raise typer.BadParameter("a PDF needs --output FILE.pdf", param_hint="--output")
    with _store(ctx) as store:
        w = _watch(store, name)
        lo, hi = _window(w, since, until)
        brief = build_brief(
            store, w, since=lo, until=hi, save=save, as_of=parse_day(as_of, "--as-of"), min_confidence=_view_floor(ctx)
        )
    if fmt == "pdf":
        assert output is not None
        render_pdf(render_html(brief), output)
        console.print(f"wrote {output}")
        return
    text = render_markdown(brief) if fmt == "md" else render_html(brief)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}")
    else:
        sys.stdout.write(text)


def _outbox(ctx: typer.Context, *, retry: bool, as_json: bool) -> None:
    """Retry the failed deliveries that are due (with ``retry``), then list what still waits."""
    from datetime import UTC, datetime

    from vigil.analyze.delivery import DeliveryPolicy
    from vigil.analyze.outbox import pending, retry_due

    with _store(ctx) as store:
        if retry:
            policy = DeliveryPolicy.from_settings(cli_state(ctx).settings)
            done = retry_due(store, policy, now=datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1))
            console.print(f"delivered {done.delivered} · failed again {done.failed} · given up {done.given_up}")
        waiting = pending(store)
    if as_json:
        _print_json(
            [
                {
                    "alert": p.alert_id,
                    "watch": p.watch,
                    "target": p.target.url or p.target.path or p.target.kind,
                    "attempts": p.attempts,
                    "error": p.last_error,
                    "next": p.next_at,
                    "given_up": p.given_up,
                }
                for p in waiting
            ]
        )
        return
    if not waiting:
        console.print("No delivery waits.")
        return
    table = Table("alert", "watch", "target", "attempts", "next try", "error")
    for p in waiting:
        target = p.target.url or p.target.path or p.target.kind
        nxt = "given up" if p.given_up else f"{p.next_at:%Y-%m-%d %H:%M}"
        table.add_row(p.alert_id[:12], p.watch, target, str(p.attempts), nxt, p.last_error[:100])
    print_table(table)


def register(app: typer.Typer) -> None:
    """Add the watch commands to the main ``vigil`` app."""
    app.add_typer(watch_app, name="watch")
    app.command("stories")(stories_cmd)
    app.command("timeline")(timeline_cmd)
    app.command("network")(network_cmd)
    app.command("bridges")(bridges_cmd)
    app.command("trends")(trends_cmd)
    app.command("scenarios")(scenarios_cmd)
    app.command("alerts")(alerts_cmd)
    app.command("brief")(brief_cmd)
