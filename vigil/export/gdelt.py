"""GDELT 2.0: the Events table (61 tab-separated columns) and the Mentions table (16 columns).

Files as GDELT publishes them: UTF-8, tab-separated, no header row, empty cells for missing
values. Each Vigil event is one GDELT event with one mention (one sentence of one article):

- ``GLOBALEVENTID``: the first 15 hex digits of Vigil's event id as an integer (fits an int64).
- ``SQLDATE``/``MonthYear``/``Year``/``FractionDate``: the event's date (else the article's).
- Actors: ``ActorNCode`` is CAMEO's country + type (``JPNGOV``), ``ActorNName`` the actor's name,
  ``ActorNCountryCode`` its ISO-3 country, ``ActorNType1Code`` its sector when CAMEO has that type.
- ``EventCode``/``EventBaseCode``/``EventRootCode``: the CAMEO code (a bare root ``07`` as GDELT
  writes it, ``070``, and base ``070``, root ``07``); ``QuadClass`` 1-4 (Vigil's
  quad 0, neutral statements, is GDELT's 1 as CAMEO 01 "make public statement" is there).
- ``IsRootEvent``: 1 for the article's first sentence; ``NumMentions``/``NumSources``/
  ``NumArticles``: 1; ``AvgTone``: the article's tone times 100 (GDELT's -100..100 scale).
- No geography (Vigil does not geocode): the three ``GeoType`` columns are 0, the rest empty.
- ``DATEADDED``: when the article was ingested (UTC); ``SOURCEURL``: the article URL with the
  sentence as a fragment, ``URL#vigil=ARTICLE_ID:SENTENCE`` (``vigil:ARTICLE_ID:SENTENCE`` when the
  article has no URL): :func:`parse_provenance` reads it back.

The Mentions table carries the sentence (``SentenceID``, 1-based), the character offsets of both
actors and the trigger (``-1`` when unknown), the coder's confidence in percent and the document's
length and tone; ``MentionIdentifier`` is the event's ``SOURCEURL`` (as in GDELT, where the first
mention's identifier is the event's source URL).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import IO, Any

from vigil.export.select import Selection
from vigil.models import Event

__all__ = [
    "EVENT_COLUMNS",
    "MENTION_COLUMNS",
    "cameo_code",
    "event_number",
    "event_rows",
    "mention_rows",
    "parse_provenance",
    "provenance_url",
    "write_events",
    "write_mentions",
]

EVENT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "SQLDATE",
    "MonthYear",
    "Year",
    "FractionDate",
    *(
        f"{side}{field}"
        for side in ("Actor1", "Actor2")
        for field in (
            "Code",
            "Name",
            "CountryCode",
            "KnownGroupCode",
            "EthnicCode",
            "Religion1Code",
            "Religion2Code",
            "Type1Code",
            "Type2Code",
            "Type3Code",
        )
    ),
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    *(
        f"{side}Geo_{field}"
        for side in ("Actor1", "Actor2", "Action")
        for field in ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
    ),
    "DATEADDED",
    "SOURCEURL",
)
MENTION_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID",
    "EventTimeDate",
    "MentionTimeDate",
    "MentionType",
    "MentionSourceName",
    "MentionIdentifier",
    "SentenceID",
    "Actor1CharOffset",
    "Actor2CharOffset",
    "ActionCharOffset",
    "InRawText",
    "Confidence",
    "MentionDocLen",
    "MentionDocTone",
    "MentionDocTranslationInfo",
    "Extras",
)

# CAMEO actor type codes that are also PLOVER sectors (PTY, REL and UNK are not CAMEO types).
CAMEO_TYPES = frozenset(
    "GOV MIL COP SPY REB LEG JUD OPP ELI BUS MED EDU CVL LAB CRM REF AGR HLH UAF SEP IGO NGO MNC".split()
)
# Vigil's quad 0 (neutral statement) is CAMEO 01/02, which GDELT counts as verbal cooperation.
_GDELT_QUAD = {0: 1, 1: 1, 2: 2, 3: 3, 4: 4}
_PROVENANCE_RE = re.compile(r"^(?:(?P<url>.+)#vigil=|vigil:)(?P<article>[0-9a-f]+):(?P<sentence>\d+)$")


def event_number(event_id: str) -> int:
    """The GDELT ``GLOBALEVENTID`` of a Vigil event id: its first 15 hex digits as an integer."""
    return int(event_id[:15], 16)


def provenance_url(url: str | None, article_id: str, sentence_index: int) -> str:
    """``SOURCEURL``: the article's URL with the sentence as a fragment (``vigil:`` without a URL)."""
    if url:
        return f"{url.split('#', 1)[0]}#vigil={article_id}:{sentence_index}"
    return f"vigil:{article_id}:{sentence_index}"


