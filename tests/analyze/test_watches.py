from __future__ import annotations

import re
from datetime import date

import pytest

from vigil.analyze.focal import FocalGovernment
from vigil.analyze.watches import DEFAULT_FOCAL_OFFICES, WatchError, example_watches, parse_watch
from vigil.kb import KnowledgeBase
from vigil.store import Store
from vigil.store import analysis as analysis_store

MINIMAL = """
name: t
focal: JPN
subject: test
outcomes:
  - {id: a, camp: [person:donald-trump], signposts: [{id: s, label: S, keywords: [tariff]}]}
"""


def test_candidates_come_and_go_by_date() -> None:
    jp = parse_watch(example_watches()["japan-us-2024.yaml"])
    dems = jp.outcome("democrats")
    assert "person:joe-biden" in dems.camp_on(date(2024, 7, 1)) and "person:kamala-harris" not in dems.camp_on(
        date(2024, 7, 1)
    )
    assert "person:kamala-harris" in dems.camp_on(date(2024, 9, 1)) and "person:joe-biden" not in dems.camp_on(
        date(2024, 9, 1)
    )
    assert "gov:USA" not in dems.camp_on(date(2025, 1, 25))
    assert {"person:joe-biden", "person:kamala-harris", "gov:USA"} <= jp.watched_actors()


def test_focal_government_follows_the_knowledge_base() -> None:
    jp = parse_watch(example_watches()["japan-us-2024.yaml"])
    focal = FocalGovernment(jp, KnowledgeBase.load().actors())
    assert "person:fumio-kishida" in focal.on(date(2024, 9, 30)) and "person:shigeru-ishiba" not in focal.on(
        date(2024, 9, 30)
    )
    assert "person:shigeru-ishiba" in focal.on(date(2024, 10, 2)) and "person:fumio-kishida" not in focal.on(
        date(2024, 10, 2)
    )
    assert "person:takeshi-iwaya" in focal.on(date(2024, 11, 1)) and "gov:JPN" in focal.on(date(2024, 11, 1))
    # a former prime minister is not the government decades later
    assert "person:taro-aso" not in focal.members(jp.start, jp.end)
    excluded = parse_watch(
        example_watches()["japan-us-2024.yaml"].replace(
            "focal: JPN", "focal: JPN\nfocal_exclude: [person:shigeru-ishiba]"
        )
    )
    assert "person:shigeru-ishiba" not in FocalGovernment(excluded, KnowledgeBase.load().actors()).on(date(2024, 10, 2))


def test_signpost_roots_and_candidate_dates_are_validated() -> None:
    with pytest.raises(WatchError, match="roots"):
        parse_watch(MINIMAL.replace("keywords: [tariff]", "keywords: [tariff], roots: [TARIFF]"))
    bad = MINIMAL.replace(
        "camp: [person:donald-trump]", "candidates: [{actor: person:x, from: 2024-02-01, until: 2024-01-01}]"
    )
    with pytest.raises(WatchError, match="candidates\\[0\\].until"):
        parse_watch(bad)


def test_watches_examples_parse() -> None:
    watches = {n: parse_watch(t, source=n) for n, t in example_watches().items()}
    assert set(watches) == {"japan-us-2024.yaml", "gbr-us-2020.yaml"}
    jp = watches["japan-us-2024.yaml"]
    assert jp.focal == "JPN" and jp.government[0] == "gov:JPN"
    assert [o.id for o in jp.outcomes] == ["trump", "democrats"]
    assert "person:donald-trump" in jp.outcome("trump").members
    assert "person:taro-aso" in jp.actors
    assert {c.label for c in jp.calendar} >= {"Iowa caucuses", "Super Tuesday", "Election day"}
    assert set(jp.domains) >= {"security", "trade", "diplomacy", "economy"}
    assert {r.kind for r in jp.alerts} == {
        "actor_appears",
        "keyword",
        "new_event_type",
        "new_bridge",
        "tone_shift",
        "signpost",
        "candidacy",
    }


@pytest.mark.parametrize(
    ("patch", "key"),
    [
        (("focal: JPN", "focal: Japan"), "'focal'"),
        (("name: t", "name: Not A Slug"), "'name'"),
        (("subject: test", "subjekt: test"), "'subjekt'"),
        (("camp: [person:donald-trump]", "camp: [donald trump]"), "'outcomes[0].camp[0]'"),
        (("keywords: [tariff]", "keywords: []"), "'outcomes[0].signposts[0].keywords'"),
    ],
)
def test_watches_errors_name_the_key(patch: tuple[str, str], key: str) -> None:
    with pytest.raises(WatchError, match=re.escape(key)):
        parse_watch(MINIMAL.replace(*patch), source="w.yaml")


