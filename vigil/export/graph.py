"""GEXF and GraphML: the actor network, for Gephi and any graph tool.

The graph is :func:`vigil.analyze.networks.build_graph`'s (directed: source -> target actor).
Nodes carry ``name`` (also the GEXF label), ``kind``, ``country`` (ISO-3), ``sector``,
``bridge`` (a bridge of the watch, see ``vigil bridges``), ``focal`` (the focal government) and
``camps`` (the outcomes whose camp the actor is in, joined by ``;``). Edges carry ``weight`` (events),
``quad`` (the dominant quad class, 0-4), ``relation`` (its name), ``quad0``..``quad4`` (events per
quad class), ``first_date`` and ``last_date`` (ISO dates, empty when undated) and ``bridge`` (a tie
between a bridge and the focal government or the camp it bridges to). Without a watch there are
no bridges, focal government or camps.
"""

from __future__ import annotations

from typing import IO

import networkx as nx

from vigil.analyze.focal import FocalGovernment
from vigil.export.select import Selection

__all__ = ["annotated_graph", "write_gexf", "write_graphml"]


def annotated_graph(sel: Selection) -> nx.DiGraph:
    """A copy of the selection's actor graph with the export's node and edge attributes."""
    ag = sel.graph()
    g: nx.DiGraph = ag.graph.copy()
    watch = sel.watch
    focal = (
        {a for a in FocalGovernment(watch, sel.records.actors).members(sel.since, sel.until) if a in g}
        if watch
        else set()
    )
    camps: dict[str, list[str]] = {}
    for outcome in watch.outcomes if watch else ():
        for actor in outcome.members:
            camps.setdefault(actor, []).append(outcome.id)
    bridge_nodes: set[str] = set()
    bridge_edges: set[frozenset[str]] = set()
    for ob in sel.bridges():
        for b in ob.bridges:
            bridge_nodes.add(b.actor)
            for other in (*b.focal_ties, *b.camp_ties):
                bridge_edges.add(frozenset((b.actor, other)))
    for node, data in g.nodes(data=True):
        data["name"] = str(data.get("label") or node)
        data["bridge"] = node in bridge_nodes
        data["focal"] = node in focal
        data["camps"] = ";".join(camps.get(node, []))
    for a, b, data in g.edges(data=True):
        days = sorted(e.date for e, _ in ag.evidence.get((a, b), []) if e.date is not None)
        data["first_date"] = days[0].isoformat() if days else ""
        data["last_date"] = days[-1].isoformat() if days else ""
        data["bridge"] = frozenset((a, b)) in bridge_edges
    return g


def write_gexf(sel: Selection, out: IO[bytes]) -> tuple[int, int]:
    """Write GEXF 1.2; return (nodes, edges)."""
    g = annotated_graph(sel)
    nx.write_gexf(g, out)
    return g.number_of_nodes(), g.number_of_edges()


def write_graphml(sel: Selection, out: IO[bytes]) -> tuple[int, int]:
    """Write GraphML (typed keys); return (nodes, edges)."""
    g = annotated_graph(sel)
    nx.write_graphml(g, out)
    return g.number_of_nodes(), g.number_of_edges()
