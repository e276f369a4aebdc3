"""Reading and validating the knowledge-base YAML files.

Every problem raises :class:`vigil.errors.ConfigError` naming the file, the section,
the entry (index and id) and what is wrong, so that a user can fix a custom file.
See ``vigil/kb/README.md`` for the format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import yaml

from vigil.errors import ConfigError
from vigil.models import Role

__all__ = [
    "SECTORS",
    "CountryEntry",
    "IgoEntry",
    "KBData",
    "PersonEntry",
    "TitleEntry",
    "load_file",
    "merge",
]

SECTORS = frozenset(
    "GOV MIL COP SPY REB LEG JUD PTY OPP ELI BUS MED EDU CVL LAB CRM REF REL AGR HLH UAF SEP IGO NGO MNC UNK".split()
)
_T = TypeVar("_T")
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SECTIONS = ("countries", "igos", "people", "roles", "groups", "former_modifiers", "ethnic_modifiers")


@dataclass(frozen=True, slots=True)
class CountryEntry:
    """One country or territory as written in ``countries.yaml``."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    seats: tuple[tuple[str, str], ...] = ()
    peoples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IgoEntry:
    """One organisation as written in ``igos.yaml`` (id already prefixed, e.g. ``igo:g7``)."""

    id: str
    name: str
    sector: str = "IGO"
    aliases: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()
    country: str | None = None
    parent: str | None = None
    region: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class PersonEntry:
    """One person as written in ``people.yaml`` (id already prefixed, e.g. ``person:fumio-kishida``)."""

    id: str
    name: str
    country: str | None
    aliases: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    wikidata: str | None = None
    died: date | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class TitleEntry:
    """A role noun and the sector it implies."""

    title: str
    sector: str
    person: bool = False


@dataclass(slots=True)
class KBData:
    """Everything read from the YAML files, keyed for override-by-id merging."""

    countries: dict[str, CountryEntry] = field(default_factory=dict)
    igos: dict[str, IgoEntry] = field(default_factory=dict)
    people: dict[str, PersonEntry] = field(default_factory=dict)
    titles: dict[str, TitleEntry] = field(default_factory=dict)
    # roles added to people that another file defines: (person id, roles, source, where), applied by merge()
    extra_roles: list[tuple[str, tuple[Role, ...], str | None, str]] = field(default_factory=list)
    former_modifiers: tuple[str, ...] = ()
    ethnic_modifiers: tuple[str, ...] = ()


class _Where:
    """Builds error messages that name the file and the entry."""

    def __init__(self, path: Path, section: str, index: int | None = None, ident: object = None) -> None:
        self.path, self.section, self.index, self.ident = path, section, index, ident

    def place(self) -> str:
        where = f"{self.path}: {self.section}"
        if self.index is not None:
            where += f"[{self.index}]"
        if self.ident is not None:
            where += f" (id {self.ident!r})"
        return where

    def error(self, problem: str) -> ConfigError:
        where = self.place()
        return ConfigError(
            f"{where}: {problem}. Fix this entry in the knowledge-base file (format: vigil/kb/README.md)."
        )


def _str(value: Any, where: _Where, key: str, *, required: bool = True) -> str | None:
    if value is None:
        if required:
            raise where.error(f"'{key}' is required")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise where.error(f"'{key}' must be a string, got {type(value).__name__} {value!r}")
    text = str(value).strip()
    if required and not text:
        raise where.error(f"'{key}' must not be empty")
    return text or None


