from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.ingest import SEED
from vigil.config import Settings
from vigil.ingest.readers import read_inputs
from vigil.ingest.text import read_text, split_dateline
from vigil.models import DateSource, RawArticle, Rejection

BODY = "The minister said on Tuesday that talks would resume.\n\nA Heading\n\nA second paragraph follows here."


def _one(records: list[RawArticle | Rejection]) -> RawArticle:
    assert len(records) == 1 and isinstance(records[0], RawArticle), records
    return records[0]


def test_text_seed_article(settings: Settings) -> None:
    [path] = sorted(SEED.glob("*.txt"))
    article = _one(list(read_inputs([str(path)], settings=settings)))
    assert article.published == date(2024, 1, 27)
    assert article.date_source is DateSource.DATELINE
    assert article.text.startswith("The Japanese government, led by Prime Minister Fumio Kishida")
    assert "\n\nJapan's Stakes in the U.S. Elections\n\n" in article.text  # headings kept as paragraphs
    assert article.title is None and article.source is None
    assert article.language == "en"
    assert (article.origin, article.location) == (str(path), "file")


def test_text_split_dateline() -> None:
    assert split_dateline(" date 2024-01-27 Body text") == ("2024-01-27", "Body text")
    assert split_dateline("date 2024-01-27\nBody") == ("2024-01-27", "Body")
    assert split_dateline("The date 2024-01-27 is mentioned.") == (None, "The date 2024-01-27 is mentioned.")


def test_text_without_dateline_kept_undated(settings: Settings) -> None:
    article = _one(list(read_text(BODY.encode(), origin="x.txt", settings=settings)))
    assert (article.published, article.date_source, article.date_note) == (None, DateSource.NONE, None)
    assert article.text == BODY


def test_text_crlf_and_blank_runs_normalised(settings: Settings) -> None:
    raw = " date 2020-02-02 First paragraph is here.\r\n\r\n\r\n\r\nSecond paragraph is here.  \r\n"
    article = _one(list(read_text(raw.encode(), origin="x.txt", settings=settings)))
    assert article.text == "First paragraph is here.\n\nSecond paragraph is here."


def test_text_unparseable_dateline(settings: Settings) -> None:
    article = _one(list(read_text(f" date 2024-13-45 {BODY}".encode(), origin="x.txt", settings=settings)))
    assert (article.published, article.date_source) == (None, DateSource.NONE)
    assert article.date_note == "unparseable date '2024-13-45'"
    assert article.text == BODY


def test_text_future_dateline(settings: Settings) -> None:
    future = date.today() + timedelta(days=30)
    article = _one(list(read_text(f" date {future} {BODY}".encode(), origin="x.txt", settings=settings)))
    assert article.published is None and article.date_note == f"future date {future}"


def test_text_cp1252_file_detected(tmp_path: Path, settings: Settings) -> None:
    text = "Le président a déclaré que l'économie française était « très forte » cette année, malgré les crises."
    path = tmp_path / "fr.txt"
    path.write_bytes(f" date 2021-05-04 {text}".encode("cp1252"))
    article = _one(list(read_inputs([str(path)], settings=settings)))
    assert article.text == text and article.language == "fr"


def test_text_undetectable_encoding_rejected(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(b"date 2021-05-04 caf\xe9 \xfe\xfa")
    [rejection] = list(read_inputs([str(path)], settings=settings))
    assert isinstance(rejection, Rejection)
    assert rejection.origin == str(path) and rejection.location == "file"
    assert "odd.txt is not valid UTF-8" in rejection.reason and "convert it to UTF-8" in rejection.reason


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"   \n\n  ", "empty file"),
        (b" date 2024-01-01 ", "empty text"),
        (b"Too short.", "text too short: 10 characters"),
        (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00", "binary file"),
    ],
)
def test_text_bad_inputs_rejected(tmp_path: Path, settings: Settings, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    [rejection] = list(read_inputs([str(path)], settings=settings))
    assert isinstance(rejection, Rejection) and reason in rejection.reason


def test_text_huge_document_rejected_without_reading(tmp_path: Path, settings: Settings) -> None:
    small = settings.replace(ingest__max_document_bytes=1000)
    path = tmp_path / "huge.txt"
    path.write_text("word " * 1000)
    [rejection] = list(read_inputs([str(path)], settings=small))
    assert isinstance(rejection, Rejection)
    assert "document too large: 5000 bytes, more than 1000" in rejection.reason
