"""The dashboard's pages: thin shells over the same calls as the API, rendered with autoescaping Jinja2.

Every piece of article text reaches the browser escaped; charts and the network read their data
from a ``<script type="application/json">`` block (``tojson`` escapes ``<``, ``>`` and ``&``) or
from the JSON API, and the page scripts are files under /static (the CSP forbids inline scripts).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from vigil.analyze.briefs import sparkline_svg
from vigil.analyze.networks import QUAD_NAMES
from vigil.analyze.probabilities import set_probability as set_outcome_probability
from vigil.analyze.watches import WatchError, parse_watch
from vigil.api.context import AppContext, get_context
from vigil.api.errors import ApiError
from vigil.api.params import ActorId, ArticleId, AsOf, Coder, Known, Since, Until, WatchName
from vigil.api.security import COOKIE
from vigil.api.views import network_view, scenario_view, story_view, timeline_view, trends_view
from vigil.coder.labels import ROOTS
from vigil.export import describe as describe_exports
from vigil.models import Modality
from vigil.services import event_sentences, get_actor, get_article, search
from vigil.store import analysis as analysis_store
from vigil.store import schema
from vigil.store.corrections import CorrectionError, add_correction
from vigil.web.charts import bucketed_series
from vigil.web.names import Names
from vigil.web.reader import reader_sentences

__all__ = ["STATIC_DIR", "TEMPLATES_DIR", "low_confidence", "make_templates", "router"]

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATES_DIR = HERE / "templates"

# The actor page lists the newest events of each side and draws the tone of a larger sample.
_ACTOR_ROWS = 50
_ACTOR_EVENTS = 200
_SEARCH_LIMIT = 20

router = APIRouter(include_in_schema=False)
Ctx = Annotated[AppContext, Depends(get_context)]


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) link, else None (no ``javascript:`` or ``data:`` hrefs)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in {"http", "https"} else None


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def make_templates() -> Environment:
    """The Jinja2 environment: autoescape on for every template, whatever its name."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do"],
    )
    env.policies["json.dumps_kwargs"] = {"default": str, "ensure_ascii": False}
    env.filters["safe_url"] = safe_url
    env.filters["pct"] = _pct
    env.filters["q"] = lambda s: quote(str(s), safe="")
    env.globals["quads"] = QUAD_NAMES
    return env


def render(request: Request, name: str, status: int = 200, **data: Any) -> HTMLResponse:
    """Render a page; every template gets ``names`` (actor and article names, looked up once per page)."""
    env: Environment = request.app.state.templates
    data.setdefault("names", Names(get_context(request).store))
    data.setdefault("low_confidence", low_confidence(get_context(request)))
    return HTMLResponse(env.get_template(name).render(request=request, **data), status_code=status)


def low_confidence(ctx: AppContext) -> float:
    """Events below this confidence (the chance they are right) are marked "low confidence" where pages
    list them: the default view's threshold, setting ``view.min_confidence`` (docs/coder.md)."""
    return ctx.settings.get_float("view.min_confidence")


def _nav(ctx: AppContext, current: str | None, as_of: date | None = None) -> dict[str, Any]:
    """The navigation: the watches, the current one, and the day the pages are seen as of (the links
    to the timeline, network and trends keep it)."""
    return {"watches": [n for n, _, _ in analysis_store.list_watches(ctx.store)], "current": current, "as_of": as_of}


# --- watches -----------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def index(request: Request, ctx: Ctx) -> Response:
    """The watches, and the store at a glance."""
    watches = []
    for name, text, updated in analysis_store.list_watches(ctx.store):
        w = parse_watch(text, source=name)
        watches.append({"w": w, "updated": updated})
    return render(request, "index.html", nav=_nav(ctx, None), watches=watches, status_info=ctx.store.status())


@router.get("/watches/{name}", response_class=HTMLResponse)
def overview(request: Request, name: WatchName, ctx: Ctx) -> Response:
    """Watch overview: latest developments, alerts, the scenario board summary, domain trend sparklines."""
    watch = ctx.watch(name)
    win = ctx.window(watch)
    latest = timeline_view(win)[:12]
    alerts = analysis_store.list_alerts(ctx.store, watch=name, limit=10)
    board = scenario_view(win)
    sparks = []
    for s in trends_view(win):
        if s.metric != "events" or not s.points:
            continue
        last = s.points[-1]
        band = (last.low, last.high) if last.low is not None and last.high is not None else None
        total = sum(int(p.value or 0) for p in s.points)
        # The SVG holds only numbers computed here, never article text.
        svg = Markup(sparkline_svg([p.value for p in s.points], width=160, height=28, band=band))
        sparks.append({"domain": s.domain, "svg": svg, "total": total, "outside": len(s.outliers)})
    return render(
        request,
        "overview.html",
        nav=_nav(ctx, name),
        w=watch,
        win=win,
        latest=latest,
        alerts=alerts,
        board=board,
        sparks=sparks,
        exports=describe_exports(),
    )


