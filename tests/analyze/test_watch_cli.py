from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
from typer.testing import CliRunner

from tests.conftest import RECALL_VIEW
from vigil.cli.main import app

EXAMPLES = Path(__file__).resolve().parents[2] / "vigil" / "watches"


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_watch_cli_end_to_end(corpus_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    # Work on a copy: the session corpus stays untouched.
    import sqlite3

    src, dst = sqlite3.connect(corpus_path), sqlite3.connect(db)
    src.backup(dst)
    src.close()
    dst.close()
    run(db, "watch", "create", str(EXAMPLES / "japan-us-2024.yaml"))
    run(db, "watch", "create", str(EXAMPLES / "gbr-us-2020.yaml"))
    listed = json.loads(run(db, "watch", "list", "--json"))
    assert [w["name"] for w in listed] == ["gbr-us-2020", "japan-us-2024"]
    assert run(db, "watch", "show", "japan-us-2024", "--yaml") == (EXAMPLES / "japan-us-2024.yaml").read_text()
    edited = tmp_path / "edited.yaml"
    edited.write_text((EXAMPLES / "japan-us-2024.yaml").read_text().replace("focal: JPN", "focal: JPN  # edited"))
    run(db, "watch", "edit", "japan-us-2024", "--file", str(edited))
    assert "# edited" in run(db, "watch", "show", "japan-us-2024", "--yaml")

    stories = json.loads(run(db, "stories", "--json"))
    assert stories["articles"] == 296 and stories["stories"] < 296

    bridges = json.loads(run(db, "--set", f"view.min_confidence={RECALL_VIEW}", "bridges", "japan-us-2024", "--json"))
    trump = next(b for b in bridges if b["outcome"] == "trump")
    assert trump["bridges"][0]["name"] == "Taro Aso"
    assert "bridge to Trump" in trump["bridges"][0]["evidence"][0]["sentence"]

    timeline = json.loads(run(db, "timeline", "gbr-us-2020", "--outcome", "biden", "--json"))
    assert timeline and all("biden" in t["outcomes"] for t in timeline)
    assert any("Biden" in (t["title"] or "") for t in timeline)

    trends = json.loads(run(db, "trends", "gbr-us-2020", "--json"))
    assert {s["metric"] for s in trends} == {"events", "balance", "tone"}

    run(db, "scenarios", "japan-us-2024", "--set-probability", "trump", "0.45", "--reason", "Iowa result")
    run(db, "scenarios", "japan-us-2024", "--set-probability", "trump", "0.6", "--reason", "New Hampshire")
    history = json.loads(run(db, "scenarios", "japan-us-2024", "--history", "--json"))
    assert [(h["probability"], h["reason"]) for h in history] == [(0.45, "Iowa result"), (0.6, "New Hampshire")]
    board = json.loads(run(db, "scenarios", "japan-us-2024", "--json"))
    assert next(b for b in board if b["outcome"] == "trump")["probability"] == 0.6

    out = tmp_path / "net.graphml"
    run(db, "network", "gbr-us-2020", "--export", "graphml", "-o", str(out))
    assert nx.read_graphml(out).number_of_nodes() > 50

    assert "probability 60%" in run(db, "brief", "japan-us-2024")
    md = run(db, "--set", f"view.min_confidence={RECALL_VIEW}", "brief", "japan-us-2024")
    assert "probability 60%" in md and "Taro Aso" in md  # a bridge, in a view that reads more
    html_out = tmp_path / "b.html"
    run(db, "brief", "japan-us-2024", "--format", "html", "-o", str(html_out))
    assert "<svg" in html_out.read_text() or "Domain trends" in html_out.read_text()
    assert "alerts" in run(db, "alerts", "--help").lower()

    run(db, "watch", "delete", "gbr-us-2020")
    assert [w["name"] for w in json.loads(run(db, "watch", "list", "--json"))] == ["japan-us-2024"]


def test_watch_cli_invalid_file_names_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nfocal: Japan\nsubject: s\n")
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "v.db"), "watch", "create", str(bad)])
    assert result.exit_code != 0
    assert "key 'focal'" in str(result.exception)


def test_watch_edit_keeps_the_users_edits_when_they_do_not_validate(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from vigil.analyze.watches import example_watches

    db = tmp_path / "v.db"
    source = tmp_path / "japan.yaml"
    source.write_text(example_watches()["japan-us-2024.yaml"], encoding="utf-8")
    run(db, "watch", "create", str(source))
    editor = tmp_path / "editor.sh"  # an "editor" that appends an invalid key, as a user might
    editor.write_text('#!/bin/sh\nprintf "\\nfocal_typo: JPN\\n" >> "$1"\n', encoding="utf-8")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    result = CliRunner().invoke(app, ["--db", str(db), "watch", "edit", "japan-us-2024"])
    assert result.exit_code != 0
    message = str(result.exception) + result.output
    assert "focal_typo" in message and "Your edits are kept in" in message
    kept = Path(message.split("Your edits are kept in ")[1].split(";")[0])
    assert kept.read_text(encoding="utf-8").endswith("focal_typo: JPN\n")
    kept.unlink()
    assert "focal_typo" not in run(db, "watch", "show", "japan-us-2024", "--json")


def test_watch_delete_with_history_needs_purge(tmp_path: Path) -> None:
    from vigil.analyze.watches import example_watches

    db = tmp_path / "v.db"
    source = tmp_path / "japan.yaml"
    source.write_text(example_watches()["japan-us-2024.yaml"], encoding="utf-8")
    run(db, "watch", "create", str(source))
    run(db, "scenarios", "japan-us-2024", "--set-probability", "trump", "0.4", "--reason", "test")
    refused = CliRunner().invoke(app, ["--db", str(db), "watch", "delete", "japan-us-2024"])
    assert refused.exit_code != 0 and "--purge" in str(refused.exception)
    run(db, "watch", "delete", "japan-us-2024", "--purge")
    assert "japan-us-2024" not in run(db, "watch", "list")
