"""Resolve an actor description ("Japan's Deputy Prime Minister Taro Aso", "an American
destroyer", "Tokyo") to an actor id, a country and a CAMEO/PLOVER sector.

Pure functions over a :class:`~vigil.kb.knowledge.KnowledgeBase`; no NLP model. The
rules, in order:

1. pronouns and descriptions with no country, title or known name give None;
2. an exact name/alias/metonym match: a person, an organisation, a government
   ("Tokyo", "the Kremlin" -> ``gov:JPN`` / ``gov:RUS``) or a country (``country:JPN``);
3. a known person inside the description. A one-word name ("Collins", "Cohen") is a known
   person only when that person is plausibly the one meant (:meth:`_Resolver._lone`): the
   description, the sentence or the article's country is theirs; in an article about another
   country nothing else makes them so; without an article country, a head-of-state,
   head-of-government or foreign-minister office held on ``day`` does, so does any role held
   that day, or any role at all when the sentence names no country. Someone whose roles all
   begin after ``day`` is never meant. Otherwise the name is an unknown person (provisional).
   The country and sector come from the role
   held on ``day``, but an explicit title written next to the name (in the description
   or right before it in ``context``) wins: "Japan's Deputy Prime Minister Taro Aso"
   is GOV even on a day the knowledge base has him as a party official. A person with
   no role on ``day`` who held one before is ELI (CAMEO's code for former officials);
   "<person>'s aides" / "supporters of <person>" describe a group, not the person,
   and "the Kishida administration" is the government ``gov:JPN``;
4. a known organisation inside the description ("NATO troops" -> ``igo:nato``);
5. a government phrase ("the Japanese government", "Chinese authorities") -> ``gov:XXX``;
6. otherwise the longest title gives the sector and the first country word the country;
   "former"/"retired" gives ELI and "ethnic" (or a bare ethnic group) gives CVL. A
   singular office with no name ("the Japanese prime minister") is looked up among
   the office holders on ``day``. Without a country word, the country comes from an
   ethnic group ("Hausa" -> NGA) or, for named or singular descriptions only, from
   the context sentence; a plain group ("soldiers") keeps no country.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from vigil.kb.knowledge import KnowledgeBase, TitleMatch, government_actor_id, head_title, office_families
from vigil.kb.names import is_acronym, name_key, slugify
from vigil.models import Actor, Role

__all__ = ["Resolution", "known_by_surname", "resolve_description"]

_PRONOUNS = frozenset(
    """i me my we us our you your he him his she her they them their it its who whom whose which that this these
    those one someone somebody anyone nobody everyone everybody something nothing anything it all both each
    other others another himself herself themselves itself ourselves there here what""".split()
)
# Words that open a place's name before a capital's: "South London", "Greater Tokyo", "East Jerusalem".
_PLACE_PREFIXES = frozenset(
    {
        "North",
        "South",
        "East",
        "West",
        "Northern",
        "Southern",
        "Eastern",
        "Western",
        "Central",
        "Greater",
        "Inner",
        "Outer",
        "Old",
        "Downtown",
        "Metropolitan",
    }
)

# Offices of a city or a region: with a capital's name ("the mayor of London") they are that city's.
_LOCAL_TITLES = frozenset({"mayor", "deputy mayor", "lord mayor", "governor", "city council", "council", "councillor"})

_GOV_GROUPS = frozenset(
    {
        "government",
        "governments",
        "administration",
        "administrations",
        "cabinet",
        "regime",
        "authorities",
        "officials",
        "government officials",
        "federal government",
        "junta",
        "presidency",
    }
)
_DETERMINERS = frozenset(
    """the a an some several many few most all of largest biggest main major top senior leading two three four
    five six seven eight nine ten dozens hundreds thousands scores its their his her s in from and on at for
    with by to as new other local powerful influential prominent""".split()
)
# What names a country's armed forces as a whole (:meth:`KnowledgeBase.armed_forces`)
_WHOLE_FORCES = frozenset({"military", "armed forces", "defence forces", "defense forces"})
_INSTITUTIONS = frozenset(
    {
        "military",
        "army",
        "navy",
        "air force",
        "armed forces",
        "coast guard",
        "police",
        "police force",
        "parliament",
        "congress",
        "senate",
        "legislature",
        "court",
        "supreme court",
        "cabinet",
        "ministry",
        "embassy",
        "central bank",
    }
)
# Party labels that name one country's parties wherever they are written: "a senior Republican senator",
# "Two Democratic Representatives", "the Tory minister" (other labels, "Liberal", "Labour", are shared).
_PARTY_COUNTRY = {
    "republican": "USA",
    "republicans": "USA",
    "democrat": "USA",
    "democrats": "USA",
    "democratic": "USA",
    "gop": "USA",
    "tory": "GBR",
    "tories": "GBR",
}
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_COLLECTIVES = frozenset("family families community people public population crowd diaspora majority minority".split())
_BACKED = re.compile(
    r"\s*-?\s*(?:backed|led|funded|supported|sponsored|trained|allied|aligned|controlled)\b", re.IGNORECASE
)
_LOYAL = re.compile(r"^(.+?)\s+(?:loyal to|backed by|allied (?:to|with)|aligned with|supported by)\s+(.+)$", re.I)
_QUANTITIES = frozenset(
    "million millions thousand thousands hundred hundreds dozen dozens tens scores most many some few".split()
)
# Role nouns that say what someone does for an institution, not which institution: "police spokesman",
# "hospital officials", "a spokesperson for the fire service" take the institution's sector.
_WEAK_HEADS = frozenset(
    """spokesman spokesmen spokeswoman spokeswomen spokesperson spokespersons spokespeople official officials
    officer officers employee employees staff chief chiefs leader leaders sergeant sergeants commander commanders
    worker workers member members representative representatives head heads director directors chair chairs
    chairman chairwoman chairperson""".split()
)
# Offices whose holders the news names by surname alone, whatever the country: "Erdoğan said", "Pompeo met".
_SURNAME_OFFICE = re.compile(
    r"(?:acting |interim |transitional )?(?:president|vice president|prime minister|chancellor|taoiseach|"
    r"king|queen|emir|sultan|supreme leader|foreign minister|secretary-general|secretary general)"
)
_PARTICLES = frozenset("de del della di da dos van von der den bin ibn al el la le du ben abu".split())
# Nouns that end the name of an organisation, not of a person: "Raksa Chart Party", "Electric Company".
_ORG_NOUNS = frozenset(
    """party company corporation corp inc ltd group council committee agency bank university institute foundation
    news times post network service services police court fund association union front league movement army
    forces ministry department office bureau commission organisation organization centre center society trust
    club airlines airways media tribune journal herald gazette press channel radio television tv""".split()
)
_AFFIXES = frozenset("anti pro ex non neo post pre then".split())
_FUNCTION_WORDS = frozenset("on of for and or the a an in at to from by with into over under against".split())
_LINK = re.compile(r"^\s*(?:,\s*)?(?:of|for|at|with|from)\s+(?:the\s+|a\s+|an\s+)?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a description resolves to.

    ``actor_id`` is a knowledge-base id, a provisional ``prov:`` id, or None;
    ``role`` is the title used to decide the sector (from the text or the KB).
    """

    actor_id: str | None
    name: str
    kind: str
    country: str | None
    sector: str | None
    confidence: float
    provisional: bool
    role: str | None


