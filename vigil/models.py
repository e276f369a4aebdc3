"""The one data model of Vigil.

Records are frozen, slotted dataclasses with stable ids. Character offsets always
point into ``Article.text``, the way a spaCy ``Span`` is a view onto a ``Doc``.
This module imports nothing else from vigil; every other layer imports it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

__all__ = [
    "Actor",
    "Alert",
    "Article",
    "Citation",
    "DateGranularity",
    "DateSource",
    "DomainTag",
    "Extraction",
    "Event",
    "Mention",
    "Modality",
    "RawArticle",
    "Rejection",
    "Role",
    "Sentence",
    "Standing",
    "Story",
    "Tone",
    "STATEMENT",
    "VIGIL_CODER",
    "article_id",
    "article_label",
    "normalise_text",
    "root_name",
]

Day = date  # the calendar-day type, for fields of records that have a field named ``date``
STATEMENT = "STATEMENT"  # the name of an event coded as a plain statement (no PLOVER root, CAMEO 01, quad 0)
_LABEL_WORDS = 10


def root_name(root: str | None) -> str:
    """An event's root as users read it: the PLOVER root, or STATEMENT for a plain statement."""
    return root or STATEMENT


def article_label(title: str | None, text: str | None) -> str:
    """How an article is named wherever users read it: its title, else its first words.

    One rule for the CLI, the dashboard, briefs and alerts: an untitled article is always its first
    ten words and an ellipsis when there are more.
    """
    if title and title.strip():
        return " ".join(title.split())
    words = (text or "")[:400].split()
    if not words:
        return "(empty article)"
    more = len(words) > _LABEL_WORDS or len(text or "") > 400
    return " ".join(words[:_LABEL_WORDS]) + ("…" if more else "")


class DateSource(StrEnum):
    """How an article's publication date was found."""

    FIELD = "field"  # a date column / key in a structured input
    DATELINE = "dateline"  # the ` date YYYY-MM-DD ` header of plain dated text
    METADATA = "metadata"  # HTML page metadata (meta tags, JSON-LD, htmldate)
    FEED = "feed"  # the published/updated element of an RSS/Atom item
    URL = "url"  # a date embedded in the URL path
    NONE = "none"  # no usable date: the article is kept and flagged


class DateGranularity(StrEnum):
    """How precisely an event's date is known: the period its date stands for.

    A week's date is its Monday, a month's its first day, a year's 1 January. ``publication``: the
    sentence does not say when, and the event date is the article's publication date.
    """

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"
    PUBLICATION = "publication"


class Modality(StrEnum):
    """Whether an event is stated as fact, plan, hypothesis, negation or hearsay."""

    ASSERTED = "asserted"
    INTENDED = "intended"
    HYPOTHETICAL = "hypothetical"
    NEGATED = "negated"
    REPORTED = "reported"


VIGIL_CODER = "VIGIL"
"""The coder of the events Vigil's own extraction makes; imported events carry their source's name."""

_PUNCT_CATEGORIES = ("P", "S")
_SPACE_RE = re.compile(r"\s+")


# ASCII punctuation and symbols (every one is of category P or S) -> space: the fast path of normalise_text
_ASCII_PUNCT = str.maketrans({ch: " " for ch in map(chr, range(128)) if unicodedata.category(ch)[0] in "PS"})


def normalise_text(text: str) -> str:
    """Normalise text for identity: NFKC, lower case, punctuation dropped, spaces collapsed."""
    if text.isascii():  # NFKC leaves ASCII as it is
        return _SPACE_RE.sub(" ", text.lower().translate(_ASCII_PUNCT)).strip()
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(" " if unicodedata.category(ch)[0] in _PUNCT_CATEGORIES else ch for ch in text)
    return _SPACE_RE.sub(" ", text).strip()


