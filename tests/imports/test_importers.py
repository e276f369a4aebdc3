"""``vigil import``: every importer on every fixture file of its format (real rows, read from ../shared).

Store-level tests take the ``store`` fixture and run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from tests.conftest import SHARED
from vigil.analyze.networks import build_graph
from vigil.analyze.watches import WatchError, parse_watch
from vigil.analyze.window import load_records
from vigil.imports import ImportResult, import_files
from vigil.imports.actors import icews_sector
from vigil.imports.gkg import GKG2_COLUMNS
from vigil.imports.mapping import acled_root, cameo_to_plover
from vigil.imports.readers import GDELT1_EVENT_COLUMNS, GDELT2_EVENT_COLUMNS, GDELT_MENTION_COLUMNS
from vigil.models import Article, DateSource, Event, Modality
from vigil.store import Store, open_store, schema

INTEROP = SHARED / "fixtures" / "interop"
GDELT = INTEROP / "gdelt"
SPARK = GDELT / "spark-gdelt"
BATCH15 = GDELT / "raw-batch-20150218231500"
BATCH19 = GDELT / "raw-batch-20191024143000"
ICEWS = INTEROP / "icews" / "events.2018.sample.head1000.tab"
ACLED = INTEROP / "acled" / "acled_benin_2022.head200.csv"
NEWS_PLEASE = INTEROP / "news-please"
# GDELT GKG fixtures: (records imported, already there) on a first import. GKG 1.0 rows describe every
# document in their SOURCEURLS: 95 rows of gkg1.csv name 119 documents; gkg1Count.csv's 100 rows name 210
# distinct (count, document) pairs, 14 of them again on the 10 lines the file repeats word for word.
GKG_FILES = {
    SPARK / "gkg.csv": (100, 0),
    SPARK / "gkgT.head25.csv": (25, 0),
    SPARK / "gkg1.csv": (119, 0),
    SPARK / "gkg1Count.csv": (196, 14),
}
PLOVER_GSR = SHARED / "eval" / "dev" / "plover_gsr_dev.events.jsonl"

# Every Events fixture: imported rows (none is rejected).
EVENT_FILES = {
    SPARK / "events.csv": 100,
    SPARK / "eventsT.csv": 100,
    SPARK / "events1.csv": 100,  # GDELT 1.0: 40 rows of 57 columns (backfile, no URL) and 60 of 58
    BATCH15 / "20150218231500.export.head300.CSV": 300,
    BATCH19 / "20191024143000.export.head200.CSV": 200,
}
# Mentions after all the Events files: (new events in other documents, events whose own document
# gives their sentence, rejected because their event is not in any fixture).
MENTION_FILES = {
    SPARK / "mentions.csv": (0, 52, 48),
    SPARK / "mentionsT.csv": (0, 37, 63),
    BATCH15 / "20150218231500.mentions.head1000.CSV": (17, 232, 751),
}

pytestmark = pytest.mark.skipif(not INTEROP.is_dir(), reason="needs ../shared/fixtures/interop")


def _counts(result: ImportResult, path: Path) -> dict[str, int]:
    return result.files[str(path)].to_dict()


# --- code tables ------------------------------------------------------------------------------------


def test_gdelt_column_lists_match_the_codebook_headers() -> None:
    with (GDELT / "headers" / "GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv").open(encoding="utf-8") as f:
        v2 = [row["tableId"] for row in csv.DictReader(f)]
    v1 = (GDELT / "headers" / "GDELT_1.0_event_Column_Labels_Header_Row_Sep2016.tsv").read_text("utf-8").split()
    mentions = (GDELT / "headers" / "GDELT_2.0_eventMentions_Column_Labels_Header_Row_Sep2016.tsv").read_text("utf-8")
    assert list(GDELT2_EVENT_COLUMNS) == v2
    assert list(GDELT1_EVENT_COLUMNS) == v1[1:]  # the file starts with the label "tableId"
    assert list(GDELT_MENTION_COLUMNS) == [line.split("\t")[1] for line in mentions.splitlines()[1:] if line.strip()]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("043", ("CONSULT", 1)),
        ("040", ("CONSULT", 1)),
        ("010", (None, 0)),
        ("020", ("REQUEST", 3)),
        ("036", ("AGREE", 1)),
        ("057", ("AGREE", 1)),
        ("051", ("SUPPORT", 1)),
        ("0841", ("YIELD", 2)),
        ("112", ("ACCUSE", 3)),
        ("173", ("COERCE", 4)),
        ("190", ("ASSAULT", 4)),
        ("203", ("ASSAULT", 4)),
    ],
)
def test_cameo_codes_map_to_plover_roots_and_quads(code: str, expected: tuple[str | None, int]) -> None:
    assert cameo_to_plover(code) == expected


@pytest.mark.parametrize("code", ["", "21", "0", "ABC", "12345"])
def test_non_cameo_codes_are_refused(code: str) -> None:
    with pytest.raises(KeyError):
        cameo_to_plover(code)


def test_acled_types_map_to_plover_roots() -> None:
    assert acled_root("Battles", "Armed clash") == "ASSAULT"
    assert acled_root("Riots", "Mob violence") == "ASSAULT"
    assert acled_root("Riots", "Violent demonstration") == "PROTEST"
    assert acled_root("Protests", "Excessive force against protesters") == "ASSAULT"
    assert acled_root("Strategic developments", "Arrests") == "COERCE"
    assert acled_root("Strategic developments", "Other") is None
    with pytest.raises(KeyError):
        acled_root("Sports", "Football")


def test_icews_sectors_pick_the_most_specific() -> None:
    assert icews_sector("Military,Government") == "MIL"
    assert icews_sector("Executive,Foreign Ministry,Government") == "GOV"
    assert icews_sector("Parties,(National) Major Party,Government Major Party (In Government)") == "PTY"
    assert icews_sector("NA") is None


# --- the importers on every fixture file ----------------------------------------------------------------


def _import_all_events(store: Store) -> None:
    result = import_files("gdelt-events", [str(p) for p in EVENT_FILES], store)
    assert {Path(p): c.imported for p, c in result.files.items()} == EVENT_FILES
    assert result.rejected == [] and result.exit_code == 0


def test_gdelt_events_mentions_import_and_reimport(store: Store) -> None:
    _import_all_events(store)
    assert store.count(schema.events) == 800
    again = import_files("gdelt-events", [str(p) for p in EVENT_FILES], store)
    assert again.total("imported") == 0 and again.total("existing") == 800
    assert store.count(schema.events) == 800

    first = import_files("gdelt-mentions", [str(p) for p in MENTION_FILES], store)
    for path, (new, updated, rejected) in MENTION_FILES.items():
        c = _counts(first, path)
        assert (c["imported"], c["updated"], c["rejected"]) == (new, updated, rejected), path
    missing = next(r for r in first.rejected if r.origin == str(SPARK / "mentions.csv"))
    assert missing.location == "line 6" and "GDELT-410368256 is not in the store" in missing.reason
    assert store.count(schema.events) == 817
    second = import_files("gdelt-mentions", [str(p) for p in MENTION_FILES], store)
    assert second.total("imported") == 0 and second.total("updated") == 0
    assert second.total("existing") == 17 + 52 + 37 + 232
    assert store.count(schema.events) == 817

    # GDELT 2.0 row 1 of spark-gdelt/events.csv: an unnamed country-less GOV actor ("PRESIDENT") makes a
    # speech act 043 (consult) ; the mentions file gave it sentence 19 of its SOURCEURL (index 18).
    e = store.events(coders=["GDELT"], limit=None)
    by_id = {x.id: x for x in e}
    first_row = by_id["GDELT-410412347"]
    assert (first_row.root, first_row.quad, first_row.cameo) == ("CONSULT", 1, "043")
    assert first_row.target_actor == "prov:generic:president" and first_row.target_text == "PRESIDENT"
    assert first_row.sentence_index == 18 and first_row.coder == "GDELT"
    record = store.get_article(first_row.article_id)
    assert record is not None and record.imported == "GDELT"
    assert record.url is not None and record.url.startswith("http://www.dailymaverick.co.za/article/2015-02-19")
    assert record.text == "" and "imported from GDELT" in (record.provenance or "")
    # country codes and the knowledge base
    assert by_id["GDELT-410412348"].target_actor == "country:IND"
    assert (by_id["GDELT-410412323"].source_actor, by_id["GDELT-410412323"].target_actor) == ("gov:USA", "country:ARG")
    assert by_id["GDELT-410412322"].source_actor == "person:barack-obama"  # Actor1Name "OBAMA"
    # GDELT 1.0 backfile rows have no URL: one record per event
    backfile = store.get_article(by_id["GDELT-0"].article_id)
    assert backfile is not None and backfile.url is None and "GDELT 1.0 event 0" in (backfile.title or "")
    assert by_id["GDELT-0"].date == date(1979, 1, 1)


def test_icews_import(store: Store) -> None:
    result = import_files("icews", [str(ICEWS)], store)
    assert _counts(result, ICEWS) == {"imported": 1000, "existing": 0, "updated": 0, "skipped": 0, "rejected": 0}
    e = {x.id: x for x in store.events(coders=["ICEWS"], limit=None)}
    first = e["ICEWS-32889836"]  # Foreign Affairs (Bangladesh) consults High Ranking Military Personnel (Vietnam)
    assert (first.root, first.quad, first.cameo, first.sentence_index) == ("CONSULT", 1, "040", 1)
    assert first.source_actor == "prov:bgd-foreign-affairs"
    assert first.target_actor == "prov:vnm-high-ranking-military-personnel"
    military = store.get_actor("prov:vnm-high-ranking-military-personnel")
    assert military is not None and (military.country, military.sector) == ("VNM", "MIL")
    # named people the knowledge base knows, also with a patronymic
    lavrov = e["ICEWS-32887046"]
    assert (lavrov.source_text, lavrov.source_actor) == ("Sergey Viktorovich Lavrov", "person:sergey-lavrov")
    assert lavrov.target_actor == "person:kim-jong-un"
    record = store.get_article(first.article_id)
    assert record is not None and record.title == "ICEWS story 47400351 (Vietnam News Agency Bulletin)"
    assert import_files("icews", [str(ICEWS)], store).total("existing") == 1000
    assert store.count(schema.events) == 1000


def test_acled_import(store: Store) -> None:
    result = import_files("acled", [str(ACLED.parent)], store)
    assert _counts(result, ACLED) == {"imported": 161, "existing": 0, "updated": 0, "skipped": 39, "rejected": 0}
    assert result.exit_code == 0
    assert result.skipped[0].location == "line 2" and "'Strategic developments / Other'" in result.skipped[0].reason
    e = {x.id: x for x in store.events(coders=["ACLED"], limit=None)}
    attack = e["ACLED-BEN876"]
    assert (attack.root, attack.quad, attack.cameo) == ("ASSAULT", 4, None)
    assert (attack.source_actor, attack.target_actor) == ("prov:ben-unidentified-armed-group", "prov:ben-civilians")
    assert e["ACLED-BEN677"].source_actor == "org:jnim"  # "JNIM: Group for Support of Islam and Muslims"
    army = store.get_actor("prov:ben-military-forces")
    assert army is not None and (army.country, army.sector) == ("BEN", "MIL")
    note = store.get_article(attack.article_id)
    assert note is not None and note.text.startswith("On 27 December 2022, unidentified armed group")
    assert import_files("acled", [str(ACLED)], store).total("imported") == 0


def test_news_please_articles_go_through_ingest(store: Store) -> None:
    files = sorted(NEWS_PLEASE.rglob("*.json"))
    result = import_files("news-please", [str(NEWS_PLEASE)], store)
    assert sorted(result.files) == [str(p) for p in files] and len(files) == 9
    assert result.total("imported") == 9 and result.rejected == []
    sample = next(a for a in store.articles(limit=None) if a.url and "rt.com" in a.url)
    assert sample.imported is None and sample.source == "rt.com" and sample.published == date(2017, 7, 17)
    assert import_files("news-please", [str(NEWS_PLEASE)], store).total("imported") == 0


def test_bad_rows_are_rejected_with_file_and_line(store: Store, tmp_path: Path) -> None:
    lines = (SPARK / "events.csv").read_text(encoding="utf-8").splitlines(keepends=True)[:6]
    cut = lines[1].split("\t")
    lines[1] = "\t".join(cut[:30]) + "\n"  # a truncated row
    bad_date = lines[3].split("\t")
    bad_date[1] = "2014-02-18"
    lines[3] = "\t".join(bad_date)
    bad_code = lines[4].split("\t")
    bad_code[26] = "999"
    lines[4] = "\t".join(bad_code)
    path = tmp_path / "damaged.export.CSV"
    path.write_text("".join(lines), encoding="utf-8")
    result = import_files("gdelt-events", [str(path)], store)
    assert _counts(result, path)["imported"] == 3 and result.exit_code == 1
    where = {(r.location, r.reason.split(";")[0].split(" is ")[0]) for r in result.rejected}
    assert where == {
        ("line 2", "30 tab-separated columns"),
        ("line 4", "SQLDATE '2014-02-18'"),
        ("line 5", "EventCode '999'"),
    }
    assert {r.location for r in store.rejections()} == {"line 2", "line 4", "line 5"}
    assert all(r.origin == str(path) for r in store.rejections())


def test_plover_gold_standard_records_import(store: Store) -> None:
    """The PLOVER gold-standard records (7 coded texts, 8 events: one has two sources) as PLOVER events."""
    result = import_files("plover", [str(PLOVER_GSR)], store)
    assert _counts(result, PLOVER_GSR) == {"imported": 8, "existing": 0, "updated": 0, "skipped": 0, "rejected": 0}
    again = import_files("plover", [str(PLOVER_GSR)], store)
    assert _counts(again, PLOVER_GSR)["imported"] == 0 and _counts(again, PLOVER_GSR)["existing"] == 8
    events = {e.id: e for e in store.events(coders=["PLOVER"], limit=None)}
    assert len(events) == 8
    putin = events["PLOVER-PLOVER-GSR01-AGREE-0036"]
    assert (putin.source_actor, putin.root, putin.quad, putin.contexts) == (
        "person:vladimir-putin",
        "AGREE",
        1,
        ("diplomatic",),
    )
    cyprus = [e for e in events.values() if e.id.startswith("PLOVER-PLOVER-GSR01-AGREE-0007")]
    assert sorted(e.source_actor or "" for e in cyprus) == ["country:GRC", "country:TUR"]
    assert events["PLOVER-PLOVER-GSR01-DISAPPROVE-0002"].target_actor == "country:SRB"
    record = store.get_article(putin.article_id)
    assert (
        record is not None and record.imported == "PLOVER" and record.title == "PLOVER record PLOVER-GSR01-AGREE-0036"
    )
    assert all(e.date is None and e.coder == "PLOVER" for e in events.values())


def test_bad_plover_records_are_rejected_with_file_and_line(store: Store, tmp_path: Path) -> None:
    lines = PLOVER_GSR.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    first["events"][0]["event"] = "FIGHT"  # not a root Vigil codes (it merges FIGHT into ASSAULT)
    second = json.loads(lines[1])
    second["events"][0]["quad"] = 4  # AGREE is quad 1
    third = json.loads(lines[2])
    third["date"] = "18 Feb 2015"
    path = tmp_path / "damaged.jsonl"
    rows = [json.dumps(first), json.dumps(second), json.dumps(third), "{not json", "[1, 2]", *lines[3:]]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = import_files("plover", [str(path)], store)
    assert _counts(result, path)["imported"] == 4 and result.exit_code == 1  # the last 4 records, one event each
    assert [(r.location, r.reason.split(" (")[0].split(";")[0]) for r in result.rejected] == [
        ("line 1", "event type 'FIGHT' is not a PLOVER root Vigil codes"),
        ("line 2", "quad code 4 disagrees with event type AGREE"),
        ("line 3", "date '18 Feb 2015' is not a YYYY-MM-DD date"),
        ("line 4", "invalid JSON: Expecting property name enclosed in double quotes"),
        ("line 5", "a JSON list, not an event object"),
    ]
    array = tmp_path / "export.json"  # a JSON array: the line where each object starts
    array.write_text('[\n {"event_id": "x1", "event_type": "AGREE"},\n {"event_id": "x2", "event_type": "HUG"}\n]\n')
    result = import_files("plover", [str(array)], store)
    assert _counts(result, array)["imported"] == 1
    assert [(r.location, r.reason.split(" (")[0]) for r in result.rejected] == [
        ("line 3", "event type 'HUG' is not a PLOVER root Vigil codes")
    ]


def test_gdelt_gkg_import_counts_documents_names_and_reimport(store: Store) -> None:
    first = import_files("gdelt-gkg", [str(p) for p in GKG_FILES], store)
    for path, (imported, existing) in GKG_FILES.items():
        assert _counts(first, path) == {
            "imported": imported,
            "existing": existing,
            "updated": 0,
            "skipped": 0,
            "rejected": 0,
        }, path
    again = import_files("gdelt-gkg", [str(p) for p in GKG_FILES], store)
    assert again.total("imported") == 0 and again.total("existing") == 454
    with store.engine.connect() as conn:
        records = {r.gkg_id: r for r in conn.execute(select(schema.gkg_records)).all() if r.gkg_id}
        versions = dict(
            conn.execute(
                select(schema.gkg_records.c.version, func.count()).group_by(schema.gkg_records.c.version)
            ).all()
        )
        names = conn.execute(select(schema.gkg_names)).all()
    assert versions == {"2.1": 100, "2.1-translingual": 25, "1.0": 119, "1.0-counts": 196}
    bbc = records["20150218230000-0"]  # a BBC Monitoring document: a citation, not a URL
    assert (bbc.tone, bbc.word_count, bbc.countries) == (-5.3475935828877, 693, ["HUN", "RUS", "UKR"])
    assert bbc.themes[:3] == ["TERROR", "REBELS", "TAX_ETHNICITY"]
    of_bbc = {(n.kind, n.name): n.actor_id for n in names if n.record_id == bbc.id}
    assert of_bbc[("person", "Petro Poroshenko")] == "person:petro-poroshenko"
    assert of_bbc[("person", "Viktor Orban")] == "person:viktor-orban"
    assert of_bbc[("organisation", "Gazprom")] == "org:gazprom"  # a company of the Phoenix dictionaries
    unknown = [name for (_, name), actor in of_bbc.items() if actor is None]
    assert unknown, of_bbc  # names the knowledge base does not know keep no actor
    document = store.get_article(bbc.article_id)
    assert document is not None and document.imported == "GDELT" and document.url is None and not document.text
    assert document.source == "BBC Monitoring" and document.published == date(2015, 2, 18)
    assert records["20150218224500-T0"].language == "ces"
    # Documents are provenance records, not articles: no list, search or extraction shows them.
    assert store.articles(limit=None) == [] and store.unextracted_ids() == set()
    resolved = {n.actor_id for n in names if n.actor_id}
    assert {"person:donald-trump", "person:barack-obama", "igo:who", "org:reuters"} <= resolved
    trump = store.gkg_summary("person:donald-trump")
    assert trump is not None and trump["documents"] == 20
    assert (trump["first"], trump["last"]) == (date(2017, 3, 5), date(2020, 7, 5))
    assert sum(m["documents"] for m in trump["by_month"]) == 20 and trump["tone"] is not None
    assert store.gkg_summary("person:no-such-person") is None


def test_gkg_documents_share_the_provenance_records_of_gdelt_events(store: Store) -> None:
    """A GKG document cited by a GDELT event's SOURCEURL is one provenance record for both."""
    import_files("gdelt-events", [str(p) for p in EVENT_FILES], store)
    import_files("gdelt-gkg", [str(SPARK / "gkg.csv")], store)
    with store.engine.connect() as conn:
        documents = set(conn.execute(select(schema.gkg_records.c.article_id)).scalars())
        cited = set(conn.execute(select(schema.events.c.article_id)).scalars())
    assert len(documents) == 100 and len(documents & cited) == 5


