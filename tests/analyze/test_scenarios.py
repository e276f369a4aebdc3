from __future__ import annotations

from datetime import date

from vigil.analyze.scenarios import scenario_board
from vigil.analyze.watches import Watch
from vigil.analyze.window import load_records
from vigil.store import Store
from vigil.store import analysis as analysis_store


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
    # "The prospect of ... Trump clinching the Republican presidential nomination" is an expectation,
    # not an observation: the signpost's keyword alone observes nothing
    nomination = next(s for s in trump.signposts if s.id == "nomination")
    assert not any("clinching" in c.text for c in nomination.evidence)
    assert any("clinching the Republican presidential nomination" in x.citation.text for x in trump.expectations)


def test_signposts_are_observed_from_stated_sentences_of_the_camp(corpus: Store, gbr_watch: Watch) -> None:
    """Keyword hits that do not concern the camp, or that are prospective, observe nothing; the ones of
    the 2020 Wikinews coverage that state the camp's milestone do."""
    records = load_records(corpus, since=gbr_watch.start, until=gbr_watch.end)
    board = {b.outcome: b for b in scenario_board(records, gbr_watch)}
    elect = next(s for s in board["biden"].signposts if s.id == "president-elect")
    assert elect.observed and all(c.published and c.published >= date(2020, 11, 3) for c in elect.evidence)
    assert not any("transition" in c.text and "Biden" not in c.text for c in elect.evidence)
    nominee = next(s for s in board["trump"].signposts if s.id == "nomination")
    assert nominee.observed and all("Trump" in c.text for c in nominee.evidence)
    assert not any("Republican delegates from South Carolina" in c.text for c in nominee.evidence)
    # a Trump milestone never observes the Democrats' nominee signpost
    dem = next(s for s in board["biden"].signposts if s.id == "nominee")
    assert not any("Republican Party's presumptive nominee" in c.text for c in dem.evidence)


def test_scenarios_probability_log(store: Store) -> None:
    analysis_store.add_probability(store, "w", "trump", 0.4, "primaries")
    analysis_store.add_probability(store, "w", "trump", 0.55, "Iowa result")
    log = analysis_store.probabilities(store, "w")
    assert [(r.probability, r.reason) for r in log] == [(0.4, "primaries"), (0.55, "Iowa result")]
    assert log[0].at <= log[1].at


def test_expectations_come_from_the_watch_s_articles_focal_first(corpus: Store, gbr_watch: Watch) -> None:
    """The board reads the articles the watch concerns, not every article naming a candidate, and shows what
    names the focal country first; "Sam Harris' The Moral Landscape" is no Kamala Harris."""
    from vigil.analyze.timeline import watch_articles

    records = load_records(corpus, since=gbr_watch.start, until=gbr_watch.end)
    relevant = watch_articles(records, gbr_watch)
    board = scenario_board(records, gbr_watch)
    every = [x for b in board for x in b.expectations]
    assert every and all(x.citation.article_id in relevant for x in every)
    assert not any("Sam Harris" in x.citation.text for x in every)
    for b in board:
        for xs in b.by_domain.values():
            assert [x.focal for x in xs] == sorted((x.focal for x in xs), reverse=True)


def test_expectations_scored_on_the_annotated_sentences(corpus: Store, japan_watch: Watch, gbr_watch: Watch) -> None:
    """annotations/scenario_expectations.jsonl: 110 sentences the boards of the example watches listed,
    judged by hand (a statement of what will, would or may happen, the camp acting in it or the race its
    subject). Questions of an interview, "may have misused", "in May", "could not agree" are none."""
    import json

    from tests.conftest import REPO
    from vigil.analyze.window import load_records
    from vigil.evaluate.scenarios import _article_key, score_expectations, sentence_key

    path = REPO / "annotations" / "scenario_expectations.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    # every annotation refers to a sentence of the store's articles
    records = load_records(corpus)
    sentences = {
        (_article_key(a.url, a.origin), sentence_key(text))
        for aid, a in records.articles.items()
        for _, text in records.article_sentences(aid)
    }
    assert len(rows) >= 100 and all((r["key"], r["sentence_sha1"]) in sentences for r in rows)
    report = score_expectations(corpus, [japan_watch, gbr_watch], path)["all"]
    assert report["precision"] >= 0.8 and report["kept"] >= 0.95, report
    window = load_records(corpus, since=gbr_watch.start, until=gbr_watch.end)
    board = {b.outcome: b for b in scenario_board(window, gbr_watch)}
    for b in board.values():
        texts = [x.citation.text for x in b.expectations]
        assert not [t for t in texts if t.rstrip('"').endswith("?") or " in May" in t or "may have" in t]
        assert len(texts) == len(set(texts)), "a sentence repeated by several articles is listed once"
    biden = [x.citation.text for x in board["biden"].expectations]
    assert any("once in office he would immediately sign" in t for t in biden)
