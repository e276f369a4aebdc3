"""Actor mentions: entities and governmental noun phrases, resolved to canonical actors.

Mentions come from the first spaCy pass (entities, including the knowledge base's
names through the entity ruler) and from noun phrases headed by an institution word
("the Japanese government", "the Kishida administration"). Each mention is resolved
with its title ("Prime Minister Fumio Kishida") or appositive ("Taro Aso, Japan's
Deputy Prime Minister") against the knowledge base on the article's date. Within an
article, a one-word name ("Collins", "Kishida") is the person the article names in full
with that word, before it or else after it ("Susan Collins", even as a provisional
actor); without such a full name it is a known person only where the resolver finds
them plausible (:func:`~vigil.kb.resolve.resolve_description` with the article's country).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from vigil.extract.stages import stage
from vigil.kb import KnowledgeBase
from vigil.kb.knowledge import SENTENCE_OPENERS
from vigil.kb.names import name_key
from vigil.kb.resolve import Resolution, known_by_surname, resolve_description
from vigil.models import CREDIT, Actor, Mention, Role

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

    from vigil.extract.state import ArticleWork, Resources

__all__ = [
    "ActorMention",
    "ArticleActors",
    "find_mentions",
    "kb_patterns",
    "keep_nominal",
    "past_year",
    "publisher_names",
]

ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"})
INSTITUTION_HEADS = frozenset(
    {
        "government",
        "administration",
        "cabinet",
        "ministry",
        "military",
        "army",
        "navy",
        "police",
        "parliament",
        "congress",
        "officials",
        "authorities",
        "forces",
        "troops",
        "regime",
        "leadership",
        "embassy",
        "diplomats",
        "lawmakers",
        "legislature",
        "court",
        "prosecutors",
        "rebels",
        "protesters",
    }
)
_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her"})
_LEFT_STOP = re.compile(r"^[,;:()\[\]\"“”—–]$")
_HEADING_END = re.compile(r"[.!?:;\"”’)]$")


@dataclass(frozen=True, slots=True)
class ActorMention:
    """A mention in article coordinates with its resolution (``actor_id`` None when unresolved)."""

    start: int
    end: int
    text: str
    label: str
    sentence_index: int
    actor_id: str | None
    country: str | None
    sector: str | None
    confidence: float
    kind: str | None = None


class ArticleActors:
    """Resolution state for one article: the KB, the date and what earlier mentions resolved to."""

    def __init__(self, kb: KnowledgeBase, day: date | None, publisher: str | None = None) -> None:
        """Start an article's resolution.

        Args:
            kb: the knowledge base.
            day: the article's date (roles are read on it).
            publisher: the article's source ("en.wikinews.org"): the outlet naming itself
                ("Wikinews asked ...") is the reporter, a generic actor.
        """
        self.kb = kb
        self.day = day
        self.publisher = publisher_names(publisher)
        self.by_token: dict[str, Resolution] = {}
        self.provisional: dict[str, Actor] = {}
        self.countries: Counter[str] = Counter()  # the countries of the mentions resolved so far
        # one-word name coreference: a word of a full name -> the people resolved from full names with it
        self.full_names: dict[str, list[tuple[str, Resolution]]] = {}
        self.ahead: dict[str, list[tuple[str, str]]] = {}  # word -> full names of the article and their sentences
        self.persons: Counter[str] = Counter()  # mentions per person so far
        self.author_ids: set[str] = set()  # the ids that stand for the article's author: its outlet, its reporter

    def expect(self, name: str, context: str) -> None:
        """Note a person's full name the article holds ("Susan Collins"), for a one-word name before it."""
        words = _name_words(name, self.kb)
        for word in words if len(words) >= 2 else ():
            self.ahead.setdefault(word, []).append((name, context))

    def resolve(self, description: str, core: str, context: str, label: str | None = None) -> Resolution | None:
        """Resolve ``description`` (title + name); remember the name's tokens for later short forms.

        A named person or organisation the knowledge base does not know becomes a provisional actor;
        the article's own outlet ("Wikinews" in a Wikinews article) is a generic news medium. An
        institution whose sentence names no country ("The Foreign Ministry said ...") is placed in
        the article's country (:meth:`article_country`).
        """
        res = self._resolve(description, core, context, label)
        if res is not None and res.country:
            self.countries[res.country] += 1
        return res

    def _outlet_of_its_reporter(self, core: str, context: str) -> str | None:
        """The outlet's name when ``core`` is the article's own reporter in ``context`` ("Wikinews accredited
        reporter William S. Saturn reached out to ...")."""
        if not self.publisher:
            return None
        for m in re.finditer(
            r"\b([\w.-]+)\s+(?:(?:accredited|staff|own)\s+)?(?:reporter|correspondent|journalist|contributor)\s+"
            + re.escape(core),
            context,
        ):
            if _squash(m.group(1)) in self.publisher:
                return m.group(1)
        return None

    def article_country(self) -> str | None:
        """The country of most of the article's mentions so far: at least two, and more than any other."""
        top = self.countries.most_common(2)
        if not top or top[0][1] < 2 or (len(top) > 1 and top[1][1] == top[0][1]):
            return None
        return top[0][0]

    def _placed(self, res: Resolution) -> Resolution:
        """A named provisional institution without a country, keyed and coded with the article's country."""
        aid = res.actor_id or ""
        if (
            res.country
            or res.kind != "group"
            or not res.sector
            or not aid.startswith("prov:")
            or aid.startswith("prov:generic:")
        ):
            return res
        code = self.article_country()
        if code is None:
            return res
        return replace(
            res, actor_id=f"prov:{code.lower()}-{aid[5:]}", country=code, confidence=min(res.confidence, 0.5)
        )

    def _resolve(self, description: str, core: str, context: str, label: str | None) -> Resolution | None:
        if label is not None and _squash(core) in self.publisher:  # an entity, whatever its label
            own = Resolution(f"prov:generic:{_slug(core)}", core, "organisation", None, "MED", 0.6, True, None)
            self._remember(own, core, context)
            self.author_ids.add(own.actor_id or "")
            return own
        outlet = self._outlet_of_its_reporter(core, context) if label == "PERSON" else None
        if outlet is not None:  # "Wikinews accredited reporter William S. Saturn": the article's author
            own = Resolution(f"prov:generic:{_slug(outlet)}", outlet, "organisation", None, "MED", 0.6, True, None)
            self.author_ids.add(own.actor_id or "")
            return own
        if not _LATIN.search(core) or core.strip() in _NOT_ACTORS or f"(({core.strip()}))" in context:
            # a word of another script the recogniser took for a name ("हैं"), a disease, a time zone or a
            # technology ("COVID-19", "UTC", "DRM"), an interview transcript's speaker label ("((WN)) :")
            return None
        if label != "PERSON" and _A_THING.search(core.strip()) and not self.kb.lookup(core.strip()):
            return None  # "the National Emergencies Act", "the Camp David Accords", a party's convention: no actor
        res = resolve_description(self.kb, description, self.day, context, article_country=self.article_country())
        if res is not None and res.provisional and res.kind == "person" and label in {"LOC", "GPE", "FAC"}:
            res = replace(res, kind="group")  # "the Russian Black Sea", "Lafayette Square": a place
        if res is not None and res.kind == "party" and label == "PERSON" and len(core.split()) >= 2:
            res = None  # "mayor John Tory" is no Tory party: a person the knowledge base does not know
        if res is not None and res.kind in {"government", "country"} and label == "PERSON" and len(core.split()) >= 2:
            res = None  # "George Washington", "Jack London": a person whose name holds a capital or a country
        # a one-word person name; spaCy takes some surnames for organisations ("shouted at Lam")
        word = _lone_word(core) if label in {"PERSON", "ORG"} else None
        if word is not None and label != "PERSON" and word not in self.full_names and word not in self.ahead:
            word = None
        if word is not None and label != "PERSON" and res is not None and res.kind in {"government", "country"}:
            word = None  # "criticised Washington" after "George Washington": the government, not his short name
        if label in {"GPE", "LOC"} and (res is None or res.provisional):
            # a surname of someone named in full before that the recogniser took for a place ("Afterwards,
            # Tancredo ran for Governor of Colorado" after "Tom Tancredo")
            word = _lone_word(core)
            word = word if word is not None and word in self.full_names else None
        if word is not None:
            res = self._coreferent(word, description, core, context, res)
        if res is None or res.actor_id is None:
            # A short form of someone named earlier in the article: "Kishida" after "Fumio Kishida", "President
            # Kishida"; "Hunter Biden" is no short form of "Joe Biden".
            key = core.split()[-1].lower() if len(_name_words(core, self.kb)) < 2 else core.lower()
            earlier = self.by_token.get(key) or self.by_token.get(core.lower())
            if earlier is not None:
                return earlier
            if label in _PROVISIONAL_KINDS and _named(core):
                kind = _PROVISIONAL_KINDS[label]
                res = Resolution(
                    actor_id=f"prov:{_name_key(core)}",
                    name=core,
                    kind=kind,
                    country=None,
                    sector=None,
                    confidence=0.5,
                    provisional=True,
                    role=None,
                )
            else:
                return res
        res = self._placed(res)
        if res.kind == "person" and label is not None:
            for token in core.split():
                if token[:1].isupper() and len(token) > 2:
                    self.by_token.setdefault(token.lower(), res)
            self.by_token.setdefault(core.lower(), res)
            self.persons[res.actor_id or ""] += 1
            words = _name_words(core, self.kb) if label == "PERSON" and word is None else []
            if len(words) >= 2:
                for key in words:
                    known = self.full_names.setdefault(key, [])
                    if all(r.actor_id != res.actor_id for _, r in known):
                        known.append((core, res))
        if res.provisional and res.actor_id is not None:
            self._remember(res, core, context)
        return res

    def _coreferent(
        self, word: str, description: str, core: str, context: str, res: Resolution | None
    ) -> Resolution | None:
        """The person a one-word name stands for in this article: the one named in full with it before
        (the most mentioned when several are), else the first named in full with it after; ``res``
        (what the name resolves to on its own) when the article names no one so, or when it names only
        unknown people so and ``res`` is a head of state or government of the day (:func:`known_by_surname`)."""
        known = self.full_names.get(word)
        if known:
            full, earlier = max(known, key=lambda k: self.persons[k[1].actor_id or ""])
        else:
            ahead = self.ahead.get(word)
            if not ahead:
                return res
            full, sentence = ahead[0]
            country = self.article_country()
            found = resolve_description(self.kb, full, self.day, sentence, article_country=country)
            if found is None or found.actor_id is None or found.kind != "person":
                found = Resolution(f"prov:{_name_key(full)}", full, "person", None, None, 0.5, True, None)
            earlier = found
        if res is not None and res.actor_id == earlier.actor_id:
            return res
        alone = self.kb.get(res.actor_id) if res is not None and res.actor_id and not res.provisional else None
        if earlier.provisional and alone is not None and known_by_surname(alone, self.day):
            return res  # "Modi" is India's prime minister, whatever unknown "Modi Announced" the article holds
        # the description with the full name: "Senator Collins" -> "Senator Susan Collins", its title kept
        at = description.rfind(core)
        whole = description[:at] + full + description[at + len(core) :] if at >= 0 else full
        again = resolve_description(self.kb, whole, self.day, context, article_country=self.article_country())
        return again if again is not None and again.actor_id == earlier.actor_id else earlier

    def _remember(self, res: Resolution, core: str, context: str) -> None:
        """Keep the provisional actor of ``res``, with its role dated as the sentence dates it.

        A role read from a sentence about a past year ("In 1905, President Theodore Roosevelt ...")
        holds in that year only; otherwise it is open (held as of the article). Within an article a
        past sighting wins: the other mentions of that actor share its historical frame.
        """
        assert res.actor_id is not None
        past = past_year(context, self.day)
        known = self.provisional.get(res.actor_id)
        if known is not None and (past is None or any(r.end is not None for r in known.roles)):
            return
        role = None
        if res.role:
            start, end = (date(past, 1, 1), date(past, 12, 31)) if past is not None else (None, None)
            role = Role(res.role, res.country, res.sector, start, end)
        self.provisional[res.actor_id] = Actor(
            id=res.actor_id,
            name=res.name,
            kind=res.kind,
            country=res.country,
            sector=res.sector,
            aliases=(core,) if core != res.name else (),
            roles=(role,) if role else (),
            provisional=True,
        )