def test_bad_gkg_rows_are_rejected_with_file_and_line(store: Store, tmp_path: Path) -> None:
    lines = (SPARK / "gkg.csv").read_text(encoding="utf-8").splitlines(keepends=True)[:5]
    lines[1] = "\t".join(lines[1].split("\t")[:20]) + "\n"  # a truncated row
    bad_date = lines[2].split("\t")
    bad_date[1] = "2015-02-18"
    lines[2] = "\t".join(bad_date)
    bad_tone = lines[3].split("\t")
    bad_tone[15] = "cheerful"
    lines[3] = "\t".join(bad_tone)
    header = "\t".join(GKG2_COLUMNS) + "\n"
    path = tmp_path / "damaged.gkg.csv"
    path.write_text(header + "".join(lines), encoding="utf-8")
    result = import_files("gdelt-gkg", [str(path)], store)
    assert _counts(result, path)["imported"] == 2 and result.exit_code == 1  # the header row is skipped
    assert [(r.location, r.reason.split(";")[0].split(" is ")[0]) for r in result.rejected] == [
        ("line 3", "20 tab-separated columns"),
        ("line 4", "DATE '2015-02-18'"),
        ("line 5", "V2Tone 'cheerful'"),
    ]
    assert {r.location for r in store.rejections()} == {"line 3", "line 4", "line 5"}


