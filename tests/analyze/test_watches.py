from __future__ import annotations

import re

import pytest

from vigil.analyze.watches import WatchError, example_watches, parse_watch
from vigil.store import Store
from vigil.store import analysis as db

MINIMAL = """
name: t
focal: JPN
subject: test
outcomes:
  - {id: a, camp: [person:donald-trump], signposts: [{id: s, label: S, keywords: [tariff]}]}
"""


def test_watches_examples_parse() -> None:
    watches = {n: parse_watch(t, source=n) for n, t in example_watches().items()}
    assert set(watches) == {"japan-us-2024.yaml", "gbr-us-2020.yaml"}
    jp = watches["japan-us-2024.yaml"]
    assert jp.focal == "JPN" and jp.government[0] == "gov:JPN"
    assert [o.id for o in jp.outcomes] == ["trump", "biden"]
    assert "person:donald-trump" in jp.outcome("trump").camp
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
    db.save_watch_yaml(store, "t", MINIMAL, create=True)
    assert db.get_watch_yaml(store, "t") == MINIMAL
    with pytest.raises(Exception, match="exists"):
        db.save_watch_yaml(store, "t", MINIMAL, create=True)
    db.save_watch_yaml(store, "t", MINIMAL + "# edited\n")
    assert [n for n, _, _ in db.list_watches(store)] == ["t"]
    assert db.get_watch_yaml(
        store,
        "t",
    ).endswith("# edited\n")  # type: ignore[union-attr]
    assert db.delete_watch(store, "t") and db.get_watch_yaml(store, "t") is None
