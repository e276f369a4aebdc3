from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ingest import SHARED
from vigil.config import Settings
from vigil.errors import IngestError
from vigil.ingest import readers
from vigil.ingest.formats import detect_format
from vigil.ingest.readers import is_skipped, iter_folder, read_inputs
from vigil.models import RawArticle, Rejection

LONG = "Officials said the agreement would be signed next week in Geneva after months of talks."


def test_readers_missing_path_raises_at_call_time(tmp_path: Path, settings: Settings) -> None:
    with pytest.raises(IngestError, match=r"Input '.*nope\.txt' does not exist\. Check the path"):
        read_inputs([str(tmp_path / "nope.txt")], settings=settings)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fmt": "pdf"}, "Unknown input format 'pdf'. Use one of: auto, text, jsonl, csv, rss, html."),
        ({"columns": {"body": "x"}}, "Unknown field(s) ['body'] in columns"),
    ],
)
def test_readers_bad_call_raises(kwargs: dict[str, object], message: str, settings: Settings) -> None:
    with pytest.raises(IngestError) as info:
        read_inputs([str(SHARED / "corpus" / "seed")], settings=settings, **kwargs)  # type: ignore[arg-type]
    assert str(info.value).startswith(message)


def test_readers_no_inputs_raises(settings: Settings) -> None:
    with pytest.raises(IngestError, match="No inputs given"):
        read_inputs([], settings=settings)


def test_readers_single_string_is_one_input(settings: Settings) -> None:
    records = list(read_inputs(str(SHARED / "corpus" / "seed"), settings=settings))  # type: ignore[arg-type]
    assert len(records) == 1 and isinstance(records[0], RawArticle)


@pytest.mark.parametrize(
    ("name", "skipped"),
    [
        ("NOTICE.md", True),
        ("LICENSE.md", True),
        ("LICENSE_repo_code_MIT.txt", True),
        ("livedoor_topic_news.LICENSE.txt", True),
        ("livedoor_README.txt", True),
        (".hidden.jsonl", True),
        ("articles.jsonl", False),
        ("licensed_goods.txt", False),
        ("noticeboard.txt", False),
    ],
)
def test_readers_skipped_names(name: str, skipped: bool) -> None:
    assert is_skipped(name) is skipped


def test_readers_folder_walk_sorted_recursive_skipping(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "2.txt").write_text(f" date 2020-01-02 {LONG}")
    (tmp_path / "a.txt").write_text(f" date 2020-01-01 {LONG}")
    (tmp_path / "c.jsonl").write_text(json.dumps({"text": LONG, "date": "2020-01-03"}) + "\n")
    (tmp_path / ".git" / "x.txt").write_text(LONG)
    (tmp_path / ".hidden.txt").write_text(LONG)
    (tmp_path / "README.md").write_text(LONG)
    (tmp_path / "NOTICE.md").write_text(LONG)
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    assert [p.relative_to(tmp_path).as_posix() for p in iter_folder(tmp_path)] == [
        "a.txt",
        "c.jsonl",
        "image.png",
        "b/2.txt",
    ]
    records = list(read_inputs([str(tmp_path)], settings=settings))
    assert [(Path(r.origin).name, type(r).__name__) for r in records] == [
        ("a.txt", "RawArticle"),
        ("c.jsonl", "RawArticle"),
        ("image.png", "Rejection"),
        ("2.txt", "RawArticle"),
    ]
    assert isinstance(records[2], Rejection) and records[2].reason.startswith("binary file")


def test_readers_empty_folder_reported(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "LICENSE").write_text("MIT")
    [rejection] = list(read_inputs([str(tmp_path)], settings=settings))
    assert isinstance(rejection, Rejection) and "folder holds no input files" in rejection.reason


def test_readers_shared_corpus_folder_all_kept(settings: Settings) -> None:
    records = list(read_inputs([str(SHARED / "corpus" / "ja")], settings=settings))
    assert len(records) == 3670 + 770 and all(isinstance(r, RawArticle) for r in records)


def test_readers_feed_saved_as_html_is_read_as_feed(settings: Settings) -> None:
    records = list(read_inputs([str(SHARED / "fixtures" / "html" / "html" / "sample_rss.html")], settings=settings))
    assert len(records) == 3 and all(isinstance(r, RawArticle) for r in records)
    assert {r.source for r in records if isinstance(r, RawArticle)} == {"edumock.com"}


@pytest.mark.parametrize(
    ("name", "head", "content_type", "expected"),
    [
        ("a.jsonl", b"", None, "jsonl"),
        ("a.dat", b'{"text": "x"}\n', None, "jsonl"),
        ("a.dat", b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'>", None, "rss"),
        ("a.dat", b"<!DOCTYPE html><html><head>", None, "html"),
        ("a.dat", b"url,date,title,text\nhttp://x,2020-01-01,t,body", None, "csv"),
        ("a.dat", b" date 2024-01-27 Hello", None, "text"),
        ("https://x.org/feed", b"<rss version='2.0'>", "application/rss+xml", "rss"),
        ("https://x.org/story", b"<html>", "text/html; charset=utf-8", "html"),
        ("https://x.org/data", b'{"a": 1}', "text/plain", "jsonl"),
        ("page.xml", b"<!doctype html><html>", None, "html"),
    ],
)
def test_readers_detect_format(name: str, head: bytes, content_type: str | None, expected: str) -> None:
    assert detect_format(name, head, content_type) == expected


def test_readers_explicit_format_overrides_extension(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "export.dat"
    path.write_text(json.dumps({"text": LONG}) + "\n")
    [as_text] = list(read_inputs([str(path)], "text", settings=settings))
    [as_jsonl] = list(read_inputs([str(path)], "jsonl", settings=settings))
    assert isinstance(as_text, RawArticle) and as_text.text.startswith('{"text"')
    assert isinstance(as_jsonl, RawArticle) and as_jsonl.text == LONG


def test_readers_unexpected_error_becomes_rejection_and_run_continues(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text(LONG)
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": LONG}) + "\n")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("vigil.ingest.text.read_text", broken)
    records = list(read_inputs([str(tmp_path)], settings=settings))
    assert isinstance(records[0], Rejection) and "unexpected error (RuntimeError: boom)" in records[0].reason
    assert isinstance(records[1], RawArticle)


def test_readers_unreadable_file_becomes_rejection(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "a.txt"
    path.write_text(LONG)
    records = list(readers._guarded(str(path), lambda: _raise_os_error()))
    assert records == [Rejection(str(path), "file", "cannot read: Permission denied")]


def _raise_os_error() -> Iterator[RawArticle | Rejection]:
    raise PermissionError(13, "Permission denied")
    yield  # pragma: no cover
