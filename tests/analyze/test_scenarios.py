from __future__ import annotations

from vigil.analyze.records import load_records
from vigil.analyze.scenarios import scenario_board
from vigil.analyze.watches import Watch
from vigil.store import Store
from vigil.store import analysis as db


def test_issue5_second_trump_administration_on_the_board(corpus: Store, japan_watch: Watch) -> None:
    records = load_records(corpus, since=japan_watch.start, until=japan_watch.end)
    board = {b.outcome: b for b in scenario_board(records, japan_watch, probabilities={"trump": 0.5})}
    trump = board["trump"]
    assert trump.probability == 0.5
    hits = [x for x in trump.expectations if "second Trump administration" in x.citation.text]
    assert hits, [x.citation.text for x in trump.expectations]
    x = hits[0]
    assert x.modality in {"hypothetical", "intended"} and x.focal
    assert x.citation.article_id in records.articles and x.citation.sentence_index is not None
    assert set(trump.by_domain) <= {*japan_watch.domains, "other"}
    assert all(0.0 <= v <= 1.0 for v in trump.exposure.values())
    nomination = next(s for s in trump.signposts if s.id == "nomination")
    assert nomination.observed and "clinching the Republican presidential nomination" in nomination.evidence[0].text


def test_scenarios_probability_log(store: Store) -> None:
    db.add_probability(store, "w", "trump", 0.4, "primaries")
    db.add_probability(store, "w", "trump", 0.55, "Iowa result")
    log = db.probabilities(store, "w")
    assert [(r.probability, r.reason) for r in log] == [(0.4, "primaries"), (0.55, "Iowa result")]
    assert log[0].at <= log[1].at
