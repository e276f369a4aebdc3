"""Server-rendered pages: every page renders, and hostile article text reaches the browser escaped."""

from __future__ import annotations

import json
import re
import sqlite3
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from tests.api.corpus import HOSTILE
from vigil.analyze.window import VIEW_MIN_CONFIDENCE

JAPAN = "japan-us-2024"


def hostile_pages(client: Any, hostile: str) -> list[str]:
    story = next(
        t["story"]
        for t in client.get(f"/api/watches/{JAPAN}/timeline").json()["items"]
        if hostile in {t["citation"]["article"]}
    )
    return [
        f"/watches/{JAPAN}",
        f"/watches/{JAPAN}/timeline",
        f"/watches/{JAPAN}/stories/{story}",
        f"/watches/{JAPAN}/network",
        f"/watches/{JAPAN}/scenarios",
        f"/articles/{hostile}",
        "/search?q=Aso",
        "/actors/person:taro-aso",
    ]


def test_every_page_renders(pages_client: Any) -> None:
    for path in (
        "/",
        "/watches/gbr-us-2020",
        "/watches/gbr-us-2020/timeline?domain=elections",
        "/watches/gbr-us-2020/network",
        "/watches/gbr-us-2020/trends",
        "/watches/gbr-us-2020/scenarios",
        "/actors/person:donald-trump",
        "/search?q=election",
        "/login",
    ):
        response = pages_client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        # No inline script: every <script> has a src or is a JSON data block.
        for tag in re.findall(r"<script\b[^>]*>", response.text):
            assert "src=" in tag or 'type="application/json"' in tag, (path, tag)


def test_missing_page_has_an_html_error(pages_client: Any) -> None:
    response = pages_client.get("/articles/ffffffffffffffff")
    assert response.status_code == 404 and "No article" in response.text
    assert pages_client.get("/nowhere", headers={"Accept": "application/json"}).json()["status"] == 404


def test_hostile_article_is_escaped_everywhere(recall_pages_client: Any, hostile: str) -> None:
    """Read by a desk whose view holds Aso's bridge to Trump, so that the hostile article (Aso meets
    Trump) is cited on every page of the watch, the network's bridges too."""
    for path in hostile_pages(recall_pages_client, hostile):
        html = recall_pages_client.get(path).text
        if not path.startswith("/actors/"):  # the actor page shows only the sentences of Aso's events
            assert "__pwned" in html, f"{path} does not show the hostile article"
        body = html.split('<script type="application/json" id="page-data">')[0]
        assert "<script>window" not in html and "<img src=x" not in html and "<svg onload" not in html, path
        assert 'href="javascript:' not in html and "<iframe" not in html, path
        assert "&lt;script&gt;" in body or "__pwned" not in body, path


def test_article_reader_highlights_and_provenance(pages_client: Any) -> None:
    found = pages_client.get("/api/articles", params={"q": "Taro Aso bridge Trump"}).json()["items"][0]
    html = pages_client.get(f"/articles/{found['id']}").text
    assert html.count('<mark class="') >= 3  # event triggers with their modality
    assert 'class="mention' in html and ("mod-hypothetical" in html or "mod-intended" in html)
    assert 'id="s11"' in html and "+coder-" in html  # per-sentence rows with the extractor version


@pytest.mark.parametrize("field", ["title", "text"])
def test_hostile_json_is_data(pages_client: Any, hostile: str, field: str) -> None:
    item = pages_client.get(f"/api/articles/{hostile}").json()["item"]
    assert HOSTILE[field].split("<script>")[0][:10] in item[field]


# --- names, counts, legends and errors as a user reads them (issue 27) ---------------------------


@pytest.mark.parametrize(
    ("path", "thing"),
    [
        ("/articles/nope", "article 'nope'"),
        ("/articles/ffffffffffffffff", "article"),
        ("/actors/not an id!", "actor 'not an id!'"),
        ("/actors/person:nobody-at-all", "actor"),
        ("/watches/No Such Watch", "watch"),
        ("/watches/nosuchwatch", "watch"),
        (f"/watches/{JAPAN}/stories/nope", "story"),
        (f"/watches/{JAPAN}/network?until=notadate", None),
    ],
)
def test_unknown_ids_are_404_pages_of_the_site(pages_client: Any, path: str, thing: str | None) -> None:
    response = pages_client.get(path)
    if thing is None:  # a malformed query value stays a 422, in the site's page too
        assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
        return
    assert response.status_code == 404, path
    assert response.headers["content-type"].startswith("text/html")
    html = unescape(response.text)
    assert "<h1>Not found</h1>" in html and f"No {thing}" in html, html
    assert "pattern" not in html and "String should match" not in html  # no regular expression shown
    assert f'href="/watches/{JAPAN}"' in html and 'class="search"' in html  # the site's navigation


