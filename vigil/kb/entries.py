"""Reading and validating the knowledge-base YAML files.

Every problem raises :class:`vigil.errors.ConfigError` naming the file, the section,
the entry (index and id) and what is wrong, so that a user can fix a custom file.
See ``vigil/kb/README.md`` for the format.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from vigil.errors import ConfigError
from vigil.models import Role

__all__ = [
    "SECTORS",
    "CountryEntry",
    "IgoEntry",
    "KBData",
    "PersonEntry",
    "TitleEntry",
    "apply_additions",
    "load_file",
    "merge",
    "read_files",
]

SECTORS = frozenset(
    "GOV MIL COP SPY REB LEG JUD PTY OPP ELI BUS MED EDU CVL LAB CRM REF REL AGR HLH UAF SEP IGO NGO MNC UNK".split()
)
_T = TypeVar("_T")
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SECTIONS = (
    "countries",
    "igos",
    "people",
    "roles",
    "places",
    "groups",
    "former_modifiers",
    "ethnic_modifiers",
    "bulk",
)


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
    leader: tuple[str, ...] = ()


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
    bulk: bool = False  # from a file with `bulk: true`: found by exact name only


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
    bulk: bool = False  # from a file with `bulk: true`: found by exact name only, no automatic surname alias


@dataclass(frozen=True, slots=True)
class TitleEntry:
    """A role noun and the sector it implies."""

    title: str
    sector: str
    person: bool = False
    country: str | None = None


@dataclass(slots=True)
class KBData:
    """Everything read from the YAML files, keyed for override-by-id merging."""

    countries: dict[str, CountryEntry] = field(default_factory=dict)
    igos: dict[str, IgoEntry] = field(default_factory=dict)
    people: dict[str, PersonEntry] = field(default_factory=dict)
    titles: dict[str, TitleEntry] = field(default_factory=dict)
    # roles added to people that another file defines: (person id, roles, source, where), applied by merge()
    extra_roles: list[tuple[str, tuple[Role, ...], str | None, str]] = field(default_factory=list)
    # aliases added the same way: (person id, aliases, where)
    extra_aliases: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)
    # cities, provinces and regions -> ISO3 (weak country evidence)
    places: dict[str, tuple[str, ...]] = field(default_factory=dict)
    former_modifiers: tuple[str, ...] = ()
    ethnic_modifiers: tuple[str, ...] = ()

    def copy(self) -> KBData:
        """A copy whose dictionaries and lists can be changed without changing this one (the entries,
        immutable, are shared)."""

        def copied(value: Any) -> Any:
            return dict(value) if isinstance(value, dict) else list(value) if isinstance(value, list) else value

        return KBData(**{f.name: copied(getattr(self, f.name)) for f in fields(self)})


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


# Each entry of a file is described by a pydantic model (``_*Entry``): a field's validator says what
# is wrong with ``_KEY`` standing for the key, and :func:`_problem` puts in the key path
# (``roles[2].start``) of the first error.
_KEY = "\x00key\x00"


def _fail(problem: str) -> PydanticCustomError:
    return PydanticCustomError("kb", "{problem}", {"problem": problem})


def _text(value: Any, *, required: bool) -> str | None:
    if value is None:
        if required:
            raise _fail(f"'{_KEY}' is required")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _fail(f"'{_KEY}' must be a string, got {type(value).__name__} {value!r}")
    text = str(value).strip()
    if required and not text:
        raise _fail(f"'{_KEY}' must not be empty")
    return text or None


def _required(value: Any) -> str:
    return str(_text(value, required=True))


def _optional(value: Any) -> str | None:
    return _text(value, required=False)


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _fail(f"'{_KEY}' must be a list of strings, got {type(value).__name__}")
    out = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            raise _fail(f"'{_KEY}' must contain only strings, got {item!r} (quote words like yes/no/on/off)")
        out.append(str(item).strip())
    return tuple(s for s in out if s)


def _sector(value: Any) -> str:
    text = _required(value)
    if text not in SECTORS:
        raise _fail(f"'{_KEY}' {text!r} is not a known sector (one of {', '.join(sorted(SECTORS))})")
    return text


def _code(value: Any) -> str | None:
    text = _optional(value)
    if text is not None and (len(text) != 3 or not text.isalpha() or not text.isupper()):
        raise _fail(f"'{_KEY}' {text!r} must be a three-letter upper-case country code")
    return text


def _required_code(value: Any) -> str:
    _required(value)
    return str(_code(value))


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _fail(f"'{_KEY}' must be a date YYYY-MM-DD or null, got {value!r}")


def _seats(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail("'seats' must be a mapping of name -> sector")
    return {str(k).strip(): v for k, v in value.items()}


def _list(problem: str, *, empty: bool = True) -> Any:
    def check(value: Any) -> list[Any]:
        value = [] if value is None else value
        if not isinstance(value, list) or (not empty and not value):
            raise _fail(problem)
        return value

    return BeforeValidator(check)


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail("'person' must be true or false")
    return value


_Required = Annotated[str, BeforeValidator(_required)]
_Optional = Annotated[str | None, BeforeValidator(_optional)]
_Strings = Annotated[tuple[str, ...], BeforeValidator(_strings)]
_Sector = Annotated[str, BeforeValidator(_sector)]
_Code = Annotated[str | None, BeforeValidator(_code)]
_Date = Annotated[date | None, BeforeValidator(_date)]


class _Entry(BaseModel):
    """An entry of a section: a mapping of the declared keys only."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise _fail(f"an entry must be a mapping, got {type(data).__name__}")
        unknown = set(data) - set(cls.model_fields)
        if unknown:
            allowed = ", ".join(sorted(cls.model_fields))
            raise _fail(f"unknown key(s) {', '.join(sorted(map(str, unknown)))} (allowed: {allowed})")
        return data


