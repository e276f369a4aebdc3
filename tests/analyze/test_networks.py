from __future__ import annotations

from datetime import date

from tests.conftest import RECALL_VIEW
from vigil.analyze.networks import build_graph, find_bridges, tie_changes
from vigil.analyze.watches import Watch
from vigil.analyze.window import Records, load_records
from vigil.kb import KnowledgeBase
from vigil.models import Event, Modality
from vigil.store import Store


def ev(src: str, tgt: str, quad: int, day: str, idx: int = 0) -> Event:
    return Event(
        article_id="a1",
        sentence_index=idx,
        date=date.fromisoformat(day),
        source_actor=src,
        target_actor=tgt,
        root="CONSULT",
        quad=quad,
        cameo=None,
        modality=Modality.ASSERTED,
        confidence=0.9,
        extractor="test",
        trigger_span=(idx, idx + 1),
    )


def test_networks_edges_typed_by_quad_and_weighted() -> None:
    records = Records.build(
        [],
        events=[
            ev("gov:JPN", "gov:USA", 1, "2024-01-02", 0),
            ev("gov:JPN", "gov:USA", 1, "2024-01-03", 1),
            ev("gov:JPN", "gov:USA", 3, "2024-01-04", 2),
            ev("gov:CHN", "gov:JPN", 4, "2023-01-04", 3),
        ],
    )
    g = build_graph(records, since=date(2024, 1, 1)).graph
    assert g["gov:JPN"]["gov:USA"]["weight"] == 3
    assert g["gov:JPN"]["gov:USA"]["quad1"] == 2 and g["gov:JPN"]["gov:USA"]["relation"] == "verbal cooperation"
    assert not g.has_node("gov:CHN")
    prev = build_graph(records, until=date(2023, 12, 31))
    changes = {(c.status, c.source, c.target) for c in tie_changes(build_graph(records, since=date(2024, 1, 1)), prev)}
    assert changes == {("new", "gov:JPN", "gov:USA"), ("lost", "gov:CHN", "gov:JPN")}


def test_issue5_aso_bridges_japan_to_trump(corpus: Store, japan_watch: Watch) -> None:
    records = load_records(corpus, since=japan_watch.start, until=japan_watch.end, min_confidence=RECALL_VIEW)
    graph = build_graph(records)
    trump = next(b for b in find_bridges(records, japan_watch, graph) if b.outcome == "trump")
    top = trump.bridges[0]
    assert top.actor == "person:taro-aso" and top.name == "Taro Aso"
    assert "gov:JPN" in top.focal_ties and "person:donald-trump" in top.camp_ties
    assert any("relying on Taro Aso" in c.text and "bridge to Trump" in c.text for c in top.evidence)
    # Countries and the rival candidate are never brokers.
    assert all(
        not b.actor.startswith(("country:", "gov:"))
        for ob in find_bridges(records, japan_watch, graph)
        for b in ob.bridges
    )
    # The default view does not read the sentence as Japan's government meeting Trump itself (coded CONSULT
    # at 0.12): no direct tie cites it.
    shown = load_records(corpus, since=japan_watch.start, until=japan_watch.end)
    direct = next(b for b in find_bridges(shown, japan_watch, build_graph(shown)) if b.outcome == "trump").direct
    assert not any("relying on Taro Aso" in c.text for c in direct)


def test_generic_people_are_never_nodes_or_bridges(corpus: Store, gbr_watch: Watch) -> None:
    from vigil.analyze.networks import is_generic

    records = load_records(corpus)
    graph = build_graph(records)
    assert any(is_generic(e.source_actor or "") or is_generic(e.target_actor or "") for e in records.events)
    assert not any(is_generic(node) for node in graph.graph.nodes)
    for outcome in find_bridges(records, gbr_watch, graph):
        assert not any(is_generic(b.actor) for b in outcome.bridges)


def test_bridges_follow_the_focal_government_and_the_candidates_by_date(japan_watch: Watch) -> None:
    """Kishida stands for Japan's government until 2024-10-01 and Ishiba from then (the knowledge
    base's dates); Harris runs for the Democrats from 2024-07-21, so she is never a bridge to Trump,
    and a tie to Biden after he withdrew is no tie to the Democrats' camp."""
    kb = KnowledgeBase.load()
    people = (
        "fumio-kishida",
        "shigeru-ishiba",
        "kamala-harris",
        "joe-biden",
        "donald-trump",
        "rahm-emanuel",
        "bill-hagerty",
    )
    actors = [a for p in people if (a := kb.get(f"person:{p}")) is not None]
    assert len(actors) == len(people)
    records = Records.build(
        [],
        events=[
            # Emanuel with Kishida while in office, with Trump: a bridge
            ev("person:fumio-kishida", "person:rahm-emanuel", 1, "2024-05-02", 0),
            ev("person:rahm-emanuel", "person:donald-trump", 1, "2024-05-03", 1),
            # Hagerty with Kishida after he left office: no focal tie; with Ishiba in office: a focal tie
            ev("person:fumio-kishida", "person:bill-hagerty", 1, "2024-11-01", 2),
            ev("person:bill-hagerty", "person:donald-trump", 1, "2024-11-02", 3),
            # Harris with Japan's government and with Trump, while she runs for the Democrats
            ev("gov:JPN", "person:kamala-harris", 1, "2024-08-01", 4),
            ev("person:kamala-harris", "person:donald-trump", 3, "2024-08-02", 5),
            # Emanuel with Biden after Biden withdrew: no tie to the Democrats' camp
            ev("person:rahm-emanuel", "person:joe-biden", 1, "2024-09-01", 6),
        ],
        actors=actors,
    )
    found = {b.outcome: b for b in find_bridges(records, japan_watch, build_graph(records))}
    trump = {b.actor: b for b in found["trump"].bridges}
    assert set(trump) == {"person:rahm-emanuel"}, trump
    assert trump["person:rahm-emanuel"].focal_ties == ("person:fumio-kishida",)
    assert not found["democrats"].bridges
    later = Records.build(
        [],
        events=[*records.events, ev("person:shigeru-ishiba", "person:bill-hagerty", 1, "2024-11-05", 7)],
        actors=actors,
    )
    trump_later = {
        b.actor
        for b in next(b for b in find_bridges(later, japan_watch, build_graph(later)) if b.outcome == "trump").bridges
    }
    assert "person:bill-hagerty" in trump_later and "person:kamala-harris" not in trump_later