def test_malformed_ids_stay_422_in_the_json_api(pages_client: Any) -> None:
    response = pages_client.get("/api/articles/nope")
    assert response.status_code == 422 and response.json()["status"] == 422
    assert pages_client.get("/articles/nope", headers={"Accept": "application/json"}).status_code == 422


def test_actor_page_counts_are_counts(pages_client: Any, web_db: Path) -> None:
    with sqlite3.connect(web_db) as conn:
        as_source = conn.execute("SELECT count(*) FROM events WHERE source_actor = 'person:donald-trump'").fetchone()[0]
        as_target = conn.execute("SELECT count(*) FROM events WHERE target_actor = 'person:donald-trump'").fetchone()[0]
    assert as_source > 50  # the page lists 50
    html = pages_client.get("/actors/person:donald-trump").text
    assert f"Events as source (newest 50 of {as_source})" in html
    shown = f"newest 50 of {as_target}" if as_target > 50 else str(as_target)
    assert f"Events as target ({shown})" in html


def test_article_reader_explains_its_figures_once(pages_client: Any) -> None:
    found = pages_client.get("/api/articles", params={"q": "Taro Aso bridge Trump"}).json()["items"][0]
    html = pages_client.get(f"/articles/{found['id']}").text
    coder = next(e["extractor"] for e in pages_client.get(f"/api/articles/{found['id']}").json()["item"]["events"])
    assert html.count(coder) == 1  # the extractor version once per article, not on every event
    for term in ("quad class", "CAMEO", "confidence", f"low confidence (&lt; {VIEW_MIN_CONFIDENCE})"):
        assert term in html, term
    assert 'class="ev low-conf"' in html and 'class="ev"' in html  # low-confidence events marked, others not
    assert "unknown source" in html  # the reference article has neither a source nor a URL


def test_article_without_source_names_its_host(writable_copy: Path) -> None:
    from tests.api.conftest import make_client
    from vigil.config import load_settings
    from vigil.ingest.job import ingest
    from vigil.store import open_store

    item = {
        "url": "https://www.example-news.org/2024/01/27/aso",
        "date": "2024-01-27",
        "text": "Taro Aso met Donald Trump in New York to discuss trade ties.",
    }
    path = writable_copy.parent / "nosource.jsonl"
    path.write_text(json.dumps(item) + "\n", encoding="utf-8")
    with open_store(writable_copy) as store:
        result = ingest([str(path)], store, load_settings(env={}))
        assert result.ingested == 1
        article = store.articles(search="discuss trade ties", limit=1)[0]
    with make_client(writable_copy) as client:
        html = client.get(f"/articles/{article.id}").text
        assert "example-news.org" in html and "unknown source" not in html and "no source" not in html
        # untitled: named by its first words, the same label everywhere
        assert "<h1" in html and "Taro Aso met Donald Trump in New York to discuss…" in html
        found = client.get("/search", params={"q": "discuss trade ties"}).text
        assert "Taro Aso met Donald Trump in New York to discuss…" in found


def test_network_slider_of_a_one_day_window(writable_copy: Path) -> None:
    from tests.api.conftest import make_client
    from vigil.analyze.watches import example_watches, parse_watch
    from vigil.store import analysis as analysis_store
    from vigil.store import open_store

    text = example_watches()[f"{JAPAN}.yaml"]
    text = re.sub(r"(?m)^name: .*$", "name: one-day", text)
    text = re.sub(r"(?m)^start: .*$", "start: 2024-01-27", text)
    text = re.sub(r"(?m)^end: .*$", "end: 2024-01-27", text)
    with open_store(writable_copy) as store:
        analysis_store.save_watch_yaml(store, "one-day", text)
        assert parse_watch(text, source="one-day").start == parse_watch(text, source="one-day").end
    with make_client(writable_copy) as client:
        view = client.get("/api/watches/one-day/network").json()["item"]
        assert [str(d) for d in view["dates"]] == ["2024-01-27"]
        html = client.get("/watches/one-day/network").text
        assert re.search(r'<input type="range" id="until"[^>]*disabled', html)
        assert "every event of this window is dated 2024-01-27" in html
        # the view names every actor it refers to
        assert view["names"]["gov:USA"] == "Government of United States"