class _RoleEntry(BaseModel):
    """A dated role: ``[title, country, sector, start, end]`` or a mapping of those keys."""

    model_config = ConfigDict(frozen=True)
    start: _Date = None
    end: _Date = None
    title: _Required
    country: _Code = None
    sector: _Sector

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, raw: Any) -> Any:
        if isinstance(raw, list):
            if len(raw) != 5:
                raise _fail(f"{_KEY} must be [title, country, sector, start, end], got {len(raw)} items")
            raw = dict(zip(_ROLE_KEYS, raw, strict=True))
        if not isinstance(raw, dict):
            raise _fail(f"{_KEY} must be a list of 5 items or a mapping")
        unknown = set(raw) - set(_ROLE_KEYS)
        if unknown:
            raise _fail(f"{_KEY} has unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        try:
            start, end = _date(raw.get("start")), _date(raw.get("end"))
        except PydanticCustomError:
            return raw  # the field's own validator names the key
        if start and end and start > end:
            raise _fail(f"{_KEY} starts ({start}) after it ends ({end})")
        return raw

    def role(self) -> Role:
        return Role(title=self.title, country=self.country, sector=self.sector, start=self.start, end=self.end)


class _CountryEntry(_Entry):
    seats: Annotated[dict[str, _Sector], BeforeValidator(_seats)] = {}
    code: Annotated[str, BeforeValidator(_required_code)]
    name: _Required
    aliases: _Strings = ()
    demonyms: _Strings = ()
    capitals: _Strings = ()
    peoples: _Strings = ()
    leader: _Strings = ()


class _IgoEntry(_Entry):
    parent: _Optional = None
    id: _Required
    name: _Required
    sector: _Sector = "IGO"
    aliases: _Strings = ()
    metonyms: _Strings = ()
    country: _Code = None
    region: _Optional = None
    source: _Optional = None


class _PersonEntry(_Entry):
    roles: Annotated[tuple[_RoleEntry, ...], _list("'roles' must be a list")] = ()
    wikidata: _Optional = None
    id: _Required
    name: _Required
    country: _Code = None
    aliases: _Strings = ()
    died: _Date = None
    source: _Optional = None

    @model_validator(mode="after")
    def _wikidata(self) -> _PersonEntry:
        w = self.wikidata
        if w and not (w.startswith("Q") and w[1:].isdigit()):
            raise _fail(f"'wikidata' {w!r} must look like Q12345")
        return self


class _ExtraRolesEntry(_Entry):
    roles: Annotated[tuple[_RoleEntry, ...], _list("'roles' must be a list")] = Field(None, validate_default=True)
    id: _Required
    source: _Optional = None
    aliases: _Strings = ()

    @model_validator(mode="after")
    def _something(self) -> _ExtraRolesEntry:
        if not self.roles and not self.aliases:
            raise _fail("'roles' must be a non-empty list (or 'aliases' given)")
        return self


class _PlaceGroup(_Entry):
    country: Annotated[str, BeforeValidator(_required_code)]
    names: _Strings = ()
    source: _Optional = None


class _TitleGroup(_Entry):
    sector: _Sector
    person: Annotated[bool, BeforeValidator(_flag)] = False
    country: _Code = None  # titles only one country's institutions use ("home secretary", "congressman")
    titles: _Strings = ()
    source: _Optional = None


_M = TypeVar("_M", bound=BaseModel)


def _problem(exc: ValidationError) -> str:
    """The first error of an entry, with the key path in place of ``_KEY``."""
    error = exc.errors(include_url=False, include_input=False)[0]
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]).lstrip(".")
    if error["type"] == "kb":
        return str((error.get("ctx") or {})["problem"]).replace(_KEY, path)
    if error["type"] == "missing":
        return f"'{path}' is required"
    return f"'{path}': {error['msg']}"


