"""STIX 2.1: a bundle of identities (actors), relationships (ties) and reports (briefs).

- One ``identity`` per actor of the network and of the selected events: ``identity_class``
  individual (a person), organization (a government, country, party or organisation), group or
  class (a provisional group of people); ``roles`` its offices; ``sectors`` from STIX's industry
  vocabulary where a PLOVER sector has an equivalent.
- One ``relationship`` (``related-to``) per tie of the network: ``start_time``/``stop_time`` are
  its first and last event dates, and the sentences behind it (the first few) are its
  ``external_references``.
- With a watch, one ``report`` for its latest recorded brief (or, when none was recorded, a brief
  computed now and not recorded), its Markdown as the description, referring to every identity
  and relationship.

Vigil's own attributes (actor id, kind, ISO-3 country, PLOVER sector, bridge flag; a tie's quad
class, relation, weight and bridge flag; a report's watch) sit in a property extension, defined by
the bundle's ``extension-definition`` (:data:`EXTENSION_SCHEMA`). Ids are stable (version-4 UUIDs
made from a hash of Vigil's ids), so a platform that imports a later export updates the same
objects. Everything is created by a ``Vigil`` system identity.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime, time
from typing import IO, Any

import networkx as nx
import stix2

from vigil.analyze.networks import QUAD_NAMES, is_generic
from vigil.export.graph import annotated_graph
from vigil.export.select import Selection

__all__ = ["build_bundle", "write_stix"]

_NAMESPACE = uuid.UUID("5d1f3c36-8a3e-4f3e-9f5e-7669676c0001")
_CITATIONS = 5
# PLOVER sector -> STIX 2.1 industry-sector-ov (only where one is an equivalent of the other).
_SECTORS = {
    "GOV": "government-national",
    "LEG": "government-national",
    "JUD": "government-national",
    "MIL": "defense",
    "COP": "government-public-services",
    "IGO": "government",
    "EDU": "education",
    "HLH": "healthcare",
    "AGR": "agriculture",
    "BUS": "commercial",
    "MNC": "commercial",
    "NGO": "non-profit",
}


def _id(kind: str, key: str) -> str:
    """A stable id: UUID version-4 bits over a hash of Vigil's key (STIX asks for v4 ids of SDOs and SROs)."""
    digest = hashlib.sha256(f"{_NAMESPACE}:{kind}:{key}".encode()).digest()[:16]
    return f"{kind}--{uuid.UUID(bytes=digest, version=4)}"


EXTENSION_ID = _id("extension-definition", "vigil-properties-v1")
EXTENSION_SCHEMA = (
    "Vigil's properties of identities, relationships and reports (all optional). Identity: actor_id "
    "(Vigil's actor id), kind, country (ISO 3166-1 alpha-3), sector (PLOVER sector code), bridge (boolean: "
    "a bridge between the watch's focal government and an outcome's camp). Relationship: quad_class "
    "(0 neutral, 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict: "
    "the tie's dominant class), relation (its name), weight (events), bridge (boolean). Report: watch "
    "(the Vigil watch the brief is about)."
)


def _ext(properties: dict[str, Any]) -> dict[str, Any]:
    """Vigil's own properties, as STIX 2.1 asks: under a property extension (see :data:`EXTENSION_SCHEMA`)."""
    return {"extensions": {EXTENSION_ID: {"extension_type": "property-extension", **properties}}}


def _identity_class(actor_id: str, kind: str) -> str:
    if is_generic(actor_id):
        return "class"
    if kind == "person":
        return "individual"
    if kind == "group":
        return "group"
    if kind in {"country", "government", "gov", "organisation", "organization", "igo", "party"}:
        return "organization"
    return "unknown"


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _stop(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), tzinfo=UTC)


def build_bundle(sel: Selection, *, now: datetime | None = None) -> stix2.Bundle:
    """The selection as a STIX 2.1 bundle."""
    now = now or datetime.now(UTC)
    g = annotated_graph(sel)
    producer = stix2.Identity(
        id=_id("identity", "vigil"),
        name="Vigil",
        identity_class="system",
        description="Local-first news intelligence: events coded in PLOVER/CAMEO from news articles.",
        created=now,
        modified=now,
    )
    common: dict[str, Any] = {"created": now, "modified": now, "created_by_ref": producer.id, "allow_custom": True}
    extension = stix2.ExtensionDefinition(
        id=EXTENSION_ID,
        name="Vigil properties",
        description="Vigil's attributes of actors, ties and briefs.",
        schema=EXTENSION_SCHEMA,
        version="1.0.0",
        extension_types=["property-extension"],
        created=now,
        modified=now,
        created_by_ref=producer.id,
    )
    identities = _identities(sel, g, common)
    ties = _ties(sel, g, identities, common)
    objects: list[Any] = [producer, extension, *identities.values(), *ties]
    report = _brief_report(sel, [o.id for o in (*identities.values(), *ties)], common)
    if report is not None:
        objects.append(report)
    return stix2.Bundle(
        objects=objects,
        allow_custom=True,
        id=_id("bundle", f"{sel.watch.name if sel.watch else '*'}:{now.isoformat()}"),
    )