def parse_provenance(value: str) -> tuple[str | None, str, int] | None:
    """``(url, article_id, sentence_index)`` from a ``SOURCEURL`` Vigil wrote, else None."""
    m = _PROVENANCE_RE.match(value.strip())
    if m is None:
        return None
    return m.group("url"), m.group("article"), int(m.group("sentence"))


def _day(e: Event, sel: Selection) -> date | None:
    """The event's day (SQLDATE): when it happened, else its publication date."""
    if e.when is not None:
        return e.when
    art = sel.records.articles.get(e.article_id)
    return art.published if art is not None else None


def _stamp(when: datetime | date | None) -> str:
    if when is None:
        return ""
    if isinstance(when, datetime):
        return when.strftime("%Y%m%d%H%M%S")
    return when.strftime("%Y%m%d") + "000000"


def _article_tones(sel: Selection) -> dict[str, float]:
    return {
        t.article_id: t.score
        for t in sel.records.tones
        if t.sentence_index is None and t.source_actor is None and t.target_actor is None
    }


def _actor(sel: Selection, actor: str | None, day: date | None) -> list[str]:
    """The ten Actor columns of one side."""
    if not actor:
        return [""] * 10
    r = sel.records
    country = r.actor_country(actor) or ""
    sector = r.actor_sector(actor, day) or ""
    kind = sector if sector in CAMEO_TYPES else ""
    return [country + kind, r.name(actor), country, "", "", "", "", kind, "", ""]


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def event_rows(sel: Selection) -> Iterator[list[str]]:
    """The selected events as GDELT 2.0 Events rows (61 strings each)."""
    tones = _article_tones(sel)
    for e in sel.events:
        art = sel.records.articles.get(e.article_id)
        day = _day(e, sel)
        cameo = cameo_code(e.cameo)
        tone = tones.get(e.article_id)
        row = [
            str(event_number(e.id)),
            day.strftime("%Y%m%d") if day else "",
            day.strftime("%Y%m") if day else "",
            str(day.year) if day else "",
            f"{day.year + (day.month * 30 + day.day) / 365:.4f}" if day else "",
            *_actor(sel, e.source_actor, day),
            *_actor(sel, e.target_actor, day),
            "1" if e.sentence_index == 0 else "0",
            cameo,
            cameo[:3],
            cameo[:2],
            str(_GDELT_QUAD[e.quad]) if e.quad in _GDELT_QUAD else "",
            "",
            "1",
            "1",
            "1",
            _num(tone * 100 if tone is not None else None),
            *(["0"] + [""] * 7) * 3,
            _stamp(art.ingested_at if art else None),
            provenance_url(art.url if art else None, e.article_id, e.sentence_index),
        ]
        yield row


def cameo_code(code: str | None) -> str:
    """GDELT's ``EventCode`` of a CAMEO code: a bare root ``07`` is ``070`` ("not specified below")."""
    code = (code or "").strip()
    return code + "0" if len(code) == 2 else code


def _offset(span: tuple[int, int] | None) -> str:
    return str(span[0]) if span is not None else "-1"


def mention_rows(sel: Selection) -> Iterator[list[str]]:
    """One GDELT 2.0 Mentions row per selected event (16 strings each)."""
    tones = _article_tones(sel)
    for e in sel.events:
        art = sel.records.articles.get(e.article_id)
        added = _stamp(art.ingested_at if art else None)
        tone = tones.get(e.article_id)
        yield [
            str(event_number(e.id)),
            added,
            added,
            "1",
            (art.source or "") if art else "",
            provenance_url(art.url if art else None, e.article_id, e.sentence_index),
            str(e.sentence_index + 1),
            _offset(e.source_span),
            _offset(e.target_span),
            _offset(e.trigger_span),
            "1",
            str(max(0, min(100, round(e.confidence * 100)))),
            str(len(art.text)) if art else "",
            _num(tone * 100 if tone is not None else None),
            "",
            "",
        ]


def _clean(cell: Any) -> str:
    # A tab or newline inside a cell would break the row: GDELT files never quote.
    return re.sub(r"[\t\r\n]+", " ", str(cell))


def _write(rows: Iterator[list[str]], width: int, out: IO[bytes]) -> int:
    n = 0
    for row in rows:
        assert len(row) == width, f"GDELT row of {len(row)} columns, expected {width}"
        out.write(("\t".join(_clean(c) for c in row) + "\n").encode("utf-8"))
        n += 1
    return n


def write_events(sel: Selection, out: IO[bytes]) -> int:
    """Write the Events table; return the rows written."""
    return _write(event_rows(sel), len(EVENT_COLUMNS), out)


def write_mentions(sel: Selection, out: IO[bytes]) -> int:
    """Write the Mentions table; return the rows written."""
    return _write(mention_rows(sel), len(MENTION_COLUMNS), out)