def _validated(model: type[_M], entry: Any, where: _Where) -> _M:
    try:
        return model.model_validate(entry)
    except ValidationError as exc:
        raise where.error(_problem(exc)) from None


def _country(entry: Any, path: Path, index: int) -> CountryEntry:
    where = _Where(path, "countries", index, entry.get("code") if isinstance(entry, dict) else None)
    e = _validated(_CountryEntry, entry, where)
    seats = tuple(e.seats.items())
    return CountryEntry(e.code, e.name, e.aliases, e.demonyms, e.capitals, seats, e.peoples, e.leader)


def _prefixed(raw: str, prefix: str) -> str:
    return raw if ":" in raw else f"{prefix}:{raw}"


def _igo(entry: Any, path: Path, index: int, bulk: bool = False) -> IgoEntry:
    where = _Where(path, "igos", index, entry.get("id") if isinstance(entry, dict) else None)
    e = _validated(_IgoEntry, entry, where)
    return IgoEntry(
        id=_prefixed(e.id, "igo"),
        name=e.name,
        sector=e.sector,
        aliases=e.aliases,
        metonyms=e.metonyms,
        country=e.country,
        parent=_prefixed(e.parent, "igo") if e.parent else None,
        region=e.region,
        source=e.source,
        bulk=bulk,
    )


_ROLE_KEYS = ("title", "country", "sector", "start", "end")


def _person(entry: Any, path: Path, index: int, bulk: bool = False) -> PersonEntry:
    where = _Where(path, "people", index, entry.get("id") if isinstance(entry, dict) else None)
    e = _validated(_PersonEntry, entry, where)
    roles = tuple(r.role() for r in e.roles)
    return PersonEntry(
        _prefixed(e.id, "person"), e.name, e.country, e.aliases, roles, e.wikidata, e.died, e.source, bulk
    )


def _extra_roles(entry: Any, path: Path, index: int, into: KBData) -> None:
    where = _Where(path, "roles", index, entry.get("id") if isinstance(entry, dict) else None)
    e = _validated(_ExtraRolesEntry, entry, where)
    person_id = _prefixed(e.id, "person")
    into.extra_roles.append((person_id, tuple(r.role() for r in e.roles), e.source, where.place()))
    if e.aliases:
        into.extra_aliases.append((person_id, e.aliases, where.place()))


def _titles(groups: Any, path: Path) -> dict[str, TitleEntry]:
    if not isinstance(groups, list):
        raise _Where(path, "groups").error("'groups' must be a list")
    out: dict[str, TitleEntry] = {}
    for i, group in enumerate(groups):
        where = _Where(path, "groups", i, group.get("sector") if isinstance(group, dict) else None)
        g = _validated(_TitleGroup, group, where)
        for title in g.titles:
            key = title.lower()
            if key in out and out[key].sector != g.sector:
                raise where.error(f"title {title!r} is already mapped to {out[key].sector}")
            out[key] = TitleEntry(title=title, sector=g.sector, person=g.person, country=g.country)
    return out