@router.get("/watches/{name}/timeline", response_class=HTMLResponse)
def timeline_page(
    request: Request,
    name: WatchName,
    ctx: Ctx,
    outcome: Annotated[str | None, Query(max_length=100)] = None,
    domain: Annotated[str | None, Query(max_length=50)] = None,
    actor: Annotated[str | None, Query(max_length=200)] = None,
    since: Annotated[str | None, Query(max_length=10)] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
    as_of: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    """The watch's timeline with filters (a form: empty fields mean no filter); ``as_of``: as the store
    knew it at the end of that day."""
    watch = ctx.watch(name)
    known = _form_date(as_of, "as_of")
    win = ctx.window(watch, as_of=known)
    outcome, domain, actor = outcome or None, domain or None, (actor or "").strip() or None
    since_day, until_day = _form_date(since, "since"), _form_date(until, "until")
    actor_id = _actor_by_name_or_id(ctx, actor)
    try:
        rows = timeline_view(win, outcome=outcome, domain=domain, actor=actor_id, since=since_day, until=until_day)
    except WatchError as exc:
        raise ApiError(422, str(exc)) from None
    filters = {
        "outcome": outcome,
        "domain": domain,
        "actor": actor,
        "since": since_day,
        "until": until_day,
        "as_of": known,
    }
    domains = sorted(set(watch.domains) | {d for r in rows for d in r.domains})
    return render(
        request,
        "timeline.html",
        nav=_nav(ctx, name, known),
        w=watch,
        rows=rows,
        filters=filters,
        domains=domains,
    )


def _actor_by_name_or_id(ctx: AppContext, value: str | None) -> str | None:
    """The actor a form names, by id or by (part of) its name; unknown or ambiguous: a 422 that says so."""
    if value is None or ctx.store.get_actor(value) is not None:
        return value
    found = ctx.store.actors(search=value, with_events=True, limit=20)
    exact = [a for a in found if a.name.casefold() == value.casefold()]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0].id
    if not found:
        raise ApiError(422, f"No actor named {value!r} in the store's events.")
    listed = ", ".join(a.name for a in found[:8]) + (" …" if len(found) > 8 else "")
    raise ApiError(422, f"{value!r} names several actors ({listed}): give a full name.")


def _form_date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(422, f"Invalid request: {name}: {value!r} is not a date (YYYY-MM-DD).") from None


