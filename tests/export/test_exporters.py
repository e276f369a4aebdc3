"""Exports read back by independent readers: pandas and pyarrow (CSV, Parquet, GDELT TSV), networkx
(GEXF, GraphML), stix2-validator (STIX 2.1), and the GDELT column lists in ../shared's fixtures.

One store per module: the reference article and a few Wikinews articles (read from ../shared; the
subset is written to a temporary CSV), extracted by the real pipeline, with the Japan watch.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tests.conftest import RECALL_VIEW, REFERENCE_ARTICLE, SHARED, WIKINEWS, user_env
from vigil.analyze.networks import build_graph, find_bridges
from vigil.analyze.watches import example_watches
from vigil.analyze.window import load_records
from vigil.cli.main import app
from vigil.coder.labels import ROOT_TO_QUAD, ROOTS
from vigil.config import load_settings
from vigil.export.gdelt import cameo_code, event_number, parse_provenance
from vigil.models import Event
from vigil.store import Store, open_store
from vigil.store import analysis as analysis_store

GDELT_HEADERS = SHARED / "fixtures" / "interop" / "gdelt" / "headers"
GDELT_EVENTS = GDELT_HEADERS / "GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv"
GDELT_MENTIONS = GDELT_HEADERS / "GDELT_2.0_eventMentions_Column_Labels_Header_Row_Sep2016.tsv"
GDELT_SAMPLE = (
    SHARED / "fixtures" / "interop" / "gdelt" / "raw-batch-20150218231500" / "20150218231500.export.head300.CSV"
)
WATCH = "japan-us-2024"
WIKINEWS_ARTICLES = 5


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory, pipeline: Any) -> Path:
    """A store with the reference article and the first Wikinews articles of 2020, extracted."""
    from vigil.ingest.job import ingest

    folder = tmp_path_factory.mktemp("export")
    source = next(p for p in WIKINEWS if p.name.endswith("2020.csv"))
    csv.field_size_limit(1 << 30)
    with open(source, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = [row for _, row in zip(range(WIKINEWS_ARTICLES), reader, strict=False)]
        fields = list(reader.fieldnames or [])
    subset = folder / "wikinews-subset.csv"
    with open(subset, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    path = folder / "vigil.db"
    with open_store(path) as store:
        result = ingest([str(subset), str(REFERENCE_ARTICLE)], store, load_settings(env={}), extractor=pipeline)
        assert result.extracted == WIKINEWS_ARTICLES + 1
        analysis_store.save_watch_yaml(store, WATCH, example_watches()[f"{WATCH}.yaml"], create=True)
    return path


@pytest.fixture(scope="module")
def store(db_path: Path) -> Iterator[Store]:
    s = open_store(db_path)
    yield s
    s.close()


@pytest.fixture(scope="module")
def events(store: Store) -> list[Event]:
    """The events an export holds: the default view's (confidence at least view.min_confidence)."""
    from vigil.analyze.window import VIEW_MIN_CONFIDENCE

    every = store.events(limit=None)
    found = [e for e in every if e.confidence >= VIEW_MIN_CONFIDENCE]
    assert len(every) > len(found) > 10  # a store with something to export, and something left out
    return found


def _every_event(db: Path) -> list[Event]:
    with open_store(db) as s:
        return s.events(limit=None)


