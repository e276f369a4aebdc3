"""A watch's window holds everywhere: nothing published or dated outside its start..end reaches its views."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from vigil.analyze.networks import build_graph, find_bridges
from vigil.analyze.timeline import timeline
from vigil.analyze.trends import domain_trends
from vigil.analyze.watches import Watch
from vigil.analyze.window import load_records
from vigil.cli.main import app
from vigil.models import DateGranularity
from vigil.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "vigil" / "watches"
# Wikinews, 2020-01-05, on the killing of Qasem Soleimani: a sentence about 2007.
RECALLED = "In 2007, the United States government labeled Soleimani as a terrorist"


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    """Every mapping inside a JSON value."""
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from _walk(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk(v)


def test_windows_an_event_dated_before_the_window_is_outside_it(corpus: Store, gbr_watch: Watch) -> None:
    everything = load_records(corpus, min_confidence=0)
    recalled = [
        e for e in everything.events if everything.sentence_text(e.article_id, e.sentence_index).startswith(RECALLED)
    ]
    assert recalled, "the sentence about 2007 holds events"
    for e in recalled:
        assert (e.date, e.occurred, e.occurred_granularity) == (
            date(2020, 1, 5),
            date(2007, 1, 1),
            DateGranularity.YEAR,
        )
    article = recalled[0].article_id
    lo, hi = gbr_watch.start, gbr_watch.end
    assert lo is not None and hi is not None and lo <= date(2020, 1, 5) <= hi
    window = load_records(corpus, since=lo, until=hi, min_confidence=0)
    assert article in window.articles  # the article is inside the window, its sentence about 2007 is not
    ids = {e.id for e in recalled}
    assert not ids & {e.id for e in window.events}
    assert all(lo <= e.when <= hi for e in window.events if e.when is not None)
    graph = build_graph(window, since=lo, until=hi)
    assert not ids & {e.id for evidence in graph.evidence.values() for e, _ in evidence}
    # Even given records that hold it, the graph of a window leaves the event out.
    assert not ids & {
        e.id for evidence in build_graph(everything, since=lo, until=hi).evidence.values() for e, _ in evidence
    }
    cited = {
        (c.article_id, c.sentence_index)
        for ob in find_bridges(window, gbr_watch, graph)
        for b in ob.bridges
        for c in b.evidence
    }
    assert (article, recalled[0].sentence_index) not in cited
    entries = timeline(window, gbr_watch)
    assert all(t.date is not None and lo <= t.date <= hi for t in entries)
    for series in domain_trends(window, gbr_watch, since=lo, until=hi):
        assert all(lo - timedelta(days=6) <= p.start <= hi for p in series.points)


def _run(db: Path, *args: str) -> Any:
    result = CliRunner().invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_windows_the_japan_watch_shows_nothing_from_outside_its_window(corpus_path: Path, tmp_path: Path) -> None:
    """Wikinews of 2019-20 is outside japan-us-2024 (2023-07-01..2025-01-31), whatever --since asks for."""
    db = tmp_path / "copy.db"
    src, dst = sqlite3.connect(corpus_path), sqlite3.connect(db)
    src.backup(dst)
    src.close()
    dst.close()
    CliRunner().invoke(app, ["--db", str(db), "watch", "create", str(EXAMPLES / "japan-us-2024.yaml")])
    lo, hi = date(2023, 7, 1), date(2025, 1, 31)
    wide = ("--since", "2019-01-01", "--until", "2025-12-31")
    outputs = {
        "timeline": _run(db, "timeline", "japan-us-2024", *wide, "--json"),
        "bridges": _run(db, "bridges", "japan-us-2024", *wide, "--json"),
        "network": _run(db, "network", "japan-us-2024", *wide, "--json"),
        "scenarios": _run(db, "scenarios", "japan-us-2024", *wide, "--json"),
    }
    assert outputs["timeline"], "the reference article of 2024-01-27 is in the window"
    found = 0
    for name, output in outputs.items():
        for item in _walk(output):
            for key in ("published", "date"):
                if isinstance(item.get(key), str) and len(item[key]) == 10:
                    found += 1
                    assert lo <= date.fromisoformat(item[key]) <= hi, (name, item)
    assert found > 0
    trends = _run(db, "trends", "japan-us-2024", *wide, "--json")
    starts = [date.fromisoformat(p["start"]) for s in trends for p in s["points"]]
    assert starts and min(starts) >= date(2023, 6, 26) and max(starts) <= hi
    outside = CliRunner().invoke(app, ["--db", str(db), "timeline", "japan-us-2024", "--until", "2020-12-31"])
    assert outside.exit_code != 0 and "--until 2020-12-31 is outside the watch" in str(outside.exception)


def test_an_article_concerns_a_watch_through_the_focal_countrys_state_not_its_universities(
    corpus: Store, gbr_watch: Watch
) -> None:
    """A Wikinews science story whose only British actors are a university, a college and their
    scientists is not the UK watch's; stories of the British government and parliament are."""
    from vigil.analyze.timeline import watch_articles

    records = load_records(corpus, since=gbr_watch.start, until=gbr_watch.end)
    relevant = watch_articles(records, gbr_watch)
    titles = {records.articles[a].title for a in relevant}
    british = {
        records.articles[m.article_id].title
        for m in records.mentions
        if m.actor_id and m.actor_id.startswith("prov:gbr-")
    }
    assert "Scientific study suggests dinosaurs flapped their wings as they ran" in british
    assert "Zebra stripes may 'dazzle' pathogen-packing horse flies, say scientists" in british
    assert "Scientific study suggests dinosaurs flapped their wings as they ran" not in titles
    assert "Zebra stripes may 'dazzle' pathogen-packing horse flies, say scientists" not in titles
    # England, or London, named as the place where something happened (Wikinews, 2019)
    places = {"French inventor Franky Zapata successfully crosses English Channel on jet-powered hoverboard"}
    places.add("Missing New York City chef Andrea Zamperoni found dead")
    assert places <= {records.articles[m.article_id].title for m in records.mentions if m.label == "GPE"}
    assert not places & titles
    assert "Queen Elizabeth agrees to suspend UK Parliament ahead of Brexit deadline" in titles
    assert "UK Supreme Court rules prorogation of parliament unlawful" in titles


