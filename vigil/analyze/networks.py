"""Networks and bridges: the actor graph of a window, and who brokers between the focal government and a camp.

The graph is a :class:`networkx.DiGraph` of actors; an edge source -> target carries the
number of events (``weight``) and the count per quad class (``quad0`` .. ``quad4``), its
dominant quad (``quad``) and a readable ``relation`` (GEXF reserves ``type``). The sentences behind each edge are kept
next to the graph (:class:`ActorGraph.evidence`), so that every bridge is cited.

A bridge for an outcome is an actor X (a person or an organisation: not a country or
government node, not the focal government, not in this or a rival outcome's camp)
tied to both (a two-step path focal -> X -> camp, ties read in either direction),
ranked by the events on the weaker of its two ties, then by its betweenness between
the focal government and the camp.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import networkx as nx

from vigil.analyze.focal import FocalGovernment
from vigil.analyze.watches import Outcome, Watch
from vigil.analyze.window import Records, event_within
from vigil.models import Citation, Event

__all__ = [
    "QUAD_NAMES",
    "ActorGraph",
    "Bridge",
    "OutcomeBridges",
    "TieChange",
    "build_graph",
    "find_bridges",
    "is_generic",
    "tie_changes",
]

_STATE_PREFIXES = ("country:", "gov:")
QUAD_NAMES = {
    0: "neutral statement",
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}


@dataclass(slots=True)
class ActorGraph:
    """The actor graph and the events (as citations) behind each edge."""

    graph: nx.DiGraph
    evidence: dict[tuple[str, str], list[tuple[Event, Citation]]] = field(default_factory=dict)
    since: date | None = None
    until: date | None = None

    def ties(self, a: str, b: str) -> list[tuple[Event, Citation]]:
        """Events between ``a`` and ``b`` in either direction."""
        return self.evidence.get((a, b), []) + self.evidence.get((b, a), [])

    def tie_weight(self, a: str, b: str) -> int:
        """Events between ``a`` and ``b`` in either direction."""
        g = self.graph
        return int((g[a][b]["weight"] if g.has_edge(a, b) else 0) + (g[b][a]["weight"] if g.has_edge(b, a) else 0))


def _in_window(e: Event, since: date | None, until: date | None) -> bool:
    return event_within(e, since, until)


def is_generic(actor_id: str) -> bool:
    """True for a provisional group of generic people ("reporters", "the faction", "soldiers")."""
    return actor_id.startswith("prov:generic:")


def build_graph(
    records: Records,
    *,
    since: date | None = None,
    until: date | None = None,
    modalities: Iterable[str] | None = None,
) -> ActorGraph:
    """The actor graph of the events in a window.

    Args:
        records: the loaded records.
        since, until: inclusive event-date bounds (None: open).
        modalities: only events with these modalities (default: every modality; a
            hypothetical tie still says who is expected to deal with whom).
    Returns:
        The :class:`ActorGraph`.
    """
    allowed = set(modalities) if modalities is not None else None
    g: nx.DiGraph = nx.DiGraph()
    evidence: dict[tuple[str, str], list[tuple[Event, Citation]]] = defaultdict(list)
    for e in records.events:
        if not e.source_actor or not e.target_actor or e.source_actor == e.target_actor:
            continue
        if is_generic(e.source_actor) or is_generic(e.target_actor):
            continue  # "reporters", "experts": coded, but no node (nor bridge) until a named institution
        if not _in_window(e, since, until):
            continue
        if allowed is not None and e.modality.value not in allowed:
            continue
        for node in (e.source_actor, e.target_actor):
            if node not in g:
                actor = records.actors.get(node)
                g.add_node(
                    node,
                    label=records.name(node),
                    kind=actor.kind if actor else node.partition(":")[0],
                    country=records.actor_country(node) or "",
                    sector=records.actor_sector(node, e.when) or "",
                )
        if not g.has_edge(e.source_actor, e.target_actor):
            g.add_edge(e.source_actor, e.target_actor, weight=0, **{f"quad{q}": 0 for q in QUAD_NAMES})
        data = g[e.source_actor][e.target_actor]
        data["weight"] += 1
        q = e.quad if e.quad in QUAD_NAMES else 0
        data[f"quad{q}"] += 1
        evidence[(e.source_actor, e.target_actor)].append((e, records.cite(e.article_id, e.sentence_index)))
    for _, _, data in g.edges(data=True):
        dominant = max(QUAD_NAMES, key=lambda q: (data[f"quad{q}"], -q))
        data["quad"] = dominant
        data["relation"] = QUAD_NAMES[dominant]
    return ActorGraph(g, dict(evidence), since, until)


@dataclass(frozen=True, slots=True)
class Bridge:
    """An actor that brokers between the focal government and an outcome's camp."""

    actor: str
    name: str
    focal_ties: tuple[str, ...]
    camp_ties: tuple[str, ...]
    strength: int
    betweenness: float
    evidence: tuple[Citation, ...]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "actor": self.actor,
            "name": self.name,
            "focal_ties": list(self.focal_ties),
            "camp_ties": list(self.camp_ties),
            "strength": self.strength,
            "betweenness": round(self.betweenness, 4),
            "evidence": [c.to_dict() for c in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class OutcomeBridges:
    """The bridges from the focal government to one outcome's camp, and the direct ties."""

    outcome: str
    label: str
    bridges: tuple[Bridge, ...]
    direct: tuple[Citation, ...]

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "outcome": self.outcome,
            "label": self.label,
            "bridges": [b.to_dict() for b in self.bridges],
            "direct_ties": [c.to_dict() for c in self.direct],
        }


