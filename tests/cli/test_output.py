"""What a user reads from the CLI: unbroken lines off a terminal, output that fits an 80-column
terminal, names rather than ids, honest empty answers and errors for unknown filter values."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEED, copy_store, user_env

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def vigil(db: Path, *args: str, terminal: bool = False) -> subprocess.CompletedProcess[str]:
    env = user_env(db.parent)
    if terminal:  # what Rich sees on an 80-column terminal
        env |= {"TTY_COMPATIBLE": "1", "COLUMNS": "80", "LINES": "40"}
    return subprocess.run(
        [sys.executable, "-m", "vigil", "--db", str(db), *args], capture_output=True, text=True, check=False, env=env
    )


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory, reference_db: Path) -> Path:
    """The reference article, extracted (a copy of the session's store; `ingest` is run on it below)."""
    return copy_store(reference_db, tmp_path_factory.mktemp("cli") / "v.db")


def test_piped_output_is_whole_lines(seed_db: Path) -> None:
    """Off a terminal: the summary on one line, tables as tab-separated rows with whole sentences."""
    listed = json.loads(vigil(seed_db, "events", "--all", "--json", "--limit", "5").stdout)
    done = vigil(seed_db, "events", "--all", "--limit", "5")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0].split("\t") == [
        "date", "published", "source", "event", "target", "modality", "cameo", "conf", "article", "sentence"
    ]  # fmt: skip
    assert len(lines) == 1 + len(listed) == 6
    for line, row in zip(lines[1:], listed, strict=True):
        cells = line.split("\t")
        assert len(cells) == 10 and cells[-1] == row["sentence"] and len(row["sentence"]) > 20
        assert cells[0] == (row["happened"] or str(row["occurred"])) and cells[1] == str(row["date"])
        assert cells[2] == (row["source_name"] or "—") and not cells[2].startswith(("gov:", "person:", "prov:"))
    status = vigil(seed_db, "status").stdout
    assert "None" not in status
    line = next(x for x in status.splitlines() if x.startswith("articles "))
    assert "· dates 2" in line and "→" in line
    again = vigil(seed_db, "ingest", str(SEED))
    assert again.stdout.strip().startswith("ingested 0 ·") and "rejected 0" in again.stdout.splitlines()[0]


def test_events_fit_an_80_column_terminal(seed_db: Path) -> None:
    done = vigil(seed_db, "events", "--all", "--limit", "10", terminal=True)
    assert done.returncode == 0, done.stderr
    text = ANSI.sub("", done.stdout)
    lines = text.splitlines()
    assert max(len(x) for x in lines) <= 80
    listed = json.loads(vigil(seed_db, "events", "--all", "--json", "--limit", "10").stdout)
    first = listed[0]
    assert str(first["date"]) in text and first["root"] in text and (first["source_name"] or "—") in text
    # the sentence is wrapped on lines of its own, never cut: its words all appear, in order
    words = first["sentence"].split()
    joined = " ".join(text.split())
    assert " ".join(words) in joined
    wide = vigil(seed_db, "events", "--limit", "3", "--wide", terminal=True)
    assert wide.returncode == 0 and "cameo" in ANSI.sub("", wide.stdout)


def test_unknown_filter_values_are_errors_with_the_valid_values(seed_db: Path) -> None:
    domain = vigil(seed_db, "events", "--domain", "secruity")
    assert domain.returncode == 2 and "security" in domain.stderr and "secruity" in domain.stderr
    event = vigil(seed_db, "events", "--event", "AGREED")
    assert event.returncode == 2 and "STATEMENT" in event.stderr
    actor = vigil(seed_db, "events", "--actor", "person:nobody-at-all")
    assert actor.returncode == 2 and "vigil actors --search" in actor.stderr
    sector = vigil(seed_db, "actors", "--sector", "GUV")
    assert sector.returncode == 2 and "GOV" in sector.stderr