@pytest.fixture
def writable_copy(web_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy.db"
    with sqlite3.connect(web_db) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def test_timeline_filters_by_actor_name_or_id(pages_client: Any) -> None:
    by_name = pages_client.get(f"/watches/{JAPAN}/timeline", params={"actor": "Taro Aso"})
    by_id = pages_client.get(f"/watches/{JAPAN}/timeline", params={"actor": "person:taro-aso"})
    assert by_name.status_code == by_id.status_code == 200
    rows = by_name.text.count('<a class="story"')
    assert rows >= 1 and rows == by_id.text.count('<a class="story"')
    unknown = pages_client.get(f"/watches/{JAPAN}/timeline", params={"actor": "Nobody Atall"})
    assert unknown.status_code == 422 and "No actor named" in unescape(unknown.text)


def test_scenario_board_shows_candidates_changes_and_what_exposure_means(pages_client: Any) -> None:
    html = unescape(pages_client.get("/watches/gbr-us-2020/scenarios").text)
    assert "Candidates: Joe Biden" in html and "Kamala Harris" in html
    assert "Bernie Sanders: withdrawal, 2020-04-08" in html
    assert "exposure: the share of an outcome's expectations" in html


def test_probabilities_adding_up_to_more_than_all_are_flagged(writable_copy: Path) -> None:
    from tests.api.conftest import make_client

    with make_client(writable_copy) as client:
        assert client.get("/").status_code == 200  # the page that hands the browser its write cookie
        form = {"outcome": "trump", "probability": "45", "reason": "polls", "author": "Hana <i>Sato</i>"}
        assert client.post(f"/watches/{JAPAN}/scenarios", data=form, follow_redirects=False).status_code == 303
        page = client.get(f"/watches/{JAPAN}/scenarios").text
        assert "<td>Hana &lt;i&gt;Sato&lt;/i&gt;</td>" in page  # who revised it, escaped
        form = {"outcome": "democrats", "probability": "70", "reason": "convention"}
        flagged = client.post(f"/watches/{JAPAN}/scenarios", data=form, follow_redirects=False)
        assert flagged.status_code == 200 and "add up to 115%" in unescape(flagged.text)
        form = {**form, "normalise": "1"}
        assert client.post(f"/watches/{JAPAN}/scenarios", data=form, follow_redirects=False).status_code == 303
        log = client.get(f"/api/watches/{JAPAN}/probabilities").json()["items"]
        assert (log[0]["outcome"], log[0]["probability"]) == ("trump", 0.3)
        assert {r["author"] for r in log} == {"Hana <i>Sato</i>", "dashboard"}  # a form without a name


def test_an_event_is_corrected_from_the_article_reader(writable_copy: Path) -> None:
    from tests.api.conftest import make_client

    with make_client(writable_copy) as client:
        # the article reader shows every event, the unlikely ones too: "it is relying on Taro Aso" is no meeting
        every = {"actor": "gov:JPN", "limit": 50, "min_confidence": 0}
        events = client.get("/api/events", params=every).json()["items"]
        wrong = next(e for e in events if e["target_actor"] == "person:donald-trump" and e["root"] == "CONSULT")
        page = client.get(f"/articles/{wrong['article_id']}").text
        assert f'name="event" value="{wrong["id"]}"' in page and "not in the sentence" in page
        form = {"event": wrong["id"], "kind": "relabel", "root": "REQUEST", "modality": "asserted", "reason": "a watch"}
        form["sentence"] = str(wrong["sentence_index"])
        done = client.post(f"/articles/{wrong['article_id']}/corrections", data=form, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"].endswith(f"#s{wrong['sentence_index']}")
        fixed = next(e for e in client.get("/api/events", params=every).json()["items"] if e["id"] == wrong["id"])
        assert fixed["root"] == "REQUEST" and fixed["confidence"] == 1.0
        trail = client.get("/api/corrections").json()["items"]
        assert trail[-1]["author"] == "dashboard" and trail[-1]["reason"] == "a watch"
        other = client.post(
            f"/articles/{'0' * 24}/corrections", data={**form, "kind": "reject"}, follow_redirects=False
        )
        assert other.status_code == 404


def test_pages_seen_as_of_a_day_link_to_each_other_as_of_that_day(pages_client: Any) -> None:
    """The timeline, network and trends pages seen as of a day keep that day in the links between them."""
    for page in ("timeline", "network", "trends"):
        html = pages_client.get(f"/watches/gbr-us-2020/{page}?as_of=2020-06-30").text
        for other in ("timeline", "network", "trends"):
            assert f'href="/watches/gbr-us-2020/{other}?as_of=2020-06-30"' in html, (page, other)
    plain = pages_client.get("/watches/gbr-us-2020/network").text
    assert 'href="/watches/gbr-us-2020/timeline"' in plain and "as_of=" not in plain.split("<main")[0]