def _dedupe(cites: Iterable[Citation]) -> tuple[Citation, ...]:
    seen: dict[tuple[str, int | None], Citation] = {}
    for c in cites:
        seen.setdefault((c.article_id, c.sentence_index), c)
    return tuple(seen.values())


def find_bridges(records: Records, watch: Watch, graph: ActorGraph, *, top: int = 10) -> list[OutcomeBridges]:
    """For each outcome, who bridges the focal government to its camp, date by date.

    A tie to a focal office holder counts only with the events that happened in their time in
    office, and a tie to a candidate only with those of their candidacy (:mod:`vigil.analyze.focal`,
    :class:`~vigil.analyze.watches.Candidate`). Anyone who is ever in this or a rival camp is
    never a bridge.

    Args:
        records: the loaded records (for names and roles).
        watch: the watch (focal government, outcomes and their camps).
        graph: the actor graph of the window.
        top: most bridges kept per outcome.
    Returns:
        One :class:`OutcomeBridges` per outcome, in the watch's order.
    """
    g = graph.graph
    und = g.to_undirected(as_view=True)
    focal = FocalGovernment(watch, records.actors)
    dates = [e.when for ties in graph.evidence.values() for e, _ in ties if e.when is not None]
    lo, hi = (min(dates), max(dates)) if dates else (None, None)
    anchors = {a for a in focal.members(lo, hi) if a in g}
    out = []
    for outcome in watch.outcomes:
        camp = {c for c in outcome.members if c in g}
        rivals = {c for o in watch.outcomes if o.id != outcome.id for c in o.members}

        def focal_ties(x: str, a: str) -> list[Citation]:
            return [cit for e, cit in graph.ties(x, a) if focal.includes(a, e.when)]

        def camp_ties(x: str, c: str, outcome: Outcome = outcome) -> list[Citation]:
            return [cit for e, cit in graph.ties(x, c) if c in outcome.camp_on(e.when)]

        found: list[Bridge] = []
        direct: list[Citation] = []
        if anchors and camp:
            between = nx.betweenness_centrality_subset(und, sources=sorted(anchors), targets=sorted(camp))
            direct = [
                cit
                for a in anchors
                for c in camp
                for e, cit in graph.ties(a, c)
                if focal.includes(a, e.when) and c in outcome.camp_on(e.when)
            ]
            for x in und.nodes:
                # States are the parties, not go-betweens; no camp member, rival or focal member is a bridge.
                if x in anchors or x in camp or x in rivals or x.startswith(_STATE_PREFIXES):
                    continue
                f_cites = {a: focal_ties(x, a) for a in anchors if und.has_edge(x, a)}
                c_cites = {c: camp_ties(x, c) for c in camp if und.has_edge(x, c)}
                f_cites = {a: cs for a, cs in f_cites.items() if cs}
                c_cites = {c: cs for c, cs in c_cites.items() if cs}
                if not f_cites or not c_cites:
                    continue
                found.append(
                    Bridge(
                        actor=x,
                        name=records.name(x),
                        focal_ties=tuple(sorted(f_cites)),
                        camp_ties=tuple(sorted(c_cites)),
                        strength=min(sum(map(len, f_cites.values())), sum(map(len, c_cites.values()))),
                        betweenness=float(between.get(x, 0.0)),
                        evidence=_dedupe(
                            [*(c for cs in f_cites.values() for c in cs), *(c for cs in c_cites.values() for c in cs)]
                        ),
                    )
                )
        found.sort(key=lambda b: (-b.strength, -b.betweenness, b.actor))
        out.append(OutcomeBridges(outcome.id, outcome.label, tuple(found[:top]), _dedupe(direct)))
    return out


@dataclass(frozen=True, slots=True)
class TieChange:
    """A tie present in one window and not the other."""

    source: str
    target: str
    status: str  # "new" or "lost"
    weight: int
    type: str

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "source": self.source,
            "target": self.target,
            "status": self.status,
            "weight": self.weight,
            "type": self.type,
        }


def tie_changes(current: ActorGraph, previous: ActorGraph, *, among: Sequence[str] | None = None) -> list[TieChange]:
    """New ties (in ``current`` only) and lost ties (in ``previous`` only).

    Args:
        current, previous: graphs of two windows.
        among: when given, only ties touching one of these actors.
    Returns:
        The changes, new first, heaviest first.
    """
    keep = set(among) if among is not None else None

    def pairs(g: nx.DiGraph) -> dict[frozenset[str], tuple[str, str, int, str]]:
        out: dict[frozenset[str], tuple[str, str, int, str]] = {}
        for a, b, d in g.edges(data=True):
            if keep is not None and a not in keep and b not in keep:
                continue
            key = frozenset((a, b))
            w = int(d["weight"]) + (out[key][2] if key in out else 0)
            out[key] = (a, b, w, str(d["relation"]))
        return out

    cur, prev = pairs(current.graph), pairs(previous.graph)
    changes = [TieChange(a, b, "new", w, t) for k, (a, b, w, t) in cur.items() if k not in prev]
    changes += [TieChange(a, b, "lost", w, t) for k, (a, b, w, t) in prev.items() if k not in cur]
    return sorted(changes, key=lambda c: (c.status != "new", -c.weight, c.source, c.target))
