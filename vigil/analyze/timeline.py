"""Timeline: a watch's dated developments, one line per story, with its key event, actors and domains.

A story is in the watch when one of its articles names a watched actor (mention or
event) or one of the watch's keywords. Its key event is the most confident event
touching a watched actor (asserted events first), cited by its sentence.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from vigil.analyze.stories import Story, cluster_stories
from vigil.analyze.trends import focal_actors
from vigil.analyze.watches import Watch, keyword_pattern
from vigil.analyze.window import Records
from vigil.models import CREDIT, Citation, DateGranularity, Day, Event, Mention, Modality

__all__ = ["TimelineEntry", "timeline", "watch_articles"]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One development: a story with its key event.

    ``date`` is the day the key event happened when its sentence gives the day ("on Tuesday"),
    else the story's first publication date (``published``).
    """

    date: date | None
    story: str
    title: str | None
    reports: int
    key_event: str | None
    actors: tuple[str, ...]
    domains: tuple[str, ...]
    outcomes: tuple[str, ...]
    citation: Citation
    weight: int = 0
    published: Day | None = None
    bearing: int = 0

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "date": self.date.isoformat() if self.date else None,
            "published": self.published.isoformat() if self.published else None,
            "story": self.story,
            "title": self.title,
            "reports": self.reports,
            "key_event": self.key_event,
            "actors": list(self.actors),
            "domains": list(self.domains),
            "outcomes": list(self.outcomes),
            "citation": self.citation.to_dict(),
            "watch_events": self.weight,
            "focal_events": self.bearing,
        }


# The sectors of a country's state and politics: an actor of the focal country in one of them makes an
# article concern the watch; its police (a local force's arrest is no national politics), universities,
# media, companies and people at large do not.
POLITICAL_SECTORS = frozenset({"GOV", "MIL", "SPY", "LEG", "JUD", "PTY", "OPP", "ELI"})


# Local government: a county's, a city's or a town's council or assembly, a mayor, a councillor, and "<Place>
# Council" ("Bradford Council"); not a national body that is called a council ("National Security Council").
_LOCAL_BODY = re.compile(
    r"\b(?:(?:county|city|borough|district|town|parish|municipal|metropolitan|prefectural)\s+"
    r"(?:council|assembly|government|authority|hall)|mayor|mayoralty|councillors?|councilors?)\b",
    re.IGNORECASE,
)
_NATIONAL_COUNCILS = frozenset(
    "national security state privy european federal supreme legislative executive constitutional".split()
)


def local_body(name: str) -> bool:
    """Whether an actor's name is that of a local government body ("Hampshire County Council", "Bradford
    Council", "the mayor of London")."""
    if _LOCAL_BODY.search(name):
        return True
    words = re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE).split()
    return len(words) == 2 and words[1] == "Council" and words[0].lower() not in _NATIONAL_COUNCILS


def _a_place_name(mention: Mention) -> bool:
    """Whether a mention of a country or a government is the name of the country or of its capital."""
    return (mention.actor_id or "").startswith(("country:", "gov:")) and _names_a_place(mention.text)


@functools.lru_cache(maxsize=4096)
def _names_a_place(text: str) -> bool:
    from vigil.kb import KnowledgeBase

    text = text.removeprefix("the ").removeprefix("The ")
    return any(
        start == 0 and end == len(text) for start, end, _ in KnowledgeBase.load().find_countries(text, metonyms=True)
    )