def _strs(value: Any, where: _Where, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise where.error(f"'{key}' must be a list of strings, got {type(value).__name__}")
    out = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise where.error(f"'{key}' must contain only strings, got {item!r} (quote words like yes/no/on/off)")
        out.append(str(item).strip())
    return tuple(s for s in out if s)


def _sector(value: Any, where: _Where, key: str = "sector", *, required: bool = True) -> str | None:
    text = _str(value, where, key, required=required)
    if text is None:
        return None
    if text not in SECTORS:
        raise where.error(f"'{key}' {text!r} is not a known sector (one of {', '.join(sorted(SECTORS))})")
    return text


def _code(value: Any, where: _Where, key: str, *, required: bool) -> str | None:
    text = _str(value, where, key, required=required)
    if text is None:
        return None
    if len(text) != 3 or not text.isalpha() or not text.isupper():
        raise where.error(f"'{key}' {text!r} must be a three-letter upper-case country code")
    return text


def _date(value: Any, where: _Where, key: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise where.error(f"'{key}' must be a date YYYY-MM-DD or null, got {value!r}")


def _mapping(entry: Any, where: _Where, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(entry, dict):
        raise where.error(f"an entry must be a mapping, got {type(entry).__name__}")
    unknown = set(entry) - allowed
    if unknown:
        raise where.error(
            f"unknown key(s) {', '.join(sorted(map(str, unknown)))} (allowed: {', '.join(sorted(allowed))})"
        )
    return entry


def _country(entry: Any, path: Path, index: int) -> CountryEntry:
    where = _Where(path, "countries", index, entry.get("code") if isinstance(entry, dict) else None)
    data = _mapping(entry, where, {"code", "name", "aliases", "demonyms", "capitals", "seats", "peoples"})
    seats_raw = data.get("seats") or {}
    if not isinstance(seats_raw, dict):
        raise where.error("'seats' must be a mapping of name -> sector")
    seats = tuple((str(k).strip(), str(_sector(v, where, f"seats.{k}"))) for k, v in seats_raw.items())
    return CountryEntry(
        code=str(_code(data.get("code"), where, "code", required=True)),
        name=str(_str(data.get("name"), where, "name")),
        aliases=_strs(data.get("aliases"), where, "aliases"),
        demonyms=_strs(data.get("demonyms"), where, "demonyms"),
        capitals=_strs(data.get("capitals"), where, "capitals"),
        seats=seats,
        peoples=_strs(data.get("peoples"), where, "peoples"),
    )


def _prefixed(raw: str, prefix: str) -> str:
    return raw if ":" in raw else f"{prefix}:{raw}"


def _igo(entry: Any, path: Path, index: int) -> IgoEntry:
    where = _Where(path, "igos", index, entry.get("id") if isinstance(entry, dict) else None)
    data = _mapping(
        entry, where, {"id", "name", "aliases", "metonyms", "sector", "country", "parent", "region", "source"}
    )
    parent = _str(data.get("parent"), where, "parent", required=False)
    return IgoEntry(
        id=_prefixed(str(_str(data.get("id"), where, "id")), "igo"),
        name=str(_str(data.get("name"), where, "name")),
        sector=_sector(data.get("sector", "IGO"), where) or "IGO",
        aliases=_strs(data.get("aliases"), where, "aliases"),
        metonyms=_strs(data.get("metonyms"), where, "metonyms"),
        country=_code(data.get("country"), where, "country", required=False),
        parent=_prefixed(parent, "igo") if parent else None,
        region=_str(data.get("region"), where, "region", required=False),
        source=_str(data.get("source"), where, "source", required=False),
    )


_ROLE_KEYS = ("title", "country", "sector", "start", "end")


def _role(raw: Any, where: _Where, j: int) -> Role:
    if isinstance(raw, list):
        if len(raw) != 5:
            raise where.error(f"roles[{j}] must be [title, country, sector, start, end], got {len(raw)} items")
        raw = dict(zip(_ROLE_KEYS, raw, strict=True))
    if not isinstance(raw, dict):
        raise where.error(f"roles[{j}] must be a list of 5 items or a mapping")
    unknown = set(raw) - set(_ROLE_KEYS)
    if unknown:
        raise where.error(f"roles[{j}] has unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    start = _date(raw.get("start"), where, f"roles[{j}].start")
    end = _date(raw.get("end"), where, f"roles[{j}].end")
    if start and end and start > end:
        raise where.error(f"roles[{j}] starts ({start}) after it ends ({end})")
    return Role(
        title=str(_str(raw.get("title"), where, f"roles[{j}].title")),
        country=_code(raw.get("country"), where, f"roles[{j}].country", required=False),
        sector=_sector(raw.get("sector"), where, f"roles[{j}].sector"),
        start=start,
        end=end,
    )


def _person(entry: Any, path: Path, index: int) -> PersonEntry:
    where = _Where(path, "people", index, entry.get("id") if isinstance(entry, dict) else None)
    data = _mapping(entry, where, {"id", "name", "aliases", "country", "wikidata", "died", "roles", "source"})
    roles_raw = data.get("roles") or []
    if not isinstance(roles_raw, list):
        raise where.error("'roles' must be a list")
    wikidata = _str(data.get("wikidata"), where, "wikidata", required=False)
    if wikidata and not (wikidata.startswith("Q") and wikidata[1:].isdigit()):
        raise where.error(f"'wikidata' {wikidata!r} must look like Q12345")
    return PersonEntry(
        id=_prefixed(str(_str(data.get("id"), where, "id")), "person"),
        name=str(_str(data.get("name"), where, "name")),
        country=_code(data.get("country"), where, "country", required=False),
        aliases=_strs(data.get("aliases"), where, "aliases"),
        roles=tuple(_role(r, where, j) for j, r in enumerate(roles_raw)),
        wikidata=wikidata,
        died=_date(data.get("died"), where, "died"),
        source=_str(data.get("source"), where, "source", required=False),
    )


def _extra_roles(entry: Any, path: Path, index: int) -> tuple[str, tuple[Role, ...], str | None, str]:
    where = _Where(path, "roles", index, entry.get("id") if isinstance(entry, dict) else None)
    data = _mapping(entry, where, {"id", "roles", "source"})
    roles_raw = data.get("roles") or []
    if not isinstance(roles_raw, list) or not roles_raw:
        raise where.error("'roles' must be a non-empty list")
    person = _prefixed(str(_str(data.get("id"), where, "id")), "person")
    roles = tuple(_role(r, where, j) for j, r in enumerate(roles_raw))
    return person, roles, _str(data.get("source"), where, "source", required=False), where.place()


def _titles(groups: Any, path: Path) -> dict[str, TitleEntry]:
    if not isinstance(groups, list):
        raise _Where(path, "groups").error("'groups' must be a list")
    out: dict[str, TitleEntry] = {}
    for i, group in enumerate(groups):
        where = _Where(path, "groups", i, group.get("sector") if isinstance(group, dict) else None)
        data = _mapping(group, where, {"sector", "person", "titles", "source"})
        sector = str(_sector(data.get("sector"), where))
        person = data.get("person", False)
        if not isinstance(person, bool):
            raise where.error("'person' must be true or false")
        for title in _strs(data.get("titles"), where, "titles"):
            key = title.lower()
            if key in out and out[key].sector != sector:
                raise where.error(f"title {title!r} is already mapped to {out[key].sector}")
            out[key] = TitleEntry(title=title, sector=sector, person=person)
    return out


def _read(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Cannot read knowledge-base file {path}: {exc.strerror}. Check the path.") from None
    try:
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a SafeLoader (C version when available)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc}). Fix the syntax.") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping with keys {', '.join(_SECTIONS)}.")
    unknown = set(data) - set(_SECTIONS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown top-level key(s) {', '.join(sorted(map(str, unknown)))} "
            f"(allowed: {', '.join(_SECTIONS)})."
        )
    return data


def _entries(data: Mapping[str, Any], section: str, path: Path) -> list[Any]:
    entries = data.get(section) or []
    if not isinstance(entries, list):
        raise _Where(path, section).error("must be a list of entries")
    return entries


def _put(target: dict[str, _T], key: str, value: _T, where: _Where, seen: set[str]) -> None:
    """Store ``value``; an id seen twice in the same file is an error (files override each other)."""
    if key in seen:
        raise where.error("duplicate id in this file")
    seen.add(key)
    target[key] = value


def load_file(path: Path, into: KBData | None = None) -> KBData:
    """Read one YAML file and merge it into ``into`` (entries override by id).

    Args:
        path: a knowledge-base YAML file (packaged or user).
        into: data to merge into; a new :class:`KBData` when None.

    Returns:
        The merged data (``into`` itself when given).

    Raises:
        ConfigError: the file is unreadable, not YAML, or an entry is malformed.
    """
    kb = into if into is not None else KBData()
    data = _read(path)
    seen: dict[str, set[str]] = {"countries": set(), "igos": set(), "people": set()}
    for i, country in enumerate(_entries(data, "countries", path)):
        parsed_country = _country(country, path, i)
        _put(
            kb.countries,
            parsed_country.code,
            parsed_country,
            _Where(path, "countries", i, parsed_country.code),
            seen["countries"],
        )
    for i, igo in enumerate(_entries(data, "igos", path)):
        parsed_igo = _igo(igo, path, i)
        _put(kb.igos, parsed_igo.id, parsed_igo, _Where(path, "igos", i, parsed_igo.id), seen["igos"])
    for i, person in enumerate(_entries(data, "people", path)):
        parsed_person = _person(person, path, i)
        _put(kb.people, parsed_person.id, parsed_person, _Where(path, "people", i, parsed_person.id), seen["people"])
    for i, extra in enumerate(_entries(data, "roles", path)):
        kb.extra_roles.append(_extra_roles(extra, path, i))
    if "groups" in data:
        kb.titles.update(_titles(data["groups"], path))
    for key in ("former_modifiers", "ethnic_modifiers"):
        if key in data:
            values = _strs(data[key], _Where(path, key), key)
            setattr(kb, key, tuple(dict.fromkeys((*getattr(kb, key), *values))))
    return kb


def merge(paths: Sequence[Path]) -> KBData:
    """Read several files in order; later files override earlier ones by id.

    Args:
        paths: YAML files, packaged ones first.

    Returns:
        The merged data.
    """
    kb = KBData()
    for path in paths:
        load_file(path, kb)
    for person_id, roles, _source, where in kb.extra_roles:
        person = kb.people.get(person_id)
        if person is None:
            raise ConfigError(f"{where}: no person {person_id!r} to add roles to; define it under 'people' first.")
        kb.people[person_id] = replace(person, roles=(*person.roles, *roles))
    kb.extra_roles.clear()
    return kb
