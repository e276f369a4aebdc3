from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from tests.ingest import SHARED
from vigil.config import Settings
from vigil.ingest.jsonl import pick_fields
from vigil.ingest.readers import read_inputs
from vigil.models import DateSource, RawArticle, Rejection

LONG = "Officials said the agreement would be signed next week in Geneva after months of talks."
NEWS_PLEASE = SHARED / "fixtures" / "interop" / "news-please"


def test_jsonl_guardian_sample(settings: Settings) -> None:
    records = list(read_inputs([str(SHARED / "corpus" / "guardian_sample" / "articles.jsonl")], settings=settings))
    assert len(records) == 249 and all(isinstance(r, RawArticle) for r in records)
    first = records[0]
    assert isinstance(first, RawArticle)
    assert first.published == date(2019, 4, 10) and first.date_source is DateSource.FIELD
    assert first.source == "Guardian" and first.title is None and first.language == "en"
    assert first.location == "line 1"


def test_jsonl_japanese_corpus_declared_language(settings: Settings) -> None:
    path = SHARED / "corpus" / "ja" / "livedoor_topic_news.jsonl"
    records = list(read_inputs([str(path)], settings=settings))
    assert len(records) == 770
    articles = [r for r in records if isinstance(r, RawArticle)]
    assert len(articles) == 770 and {a.language for a in articles} == {"ja"}
    assert articles[0].published == date(2011, 10, 1)
    assert articles[0].title == "写真が流出し“堕ちていった”アイドルたち"


def test_jsonl_null_dates_kept_and_flagged(settings: Settings) -> None:
    path = SHARED / "corpus" / "ja" / "jawikinews_politics_us.jsonl"
    articles = [r for r in read_inputs([str(path)], settings=settings) if isinstance(r, RawArticle)]
    undated = [a for a in articles if a.published is None]
    assert len(articles) == 1008 and len(undated) == 36  # the NOTICE says 36 null dates
    assert all(a.date_source is DateSource.NONE for a in undated)


def test_jsonl_news_please_single_json_files(settings: Settings) -> None:
    records = list(read_inputs([str(NEWS_PLEASE)], settings=settings))
    assert len(records) == 9 and all(isinstance(r, RawArticle) for r in records)
    sample = next(r for r in records if isinstance(r, RawArticle) and r.origin.endswith("news-please_sample.json"))
    assert sample.source == "rt.com" and sample.published == date(2017, 7, 17)
    assert sample.text.startswith("Russia has called on Ukraine") and sample.language == "en"
    assert sample.location == "file"


def test_jsonl_pick_fields_news_please_and_plain() -> None:
    assert pick_fields({"maintext": "a", "text": "b", "date_publish": None, "date": "2020-01-01"}) == {
        "text": "a",
        "date": "2020-01-01",
    }
    assert pick_fields({"body": "x", "when": "2020"}, {"date": "when"}) == {"text": "x", "date": "2020"}


