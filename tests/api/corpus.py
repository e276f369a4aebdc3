"""The store the API and browser tests read: the Wikinews corpus, the reference article and one hostile
article, ingested with extraction once per test session, with the example watches and stories.

Both tests/api and tests/web use :func:`build_web_store`; the path is kept here so a session that
runs both builds the store once.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import copy_store

HOSTILE_MARK = "__pwned"
HOSTILE = {
    "title": (
        "Aso <script>window.__pwned='title'</script> talks <b>bold</b> <img src=x onerror=\"window.__pwned='t-img'\">"
    ),
    "date": "2024-01-28",
    "source": "evil<img src=x onerror=\"window.__pwned='source'\">",
    "url": "javascript:window.__pwned='url'",
    "text": (
        "Taro Aso met Donald Trump in New York to discuss trade. <script>window.__pwned='text'</script> "
        "Japan's government said <img src=x onerror=\"window.__pwned='img'\"> it would consult Trump on tariffs. "
        '"><svg onload="window.__pwned=\'svg\'"></svg> The talks were '
        "<a href=\"javascript:window.__pwned='a'\">friendly</a>, said Kishida "
        "</textarea><iframe src=javascript:alert(1)>."
    ),
}

_built: dict[str, Path] = {}


def build_web_store(folder: Path, base: Path) -> Path:
    """Build (once per session) the store from the extracted corpus at ``base`` and return its path."""
    if "path" in _built:
        return _built["path"]
    from vigil.analyze.stories import cluster_stories
    from vigil.analyze.watches import example_watches, parse_watch
    from vigil.config import load_settings
    from vigil.extract.pipeline import Pipeline
    from vigil.ingest.job import ingest
    from vigil.store import analysis as analysis_store
    from vigil.store import open_store

    hostile = folder / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE) + "\n", encoding="utf-8")
    path = copy_store(base, folder / "web.db")
    settings = load_settings(env={})
    with open_store(path) as store:
        result = ingest([str(hostile)], store, settings, extractor=Pipeline.load(settings))
        assert result.ingested == 1 and result.extracted == 1
        for name, text in example_watches().items():
            analysis_store.save_watch_yaml(store, parse_watch(text, source=name).name, text)
        stories = cluster_stories(analysis_store.load_articles(store))
        analysis_store.save_stories(store, stories)
    _built["path"] = path
    return path


def hostile_id(store_path: Path) -> str:
    """The id of the hostile article in the built store."""
    from vigil.store import open_store

    with open_store(store_path) as store:
        found = [a for a in store.articles(limit=None) if a.source and a.source.startswith("evil")]
    assert len(found) == 1
    return found[0].id
