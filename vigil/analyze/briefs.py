"""Briefs: a watch's situation report, every claim cited by article and sentence.

Sections: top developments (stories with events between the focal side and the watched foreign side,
then the largest), what changed since the previous brief of the same watch (new stories, new and lost
ties, signposts newly observed, candidacy changes, probability moves; each cited, by name), bridges per
outcome, domain trends with inline SVG sparklines, the scenario board with the analyst's probabilities,
and alerts. Rendered as Markdown, HTML (Jinja2 with autoescape: article text is never trusted) or PDF
(WeasyPrint, from the HTML).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape
from markupsafe import Markup

from vigil.analyze.networks import ActorGraph, OutcomeBridges, build_graph, find_bridges
from vigil.analyze.scenarios import EXPOSURE_LEGEND, OutcomeBoard, scenario_board
from vigil.analyze.stories import cluster_stories
from vigil.analyze.timeline import TimelineEntry, timeline, watch_articles
from vigil.analyze.trends import TrendSeries, domain_trends, focal_actors
from vigil.analyze.watches import Watch
from vigil.analyze.window import known_by, load_records
from vigil.errors import VigilError
from vigil.models import Alert, Citation
from vigil.store import Store
from vigil.store import analysis as analysis_store

__all__ = ["Brief", "build_brief", "render_html", "render_markdown", "render_pdf", "sparkline_svg"]


@dataclass(slots=True)
class Brief:
    """Everything a brief says, before rendering."""

    watch: Watch
    since: date | None
    until: date | None
    articles: int
    stories: int
    developments: list[TimelineEntry]
    new_stories: list[TimelineEntry]
    changes: list[BriefChange]
    previous: str | None
    bridges: list[OutcomeBridges]
    trends: list[TrendSeries]
    board: list[OutcomeBoard]
    alerts: list[Alert] = field(default_factory=list)
    all_stories: set[str] = field(default_factory=set)
    as_of: date | None = None
    state: dict[str, Any] = field(default_factory=dict)  # what the next brief compares against
    latest: date | None = None  # the newest article of the window: the day the board's candidates are read on

    @property
    def board_day(self) -> date | None:
        """The day the scenario board's candidates are read on: the newest article's, not a period's end the
        news has not reached (a brief of January 2024 coverage names January's candidates)."""
        if self.latest is not None and (self.until is None or self.latest < self.until):
            return self.latest
        return self.until

    def summary(self) -> dict[str, Any]:
        """What the next brief compares against: story ids, ties, signposts, candidacy changes, probabilities."""
        return {
            "stories": sorted({d.story for d in self.developments} | {d.story for d in self.new_stories}),
            "all_stories": sorted(self.all_stories),
            "articles": self.articles,
            **self.state,
        }


@dataclass(frozen=True, slots=True)
class BriefChange:
    """One thing that changed since the previous brief, said by name, with its sentence."""

    kind: str  # new tie, lost tie, signpost, candidacy, probability
    text: str
    citation: Citation | None = None


def _state_of(actor_id: str) -> str | None:
    kind, _, code = actor_id.partition(":")
    return code if kind in {"country", "gov"} else None


def _ties(graph: ActorGraph, among: set[str]) -> dict[str, tuple[str, str, int, str, Citation | None]]:
    """The ties touching the watched actors, one per pair, without a state's tie to itself."""
    out: dict[str, tuple[str, str, int, str, Citation | None]] = {}
    for a, b, d in graph.graph.edges(data=True):
        if a not in among and b not in among:
            continue
        if _state_of(a) is not None and _state_of(a) == _state_of(b):
            continue  # gov:JPN -> country:JPN is one state, not a tie
        key = "|".join(sorted((a, b)))
        cites = graph.ties(a, b)
        weight = int(d["weight"]) + (out[key][2] if key in out else 0)
        out[key] = (a, b, weight, str(d["relation"]), cites[0][1] if cites else None)
    return out


def _changes(
    previous: dict[str, Any] | None, state: dict[str, Any], ties: dict[str, Any], names: Any
) -> list[BriefChange]:
    """What changed between the previous brief's state and this one's."""
    if previous is None:
        return []
    out: list[BriefChange] = []
    before = set(previous.get("ties", []))
    for key in state["ties"]:
        if key not in before:
            a, b, w, rel, cite = ties[key]
            out.append(BriefChange("new tie", f"{names(a)} → {names(b)} ({rel}, {w} events)", cite))
    for key in sorted(before - set(state["ties"])):
        a, _, b = key.partition("|")
        out.append(BriefChange("lost tie", f"{names(a)} — {names(b)}"))
    for key, (label, cite) in state["_signposts"].items():
        if key not in set(previous.get("signposts", [])):
            out.append(BriefChange("signpost", f"observed: {label}", cite))
    for key, (text, cite) in state["_candidacy"].items():
        if key not in set(previous.get("candidacy", [])):
            out.append(BriefChange("candidacy", text, cite))
    old_p = previous.get("probabilities", {})
    for outcome, p in state["probabilities"].items():
        if old_p.get(outcome) != p:
            was = f"{old_p[outcome]:.0%}" if old_p.get(outcome) is not None else "none"
            out.append(BriefChange("probability", f"{outcome}: {was} → {p:.0%}"))
    return out


def sparkline_svg(
    values: list[float | None], *, width: int = 120, height: int = 24, band: tuple[float, float] | None = None
) -> str:
    """A small inline SVG line chart of ``values`` (None values are gaps).

    Args:
        values: the series.
        width, height: pixels.
        band: an optional (low, high) band drawn behind the line.
    Returns:
        The ``<svg>`` element as a string (numbers only: safe to embed).
    """
    nums = [v for v in values if v is not None]
    if not nums:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"></svg>'
    lo, hi = min(nums), max(nums)
    if band is not None:
        lo, hi = min(lo, band[0]), max(hi, band[1])
    span = (hi - lo) or 1.0
    n = max(1, len(values) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return round(i * (width - 2) / n + 1, 1), round(height - 2 - (v - lo) / span * (height - 4), 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
    ]
    if band is not None:
        y_hi, y_lo = xy(0, band[1])[1], xy(0, band[0])[1]
        parts.append(f'<rect x="0" y="{y_hi}" width="{width}" height="{max(0.5, y_lo - y_hi)}" fill="#dde8f5"/>')
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, v in enumerate(values):
        if v is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        x, y = xy(i, v)
        segment.append(f"{x},{y}")
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) == 1:
            cx, cy = seg[0].split(",")
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="1.5" fill="#1f5fa8"/>')
        else:
            parts.append(f'<polyline fill="none" stroke="#1f5fa8" stroke-width="1.5" points="{" ".join(seg)}"/>')
    last = next((i for i in range(len(values) - 1, -1, -1) if values[i] is not None), None)
    if last is not None:
        x, y = xy(last, values[last])  # type: ignore[arg-type]
        parts.append(f'<circle cx="{x}" cy="{y}" r="2" fill="#c0392b"/>')
    parts.append("</svg>")
    return "".join(parts)


def build_brief(
    store: Store,
    watch: Watch,
    *,
    since: date | None = None,
    until: date | None = None,
    save: bool = True,
    as_of: date | None = None,
    min_confidence: float | None = None,
) -> Brief:
    """Compute a brief for ``watch`` over ``[since, until]`` (default: the watch's period).

    Args:
        store: the open store.
        watch: the watch.
        since, until: inclusive date bounds.
        save: record the brief (its summary and Markdown) so the next one can say what changed; a
            brief "as of" a past day is never recorded.
        as_of: what was known at the end of that day: articles published and ingested by then,
            corrections, probabilities, alerts and the previous brief made by then.
        min_confidence: the lowest event confidence read (default: the built-in ``view.min_confidence``;
            the CLI and the API pass the configured one).
    Returns:
        The :class:`Brief`.
    """
    lo = since or watch.start
    hi = until or watch.end
    if as_of is not None and (hi is None or hi > as_of):
        hi = as_of
    cutoff = known_by(as_of)
    records = load_records(store, since=lo, until=hi, as_of=as_of, coders=watch.coders, min_confidence=min_confidence)
    relevant = watch_articles(records, watch)
    stories = cluster_stories([records.articles[a] for a in relevant])
    entries = timeline(records, watch, stories=stories)
    # How the election bears on the focal country first: the stories with events between its side and the
    # watched foreign side, then the most reported, then those with the most events of watched actors.
    developments = sorted(
        entries, key=lambda t: (-t.bearing, -t.reports, -t.weight, -(t.date or date.min).toordinal(), t.story)
    )[:10]
    previous = analysis_store.latest_brief(store, watch.name, known_by=cutoff)
    seen = set(previous.summary.get("all_stories", [])) if previous else set()
    new_stories = [t for t in entries if t.story not in seen] if previous else []
    graph = build_graph(records, since=lo, until=hi)
    probs = {r.outcome: r.probability for r in analysis_store.probabilities(store, watch.name, known_by=cutoff)}
    board = scenario_board(records, watch, probabilities=probs)
    ties = _ties(graph, watch.watched_actors() | focal_actors(records, watch))
    signposts = {
        f"{bd.outcome}/{sp.id}": (sp.label, sp.evidence[0]) for bd in board for sp in bd.signposts if sp.observed
    }
    candidacy = {
        f"{c.person}|{c.kind}|{c.outcome}": (f"{c.name}: {c.kind} ({bd.label}), {c.day or 'undated'}", c.citation)
        for bd in board
        for c in bd.changes
    }
    state = {"ties": sorted(ties), "_signposts": signposts, "_candidacy": candidacy, "probabilities": probs}
    brief = Brief(
        watch=watch,
        since=lo,
        until=hi,
        articles=len(relevant),
        stories=len(stories),
        developments=developments,
        new_stories=new_stories,
        changes=_changes(previous.summary if previous else None, state, ties, records.name),
        previous=f"{previous.created_at:%Y-%m-%d %H:%M} UTC" if previous else None,
        bridges=find_bridges(records, watch, graph, top=5),
        trends=domain_trends(records, watch, since=lo if lo else None, until=hi if hi else None),
        board=board,
        alerts=analysis_store.list_alerts(store, watch=watch.name, known_by=cutoff, limit=20),
    )
    brief.all_stories = {s.id for s in stories}
    brief.as_of = as_of
    days = [d for a in relevant if (d := records.articles[a].published) is not None]
    brief.latest = max(days) if days else None
    brief.state = {
        "ties": state["ties"],
        "signposts": sorted(signposts),
        "candidacy": sorted(candidacy),
        "probabilities": probs,
    }
    if save and as_of is None:
        analysis_store.add_brief(
            store, watch.name, since=lo, until=hi, summary=brief.summary(), markdown=render_markdown(brief)
        )
    return brief


# --- Markdown -----------------------------------------------------------------------------


def _cite_md(c: Citation) -> str:
    where = f"{c.article_id[:12]}" + (f" §{c.sentence_index}" if c.sentence_index is not None else "")
    text = c.text.replace("\n", " ").strip()
    return f"“{text}” [{where}{', ' + c.published.isoformat() if c.published else ''}]"


def quiet_domains(brief: Brief) -> list[str]:
    """The watch's domains without a single event in the window: one line says so, not three empty rows."""
    totals: dict[str, float] = {}
    for s in brief.trends:
        if s.metric == "events":
            totals[s.domain] = totals.get(s.domain, 0) + sum(p.value or 0 for p in s.points)
    return [d for d, n in totals.items() if not n]


def _trend_rows(brief: Brief) -> list[tuple[str, str, str, str]]:
    rows = []
    quiet = set(quiet_domains(brief))
    for s in brief.trends:
        if not s.points or s.domain in quiet:
            continue
        vals = [p.value for p in s.points]
        last = next((p for p in reversed(s.points) if p.value is not None), None)
        rows.append(
            (
                s.domain,
                s.metric,
                f"{last.value:+.2f}"
                if last and last.value is not None and s.metric != "events"
                else (f"{sum(v or 0 for v in vals):.0f} total" if s.metric == "events" else "—"),
                ", ".join(p.week for p in s.outliers) or "none",
            )
        )
    return rows


def render_markdown(brief: Brief) -> str:
    """The brief as Markdown."""
    w = brief.watch
    out = [f"# {w.title}", ""]
    out.append(
        f"Focal country **{w.focal}** · subject: {w.subject} · period {brief.since or '…'} → {brief.until or '…'} · "
        f"{brief.articles} articles in {brief.stories} stories"
        + (f" · as known on {brief.as_of}" if brief.as_of else "")
    )
    out += ["", "## Top developments", ""]
    for t in brief.developments:
        out.append(f"- **{t.date or 'undated'}** {t.title or ''} ({t.reports} report{'s' if t.reports != 1 else ''})")
        if t.key_event:
            out.append(f"  - key event: {t.key_event}")
        out.append(f"  - {_cite_md(t.citation)}")
    out += ["", "## What changed since the previous brief", ""]
    if brief.previous is None:
        out.append("First brief of this watch.")
    else:
        out.append(f"Previous brief: {brief.previous}. New stories: {len(brief.new_stories)}.")
        if not brief.new_stories and not brief.changes:
            out.append("Nothing new since the previous brief.")
        for t in brief.new_stories[:10]:
            out.append(f"- {t.date} {t.title or ''} — {_cite_md(t.citation)}")
        for c in brief.changes[:25]:
            out.append(f"- {c.kind}: {c.text}" + (f" — {_cite_md(c.citation)}" if c.citation else ""))
    out += ["", "## Bridges", ""]
    for ob in brief.bridges:
        out.append(f"### To {ob.label}")
        if not ob.bridges:
            out.append("No bridge found in this window.")
        for b in ob.bridges:
            out.append(
                f"- **{b.name}** ({b.actor}): {b.strength} events on the weaker tie, betweenness {b.betweenness:.2f}"
            )
            for cit in b.evidence[:3]:
                out.append(f"  - {_cite_md(cit)}")
        for cit in ob.direct[:3]:
            out.append(f"- direct tie: {_cite_md(cit)}")
        out.append("")
    out += ["## Domain trends", "", "| domain | metric | latest | weeks outside the band |", "|---|---|---|---|"]
    for row in _trend_rows(brief):
        out.append("| " + " | ".join(row) + " |")
    if quiet_domains(brief):
        out += ["", f"No events in the window in: {', '.join(quiet_domains(brief))}."]
    out += ["", "## Scenario board", "", f"*{EXPOSURE_LEGEND}*", ""]
    for board in brief.board:
        prob = f" — probability {board.probability:.0%}" if board.probability is not None else ""
        out.append(f"### {board.label}{prob}")
        running = board.candidate_on(brief.board_day)
        if board.candidates:
            out.append(f"- candidates on {brief.board_day or 'today'}: {', '.join(running) or 'none'}")
        for ch in board.changes:
            out.append(f"- {ch.name}: {ch.kind}, {ch.day or 'undated'} — {_cite_md(ch.citation)}")
        for d, xs in board.by_domain.items():
            out.append(f"- **{d}** (exposure of {w.focal}: {board.exposure.get(d, 0):.0%})")
            for x in xs[:3]:
                out.append(f"  - {_cite_md(x.citation)}")
        for sp in board.signposts:
            mark = "observed" if sp.observed else "not yet"
            out.append(f"- signpost *{sp.label}*: {mark}")
            for cit in sp.evidence[:2]:
                out.append(f"  - {_cite_md(cit)}")
        out.append("")
    out += ["## Alerts", ""]
    if not brief.alerts:
        out.append("No alerts.")
    for a in brief.alerts:
        cite = f" — {_cite_md(a.evidence[0])}" if a.evidence else ""
        day = a.published.isoformat() if a.published else "undated"
        out.append(f"- {day} {a.message}{cite} (raised {a.at:%Y-%m-%d %H:%M})")
    return "\n".join(out) + "\n"


# --- HTML and PDF -------------------------------------------------------------------------

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ w.title }}</title>
<style>
body { font-family: sans-serif; font-size: 10.5pt; line-height: 1.35; margin: 1.5em; color: #222; }
h1 { font-size: 17pt; margin-bottom: .2em; } h2 { font-size: 13pt; border-bottom: 1px solid #bbb; margin-top: 1.2em; }
h3 { font-size: 11pt; margin-bottom: .2em; } .meta { color: #555; } q { font-style: italic; }
.cite { color: #666; font-size: 9pt; } table { border-collapse: collapse; } td, th { padding: 2px 6px; border-bottom: 1px solid #ddd; text-align: left; }
</style></head><body>
<h1>{{ w.title }}</h1>
<p class="meta">Focal country <b>{{ w.focal }}</b> · {{ w.subject }} · {{ b.since or '…' }} → {{ b.until or '…' }} ·
{{ b.articles }} articles in {{ b.stories }} stories{% if b.as_of %} · as known on {{ b.as_of }}{% endif %}</p>
{% macro cite(c) %}<q>{{ c.text }}</q> <span class="cite">[{{ c.article_id[:12] }}{% if c.sentence_index is not none %} §{{ c.sentence_index }}{% endif %}{% if c.published %}, {{ c.published }}{% endif %}]</span>{% endmacro %}
<h2>Top developments</h2><ul>
{% for t in b.developments %}<li><b>{{ t.date or 'undated' }}</b> {{ t.title or '' }} ({{ t.reports }} reports){% if t.key_event %}<br>key event: {{ t.key_event }}{% endif %}<br>{{ cite(t.citation) }}</li>
{% endfor %}</ul>
<h2>What changed since the previous brief</h2>
{% if b.previous is none %}<p>First brief of this watch.</p>{% else %}<p>Previous brief: {{ b.previous }}. New stories: {{ b.new_stories|length }}.</p>
{% if not b.new_stories and not b.changes %}<p>Nothing new since the previous brief.</p>{% endif %}
<ul>{% for t in b.new_stories[:10] %}<li>{{ t.date }} {{ t.title or '' }} — {{ cite(t.citation) }}</li>{% endfor %}
{% for c in b.changes[:25] %}<li>{{ c.kind }}: {{ c.text }}{% if c.citation %} — {{ cite(c.citation) }}{% endif %}</li>{% endfor %}</ul>{% endif %}
<h2>Bridges</h2>
{% for ob in b.bridges %}<h3>To {{ ob.label }}</h3>{% if not ob.bridges %}<p>No bridge found in this window.</p>{% endif %}<ul>
{% for br in ob.bridges %}<li><b>{{ br.name }}</b> ({{ br.actor }}): {{ br.strength }} events on the weaker tie, betweenness {{ '%.2f'|format(br.betweenness) }}
<ul>{% for c in br.evidence[:3] %}<li>{{ cite(c) }}</li>{% endfor %}</ul></li>{% endfor %}
{% for c in ob.direct[:3] %}<li>direct tie: {{ cite(c) }}</li>{% endfor %}</ul>{% endfor %}
<h2>Domain trends</h2><table><tr><th>domain</th><th>metric</th><th>weekly</th><th>weeks outside the band</th></tr>
{% for s, svg in trends %}<tr><td>{{ s.domain }}</td><td>{{ s.metric }}</td><td>{{ svg }}</td><td>{{ s.outliers|map(attribute='week')|join(', ') or 'none' }}</td></tr>
{% endfor %}</table>
{% if quiet %}<p class="meta">No events in the window in: {{ quiet|join(', ') }}.</p>{% endif %}
<h2>Scenario board</h2><p class="meta">{{ legend }}</p>
{% for bd in b.board %}<h3>{{ bd.label }}{% if bd.probability is not none %} — probability {{ '%.0f'|format(bd.probability * 100) }}%{% endif %}</h3><ul>
{% if bd.candidates %}<li>candidates on {{ b.board_day or 'today' }}: {{ bd.candidate_on(b.board_day)|join(', ') or 'none' }}</li>{% endif %}
{% for ch in bd.changes %}<li>{{ ch.name }}: {{ ch.kind }}, {{ ch.day or 'undated' }} — {{ cite(ch.citation) }}</li>{% endfor %}
{% for d, xs in bd.by_domain.items() %}<li><b>{{ d }}</b> (exposure of {{ w.focal }}: {{ '%.0f'|format((bd.exposure.get(d, 0)) * 100) }}%)<ul>
{% for x in xs[:3] %}<li>{{ cite(x.citation) }}</li>{% endfor %}</ul></li>{% endfor %}
{% for sp in bd.signposts %}<li>signpost <i>{{ sp.label }}</i>: {{ 'observed' if sp.observed else 'not yet' }}<ul>{% for c in sp.evidence[:2] %}<li>{{ cite(c) }}</li>{% endfor %}</ul></li>{% endfor %}
</ul>{% endfor %}
<h2>Alerts</h2>{% if not b.alerts %}<p>No alerts.</p>{% endif %}<ul>
{% for a in b.alerts %}<li>{{ a.published or 'undated' }} {{ a.message }}{% if a.evidence %} — <q>{{ a.evidence[0].text }}</q>{% endif %}</li>{% endfor %}
</ul></body></html>
"""  # noqa: E501


def render_html(brief: Brief) -> str:
    """The brief as a standalone HTML page; every piece of article text is escaped."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = env.from_string(_TEMPLATE)
    trends = []
    quiet = set(quiet_domains(brief))
    for s in brief.trends:
        if not s.points or all(p.value is None for p in s.points) or s.domain in quiet:
            continue
        last = s.points[-1]
        band = (last.low, last.high) if last.low is not None and last.high is not None else None
        # The SVG holds only numbers we computed, never article text.
        trends.append((s, Markup(sparkline_svg([p.value for p in s.points], band=band))))
    return template.render(w=brief.watch, b=brief, trends=trends, legend=EXPOSURE_LEGEND, quiet=quiet_domains(brief))


def render_pdf(html_text: str, path: str | Path) -> Path:
    """Render HTML to a PDF file with WeasyPrint.

    Raises:
        VigilError: WeasyPrint (or its Pango libraries) is not installed.
    """
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise VigilError(
            f"PDF output needs WeasyPrint and Pango ({exc}). Install with `pip install weasyprint==70.0` and "
            "`apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0`, or use --format html."
        ) from None
    out = Path(path)
    HTML(string=html_text).write_pdf(out)
    return out


def escape(text: str) -> str:
    """HTML-escape ``text`` (quotes too)."""
    return html.escape(text, quote=True)
