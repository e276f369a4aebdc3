"""Candidates who come and go, read from the 2020 Wikinews coverage: detected, dated, alerted once."""

from __future__ import annotations

from datetime import date

from vigil.analyze.alerts import evaluate_rules
from vigil.analyze.candidacy import candidacy_changes, updated_outcomes
from vigil.analyze.scenarios import scenario_board
from vigil.analyze.watches import Watch
from vigil.analyze.window import Records, load_records
from vigil.store import Store


def _split(records: Records, day: date) -> tuple[Records, Records]:
    """The records published before ``day`` and those published from it."""
    old = [a for a, art in records.articles.items() if art.published and art.published < day]
    new = [a for a in records.articles if a not in set(old)]

    return records.part(set(old)), records.part(set(new))


def test_withdrawals_and_nominations_of_2020_are_detected_and_dated(corpus: Store, gbr_watch: Watch) -> None:
    records = load_records(corpus, since=gbr_watch.start, until=gbr_watch.end)
    changes = {(c.name, c.kind): c for c in candidacy_changes(records, gbr_watch)}
    sanders = changes[("Bernie Sanders", "withdrawal")]
    assert sanders.outcome == "biden" and sanders.day == date(2020, 4, 8)  # "On Wednesday", reported on the 10th
    assert "ended his bid" in sanders.citation.text
    assert changes[("Kamala Harris", "running mate")].day == date(2020, 8, 12)
    assert changes[("Donald Trump", "nomination")].outcome == "trump"
    # "then-presumptive nominee Hillary Clinton" (2016) is no change of 2020
    assert not any(c.name == "Hillary Clinton" for c in changes.values())
    # the board starts Harris's running-mate candidacy from the pick, and shows the changes
    dems = next(o for o in updated_outcomes(gbr_watch, list(changes.values())) if o.id == "biden")
    assert "person:kamala-harris" in dems.camp_on(date(2020, 8, 12))
    board = {b.outcome: b for b in scenario_board(records, gbr_watch)}
    assert {c.name for c in board["biden"].changes} >= {"Bernie Sanders", "Kamala Harris"}
    assert board["biden"].candidate_on(date(2020, 9, 1)) == ["Joe Biden", "Kamala Harris"]
    # people only (not the sitting government), and only while they run
    assert board["trump"].candidate_on(date(2020, 9, 1)) == ["Donald Trump"]
    assert board["biden"].candidate_on(date(2019, 6, 1)) == ["Joe Biden", "Kamala Harris"]
    assert board["biden"].candidate_on(date(2020, 1, 15)) == ["Joe Biden"]


def test_candidacy_and_signpost_alerts_fire_once(corpus: Store, gbr_watch: Watch) -> None:
    records = load_records(corpus, since=gbr_watch.start, until=gbr_watch.end)
    old, new = _split(records, date(2020, 4, 1))
    fired = evaluate_rules(gbr_watch, new, old)
    candidacy = [a for a in fired if a.kind == "candidacy"]
    assert any("Bernie Sanders: withdrawal" in a.message and "2020-04-08" in a.message for a in candidacy)
    assert len({a.id for a in candidacy}) == len(candidacy)
    # one alert for the signpost, however many articles observe it
    elect = [a for a in fired if a.rule == "biden-president-elect"]
    assert len(elect) == 1 and "2020-11" in elect[0].message
    # already reported before the new articles: nothing new
    later_old, later_new = _split(records, date(2020, 12, 1))
    again = evaluate_rules(gbr_watch, later_new, later_old)
    assert not [a for a in again if a.rule == "biden-president-elect"]
    assert not [a for a in again if a.kind == "candidacy" and "Sanders" in a.message]