def watch_articles(records: Records, watch: Watch) -> set[str]:
    """Ids of the articles that concern the watch: a watched actor (the camps, the watch's actors,
    the focal country and government), an actor of the focal country's state or politics on the
    article's day (an office holder, a ministry, the legislature, a party, the forces; not the police, nor a
    generic "officials"), or a keyword (one that names a country, in the title). A foreign government in a
    camp counts as a party to one of the article's events only.

    A British university, the BBC or a British scientist alone does not make an article concern a
    watch focused on the United Kingdom.
    """
    watched = watch.watched_actors() | {f"gov:{watch.focal}"}
    found: dict[tuple[str, date | None], bool] = {}

    def counts(article_id: str, actor: str | None) -> bool:
        if actor is None:
            return False
        if actor in watched:
            return True
        if actor.startswith("prov:generic:"):
            return False  # "police", "officials": no named institution of the focal state
        art = records.articles.get(article_id)
        key = (actor, art.published if art is not None else None)
        if key not in found:
            sector = records.actor_sector(actor, key[1])
            # a lawyer or a judge the knowledge base does not know ("Kama Melly QC" at a criminal trial) is no
            # national politics; a court is
            record = records.actors.get(actor)
            unknown_lawyer = sector == "JUD" and record is not None and record.provisional and record.kind == "person"
            # "Bradford Council", "Hampshire County Council": local government, no national politics
            local = actor.startswith("prov:") and local_body(records.name(actor))
            political = sector in POLITICAL_SECTORS and not unknown_lawyer and not local
            found[key] = records.actor_country(actor) == watch.focal and political
        return found[key]

    # A country's or a capital's name ("a bus crash in England", "found dead in London") may only be where
    # something happened: the focal country, or a capital standing for its government, counts as a party to
    # an event only.
    # A foreign government watched as a camp ("gov:USA" for the incumbent's camp) is named in much news that has
    # nothing to do with the election ("a man set himself on fire outside the White House"): as a party to
    # an event only.
    foreign = {a for a in watched if a.startswith("gov:") and a != f"gov:{watch.focal}"}
    out = {
        m.article_id
        for m in records.mentions
        if counts(m.article_id, m.actor_id) and not _a_place_name(m) and m.actor_id not in foreign and m.label != CREDIT
    }
    out |= {
        e.article_id
        for e in records.events
        if counts(e.article_id, e.source_actor) or counts(e.article_id, e.target_actor)
    }
    words = list(watch.keywords) + [w for o in watch.outcomes for w in o.keywords]
    # A keyword that only names a country ("British", "Japan") is where an article's story happens when its
    # text names it (a British mathematician's obituary); in the title it is what the story is about.
    places = [w for w in words if _names_a_place(w)]
    topics = [w for w in words if w not in places]
    if topics:
        pattern = keyword_pattern(topics)
        out |= {a.id for a in records.articles.values() if pattern.search(f"{a.title or ''} {a.text}")}
    if places:
        pattern = keyword_pattern(places)
        out |= {a.id for a in records.articles.values() if pattern.search(a.title or "")}
    return out


def _entry_date(key: Event | None, published: date | None) -> date | None:
    """A development's date: the day its key event happened, when the sentence gives the day."""
    if key is not None and key.occurred is not None and key.occurred_granularity is DateGranularity.DAY:
        return key.occurred
    return published


def _bears(e: Event, focal: set[str], foreign: set[str]) -> bool:
    """Whether an event is between the focal country's side and a watched actor of the other side."""
    return (e.source_actor in focal and e.target_actor in foreign) or (
        e.source_actor in foreign and e.target_actor in focal
    )


def _foreign_side(records: Records, watch: Watch, watched: set[str]) -> set[str]:
    """The watched actors outside the focal country, with the country and government the camps belong to
    ("country:USA" for a watch of the U.S. election)."""
    countries = {records.actor_country(m) for o in watch.outcomes for m in o.members}
    return watched | {f"{kind}:{c}" for c in countries if c and c != watch.focal for kind in ("country", "gov")}


def _key_event(
    events: Sequence[Event], wanted: set[str], focal: set[str], foreign: set[str], order: Sequence[str] = ()
) -> Event | None:
    """A story's key event: one between the focal side and the watched foreign side before one that only
    names a watched actor, before any other; then asserted, then one of the earliest of the story's
    articles in ``order`` (the first gives the story its title), then the most confident."""
    rank = {a: i for i, a in enumerate(order)}
    relevant = [e for e in events if e.source_actor in wanted or e.target_actor in wanted] or list(events)
    if not relevant:
        return None
    return max(
        relevant,
        key=lambda e: (
            _bears(e, focal, foreign),
            e.modality is Modality.ASSERTED,
            -rank.get(e.article_id, len(rank)),
            e.confidence,
            -e.sentence_index,
        ),
    )