@pytest.mark.parametrize(
    ("rule", "key"),
    [
        ("{kind: bogus}", "'alerts[0].kind'"),
        ("{kind: actor_appears}", "'alerts[0].actor'"),
        ("{kind: new_bridge, outcome: zz}", "'alerts[0].outcome'"),
        ("{kind: signpost, outcome: a, signpost: nope}", "'alerts[0].signpost'"),
        ("{kind: tone_shift, k: -1}", "'alerts[0].k'"),
    ],
)
def test_watches_rule_errors(rule: str, key: str) -> None:
    with pytest.raises(WatchError, match=re.escape(key)):
        parse_watch(MINIMAL + f"alerts:\n  - {rule}\n")


def test_watches_invalid_yaml() -> None:
    with pytest.raises(WatchError, match="not valid YAML"):
        parse_watch("name: [unclosed", source="x.yaml")


def test_watches_stored_verbatim(store: Store) -> None:
    analysis_store.save_watch_yaml(store, "t", MINIMAL, create=True)
    assert analysis_store.get_watch_yaml(store, "t") == MINIMAL
    with pytest.raises(Exception, match="exists"):
        analysis_store.save_watch_yaml(store, "t", MINIMAL, create=True)
    analysis_store.save_watch_yaml(store, "t", MINIMAL + "# edited\n")
    assert [n for n, _, _ in analysis_store.list_watches(store)] == ["t"]
    assert analysis_store.get_watch_yaml(
        store,
        "t",
    ).endswith("# edited\n")  # type: ignore[union-attr]
    assert analysis_store.delete_watch(store, "t") and analysis_store.get_watch_yaml(store, "t") is None


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ("delivery: [{kind: file}]", "key 'delivery[0].path': is required"),
        ("delivery: [{kind: webhook, url: ftp://x}]", "key 'delivery[0].url': expected an http(s) URL, got 'ftp://x'"),
        ("delivery: {kind: file}", "key 'delivery': expected a list of {kind: console|file|webhook, path|url}"),
        ("calendar: [{label: x}]", "key 'calendar[0].date': is required"),
        ("calendar: [5]", "key 'calendar[0]': expected a mapping, got int"),
        ("coders: [foo]", "key 'coders': unknown coder 'FOO'; expected some of VIGIL, GDELT, ICEWS, ACLED"),
        ("start: 2024-02-01\nend: 2024-01-01", "key 'end': 2024-01-01 is before start 2024-02-01"),
        ("actors: [a:b, c]", "key 'actors[1]': expected an actor id like gov:JPN or person:taro-aso, got 'c'"),
        ("title: true", "key 'title': expected a non-empty string, got True"),
        ("alerts: [{kind: tone_shift, zz: 1}]", "key 'alerts[0].zz': unknown key; allowed: id, kind, actor,"),
        ("alerts: [{id: r, kind: tone_shift}, {id: r, kind: candidacy}]", "key 'alerts': rule ids must be unique"),
    ],
)
def test_watches_model_messages(patch: str, message: str) -> None:
    with pytest.raises(WatchError) as caught:
        parse_watch(MINIMAL + patch + "\n", source="w.yaml")
    assert str(caught.value).startswith(f"w.yaml: {message}")


def test_watches_model_defaults_and_shorthands() -> None:
    watch = parse_watch(MINIMAL + "alerts: [{kind: tone_shift}, {kind: new_bridge, outcome: a, k: 3}]\n")
    assert [d.kind for d in watch.delivery] == ["console"]
    assert watch.focal_offices == DEFAULT_FOCAL_OFFICES and watch.coders == ("VIGIL",) and watch.title == "t"
    assert [(r.id, r.k) for r in watch.alerts] == [("tone-shift-1", 2.0), ("new-bridge-2", 3.0)]
    assert watch.outcomes[0].label == "a"
    quiet = parse_watch(MINIMAL + "delivery: []\nfocal_offices: []\ncoders: [gdelt, GDELT, vigil]\n")
    assert quiet.delivery == () and quiet.focal_offices == () and quiet.coders == ("GDELT", "VIGIL")
    shorthand = MINIMAL.replace(
        "camp: [person:donald-trump]", "candidates: [person:x, {actor: person:y, from: 2024-01-01}]"
    )
    outcome = parse_watch(shorthand).outcomes[0]
    assert [(c.actor, c.start) for c in outcome.candidates] == [("person:x", None), ("person:y", date(2024, 1, 1))]