def article_id(text: str, source: str | None) -> str:
    """Stable article id: a hash of the normalised text and the (lower-cased) source."""
    key = f"{(source or '').strip().lower()}\x1f{normalise_text(text)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class RawArticle:
    """What a reader yields: an article before identity, dedupe and storage.

    ``origin`` says where it came from (file path or URL) and ``location`` where in
    that input (line number, item index), so that every rejection can be reported.
    """

    text: str
    title: str | None
    url: str | None
    source: str | None
    published: date | None
    date_source: DateSource
    origin: str
    location: str
    language: str | None = None
    date_note: str | None = None  # why a found date was not usable, e.g. "future: 2031-01-01"


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input item that could not be ingested, with where it was and why."""

    origin: str
    location: str
    reason: str


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    text: str
    title: str | None
    url: str | None
    source: str | None
    published: date | None
    date_source: DateSource
    language: str | None
    ingested_at: datetime
    origin: str
    date_note: str | None = None
    duplicate_of: str | None = None
    story_id: str | None = None
    imported: str | None = None  # the coder ("GDELT", "ICEWS", "ACLED") of a provenance record, else None

    @property
    def date_flagged(self) -> bool:
        """True when the article has no usable date."""
        return self.published is None

    @property
    def label(self) -> str:
        """The article's name for users (:func:`article_label`)."""
        return article_label(self.title, self.text)

    @property
    def provenance(self) -> str | None:
        """For a provenance record of imported events: where they come from, in words (None for articles).

        Imported events have no sentence in the store; pages show this instead of a sentence.
        """
        if self.imported is None:
            return None
        parts = [f"imported from {self.imported}; no sentence in Vigil's store"]
        if self.title:
            parts.append(self.title)
        if self.url:
            parts.append(f"source URL {self.url}")
        elif self.source:
            parts.append(f"source {self.source}")
        if self.text:
            parts.append(f"{self.imported} note: {self.text}")
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class Sentence:
    article_id: str
    index: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Role:
    """An office or affiliation held by an actor, with validity dates (inclusive)."""

    title: str
    country: str | None
    sector: str | None
    start: date | None = None
    end: date | None = None

    def holds_on(self, day: date | None) -> bool:
        """True when the role is held on ``day`` (None: held now, i.e. not ended)."""
        if day is None:
            return self.end is None
        if self.start is not None and day < self.start:
            return False
        return not (self.end is not None and day > self.end)

    def label(self) -> str:
        """The role as users read it: "president 2017-01-20 → 2021-01-20" ("…" for an unknown start)."""
        return f"{self.title} {self.start or '…'} → {self.end or 'now'}"


@dataclass(frozen=True, slots=True)
class Standing:
    """What an actor is on a day: its country and sector then, and the role they come from.

    ``role`` is the role held on ``day``; for a former holder (``former``) it is the last role
    that ended before ``day`` and the sector is ELI, CAMEO's code for former officials.
    """

    day: date | None
    country: str | None
    sector: str | None
    role: Role | None = None
    former: bool = False


@dataclass(frozen=True, slots=True)
class Actor:
    """A canonical actor: a country, government, organisation, IGO or person."""

    id: str
    name: str
    kind: str  # country, government, person, organisation, igo, party, group
    country: str | None = None
    sector: str | None = None
    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    wikidata: str | None = None
    provisional: bool = False

    def role_on(self, day: date | None) -> Role | None:
        """The role held on ``day`` (the latest-starting one when several apply)."""
        current = [r for r in self.roles if r.holds_on(day)]
        if not current:
            return None
        return max(current, key=lambda r: r.start or date.min)

    def standing_on(self, day: date | None) -> Standing:
        """The actor's country and sector on ``day`` (None: now), from its dated roles.

        The role held on ``day`` gives them; with none held, a person (or provisional actor)
        whose last role ended before ``day`` is a former holder, ELI, with that role's country;
        an actor without roles, or before its first role, keeps its own country (and its own
        sector when it has no roles at all).
        """
        role = self.role_on(day)
        if role is not None:
            return Standing(day, role.country or self.country, role.sector or self.sector, role)
        past = [r for r in self.roles if r.end is not None and (day is None or r.end < day)]
        if past:
            last = max(past, key=lambda r: (r.sector == "GOV", r.end or date.min))
            return Standing(day, last.country or self.country, "ELI", last, former=True)
        return Standing(day, self.country, None if self.roles else self.sector)


# The label of a mention in a caption's credit ("Susan Rice Image: White House."): a name, but no party to an event
# nor a sign of what the article is about.
CREDIT = "CREDIT"