@router.get("/watches/{name}/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, name: WatchName, story_id: str, ctx: Ctx) -> Response:
    """A story and its reports."""
    watch = ctx.watch(name)
    win = ctx.window(watch)
    story = win.story(story_id)
    if story is None:
        raise ApiError(404, f"No story {story_id!r} in watch {name!r}.")
    return render(request, "story.html", nav=_nav(ctx, name), w=watch, s=story_view(win, story))


@router.get("/watches/{name}/network", response_class=HTMLResponse)
def network_page(
    request: Request, name: WatchName, ctx: Ctx, since: Since = None, until: Until = None, as_of: Known = None
) -> Response:
    """The actor network with bridges highlighted and a time slider (Cytoscape.js); ``as_of``: as the
    store knew it at the end of that day (the slider keeps it)."""
    watch = ctx.watch(name)
    win = ctx.window(watch, as_of=as_of)
    view = network_view(win, since=since, until=until)
    return render(request, "network.html", nav=_nav(ctx, name, as_of), w=watch, view=view, data=view)


@router.get("/watches/{name}/trends", response_class=HTMLResponse)
def trends_page(request: Request, name: WatchName, ctx: Ctx, as_of: Known = None) -> Response:
    """Domain trends (ECharts): weekly events, cooperation/conflict balance and tone, with bands;
    ``as_of``: as the store knew them at the end of that day."""
    watch = ctx.watch(name)
    series = [s.to_dict() for s in trends_view(ctx.window(watch, as_of=as_of))]
    return render(request, "trends.html", nav=_nav(ctx, name, as_of), w=watch, as_of=as_of, data={"series": series})


@router.get("/watches/{name}/scenarios", response_class=HTMLResponse)
def scenarios_page(request: Request, name: WatchName, ctx: Ctx) -> Response:
    """The scenario board with probability editing and its log."""
    watch = ctx.watch(name)
    return _scenarios(request, ctx, watch.name)


def _scenarios(
    request: Request,
    ctx: AppContext,
    name: str,
    *,
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    watch = ctx.watch(name)
    view = scenario_view(ctx.window(watch))
    return render(
        request, "scenarios.html", status, nav=_nav(ctx, name), w=watch, view=view, error=error, notice=notice
    )


@router.post("/watches/{name}/scenarios", response_class=HTMLResponse)
def scenarios_post(
    request: Request,
    name: WatchName,
    ctx: Ctx,
    outcome: Annotated[str, Form(max_length=100)],
    probability: Annotated[str, Form(max_length=20)],
    reason: Annotated[str, Form(max_length=2000)] = "",
    normalise: Annotated[str, Form(max_length=10)] = "",
    author: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Record a probability revision (the security middleware has checked the token) with who made it
    (the form's name, else "dashboard"); say so when the outcomes' probabilities add up to more than
    100%, or scale the others down when asked."""
    watch = ctx.watch(name)
    try:
        watch.outcome(outcome)
        value = float(probability.replace("%", "").strip())
    except (WatchError, ValueError):
        return _scenarios(
            request, ctx, name, error="Choose an outcome and give a probability between 0 and 100.", status=422
        )
    if not 0.0 <= value <= 100.0 or not reason.strip():
        return _scenarios(
            request,
            ctx,
            name,
            error="The probability must be between 0 and 100 %, and a reason is required.",
            status=422,
        )
    update = set_outcome_probability(
        ctx.store,
        watch,
        outcome,
        round(value / 100.0, 4),
        reason.strip(),
        normalise=bool(normalise),
        author=author.strip() or "dashboard",
    )
    if update.warning:
        return _scenarios(request, ctx, name, notice=update.warning)
    return RedirectResponse(f"/watches/{quote(name)}/scenarios#log", status_code=303)


# --- articles, actors, search -------------------------------------------------------------


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: ArticleId, ctx: Ctx) -> Response:
    """The article reader: mentions, events and modality highlighted; what each sentence gave."""
    store = ctx.store
    art = get_article(store, article_id)
    events = store.events(article_id=art.id, limit=None)
    mentions, domains, tones = store.mentions(art.id), store.domain_tags(art.id), store.tones(art.id)
    sentences = reader_sentences(art, store.sentences(art.id), mentions, events, domains, tones)
    art_domains = [d for d in domains if d.sentence_index is None]
    art_tone = [t for t in tones if t.sentence_index is None and t.source_actor is None]
    # The extractor version is the same for a whole article (one extraction run): shown once.
    extractors = sorted(
        {e.extractor for e in events}
        | {m.extractor for m in mentions}
        | {d.extractor for d in domains}
        | {t.extractor for t in tones}
    )
    return render(
        request,
        "article.html",
        nav=_nav(ctx, None),
        a=art,
        sentences=sentences,
        events=events,
        texts=event_sentences(store, events) if art.imported else {},
        art_domains=art_domains,
        art_tone=art_tone[0] if art_tone else None,
        extractors=extractors,
        low_events=sum(1 for e in events if e.confidence < low_confidence(ctx)),
        roots=[*ROOTS, "STATEMENT"],
        modalities=[m.value for m in Modality],
    )


@router.post("/articles/{article_id}/corrections", response_class=HTMLResponse)
def article_correction(
    request: Request,
    article_id: ArticleId,
    ctx: Ctx,
    event: Annotated[str, Form(max_length=64)],
    kind: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=2000)],
    sentence: Annotated[str, Form(max_length=12)] = "",
    root: Annotated[str, Form(max_length=16)] = "",
    modality: Annotated[str, Form(max_length=16)] = "",
    date: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Record an analyst's correction of an event of this article (the security middleware has checked
    the token), then show the article again at the sentence."""
    values = {"reject": {}, "relabel": {"root": root, "modality": modality}, "redate": {"date": date}}
    if kind not in values:
        raise ApiError(422, f"Unknown correction {kind!r}; use reject, relabel or redate.")
    found = ctx.store.event_by_id(event)
    if found is None or found.article_id != article_id:
        raise ApiError(404, f"No event {event!r} in article {article_id!r}.")
    try:
        add_correction(ctx.store, kind, event, {k: v for k, v in values[kind].items() if v}, reason, "dashboard")
    except CorrectionError as exc:
        raise ApiError(422, str(exc)) from None
    anchor = f"#s{int(sentence)}" if sentence.isdigit() else ""
    return RedirectResponse(f"/articles/{quote(article_id)}{anchor}", status_code=303)


@router.get("/actors/{actor_id}", response_class=HTMLResponse)
def actor_page(
    request: Request,
    actor_id: ActorId,
    ctx: Ctx,
    coder: Annotated[list[Coder] | None, Query()] = None,
    as_of: AsOf = None,
) -> Response:
    """An actor: identity, its role on a day, roles with dates, events as source and as target, tone over time.

    ``?coder=VIGIL`` (repeatable) keeps only the events of these coders (default: every coder's, each marked).
    ``?as_of=YYYY-MM-DD`` is the day the header reads the actor's country, sector and role on (default: the
    store's latest event date); each event row shows them on the event's own date.
    """
    store = ctx.store
    actor = get_actor(store, actor_id)
    coders = coder or None
    day = as_of or store.latest_date()
    as_source = store.events(actor=actor_id, coders=coders, limit=_ACTOR_EVENTS)
    as_target = store.events(target=actor_id, coders=coders, limit=_ACTOR_EVENTS)
    # What the page lists is a part of the actor's events: say of how many.
    ev = schema.events
    by_coder = [ev.c.coder.in_(coders)] if coders else []
    totals = (
        store.count(ev, ev.c.source_actor == actor_id, *by_coder),
        store.count(ev, ev.c.target_actor == actor_id, *by_coder),
    )
    texts = event_sentences(store, as_source[:_ACTOR_ROWS] + as_target[:_ACTOR_ROWS])
    tone_by_day: dict[date, list[float]] = defaultdict(list)
    for aid in sorted({e.article_id for e in as_source + as_target}):
        wanted = {e.sentence_index for e in as_source + as_target if e.article_id == aid}
        art = store.get_article(aid)
        if art is None or art.published is None:
            continue
        for t in store.tones(aid):
            if t.sentence_index in wanted and t.source_actor is None:
                tone_by_day[art.published].append(t.score)
    tone = bucketed_series(tone_by_day)
    return render(
        request,
        "actor.html",
        nav=_nav(ctx, None),
        actor=actor,
        as_of=day,
        standing=actor.standing_on(day),
        as_source=as_source[:_ACTOR_ROWS],
        as_target=as_target[:_ACTOR_ROWS],
        totals=totals,
        tone_events=(len(as_source), len(as_target)),
        texts=texts,
        gkg=store.gkg_summary(actor_id),
        data={"tone": tone, "name": actor.name},
    )


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, ctx: Ctx, q: Annotated[str, Query(max_length=500)] = "") -> Response:
    """Search across articles, events and actors."""
    found = search(ctx.store, q, limit=_SEARCH_LIMIT) if q.strip() else None
    texts = event_sentences(ctx.store, found.events) if found else {}
    return render(request, "search.html", nav=_nav(ctx, None), q=q, found=found, texts=texts, limit=_SEARCH_LIMIT)


# --- login ---------------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: Annotated[str | None, Query(max_length=2000)] = None) -> Response:
    """The token form (only needed when the server runs with VIGIL_TOKEN)."""
    return render(request, "login.html", nav=None, next=_safe_next(next), error=None)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    ctx: Ctx,
    token: Annotated[str, Form(max_length=500)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the token and keep it in an HttpOnly, SameSite=Strict cookie (10 failures a minute per client)."""
    client = request.client.host if request.client else "unknown"
    wait = ctx.throttle.retry_after(client)
    if wait:
        response: Response = render(
            request, "login.html", 429, nav=None, next=_safe_next(next), error=f"Too many attempts; wait {wait} s."
        )
        response.headers["retry-after"] = str(wait)
        return response
    if not ctx.policy.check(token.strip()):
        ctx.throttle.failed(client)
        return render(request, "login.html", 401, nav=None, next=_safe_next(next), error="Wrong token.")
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(COOKIE, token.strip(), httponly=True, samesite="strict", path="/")
    return response
