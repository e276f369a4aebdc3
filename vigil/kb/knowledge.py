"""The actor knowledge base: countries, governments, organisations and office holders.

Build one with :meth:`KnowledgeBase.load` (packaged YAML files, then user files that
override entries by id) and pass it to the stages that need it. Every lookup is a
dictionary access on keys precomputed at load time.

Actor ids: ``country:JPN`` (the country), ``gov:JPN`` (its government: "the Japanese
government", "Tokyo said", "the Kishida administration"), ``igo:g7`` / ``igo:un``
(intergovernmental organisations), ``org:<iso3>-<slug>`` (named national institutions
such as ``org:usa-pentagon``) or ``org:<slug>`` (international NGOs and groups),
``person:<slug>`` (people) and ``prov:<slug>`` (provisional actors made by the resolver).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from vigil.kb import cache
from vigil.kb.entries import KBData, TitleEntry, apply_additions, merge, read_files
from vigil.kb.names import (
    acronym_key,
    compile_phrase,
    fold_same_length,
    is_acronym,
    name_key,
    phrase_pattern,
    slugify,
)
from vigil.models import Actor, Role

__all__ = [
    "DATA_DIR",
    "DEFAULT_FILES",
    "KnowledgeBase",
    "TitleMatch",
    "head_title",
    "country_actor_id",
    "government_actor_id",
    "office_families",
]

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_FILES = tuple(
    DATA_DIR / name
    for name in (
        "countries.yaml",
        "igos.yaml",
        "organisations.yaml",
        "media_business.yaml",
        "people.yaml",
        "leaders.yaml",
        "ministers.yaml",
        "usjpn.yaml",
        "officials.yaml",
        "officials_exact.yaml",
        "phoenix_organisations.yaml",
        "phoenix_people.yaml",
        "phoenix_places.yaml",
        "places.yaml",
        "phoenix_agents.yaml",
        "titles.yaml",
    )
)

# Days and months: "On Friday, researchers ..." names no Godwin Friday.
_CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december""".split()
)
# Auto-derived surname aliases are skipped for these (days and months, common words, first names, frequent
# family names).
_SURNAME_STOP = _CALENDAR | frozenset(
    """hunt scott miller blair grant wong khan singh shah franco silva
    park moon song chang young king rice
    bush ban jin lee kim li wang han sun ma chung cho suh shin hong choi koo kang yun tedros costa michel jun
    dong gang amin abbas jiwei jie kun keqiang qiang yi fenghe wanquan shangfu qishan zheng sharif salman
    johnson jones smith davis wilson lewis brown white black green glass craft burns wolf duke sessions coats
    meadows wright wiles garland ross perry kelly ryan price hill stone wood hope long little short bond rose
    love bell ward cook hall walker martin thomas baker moore taylor clark allen hughes lopez garcia martinez
    rodriguez gonzalez hernandez perez sanchez ramirez torres flores rivera gomez diaz reyes cruz morales
    ortiz gutierrez chavez ramos ruiz alvarez mendoza castillo jimenez moreno romero herrera medina aguilar
    vargas castro guzman fernandez ali ahmed hassan hussein mohammed muhammad ibrahim yusuf mahmoud said
    nguyen tran pham le hoang phan vu vo dang bui do ho ngo duong ly kumar das rao reddy gupta sharma
    yamaguchi goto yamada yoshida kobayashi suzuki tanaka watanabe ito nakamura kato sato takahashi
    saito matsumoto inoue kimura hayashi shimizu yamamoto mori abe ikeda hashimoto ishikawa ogawa okada""".split()
)
_HONORIFICS = frozenset(
    "mr mrs ms miss dr sir dame lord lady gen lt col maj capt sgt adm sen rep gov pres prof rev fr sheikh "
    "ayatollah imam rabbi bishop cardinal pope king queen prince princess emperor emir sultan president "
    "premier chancellor minister secretary chairman chairwoman director general mayor judge justice cde comrade".split()
)
# Sentence adverbs and conjunctions that open a sentence before a name: no given name, no part of a title
# ("Afterwards Trump visited", "Meanwhile Biden said", "When Trump ...").
SENTENCE_OPENERS = frozenset(
    """and but or nor so yet if when while after before since as although though because once however meanwhile
    afterwards afterward later thereafter subsequently yesterday today tonight earlier instead still now
    previously separately additionally nevertheless nonetheless eventually finally initially moreover
    furthermore similarly likewise also again""".split()
)
# Capitalised words before a surname that are no given name ("The Trump administration", "When Trump ...").
_FUNCTION_WORDS = SENTENCE_OPENERS | frozenset(
    """the a an this that these those his her their its our my your at by for from in into of on to with
    without under over about against during says said new former late then both unlike like whereas
    including""".split()
)
_NAME_PARTICLES = frozenset(
    {
        "bin",
        "bint",
        "ibn",
        "al",
        "el",
        "de",
        "da",
        "del",
        "della",
        "dos",
        "das",
        "du",
        "des",
        "von",
        "van",
        "der",
        "la",
        "le",
        "di",
    }
)
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_TITLE_PREFIXES = frozenset({"pope", "king", "queen", "emperor", "sheikh", "prince", "president", "emir"})