def test_jsonl_malformed_line_rejected_rest_kept(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "mixed.jsonl"
    good = json.dumps({"text": LONG, "date": "2020-01-01", "url": "https://www.reuters.com/x"})
    lines = [good, '{"text": "unterminated', "", "[1, 2]", json.dumps({"title": "no text"}), good]
    path.write_text("\n".join(lines) + "\n")
    records = list(read_inputs([str(path)], settings=settings))
    assert [(type(r).__name__, r.location) for r in records] == [
        ("RawArticle", "line 1"),
        ("Rejection", "line 2"),
        ("Rejection", "line 4"),
        ("Rejection", "line 5"),
        ("RawArticle", "line 6"),
    ]
    assert isinstance(records[1], Rejection) and records[1].reason.startswith(
        "malformed JSON: Unterminated string starting at (column 10)"
    )
    assert isinstance(records[2], Rejection) and records[2].reason == "expected a JSON object, found list"
    assert isinstance(records[3], Rejection) and "empty text" in records[3].reason
    assert isinstance(records[0], RawArticle) and records[0].source == "reuters.com"


def test_jsonl_invalid_utf8_line_rejected(tmp_path: Path, settings: Settings) -> None:
    good = json.dumps({"text": LONG}).encode()
    path = tmp_path / "bytes.jsonl"
    path.write_bytes(b"\n".join([good] * 1000 + [b'{"text": "caf\xe9 ' + LONG.encode() + b'"}', good]) + b"\n")
    records = list(read_inputs([str(path)], settings=settings))
    rejections = [r for r in records if isinstance(r, Rejection)]
    assert len(records) == 1002 and len(rejections) == 1
    assert rejections[0].location == "line 1001" and "not valid UTF-8" in rejections[0].reason


def test_jsonl_future_and_unparseable_dates(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "dates.jsonl"
    path.write_text(
        json.dumps({"text": LONG, "date": "2999-01-01"}) + "\n" + json.dumps({"text": LONG, "date": "soon"}) + "\n"
    )
    future, odd = list(read_inputs([str(path)], settings=settings))
    assert isinstance(future, RawArticle) and isinstance(odd, RawArticle)
    assert (future.published, future.date_source, future.date_note) == (None, DateSource.NONE, "future date 2999-01-01")
    assert (odd.published, odd.date_note) == (None, "unparseable date 'soon'")


def test_jsonl_json_array_and_malformed_json_file(tmp_path: Path, settings: Settings) -> None:
    array = tmp_path / "many.json"
    array.write_text(json.dumps([{"text": LONG}, {"content": LONG + " Again."}, 3]))
    broken = tmp_path / "broken.json"
    broken.write_text('{"text": "x",')
    records = list(read_inputs([str(array), str(broken)], settings=settings))
    assert [(type(r).__name__, r.location) for r in records] == [
        ("RawArticle", "item 1"),
        ("RawArticle", "item 2"),
        ("Rejection", "item 3"),
        ("Rejection", "file"),
    ]
    assert isinstance(records[3], Rejection) and records[3].reason.startswith("malformed JSON")


def test_jsonl_overlong_line_skipped_without_losing_place(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "long.jsonl"
    good = json.dumps({"text": LONG})
    path.write_text("\n".join([good, json.dumps({"text": "y" * 50_000}), good]) + "\n")
    records = list(read_inputs([str(path)], settings=settings.replace(ingest__max_document_bytes=10_000)))
    assert [(type(r).__name__, r.location) for r in records] == [
        ("RawArticle", "line 1"),
        ("Rejection", "line 2"),
        ("RawArticle", "line 3"),
    ]
    assert isinstance(records[1], Rejection) and "document too large" in records[1].reason


_CHILD = textwrap.dedent(
    """
    import json, re, sys
    import psutil
    from vigil.config import load_settings
    from vigil.ingest.readers import read_inputs
    from vigil.models import RawArticle
    settings = load_settings(env={})
    baseline = psutil.Process().memory_info().rss
    counts = {"articles": 0, "rejections": 0}
    for record in read_inputs([sys.argv[1]], settings=settings):
        counts["articles" if isinstance(record, RawArticle) else "rejections"] += 1
    counts["baseline_rss"] = baseline
    # VmHWM is this process's own peak RSS (ru_maxrss can carry the parent's peak over fork/exec)
    status = open("/proc/self/status").read()
    counts["peak_rss"] = int(re.search(r"VmHWM:\\s+(\\d+) kB", status)[1]) * 1024
    print(json.dumps(counts))
    """
)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc for the peak RSS")
def test_jsonl_200mb_streams_in_constant_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    text = (LONG + " ") * 24  # ~2 KB per article
    lines = 0
    with path.open("w", encoding="utf-8") as handle:
        block = "".join(
            json.dumps({"text": text, "date": "2020-01-01", "language": "en", "url": f"https://example.org/{i}"}) + "\n"
            for i in range(1000)
        )
        while handle.tell() < 200 * 1024 * 1024:
            handle.write(block)
            lines += 1000
        handle.write("{not json}\n")
        handle.write(json.dumps({"text": "z" * 6_000_000}) + "\n")  # one line larger than max_document_bytes
    size = path.stat().st_size
    assert size > 200 * 1024 * 1024
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, timeout=120, check=True
    )
    counts = json.loads(result.stdout)
    peak_mb = counts["peak_rss"] / 2**20
    print(
        f"\n200 MB JSONL: {size / 2**20:.0f} MB file, peak RSS {peak_mb:.0f} MB "
        f"(after imports {counts['baseline_rss'] / 2**20:.0f} MB)"
    )
    assert counts["articles"] == lines and counts["rejections"] == 2
    assert peak_mb < 150