_PAST_YEAR = re.compile(r"\b(?:[Ii]n|[Dd]uring|[Uu]ntil)\s+(?:the\s+year\s+)?(1[0-9]{3}|20[0-9]{2})\b")


def past_year(sentence: str, day: date | None) -> int | None:
    """The year a sentence is about, when it places itself well before the article's day.

    Args:
        sentence: the sentence ("In 1905, President Theodore Roosevelt mediated ...").
        day: the article's date (None: no sentence is dated as past).
    Returns:
        The latest year named after "in", "during" or "until" when it is at least two years before
        ``day``'s, else None ("in 2023" in a January 2024 article is recent; "since 2015" still holds).
    """
    if day is None:
        return None
    years = [int(m.group(1)) for m in _PAST_YEAR.finditer(sentence)]
    if not years or max(years) > day.year - 2:
        return None
    return max(years)


_DOMAIN_PARTS = frozenset("www www2 en m mobile amp news com org net co uk int gov edu info".split())


def publisher_names(source: str | None) -> frozenset[str]:
    """The names an outlet calls itself by, read from an article's source: "en.wikinews.org" -> {"wikinews"}.

    Args:
        source: the article's source (a domain, or an outlet name).
    Returns:
        Lowercase names without spaces or punctuation (empty when there is no source).
    """
    if not source:
        return frozenset()
    host = re.sub(r"^[a-z]+://", "", source.strip().lower()).split("/")[0]
    parts = [p for p in host.split(".") if p and p not in _DOMAIN_PARTS] if "." in host else [host]
    return frozenset(n for p in parts if len(n := _squash(p)) >= 3)