# A seat that is a country's armed forces as a whole (not a ministry, a branch or a guard corps)
_ARMED_FORCES = re.compile(
    r"\b(?:Defen[cs]e Forces?|Armed Forces|People's Army|Liberation Army|Bundeswehr|Tatmadaw)\b", re.IGNORECASE
)


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)) if w]
    return "".join(w[0] for w in words if w.lower() not in {"of", "the", "and", "for"}).upper()


def _seat_bodies(seats: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Each seat name -> the name of the body it names: the first of its names in the file. Names of one sector
    name the same body, one actor and not two, when one is another's spelling ("Self-Defence Forces"), its
    acronym ("SDF", "IDF") or the one word it is known by ("the Diet" of "National Diet", "Duma" of "State
    Duma", "Congress" of "U.S. Congress", "House" of "House of Representatives", when no other seat of the
    sector has that word)."""
    order = {name: k for k, (name, _) in enumerate(seats)}
    parent = {name: name for name, _ in seats}

    def find(name: str) -> str:
        while parent[name] != name:
            name = parent[name]
        return name

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            first, second = sorted((ra, rb), key=order.__getitem__)
            parent[second] = first

    def bare(name: str) -> str:
        return re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)

    firsts: dict[tuple[str, str], str] = {}  # (sector, spelling key) -> first name
    for name, sector in seats:
        union(name, firsts.setdefault((sector, slugify(bare(name)).replace("defence", "defense")), name))
    for name, sector in seats:
        others = [n for n, s in seats if s == sector and bare(n) != bare(name)]
        if re.fullmatch(r"[A-Z]{2,6}", name):
            whole = next((n for n in others if _initials(n) == name), None)
            if whole is not None:
                union(name, whole)
        elif " " not in bare(name):
            word = bare(name).lower()
            ends = {n: (w[0], w[-1]) for n in others if len(w := bare(n).lower().split()) > 1}
            having = {find(n) for n, pair in ends.items() if word in pair}
            if len(having) == 1:
                union(name, having.pop())
    return {name: find(name) for name, _ in seats}


def country_actor_id(iso3: str) -> str:
    """Actor id of a country.

    Args:
        iso3: ISO 3166-1 alpha-3 code.

    Returns:
        ``"country:" + iso3`` (e.g. ``country:JPN``).
    """
    return f"country:{iso3.upper()}"


def government_actor_id(iso3: str) -> str:
    """Actor id of a country's government (the generic "Japanese government", "Tokyo").

    Args:
        iso3: ISO 3166-1 alpha-3 code.

    Returns:
        ``"gov:" + iso3`` (e.g. ``gov:JPN``).
    """
    return f"gov:{iso3.upper()}"


def _plural(word: str) -> str | None:
    lower = word.lower()
    if lower.endswith(("s", "sh", "ch", "ese", "x", "z", "i-kiribati")) or " " in word and lower.endswith("ese"):
        return None
    if lower.endswith("y") and not lower.endswith(("ay", "ey", "oy", "uy")):
        return word[:-1] + "ies"
    return word + "s"


@dataclass(frozen=True, slots=True)
class TitleMatch:
    """A role noun found in a text."""

    start: int
    end: int
    title: str
    sector: str
    person: bool
    country: str | None = None  # the one country whose institutions use the title


class _Index:
    """Name -> values, with a case-insensitive key and a case-sensitive acronym key."""

    def __init__(self) -> None:
        self.ci: dict[str, list[str]] = defaultdict(list)
        self.cs: dict[str, list[str]] = defaultdict(list)
        self.forms_ci: set[str] = set()
        self.forms_cs: set[str] = set()

    def add(self, form: str, value: str, *, search: bool = True) -> None:
        """Index ``form``; with ``search=False`` it is found by :meth:`get` only, not by the regexes."""
        form = form.strip()
        if not form:
            return
        if is_acronym(form):
            bucket, key = self.cs, acronym_key(form)
            if search:
                self.forms_cs.add(form)
            if len(key) >= 4:  # NATO / Nato / nato all read the same
                self._put(self.ci, name_key(form), value)
                if search:
                    self.forms_ci.add(form)
        else:
            bucket, key = self.ci, name_key(form)
            if search:
                self.forms_ci.add(form)
        self._put(bucket, key, value)

    @staticmethod
    def _put(bucket: dict[str, list[str]], key: str, value: str) -> None:
        if key and value not in bucket[key]:
            bucket[key].append(value)

    def get(self, text: str) -> list[str]:
        out = list(self.cs.get(acronym_key(text), ())) if is_acronym(text) else []
        for value in self.ci.get(name_key(text), ()):
            if value not in out:
                out.append(value)
        return out


def _find(patterns: tuple[re.Pattern[str] | None, ...], text: str) -> list[tuple[int, int, str]]:
    """All non-overlapping matches of several patterns, longest first, in text order."""
    folded = fold_same_length(text)
    found: list[tuple[int, int, str]] = []
    for pattern in patterns:
        if pattern is not None:
            found.extend((m.start(), m.end(), text[m.start() : m.end()]) for m in pattern.finditer(folded))
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    out: list[tuple[int, int, str]] = []
    last_end = -1
    for start, end, surface in found:
        if start >= last_end:
            out.append((start, end, surface))
            last_end = end
    return out


class KnowledgeBase:
    """Countries, governments, organisations, people and the title lexicon, with fast lookups.

    Build it with :meth:`load`; the constructor takes already-merged :class:`KBData`. It pickles without
    its compiled search patterns (compiled again on first use from their kept source).
    """

    def __init__(self, data: KBData) -> None:
        """Index ``data`` (normally called through :meth:`load`).

        Args:
            data: merged knowledge-base entries.
        """
        self._data: KBData | None = data
        self._files: tuple[Path, ...] | None = None  # set by from_files: ``data`` can be read again from them
        self._modifiers = (data.former_modifiers, data.ethnic_modifiers)
        self._patterns: dict[str, str | None] = {}  # search pattern name -> its source (see _source)
        self._actors: dict[str, Actor] = {}
        self._names = _Index()  # every actor name / alias / metonym -> actor id
        self._countries = _Index()  # country names, aliases, demonyms -> ISO3
        self._metonyms = _Index()  # capitals -> ISO3
        self._peoples = _Index()  # ethnic groups -> ISO3
        self._demonyms: dict[str, bool] = {}  # demonym key -> is a plural form
        self._places = _Index()  # cities, provinces, regions -> ISO3
        self._bulk: set[str] = set()  # actors of bulk files: found by exact name only
        self._titles: dict[str, TitleEntry] = {}
        self._armed_forces: dict[str, str] = {}  # ISO3 -> the actor of its armed forces, from its seats
        self._build_countries()
        self._build_places()
        self._build_igos()
        self._build_people()
        self._build_titles()

    @property
    def data(self) -> KBData:
        """The merged entries this knowledge base was built from."""
        if self._data is None:  # read from the cache, which leaves them out
            self._data = apply_additions(read_cached(self._files or DEFAULT_FILES).copy())
        return self._data

    def __getstate__(self) -> dict[str, Any]:
        """What a pickle keeps: the indexes and the patterns' source, not the compiled patterns (cheap to
        compile again, costly to unpickle) nor, when made by :meth:`from_files`, its entries."""
        lazy = {name for name, attr in vars(KnowledgeBase).items() if isinstance(attr, functools.cached_property)}
        state = {name: value for name, value in vars(self).items() if name not in lazy}
        if self._files is not None:
            state["_data"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Restore a pickled knowledge base."""
        vars(self).update(state)

    # Search patterns are compiled on first use: a caller that only needs dictionary lookups never pays for
    # them. Their source (a trie of every form, the slower half of the work) is built once and pickled.
    def _searches(self) -> dict[str, Collection[str]]:
        """Search pattern name -> the forms it finds (``.cs``: case-sensitive acronyms)."""
        searches: dict[str, Collection[str]] = {}
        for name, index in (
            ("countries", self._countries),
            ("metonyms", self._metonyms),
            ("peoples", self._peoples),
            ("places", self._places),
            ("names", self._names),
        ):
            searches[f"{name}.ci"] = index.forms_ci
            searches[f"{name}.cs"] = index.forms_cs
        searches["titles"] = self._titles.keys()
        searches["former"], searches["ethnic"] = self._modifiers
        return searches

    def _source(self, name: str) -> str | None:
        if name not in self._patterns:
            self._patterns[name] = phrase_pattern(self._searches()[name], ignore_case=not name.endswith(".cs"))
        return self._patterns[name]

    def _regex(self, name: str) -> re.Pattern[str] | None:
        return compile_phrase(self._source(name), ignore_case=not name.endswith(".cs"))

    def _pair(self, name: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        return self._regex(f"{name}.ci"), self._regex(f"{name}.cs")

    def prepare_patterns(self) -> None:
        """Build the source of every search pattern now (before pickling), without compiling them."""
        for name in self._searches():
            self._source(name)

    @functools.cached_property
    def _country_re(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        return self._pair("countries")

    @functools.cached_property
    def _metonym_re(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        return self._pair("metonyms")

    @functools.cached_property
    def _peoples_re(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        return self._pair("peoples")

    @functools.cached_property
    def _places_re(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        return self._pair("places")

    @functools.cached_property
    def _names_re(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        return self._pair("names")

    @functools.cached_property
    def _title_re(self) -> re.Pattern[str] | None:
        return self._regex("titles")

    @functools.cached_property
    def _former_re(self) -> re.Pattern[str] | None:
        return self._regex("former")

    @functools.cached_property
    def _ethnic_re(self) -> re.Pattern[str] | None:
        return self._regex("ethnic")

    # ------------------------------------------------------------------ loading
    @classmethod
    def load(cls, user_files: Sequence[Path] = ()) -> KnowledgeBase:
        """Load the packaged YAML files, then ``user_files`` on top (overriding by id).

        Args:
            user_files: extra YAML files in the same format; later files win.

        Returns:
            A knowledge base. Without user files the result is shared by the process and read from the
            per-user cache (:mod:`vigil.kb.cache`) when the packaged files have not changed; with user
            files, the packaged entries are read from that cache and only the user files are parsed.

        Raises:
            ConfigError: a file is missing, not YAML, or has a malformed entry.
        """
        if not user_files:
            return _default_kb()
        return cls(merge([Path(p) for p in user_files], base=_packaged_files()))

    @classmethod
    def from_files(cls, files: Sequence[Path]) -> KnowledgeBase:
        """The knowledge base of ``files`` alone, read from the per-user cache when they have not changed
        (built and cached otherwise). :meth:`load` is this for the packaged files, once per process.

        Args:
            files: YAML files, in load order.

        Returns:
            A knowledge base.

        Raises:
            ConfigError: a file is missing, not YAML, or has a malformed entry.
        """
        files = tuple(Path(p) for p in files)
        key = cache.cache_key(files)
        found = cache.read("kb", key, KnowledgeBase)
        if found is None:
            with cache.no_gc():
                found = cls(apply_additions(read_cached(files, key).copy()))
                found._files = files
                found.prepare_patterns()
            cache.write("kb", key, found)
        return found

    def _add(self, actor: Actor, forms: Sequence[str], *, bulk: bool = False) -> None:
        self._actors[actor.id] = actor
        if bulk:
            self._bulk.add(actor.id)
        for form in (actor.name, *forms):
            self._names.add(form, actor.id, search=not bulk)

    def _build_countries(self) -> None:
        for entry in self.data.countries.values():
            code = entry.code
            plurals = [p for d in entry.demonyms if (p := _plural(d))]
            for form in entry.demonyms:
                self._demonyms.setdefault(name_key(form), False)
            for form in plurals:
                self._demonyms[name_key(form)] = True
            for form in (entry.name, *entry.aliases, *entry.demonyms, *plurals):
                self._countries.add(form, code)
            for form in entry.capitals:
                self._metonyms.add(form, code)
            for form in entry.peoples:
                self._peoples.add(form, code)
            self._add(
                Actor(country_actor_id(code), entry.name, "country", country=code, aliases=entry.aliases), entry.aliases
            )
            gov_seats = tuple(name for name, sector in entry.seats if sector == "GOV")
            self._add(
                Actor(
                    government_actor_id(code),
                    f"Government of {entry.name}",
                    "government",
                    country=code,
                    sector="GOV",
                    aliases=(*entry.capitals, *gov_seats),
                ),
                (*entry.capitals, *gov_seats),
            )
            bodies = _seat_bodies(entry.seats)
            for name, sector in entry.seats:
                if sector == "GOV":
                    continue
                base = re.sub(r"^the\s+", "", bodies[name], flags=re.IGNORECASE)
                actor_id = f"org:{code.lower()}-{slugify(base)}"
                kind = "party" if sector in {"PTY", "OPP"} else "organisation"
                existing = self._actors.get(actor_id)
                aliases = (*existing.aliases, name) if existing else (name,)
                self._add(Actor(actor_id, base, kind, country=code, sector=sector, aliases=aliases), (name,))
                if sector == "MIL" and _ARMED_FORCES.search(base) and code not in self._armed_forces:
                    self._armed_forces[code] = actor_id

    def _build_places(self) -> None:
        for code, names in self.data.places.items():
            for form in names:
                self._places.add(form, code)

    def _build_igos(self) -> None:
        for entry in self.data.igos.values():
            kind = "igo" if entry.sector in {"IGO"} or entry.id.startswith("igo:") else "organisation"
            forms = (*entry.aliases, *entry.metonyms)
            self._add(
                Actor(entry.id, entry.name, kind, country=entry.country, sector=entry.sector, aliases=forms),
                forms,
                bulk=entry.bulk,
            )

    def _build_people(self) -> None:
        surnames: dict[str, list[str]] = defaultdict(list)
        for entry in self.data.people.values():
            if entry.bulk:
                continue
            tokens = [t for t in entry.name.replace(",", " ").split() if t.lower().strip(".") not in _NAME_SUFFIXES]
            if len(tokens) < 2 or tokens[0].lower() in _TITLE_PREFIXES:
                continue
            if any(t.lower() in _NAME_PARTICLES for t in tokens[1:-1]):
                continue
            surnames[name_key(tokens[-1])].append(entry.id)
        taken = set(self._names.ci) | set(self._countries.ci) | {t.lower() for t in self.data.titles}
        # A surname names its bearer; a surname several people share names each of them, and a lookup
        # ranks them by who holds an office on the day, then by file order (people.yaml first).
        surname_of = {pid: key for key, ids in surnames.items() for pid in ids}
        for entry in self.data.people.values():
            roles = tuple(r for r in (self._clip(r, entry.died) for r in entry.roles) if r is not None)
            aliases = list(entry.aliases)
            key = None if entry.bulk else surname_of.get(entry.id)
            if key is not None and len(key) >= 3 and key not in _SURNAME_STOP and key not in taken:
                surname = next(t for t in reversed(entry.name.split()) if name_key(t) == key)
                if surname not in aliases and name_key(surname) != name_key(entry.name):
                    aliases.append(surname)
            latest = max(roles, key=lambda r: r.start or date.min) if roles else None
            actor = Actor(
                entry.id,
                entry.name,
                "person",
                country=entry.country,
                sector=latest.sector if latest else None,
                aliases=tuple(aliases),
                roles=roles,
                wikidata=entry.wikidata,
            )
            self._add(actor, aliases, bulk=entry.bulk)

    @staticmethod
    def _clip(role: Role, died: date | None) -> Role | None:
        if died is None:
            return role
        if role.start is not None and role.start > died:
            return None
        if role.end is None or role.end > died:
            return Role(role.title, role.country, role.sector, role.start, died)
        return role

    def _build_titles(self) -> None:
        for key, entry in self.data.titles.items():
            self._titles[key] = entry
        for entry in list(self._titles.values()):
            plural = _plural(entry.title)
            if plural:
                pkey = str(plural).lower()
                if pkey not in self._titles:
                    self._titles[pkey] = TitleEntry(str(plural), entry.sector, person=False)

    # ------------------------------------------------------------------ public API
    def get(self, actor_id: str) -> Actor | None:
        """The actor with this id.

        Args:
            actor_id: e.g. ``country:JPN``, ``gov:JPN``, ``igo:g7``, ``person:fumio-kishida``.

        Returns:
            The actor, or None when the id is unknown.
        """
        return self._actors.get(actor_id)

    def actors(self) -> Iterator[Actor]:
        """Every actor of the knowledge base.

        Returns:
            An iterator over countries, governments, organisations and people.
        """
        return iter(self._actors.values())

    def country_code(self, word: str) -> str | None:
        """ISO3 code of a country name, alias, demonym or capital metonym.

        Args:
            word: "Japan", "Japanese", "U.S.", "Tokyo" (case- and diacritics-insensitive).

        Returns:
            The ISO3 code, or None. "Brussels" gives None: it is the EU's metonym (``lookup``).
        """
        word = re.sub(r"^the\s+|'s$|’s$", "", word.strip(), flags=re.IGNORECASE)
        codes = self._countries.get(word) or self._metonyms.get(word)
        if codes:
            return codes[0]
        for actor_id in self._names.get(word):
            actor = self._actors[actor_id]
            if actor.kind in {"country", "government"} and actor.country:
                return actor.country
        return None

    def find_countries(self, text: str, *, metonyms: bool = False) -> list[tuple[int, int, str]]:
        """Every country name, alias or demonym in ``text``.

        Args:
            text: any text.
            metonyms: also report capitals ("Tokyo") as their country.

        Returns:
            ``(start, end, ISO3)`` tuples in text order; offsets point into ``text``.
        """
        patterns = self._country_re + (self._metonym_re if metonyms else (None, None))
        out = []
        for start, end, surface in _find(patterns, text):
            code = self._countries.get(surface) or self._metonyms.get(surface)
            if code:
                out.append((start, end, code[0]))
        return out

    def find_peoples(self, text: str) -> list[tuple[int, int, str]]:
        """Ethnic or national groups ("Hausa", "Kurds") in ``text`` with their usual country.

        Args:
            text: any text.

        Returns:
            ``(start, end, ISO3)`` tuples in text order.
        """
        out = []
        for start, end, surface in _find(self._peoples_re, text):
            code = self._peoples.get(surface)
            if code:
                out.append((start, end, code[0]))
        return out

    def find_places(self, text: str) -> list[tuple[int, int, str]]:
        """Cities, provinces and regions ("Kandahar", "Ontario") in ``text``, written with a capital.

        Args:
            text: any text.

        Returns:
            ``(start, end, ISO3)`` tuples in text order: the weakest country evidence (after country
            names, demonyms and capitals).
        """
        out = []
        for start, end, surface in _find(self._places_re, text):
            code = self._places.get(surface)
            if code and len(code) == 1 and surface[:1].isupper():
                out.append((start, end, code[0]))
        return out

    def find_names(self, text: str) -> list[tuple[int, int, list[str]]]:
        """Every known actor name, alias or metonym in ``text`` (longest match wins).

        A person's name written in lower case ("son") and a one-word name that is part of another
        person's name (:meth:`another_persons_name`) are not reported.

        Args:
            text: any text.

        Returns:
            ``(start, end, actor_ids)`` tuples in text order.
        """
        out = []
        for start, end, surface in _find(self._names_re, text):
            ids = self._names.get(surface)
            if not ids or self.another_persons_name(text, start, end) is not None:
                continue
            if surface.islower() and all(i.startswith("person:") for i in ids):
                continue  # "son of the late ..." names no Bùi Thanh Sơn: a person's name is written capitalised
            out.append((start, end, ids))
        return out

    def another_persons_name(self, text: str, start: int, end: int) -> tuple[int, int] | None:
        """The span of another person's name that the one-word person name at ``start:end`` is part of.

        After another given name ("Doug Collins" is not Judith Collins: one capitalised word right before
        it that is no title or honorific), or itself the given name of one ("Anthony Fauci" is not Kenny
        Anthony, "Paul Manafort" not Evans Paul: a capitalised word right after it that is no title, role
        noun, function word, day or month). None when it stands alone or names no person.
        """
        ids = self._names.get(text[start:end])
        if not ids or " " in text[start:end].strip() or not all(i.startswith("person:") for i in ids):
            return None
        before = re.search(r"([A-Z][\w'’.-]*)\s+$", text[max(0, start - 40) : start])
        if before is not None:
            word = before.group(1).rstrip(".")
            ends_sentence = before.group(1).endswith(".") and len(word) > 1  # "Wednesday. Paul ...", not "J. Paul"
            if not ends_sentence and self.is_name_word(word, before_name=True):
                return max(0, start - 40) + before.start(1), end
        after = re.match(r"[ \t]+([A-Z][a-z][\w'’-]*)", text[end : end + 40])
        if after is None or not self.is_name_word(after.group(1)):
            return None
        return start, end + after.end(1)

    def is_name_word(self, word: str, *, before_name: bool = False) -> bool:
        """Whether a capitalised ``word`` next to a name may be part of it: no title or role noun, honorific,
        function word, day or month. With ``before_name``, a role noun that is no person's title ("Hunter"
        of "Hunter Biden", unlike "President" or "Senator") may be a given name.
        """
        key = word.lower()
        if key in _HONORIFICS or key in _FUNCTION_WORDS or key in _CALENDAR:
            return False
        title = self._titles.get(key)
        return title is None or (before_name and not title.person)

    def is_demonym(self, word: str, *, plural: bool = False) -> bool:
        """True when ``word`` is a demonym ("Japanese", "Palestinians"); with ``plural``, a plural one only."""
        found = self._demonyms.get(name_key(word))
        return found is not None and (found or not plural)

    def is_role_noun(self, word: str) -> bool:
        """True when ``word`` is a title or role noun of the lexicon ("Reporters", "officials")."""
        return word.lower() in self._titles

    def lookup(self, name: str, day: date | None = None) -> list[Actor]:
        """Actors whose name, alias or metonym is exactly ``name`` (normalised).

        Args:
            name: a name as written ("Kishida", "the G7", "Tokyo", "U.S.").
            day: when given, people holding an office on that day come first.

        Returns:
            Matching actors, best first (empty when none).
        """
        name = re.sub(r"^the\s+|'s$|’s$|'$", "", name.strip(), flags=re.IGNORECASE).strip()
        ids = self._names.get(name)
        if not ids:
            ids = self._names.get("the " + name)
        actors = [self._actors[i] for i in ids]
        if day is not None and len(actors) > 1:
            actors.sort(key=lambda a: a.role_on(day) is None)
        return actors

    def sector_for_title(self, text: str) -> tuple[str, str] | None:
        """The head title or role noun in ``text`` and its sector.

        Titles are matched longest first ("deputy prime minister" over "minister"); when
        several remain, the head is the last one before a prepositional tail
        ("Republican senators" -> senators, "supporters of the opposition" -> supporters).

        Args:
            text: a description ("Japan's Deputy Prime Minister", "several trade unions").

        Returns:
            ``(matched title, sector)``, or None when no title is found.
        """
        best = head_title(text, self.find_titles(text))
        return (best.title, best.sector) if best else None

    def find_titles(self, text: str) -> list[TitleMatch]:
        """Every (longest, non-overlapping) title or role noun in ``text``.

        Args:
            text: any text.

        Returns:
            Matches in text order.
        """
        out = []
        for start, end, surface in _find((self._title_re,), text):
            entry = self._titles.get(" ".join(surface.lower().split()))
            if entry is None:
                entry = self._titles.get(name_key(surface))
            if entry is not None:
                out.append(TitleMatch(start, end, entry.title, entry.sector, entry.person, entry.country))
        return out

    def has_former_modifier(self, text: str) -> bool:
        """True when ``text`` says "former", "retired", "ex-"...

        Args:
            text: a description.

        Returns:
            Whether a former/retired modifier occurs.
        """
        return bool(self._former_re and self._former_re.search(fold_same_length(text))) or bool(
            re.search(r"(?<!\w)ex-\w", text, re.IGNORECASE)
        )

    def ethnic_spans(self, text: str) -> list[tuple[int, int]]:
        """Spans of "ethnic" modifiers in ``text``.

        Args:
            text: a description.

        Returns:
            ``(start, end)`` spans.
        """
        if self._ethnic_re is None:
            return []
        return [(m.start(), m.end()) for m in self._ethnic_re.finditer(fold_same_length(text))]

    def office_holders(self, title: str, country: str | None, day: date | None) -> list[Actor]:
        """People holding an office called ``title`` in ``country`` on ``day``.

        Args:
            title: a title from the lexicon ("prime minister", "foreign minister").
            country: ISO3 code, or None for international offices.
            day: the day (None: current holders).

        Returns:
            Matching people (several when the KB is ambiguous).
        """
        out: list[Actor] = []
        for actor, role in self._offices.get((_office_family(title), country), ()):
            if role.holds_on(day) and actor not in out:
                out.append(actor)
        return out

    def armed_forces(self, country: str) -> Actor | None:
        """A country's armed forces as a whole when its seats name them ("Israel Defense Forces", "the
        Bundeswehr"): what "Israel's military" or "the Japanese armed forces" are."""
        actor_id = self._armed_forces.get(country)
        return self._actors.get(actor_id) if actor_id else None

    def leader(self, country: str, day: date | None) -> Actor | None:
        """Who leads ``country`` on ``day`` ("the Chinese leader", "the Kremlin leader"): the one holder of the
        first office of the country's ``leader`` list (``countries.yaml``) that has one, by default of its prime
        minister (or chancellor), else of its president, king, emir or sultan."""
        entry = self.data.countries.get(country)
        offices = (entry.leader if entry is not None else ()) or _LEADER_OFFICES
        for office in offices:
            holders = self.office_holders(office, country, day)
            if len(holders) == 1:
                return holders[0]
            if holders:
                return None
        return None

    def office_holders_named(self, title: str, surname: str, day: date | None) -> list[tuple[Actor, Role]]:
        """People holding an office called ``title`` on ``day``, in any country, whose surname is ``surname``
        ("Prime Minister Johnson" in 2019), with the role.

        Args:
            title: a title from the lexicon.
            surname: the last word of the holder's name as written.
            day: the day (None: current holders).

        Returns:
            (person, role) pairs.
        """
        key = name_key(surname)
        out: list[tuple[Actor, Role]] = []
        for actor, role in self._offices_by_family.get(_office_family(title), ()):
            names = (actor.name, *actor.aliases)
            if role.holds_on(day) and any(name_key(n.split()[-1]) == key for n in names if n.split()):
                if all(actor is not a for a, _ in out):
                    out.append((actor, role))
        return out

    @functools.cached_property
    def _offices_by_family(self) -> dict[str, list[tuple[Actor, Role]]]:
        index: dict[str, list[tuple[Actor, Role]]] = defaultdict(list)
        for (family, _), entries in self._offices.items():
            index[family].extend(entries)
        return dict(index)

    @functools.cached_property
    def _offices(self) -> dict[tuple[str, str | None], list[tuple[Actor, Role]]]:
        """(office family, country) -> the people and roles of that office, built on first use."""
        index: dict[tuple[str, str | None], list[tuple[Actor, Role]]] = defaultdict(list)
        for actor in self._actors.values():
            if actor.kind != "person":
                continue
            for role in actor.roles:
                for family in {_office_family(p) for p in re.split(r"\s+and\s+", role.title.lower())}:
                    index[(family, role.country)].append((actor, role))
        return dict(index)

    def surface_forms(self) -> Iterator[tuple[str, str]]:
        """Every (surface string, actor id) pair: names, aliases, surnames and metonyms.

        Demonyms ("Japanese") are not included: they are adjectives, see :meth:`find_countries`.

        Returns:
            An iterator of pairs, suitable for building a spaCy EntityRuler. Actors of bulk files
            (``bulk: true``, the Phoenix imports) are left out: they are found by exact name only.
        """
        for actor in self._actors.values():
            if actor.id in self._bulk:
                continue  # found by exact name only
            seen = set()
            for form in (actor.name, *actor.aliases):
                if form not in seen:
                    seen.add(form)
                    yield form, actor.id

    def __len__(self) -> int:
        return len(self._actors)


# a prepositional tail, a participle or a relative clause ends the head's scope: "supporters of the opposition",
# "a judge overseeing criminal proceedings", "officials who fled"
_PREPOSITION = re.compile(
    r"^\s*(?:of|in|from|at|near|with|for|on|against|to|by|who|which|that|whose|[a-z]{3,}ing)\b", re.IGNORECASE
)


def head_title(text: str, matches: Sequence[TitleMatch]) -> TitleMatch | None:
    """The head of several title matches: the last one before a prepositional tail.

    Args:
        text: the text the matches come from.
        matches: title matches in text order.

    Returns:
        The head match, or None when there is none.
    """
    if not matches:
        return None
    ordered = sorted(matches, key=lambda m: m.start)
    candidates = [ordered[0]]
    for prev, match in zip(ordered, ordered[1:], strict=False):
        if _PREPOSITION.match(text[prev.end : match.start]):
            break
        candidates.append(match)
    return candidates[-1]


_OFFICE_FAMILIES = {
    "premier": "prime minister",
    "pm": "prime minister",
    "head of government": "prime minister",
    "defense minister": "defence minister",
    "defence secretary": "defence minister",
    "defense secretary": "defence minister",
    "secretary of defense": "defence minister",
    "defence secretary of state": "defence minister",
    "foreign secretary": "foreign minister",
    "secretary of state": "foreign minister",
    "external affairs minister": "foreign minister",
    "treasury secretary": "finance minister",
    "secretary of the treasury": "finance minister",
    "chancellor of the exchequer": "finance minister",
    "treasurer": "finance minister",
    "finance secretary": "finance minister",
    "economy minister": "finance minister",
    "head of state": "president",
}


# Whose office makes a country's leader, when ``countries.yaml`` names none: the head of government of a
# parliamentary state, else the head of state.
_LEADER_OFFICES = ("prime minister", "chancellor", "president", "king", "emir", "sultan")


def _office_family(title: str) -> str:
    key = " ".join(title.lower().replace("-", " ").split())
    return _OFFICE_FAMILIES.get(key, key)


def read_cached(files: Sequence[Path], key: str | None = None) -> KBData:
    """The entries of ``files`` as read (roles and aliases added to people still pending, see
    :func:`~vigil.kb.entries.read_files`), from the per-user cache when the files have not changed.

    Args:
        files: YAML files, in load order.
        key: their :func:`~vigil.kb.cache.cache_key`, when already known.

    Returns:
        The data, shared: copy it (:meth:`KBData.copy`) before changing it.
    """
    key = key or cache.cache_key(files)
    found = cache.read("kbdata", key, KBData)
    if found is None:
        with cache.no_gc():
            found = read_files(files)
        cache.write("kbdata", key, found)
    return found


@functools.cache
def _packaged_files() -> KBData:
    """The packaged files as read: what user files go on top of."""
    return read_cached(DEFAULT_FILES)


@functools.cache
def _default_kb() -> KnowledgeBase:
    return KnowledgeBase.from_files(DEFAULT_FILES)


def office_families(title: str) -> set[str]:
    """The offices a role title names, as families ("foreign secretary" -> "foreign minister");
    a joint title ("deputy prime minister and finance minister") names each of its parts."""
    return {_office_family(p) for p in re.split(r"\s+and\s+", title.lower())}
