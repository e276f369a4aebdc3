"""Actors of imported events: the knowledge base's when it knows them, else a country and a sector.

The ids are Vigil's own (see ``vigil/kb/README.md``): ``person:``/``igo:``/``org:`` ids of the knowledge
base for known names, ``country:XXX`` and ``gov:XXX`` for countries and their governments, and
provisional ``prov:<iso3>-<words>`` (``prov:generic:<words>`` without a country) for the rest, keyed as
the resolver keys groups: by country and the group's own words, never by sector alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from vigil.imports.mapping import (
    ACLED_INTER_SECTORS,
    CAMEO_COUNTRY_ALIASES,
    CAMEO_KNOWN_GROUPS,
    ICEWS_SECTOR_WORDS,
    cameo_sector,
)
from vigil.kb import KnowledgeBase
from vigil.kb.knowledge import country_actor_id, government_actor_id
from vigil.kb.names import slugify
from vigil.models import Actor

__all__ = ["ActorMapper", "MappedActor"]

_NAMED_KINDS = frozenset({"person", "igo", "organisation", "party"})
_PAREN = re.compile(r"\s*\(([^()]*)\)")
_YEARS = re.compile(r"^\d{4}-?(\d{4})?$")
_ORGANISATION_WORDS = re.compile(
    r"\b(?:agency|army|assembly|association|bank|board|bureau|commission|committee|company|corporation|council|"
    r"court|department|force|forces|front|fund|group|institute|league|ministry|movement|office|organi[sz]ation|"
    r"parliament|party|police|service|union|university)\b",
    re.IGNORECASE,
)
_NO_ACTOR = frozenset({"na", "unspecified actor", "unknown"})


@dataclass(frozen=True, slots=True)
class MappedActor:
    """An actor id with its record, and the text the source gave for it."""

    actor_id: str
    actor: Actor
    text: str


class ActorMapper:
    """Maps the actors of GDELT, ICEWS and ACLED rows to Vigil's actors (results cached per source text)."""

    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        self.kb = kb or KnowledgeBase.load()
        self._countries = {a.country for a in self.kb.actors() if a.kind == "country" and a.country}
        self._cache: dict[tuple[object, ...], MappedActor | None] = {}

    # --- shared pieces ------------------------------------------------------------------------

    def cameo_country(self, code: str | None) -> str | None:
        """The ISO3 code of a CAMEO country code (None for regions and unknown codes)."""
        if not code:
            return None
        code = CAMEO_COUNTRY_ALIASES.get(code.upper(), code.upper())
        return code if code in self._countries else None

    def _named(
        self, name: str, day: date | None, country: str | None, kinds: frozenset[str] = _NAMED_KINDS
    ) -> Actor | None:
        """A person, organisation or IGO the knowledge base knows by this name (country must agree)."""
        candidates = [name]
        words = name.split()
        if len(words) >= 3 and all(w[:1].isupper() for w in words):  # "Sergey Viktorovich Lavrov"
            candidates.append(f"{words[0]} {words[-1]}")
        for candidate in candidates:
            for actor in self.kb.lookup(candidate, day):
                if actor.kind in kinds and (country is None or actor.country in (None, country)):
                    return actor
        return None

    def _kb(self, actor_id: str, text: str) -> MappedActor | None:
        actor = self.kb.get(actor_id)
        return MappedActor(actor_id, actor, text) if actor is not None else None

    def _group(
        self, words: str, text: str, country: str | None, sector: str | None, kind: str = "group"
    ) -> MappedActor | None:
        core = slugify(words)
        if not core and not country:
            return None
        if country and core:
            actor_id = f"prov:{country.lower()}-{core}"
        elif country:
            actor_id = f"prov:{country.lower()}-{(sector or 'unk').lower()}"
        else:
            actor_id = f"prov:generic:{core}" if kind == "group" else f"prov:{core}"  # a named actor: by name
        name = text if not text.isupper() else text.title()
        actor = Actor(actor_id, name, kind, country=country, sector=sector, provisional=True)
        return MappedActor(actor_id, actor, text)

    # --- GDELT (CAMEO actor codes) ------------------------------------------------------------------

    def gdelt(
        self,
        name: str,
        code: str,
        country_code: str,
        known_group: str,
        types: tuple[str, ...],
        day: date | None,
    ) -> MappedActor | None:
        """A GDELT actor from its Actor*Name, Actor*Code, CountryCode, KnownGroupCode and Type*Codes."""
        if not code and not name:
            return None
        key = ("gdelt", name, code, country_code, known_group, types, day)
        if key not in self._cache:
            self._cache[key] = self._gdelt(name, code, country_code, known_group, types, day)
        return self._cache[key]

    def _gdelt(
        self, name: str, code: str, country_code: str, known_group: str, types: tuple[str, ...], day: date | None
    ) -> MappedActor | None:
        country = self.cameo_country(country_code)
        sector = next((s for s in (cameo_sector(t) for t in types) if s), None)
        text = name or code
        if known_group and known_group in CAMEO_KNOWN_GROUPS:
            found = self._named(CAMEO_KNOWN_GROUPS[known_group], day, None)
            if found is not None:
                return MappedActor(found.id, found, text)
        if name:
            found = self._named(name, day, country)
            if found is not None:
                return MappedActor(found.id, found, text)
        names_country = country is not None and bool(name) and self.kb.country_code(name) == country
        if country and sector == "GOV" and (names_country or not name or name.isupper()):
            return self._kb(government_actor_id(country), text)
        if country and sector is None:
            return self._kb(country_actor_id(country), text)
        if names_country:
            return self._group("", text, country, sector)
        return self._group(name or (sector or ""), text, country, sector)

    # --- GDELT GKG (names without codes) ---------------------------------------------------------------

    def gkg_name(self, name: str, kind: str, day: date | None) -> Actor | None:
        """The knowledge base's person (``kind`` "person") or organisation, IGO or party of a GKG name, or None.

        GKG names carry no code, so nothing else is made of an unknown name.
        """
        key = ("gkg", name.lower(), kind, day)
        if key not in self._cache:
            kinds = frozenset({"person"}) if kind == "person" else _NAMED_KINDS - {"person"}
            found = self._named(name, day, None, kinds)
            self._cache[key] = MappedActor(found.id, found, name) if found is not None else None
        mapped = self._cache[key]
        return mapped.actor if mapped is not None else None

    # --- PLOVER records (a name with an ISO3 country code and a PLOVER sector) -------------------------

    def plover(self, name: str, country: str | None, sector: str | None, day: date | None) -> MappedActor | None:
        """An actor of a PLOVER record: its text, country code and sector ("REBsna": the first three letters).

        Read as a GDELT actor with that country and type: a name the knowledge base knows, else the
        country (or its government), else a group of the country.
        """
        code = (country or "").upper()
        types = ((sector or "")[:3].upper(), "", "")
        return self.gdelt(name, code + types[0], code, "", types, day)

    # --- ICEWS (names such as "Police (India)" and sector lists) --------------------------------------

    def icews(self, name: str, sectors: str, country_name: str, day: date | None) -> MappedActor | None:
        """An ICEWS actor from its Name, Sectors and Country columns."""
        if not name or name.lower() in _NO_ACTOR:
            return None
        key = ("icews", name, sectors, country_name, day)
        if key not in self._cache:
            self._cache[key] = self._icews(name, sectors, country_name, day)
        return self._cache[key]

    def _icews(self, name: str, sectors: str, country_name: str, day: date | None) -> MappedActor | None:
        country = self.kb.country_code(country_name) if country_name and country_name != "NA" else None
        sector = icews_sector(sectors)
        found = self._named(name, day, country)
        if found is not None:
            return MappedActor(found.id, found, name)
        core, paren_country = self._split_country(name)
        country = country or paren_country
        if core == name and self.kb.country_code(name) is not None:  # "North Korea": the country
            return self._kb(country_actor_id(self.kb.country_code(name) or ""), name)
        if country and core.lower() == "government":
            return self._kb(government_actor_id(country), name)
        if core != name:  # "Police (India)": a group of a country
            return self._group(core, name, country, sector)
        # Other ICEWS names are people ("Kim Yong-chol") or named bodies ("Central Bureau of Investigation"):
        # keyed by name alone, as the resolver keys unknown named actors, with the country ICEWS gives.
        kind = "organisation" if _ORGANISATION_WORDS.search(name) else "person"
        mapped = self._group(core, name, None, sector, kind=kind)
        if mapped is None:
            return None
        return MappedActor(mapped.actor_id, replace(mapped.actor, country=country), name)

    # --- ACLED (names such as "Military Forces of Benin (2016-)" and interaction codes) ---------------

    def acled(self, name: str, inter: str, fallback_country: str | None, day: date | None) -> MappedActor | None:
        """An ACLED actor from its name and interaction code (inter1/inter2)."""
        if not name or name.lower() in _NO_ACTOR:
            return None
        key = ("acled", name, inter, fallback_country, day)
        if key not in self._cache:
            self._cache[key] = self._acled(name, inter, fallback_country, day)
        return self._cache[key]

    def _acled(self, name: str, inter: str, fallback_country: str | None, day: date | None) -> MappedActor | None:
        core, country = self._split_country(name)
        sector = ACLED_INTER_SECTORS.get(inter.strip())
        if " and/or " not in name:  # "JNIM ... and/or Islamic State (Sahel)" names no single actor
            for candidate in dict.fromkeys((name, core, *[p.strip() for p in core.split(":")])):
                found = self._named(candidate, day, None) if candidate else None
                if found is not None:
                    return MappedActor(found.id, found, name)
        lower = core.lower()
        if country and lower.startswith("government"):
            return self._kb(government_actor_id(country), name)
        if lower.startswith("police forces"):
            sector = "COP"
        if inter.strip() == "1":  # state forces act for their country even when the name omits it
            country = country or fallback_country
        return self._group(core, name, country, sector)

    def _split_country(self, name: str) -> tuple[str, str | None]:
        """``("Police", "IND")`` from "Police (India)"; ``("Military Forces", "BEN")`` from
        "Military Forces of Benin (2016-)"; the country is None when no part names one."""
        country = None
        core = name
        for match in _PAREN.finditer(name):
            inner = match.group(1).strip()
            if _YEARS.match(inner) or self.kb.country_code(inner) is not None:
                core = core.replace(match.group(0), " ")
                country = country or self.kb.country_code(inner)
        core = " ".join(core.split())
        for start, end, code in sorted(self.kb.find_countries(core), reverse=True):
            before = core[:start].rstrip()
            if before.lower().endswith(" of") or before.lower().endswith(" of the"):  # "Military Forces of Benin"
                cut = before[: before.lower().rindex(" of")].rstrip()
                core = " ".join(f"{cut} {core[end:]}".split())
                country = country or code
        return core, country


def icews_sector(sectors: str) -> str | None:
    """The Vigil sector of an ICEWS sector list ("Military,Government" -> MIL), or None."""
    items = [s.strip().lower() for s in sectors.split(",") if s.strip() and s.strip() != "NA"]
    for needle, sector, exact in ICEWS_SECTOR_WORDS:
        if any((item == needle) if exact else (needle in item) for item in items):
            return sector
    return None