def test_cli_and_dashboard_show_what_gkg_documents_say_of_an_actor(store: Store) -> None:
    from fastapi.testclient import TestClient

    from vigil.api.app import create_app
    from vigil.config import load_settings

    import_files("gdelt-gkg", [str(SPARK / "gkg.csv"), str(SPARK / "gkg1.csv")], store)
    summary = store.gkg_summary("person:barack-obama")
    assert summary is not None and summary["documents"] >= 1
    with TestClient(create_app(load_settings(env={}), store), base_url="http://127.0.0.1") as client:
        page = client.get("/actors/person:barack-obama")
        assert page.status_code == 200
        assert f"Named in {summary['documents']} imported GDELT GKG documents" in page.text
        other = client.get("/actors/igo:nato")  # no GKG document names it
        assert other.status_code == 200 and "In GDELT GKG documents" not in other.text
        api = client.get("/api/actors/person:barack-obama").json()["item"]["gkg"]
        assert (
            api["documents"] == summary["documents"] and api["by_month"][0]["month"] == summary["by_month"][0]["month"]
        )
        assert client.get("/api/actors/igo:nato").json()["item"]["gkg"] is None


# --- kept apart from Vigil's own extraction -----------------------------------------------------------


def _vigil_article(store: Store) -> Article:
    art = Article(
        id="a" * 24,
        text="Japan and India held talks in Tokyo.",
        title="Talks",
        url=None,
        source="test",
        published=date(2018, 6, 2),
        date_source=DateSource.FIELD,
        language="en",
        ingested_at=date(2018, 6, 2),  # type: ignore[arg-type]
        origin="test",
    )
    ev = Event(art.id, 0, date(2018, 6, 2), "gov:JPN", "gov:IND", "CONSULT", 1, "04", Modality.ASSERTED, 0.9, "x")
    from vigil.models import Extraction, Sentence

    with store.transaction() as conn:
        store.insert_article(conn, art)
        store.save_extractions(conn, [Extraction(art.id, "x", sentences=(Sentence(art.id, 0, 0, 36),), events=(ev,))])
    return art