def _json_flow(text: str) -> Any:
    """A file written as JSON after its ``#`` comment lines (still YAML) is read by the JSON parser, about
    fifty times faster than the YAML one; None for any other file."""
    body = re.sub(r"\A(?:[ \t]*(?:#[^\n]*)?\n)*", "", text)
    if not body.startswith("{"):
        return None
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        return None  # YAML flow syntax that is no JSON: the YAML parser reads it


def _read(path: Path) -> Mapping[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Cannot read knowledge-base file {path}: {exc.strerror}. Check the path.") from None
    data = _json_flow(text)
    if data is None:
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
    bulk = data.get("bulk", False)
    if not isinstance(bulk, bool):
        raise _Where(path, "bulk").error("must be true or false")
    for i, igo in enumerate(_entries(data, "igos", path)):
        parsed_igo = _igo(igo, path, i, bulk)
        _put(kb.igos, parsed_igo.id, parsed_igo, _Where(path, "igos", i, parsed_igo.id), seen["igos"])
    for i, person in enumerate(_entries(data, "people", path)):
        parsed_person = _person(person, path, i, bulk)
        _put(kb.people, parsed_person.id, parsed_person, _Where(path, "people", i, parsed_person.id), seen["people"])
    for i, extra in enumerate(_entries(data, "roles", path)):
        _extra_roles(extra, path, i, kb)
    for i, group in enumerate(_entries(data, "places", path)):
        where = _Where(path, "places", i, group.get("country") if isinstance(group, dict) else None)
        g = _validated(_PlaceGroup, group, where)
        kb.places[g.country] = tuple(dict.fromkeys((*kb.places.get(g.country, ()), *g.names)))
    if "groups" in data:
        kb.titles.update(_titles(data["groups"], path))
    for key in ("former_modifiers", "ethnic_modifiers"):
        if key in data:
            try:
                values = _strings(data[key])
            except PydanticCustomError as exc:
                raise _Where(path, key).error(exc.message().replace(_KEY, key)) from None
            setattr(kb, key, tuple(dict.fromkeys((*getattr(kb, key), *values))))
    return kb


def merge(paths: Sequence[Path], base: KBData | None = None) -> KBData:
    """Read several files in order; later files override earlier ones by id.

    Args:
        paths: YAML files, packaged ones first.
        base: data already read (:func:`read_files`) that ``paths`` go on top of; it is not changed.

    Returns:
        The merged data, with the roles and aliases that files add to people applied.
    """
    return apply_additions(read_files(paths, base))


def read_files(paths: Sequence[Path], base: KBData | None = None) -> KBData:
    """Read several files in order into a copy of ``base`` (or new data), without applying the roles
    and aliases they add to people (:func:`apply_additions` does, once every file is read, so that an
    addition reaches a person whatever file defines it last).

    Args:
        paths: YAML files.
        base: data to start from; it is not changed.

    Returns:
        The data read, additions pending.
    """
    kb = KBData() if base is None else base.copy()
    for path in paths:
        load_file(path, kb)
    return kb


def apply_additions(kb: KBData) -> KBData:
    """Apply the pending roles and aliases that files add to people, in place.

    Args:
        kb: data from :func:`read_files` or :func:`load_file`.

    Returns:
        ``kb``, its additions applied and cleared.

    Raises:
        ConfigError: an addition names a person that no file defines.
    """
    for person_id, roles, _source, where in kb.extra_roles:
        person = kb.people.get(person_id)
        if person is None:
            raise ConfigError(f"{where}: no person {person_id!r} to add roles to; define it under 'people' first.")
        kb.people[person_id] = replace(person, roles=(*person.roles, *roles))
    for person_id, aliases, where in kb.extra_aliases:
        person = kb.people.get(person_id)
        if person is None:
            raise ConfigError(f"{where}: no person {person_id!r} to add aliases to; define it under 'people' first.")
        kb.people[person_id] = replace(person, aliases=tuple(dict.fromkeys((*person.aliases, *aliases))))
    kb.extra_roles.clear()
    kb.extra_aliases.clear()
    return kb