def _tally(
    members: Sequence[str], actors_by_article: dict[str, Counter[str]], art_domains: dict[str, dict[str, float]]
) -> tuple[Counter[str], dict[str, float]]:
    """How often a story's articles name each actor, and their summed score per policy domain."""
    actors: Counter[str] = Counter()
    doms: dict[str, float] = defaultdict(float)
    for a in members:
        actors.update(actors_by_article.get(a, Counter()))
        for d, score in art_domains.get(a, {}).items():
            doms[d] += score
    return actors, doms


def _describe(records: Records, key: Event) -> str:
    """A story's key event in a line: source, root, target and modality."""
    return (
        f"{records.name(key.source_actor)} {key.root or 'STATEMENT'} {records.name(key.target_actor)}"
        f" ({key.modality.value})"
    )


def timeline(
    records: Records,
    watch: Watch,
    *,
    stories: Sequence[Story] | None = None,
    outcome: str | None = None,
    domain: str | None = None,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[TimelineEntry]:
    """The watch's developments, oldest first.

    Args:
        records: the loaded records.
        watch: the watch.
        stories: precomputed stories (default: clustered from the records).
        outcome: only stories naming this outcome's camp or keywords.
        domain: only stories tagged with this domain.
        actor: only stories naming this actor id.
        since, until: inclusive bounds on the story's first date.
    Returns:
        One :class:`TimelineEntry` per story.
    """
    relevant = watch_articles(records, watch)
    if stories is None:
        stories = cluster_stories([records.articles[a] for a in relevant])
    focal = focal_actors(records, watch)
    wanted = watch.watched_actors() | focal
    foreign = _foreign_side(records, watch, wanted - focal)
    events_by_article: dict[str, list[Event]] = defaultdict(list)
    for e in records.events:
        events_by_article[e.article_id].append(e)
    actors_by_article: dict[str, Counter[str]] = defaultdict(Counter)
    for m in records.mentions:
        if m.actor_id:
            actors_by_article[m.article_id][m.actor_id] += 1
    art_domains = records.article_domains()
    out = []
    for s in stories:
        members = [a for a in s.article_ids if a in relevant and a in records.articles]
        if not members:
            continue
        if since is not None and (s.first is None or s.first < since):
            continue
        if until is not None and (s.first is None or s.first > until):
            continue
        evs = [e for a in members for e in events_by_article.get(a, [])]
        actors, doms = _tally(members, actors_by_article, art_domains)
        text = " ".join(f"{records.articles[a].title or ''} {records.articles[a].text}" for a in members)
        outcomes = tuple(
            o.id
            for o in watch.outcomes
            if o.camp_on(s.first) & set(actors) or (o.pattern() is not None and o.pattern().search(text))  # type: ignore[union-attr]
        )
        if outcome is not None and outcome not in outcomes:
            continue
        if domain is not None and domain not in doms:
            continue
        if actor is not None and actor not in actors:
            continue
        key = _key_event(evs, wanted, focal, foreign, order=members)
        citation = records.cite(key.article_id, key.sentence_index) if key else records.cite(members[0], None)
        out.append(
            TimelineEntry(
                date=_entry_date(key, s.first),
                published=s.first,
                story=s.id,
                title=records.articles[members[0]].label,
                reports=len(members),
                key_event=_describe(records, key) if key else None,
                actors=tuple(a for a, _ in actors.most_common(6)),
                domains=tuple(sorted(doms, key=lambda d: -doms[d])[:4]),
                outcomes=outcomes,
                citation=citation,
                weight=sum(1 for e in evs if e.source_actor in wanted or e.target_actor in wanted),
                bearing=sum(1 for e in evs if _bears(e, focal, foreign)),
            )
        )
    return sorted(out, key=lambda t: (t.date or date.min, t.story))
