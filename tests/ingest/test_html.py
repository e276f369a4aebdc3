from __future__ import annotations

import difflib
import json
import re
from datetime import date

import pytest

from tests.ingest import SHARED
from vigil.config import Settings
from vigil.ingest.html import read_html
from vigil.models import DateSource, RawArticle, Rejection

HTML = SHARED / "fixtures" / "html"
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f\u1000-\u109f]|\w+")

# Floors measured on the 23 pages that have an expected text and the 16 with an expected date
# (2026-11-25, trafilatura 2.3.1 with favor_precision, htmldate 1.11.0): 23/23 texts with
# similarity >= 0.8 (mean 0.964), 16/16 dates. A floor just under the measurement tolerates one page.
TEXT_MATCH_FLOOR = 0.95
DATE_MATCH_FLOOR = 0.93
TEXT_SIMILARITY = 0.8

ARTICLE = """<!doctype html><html lang="en"><head><title>Council votes on the harbour plan</title>
<style>.secret-style { color: red }</style>
<script>var secretScript = "do not ingest me";</script>
<link rel="canonical" href="https://www.example-news.com/2021/03/04/harbour-plan.html">
{meta}
</head><body><nav>Home | World | Sports</nav>
<article><h1>Council votes on the harbour plan</h1>
<p>The city council voted on Thursday to approve the long-debated harbour redevelopment plan,
ending a decade of dispute.</p>
<script>document.write("injected script text")</script>
<p>The mayor said construction would begin next spring and create several hundred jobs in the port district.</p>
<style>p {{ margin: 0 }} .injected-style {{}}</style>
<p>Opposition members criticised the cost and asked for an independent review of the environmental impact.</p>
</article><footer>Copyright 2021</footer></body></html>"""


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def similarity(got: str, expected: str) -> float:
    """Normalised similarity of two texts: difflib ratio over word (or CJK character) tokens."""
    return difflib.SequenceMatcher(None, _tokens(got), _tokens(expected), autojunk=False).ratio()


def _article(data: bytes, settings: Settings, url: str | None = None) -> RawArticle:
    [record] = list(read_html(data, origin="page.html", settings=settings, url=url))
    assert isinstance(record, RawArticle), record
    return record


def test_html_fixture_text_and_date_match_rates(settings: Settings) -> None:
    text_scores: dict[str, float] = {}
    date_hits: dict[str, bool] = {}
    for page in sorted((HTML / "html").glob("*.html")):
        expected_text = HTML / "txt" / f"{page.stem}.txt"
        expected_meta = HTML / "metadata" / f"{page.stem}.json"
        if not expected_text.exists() and not expected_meta.exists():
            continue
        records = list(read_html(page.read_bytes(), origin=str(page), settings=settings))
        article = records[0] if records and isinstance(records[0], RawArticle) else None
        if expected_text.exists():
            text_scores[page.stem] = similarity(article.text, expected_text.read_text()) if article else 0.0
        if expected_meta.exists():
            published = json.loads(expected_meta.read_text()).get("publish_date")
            if published:
                date_hits[page.stem] = article is not None and str(article.published) == published[:10]
    text_rate = sum(score >= TEXT_SIMILARITY for score in text_scores.values()) / len(text_scores)
    date_rate = sum(date_hits.values()) / len(date_hits)
    mean = sum(text_scores.values()) / len(text_scores)
    print(
        f"\nHTML text: {sum(s >= TEXT_SIMILARITY for s in text_scores.values())}/{len(text_scores)} pages "
        f"with similarity >= {TEXT_SIMILARITY} (rate {text_rate:.3f}, mean similarity {mean:.3f})"
        f"\nHTML date: {sum(date_hits.values())}/{len(date_hits)} pages with the expected date (rate {date_rate:.3f})"
    )
    for stem, score in sorted(text_scores.items(), key=lambda item: item[1])[:5]:
        print(f"  lowest text similarity: {stem} {score:.3f}")
    print(f"  date misses: {[stem for stem, hit in date_hits.items() if not hit]}")
    assert len(text_scores) == 23 and len(date_hits) == 16
    assert text_rate >= TEXT_MATCH_FLOOR
    assert date_rate >= DATE_MATCH_FLOOR


def test_html_similarity_can_fail() -> None:
    assert similarity("the council voted", "the council voted") == 1.0
    assert similarity("menu home sports weather", "the council voted on thursday") < 0.2


def test_html_scripts_and_styles_never_in_text(settings: Settings) -> None:
    article = _article(ARTICLE.replace("{meta}", "").encode(), settings)
    assert "The city council voted on Thursday" in article.text
    assert "independent review" in article.text
    for leak in ("secretScript", "injected script", "secret-style", "injected-style", "margin", "document.write"):
        assert leak not in article.text
    assert article.title == "Council votes on the harbour plan"
    assert article.source == "example-news.com" and article.language == "en"


def test_html_date_only_in_url_is_url_source(settings: Settings) -> None:
    article = _article(ARTICLE.replace("{meta}", "").encode(), settings)
    assert (article.published, article.date_source) == (date(2021, 3, 4), DateSource.URL)


def test_html_metadata_date_wins(settings: Settings) -> None:
    meta = '<meta property="article:published_time" content="2021-03-05T08:00:00+09:00">'
    article = _article(ARTICLE.replace("{meta}", meta).encode(), settings)
    assert (article.published, article.date_source) == (date(2021, 3, 5), DateSource.METADATA)


def test_html_json_ld_date(settings: Settings) -> None:
    meta = (
        '<script type="application/ld+json">'
        '{"@graph": [{"@type": "NewsArticle", "datePublished": "20180619T055000+0900"}]}</script>'
    )
    page = ARTICLE.replace("{meta}", meta).replace("/2021/03/04/", "/news/")
    article = _article(page.encode(), settings)
    assert (article.published, article.date_source) == (date(2018, 6, 19), DateSource.METADATA)


def test_html_future_metadata_date_not_used(settings: Settings) -> None:
    meta = '<meta property="article:published_time" content="2999-01-01T08:00:00Z">'
    page = ARTICLE.replace("{meta}", meta).replace("/2021/03/04/", "/news/")
    article = _article(page.encode(), settings)
    assert (article.published, article.date_source) == (None, DateSource.NONE)
    assert article.date_note == "future date 2999-01-01"


def test_html_fetched_url_wins_over_canonical(settings: Settings) -> None:
    article = _article(ARTICLE.replace("{meta}", "").encode(), settings, url="https://mirror.example.net/x")
    assert article.url == "https://mirror.example.net/x" and article.source == "mirror.example.net"


@pytest.mark.parametrize("name", ["google_meta_refresh.html"])
def test_html_page_without_article_rejected(name: str, settings: Settings) -> None:
    [record] = list(read_html((HTML / "html" / name).read_bytes(), origin=name, settings=settings))
    assert isinstance(record, Rejection) and record.location == "file"
