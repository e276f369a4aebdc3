"""Records: the extraction layers of a window of articles, loaded once and shared by the analyses.

The analyses (stories, timeline, networks, trends, scenarios, alerts, briefs) are pure
functions over a :class:`Records`; :func:`load_records` is the one place that reads the
store for them, in a handful of bulk queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from vigil.config import Settings
from vigil.models import (
    VIGIL_CODER,
    Actor,
    Article,
    Citation,
    DateGranularity,
    DomainTag,
    Event,
    Mention,
    Sentence,
    Tone,
)
from vigil.store import Store
from vigil.store import analysis as analysis_store

__all__ = ["VIEW_MIN_CONFIDENCE", "Records", "event_within", "load_records", "sentence_days"]

VIEW_MIN_CONFIDENCE = Settings().get_float("view.min_confidence")


def sentence_days(events: Iterable[Event]) -> dict[tuple[str, int], date]:
    """The day each sentence says its events happened, to the day ("On Wednesday"), from its events."""
    out: dict[tuple[str, int], date] = {}
    for e in events:
        if e.occurred is not None and e.occurred_granularity is DateGranularity.DAY:
            out.setdefault((e.article_id, e.sentence_index), e.occurred)
    return out


def event_within(event: Event, since: date | None, until: date | None) -> bool:
    """True when the event's date (:attr:`Event.when`: when it happened, else its publication date) is
    in ``[since, until]``; an undated event is outside any bounded range."""
    day = event.when
    if day is None:
        return since is None and until is None
    return (since is None or day >= since) and (until is None or day <= until)


@dataclass(slots=True)
class Records:
    """Articles with their sentences, mentions, events, domain tags, tones and actors.

    Build by hand in tests, or with :func:`load_records` from a store.
    """

    articles: dict[str, Article] = field(default_factory=dict)
    sentences: dict[tuple[str, int], Sentence] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    domains: list[DomainTag] = field(default_factory=list)
    tones: list[Tone] = field(default_factory=list)
    actors: dict[str, Actor] = field(default_factory=dict)
    # The day each sentence says its events happened ("On Wednesday"), read from every event extracted
    # from it, shown or not: when a sentence says something happened does not depend on how sure the
    # coder is of who did what.
    said_days: dict[tuple[str, int], date] = field(default_factory=dict)
    _mention_attrs: dict[str, tuple[str | None, str | None]] | None = field(default=None, repr=False)
    _by_article: dict[str, list[Sentence]] | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls,
        articles: Iterable[Article],
        *,
        sentences: Iterable[Sentence] = (),
        mentions: Iterable[Mention] = (),
        events: Iterable[Event] = (),
        domains: Iterable[DomainTag] = (),
        tones: Iterable[Tone] = (),
        actors: Iterable[Actor] = (),
        said_days: Mapping[tuple[str, int], date] | None = None,
    ) -> Records:
        """Assemble records from plain lists (``said_days``: from ``events`` when not given)."""
        events = list(events)
        return cls(
            articles={a.id: a for a in articles},
            sentences={(s.article_id, s.index): s for s in sentences},
            mentions=list(mentions),
            events=events,
            domains=list(domains),
            tones=list(tones),
            actors={a.id: a for a in actors},
            said_days=dict(said_days) if said_days is not None else sentence_days(events),
        )

    def part(self, article_ids: set[str], *, since: date | None = None, until: date | None = None) -> Records:
        """The records of these articles only (and of their events dated in ``[since, until]``)."""
        return Records.build(
            [a for a in self.articles.values() if a.id in article_ids],
            sentences=[s for s in self.sentences.values() if s.article_id in article_ids],
            mentions=[m for m in self.mentions if m.article_id in article_ids],
            events=[e for e in self.events if e.article_id in article_ids and event_within(e, since, until)],
            domains=[d for d in self.domains if d.article_id in article_ids],
            tones=[t for t in self.tones if t.article_id in article_ids],
            actors=self.actors.values(),
            said_days={k: v for k, v in self.said_days.items() if k[0] in article_ids},
        )

    def within(self, since: date | None, until: date | None) -> Records:
        """The records of the articles published in ``[since, until]`` (the same rule as the store's:
        an undated article is outside any bounded range), without their events dated outside it
        (a sentence about 2019 in a 2024 article is not 2024 evidence)."""
        if since is None and until is None:
            return self
        keep = {
            a.id
            for a in self.articles.values()
            if a.published is not None
            and (since is None or a.published >= since)
            and (until is None or a.published <= until)
        }
        return self.part(keep, since=since, until=until)

    # --- lookups ---------------------------------------------------------------------

    def sentence_text(self, article_id: str, index: int | None) -> str:
        """The text of a sentence ('' when unknown; the title or lead for ``index=None``)."""
        art = self.articles.get(article_id)
        if art is None:
            return ""
        if art.imported is not None:  # imported events have no sentence: say where they come from
            return art.provenance or ""
        if index is None:
            return art.title or art.text[:200]
        s = self.sentences.get((article_id, index))
        return art.text[s.start : s.end].strip() if s is not None else ""

    def cite(self, article_id: str, index: int | None) -> Citation:
        """A :class:`Citation` of sentence ``index`` of the article."""
        art = self.articles.get(article_id)
        return Citation(
            article_id,
            index,
            self.sentence_text(article_id, index),
            art.title if art else None,
            art.published if art else None,
            art.url if art else None,
            art.label if art else None,
        )

    def name(self, actor_id: str | None) -> str:
        """A readable name for an actor id (the id itself when unknown)."""
        if actor_id is None:
            return "—"
        actor = self.actors.get(actor_id)
        return actor.name if actor is not None else actor_id

    def article_sentences(self, article_id: str) -> list[tuple[int, str]]:
        """Every ``(index, text)`` of an article, in order."""
        art = self.articles.get(article_id)
        if art is None:
            return []
        if self._by_article is None:
            grouped: dict[str, list[Sentence]] = defaultdict(list)
            for sent in self.sentences.values():
                grouped[sent.article_id].append(sent)
            self._by_article = {a: sorted(xs, key=lambda x: x.index) for a, xs in grouped.items()}
        return [(s.index, art.text[s.start : s.end].strip()) for s in self._by_article.get(article_id, [])]

    def sentence_actors(self) -> dict[tuple[str, int], set[str]]:
        """Actor ids mentioned per ``(article, sentence)``."""
        out: dict[tuple[str, int], set[str]] = defaultdict(set)
        for m in self.mentions:
            if m.actor_id:
                out[(m.article_id, m.sentence_index)].add(m.actor_id)
        return out

    def sentence_domains(self) -> dict[tuple[str, int], dict[str, float]]:
        """Domain scores per ``(article, sentence)``."""
        out: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)
        for d in self.domains:
            if d.sentence_index is not None:
                out[(d.article_id, d.sentence_index)][d.domain] = d.score
        return out

    def article_domains(self) -> dict[str, dict[str, float]]:
        """Article-level domain scores per article."""
        out: dict[str, dict[str, float]] = defaultdict(dict)
        for d in self.domains:
            if d.sentence_index is None:
                out[d.article_id][d.domain] = d.score
        return out

    def actor_country(self, actor_id: str) -> str | None:
        """The ISO3 country of an actor: from the actor record, else from its id or mentions."""
        actor = self.actors.get(actor_id)
        if actor is not None and actor.country:
            return actor.country
        kind, _, rest = actor_id.partition(":")
        if kind in {"country", "gov"} and len(rest) == 3:
            return rest
        return self._attrs().get(actor_id, (None, None))[0]

    def _attrs(self) -> dict[str, tuple[str | None, str | None]]:
        """First country and sector seen in the mentions of each actor (computed once)."""
        if self._mention_attrs is None:
            out: dict[str, tuple[str | None, str | None]] = {}
            for m in self.mentions:
                if m.actor_id:
                    country, sector = out.get(m.actor_id, (None, None))
                    out[m.actor_id] = (country or m.country, sector or m.sector)
            self._mention_attrs = out
        return self._mention_attrs

    def actor_sector(self, actor_id: str, day: date | None) -> str | None:
        """The PLOVER sector of an actor on ``day`` (its standing then, else its mentions).

        A former office holder is ELI on a day after the role ended (:meth:`Actor.standing_on`).
        """
        if actor_id.startswith("gov:"):
            return "GOV"
        actor = self.actors.get(actor_id)
        if actor is not None:
            sector = actor.standing_on(day).sector
            if sector:
                return sector
        return self._attrs().get(actor_id, (None, None))[1]


def known_by(as_of: date | None) -> datetime | None:
    """The end of an "as of" day: what was recorded before this time was known on that day (UTC).
    As of the last day of the calendar (9999-12-31), everything is."""
    if as_of is None or as_of == date.max:
        return None
    return datetime.combine(as_of + timedelta(days=1), time.min)


def known_until(since: date | None, until: date | None, as_of: date | None) -> date | None:
    """The end of a window ``since..until`` seen as of a day: no later than that day, and the window's
    start when the day comes before it (a window that holds nothing, since nothing was known yet)."""
    if as_of is None or (until is not None and until <= as_of):
        return until
    return as_of if since is None else max(since, as_of)


def load_records(
    store: Store,
    *,
    since: date | None = None,
    until: date | None = None,
    article_ids: Sequence[str] | None = None,
    with_kb: bool = True,
    min_confidence: float | None = None,
    coders: Sequence[str] = (VIGIL_CODER,),
    as_of: date | None = None,
) -> Records:
    """Load the articles in a date range (or with the given ids) with every extraction layer.

    Args:
        store: the open store.
        since, until: inclusive bounds on the articles' publication dates and on the events' dates
            (:func:`event_within`): an event of an article in the range that happened outside it is left out.
        article_ids: restrict to these articles.
        with_kb: complete actors (names, roles) from the knowledge base.
        min_confidence: events below it are left out; None: the default of the setting
            ``view.min_confidence`` (the default view), 0: every event.
        coders: whose events to read: Vigil's own (the default) and/or imported ones (a watch's ``coders``).
            Imported events come with their provenance records, which have no sentences.
        as_of: what was known at the end of that day: articles published and ingested by then, and
            the analysts' corrections made by then (see :func:`known_by`).
    Returns:
        The :class:`Records`.
    """
    coders = [c.upper() for c in coders]
    imported = [c for c in coders if c != VIGIL_CODER]
    cutoff = known_by(as_of)
    if as_of is not None and (until is None or until > as_of):
        until = as_of
    arts = analysis_store.load_articles(
        store, since=since, until=until, ids=article_ids, imported=imported, known_by=cutoff
    )
    if VIGIL_CODER not in coders:
        arts = [a for a in arts if a.imported is not None]
    ids = [a.id for a in arts]
    mentions = analysis_store.load_mentions(store, ids, known_by=cutoff)
    threshold = VIEW_MIN_CONFIDENCE if min_confidence is None else min_confidence
    every = analysis_store.load_events(store, ids, coders, known_by=cutoff)
    events = [e for e in every if e.confidence >= threshold and event_within(e, since, until)]
    actor_ids = {m.actor_id for m in mentions if m.actor_id}
    actor_ids |= {x for e in events for x in (e.source_actor, e.target_actor) if x}
    actors = {a.id: a for a in analysis_store.load_actors(store, actor_ids)}
    if with_kb:
        # The store keeps provisional actors; knowledge-base actors are read from the KB itself.
        from vigil.kb import KnowledgeBase

        kb = KnowledgeBase.load()
        for aid in actor_ids - set(actors):
            found = kb.get(aid)
            if found is not None:
                actors[aid] = found
    return Records.build(
        arts,
        sentences=analysis_store.load_sentences(store, ids),
        mentions=mentions,
        events=events,
        domains=analysis_store.load_domain_tags(store, ids),
        tones=analysis_store.load_tones(store, ids),
        actors=actors.values(),
        said_days=sentence_days(every),
    )
