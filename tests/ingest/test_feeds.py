from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.ingest import SHARED
from vigil.config import Settings
from vigil.ingest.feeds import UnsafeXMLError, defuse_xml, read_feed
from vigil.ingest.readers import read_inputs
from vigil.models import DateSource, RawArticle, Rejection

FEEDS = sorted((SHARED / "fixtures" / "feeds").glob("*.xml"))
WSJ = SHARED / "fixtures" / "feeds" / "wsj_world_2025-04.xml"

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Example Atom</title><link href="https://www.example.org/"/>
  <updated>2024-03-02T10:00:00Z</updated><id>urn:x</id>
  <entry>
    <title>Parliament passes the budget</title>
    <link href="https://www.example.org/2024/03/budget"/>
    <id>urn:1</id><updated>2024-03-01T09:30:00+01:00</updated>
    <content type="html">&lt;p&gt;The parliament passed the budget after a long night.&lt;/p&gt;
      &lt;script&gt;alert("x")&lt;/script&gt;&lt;p&gt;Opposition parties walked out.&lt;/p&gt;</content>
  </entry>
</feed>"""

RSS1 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://news.example.net/"><title>RDF news</title><link>https://news.example.net/</link>
    <description>d</description><dc:language>de</dc:language></channel>
  <item rdf:about="https://news.example.net/a">
    <title>Regierung beschliesst Haushalt</title><link>https://news.example.net/a</link>
    <description>Die Regierung hat am Dienstag den Haushalt für das kommende Jahr beschlossen.</description>
    <dc:date>2023-05-09</dc:date>
  </item>
</rdf:RDF>""".encode()

RSS091 = b"""<?xml version="1.0"?>
<rss version="0.91"><channel><title>Old</title><link>http://old.example.com/</link><description>d</description>
<item><title>Old-style item about the harbour</title><link>http://old.example.com/1</link>
<description>The harbour authority announced new opening hours on Monday.</description></item>
</channel></rss>"""


def _items(data: bytes, settings: Settings) -> list[RawArticle | Rejection]:
    return list(read_feed(data, origin="feed.xml", settings=settings))


@pytest.mark.parametrize("path", FEEDS, ids=lambda p: p.name)
def test_feeds_every_saved_feed_ingests(path: Path, settings: Settings) -> None:
    records = list(read_inputs([str(path)], settings=settings))
    articles = [r for r in records if isinstance(r, RawArticle)]
    assert articles and len(articles) == len(records)
    assert all(a.date_source is DateSource.FEED and a.published is not None for a in articles)
    assert all(a.title and a.text.startswith(a.title) for a in articles)
    assert all(a.location == f"item {i}" for i, a in enumerate(articles, 1))
    outlet = {"economist": "economist.com", "ft-home": "ft.com", "nyt": "nytimes.com", "wsj": "wsj.com"}
    assert {a.source for a in articles} == {outlet[path.name.split("_")[0]]}


def test_feeds_fixture_count_and_first_item(settings: Settings) -> None:
    assert len(FEEDS) == 15
    first = _items(WSJ.read_bytes(), settings)[0]
    assert isinstance(first, RawArticle)
    assert first.published == date(2025, 4, 30)
    assert first.url is not None and first.url.startswith("https://archive.is/newest/https://www.wsj.com/")
    assert first.source == "wsj.com" and first.language == "en"
    assert "Ukraine and the U.S. are expected to sign a deal" in first.text


def test_feeds_atom_rss1_rss091(settings: Settings) -> None:
    [atom] = _items(ATOM, settings)
    assert isinstance(atom, RawArticle)
    assert atom.published == date(2024, 3, 1) and atom.date_source is DateSource.FEED
    assert atom.text == (
        "Parliament passes the budget\n\nThe parliament passed the budget after a long night.\n\n"
        "Opposition parties walked out."
    )
    assert "alert" not in atom.text and atom.source == "example.org"
    [rdf] = _items(RSS1, settings)
    assert isinstance(rdf, RawArticle)
    assert (rdf.published, rdf.language, rdf.source) == (date(2023, 5, 9), "de", "news.example.net")
    [old] = _items(RSS091, settings)
    assert isinstance(old, RawArticle)
    assert (old.published, old.date_source, old.source) == (None, DateSource.NONE, "old.example.com")


def test_feeds_future_and_unparseable_item_dates(settings: Settings) -> None:
    future = date.today() + timedelta(days=40)
    data = f"""<rss version="2.0"><channel><title>t</title><link>https://e.org/</link>
    <item><title>Item one about the new policy</title><pubDate>{future:%a, %d %b %Y} 10:00:00 GMT</pubDate>
    <description>The ministry will publish the new policy next month.</description></item>
    <item><title>Item two about the new policy</title><pubDate>sometime soon</pubDate>
    <description>The ministry will publish the new policy next month.</description></item>
    </channel></rss>""".encode()
    ahead, vague = _items(data, settings)
    assert isinstance(ahead, RawArticle) and isinstance(vague, RawArticle)
    assert (ahead.published, ahead.date_note) == (None, f"future date {future}")
    assert (vague.published, vague.date_source, vague.date_note) == (
        None,
        DateSource.NONE,
        "unparseable date 'sometime soon'",
    )


