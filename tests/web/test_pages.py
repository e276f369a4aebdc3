"""Server-rendered pages: every page renders, and hostile article text reaches the browser escaped."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api.corpus import HOSTILE

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


def test_hostile_article_is_escaped_everywhere(pages_client: Any, hostile: str) -> None:
    for path in hostile_pages(pages_client, hostile):
        html = pages_client.get(path).text
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
