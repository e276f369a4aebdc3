from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.ingest import WIKINEWS
from vigil.config import Settings
from vigil.ingest.readers import read_inputs
from vigil.models import DateSource, RawArticle, Rejection

LONG = "Officials said the agreement would be signed next week in Geneva after months of talks."


def test_tabular_wikinews_csv(settings: Settings) -> None:
    assert WIKINEWS, "the Wikinews corpus is missing from ../shared"
    records = list(read_inputs([str(p) for p in WIKINEWS], settings=settings))
    articles = [r for r in records if isinstance(r, RawArticle)]
    assert len(articles) == len(records) == 295
    first = articles[0]
    assert first.source == "en.wikinews.org"
    assert first.published == date(2019, 1, 4) and first.date_source is DateSource.FIELD
    assert first.title == "Magnitogorsk apartment building collapses after explosion, dozens dead"
    assert "\n\n" in first.text  # embedded newlines of the quoted cell kept as paragraphs
    assert first.location == "line 2"
    assert all(a.language == "en" for a in articles)
    assert len({a.location for a in articles if a.origin == first.origin}) == sum(
        a.origin == first.origin for a in articles
    )


def test_tabular_columns_mapping(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "export.csv"
    path.write_text(f'Link,Published On,Headline,Body\nhttps://www.example.org/a,2020-03-04,Hi,"{LONG}\n\nMore."\n')
    records = list(
        read_inputs(
            [str(path)],
            settings=settings,
            columns={"text": "Body", "date": "Published On", "title": "Headline", "url": "Link"},
        )
    )
    [article] = records
    assert isinstance(article, RawArticle)
    assert (article.text, article.published, article.title, article.source) == (
        f"{LONG}\n\nMore.",
        date(2020, 3, 4),
        "Hi",
        "example.org",
    )


def test_tabular_missing_text_column_names_columns(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "export.csv"
    path.write_text(f"url,date,headline\nhttps://x.org,2020-01-01,{LONG}\n")
    [rejection] = list(read_inputs([str(path)], settings=settings))
    assert isinstance(rejection, Rejection) and rejection.location == "file"
    assert "no text column" in rejection.reason and "'headline'" in rejection.reason
    assert "columns={'text'" in rejection.reason


def test_tabular_bad_rows_rejected_others_kept(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "rows.csv"
    path.write_text(f'text,date\n"{LONG}",2021-01-01\nshort,2021-01-02\n"{LONG} Two.",not a date\n,2021-01-03\n')
    records = list(read_inputs([str(path)], settings=settings))
    kinds = [(type(r).__name__, r.location) for r in records]
    assert kinds == [
        ("RawArticle", "line 2"),
        ("Rejection", "line 3"),
        ("RawArticle", "line 4"),
        ("Rejection", "line 5"),
    ]
    assert isinstance(records[2], RawArticle) and records[2].date_note == "unparseable date 'not a date'"


def test_tabular_tsv_and_semicolon(tmp_path: Path, settings: Settings) -> None:
    tsv = tmp_path / "a.tsv"
    tsv.write_text(f"text\tdate\n{LONG}\t2021-01-01\n")
    semi = tmp_path / "b.csv"
    semi.write_text(f"text;date\n{LONG};2021-01-01\n")
    records = list(read_inputs([str(tsv), str(semi)], settings=settings))
    assert [r.published for r in records if isinstance(r, RawArticle)] == [date(2021, 1, 1)] * 2


def test_tabular_oversized_cell_rejected(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "big.csv"
    path.write_text(f'text,date\n"{LONG}",2021-01-01\n"{"x" * 5000}",2021-01-02\n"{LONG}",2021-01-03\n')
    records = list(read_inputs([str(path)], settings=settings.replace(ingest__max_document_bytes=1000)))
    assert isinstance(records[0], RawArticle)
    assert isinstance(records[1], Rejection) and "document too large" in records[1].reason


def test_tabular_field_limit_is_given_back_after_the_file(tmp_path: Path, settings: Settings) -> None:
    """The csv module's process-wide field limit is set for one file only: other csv users keep theirs."""
    import csv

    csv.field_size_limit(131072)  # the module's default
    path = tmp_path / "big.csv"
    path.write_text(f'text,date\n"{LONG}",2021-01-01\n"{"x" * 5000}",2021-01-02\n')
    records = list(read_inputs([str(path)], settings=settings.replace(ingest__max_document_bytes=1000)))
    assert isinstance(records[1], Rejection)
    assert csv.field_size_limit() == 131072
