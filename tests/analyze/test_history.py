"""The history of a watch's outcomes: every stored version and probability revision, by whom, when and why,
on both store backends, from the library, the command line and the API."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from vigil.analyze.history import outcome_history
from vigil.analyze.probabilities import set_probability
from vigil.analyze.watches import example_watches, parse_watch
from vigil.store import Store, migrations, open_store, schema
from vigil.store import analysis as analysis_store

NAME = "gbr-us-2020"


def _yaml() -> str:
    return example_watches()[f"{NAME}.yaml"]


def _edited() -> str:
    """Harris named running mate a day later than first entered, Pence added as a candidate, a label reworded."""
    text = _yaml()
    for old, new in (
        ("{actor: person:kamala-harris, from: 2020-08-11}", "{actor: person:kamala-harris, from: 2020-08-12}"),
        (
            "- {actor: person:donald-trump}",
            "- {actor: person:donald-trump}\n      - {actor: person:mike-pence, from: 2020-06-01}",
        ),
        ("label: Donald Trump is re-elected (Republicans)", "label: Trump wins a second term"),
    ):
        assert old in text
        text = text.replace(old, new)
    return text


def _make_history(store: Store) -> None:
    analysis_store.save_watch_yaml(store, NAME, _yaml(), create=True, author="ana", reason="the example watch")
    analysis_store.save_watch_yaml(store, NAME, _edited(), author="ben", reason="Harris named on 2020-08-12")
    analysis_store.save_watch_yaml(store, NAME, _edited(), author="ben", reason="saved again, unchanged")
    watch = parse_watch(_edited(), source=NAME)
    set_probability(store, watch, "trump", 0.4, "polls in June", author="ana")


EXPECTED = [
    ("ana", "created", None, "outcomes: trump, biden", "the example watch"),
    (
        "ben",
        "label",
        "trump",
        "label 'Donald Trump is re-elected (Republicans)' -> 'Trump wins a second term'",
        "Harris named on 2020-08-12",
    ),
    ("ben", "candidate", "trump", "candidate person:mike-pence added (2020-06-01..…)", "Harris named on 2020-08-12"),
    (
        "ben",
        "candidate",
        "biden",
        "candidate person:kamala-harris 2020-08-11..… -> 2020-08-12..…",
        "Harris named on 2020-08-12",
    ),
    ("ana", "probability", "trump", "probability 40%", "polls in June"),
]


def test_every_change_of_the_outcomes_is_kept_with_who_when_and_why(store: Store) -> None:
    started = datetime.now(UTC).replace(tzinfo=None)
    _make_history(store)
    history = outcome_history(store, NAME)
    assert [(c.author, c.kind, c.outcome, c.change, c.reason) for c in history] == EXPECTED
    assert all(c.at >= started for c in history) and [c.at for c in history] == sorted(c.at for c in history)
    assert len(analysis_store.watch_revisions(store, NAME)) == 2  # the unchanged save kept no revision
    assert outcome_history(store, NAME, since=history[-1].at.date())[-1].kind == "probability"
    # a version today's rules refuse (stored by an older Vigil) is listed, and the next one restates the outcomes
    analysis_store.save_watch_yaml(store, NAME, f"name: {NAME}\n", author="old")
    analysis_store.save_watch_yaml(store, NAME, _edited(), author="ana")
    assert [(c.author, c.kind, c.change) for c in outcome_history(store, NAME)[len(EXPECTED) :]] == [
        ("old", "unreadable", "a version that no longer parses"),
        ("ana", "restated", "outcomes: trump, biden"),
    ]
    analysis_store.delete_watch(store, NAME)
    assert analysis_store.watch_revisions(store, NAME) == [] and outcome_history(store, NAME) == []


def test_watches_stored_before_get_their_current_version_as_a_first_revision(
    new_db: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    location = new_db()
    before = [m for m in migrations.MIGRATIONS if m[0] < "0014"]
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", before)
        old = open_store(location)
        updated = datetime(2024, 3, 1, 9, 30)
        with old.transaction() as conn:
            conn.execute(
                schema.watches.insert().values(name=NAME, yaml=_yaml(), created_at=updated, updated_at=updated)
            )
            values = {"watch": NAME, "outcome": "biden", "probability": 0.5, "reason": "even odds", "at": updated}
            conn.execute(schema.scenario_probabilities.insert().values(**values))
        old.close()
    store = open_store(location)
    try:
        [rev] = analysis_store.watch_revisions(store, NAME)
        assert (rev.yaml, rev.author, rev.at) == (_yaml(), "", updated)
        history = outcome_history(store, NAME)
        assert [(c.author, c.kind, c.outcome) for c in history] == [("", "created", None), ("", "probability", "biden")]
        with store.engine.connect() as conn:
            assert conn.execute(select(schema.scenario_probabilities.c.author)).scalars().all() == [""]
    finally:
        store.close()


def test_the_history_on_the_command_line_and_the_api(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tests.api.conftest import make_client
    from vigil.cli.main import app

    db = tmp_path / "vigil.db"
    with open_store(db) as store:
        _make_history(store)
    cli = CliRunner().invoke(app, ["--db", str(db), "watch", "history", NAME, "--json"])
    assert cli.exit_code == 0, cli.output
    rows: list[dict[str, Any]] = json.loads(cli.stdout)
    assert [(r["author"], r["kind"], r["outcome"], r["change"], r["reason"]) for r in rows] == EXPECTED
    table = CliRunner().invoke(app, ["--db", str(db), "watch", "history", NAME])
    assert table.exit_code == 0 and "mike-pence" in table.stdout
    with make_client(db) as client:
        answer = client.get(f"/api/watches/{NAME}/history").json()
        assert answer["items"] == rows
        client.get("/")  # the dashboard hands the browser its write cookie
        edited = _edited().replace("2020-06-01", "2020-07-01")
        put = client.put(f"/api/watches/{NAME}", json={"yaml": edited, "author": "cleo", "reason": "Pence later"})
        assert put.status_code == 200, put.text
        last = client.get(f"/api/watches/{NAME}/history").json()["items"][-1]
        assert (last["author"], last["change"], last["reason"]) == (
            "cleo",
            "candidate person:mike-pence 2020-06-01..… -> 2020-07-01..…",
            "Pence later",
        )
        assert client.get("/api/watches/nope/history").status_code == 404