def test_a_watch_s_articles_leave_out_passing_names_of_its_country_and_of_a_foreign_government(
    corpus: Store, gbr_watch: Watch
) -> None:
    """Wikinews, 2019-2020: a British mathematician's obituary names Britain only as his country (the watch's
    keyword "British" counts in a title, not in passing); an oceanographer's obituary names the White House, which
    the watch lists in the Trump camp until 2021 (a foreign government counts as a party to an event only);
    Toronto's mayor John Tory is no Tory party."""
    from vigil.analyze.timeline import watch_articles

    records = load_records(corpus, since=gbr_watch.start, until=gbr_watch.end)
    titles = {records.articles[a].title for a in watch_articles(records, gbr_watch)}
    passing = {
        "Pioneering oceanographer Walter Munk dies of pneumonia in California",
        "Toronto serial killer Bruce McArthur pleads guilty to eight murders",
        "Influential rock drummer Ginger Baker dies at age 80",
    }
    assert passing <= {a.title for a in records.articles.values()}
    assert not passing & titles
    toronto = next(a for a in records.articles.values() if a.title and a.title.startswith("Toronto serial killer"))
    tory = [m.actor_id for m in records.mentions if m.article_id == toronto.id and "Tory" in m.text]
    assert tory and "org:gbr-tory" not in tory, tory
    # the British government's own stories, and a title naming the country, stay
    assert "UK urges US to waive immunity for diplomat's wife involved in fatal collision" in titles
    assert "British mathematician Richard K. Guy dies at 103" in titles
    assert "US President Trump announces troop withdrawal from Syria" in titles


def test_a_local_council_is_no_national_politics_of_the_focal_country(corpus: Store, gbr_watch: Watch) -> None:
    """Wikinews, 2019: "Bradford Council stated ..." in a report of a children's home abuse trial is local
    government; the article does not concern the UK's watch of the U.S. election."""
    from vigil.analyze.timeline import local_body, watch_articles

    assert local_body("Bradford Council") and local_body("Hampshire County Council") and local_body("mayor of London")
    assert not local_body("National Security Council") and not local_body("Security Council")
    records = load_records(corpus, since=gbr_watch.start, until=gbr_watch.end)
    titles = {records.articles[a].title for a in watch_articles(records, gbr_watch)}
    bradford = "Nine jailed over sexual abuse in Bradford, England children's home"
    assert bradford in {a.title for a in records.articles.values()} and bradford not in titles