def _squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


_PROVISIONAL_KINDS = {"PERSON": "person", "ORG": "organisation", "FAC": "organisation"}
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
# Names the recogniser takes for organisations or people that name no actor
_NOT_ACTORS = frozenset("COVID-19 COVID Covid-19 Covid coronavirus Coronavirus SARS-CoV-2 UTC GMT DRM GDP".split())
# The last word of a name that names a law, a treaty or a gathering, never an actor
_A_THING = re.compile(r"\b(?:Act|Acts|Accords?|Agreement|Treaty|Pact|Protocol|Deal|Convention)$")
_SLUG_RE = re.compile(r"[^a-z0-9]+")


def _slug(text: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return _SLUG_RE.sub("-", folded).strip("-")[:80] or "unnamed"


_FUNCTION_WORDS = frozenset("the a an of on for and in at to".split())


def _name_key(name: str) -> str:
    """A provisional actor's key from its name, without function words: "the Commission on Presidential
    Debates" and "Commission on Presidential Debates" are one actor, ``commission-presidential-debates``."""
    kept = [w for w in re.split(r"\s+", name.strip()) if w.lower() not in _FUNCTION_WORDS]
    return _slug(" ".join(kept) or name)


_PARTICLE_PREFIX = re.compile(r"^(?:al|el|ad|as|ash|an|ar|at|az|bin|ibn|abu|de|di|da|du|le|la|van|von)[-‐’']", re.I)


def _name_words(name: str, kb: KnowledgeBase) -> list[str]:
    """The keys of the words a person may be called by alone: "Bashar al-Assad" -> ["bashar", "assad"].

    Titles, honorifics and function words ("President", "Senator", "Although") are no such words.
    """
    out = []
    for raw in name.split():
        token = re.sub(r"(?:'s|’s|')$", "", raw).strip('.,;:()"“”')
        token = _PARTICLE_PREFIX.sub("", token)
        if len(token) > 2 and token[:1].isupper() and kb.is_name_word(token):
            key = name_key(token)
            if key and key not in out:
                out.append(key)
    return out


def _lone_word(core: str) -> str | None:
    """The key of a one-word person name ("Collins", "Erdoğan's"), or None for a longer or uncapitalised one."""
    word = re.sub(r"(?:'s|’s|')$", "", core.strip())
    if len(word.split()) != 1 or len(word) < 2 or not word[:1].isupper():
        return None
    return name_key(word) or None


def _named(text: str) -> bool:
    words = [w for w in text.split() if w[:1].isalpha()]
    return bool(words) and all(w[:1].isupper() for w in words if len(w) > 3) and len(text) > 2


def kb_patterns(kb: KnowledgeBase) -> list[dict[str, str]]:
    """Entity-ruler patterns for every KB name, alias and metonym (case-sensitive)."""
    labels = {"country": "GPE", "igo": "ORG", "person": "PERSON", "government": "ORG", "organisation": "ORG"}
    patterns = []
    seen: set[str] = set()
    for surface, actor_id in kb.surface_forms():
        if len(surface) < 2 or surface in seen or surface.islower():
            continue
        actor = kb.get(actor_id)
        if actor is None:
            continue
        seen.add(surface)
        patterns.append({"label": labels.get(actor.kind, "ORG"), "pattern": surface, "id": actor_id})
    return patterns


def is_heading(text: str) -> bool:
    """A section heading: short, no closing punctuation ("Security, Trade, and Diplomacy")."""
    stripped = text.strip()
    return bool(stripped) and len(stripped.split()) <= 10 and not _HEADING_END.search(stripped)


def _left_title(doc: Doc, start: int, limit: int = 7) -> int:
    """Extend a mention leftwards over a title ("Japan's Deputy Prime Minister")."""
    i = start
    while i > 0 and start - i < limit:
        tok = doc[i - 1]
        if tok.is_sent_start and i - 1 < start - 0 and tok.text.lower() in _DETERMINERS:
            break
        if _LEFT_STOP.match(tok.text) or tok.text.lower() in _DETERMINERS or tok.like_num:
            break
        if tok.text[:1].isupper() and tok.text.lower() in SENTENCE_OPENERS:
            break
        if not (tok.text[:1].isupper() or tok.text in {"'s", "’s", "-", "of", "and", "former", "then", "deputy"}):
            break
        if tok.ent_type_ == "PERSON":
            break  # another person: "Trump and Putin" is no title of Putin's
        i -= 1
    while i < start and doc[i].text in {"and", "of", "-"}:
        i += 1
    return i


def _appositive(doc: Doc, end: int, sent_end: int, limit: int = 12) -> str | None:
    """The appositive after a name: ", Japan's Deputy Prime Minister and Finance Minister," -> its text."""
    if end >= sent_end or doc[end].text != ",":
        return None
    j = end + 1
    while j < sent_end and j - end <= limit and doc[j].text not in {",", ";", "."}:
        j += 1
    if j >= sent_end or doc[j].text not in {",", "."} or j == end + 1:
        return None
    words = [t.lower_ for t in doc[end + 1 : j] if t.lower_ not in _DETERMINERS and t.lower_ not in _KIN_DETERMINERS]
    if words and words[0] in _KIN:
        return None  # ", son of the late Al-Qaeda founder Osama bin Laden,": a kinship, no title of his
    if len(words) > 1 and words[0].endswith("ing") and words[1] in {"to", "that"}:
        return None  # ", claiming to represent the State Department,": a clause, no title
    return doc[end + 1 : j].text


# Kinship nouns: an appositive that opens with one names someone else's relative, not the person's office.
_KIN = frozenset(
    """son daughter wife husband brother sister father mother widow widower nephew niece cousin grandson
    granddaughter uncle aunt stepson stepdaughter""".split()
)
_KIN_DETERMINERS = frozenset({"late", "eldest", "youngest", "elder", "younger", "only", "former", "my", "our", "your"})


def find_mentions(doc: Doc, sentences: list[Span], state: ArticleActors) -> list[ActorMention]:
    """Every actor mention of a first-pass doc, resolved, in text order.

    Args:
        doc: the article parsed by the first pass (sentences and entities).
        sentences: ``list(doc.sents)``, indexed as stored.
        state: the article's resolution state.
    Returns:
        Non-overlapping mentions; headings yield none.
    """
    out: list[ActorMention] = []
    ents_by_sent = _entities_by_sentence(doc, sentences)
    full = doc.text  # built once: Doc.text joins every token
    for si, named in ents_by_sent.items():  # the full names, for a one-word name that comes first
        sent = sentences[si]
        for name in dict.fromkeys(_whole_name(doc, e, sent, state.kb).text for e in named if e.label_ == "PERSON"):
            state.expect(name, full[sent.start_char : sent.end_char])
    for si, sent in enumerate(sentences):
        context = full[sent.start_char : sent.end_char]  # Span.text, without building every token again
        heading = is_heading(context)
        dateline = _dateline_end(doc, sent)
        taken: list[tuple[int, int]] = [(sent.start, dateline)] if dateline > sent.start else []
        credit = next((t.i + 1 for t in sent if t.i > sent.start and _a_credit(doc, t.i + 1)), sent.end)
        # Institutions first: "the current U.S. administration" wins over the "U.S." inside it.
        out.extend(_institutions(doc, sent, si, max(sent.start, dateline), state, context, taken))
        for ent in ents_by_sent.get(si, []):
            if any(a < ent.end and ent.start < b for a, b in taken):
                continue
            mention = _entity_mention(doc, ent, sent, si, state, context, heading, taken)
            if mention is not None:
                out.append(mention)
        if not heading:
            ents = [(e.start, e.end) for e in ents_by_sent.get(si, [])]
            nominals, swallowed = _nominals(doc, full, sent, si, taken + ents, state)
            out = [m for m in out if (m.start, m.end) not in swallowed]
            out.extend(nominals)
        if credit < sent.end:  # "Susan Rice Image: White House.": who supplied the picture, named but no party
            at = doc[credit].idx
            out = [replace(m, label=CREDIT) if m.sentence_index == si and m.start >= at else m for m in out]
    out.sort(key=lambda m: m.start)
    return out


# Words that open a picture's credit in captions ("Susan Rice Image: White House.").
_CAPTION_CREDITS = frozenset({"Image", "Photo", "Picture", "Video", "Credit"})


def _a_credit(doc: Doc, start: int) -> bool:
    """Whether the words at ``start`` are a caption's credit: right after "Image:", "Photo:" ..."""
    return 2 <= start < len(doc) and doc[start - 1].text == ":" and doc[start - 2].text in _CAPTION_CREDITS


# The last word of an organisation's name that "of" and a country may follow ("the Democratic Party of Korea")
_ORG_HEADS = frozenset(
    "party front union movement alliance congress league federation council assembly association bank".split()
)


def _entities_by_sentence(doc: Doc, sentences: list[Span]) -> dict[int, list[Span]]:
    """The entities that may name an actor, by the index of the sentence they start in; in a caption, the name
    without the credit's label ("Tom Tancredo Image: US Congress.")."""
    from spacy.tokens import Span

    sent_of_token = {}
    for si, sent in enumerate(sentences):
        for t in range(sent.start, sent.end):
            sent_of_token[t] = si
    out: dict[int, list[Span]] = {}
    ents = list(doc.ents)
    merged: set[int] = set()
    for k, ent in enumerate(ents):
        if k in merged:
            continue
        if ent.label_ == "ORG" and k + 1 < len(ents) and ents[k + 1].label_ == "GPE":
            # "Unity Party of America", "the Democratic Party of Korea": the knowledge base's ruler took the
            # country, the recogniser the rest; one organisation of that country
            nxt = ents[k + 1]
            gap = doc[ent.end : nxt.start]
            tail = ent[-1].lower_
            if (tail == "of" and not len(gap)) or (
                [t.lower_ for t in gap] == ["of"] and ent[-1].text.lower() in _ORG_HEADS
            ):
                ent = Span(doc, ent.start, nxt.end, label="ORG")
                merged.add(k + 1)
        if ent.label_ not in ENTITY_LABELS:
            continue
        end = ent.end
        if end - ent.start > 1 and doc[end - 1].text in _CAPTION_CREDITS and end < len(doc) and doc[end].text == ":":
            ent = Span(doc, ent.start, end - 1, label=ent.label_)  # "Tom Tancredo Image: US Congress."
        out.setdefault(sent_of_token.get(ent.start, 0), []).append(ent)
    return out


def _institutions(
    doc: Doc, sent: Span, si: int, after: int, state: ArticleActors, context: str, taken: list[tuple[int, int]]
) -> list[ActorMention]:
    """Named institutions of a sentence ("the Kishida administration"), headed by a token past ``after``.

    Adds each mention's token span to ``taken``.
    """
    out = []
    for tok in sent:
        if tok.text.lower() not in INSTITUTION_HEADS or tok.i <= after:
            continue
        left = tok.i
        while (
            left > sent.start
            and doc[left - 1].text.lower() not in _DETERMINERS
            and not _LEFT_STOP.match(doc[left - 1].text)
            and tok.i - left < 5
            and doc[left - 1].pos_ not in {"VERB", "ADP"}
        ):
            prev = doc[left - 1]
            if prev.text.islower() and prev.text not in {"current", "new", "former", "'s", "’s"}:
                break
            left -= 1
        while left < tok.i and doc[left].is_punct:
            left += 1  # "al-Assad's government" is no "-Assad's government"
        core = doc[left : tok.i + 1]
        if doc[left].text in {"'s", "’s"} and left - 1 >= sent.start and doc[left - 1].is_alpha:
            core = doc[left + 1 : tok.i + 1]  # resolved as "military": "the country" names no one more
            left -= 1  # "the country's military", "the party's leadership": the possessor with its determiner
            if left - 1 >= sent.start and doc[left - 1].lower_ in _DETERMINERS:
                left -= 1
        if left == tok.i:
            continue  # a bare "the government": resolved at event time from context, not here
        span = doc[left : tok.i + 1]
        res = state.resolve(core.text, core.text, context)
        if res is None or res.actor_id is None:
            continue
        taken.append((span.start, span.end))
        out.append(_mention(span, "ORG", si, res))
    return out


def _entity_mention(
    doc: Doc,
    ent: Span,
    sent: Span,
    si: int,
    state: ArticleActors,
    context: str,
    heading: bool,
    taken: list[tuple[int, int]],
) -> ActorMention | None:
    """The mention an entity makes, if any: an office, a people or group, or the entity itself, resolved.

    Adds the mention's token span to ``taken``.
    """
    if len(ent) == 1 and ent.text.lower() in SENTENCE_OPENERS:
        return None  # "Afterwards, Tancredo ran": a sentence adverb the recogniser took for a name
    if len(ent) == 1 and ent.end < sent.end and doc[ent.end].is_lower:
        words = f"{ent.text} {doc[ent.end].text}".lower()
        found = state.kb.sector_for_title(words)
        if found is not None and found[0].lower() == words:
            return None  # "Law enforcement halted ...": the first word of a role noun, no one's name
    office = _office_after(doc, ent, sent.end, state, context) if ent.label_ == "GPE" else None
    if office is not None:  # "the U.S. Secretary of State", "Japan's prime minister": the holder that day
        taken.append((office[0].start, office[0].end))
        return _mention(office[0], "GPE", si, office[1])
    possessive = ent.end < sent.end and doc[ent.end].text.lower() in {"'s", "’s"}
    country = [c for c in state.kb.find_countries(ent.text) if c[1] - c[0] == len(ent.text)]
    if ent.label_ == "GPE" and country and not possessive:
        # "a United States federal jury convicted ...", "a United States whistleblower": the country's group (a
        # city's is the city's: "the Houston community")
        group = _group_after(doc, ent, sent.end, state.kb)
        tail = doc[ent.end : group.end].text if group is not None else ""
        whole = tail.islower() and any(f.start == 0 and f.end == len(tail) for f in state.kb.find_titles(tail))
        if group is not None and whole and not _title_before_a_name(doc, group, ent.end, sent.end, state.kb):
            res = state.resolve(group.text, group.text, context)
            free = not any(a < group.end and group.start < b for a, b in taken)
            if res is not None and res.actor_id is not None and res.country and free:
                taken.append((group.start, group.end))
                return _mention(group, "NORP", si, res)
    if ent.label_ == "NORP" and not possessive:
        # "Afghan teenagers", "Japanese officials": a people or a group; a bare adjective is no actor.
        group = _group_after(doc, ent, sent.end, state.kb)
        if group is not None and _title_before_a_name(doc, group, ent.end, sent.end, state.kb):
            return None  # "Turkish President Recep Tayyip Erdoğan": the person's own mention carries the title
        if group is None and ent.text.endswith("s") and ent.text[:1].isupper():
            group = ent  # a people: "Afghans", "the Belgians"
        if group is None:
            return None
        res = state.resolve(group.text, group.text, context)
        if res is None or res.actor_id is None or any(a < group.end and group.start < b for a, b in taken):
            return None
        taken.append((group.start, group.end))
        return _mention(group, "NORP", si, res)
    if ent.label_ in {"ORG", "FAC"} and _ends_a_title(doc, ent, sent.start, state.kb):
        return None  # "State" in "Secretary of State Antony Blinken" is part of the title, no actor
    ent = _surname_of(doc, ent, sent, state.kb) or ent
    if ent.label_ == "PERSON":
        ent = _whole_name(doc, ent, sent, state.kb)
    left = _left_title(doc, ent.start) if ent.label_ == "PERSON" else ent.start
    description = doc[left : ent.end].text
    appositive = _appositive(doc, ent.end, sent.end) if ent.label_ == "PERSON" else None
    if (
        appositive
        and state.kb.sector_for_title(appositive)
        and (ent.text in appositive or not _names_a_person(appositive, state.kb))
    ):
        description = f"{ent.text}, {appositive}"
    if ent.label_ in {"GPE", "ORG"} and _capital_as_a_place(doc, ent, sent, state.kb):
        return None
    res = state.resolve(description, ent.text, context, ent.label_)
    if heading and ent.label_ != "PERSON" and (res is None or res.provisional):
        return None  # a section heading names topics, not actors, unless the knowledge base knows the name
    taken.append((ent.start, ent.end))
    return _mention(ent, ent.label_, si, res)


def _whole_name(doc: Doc, ent: Span, sent: Span, kb: KnowledgeBase) -> Span:
    """The whole name a one-token person entity is part of: "Anthony" of "Anthony Fauci" is no Kenny Anthony,
    and two person entities side by side ("Chris" "Wallace", "Susan" "Collins") are one name."""
    if len(ent) != 1:
        return ent
    whole = kb.another_persons_name(doc.text, ent.start_char, ent.end_char) or _next_person(doc, ent, sent)
    span = doc.char_span(*whole, label="PERSON", alignment_mode="expand") if whole else None
    return span if span is not None and sent.start <= span.start and span.end <= sent.end else ent


def _surname_of(doc: Doc, ent: Span, sent: Span, kb: KnowledgeBase) -> Span | None:
    """The person's name a one-word organisation is the surname of: "mayor John Tory" is no Tory party (the
    knowledge base's names are marked as entities before the recogniser, which then keeps "John" out)."""
    if ent.label_ != "ORG" or len(ent) != 1 or ent.start <= sent.start + 1:
        return None
    given = doc[ent.start - 1]
    if given.ent_type_ or not given.is_alpha or not given.is_title or given.is_stop:
        return None
    if not kb.is_name_word(given.text, before_name=True):
        return None
    return doc.char_span(given.idx, ent.end_char, label="PERSON")


def _next_person(doc: Doc, ent: Span, sent: Span) -> tuple[int, int] | None:
    """The characters of ``ent`` and the person entity right after it ("Chris" "Wallace"), if there is one."""
    end = ent.end
    if end >= sent.end or not doc[end - 1].whitespace_ or doc[end].ent_type_ != "PERSON" or doc[end].ent_iob_ != "B":
        return None
    end += 1
    while end < sent.end and doc[end].ent_iob_ == "I":
        end += 1
    return ent.start_char, doc[end - 1].idx + len(doc[end - 1])


def _names_a_person(text: str, kb: KnowledgeBase) -> bool:
    """True when ``text`` holds a known person's name. An appositive that does ("Louis DeJoy, a Republican
    fundraiser Trump appointed, ...", "Andriy Yermak, one of President Zelensky's advisers,") describes the name
    by someone else: the mention would be Trump's, or Zelensky's."""
    return any(kb.get(i) is not None and i.startswith("person:") for _, _, ids in kb.find_names(text) for i in ids)


# Words before a capital that make it a place or part of a name, not its government: "the University
# of Washington", "in Washington", "outside Tokyo".
_PLACE_BEFORE = frozenset({"of", "in", "at", "near", "outside", "around", "across", "throughout"})


def _capital_as_a_place(doc: Doc, ent: Span, sent: Span, kb: KnowledgeBase) -> bool:
    """Whether a capital ("Washington") names its city or part of a name rather than its government.

    A capital stands for its government as a party ("Washington said", "talks with Tokyo"); it is a
    name's part next to another capitalised word ("George Washington", "The Washington Post", "Denzel
    Washington"), a city with its district ("Washington, D.C."), and a place after "of", "in", "at" ...
    """
    capitals = kb.find_countries(ent.text, metonyms=True)
    if not capitals or kb.find_countries(ent.text) or capitals[0][:2] != (0, len(ent.text)):
        return False
    before = doc[ent.start - 1] if ent.start > sent.start else None
    after = doc[ent.end] if ent.end < sent.end else None
    if before is not None and (before.lower_ in _PLACE_BEFORE or (before.text[:1].isupper() and before.is_alpha)):
        return True
    if after is not None and after.text[:1].isupper() and after.is_alpha:
        return True
    rest = doc.text[ent.end_char : ent.end_char + 6]
    return bool(re.match(r",? ?(?:D\.? ?C\.?|DC)\b", rest))


_DATELINE_END = frozenset({"-", "--", "—", "–", ":"})


def _dateline_end(doc: Doc, sent: Span, limit: int = 10) -> int:
    """The token after a dateline that opens ``sent`` ("MOSCOW --", "LA PAZ, Bolivia (AP) --"), else its start.

    A dateline says where the story was filed: its place is no actor. It opens with a word in
    capitals, holds only capitalised words, commas and an agency in brackets, and ends with a dash
    or a colon within ``limit`` tokens.
    """
    first = doc[sent.start]
    if sent.end - sent.start < 2 or not (first.is_alpha and first.is_upper):
        return sent.start
    if len(first) < 3 and not doc[sent.start + 1].is_upper:  # "LA PAZ", not "US and"
        return sent.start
    for i in range(sent.start + 1, min(sent.end, sent.start + limit)):
        tok = doc[i]
        if tok.text in _DATELINE_END:
            return i + 1
        if tok.is_alpha and not tok.text[:1].isupper() and doc[i - 1].text != "(":
            return sent.start  # prose: "NATO said ..."
    return sent.start


def _nominals(
    doc: Doc, full: str, sent: Span, si: int, taken: list[tuple[int, int]], state: ArticleActors
) -> tuple[list[ActorMention], set[tuple[int, int]]]:
    """Unnamed actors of a sentence: "the court", "protesters", "the prime minister" (label ``NOMINAL``).

    A role noun of the title lexicon is a mention when it is no part of a name: not right before a
    capitalised word ("Prime Minister Kishida"), not after a possessive or a capitalised modifier
    ("Japan's government", "U.S. officials": those are named). A title for one person needs a
    determiner ("the prime minister"). "The government of Peru" is one mention, which replaces
    Peru's. The first pass has no parse: :func:`keep_nominal` drops, once the sentence is parsed,
    the nouns that only modify another ("the court ruling").

    Returns:
        The mentions, and the character spans of the entity mentions they swallowed.
    """
    text = full[sent.start_char : sent.end_char]
    out = []
    swallowed: set[tuple[int, int]] = set()
    for match in state.kb.find_titles(text):
        span = doc.char_span(sent.start_char + match.start, sent.start_char + match.end)
        if span is None or any(a < span.end and span.start < b for a, b in taken):
            continue
        end = span.end
        of = _of_entity(doc, end, sent.end, taken)
        if of is not None:
            end = of[1]
        after = doc[end] if end < sent.end else None
        if of is None and after is not None and after.text[:1].isupper():
            continue  # a title before a name, or part of one
        start = _determiner_before(doc, span.start, sent.start)
        before = doc[start - 1] if start > sent.start else None
        if before is not None and (before.text in {"'s", "’s"} or before.text[:1].isupper()):
            continue
        if match.person and start == span.start:
            continue  # "minister" alone is an apposition or a title, not an actor
        mention = doc[start:end]
        description = full[mention.start_char : mention.end_char]
        res = state.resolve(description, description, text)
        if res is None or res.actor_id is None:
            continue
        if of is not None:
            swallowed.add((doc[of[0]].idx, doc[of[1] - 1].idx + len(doc[of[1] - 1].text)))
        taken.append((mention.start, mention.end))
        out.append(_mention(mention, "NOMINAL", si, res))
    return out, swallowed


def _determiner_before(doc: Doc, start: int, sent_start: int, limit: int = 3) -> int:
    """Where a noun phrase begins when a determiner opens it: "a female rebel commander" -> at "a".

    Up to ``limit`` lowercase words may stand between the determiner and ``start``; with no
    determiner, ``start`` itself.
    """
    i = start
    while i > sent_start and start - i <= limit:
        word = doc[i - 1]
        if word.lower_ in _DETERMINERS:
            return i - 1
        if not (word.is_alpha and word.is_lower) or start - i == limit:
            break
        i -= 1
    return start


def _of_entity(doc: Doc, end: int, sent_end: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The entity right after "of" (or "of the") at token ``end``: "the government of Peru" -> Peru's span."""
    if end >= sent_end or doc[end].lower_ != "of":
        return None
    starts = {end + 1, end + 2} if end + 1 < sent_end and doc[end + 1].lower_ == "the" else {end + 1}
    return next(((a, b) for a, b in spans if a in starts), None)


# Group nouns that need no determiner ("Law enforcement halted attempts to take down a statue")
_MASS_GROUPS = frozenset({"law enforcement"})


def keep_nominal(parsed: Doc, mention: ActorMention, offset: int) -> bool:
    """A ``NOMINAL`` mention stays if, in the parsed sentence, its noun heads a noun phrase that is not what
    a copula says its subject is ("Trump was the first president": one actor, Trump) nor what someone is
    called or serves as ("blasted Biden as a career politician", "his influence as vice president")."""
    span = parsed.char_span(mention.start - offset, mention.end - offset)
    if span is None:
        return False
    head = span[-1]
    if head.dep_ == "pobj" and head.head.lower_ == "as":
        return False  # what someone is called or serves as: "blasted Biden as a career politician"
    if (
        head.tag_ == "NN"
        and not any(c.dep_ in {"det", "poss", "nummod"} for c in head.children)
        and span.text.lower() not in _MASS_GROUPS
    ):
        return False  # a bare singular noun names no one: "leaving public office", "took office"
    if any(t.dep_ == "acl" for t in span):
        return False  # the noun sits in a clause of another: "the attack using ten drones" is no drones
    return head.pos_ in {"NOUN", "PROPN"} and head.dep_ not in {"compound", "amod", "nmod", "poss", "attr"}


def _ends_a_title(doc: Doc, ent: Span, sent_start: int, kb: KnowledgeBase, reach: int = 4) -> bool:
    """True when ``ent`` closes a title that opens before it: "Secretary of State", "Minister of Defence"."""
    start = max(sent_start, ent.start - reach)
    if start == ent.start:
        return False
    window = doc[start : ent.end]
    offset = window.start_char
    return any(
        offset + t.start < ent.start_char and offset + t.end == ent.end_char for t in kb.find_titles(window.text)
    )


def _office_after(
    doc: Doc, ent: Span, sent_end: int, state: ArticleActors, context: str
) -> tuple[Span, Resolution] | None:
    """A country and the office right after it, with no name following: "the U.S. Secretary of State met ...".

    Returns:
        The span from the country to the title and its resolution, when the knowledge base knows
        the office's holder on the article's day; else None (the country stays a mention of its own).
    """
    start = ent.end + 1 if ent.end < sent_end and doc[ent.end].text in {"'s", "’s"} else ent.end
    for width in (4, 3, 2, 1):
        end = start + width
        if end > sent_end or any(not t.is_alpha for t in doc[start:end]):
            continue
        found = state.kb.find_titles(doc[start:end].text)
        if len(found) != 1 or not found[0].person or found[0].end != len(doc[start:end].text) or found[0].start:
            continue
        if end < sent_end and doc[end].text[:1].isupper():
            return None  # a title before a name: the person's own mention carries it
        span = doc[ent.start : end]
        res = resolve_description(state.kb, span.text, state.day, context)
        if res is not None and res.kind == "person" and not res.provisional:
            return span, res
        return None
    return None


def _title_before_a_name(doc: Doc, group: Span, title_start: int, sent_end: int, kb: KnowledgeBase) -> bool:
    """Whether ``group`` ends with a person's title ("Turkish President") right before a capitalised name."""
    if group.end >= sent_end or not doc[group.end].text[:1].isupper() or not doc[group.end].is_alpha:
        return False
    found = kb.find_titles(doc[title_start : group.end].text)
    return bool(found) and found[-1].person


# Words that may follow "the Turkish state" when "state" is the state itself, not a qualifier ("state media")
_AFTER_THE_STATE = frozenset(
    "for in of and has have had is was will would to as with at on by but or which that said says from".split()
)


def _group_after(doc: Doc, ent: Span, sent_end: int, kb: KnowledgeBase) -> Span | None:
    """ "Afghan teenagers": the demonym and the group or title noun right after it, if any; "the Turkish
    state": the country as a state (not "Syrian state media")."""
    if (
        ent.end < sent_end
        and doc[ent.end].lower_ == "state"
        and ent.start > 0
        and doc[ent.start - 1].lower_ == "the"
        and (ent.end + 1 >= sent_end or doc[ent.end + 1].is_punct or doc[ent.end + 1].lower_ in _AFTER_THE_STATE)
    ):
        return doc[ent.start : ent.end + 1]
    for width in (3, 2, 1):
        end = ent.end + width
        if end > sent_end:
            continue
        tail = doc[ent.end : end]
        if any(not t.is_alpha for t in tail):
            continue
        found = kb.sector_for_title(tail.text)
        if found is not None and tail.text.lower().endswith(found[0].lower()):
            return doc[ent.start : end]  # "Australian armies", not "Australian armies have agreed"
    return None


def _mention(span: Span, label: str, si: int, res: Resolution | None) -> ActorMention:
    if res is None:
        return ActorMention(span.start_char, span.end_char, span.text, label, si, None, None, None, 0.3)
    return ActorMention(
        span.start_char,
        span.end_char,
        span.text,
        label,
        si,
        res.actor_id,
        res.country,
        res.sector,
        res.confidence,
        res.kind,
    )


# --- stages ---------------------------------------------------------------------------------


@stage("actors.mentions", requires={"doc", "spans"}, produces={"mentions", "actor_state"})
def mentions_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """The article's actor mentions, resolved against the knowledge base on its date (:func:`find_mentions`)."""
    state = ArticleActors(res.kb, work.article.published, work.article.source)
    mentions = find_mentions(work.first_pass(), list(work.spans), state)
    return replace(work, mentions=tuple(mentions), actor_state=state)


@stage("actors.nominals", requires={"mentions", "parses", "spans"}, produces={"mentions.parsed"})
def nominals_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """The mentions, with the ``NOMINAL`` ones kept only where the parse shows them heading a noun phrase."""
    kept = tuple(
        m
        for m in work.mentions
        if m.label != "NOMINAL"
        or (
            m.sentence_index in work.parses
            and keep_nominal(work.parses[m.sentence_index], m, work.spans[m.sentence_index].start_char)
        )
    )
    return replace(work, mentions=kept)


@stage("actors.records", requires={"mentions", "actor_state", "events"}, produces={"mention_rows", "actors"})
def records_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """The mention rows, and the actors the article names: its provisional ones, then the knowledge base's."""
    aid, version = work.article.id, res.version
    rows = tuple(
        Mention(
            aid,
            m.sentence_index,
            m.start,
            m.end,
            m.text,
            m.label,
            m.actor_id,
            round(m.confidence, 4),
            version,
            m.country,
            m.sector,
        )
        for m in work.mentions
    )
    ids = {m.actor_id for m in work.mentions}
    ids |= {e.source_actor for e in work.events} | {e.target_actor for e in work.events}
    # A dropped mention's actor is not kept.
    provisional = [a for a in work.actor_state.provisional.values() if a.id in ids] if work.actor_state else []
    found = (res.kb.get(i) for i in sorted(i for i in ids if i and not i.startswith("prov:")))
    return replace(work, mention_rows=rows, actors=tuple(provisional + [a for a in found if a is not None]))