def test_actor_by_name_and_empty_answers_say_so(seed_db: Path) -> None:
    by_name = json.loads(vigil(seed_db, "events", "--all", "--actor", "Taro Aso", "--json").stdout)
    by_id = json.loads(vigil(seed_db, "events", "--all", "--actor", "person:taro-aso", "--json").stdout)
    assert by_name == by_id and by_id
    none = vigil(seed_db, "events", "--since", "2031-01-01")
    assert none.returncode == 0 and none.stdout.startswith("no events match --since 2031-01-01 with confidence")
    assert "(--all shows every event)" in none.stdout
    cooperation = json.loads(vigil(seed_db, "events", "--all", "--event", "cooperate", "--json").stdout)
    assert cooperation and {e["root"] for e in cooperation} == {"COOPERATE"}
    nobody = vigil(seed_db, "actors", "--country", "ISL", "--sector", "MIL")
    assert nobody.returncode == 0 and nobody.stdout.strip() == "no actors match --country ISL --sector MIL"


def test_actor_page_counts_are_counts(seed_db: Path) -> None:
    every = json.loads(vigil(seed_db, "events", "--all", "--json", "--limit", "1000").stdout)
    sources = [e["source"] for e in every if e["source"]]
    busiest = max(set(sources), key=sources.count)
    page = vigil(seed_db, "actor", busiest, "--limit", "1").stdout
    data = json.loads(vigil(seed_db, "actor", busiest, "--json", "--limit", "1").stdout)
    total = data["events_as_source"]
    assert total > 1 and f"Events as source: 1 of {total}" in page


def test_a_missing_store_is_named_not_created(tmp_path: Path) -> None:
    db = tmp_path / "nope.db"
    for command in (["status"], ["events"], ["watch", "list"]):
        done = vigil(db, *command)
        assert done.returncode == 2 and "No store at" in done.stderr and str(db) in done.stderr
    assert not db.exists()


def test_a_missing_input_among_others_is_a_rejection(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    done = vigil(db, "ingest", "--no-extract", "--json", str(SEED), str(tmp_path / "feeds"))
    assert done.returncode == 1
    summary = json.loads(done.stdout)
    assert summary["ingested"] == 1
    [rejected] = summary["rejected"]
    assert rejected["input"] == str(tmp_path / "feeds") and rejected["where"] == "input"
    assert "does not exist" in rejected["reason"]
    alone = vigil(db, "ingest", str(tmp_path / "feeds"))
    assert alone.returncode == 2 and "does not exist" in alone.stderr


def test_undated_articles_are_reported_with_the_columns_found(tmp_path: Path) -> None:
    text = "The finance ministers of the Group of Seven met in Rome and agreed on a joint statement on trade."
    csv_file = tmp_path / "in.csv"
    csv_file.write_text(f'link,when,headline,body\nhttps://example.org/a,2024-01-02,A,"{text}"\n', encoding="utf-8")
    done = vigil(tmp_path / "v.db", "ingest", "--no-extract", str(csv_file))
    assert done.returncode == 0 and "ingested 1" in done.stdout
    assert "1 item without a usable date" in done.stderr
    assert "link, when, headline, body" in done.stderr and "--column date=<column>" in done.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text(f'url,date,title,text\nhttps://example.org/b,notadate,B,"{text} Again."\n', encoding="utf-8")
    done = vigil(tmp_path / "v.db", "ingest", "--no-extract", "--json", str(bad))
    summary = json.loads(done.stdout)
    assert summary["undated"] == 1 and "unparseable date 'notadate'" in summary["undated_examples"][0]["why"]
    fixed = vigil(tmp_path / "w.db", "ingest", "--no-extract", "--json", "--column", "date=when", str(csv_file))
    assert json.loads(fixed.stdout)["undated"] == 0


def test_the_default_view_leaves_out_unlikely_events(seed_db: Path) -> None:
    """Without options, `events` shows the events the precision model finds likely enough; --all every one."""
    every = json.loads(vigil(seed_db, "events", "--all", "--json", "--limit", "1000").stdout)
    shown = json.loads(vigil(seed_db, "events", "--json", "--limit", "1000").stdout)
    floor = json.loads(vigil(seed_db, "settings", "--json").stdout)
    threshold = next(s["value"] for s in floor if s["name"] == "view.min_confidence")
    assert 0 < len(shown) < len(every)
    assert {e["id"] for e in shown} == {e["id"] for e in every if e["confidence"] >= threshold}
    lowered = json.loads(vigil(seed_db, "--set", "view.min_confidence=0", "events", "--json", "--limit", "1000").stdout)
    assert len(lowered) == len(every)