def test_coder_filter_and_provenance_records_stay_apart(store: Store) -> None:
    art = _vigil_article(store)
    import_files("icews", [str(ICEWS)], store)
    assert [e.coder for e in store.events(limit=None)].count("VIGIL") == 1
    assert len(store.events(coders=["vigil"], limit=None)) == 1
    assert len(store.events(coders=["ICEWS"], limit=None)) == 1000
    assert len(store.events(coders=["VIGIL", "ICEWS"], limit=None)) == 1001
    assert store.events(coders=["GDELT"], limit=None) == []
    # provenance records are not articles: not listed, not counted, never extracted
    assert [a.id for a in store.articles(limit=None)] == [art.id]
    assert len(store.articles(include_imported=True, limit=None)) > 1
    assert store.status()["articles"] == 1 and store.status()["events_by_coder"] == {"ICEWS": 1000, "VIGIL": 1}
    assert [a.id for batch in store.articles_to_extract("another") for a in batch] == [art.id]


_WATCH = """
name: korea-2018
focal: KOR
subject: the 2018 Korean summits
start: 2018-05-01
end: 2018-07-31
actors: [person:kim-jong-un]
"""


def test_a_watch_includes_imported_events_only_when_asked(store: Store) -> None:
    _vigil_article(store)
    import_files("icews", [str(ICEWS)], store)
    default = parse_watch(_WATCH)
    both = parse_watch(_WATCH + "coders: [vigil, ICEWS]\n")
    assert default.coders == ("VIGIL",) and both.coders == ("VIGIL", "ICEWS")
    with pytest.raises(WatchError, match="coders"):
        parse_watch(_WATCH + "coders: [POLECAT]\n")
    mine = load_records(store, since=default.start, until=default.end, coders=default.coders, with_kb=False)
    assert [e.coder for e in mine.events] == ["VIGIL"]
    assert all(a.imported is None for a in mine.articles.values())
    wide = load_records(store, since=both.start, until=both.end, coders=both.coders, with_kb=False)
    assert len(wide.events) == 1001
    kim = next(e for e in wide.events if e.id == "ICEWS-32887045")
    assert wide.sentence_text(kim.article_id, kim.sentence_index).startswith("imported from ICEWS")
    graph = build_graph(wide, since=both.start, until=both.end)
    assert graph.tie_weight("person:kim-jong-un", "person:sergey-lavrov") > 0
    assert (
        build_graph(mine, since=default.start, until=default.end).tie_weight(
            "person:kim-jong-un", "person:sergey-lavrov"
        )
        == 0
    )