def _identities(sel: Selection, g: nx.DiGraph, common: dict[str, Any]) -> dict[str, stix2.Identity]:
    """An identity for every actor of the graph and of the selection."""
    r = sel.records
    actor_ids = sorted(set(g.nodes) | set(sel.actor_ids()))
    identities: dict[str, stix2.Identity] = {}
    day = sel.as_of()  # an identity's sector is the actor's on the selection's last day
    for aid in actor_ids:
        actor = r.actors.get(aid)
        kind = actor.kind if actor else aid.partition(":")[0]
        sector = r.actor_sector(aid, day)
        custom: dict[str, Any] = {"actor_id": aid, "kind": kind}
        country = r.actor_country(aid)
        if country:
            custom["country"] = country
        if sector:
            custom["sector"] = sector
        if aid in g:
            custom["bridge"] = bool(g.nodes[aid]["bridge"])
        extra: dict[str, Any] = {}
        if sector in _SECTORS:
            extra["sectors"] = [_SECTORS[sector]]
        if actor and actor.roles:
            extra["roles"] = sorted({ro.title for ro in actor.roles})
        identities[aid] = stix2.Identity(
            id=_id("identity", aid),
            name=r.name(aid),
            identity_class=_identity_class(aid, kind),
            **_ext(custom),
            **extra,
            **common,
        )
    return identities


def _ties(
    sel: Selection, g: nx.DiGraph, identities: dict[str, stix2.Identity], common: dict[str, Any]
) -> list[stix2.Relationship]:
    """A relationship for every tie of the graph, citing its first sentences."""
    r = sel.records
    ties: list[stix2.Relationship] = []
    evidence = sel.graph().evidence
    for a, b, d in sorted(g.edges(data=True), key=lambda x: (x[0], x[1])):
        refs = []
        for e, cite in evidence.get((a, b), [])[:_CITATIONS]:
            ref: dict[str, Any] = {
                "source_name": (r.articles[e.article_id].source if e.article_id in r.articles else None) or "vigil",
                "external_id": f"{e.article_id}:{e.sentence_index}",
                "description": cite.text[:1000] or "(sentence not stored)",
            }
            if cite.url:
                ref["url"] = cite.url
            refs.append(ref)
        times: dict[str, Any] = {}
        if d["first_date"]:
            times["start_time"] = _start(date.fromisoformat(d["first_date"]))
            times["stop_time"] = _stop(date.fromisoformat(d["last_date"]))
        quad = int(d["quad"])
        ties.append(
            stix2.Relationship(
                id=_id("relationship", f"{a}|{b}"),
                relationship_type="related-to",
                source_ref=identities[a].id,
                target_ref=identities[b].id,
                description=f"{r.name(a)} → {r.name(b)}: {d['weight']} event(s), mostly {QUAD_NAMES[quad]}.",
                external_references=refs or None,
                **_ext(
                    {
                        "quad_class": quad,
                        "relation": str(d["relation"]),
                        "weight": int(d["weight"]),
                        "bridge": bool(d["bridge"]),
                    }
                ),
                **times,
                **common,
            )
        )
    return ties


def _brief_report(sel: Selection, refs: list[str], common: dict[str, Any]) -> stix2.Report | None:
    """The watch's latest recorded brief (else one computed now) as a report, or None without a watch."""
    watch = sel.watch
    if watch is None:
        return None
    from vigil.analyze.briefs import build_brief, render_markdown
    from vigil.store import analysis as analysis_store

    store = sel.store
    stored = analysis_store.latest_brief(store, watch.name) if store is not None else None
    if stored is not None:
        markdown, published, since, until = stored.markdown, stored.created_at, stored.since, stored.until
        key = f"{watch.name}:{stored.id}"
    else:
        if store is None:
            return None
        brief = build_brief(store, watch, since=sel.since, until=sel.until, save=False)
        markdown, published, since, until = render_markdown(brief), common["created"], brief.since, brief.until
        key = f"{watch.name}:unrecorded:{since}:{until}"
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    if not refs:
        refs = [common["created_by_ref"]]
    return stix2.Report(
        id=_id("report", key),
        name=f"{watch.title}: brief {since or '…'} to {until or '…'}",
        description=markdown,
        report_types=["threat-report"],
        published=published,
        object_refs=refs,
        **_ext({"watch": watch.name}),
        **common,
    )


def write_stix(sel: Selection, out: IO[bytes]) -> dict[str, int]:
    """Write the bundle as JSON; return the count of each object type."""
    bundle = build_bundle(sel)
    out.write(bundle.serialize(pretty=True).encode("utf-8"))
    out.write(b"\n")
    counts: dict[str, int] = {}
    for obj in bundle.objects:
        counts[obj.type] = counts.get(obj.type, 0) + 1
    return counts