@dataclass(frozen=True, slots=True)
class Mention:
    article_id: str
    sentence_index: int
    start: int
    end: int
    text: str
    label: str
    actor_id: str | None
    confidence: float
    extractor: str
    country: str | None = None
    sector: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """An event: who does what to whom, in one sentence of an article.

    ``date`` is the article's publication date; ``occurred`` is when the event happened as its
    sentence says ("on Tuesday", "in 2019"), with ``occurred_granularity``; None when it was not
    resolved (an imported event, whose ``date`` is already its source's event date).
    """

    article_id: str
    sentence_index: int
    date: Day | None
    source_actor: str | None
    target_actor: str | None
    root: str | None
    quad: int | None
    cameo: str | None
    modality: Modality
    confidence: float
    extractor: str
    source_text: str | None = None
    target_text: str | None = None
    source_span: tuple[int, int] | None = None
    target_span: tuple[int, int] | None = None
    trigger_span: tuple[int, int] | None = None
    mode: str | None = None
    contexts: tuple[str, ...] = ()
    stance: float | None = None
    coder: str = "VIGIL"  # who coded the event: VIGIL (this extractor), or the source of an import (GDELT, ...)
    import_id: str | None = None  # an imported event's stable id, from the source's own event id
    occurred: Day | None = None
    occurred_granularity: DateGranularity | None = None
    fixed_id: str | None = None  # the stored event's id, kept when an analyst's correction changes a field

    @property
    def when(self) -> Day | None:
        """The date the analyses use: when the event happened, else the publication date."""
        return self.occurred if self.occurred is not None else self.date

    @property
    def occurred_label(self) -> str | None:
        """When the event happened as users read it ("2019", "2024-07", "week of 2024-11-18",
        "2024-11-19"); None when its sentence does not say (it is dated by publication)."""
        day, granularity = self.occurred, self.occurred_granularity
        if day is None or granularity is None or granularity is DateGranularity.PUBLICATION:
            return None
        if granularity is DateGranularity.YEAR:
            return f"{day.year}"
        if granularity is DateGranularity.MONTH:
            return f"{day.year}-{day.month:02d}"
        if granularity is DateGranularity.WEEK:
            return f"week of {day.isoformat()}"
        return day.isoformat()

    @property
    def imported(self) -> bool:
        """True for an event coded by another system and imported (see :mod:`vigil.imports`)."""
        return self.coder != VIGIL_CODER

    @property
    def root_name(self) -> str:
        """The root as users read it (:func:`root_name`): STATEMENT when there is no PLOVER root."""
        return root_name(self.root)

    @property
    def id(self) -> str:
        """The event's stable id (kept through analysts' corrections, see :mod:`vigil.store.corrections`)."""
        if self.fixed_id is not None:
            return self.fixed_id
        if self.import_id is not None:
            return self.import_id
        key = "|".join(
            str(x)
            for x in (
                self.article_id,
                self.sentence_index,
                self.source_actor,
                self.target_actor,
                self.root,
                self.trigger_span,
            )
        )
        return hashlib.sha1(key.encode()).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class DomainTag:
    """A policy domain for a sentence (``sentence_index`` set) or a whole article (None)."""

    article_id: str
    sentence_index: int | None
    domain: str
    score: float
    extractor: str


@dataclass(frozen=True, slots=True)
class Tone:
    """Tone of a sentence or article in [-1, 1]; a directed stance when actors are set."""

    article_id: str
    sentence_index: int | None
    score: float
    extractor: str
    source_actor: str | None = None
    target_actor: str | None = None
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything one extractor version produced for one article, written atomically."""

    article_id: str
    extractor: str
    sentences: tuple[Sentence, ...] = ()
    mentions: tuple[Mention, ...] = ()
    events: tuple[Event, ...] = ()
    domains: tuple[DomainTag, ...] = ()
    tones: tuple[Tone, ...] = ()
    actors: tuple[Actor, ...] = ()  # provisional actors first seen in this article


@dataclass(frozen=True, slots=True)
class Citation:
    """A sentence that supports a claim: the article, the sentence index and its text."""

    article_id: str
    sentence_index: int | None
    text: str
    title: str | None = None
    published: date | None = None
    url: str | None = None
    label: str | None = None  # how users read the article's name (article_label)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping (the shape alerts store, deliver and the API returns)."""
        return {
            "article": self.article_id,
            "sentence_index": self.sentence_index,
            "sentence": self.text,
            "title": self.title,
            "label": self.label,
            "published": self.published.isoformat() if self.published else None,
            "url": self.url,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Citation:
        """The citation :meth:`to_dict` wrote."""
        published = data.get("published")
        return cls(
            article_id=str(data.get("article")),
            sentence_index=data.get("sentence_index"),
            text=str(data.get("sentence") or ""),
            title=data.get("title"),
            published=date.fromisoformat(published) if published else None,
            url=data.get("url"),
            label=data.get("label"),
        )


@dataclass(frozen=True, slots=True)
class Alert:
    """A fired rule of a watch with the sentences that fired it; its id is stable (watch, rule, evidence)."""

    id: str
    watch: str
    rule: str
    kind: str
    message: str
    evidence: tuple[Citation, ...]
    at: datetime  # when Vigil raised it

    @property
    def published(self) -> date | None:
        """The date of the newest article that fired it (what the alert is about; ``at`` is when it was raised)."""
        return max((c.published for c in self.evidence if c.published is not None), default=None)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "id": self.id,
            "watch": self.watch,
            "rule": self.rule,
            "kind": self.kind,
            "message": self.message,
            "published": self.published.isoformat() if self.published else None,
            "at": self.at.isoformat(),
            "evidence": [c.to_dict() for c in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class Story:
    """A cluster of articles about one development.

    Attributes:
        id: stable id (a hash of the earliest article's id).
        article_ids: member articles, oldest first (the first is the lead article).
        first, last: publication-date range.
        title: the lead article's title.
        method: how the articles were grouped (``vigil.analyze.stories.METHOD``).
    """

    id: str
    article_ids: tuple[str, ...]
    first: date | None
    last: date | None
    title: str | None
    method: str

    @property
    def reports(self) -> int:
        """How many articles report this story."""
        return len(self.article_ids)

    @property
    def lead_article(self) -> str:
        """The id of the story's first article."""
        return self.article_ids[0]
