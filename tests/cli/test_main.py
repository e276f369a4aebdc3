from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import SEED, SHARED, WIKINEWS, user_env


def vigil(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vigil", "--db", str(db), *args],
        capture_output=True,
        text=True,
        check=False,
        env=user_env(db.parent),
    )


def test_cli_ingest_status_articles_show(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    done = vigil(db, "ingest", "--no-extract", "--json", *map(str, WIKINEWS), str(SEED))
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["ingested"] == 296 and summary["rejected"] == []
    status = json.loads(vigil(db, "status", "--json").stdout)
    assert status["articles"] == 296
    assert status["first_date"] == "2019-01-04" and status["last_date"] == "2024-01-27"
    assert status["languages"] == [{"language": "en", "articles": 296}]
    assert status["size_bytes"] > 0 and status["store"] == str(db)
    found = json.loads(vigil(db, "articles", "--search", "Kishida", "--json").stdout)
    assert [a["published"] for a in found] == ["2024-01-27"]
    shown = vigil(db, "show", found[0]["id"][:10])
    assert shown.returncode == 0 and "Taro Aso" in shown.stdout and "dateline" in shown.stdout
    window = json.loads(
        vigil(db, "articles", "--since", "2020-06-01", "--until", "2020-06-30", "--json", "--limit", "500").stdout
    )
    assert window and all("2020-06-01" <= a["published"] <= "2020-06-30" for a in window)
    again = json.loads(vigil(db, "ingest", "--no-extract", "--json", *map(str, WIKINEWS)).stdout)
    assert again["ingested"] == 0 and again["exact_duplicates"] == 295


def test_cli_exit_code_1_when_some_inputs_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps({"text": "A perfectly good article about the alliance and trade talks.", "date": "2024-01-02"})
        + "\n{not json\n",
        encoding="utf-8",
    )
    done = vigil(tmp_path / "v.db", "ingest", "--no-extract", str(bad))
    assert done.returncode == 1
    assert "ingested 1" in done.stdout and "rejected 1" in done.stdout
    assert "bad.jsonl" in done.stdout


def test_cli_exit_code_2_for_usage_and_fatal_errors(tmp_path: Path) -> None:
    missing = vigil(tmp_path / "v.db", "ingest", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    bad_format = vigil(tmp_path / "v.db", "ingest", "--format", "docx", str(SEED))
    assert bad_format.returncode == 2
    no_store = vigil(tmp_path / "v.db", "show", "0000000000")
    assert no_store.returncode == 2 and "No store at" in no_store.stderr and not (tmp_path / "v.db").exists()
    assert vigil(tmp_path / "v.db", "ingest", "--no-extract", str(SEED)).returncode == 0
    no_article = vigil(tmp_path / "v.db", "show", "0000000000")
    assert no_article.returncode == 2 and "No article" in no_article.stderr
    bad_date = vigil(tmp_path / "v.db", "articles", "--since", "yesterday")
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr


def test_cli_settings_documented() -> None:
    from vigil.config import SETTINGS

    out = subprocess.run(
        [sys.executable, "-m", "vigil", "settings", "--json"], capture_output=True, text=True, check=True
    )
    listed = {s["name"]: s for s in json.loads(out.stdout)}
    assert set(listed) == {s.name for s in SETTINGS}
    assert all(s["help"] for s in listed.values())


def test_cli_every_command_has_help() -> None:
    import typer.main

    from vigil.cli.main import app

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help, f"command {name} has no help"


def test_cli_feeds_ingest(tmp_path: Path) -> None:
    done = vigil(tmp_path / "v.db", "ingest", "--no-extract", "--json", str(SHARED / "fixtures" / "feeds"))
    assert done.returncode == 0, done.stdout
    summary = json.loads(done.stdout)
    assert summary["ingested"] > 100 and summary["exact_duplicates"] > 0


def test_cli_loads_no_model_or_dedupe_library_until_needed() -> None:
    """Commands that read the store start without spaCy, torch or datasketch (and its scipy)."""
    code = (
        "import sys\n"
        "import vigil.cli.main\n"
        "print(sorted(m for m in ('datasketch', 'scipy', 'spacy', 'thinc', 'torch') if m in sys.modules))\n"
        "from vigil.ingest.dedupe import signature\n"
        "assert len(signature('one two three four').band_keys()) == 32\n"
        "print('datasketch' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["[]", "True"]