def resolve_description(
    kb: KnowledgeBase,
    text: str,
    day: date | None = None,
    context: str | None = None,
    *,
    article_country: str | None = None,
) -> Resolution | None:
    """Resolve an actor description to an actor, a country and a sector.

    Args:
        kb: the knowledge base.
        text: the description as written in the article ("Kishida", "an American destroyer").
        day: the article date; office holders and roles are taken on that day
            (None: the latest/current role).
        context: the sentence the description comes from, used for an explicit title
            next to a name and, for named descriptions, to infer a missing country.
        article_country: the country the article is about, when known: a one-word name
            ("Collins") is then a known person of another country only if the description or the
            sentence names that country.

    Returns:
        A :class:`Resolution`, or None when the description must not resolve
        (pronouns, descriptions with no country, title or known name).
    """
    raw = " ".join(text.split()).strip(" ,;:")
    if not raw or not any(ch.isalpha() for ch in raw):
        return None
    if name_key(raw) in _PRONOUNS and not (len(raw) > 1 and is_acronym(raw)):  # "us" is no actor, "US" is
        return None
    return _Resolver(kb, raw, day, context, article_country).run()


_DIPLOMATS = frozenset({"ambassador", "envoy", "representative", "diplomat", "consul", "delegate", "emissary"})