def test_feeds_malformed_feed_keeps_recovered_items(settings: Settings) -> None:
    broken = WSJ.read_bytes().replace(b"<item>", b"<item><bogus>& unclosed", 1)
    records = _items(broken, settings)
    good = _items(WSJ.read_bytes(), settings)
    assert len(records) >= len(good) - 1 and all(isinstance(r, RawArticle) for r in records)


def test_feeds_truncated_feed_keeps_recovered_items(settings: Settings) -> None:
    data = WSJ.read_bytes()
    records = _items(data[: len(data) // 2], settings)
    articles = [r for r in records if isinstance(r, RawArticle)]
    assert 10 <= len(articles) < len(_items(data, settings))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<rss version='2.0'><chann", "malformed feed, no items recovered"),
        (b"<?xml version='1.0'?><rss version='2.0'><channel><title>t</title></channel></rss>", "feed has no items"),
    ],
)
def test_feeds_unrecoverable_is_one_rejection(data: bytes, reason: str, settings: Settings) -> None:
    [rejection] = _items(data, settings)
    assert isinstance(rejection, Rejection) and rejection.location == "file" and reason in rejection.reason


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>Bomb</title><link>https://bomb.example/</link>
<item><title>Laughing matters in the capital</title><description>&lol9; The council met on Monday to vote.</description>
<pubDate>Mon, 04 Nov 2024 10:00:00 GMT</pubDate></item></channel></rss>"""

QUADRATIC = (
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + b"A" * 100_000 + b'">]>'
    b"<rss version='2.0'><channel><title>Q</title><item><title>Quadratic blowup attempt here</title><description>"
    + b"&a;" * 20_000
    + b" The council met on Monday.</description></item></channel></rss>"
)


def test_feeds_defuse_removes_entity_doctype() -> None:
    cleaned = defuse_xml(BOMB)
    assert b"<!ENTITY" not in cleaned and b"<!DOCTYPE" not in cleaned
    assert cleaned.endswith(b"</rss>") and b"&lol9;" in cleaned
    plain = WSJ.read_bytes()
    assert defuse_xml(plain) is plain
    with pytest.raises(UnsafeXMLError):
        defuse_xml(BOMB.decode().encode("utf-16"))
    with pytest.raises(UnsafeXMLError):
        defuse_xml(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b"> <rss>')  # never closed


_BOMB_CHILD = textwrap.dedent(
    """
    import json, re, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))  # a failed defence cannot eat the machine
    from vigil.config import load_settings
    from vigil.ingest.readers import read_inputs

    def peak():  # this process's own high-water RSS (ru_maxrss may carry the parent's over fork/exec)
        return int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read())[1]) * 1024

    settings = load_settings(env={})
    warm = list(read_inputs([sys.argv[2]], settings=settings))  # imports, language model: the baseline
    before = peak()
    out = [
        {"kind": type(r).__name__, "text": getattr(r, "text", ""), "length": len(getattr(r, "text", ""))}
        for r in read_inputs([sys.argv[1]], settings=settings)
    ]
    print(json.dumps({"records": out, "before": before, "after": peak()}))
    """
)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc for the peak RSS")
@pytest.mark.parametrize(("name", "data"), [("billion_laughs.xml", BOMB), ("quadratic.xml", QUADRATIC)])
def test_feeds_entity_bomb_does_not_expand(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    benign = tmp_path / "benign.xml"
    benign.write_bytes(BOMB.replace(b"&lol9;", b"").replace(b"<!ENTITY", b"<!-- ENTITY").replace(b'">', b'" -->'))
    result = subprocess.run(
        [sys.executable, "-c", _BOMB_CHILD, str(path), str(benign)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    report = json.loads(result.stdout)
    growth_mb = (report["after"] - report["before"]) / 2**20
    print(
        f"\n{name}: peak RSS {report['before'] / 2**20:.0f} MB before, {report['after'] / 2**20:.0f} MB after "
        f"(+{growth_mb:.1f} MB); records {[(r['kind'], r['length']) for r in report['records']]}"
    )
    assert growth_mb < 20  # a working expansion needs ~3 GB (billion laughs) or ~2 GB (quadratic)
    assert all(r["length"] < 200_000 for r in report["records"])
    assert "lollollol" not in "".join(r["text"] for r in report["records"])
    assert [r["kind"] for r in report["records"]] == ["RawArticle"]