def export(db_path: Path, *args: str, min_confidence: float | None = None) -> str:
    """Run ``vigil export`` in this process (with ``view.min_confidence`` set when given); return its output."""
    view = ["--set", f"view.min_confidence={min_confidence}"] if min_confidence is not None else []
    result = CliRunner().invoke(app, ["--db", str(db_path), *view, "export", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def vigil(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``vigil`` as a user does (exit codes are set by its entry point)."""
    return subprocess.run(
        [sys.executable, "-m", "vigil", "--db", str(db_path), *args],
        capture_output=True,
        text=True,
        check=False,
        env=user_env(db_path.parent),
    )


def gdelt_columns(path: Path, sep: str) -> list[str]:
    return pd.read_csv(path, sep=sep)["tableId"].tolist()


def read_gdelt(path: Path | io.BytesIO, columns: list[str]) -> pd.DataFrame:
    """A GDELT TSV as GDELT's users read it: no header, tab-separated, never quoted."""
    return pd.read_csv(path, sep="\t", header=None, names=columns, dtype=str, keep_default_na=False, quoting=3)


# --- GDELT --------------------------------------------------------------------------------------


def test_gdelt_events_tsv_has_the_61_columns_and_the_stores_events(
    db_path: Path, store: Store, events: list[Event], tmp_path: Path
) -> None:
    columns = gdelt_columns(GDELT_EVENTS, ",")
    assert len(columns) == 61
    # The reader is right for GDELT's own files: the real sample parses into the same 61 columns.
    sample = read_gdelt(GDELT_SAMPLE, columns)
    assert sample.shape == (300, 61) and sample["DATEADDED"].str.fullmatch(r"\d{14}").all()

    out = tmp_path / "events.tsv"
    assert "events" in export(db_path, "gdelt", "-o", str(out))
    raw = out.read_text(encoding="utf-8").splitlines()
    assert all(line.count("\t") == 60 for line in raw)  # 61 cells on every line, no header row
    df = read_gdelt(out, columns)
    assert len(df) == len(events)
    by_number = {event_number(e.id): e for e in events}
    assert len(by_number) == len(events)  # the 15-hex-digit ids do not collide
    assert set(df["GLOBALEVENTID"].astype(int)) == set(by_number)
    articles = {a.id: a for a in analysis_store.load_articles(store)}
    for _, row in df.iterrows():
        e = by_number[int(row["GLOBALEVENTID"])]
        day = e.when or articles[e.article_id].published  # SQLDATE: when the event happened
        assert row["SQLDATE"] == day.strftime("%Y%m%d") and row["Year"] == str(day.year)
        assert row["EventCode"] == cameo_code(e.cameo) and row["EventRootCode"] == (e.cameo or "")[:2]
        assert row["QuadClass"] == str(max(1, e.quad or 0))
        url, article_id, sentence = parse_provenance(row["SOURCEURL"]) or (None, "", -1)
        assert (article_id, sentence) == (e.article_id, e.sentence_index)
        assert url == articles[e.article_id].url
        assert row["DATEADDED"] == articles[e.article_id].ingested_at.strftime("%Y%m%d%H%M%S")
    gov = df[df["Actor1Code"] == "JPNGOV"]
    assert len(gov) and (gov["Actor1CountryCode"] == "JPN").all() and (gov["Actor1Type1Code"] == "GOV").all()


def test_gdelt_mentions_tsv_carries_the_sentence_and_offsets(
    db_path: Path, store: Store, events: list[Event], tmp_path: Path
) -> None:
    columns = gdelt_columns(GDELT_MENTIONS, "\t")
    assert len(columns) == 16
    out = tmp_path / "mentions.tsv"
    export(db_path, "gdelt-mentions", "-o", str(out))
    df = read_gdelt(out, columns)
    assert len(df) == len(events)
    by_number = {event_number(e.id): e for e in events}
    for _, row in df.iterrows():
        e = by_number[int(row["GLOBALEVENTID"])]
        art = store.get_article(e.article_id)
        assert art is not None
        assert int(row["SentenceID"]) == e.sentence_index + 1
        assert parse_provenance(row["MentionIdentifier"]) == (art.url, e.article_id, e.sentence_index)
        assert int(row["ActionCharOffset"]) == (e.trigger_span[0] if e.trigger_span else -1)
        if e.source_span is not None and e.source_text:
            start = int(row["Actor1CharOffset"])
            assert art.text[start : start + len(e.source_text)] == e.source_text
        assert 0 <= int(row["Confidence"]) <= 100 and int(row["MentionDocLen"]) == len(art.text)


# --- PLOVER JSON -------------------------------------------------------------------------------

PLOVER_KEYS = {
    "event_id": str,
    "event_date": str,
    "event_type": (str, type(None)),
    "event_mode": (str, type(None)),
    "quad_code": int,
    "contexts": list,
    "actor_name": (str, type(None)),
    "actor_country": (str, type(None)),
    "actor_sectors": list,
    "recipient_name": (str, type(None)),
    "recipient_country": (str, type(None)),
    "recipient_sectors": list,
    "source": (str, type(None)),
    "publication_date": (str, type(None)),
    "version": str,
    "article_id": str,
    "sentence_index": int,
    "event_text": str,
    "cameo_code": (str, type(None)),
    "modality": str,
    "confidence": float,
}


def test_plover_json_has_the_polecat_fields_and_the_sentence(
    db_path: Path, store: Store, events: list[Event], tmp_path: Path
) -> None:
    out = tmp_path / "events.json"
    export(db_path, "plover", "-o", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(doc, list) and len(doc) == len(events)
    by_id = {e.id: e for e in events}
    for item in doc:
        for key, kind in PLOVER_KEYS.items():
            assert isinstance(item[key], kind), (key, item[key])
        e = by_id[item["event_id"]]
        assert item["event_date"] == e.when.isoformat() if e.when else item["event_date"] is None
        assert item["event_date_granularity"] == (e.occurred_granularity.value if e.occurred_granularity else None)
        assert item["event_type"] == e.root and (e.root is None or e.root in ROOTS)
        assert item["quad_code"] == (ROOT_TO_QUAD[e.root] if e.root else 0)
        assert item["actor_id"] == e.source_actor and item["recipient_id"] == e.target_actor
        art = store.get_article(e.article_id)
        assert art is not None and item["event_text"] and item["event_text"] in art.text
        if e.source_text:
            assert item["actor_name_raw"] == e.source_text
    japan = [i for i in doc if i["actor_id"] == "gov:JPN"]
    assert japan and all(i["actor_country"] == "JPN" and i["actor_primary_sector"] == "GOV" for i in japan)


# --- CSV and Parquet ---------------------------------------------------------------------------


def test_csv_and_parquet_tables_read_back_with_pandas_and_pyarrow(
    db_path: Path, store: Store, events: list[Event], tmp_path: Path
) -> None:
    export(db_path, "csv", "-o", str(tmp_path / "csv"))
    export(db_path, "parquet", "-o", str(tmp_path / "parquet"))
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == ["actors.csv", "events.csv", "mentions.csv"]
    ev_csv = pd.read_csv(tmp_path / "csv" / "events.csv", dtype={"cameo": str})
    ev_pq = pq.read_table(tmp_path / "parquet" / "events.parquet").to_pandas()
    assert len(ev_csv) == len(ev_pq) == len(events)
    assert list(ev_csv["event_id"]) == list(ev_pq["event_id"])
    assert set(ev_csv["event_id"]) == {e.id for e in events}
    by_id = {e.id: e for e in events}
    for _, row in ev_pq.iterrows():
        e = by_id[row["event_id"]]
        assert row["quad_class"] == e.quad and row["sentence_index"] == e.sentence_index
        assert list(row["contexts"]) == list(e.contexts)  # a real list column in Parquet
        assert (row["date"] or None) == (e.when.isoformat() if e.when else None)
        granularity = e.occurred_granularity.value if e.occurred_granularity else None
        assert (row["date_granularity"] or None) == granularity
    assert str(ev_pq["quad_class"].dtype) == "int64" and str(ev_pq["confidence"].dtype) == "float64"

    actors = pq.read_table(tmp_path / "parquet" / "actors.parquet").to_pandas()
    named = {x for e in events for x in (e.source_actor, e.target_actor) if x}
    assert named <= set(actors["actor_id"])
    japan = actors.set_index("actor_id").loc["gov:JPN"]
    assert japan["country"] == "JPN" and japan["events_as_source"] == sum(e.source_actor == "gov:JPN" for e in events)
    actors_csv = pd.read_csv(tmp_path / "csv" / "actors.csv")
    assert list(actors_csv["actor_id"]) == list(actors["actor_id"])

    mentions = pd.read_csv(tmp_path / "csv" / "mentions.csv")
    stored = sum(len(store.mentions(a.id)) for a in analysis_store.load_articles(store))
    assert len(mentions) == stored == len(pq.read_table(tmp_path / "parquet" / "mentions.parquet"))
    art = store.get_article(mentions.iloc[0]["article_id"])
    assert art is not None and art.text[mentions.iloc[0]["start"] : mentions.iloc[0]["end"]] == mentions.iloc[0]["text"]


def test_tables_to_a_zip_file(db_path: Path, events: list[Event], tmp_path: Path) -> None:
    out = tmp_path / "tables.zip"
    export(db_path, "parquet", "-o", str(out))
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["actors.parquet", "events.parquet", "mentions.parquet"]
        table = pq.read_table(io.BytesIO(zf.read("events.parquet")))
    assert table.num_rows == len(events)


# --- GEXF and GraphML --------------------------------------------------------------------------


def test_watch_network_as_gexf_and_graphml(db_path: Path, store: Store, tmp_path: Path) -> None:
    # the reference article's bridge needs the recall view (tests/conftest.py)
    export(db_path, "gexf", "--watch", WATCH, "-o", str(tmp_path / "net.gexf"), min_confidence=RECALL_VIEW)
    export(db_path, "graphml", "--watch", WATCH, "-o", str(tmp_path / "net.graphml"), min_confidence=RECALL_VIEW)
    from vigil.export.select import watch_by_name

    watch = watch_by_name(store, WATCH)
    records = load_records(store, since=watch.start, until=watch.end, min_confidence=RECALL_VIEW)
    expected = build_graph(records, since=watch.start, until=watch.end)
    found = [b for ob in find_bridges(records, watch, expected) for b in ob.bridges]
    bridges = {b.actor for b in found}
    bridge_ties = {frozenset((b.actor, x)) for b in found for x in (*b.focal_ties, *b.camp_ties)}
    assert expected.graph.number_of_edges() > 0 and bridges  # the reference article has bridges
    for g in (nx.read_gexf(tmp_path / "net.gexf"), nx.read_graphml(tmp_path / "net.graphml")):
        assert set(g.nodes) == set(expected.graph.nodes)
        assert {(a, b) for a, b in g.edges} == set(expected.graph.edges)
        for node, data in g.nodes(data=True):
            assert data["name"] == records.name(node)
            assert data["country"] == (records.actor_country(node) or "")
            assert "sector" in data and data["bridge"] == (node in bridges)
        for a, b, data in g.edges(data=True):
            want = expected.graph[a][b]
            assert int(data["weight"]) == want["weight"] and int(data["quad"]) == want["quad"]
            days = sorted(e.when for e, _ in expected.evidence[(a, b)] if e.when)
            assert data["first_date"] == days[0].isoformat() and data["last_date"] == days[-1].isoformat()
            assert isinstance(data["bridge"], bool)
            assert data["bridge"] == (frozenset((a, b)) in bridge_ties)
        assert any(d["bridge"] for _, _, d in g.edges(data=True))


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_network_export_is_the_export_writers_file(db_path: Path, tmp_path: Path, fmt: str) -> None:
    """`vigil network WATCH --export FMT` writes the graph `vigil export FMT --watch WATCH` writes, with the
    ties' dates and the bridge flags."""
    via_export, via_network = tmp_path / f"export.{fmt}", tmp_path / f"network.{fmt}"
    # the reference article's bridge needs the recall view (tests/conftest.py)
    export(db_path, fmt, "--watch", WATCH, "-o", str(via_export), min_confidence=RECALL_VIEW)
    view = ["--set", f"view.min_confidence={RECALL_VIEW}"]
    args = ["--db", str(db_path), *view, "network", WATCH, "--export", fmt, "-o", str(via_network)]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0 and f"ties to {via_network}" in result.output, result.output
    read = nx.read_gexf if fmt == "gexf" else nx.read_graphml
    one, other = read(via_export), read(via_network)
    assert other.number_of_edges() > 0 and nx.utils.graphs_equal(one, other)
    assert all(d["first_date"] and isinstance(d["bridge"], bool) for _, _, d in other.edges(data=True))
    assert any(d["bridge"] for _, _, d in other.edges(data=True))


# --- STIX 2.1 ----------------------------------------------------------------------------------


def test_stix_bundle_validates_and_holds_actors_ties_and_the_brief(db_path: Path, store: Store, tmp_path: Path) -> None:
    from stix2validator import ValidationOptions, validate_instance

    out = tmp_path / "bundle.json"
    export(db_path, "stix", "--watch", WATCH, "-o", str(out))
    bundle = json.loads(out.read_text(encoding="utf-8"))
    result = validate_instance(bundle, ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors]
    # The only warning: an external reference (an article's URL) without a hash of the page.
    assert {w.split("}")[0] for w in map(str, result.warnings or [])} <= {"{302"}

    objects = bundle["objects"]
    by_type: dict[str, list[dict[str, Any]]] = {}
    for obj in objects:
        by_type.setdefault(obj["type"], []).append(obj)
    ids = {o["id"] for o in objects}
    graph = nx.read_gexf(io.BytesIO(_download(db_path, "gexf")))
    assert len(by_type["relationship"]) == graph.number_of_edges()
    actors = [o for o in by_type["identity"] if o["identity_class"] != "system"]
    (ext_id,) = [o["id"] for o in by_type["extension-definition"]]
    assert {o["extensions"][ext_id]["actor_id"] for o in actors} >= set(graph.nodes)
    for rel in by_type["relationship"]:
        assert rel["source_ref"] in ids and rel["target_ref"] in ids
        assert rel["start_time"] <= rel["stop_time"]
        assert rel["external_references"]  # every tie cites its sentences
    (report,) = by_type["report"]
    assert set(report["object_refs"]) <= ids and "#" in report["description"]


def _download(db_path: Path, fmt: str, **params: str) -> bytes:
    from fastapi.testclient import TestClient

    from vigil.api import create_app

    with TestClient(create_app(load_settings(env={}), db_path), base_url="http://127.0.0.1") as client:
        r = client.get(f"/api/export/{fmt}", params={"watch": WATCH, **params})
        assert r.status_code == 200, r.text
        return r.content


# --- API ---------------------------------------------------------------------------------------


def test_api_downloads_match_the_cli_files(db_path: Path, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from vigil.api import create_app

    export(db_path, "gdelt", "--watch", WATCH, "-o", str(tmp_path / "w.tsv"))
    export(db_path, "plover", "--watch", WATCH, "-o", str(tmp_path / "w.json"))
    with TestClient(create_app(load_settings(env={}), db_path), base_url="http://127.0.0.1") as client:
        r = client.get("/api/export/gdelt", params={"watch": WATCH})
        assert r.status_code == 200 and r.content == (tmp_path / "w.tsv").read_bytes()
        assert r.headers["content-disposition"] == f'attachment; filename="vigil-{WATCH}-gdelt.tsv"'
        assert r.headers["x-vigil-export-counts"] == f"events={len(r.content.splitlines())}"
        assert client.get("/api/export/plover", params={"watch": WATCH}).content == (tmp_path / "w.json").read_bytes()
        zipped = client.get("/api/export/csv", params={"watch": WATCH})
        assert zipped.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(zipped.content)) as zf:
            assert len(pd.read_csv(io.BytesIO(zf.read("events.csv")))) == len(
                json.loads((tmp_path / "w.json").read_text())
            )
        one = client.get("/api/export/parquet", params={"table": "actors"})
        assert one.status_code == 200 and pq.read_table(io.BytesIO(one.content)).num_rows > 0
        for url, status in (
            ("/api/export/docx", 404),
            ("/api/export/gdelt?watch=no-such-watch", 404),
            ("/api/export/gdelt?since=2024-02-01&until=2024-01-01", 422),
            ("/api/export/gdelt?since=yesterday", 422),
            ("/api/export/gexf?table=events", 422),
        ):
            bad = client.get(url)
            assert bad.status_code == status and bad.json()["ok"] is False, url
        listed = client.get("/api/export").json()["items"]
        assert {f["name"] for f in listed} >= {"plover", "gdelt", "csv", "parquet", "gexf", "graphml", "stix"}
        page = client.get(f"/watches/{WATCH}").text
        assert f'href="/api/export/gexf?watch={WATCH}"' in page and f'href="/api/export/stix?watch={WATCH}"' in page


def test_api_export_needs_the_token_when_the_server_has_one(db_path: Path) -> None:
    from fastapi.testclient import TestClient

    from vigil.api import create_app

    app_ = create_app(load_settings(env={}), db_path, token="secret-token-0123456789")
    with TestClient(app_, base_url="http://127.0.0.1") as client:
        assert client.get("/api/export/gdelt").status_code == 401
        ok = client.get("/api/export/gdelt", headers={"Authorization": "Bearer secret-token-0123456789"})
        assert ok.status_code == 200 and ok.content


def test_issue22_actor_table_reads_roles_on_the_selections_last_day(db_path: Path, tmp_path: Path) -> None:
    # every event: the reference article's ties to Trump are coded under the default view
    export(db_path, "csv", "--since", "2024-01-01", "-o", str(tmp_path / "ref"), min_confidence=0.0)
    actors = pd.read_csv(tmp_path / "ref" / "actors.csv").set_index("actor_id")
    assert set(actors["as_of"]) == {"2024-01-27"}
    trump = actors.loc["person:donald-trump"]
    assert (trump["country"], trump["sector"]) == ("USA", "PTY")  # a candidate then, not the government
    assert trump["role"] == "Republican presidential candidate 2022-11-15 → 2024-07-14"
    assert actors.loc["person:fumio-kishida", "role"] == "prime minister 2021-10-04 → 2024-10-01"
    events = pd.read_csv(tmp_path / "ref" / "events.csv")
    sectors = set(events[events["source_actor"] == "person:donald-trump"]["source_sector"])
    sectors |= set(events[events["target_actor"] == "person:donald-trump"]["target_sector"])
    assert sectors == {"PTY"}


# --- selection and bad input -------------------------------------------------------------------


def test_since_until_and_watch_select_events(db_path: Path, events: list[Event], tmp_path: Path) -> None:
    out = tmp_path / "window.json"
    export(db_path, "plover", "--since", "2020-01-01", "--until", "2020-12-31", "-o", str(out))
    got = {i["event_id"] for i in json.loads(out.read_text())}
    # Articles published in 2020, and of those the events that happened in 2020.
    year = (date(2020, 1, 1), date(2020, 12, 31))
    want = {e.id for e in events if e.date and e.when and all(year[0] <= d <= year[1] for d in (e.date, e.when))}
    assert got == want and want
    export(db_path, "plover", "--watch", WATCH, "-o", str(out))
    in_watch = json.loads(out.read_text())
    assert in_watch and all(i["event_date"].startswith("2024") for i in in_watch)


def test_bad_input_exits_2_and_writes_nothing(db_path: Path, tmp_path: Path) -> None:
    kept = tmp_path / "kept.tsv"
    kept.write_text("an earlier export\n", encoding="utf-8")
    cases = [
        (("export", "docx", "-o", str(kept)), "Unknown export format 'docx'"),
        (("export", "gdelt", "--watch", "no-such-watch", "-o", str(kept)), "No watch named 'no-such-watch'"),
        (("export", "gdelt", "--since", "2024-13-01", "-o", str(kept)), "is not a date"),
        (("export", "gdelt", "--since", "2024-02-01", "--until", "2024-01-01", "-o", str(kept)), "before --since"),
        (("export", "gdelt", "-o", str(tmp_path / "missing" / "out.tsv")), "is not an existing folder"),
        (("export", "gdelt", "-o", str(kept / "out.tsv")), "is not an existing folder"),
        (("export", "gdelt", "-o", str(tmp_path)), "is a folder"),
        (("export", "csv", "-o", str(kept)), "is a file"),
        (("export", "gdelt"), "--output"),
    ]
    for args, message in cases:
        done = vigil(db_path, *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert message in done.stderr, (args, done.stderr)
    assert kept.read_text(encoding="utf-8") == "an earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.tsv"]  # no partial or temporary file


def test_a_write_that_fails_midway_leaves_the_earlier_file(db_path: Path, tmp_path: Path) -> None:
    """A real write failure (the file-size limit, as a full disk would): exit 2, the earlier file intact."""
    import resource

    from tests.conftest import copy_store

    work = tmp_path / "work"
    work.mkdir()
    store_copy = copy_store(db_path, work / "vigil.db")
    whole = work / "whole.json"
    export(store_copy, "plover", "-o", str(whole))  # the default view
    assert len(json.loads(whole.read_text(encoding="utf-8"))) < len(_every_event(store_copy))
    export_all = CliRunner().invoke(
        app, ["--db", str(store_copy), "--set", "view.min_confidence=0", "export", "plover", "-o", str(whole)]
    )
    assert export_all.exit_code == 0 and len(json.loads(whole.read_text(encoding="utf-8"))) == len(
        _every_event(store_copy)
    )
    # Above what opening the store writes (SQLite's 32 KiB shared-memory file), below the export.
    limit = 40 * 1024
    assert whole.stat().st_size > limit + 32 * 1024
    out = tmp_path / "events.json"
    out.write_text("an earlier export\n", encoding="utf-8")

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "vigil", "--db", str(store_copy), "--set", "view.min_confidence=0"]
        + ["export", "plover", "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
        env=user_env(work),
        preexec_fn=small_files,
    )
    assert done.returncode == 2, done.stderr
    assert "Could not write" in done.stderr and "earlier file is kept" in done.stderr
    assert out.read_text(encoding="utf-8") == "an earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.json", "work"]


def test_gdelt_export_imports_back_to_the_same_events(db_path: Path, events: list[Event], tmp_path: Path) -> None:
    """Round trip: `vigil export gdelt` then `vigil import gdelt-events` gives back every exported event."""
    from vigil.imports import import_files

    out = tmp_path / "events.tsv"
    export(db_path, "gdelt", "-o", str(out))
    with open_store(tmp_path / "back.db") as back:
        result = import_files("gdelt-events", [str(out)], back)
        imported = back.events(limit=None, coders=["GDELT"])
    assert len(imported) == len(events) and not result.rejected

    def key(e: Event) -> tuple[Any, ...]:
        return (e.when, e.root, e.quad, (e.cameo or "")[:2])  # GDELT's SQLDATE is the event's date

    assert sorted(map(key, imported), key=repr) == sorted(map(key, events), key=repr)


def test_plover_export_imports_back_to_the_same_events(
    db_path: Path, store: Store, events: list[Event], tmp_path: Path
) -> None:
    """Round trip: `vigil export plover` then `vigil import plover` into a new store gives back every
    exported event (date, root, quad, modality, actors and their countries), each on a provenance record
    of its article; a second import adds nothing."""
    from vigil.imports import import_files

    out = tmp_path / "events.json"
    export(db_path, "plover", "-o", str(out))
    with open_store(tmp_path / "back.db") as back:
        first = import_files("plover", [str(out)], back)
        second = import_files("plover", [str(out)], back)
        imported = back.events(limit=None, coders=["PLOVER"])
        records = {a.id: a for a in back.articles(include_imported=True, limit=None)}
        assert not back.articles(limit=None)  # provenance records are not readable articles
    assert first.total("imported") == len(events) == len(imported) and not first.rejected
    assert second.total("imported") == 0 and second.total("existing") == len(events)

    def key(e: Event) -> tuple[Any, ...]:
        return (e.when, e.root, e.quad, e.modality, e.source_actor, e.target_actor, e.contexts, e.sentence_index)

    assert sorted(map(key, imported), key=repr) == sorted(map(key, events), key=repr)
    by_id = {e.id: e for e in events}
    for e in imported:
        original = by_id[e.id.removeprefix("PLOVER-")]
        record, article = records[e.article_id], store.get_article(original.article_id)
        assert article is not None and record.imported == "PLOVER" and not record.text
        assert (record.url, record.title, record.published) == (article.url, article.title, article.published)
        assert e.coder == "PLOVER" and e.extractor.startswith("import:plover VIGIL")
    with open_store(tmp_path / "back.db") as back:  # the actors come back with their names and countries
        for item in json.loads(out.read_text(encoding="utf-8")):
            for side in ("actor", "recipient"):
                if item[f"{side}_id"] is None:
                    continue
                actor = back.get_actor(item[f"{side}_id"])
                assert actor is not None and actor.name == item[f"{side}_name"], item
                day = date.fromisoformat(item["event_date"]) if item["event_date"] else None
                assert item[f"{side}_country"] in (actor.country, actor.standing_on(day).country), item