class _Resolver:
    def __init__(
        self, kb: KnowledgeBase, text: str, day: date | None, context: str | None, article_country: str | None
    ) -> None:
        self.kb, self.text, self.day, self.context = kb, text, day, context
        self.article_country = article_country
        self.former = kb.has_former_modifier(text)
        self.lone_person = False  # a one-word person name was found but names no known person here
        self._evidence: set[str] | None = None

    # ------------------------------------------------------------------ main flow
    def run(self) -> Resolution | None:
        kb, text = self.kb, self.text
        people_of = self._demonym_people()
        if people_of is not None:
            return people_of
        exact = self._lone(kb.lookup(text, self.day), text)
        if exact:
            best = self._best(exact)
            if best is not None and best.kind in {"organisation", "government"} and best.country:
                # "The US defense secretary" names an office, which its holder on the day fills; "the Kremlin
                # leader" names who leads the government
                head = _head(text, kb.find_titles(text))
                fills = head is not None and head.person
                if best.kind == "government":
                    fills = fills and head is not None and name_key(head.title) == "leader"
                holder = self._office_holder(head, best.country) if head is not None and fills else None
                if holder is not None:
                    return holder
            return self._elsewhere(best, (0, len(text)), []) or self._from_actor(best, (0, len(text)))

        loyal = self._loyal_to()
        if loyal is not None:
            return loyal
        # "New South Wales" is in Australia: a country's name inside a longer place name is no country evidence
        places = kb.find_places(text)

        def in_a_place(a: int, b: int, code: str | None) -> bool:
            return any(p[0] <= a and b <= p[1] and p[1] - p[0] > b - a and p[2] != code for p in places)

        names = [n for n in kb.find_names(text) if not in_a_place(n[0], n[1], _country_of(kb, n[2][0]))]
        ethnic = kb.ethnic_spans(text)
        # "ethnic Albanians", "Iranian-backed militias": the country word is not the group's country
        found = kb.find_countries(text)
        other = {c for c in found if _after_any(c[0], ethnic, text) or _BACKED.match(text[c[1] :]) or in_a_place(*c)}
        countries = [c for c in found if c not in other]
        excluded = {c[2] for c in other}
        titles = [t for t in kb.find_titles(text) if not any(_overlap((t.start, t.end), n[:2]) for n in names)]
        titles = [t for t in titles if not any(_overlap((t.start, t.end), c[:2]) for c in countries)]

        people: list[tuple[int, int, Actor]] = []
        for s, e, ids in names:
            if self._part_of_longer_name(s, e, titles, countries):
                continue  # "Abdullah Öcalan" is no Abdullah Abdullah
            best = self._best(self._lone([kb.get(i) for i in ids if _kind(kb, i) == "person"], text[s:e]))
            if best is not None:
                people.append((s, e, best))
        taken = [(s, e) for s, e, _ in names] + [(t.start, t.end) for t in titles] + [c[:2] for c in countries]
        person_span = self._person_run(taken)
        if people:
            start, end, person = max(people, key=lambda p: p[1] - p[0])
            if person_span is None or _overlap(person_span, (start, end)):
                return self._person_in_text(person, (start, end), titles, countries)
            # "Brett McGurk, who was Trump's Special Presidential Envoy": the person described is not Trump
            code = countries[0][2] if countries else (person.role_on(self.day) or person).country
            return self._described_person(person_span, titles, [code] if code else [])
        kinds = {_kind(kb, ids[0]) for *_, ids in names}
        if person_span is not None and "government" in kinds and kinds <= {"government", "country"}:
            # "Robert Ford, former US ambassador to Damascus": a person, not the government of the capital
            codes_in_text = [c[2] for c in countries] or [_country_of(kb, ids[0]) for *_, ids in names]
            return self._described_person(person_span, titles, [c for c in codes_in_text if c][:1])

        orgs = [(s, e, ids) for s, e, ids in names if _kind(kb, ids[0]) in {"igo", "organisation", "party"}]
        head = _head(text, titles)
        for s, e, ids in orgs:
            sender = self._posted_to((s, e), head, countries)
            post = kb.get(ids[0])
            if sender is not None and post is not None and head is not None:
                # "Canada's ambassador to the UN": the holder of the post, else the country's unnamed diplomat
                return self._post(f"{head.title} to the {post.name}", sender)
        if not orgs:
            by_name = self._by_exact_name(titles, countries)  # actors of bulk files are not searched for
            if by_name is not None:
                return by_name
        if orgs:
            start, end, ids = max(orgs, key=lambda o: o[1] - o[0])
            org = kb.get(ids[0])
            if person_span is not None and org is not None:
                return self._affiliated(person_span, org, titles, countries)
            others = [c for c in countries if not _overlap(c[:2], (start, end))]
            elsewhere = self._elsewhere(org, (start, end), others)
            return elsewhere or self._from_actor(org, (start, end), titles=titles)

        seats = [(s, e, ids[0]) for s, e, ids in names if _kind(kb, ids[0]) == "government"]
        local = self._local_office(head, seats)
        if local is not None:
            return local
        # "South London", "Greater Tokyo": part of a place's name, not the government its capital stands for
        govs = [i for s, _, i in seats if _place_prefix(text, s) is None]
        if seats and not govs and head is None and not people:
            s, e, gov = seats[0]
            start = text.rfind(_place_prefix(text, s) or "", 0, s)
            place, code = text[start:e], _country_of(kb, gov)
            return Resolution(f"prov:{code.lower()}-{slugify(place)}", place, "group", code, None, 0.5, True, None)
        country_ids = [ids[0] for _, _, ids in names if _kind(kb, ids[0]) == "country"]
        codes = [c[2] for c in countries] + [_country_of(kb, i) for i in (*(i for *_, i in seats), *country_ids)]
        codes = [c for c in codes if c]
        if not codes:  # "officials in Mosul", "a Toronto lawyer"
            codes = [c[2] for c in places if not any(_overlap(c[:2], n[:2]) for n in names)][:1]
        if not codes:
            codes = self._party_country()
        if not codes:  # "Detective Inspector Steven Jones", "Congresswoman Ilhan Omar"
            codes = [t.country for t in titles if t.country][:1]

        if govs and head is not None and name_key(head.title) == "leader":
            filled = self._office_holder(head, _country_of(kb, govs[0]))  # "the Kremlin leader"
            if filled is not None:
                return filled
        if govs and (head is None or head.sector == "GOV"):
            return self._government(_country_of(kb, govs[0]), head)
        if head is not None and name_key(head.title) in _GOV_GROUPS and head.sector == "GOV" and not self.former:
            if codes:
                return self._government(codes[0], head)
            if re.fullmatch(r"(?:the\s+)?(?:government|regime|authorities|administration|junta)", text, re.I):
                inferred = self._context_country(set())  # "the government": the one the sentence is about
                if text.lower().endswith("administration") and self.article_country:
                    # "deals the administration brokered between Israel and ...": the article's own government
                    inferred = self.article_country
                if inferred:
                    return self._government(inferred, head)
        return self._generic(head, codes, excluded, bool(ethnic))

    def _posted_to(
        self, span: tuple[int, int], head: TitleMatch | None, countries: Sequence[tuple[int, int, str]]
    ) -> str | None:
        """The country whose diplomat is posted to an organisation: "Canada's ambassador to the UN", "Britain's
        envoy to the EU", "Canada's UN ambassador" (the diplomat is Canada's, not the body's; not "the EU
        ambassador to China")."""
        if head is None or name_key(head.title).split()[-1] not in _DIPLOMATS:
            return None
        before = re.sub(r"\s+(?:the\s+)?$", "", self.text[: span[0]], flags=re.I)
        sender = [c for c in countries if c[1] <= min(head.start, span[0])]
        if sender and (before.lower().endswith(" to") or span[1] <= head.start):
            return sender[0][2]
        return None

    def _person_run(self, taken: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
        """A person's name set off from what describes them, outside the ``taken`` spans: at the start before a
        comma ("Alex Younger, the head of MI6") or at the end ("Former CIA deputy director Michael Morell",
        "the UK security minister, Ben Wallace"). Two or more capitalised words (name particles inside)."""
        text = self.text
        runs: list[list[re.Match[str]]] = []
        current: list[re.Match[str]] = []
        for m in _WORD.finditer(text):
            word = m.group(0)
            free = not any(_overlap((m.start(), m.end()), t) for t in taken) and word.lower() not in _DETERMINERS
            joined = bool(current) and not text[current[-1].end() : m.start()].strip()
            if free and joined and (word[:1].isupper() or word.lower() in _PARTICLES):
                current.append(m)
                continue
            if current:
                runs.append(current)
            current = [m] if free and word[:1].isupper() else []
        if current:
            runs.append(current)
        for run in runs:
            while run and run[-1].group(0).lower() in _PARTICLES:
                run.pop()
            while run and self.kb.is_role_noun(run[0].group(0)):
                run.pop(0)  # "FBI Director Kash Patel"
            if len(run) < 2 or run[-1].group(0).lower().rstrip(".") in _ORG_NOUNS:
                continue
            start, end = run[0].start(), run[-1].end()
            first = start == 0 and text[end:].lstrip().startswith(",")
            previous = _WORD.findall(text[:start])
            # at the end, after what describes the person ("deputy director Michael Morell"), not inside a
            # longer name ("Commission on Presidential Debates")
            last = not text[end:].strip(" .") and not (previous and previous[-1].lower() in _FUNCTION_WORDS)
            if not (first or last) or self.kb.has_former_modifier(run[0].group(0)):
                continue
            if any(e - b == end - start for b, e, _ in self.kb.find_places(text[start:end])):
                continue  # "New Mexico"
            return start, end
        return None

    def _described_person(self, span: tuple[int, int], titles: list[TitleMatch], codes: list[str]) -> Resolution:
        """The person a description names and describes, known or not; the country from the description's
        country words or the actor it names ("Trump's envoy"), the sector from a title of theirs."""
        name = self.text[span[0] : span[1]]
        known = self._known_person(name)
        if known is not None:
            return self._person_in_text(known, span, titles, [])
        head = _head(self.text, [t for t in titles if t.person])
        sector = "ELI" if self.former else (head.sector if head is not None else None)
        code = codes[0] if codes else (head.country if head is not None else None)
        role = head.title if head is not None else None
        return Resolution(f"prov:{slugify(name)}", name, "person", code, sector, 0.5, True, role)

    def _known_person(self, name: str) -> Actor | None:
        """The known person ``name`` names here, if any (:meth:`_lone`, :meth:`_best`)."""
        return self._best([a for a in self._lone(self.kb.lookup(name, self.day), name) if a.kind == "person"])

    def _affiliated(
        self, span: tuple[int, int], org: Actor, titles: list[TitleMatch], countries: list[tuple[int, int, str]]
    ) -> Resolution:
        """A person named with the organisation they serve: "Alex Younger, the head of MI6" or "Sumeet Singh, a
        vice president at PG&E" is a person of the organisation's country and sector; a party member's office
        is their own ("the Tory minister Rory Stewart", "Labour Party leader Jeremy Corbyn")."""
        head = _head(self.text, [t for t in titles if t.person])
        sector = org.sector
        if org.kind == "party" and head is not None and head.title.lower() not in _WEAK_HEADS:
            sector = head.sector
        code = None if org.kind == "igo" else (countries[0][2] if countries else org.country)
        name = self.text[span[0] : span[1]]
        person = self._known_person(name)
        if person is not None:
            return self._person_in_text(person, span, titles, countries)
        return Resolution(
            f"prov:{slugify(name)}",
            name,
            "person",
            code,
            "ELI" if self.former else sector,
            0.6,
            True,
            head.title if head is not None else None,
        )

    def _part_of_longer_name(
        self, start: int, end: int, titles: list[TitleMatch], countries: list[tuple[int, int, str]]
    ) -> bool:
        """Whether the one-word name at ``start:end`` is one word of a longer name the knowledge base does not
        know: a capitalised word right before or after it that is no title, country or known name."""
        if len(self.text[start:end].split()) != 1:
            return False
        joined = re.search(r"([^\W\d_]+)-$", self.text[:start])
        if joined and joined.group(1)[:1].isupper() and joined.group(1).lower() not in _PARTICLES | _AFFIXES:
            return True  # "Mir-Mohammadi" is no Mohammadi; "al-Sisi", "anti-Assad" are
        if re.match(r"-[A-Z]", self.text[end:]):
            return True
        taken = [(t.start, t.end) for t in titles] + [c[:2] for c in countries]
        before = re.search(r"([^\W\d_][\w'’.-]*)\s$", self.text[:start])
        after = re.match(r"\s([^\W\d_][\w'’-]*)", self.text[end:])
        spans = []
        if before:
            spans.append((before.start(1), before.end(1)))
        if after:
            spans.append((end + after.start(1), end + after.end(1)))
        for s, e in spans:
            word = self.text[s:e]
            if not word[:1].isupper() or word.lower() in _DETERMINERS or any(_overlap((s, e), t) for t in taken):
                continue
            if self.kb.find_names(word) or self.kb.find_places(word):
                continue
            return True
        return False

    def _elsewhere(
        self, actor: Actor | None, span: tuple[int, int], countries: list[tuple[int, int, str]]
    ) -> Resolution | None:
        """A national institution named as another country's ("Argentina's Congress", "CNN Turk", "the
        Supreme Court" in a sentence about Panama): that country's institution of the same sector."""
        if actor is None or actor.kind not in {"organisation", "party"} or not actor.country or not actor.sector:
            return None
        code = countries[0][2] if countries else None
        if code is None:
            surface = re.sub(r"^the\s+", "", self.text[span[0] : span[1]], flags=re.IGNORECASE)
            words = surface.split()
            generic = bool(words) and all(self.kb.is_role_noun(w) for w in words) or self.kb.is_role_noun(surface)
            found = {c[2] for c in self.kb.find_countries(self.context or "", metonyms=True)}
            if not generic or not found or actor.country in found:
                return None
            code = self._context_country(set())
        if code is None or code == actor.country:
            return None
        head = TitleMatch(span[0], span[1], self.text[span[0] : span[1]], actor.sector, False)
        return self._group(head, [code], 0.7)

    def _by_exact_name(self, titles: list[TitleMatch], countries: list[tuple[int, int, str]]) -> Resolution | None:
        """The description's proper name ("General Valery Gerasimov" -> "Valery Gerasimov"), looked up whole."""
        name = _proper_name(self.kb, self.text, None)
        if not name or name == self.text:
            return None
        hits = [a for a in self.kb.lookup(name, self.day) if a.kind in {"person", "igo", "organisation", "party"}]
        hits = self._lone(hits, name)
        if not hits:
            return None
        words = name.split()
        start = self.text.find(words[0])
        end = self.text.rfind(words[-1]) + len(words[-1])
        if start < 0 or end <= start:
            return None
        actor = self._best(hits)
        if actor is None:
            return None
        if actor.kind == "person":
            return self._person_in_text(actor, (start, end), titles, countries)
        others = [c for c in countries if not _overlap(c[:2], (start, end))]
        return self._elsewhere(actor, (start, end), others) or self._from_actor(actor, (start, end), titles=titles)

    def _loyal_to(self) -> Resolution | None:
        """ "Soldiers loyal to the Syrian government", "militias backed by Iran": the group, with the country
        of the side it serves."""
        match = _LOYAL.match(self.text)
        if match is None:
            return None
        group, side = match.groups()
        titles = self.kb.find_titles(group)
        head = _head(group, titles)
        served = resolve_description(self.kb, side, self.day)
        if head is None or served is None or not served.country or self.kb.find_countries(group):
            return None
        sector = head.sector
        if (served.sector == "GOV" or served.kind in {"country", "government"}) and sector in {"REB", "UAF"}:
            sector = "UAF"  # militias serving a state
        return self._group(TitleMatch(head.start, head.end, head.title, sector, head.person), [served.country], 0.7)

    def _demonym_people(self) -> Resolution | None:
        """A people named by its demonym: "Palestinians", "two Argentinians", "millions of Ukrainians" are
        civilians of that country; "the Russians" alone speaks for the state (its government)."""
        found = self.kb.find_countries(self.text)
        if len(found) != 1 or not self.kb.is_demonym(self.text[found[0][0] : found[0][1]]):
            return None
        start, end, code = found[0]
        rest = (self.text[:start] + " " + self.text[end:]).lower()
        words = _WORD.findall(rest)
        if any(w not in _DETERMINERS and w not in _QUANTITIES for w in words):
            return None
        surface = self.text[start:end]
        if words == ["the"]:
            return self._government(code, None)
        if not (words or self.kb.is_demonym(surface, plural=True)):
            return None  # "Japanese" alone: the country
        return self._group(None, [code], 0.75, sector="CVL")

    # ------------------------------------------------------------------ people
    def _lone(self, actors: Sequence[Actor | None], surface: str) -> list[Actor]:
        """``actors`` without the people a one-word ``surface`` ("Collins") cannot be taken to name here.

        A longer surface ("Susan Collins", "Kim Jong Un") keeps them all.
        """
        present = [a for a in actors if a is not None]
        word = re.sub(r"^the\s+|(?:'s|’s|')$", "", surface.strip(), flags=re.IGNORECASE)
        if len(word.split()) != 1 or not any(a.kind == "person" for a in present):
            return present
        kept = [a for a in present if a.kind != "person" or self._plausible(a)]
        if any(a.kind == "person" and a not in kept for a in present):
            self.lone_person = True
        return kept

    def _plausible(self, person: Actor) -> bool:
        """Whether a known person is plausibly the one a one-word name stands for, in this sentence and article."""
        day = self.day
        if person.roles and day is not None and all(r.start is not None and r.start > day for r in person.roles):
            return False  # every role of theirs is still to come: "Senator Kennedy" in 2019 is no RFK Jr.
        theirs = {person.country, *(r.country for r in person.roles)} - {None}
        sentence = self._sentence_countries()
        if theirs & (sentence | {self.article_country}):
            return True
        role = person.role_on(self.day)
        if self.article_country is not None:
            return False  # "Collins" in an article about the U.S. is no New Zealand minister
        if known_by_surname(person, self.day):
            return True  # heads of state and government, foreign ministers: named by surname the world over
        if role is not None:
            return True
        return not sentence and bool(person.roles)

    def _sentence_countries(self) -> set[str]:
        """The countries the description and its sentence name (countries, demonyms, capitals, places)."""
        if self._evidence is None:
            kb = self.kb
            found = {c for _, _, c in kb.find_countries(self.text, metonyms=True)}
            if self.context:
                found |= {c for _, _, c in kb.find_countries(self.context, metonyms=True)}
                found |= {c for _, _, c in kb.find_places(self.context)}
            self._evidence = found
        return self._evidence

    def _best(self, actors: Sequence[Actor | None]) -> Actor | None:
        present = [a for a in actors if a is not None]
        if not present:
            return None
        holding = [a for a in present if a.kind == "person" and a.role_on(self.day) is not None]
        if holding:
            return holding[0]
        if len(present) > 1:
            # one name, several bodies ("RSF": Sudan's Rapid Support Forces, Reporters Without Borders): the one
            # of a country the sentence (else the article) names
            for where in (self._sentence_countries(), {self.article_country} - {None}):
                here = [a for a in present if a.country in where]
                if len(here) == 1:
                    return here[0]
        return present[0]

    def _person_in_text(
        self, person: Actor, span: tuple[int, int], titles: list[TitleMatch], countries: list[tuple[int, int, str]]
    ) -> Resolution:
        text = self.text
        # "Putin's aides", "supporters of Trump", "the Kishida administration": a group, not the person.
        after = [t for t in titles if t.start >= span[1]]
        before = [t for t in titles if t.end <= span[0]]
        # the title right after the name, or after its possessive ("Putin's aides"); not an apposition
        # ("Mitch McConnell, the Senate Majority Leader")
        adjacent = [t for t in after if re.fullmatch(r"\s*(?:'s|’s|')?\s*", text[span[1] : t.start])]
        group_after = [t for t in adjacent if not t.person or re.match(r"\s*(?:'s|’s)", text[span[1] :])]
        if group_after:
            head = max(group_after, key=lambda t: t.end - t.start)
            role = person.role_on(self.day) or _last_role(person)
            code = (countries[0][2] if countries else None) or (role.country if role else None) or person.country
            if name_key(head.title) in _GOV_GROUPS and code:
                return self._government(code, head)
            return self._group(head, [code] if code else [], 0.7)
        of_before = [t for t in before if not t.person and re.search(r"\bof\s+(?:the\s+)?$", text[t.end : span[0]])]
        if of_before:
            head = of_before[-1]
            role = person.role_on(self.day) or _last_role(person)
            code = (role.country if role else None) or person.country
            return self._group(head, [code] if code else [], 0.7)
        explicit = [t for t in before if t.person] or [t for t in after if t.person]
        resolved = self._from_actor(person, span, titles=explicit, countries=countries, pool=titles)
        assert resolved is not None  # a person always resolves
        return resolved

    def _context_title(self, surface: str) -> TitleMatch | None:
        """A person title written right before (or in apposition after) ``surface`` in the context."""
        if not self.context:
            return None
        pos = self.context.find(surface)
        if pos < 0:
            return None
        window_start = max(0, pos - 100)
        window = self.context[window_start:pos]
        for t in reversed(self.kb.find_titles(window)):
            if t.person and not window[t.end :].strip(" ,"):
                return t
        tail = self.context[pos + len(surface) : pos + len(surface) + 100]
        appos = re.match(r"\s*,\s*(?:the\s+)?(.{0,80}?)(?:,|$)", tail)
        if appos:
            for t in self.kb.find_titles(appos.group(1)):
                if t.person and t.start <= 25:
                    return t
        return None

    def _from_actor(
        self,
        actor: Actor | None,
        span: tuple[int, int],
        *,
        titles: list[TitleMatch] | None = None,
        countries: list[tuple[int, int, str]] | None = None,
        pool: Sequence[TitleMatch] = (),
    ) -> Resolution | None:
        if actor is None:
            return None
        if actor.kind != "person":
            sector = actor.sector
            if actor.kind == "country" and titles:
                head = _head(self.text, titles)
                if head is not None:
                    return self._generic(head, [actor.country] if actor.country else [], set(), False)
            return Resolution(actor.id, actor.name, actor.kind, actor.country, sector, 0.95, False, None)

        role = actor.role_on(self.day)
        explicit = _head(self.text, titles or [], pool)
        if explicit is None and (titles is None or not titles):
            explicit = self._context_title(self.text[span[0] : span[1]])
        text_code = countries[0][2] if countries else None
        if explicit is not None and role is not None and not self.former:
            if _party_label(explicit) or explicit.title.lower() in _WEAK_HEADS:
                # "Republican Kevin McCarthy", "Alex Younger, the head of MI6": a party label or a word for
                # any office says less than the office the knowledge base knows they held that day
                explicit = None
        if explicit is not None:
            sector = "ELI" if self.former else explicit.sector
            agrees = role is not None and role.sector == sector
            code = text_code or (role.country if role and role.country else actor.country)
            if sector == "IGO":
                code = text_code
            return Resolution(
                actor.id, actor.name, "person", code, sector, 0.95 if agrees else 0.75, False, explicit.title
            )
        if role is not None and not self.former:
            return Resolution(actor.id, actor.name, "person", role.country, role.sector, 0.95, False, role.title)
        last = _last_role(actor, self.day, prefer_gov=True)
        if last is not None:  # a former office holder: CAMEO ELI, with the country of the last office
            code = last.country or actor.country
            return Resolution(actor.id, actor.name, "person", code, "ELI", 0.85, False, f"former {last.title}")
        return Resolution(actor.id, actor.name, "person", actor.country, None, 0.7, False, None)

    # ------------------------------------------------------------------ groups and governments
    def _local_office(self, head: TitleMatch | None, seats: list[tuple[int, int, str]]) -> Resolution | None:
        """A city's office named with the capital ("the mayor of London"): its holder on the day, else an
        unnamed official of that country, never the national government the capital stands for."""
        if head is None or name_key(head.title) not in _LOCAL_TITLES or not seats:
            return None
        s, e, gov = seats[0]
        code = _country_of(self.kb, gov)
        return self._post(f"{head.title} of {self.text[s:e]}", code, head.person)

    def _post(self, office: str, code: str, person: bool = True) -> Resolution:
        """The holder of a country's ``office`` on the day, if the knowledge base knows one, else an unnamed
        official of the country keyed by the office."""
        holders = self.kb.office_holders(office, code, self.day) if not self.former else []
        if len(holders) == 1:
            return Resolution(holders[0].id, holders[0].name, "person", code, "GOV", 0.85, False, office)
        slug = "-".join(x for x in (code.lower(), slugify(office)) if x)
        sector = "ELI" if self.former else "GOV"
        return Resolution(f"prov:{slug}", office, "person" if person else "group", code, sector, 0.6, True, office)

    def _government(self, code: str, head: TitleMatch | None) -> Resolution:
        actor = self.kb.get(government_actor_id(code))
        name = actor.name if actor else f"Government of {code}"
        role = head.title if head else None
        return Resolution(government_actor_id(code), name, "government", code, "GOV", 0.9, False, role)

    def _generic(
        self, head: TitleMatch | None, codes: list[str], excluded: set[str], ethnic: bool
    ) -> Resolution | None:
        text = self.text
        peoples = [p for p in self.kb.find_peoples(text) if p[2] not in excluded]
        name = _proper_name(self.kb, text, head)
        taken = [(t.start, t.end) for t in self.kb.find_titles(text)]
        taken += [(b, e) for b, e, _ in (*self.kb.find_countries(text, metonyms=True), *peoples)]
        run = self._person_run(taken) if name else None
        if run is not None:  # "Bill Weld, the former governor of Massachusetts": the name, not every capital
            name = text[run[0] : run[1]]
        named = bool(name) or bool(peoples) or ethnic
        confidence = 0.8
        if not codes:
            inferred = self._context_country(excluded | {c for c in codes}) if (named or head is not None) else None
            if inferred and head is not None and head.person and self._countries_named(excluded):
                # "In 1905, President Theodore Roosevelt mediated a peace agreement between Japan and Russia",
                # "Biden called on the President to demand ... that Turkey stop interfering on Azerbaijan's
                # behalf": the countries one acts between are no evidence of one's own
                if name or self.article_country:
                    inferred = self.article_country
            if inferred:
                codes, confidence = [inferred], 0.55
            elif peoples:
                codes, confidence = [peoples[0][2]], 0.6
            elif self.lone_person and self.article_country:  # "Collins said": someone of the article's country
                codes, confidence = [self.article_country], 0.5
            elif head is not None and head.person and self.article_country and re.match(r"the\s", text, re.I):
                # "The President insists that the budget include funding for the wall": the article's country's
                codes, confidence = [self.article_country], 0.5
        if head is None:
            if ethnic or peoples:
                return self._group(None, codes, confidence, sector="CVL")
            if codes and not name and (self._common_nouns() or self._plural_demonym()):
                return self._group(None, codes, confidence, sector="CVL")  # "Four British climbers"
            if codes and not name:
                only = codes[0]
                actor = self.kb.get(f"country:{only}")
                return Resolution(
                    f"country:{only}", actor.name if actor else only, "country", only, None, 0.9, False, None
                )
            if name and codes:  # an unknown named actor in a known country
                place = any(e - b == len(name) for b, e, _ in self.kb.find_places(name))  # "New York"
                whole = re.sub(r"^(?:the|The)\s+", "", text)
                if any(e - b == len(whole) for b, e, _ in self.kb.find_places(whole)):
                    name, place = whole, True  # "New South Wales", whose "Wales" names no country here
                return Resolution(
                    f"prov:{slugify(name)}",
                    name,
                    "person" if (len(name.split()) >= 2 or self.lone_person) and not place else "group",
                    codes[0],
                    "ELI" if self.former else None,
                    0.4,
                    True,
                    None,
                )
            return None
        if head.person:
            code = codes[0] if codes else None
            if name and " " not in name and not self.former:  # "Prime Minister Johnson", "Chancellor Merkel"
                holding = [
                    (holder, held)
                    for holder, held in self.kb.office_holders_named(head.title, name, self.day)
                    if not codes or held.country in codes
                ]
                if len(holding) == 1:
                    holder, held = holding[0]
                    return Resolution(
                        holder.id, holder.name, "person", held.country, held.sector, 0.85, False, held.title
                    )
            if not name and code:
                filled = self._office_holder(head, code)
                if filled is not None:
                    return filled
            sector = "ELI" if self.former else head.sector
            rest = self.text[head.end :]
            of_a_body = (
                re.match(r"\s+of\s+(?:the\s+)?[A-Z]", rest)
                and "," not in rest
                and rest.rstrip(" .").rsplit(None, 1)[-1].lower() in _ORG_NOUNS
            )
            if name and of_a_body and self.text.find(name.split()[0], head.end) == self.text.find(name.split()[0]):
                # "the nominee of the Constitution Party": an unnamed holder of an office of that body
                whole = re.sub(r"^(?:the|a|an)\s+", "", self.text, flags=re.I)
                slug = "-".join(x for x in ((code or "").lower(), slugify(whole)) if x)
                return Resolution(f"prov:{slug}", whole, "person", code, sector, confidence * 0.85, True, head.title)
            slug = slugify(name) if name else "-".join(x for x in ((code or "").lower(), slugify(head.title)) if x)
            return Resolution(f"prov:{slug}", name or text, "person", code, sector, confidence * 0.85, True, head.title)
        return self._group(head, codes, confidence)

    def _office_holder(self, head: TitleMatch, code: str) -> Resolution | None:
        """The one holder of the office ``head`` names in country ``code`` on the day ("the Japanese prime
        minister"), or None (none known, several, or a former holder). "The Chinese leader" is who leads
        the country that day (:meth:`KnowledgeBase.leader`)."""
        if self.former:
            return None
        if name_key(head.title) == "leader":
            leader = self._the_leader(code)
            holders = [leader] if leader is not None else []
        else:
            holders = self.kb.office_holders(head.title, code, self.day)
        if len(holders) != 1:
            return None
        holder = holders[0]
        role = holder.role_on(self.day)
        return Resolution(
            holder.id, holder.name, "person", code, head.sector, 0.85, False, role.title if role else head.title
        )

    def _the_leader(self, code: str) -> Actor | None:
        """Who leads ``code`` on the day, when the description is the country's leader and nothing else: "the
        Chinese leader", "China's leader", "the Kremlin leader" (not "a Chinese leader", "the Chinese
        opposition leader" or "the leader's office")."""
        if not self._only_the_country_and(["leader"]):
            return None
        return self.kb.leader(code, self.day)

    def _only_the_country_and(self, words: Sequence[str], *, bare: bool = False) -> bool:
        """Whether the description names a country and these words and nothing else ("Israel's military",
        "the Chinese leader"; not "a Chinese leader", "the Chinese opposition leader"). With ``bare``, no
        article is needed ("Thai military") but the country must be named in it (the article's country is no
        evidence for a bare "military"); "a" or "an" still means one of several."""
        found = [w for w in re.findall(r"[\w’'-]+", self.text.lower()) if w not in {"'s", "’s"}]
        if not found or found[0] in {"a", "an"}:
            return False
        if found[0] != "the" and not bare and not re.search(r"['’]s\b", self.text):
            return False
        rest = [w.removesuffix("'s").removesuffix("’s") for w in found if w != "the"]
        spans = [(s, e) for s, e, _ in self.kb.find_countries(self.text, metonyms=True)]
        spans += [(s, e) for s, e, ids in self.kb.find_names(self.text) if _kind(self.kb, ids[0]) == "government"]
        named = {w for s, e in spans for w in re.findall(r"[\w’'-]+", self.text[s:e].lower())}
        return (bool(named) or not bare) and [w for w in rest if w not in named] == list(words)

    def _group(
        self, head: TitleMatch | None, codes: list[str], confidence: float, sector: str | None = None
    ) -> Resolution:
        code = codes[0] if codes else None
        if head is not None and code and not self.former and name_key(head.title) in _WHOLE_FORCES:
            forces = self.kb.armed_forces(code)
            if forces is not None and self._only_the_country_and(head.title.lower().split(), bare=True):
                # "Israel's military", "the Japanese armed forces": the forces the country's seats name
                return Resolution(forces.id, forces.name, forces.kind, code, forces.sector, 0.8, False, head.title)
        sector = "ELI" if self.former else (sector or (head.sector if head else None))
        words, named = self._core_words()
        # "the U.S. military", "Russia's navy": a country's own institution is named by the country
        named = named or bool(head and head.title.lower() in _INSTITUTIONS and self.kb.find_countries(self.text))
        # keyed by country and the group's own words, never by sector alone: two ministries are two actors
        core = slugify(" ".join(words)) or (sector or "").lower()
        slug = "-".join(x for x in ((code or "").lower(), core) if x) or "unknown"
        prefix = "prov:" if named else "prov:generic:"
        return Resolution(
            f"{prefix}{slug}",
            _group_name(self.text) if named else self.text,
            "group",
            code,
            sector,
            confidence,
            True,
            head.title if head else None,
        )

    def _party_country(self) -> list[str]:
        """The country of a party label qualifying the description ("Republican senator", "Democratic
        members"): a capitalised label that does not open a longer name ("Democratic Unionist Party")."""
        words = list(_WORD.finditer(self.text))
        for i, m in enumerate(words):
            code = _PARTY_COUNTRY.get(m.group(0).lower())
            if code is None or not m.group(0)[:1].isupper():
                continue
            before = words[i - 1].group(0) if i else ""
            after = words[i + 1] if i + 1 < len(words) else None
            if before[:1].isupper() and before.lower() not in _DETERMINERS:
                continue  # "Liberal Democrats", "Social Democratic"
            if after is not None and after.group(0)[:1].isupper():
                if not any(t.start == after.start() for t in self.kb.find_titles(self.text)):
                    continue  # "Democratic Unionist Party": a name of its own
            return [code]
        return []

    def _plural_demonym(self) -> bool:
        return any(self.kb.is_demonym(self.text[s:e], plural=True) for s, e, _ in self.kb.find_countries(self.text))

    def _common_nouns(self) -> list[str]:
        """Lower-case plural or collective nouns of the description, other than function and country words."""
        text = self.text
        for start, end, _ in sorted(self.kb.find_countries(text, metonyms=True), reverse=True):
            text = text[:start] + " " + text[end:]
        words = _WORD.findall(re.sub(r"['’]s\b", "", text))
        words = [w for w in words if w.islower() and w not in _DETERMINERS and w not in _QUANTITIES]
        # people, not a thing or an office: a plural ("climbers", "nationals") or a collective ("family")
        return [w for w in words if (w.endswith("s") and not w.endswith("ss")) or w in _COLLECTIVES]

    def _core_words(self) -> tuple[list[str], bool]:
        """The description's own words (no determiners, numbers or country words) and whether they
        name an institution ("the Foreign Ministry") rather than a kind of people ("reporters")."""
        text = self.text
        for start, end, _ in sorted(self.kb.find_countries(text), reverse=True):
            text = text[:start] + " " + text[end:]
        words = [w.strip("'’.-") for w in _WORD.findall(re.sub(r"['’]s\b", "", text))]
        words = [w for w in words if w and w.lower() not in _DETERMINERS]
        capitalised = [w for w in words if w[:1].isupper() and not self.kb.is_role_noun(w)]
        # "the Justice Department": role nouns, but written as a name (every word capitalised)
        proper = len(words) >= 2 and all(w[:1].isupper() for w in words)
        return [w.lower() for w in words], bool(capitalised) or proper

    def _countries_named(self, excluded: set[str]) -> bool:
        """Whether the sentence names two or more countries (by their names, not their capitals)."""
        found = {c[2] for c in self.kb.find_countries(self.context or "") if c[2] not in excluded}
        return len(found) > 1

    def _context_country(self, excluded: set[str]) -> str | None:
        if not self.context:
            return None
        found = [c for c in self.kb.find_countries(self.context, metonyms=True) if c[2] not in excluded]
        if not found:  # no country word: a city or province of the sentence ("Kandahar", "Ontario")
            found = [c for c in self.kb.find_places(self.context) if c[2] not in excluded]
        if not found:
            return None
        pos = self.context.find(self.text)
        counts = Counter(c[2] for c in found)
        top = max(counts.values())
        candidates = [c for c in found if counts[c[2]] == top]
        anchor = pos if pos >= 0 else 0
        return min(candidates, key=lambda c: abs(c[0] - anchor))[2]


def known_by_surname(person: Actor, day: date | None) -> bool:
    """True when ``person`` holds on ``day`` an office whose holders the news names by surname alone
    ("Erdoğan said", "Pompeo met"): head of state or government, vice president, foreign minister."""
    role = person.role_on(day)
    return role is not None and any(_SURNAME_OFFICE.fullmatch(f) for f in office_families(role.title))


def _place_prefix(text: str, start: int) -> str | None:
    """The word right before ``start`` that opens a longer place name ("South" of "South London"), if any."""
    before = re.search(r"\b([A-Z][a-z]+)\s+$", text[:start])
    return before.group(1) if before is not None and before.group(1) in _PLACE_PREFIXES else None


def _head(text: str, titles: Sequence[TitleMatch], pool: Sequence[TitleMatch] = ()) -> TitleMatch | None:
    """The head title, with the sector of the institution a weak head works for ("police spokesman" -> COP).

    ``pool`` holds the other titles of ``text`` when ``titles`` is a selection of them.
    """
    head = head_title(text, titles)
    if head is None or head.title.lower() not in _WEAK_HEADS:
        return head
    if text[head.start : head.end] in {"Representative", "Representatives"}:
        return head  # capitalised, the legislator's office: "Republican Representatives"
    ordered = sorted(pool or titles, key=lambda t: t.start)
    strong = [t for t in ordered if t.title.lower() not in _WEAK_HEADS]
    before = [t for t in strong if t.end <= head.start and not _LINK.match(text[t.end : head.start])]
    before = [t for t in before if not _party_label(t)]  # "the Republican chair of the ... committee"
    before = [t for t in before if not re.search(r"[,;]|\b(?:of|for|at|and)\b", text[t.end : head.start])]
    after = [t for t in strong if t.start >= head.end and _LINK.match(text[head.end : t.start])]
    source = before[0] if before else (after[0] if after else None)
    if source is None or source.sector == head.sector:
        return head
    return TitleMatch(head.start, head.end, head.title, source.sector, head.person, head.country)


def _party_label(title: TitleMatch) -> bool:
    """A party's name used as a label ("Republican", "Conservative"), not a party office ("party leader")."""
    return title.sector == "PTY" and title.title[:1].isupper() and " " not in title.title


def _group_name(text: str) -> str:
    """A named group's name as a label: no leading article, no apposition ("Met Éireann, the national
    meteorological service" -> "Met Éireann", "the Florida Highway Patrol" -> "Florida Highway Patrol")."""
    name = text.split(",", 1)[0].strip() if "," in text and text[:1].isupper() else text
    return re.sub(r"^(?:[Tt]he|[Aa]n?)\s+(?=[A-Z])", "", name) or text


def _country_of(kb: KnowledgeBase, actor_id: str) -> str:
    actor = kb.get(actor_id)
    return (actor.country if actor else None) or ""


def _kind(kb: KnowledgeBase, actor_id: str) -> str | None:
    actor = kb.get(actor_id)
    return actor.kind if actor else None


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _after_any(start: int, spans: list[tuple[int, int]], text: str) -> bool:
    return any(end <= start and not text[end:start].strip() for _, end in spans)


def _last_role(actor: Actor, day: date | None = None, *, prefer_gov: bool = False) -> Role | None:
    """The most recent role that ended before ``day`` (a GOV one first when ``prefer_gov``)."""
    past = [r for r in actor.roles if r.end is not None and (day is None or r.end < day)]
    if not past:
        return None
    return max(past, key=lambda r: (prefer_gov and r.sector == "GOV", r.end or date.min))


def _proper_name(kb: KnowledgeBase, text: str, head: TitleMatch | None) -> str:
    """Capitalised words left once titles, countries and function words are removed."""
    spans = [(t.start, t.end) for t in kb.find_titles(text)]
    spans += [(s, e) for s, e, _ in kb.find_countries(text, metonyms=True)]
    spans += [(s, e) for s, e, _ in kb.find_peoples(text)]
    words = []
    for m in _WORD.finditer(text):
        if any(_overlap((m.start(), m.end()), s) for s in spans):
            continue
        word = m.group(0).rstrip(".'’")
        # "New" before a capitalised word opens a name ("New York", "New Democratic Party")
        opens_name = word == "New" and text[m.end() : m.end() + 2].strip()[:1].isupper()
        if word.lower() in _DETERMINERS and not opens_name:
            continue
        if kb.has_former_modifier(word) or word.lower() == "ethnic":
            continue
        if word[:1].isupper():
            words.append(re.sub(r"(?:'s|’s)$", "", word))
    return " ".join(words)
