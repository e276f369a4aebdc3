"""``/api/watches``: watches and what they compute (stories, timeline, network and bridges, trends,
scenario board with its probability log, alerts, briefs). Writes need the token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from vigil.analyze.probabilities import set_probability as set_outcome_probability
from vigil.analyze.watches import WatchError, parse_watch
from vigil.api.context import AppContext, get_context
from vigil.api.errors import ApiError
from vigil.api.pagination import page_after_id
from vigil.api.params import ActorId, Cursor, Known, Limit, Since, Until, WatchName
from vigil.api.views import network_view, scenario_view, story_view, timeline_view, trends_view, watch_summary
from vigil.errors import StoreError
from vigil.store import analysis as analysis_store

router = APIRouter(prefix="/api", tags=["watches"])

Ctx = Annotated[AppContext, Depends(get_context)]
Domain = Annotated[str | None, Query(max_length=50, pattern=r"^[a-z_ -]+$", description="Policy domain.")]
OutcomeQ = Annotated[str | None, Query(max_length=100, pattern=r"^[a-z0-9][a-z0-9_-]*$", description="Outcome id.")]
ActorQ = Annotated[str | None, Query(max_length=200, description="Actor id.")]


class WatchIn(BaseModel):
    """A watch as YAML text (see vigil/watches/*.yaml)."""

    yaml: str = Field(min_length=1, max_length=200_000)
    author: str = Field(default="analyst", min_length=1, max_length=100)
    reason: str = Field(default="", max_length=2000)


class ProbabilityIn(BaseModel):
    """An analyst's revision of an outcome's probability."""

    outcome: str = Field(min_length=1, max_length=100)
    probability: float = Field(ge=0.0, le=1.0)
    reason: str = Field(min_length=1, max_length=2000)
    normalise: bool = False  # scale the other outcomes so that all add up to 100%
    author: str = Field(default="analyst", min_length=1, max_length=100)


def _ok(**data: Any) -> dict[str, Any]:
    return {"ok": True, **data}


def _parse(text: str) -> Any:
    try:
        watch = parse_watch(text, source="request")
    except WatchError as exc:
        raise ApiError(422, str(exc)) from None
    remote = sorted({d.kind for d in watch.delivery if d.kind != "console"})
    if remote:
        # a file or webhook delivery is a side effect on this machine or its network: only a local user sets it
        raise ApiError(
            403,
            f"A watch sent over HTTP may deliver alerts to the console only, not by {' or '.join(remote)}; "
            "set file and webhook deliveries from a local file with `vigil watch create FILE`.",
        )
    return watch


@router.get("/watches")
def list_watches(ctx: Ctx) -> dict[str, Any]:
    """Every stored watch."""
    items = []
    for name, text, updated in analysis_store.list_watches(ctx.store):
        items.append({**watch_summary(parse_watch(text, source=name)), "updated_at": updated})
    return _ok(items=items, next_cursor=None)


@router.post("/watches", status_code=201)
def create_watch(body: WatchIn, ctx: Ctx) -> dict[str, Any]:
    """Store a new watch (write: needs the token)."""
    watch = _parse(body.yaml)
    try:
        analysis_store.save_watch_yaml(
            ctx.store, watch.name, body.yaml, create=True, author=body.author, reason=body.reason
        )
    except StoreError as exc:
        raise ApiError(409, str(exc)) from None
    return _ok(item=watch_summary(watch))


@router.get("/watches/{name}")
def get_watch(name: WatchName, ctx: Ctx) -> dict[str, Any]:
    """A watch's definition and its YAML as written."""
    watch = ctx.watch(name)
    return _ok(item={**watch_summary(watch), "yaml": analysis_store.get_watch_yaml(ctx.store, name)})


@router.put("/watches/{name}")
def replace_watch(name: WatchName, body: WatchIn, ctx: Ctx) -> dict[str, Any]:
    """Replace a watch's YAML (write: needs the token). The name cannot change."""
    ctx.watch(name)
    watch = _parse(body.yaml)
    if watch.name != name:
        raise ApiError(422, f"key 'name': the watch is named {watch.name!r}, not {name!r}; names cannot change.")
    analysis_store.save_watch_yaml(ctx.store, name, body.yaml, author=body.author, reason=body.reason)
    return _ok(item=watch_summary(watch))


@router.get("/watches/{name}/history")
def watch_outcome_history(name: WatchName, ctx: Ctx, since: Since = None) -> dict[str, Any]:
    """Who changed the watch's outcomes, when and how (outcomes, camps, candidates, probabilities), oldest first."""
    from vigil.analyze.history import outcome_history

    ctx.watch(name)
    return _ok(items=[c.to_dict() for c in outcome_history(ctx.store, name, since=since)], next_cursor=None)


@router.delete("/watches/{name}")
def delete_watch(
    name: WatchName,
    ctx: Ctx,
    purge: Annotated[
        bool, Query(description="Also delete the watch's alerts, briefs and probability log (refused otherwise).")
    ] = False,
) -> dict[str, Any]:
    """Delete a watch (write: needs the token). A watch with history is deleted only with ``purge=true``."""
    if analysis_store.get_watch_yaml(ctx.store, name) is None:
        raise ApiError(404, f"No watch named {name!r}.")
    history = {k: v for k, v in analysis_store.watch_history(ctx.store, name).items() if v}
    if history and not purge:
        held = ", ".join(f"{v} {k}" for k, v in history.items())
        raise ApiError(409, f"Watch {name!r} has {held}; deleting it deletes them too. Repeat with ?purge=true.")
    analysis_store.delete_watch(ctx.store, name)
    return _ok(deleted=name)


@router.get("/watches/{name}/stories")
def watch_stories(
    name: WatchName,
    ctx: Ctx,
    since: Since = None,
    until: Until = None,
    min_reports: Annotated[int, Query(ge=1, le=1000)] = 1,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """The watch's stories (articles about one development), largest first."""
    win = ctx.window(ctx.watch(name), since, until)
    rows = [s for s in win.stories if s.reports >= min_reports]
    page, nxt = page_after_id(rows, lambda s: s.id, cursor=cursor, limit=limit)
    items = [
        {
            "id": s.id,
            "title": s.title,
            "first": s.first,
            "last": s.last,
            "reports": s.reports,
            "articles": s.article_ids,
        }
        for s in page
    ]
    return _ok(articles=len(win.relevant), stories=len(win.stories), items=items, next_cursor=nxt)


@router.get("/watches/{name}/stories/{story_id}")
def watch_story(
    name: WatchName,
    story_id: Annotated[str, Path(pattern=r"^s[0-9a-f]{1,40}$")],
    ctx: Ctx,
) -> dict[str, Any]:
    """One story with its reports."""
    win = ctx.window(ctx.watch(name))
    story = win.story(story_id)
    if story is None:
        raise ApiError(404, f"Watch {name!r} has no story {story_id!r}.")
    return _ok(item=story_view(win, story))


@router.get("/watches/{name}/timeline")
def watch_timeline(
    name: WatchName,
    ctx: Ctx,
    outcome: OutcomeQ = None,
    domain: Domain = None,
    actor: ActorQ = None,
    since: Since = None,
    until: Until = None,
    as_of: Known = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Dated developments, newest first: one line per story with its key event, actors and domains.
    With ``as_of``, those the store knew at the end of that day."""
    watch = ctx.watch(name)
    try:
        rows = timeline_view(
            ctx.window(watch, as_of=as_of), outcome=outcome, domain=domain, actor=actor, since=since, until=until
        )
    except WatchError as exc:
        raise ApiError(422, str(exc)) from None
    page, nxt = page_after_id(rows, lambda t: t.story, cursor=cursor, limit=limit)
    return _ok(items=[t.to_dict() for t in page], next_cursor=nxt)


@router.get("/watches/{name}/network")
def watch_network(
    name: WatchName, ctx: Ctx, since: Since = None, until: Until = None, as_of: Known = None
) -> dict[str, Any]:
    """The actor graph of a window (nodes, typed and weighted edges), bridges, and new and lost ties;
    with ``as_of``, as the store knew it at the end of that day."""
    watch = ctx.watch(name)
    win = ctx.window(watch, as_of=as_of)
    return _ok(item=network_view(win, since=since, until=until))


@router.get("/watches/{name}/bridges")
def watch_bridges(
    name: WatchName, ctx: Ctx, since: Since = None, until: Until = None, as_of: Known = None
) -> dict[str, Any]:
    """Who bridges the focal government to each outcome's camp, with the sentences that say so;
    with ``as_of``, as the store knew it at the end of that day."""
    view = network_view(ctx.window(ctx.watch(name), as_of=as_of), since=since, until=until)
    return _ok(items=view["bridges"], next_cursor=None)


@router.get("/watches/{name}/trends")
def watch_trends(
    name: WatchName,
    ctx: Ctx,
    k: Annotated[float, Query(ge=0.1, le=10.0, description="Band half-width in standard deviations.")] = 2.0,
    weeks: Annotated[int, Query(ge=1, le=52, description="Weeks in the rolling baseline.")] = 4,
    as_of: Known = None,
) -> dict[str, Any]:
    """Per domain and week: events, cooperation/conflict balance and tone toward the focal country;
    with ``as_of``, as the store knew them at the end of that day (the weeks end on that day)."""
    series = trends_view(ctx.window(ctx.watch(name), as_of=as_of), k=k, weeks=weeks)
    return _ok(items=[s.to_dict() for s in series], next_cursor=None)


@router.get("/watches/{name}/scenarios")
def watch_scenarios(name: WatchName, ctx: Ctx, as_of: Known = None) -> dict[str, Any]:
    """The scenario board: per outcome, expectations by domain, exposure, signposts; and the probability log.
    With ``as_of``: the board as the store knew it at the end of that day (articles, corrections and
    probabilities of then)."""
    view = scenario_view(ctx.window(ctx.watch(name), as_of=as_of))
    return _ok(item=view if as_of is None else {**view, "as_of": as_of})


@router.get("/watches/{name}/probabilities")
def watch_probabilities(name: WatchName, ctx: Ctx) -> dict[str, Any]:
    """Every probability revision, newest first."""
    ctx.watch(name)
    rows = analysis_store.probabilities(ctx.store, name)
    items = [
        {"outcome": r.outcome, "probability": r.probability, "reason": r.reason, "author": r.author, "at": r.at}
        for r in reversed(rows)
    ]
    return _ok(items=items, next_cursor=None)


@router.post("/watches/{name}/probabilities", status_code=201)
def set_probability(name: WatchName, body: ProbabilityIn, ctx: Ctx) -> dict[str, Any]:
    """Set an outcome's probability, logged with its reason and time (write: needs the token)."""
    watch = ctx.watch(name)
    try:
        watch.outcome(body.outcome)
    except WatchError as exc:
        raise ApiError(422, str(exc)) from None
    update = set_outcome_probability(
        ctx.store,
        watch,
        body.outcome,
        body.probability,
        body.reason.strip() or "—",
        normalise=body.normalise,
        author=body.author,
    )
    row = update.rows[0]
    return _ok(
        item={
            "outcome": row.outcome,
            "probability": row.probability,
            "reason": row.reason,
            "author": row.author,
            "at": row.at,
        },
        revised=[{"outcome": r.outcome, "probability": r.probability, "reason": r.reason} for r in update.rows[1:]],
        warning=update.warning,
    )


def _alerts(ctx: AppContext, watch: str | None, limit: int, cursor: str | None) -> dict[str, Any]:
    rows = analysis_store.list_alerts(ctx.store, watch=watch, limit=None)
    page, nxt = page_after_id(rows, lambda r: r.id, cursor=cursor, limit=limit)
    items = [{**r.to_dict(), "at": r.at} for r in page]
    return _ok(items=items, next_cursor=nxt)


@router.get("/watches/{name}/alerts")
def watch_alerts(name: WatchName, ctx: Ctx, limit: Limit = 50, cursor: Cursor = None) -> dict[str, Any]:
    """The watch's stored alerts with their evidence, newest first."""
    ctx.watch(name)
    return _alerts(ctx, name, limit, cursor)


@router.get("/alerts")
def all_alerts(
    ctx: Ctx,
    watch: Annotated[str | None, Query(max_length=100)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Stored alerts of every watch (or one), newest first."""
    return _alerts(ctx, watch, limit, cursor)


@router.get("/watches/{name}/brief")
def watch_brief(
    name: WatchName, ctx: Ctx, since: Since = None, until: Until = None, as_of: Known = None
) -> dict[str, Any]:
    """A cited brief in Markdown (computed now, not recorded: `vigil brief` records briefs); with
    ``as_of``, what the store knew at the end of that day."""
    from vigil.analyze.briefs import build_brief, render_markdown

    watch = ctx.watch(name)
    brief = build_brief(
        ctx.store,
        watch,
        since=since,
        until=until,
        save=False,
        as_of=as_of,
        min_confidence=ctx.settings.get_float("view.min_confidence"),
    )
    return _ok(item={"summary": brief.summary(), "markdown": render_markdown(brief)})


@router.get("/watches/{name}/actors/{actor_id}/timeline")
def actor_timeline(name: WatchName, actor_id: ActorId, ctx: Ctx, limit: Limit = 50) -> dict[str, Any]:
    """The watch's developments that name one actor."""
    rows = timeline_view(ctx.window(ctx.watch(name)), actor=actor_id)
    return _ok(items=[t.to_dict() for t in rows[:limit]], next_cursor=None)