def test_migration_0007_marks_existing_events_as_vigils(new_db: Callable[[], str]) -> None:
    location = new_db()
    with open_store(location) as s:
        _vigil_article(s)
        with s.transaction() as conn:
            conn.execute(text("DROP INDEX ix_events_coder"))
            conn.execute(text("ALTER TABLE events DROP COLUMN coder"))
            conn.execute(text("ALTER TABLE articles DROP COLUMN imported"))
            conn.execute(schema.migrations.delete().where(schema.migrations.c.name == "0007_imported_events"))
    with open_store(location) as s:
        assert s.applied_migrations == ["0007_imported_events"]
        assert [e.coder for e in s.events(limit=None)] == ["VIGIL"]
        with s.engine.connect() as conn:
            assert conn.execute(select(schema.articles.c.imported)).scalars().all() == [None]
        assert import_files("acled", [str(ACLED)], s).total("imported") == 161


# --- the command --------------------------------------------------------------------------------------


def test_cli_import_and_events_by_coder(tmp_path: Path) -> None:
    from vigil.cli.main import app

    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    out = runner.invoke(app, ["--db", db, "import", "icews", str(ICEWS), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["files"][str(ICEWS)]["imported"] == 1000
    listed = runner.invoke(app, ["--db", db, "events", "--coder", "ICEWS", "--limit", "5", "--json"])
    rows = json.loads(listed.stdout)
    assert len(rows) == 5 and {r["coder"] for r in rows} == {"ICEWS"}
    assert all(r["sentence"] is None and r["provenance"].startswith("imported from ICEWS") for r in rows)
    assert json.loads(runner.invoke(app, ["--db", db, "events", "--coder", "VIGIL", "--json"]).stdout) == []
    wrong = runner.invoke(app, ["--db", db, "import", "icews", str(ACLED)])
    assert wrong.exit_code == 1 and f"rejected {ACLED}:1: not an ICEWS header" in wrong.stdout
    assert runner.invoke(app, ["--db", db, "import", "polecat", str(ACLED)]).exit_code == 2


def test_cli_gkg_import_and_actor(tmp_path: Path) -> None:
    from vigil.cli.main import app

    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    out = runner.invoke(app, ["--db", db, "import", "gdelt-gkg", str(SPARK / "gkg.csv")])
    assert out.exit_code == 0 and "imported 100 GKG records" in out.stdout, out.output
    shown = json.loads(runner.invoke(app, ["--db", db, "actor", "person:petro-poroshenko", "--json"]).stdout)
    assert shown["gkg"]["documents"] >= 1 and shown["gkg"]["first"] == "2015-02-18"
    text = runner.invoke(app, ["--db", db, "actor", "person:petro-poroshenko"]).stdout
    assert "GDELT GKG: named in" in text and "GDELT GKG tone by month" in text
    assert "no articles" in runner.invoke(app, ["--db", db, "articles"]).stdout


def test_api_and_dashboard_filter_by_coder_and_show_provenance(store: Store) -> None:
    from fastapi.testclient import TestClient

    from vigil.api.app import create_app
    from vigil.config import load_settings

    import_files("icews", [str(ICEWS)], store)
    import_files("acled", [str(ACLED)], store)
    with TestClient(create_app(load_settings(env={}), store), base_url="http://127.0.0.1") as client:
        items = client.get("/api/events", params={"coder": ["ICEWS"], "limit": 3}).json()["items"]
        assert {i["coder"] for i in items} == {"ICEWS"} and all(i["sentence"] is None for i in items)
        assert all(i["provenance"].startswith("imported from ICEWS") for i in items)
        assert client.get("/api/events", params={"coder": "VIGIL"}).json()["items"] == []
        assert client.get("/api/events", params={"coder": "not a coder"}).status_code == 422
        page = client.get("/actors/person:kim-jong-un")
        assert page.status_code == 200 and "imported from ICEWS" in page.text
        assert "Events as source (0)" in client.get("/actors/person:kim-jong-un", params={"coder": "VIGIL"}).text
        record = store.events(coders=["ACLED"], limit=1)[0].article_id
        shown = client.get(f"/articles/{record}")
        assert shown.status_code == 200 and "Not an article" in shown.text and "ACLED note" in shown.text
