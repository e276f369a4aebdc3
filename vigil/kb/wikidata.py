"""Convert Wikidata SPARQL results (people, citizenship, positions held with dates) into a
knowledge-base YAML file, for users who can reach Wikidata.

Nothing here touches the network: run the query of ``vigil/kb/README.md`` ("Importing from
Wikidata") at query.wikidata.org, download the results as JSON, then
``vigil kb import-wikidata results.json --out mine.yaml`` and load ``mine.yaml`` as a user file
(setting ``kb.files``) or next to the packaged files.

Each result row is one position statement of one person; the variables read are ``person``
(entity URI), ``personLabel``, ``aliases`` (``|``-separated) or ``alias``, ``citizenship`` (ISO 3166-1
alpha-3, P298 of the citizenship), ``position`` and ``positionLabel``, ``positionCountry`` (ISO3 of the
position's jurisdiction, optional), ``start`` and ``end`` (P580/P582 qualifiers), ``died`` (optional).
A position's sector is that of its head title in the knowledge base's title lexicon ("President of
Kenya" -> president -> GOV); positions without a known title are counted and left out.
A person the knowledge base already has (same Wikidata id, or same name and country) is not
repeated: their new aliases and the roles the knowledge base lacks go under ``roles:``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from vigil.errors import ConfigError
from vigil.kb.knowledge import KnowledgeBase, head_title
from vigil.kb.names import name_key, slugify

__all__ = ["WikidataImport", "convert_results", "read_results"]

_REQUIRED = ("person", "personLabel")


@dataclass
class WikidataImport:
    """What a results file gave: people to add, roles/aliases for people the knowledge base has, and counts."""

    people: list[dict[str, Any]] = field(default_factory=list)
    roles: list[dict[str, Any]] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def to_yaml(self, source: str) -> str:
        """The YAML text of a knowledge-base file (``people:`` and ``roles:``)."""
        header = (
            f"# People from Wikidata (CC0), converted by `vigil kb import-wikidata` from {source}.\n"
            "# Format: vigil/kb/README.md.\n"
        )
        body: dict[str, Any] = {}
        if self.people:
            body["people"] = self.people
        if self.roles:
            body["roles"] = self.roles
        return header + yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=120)


def read_results(path: Path) -> list[dict[str, str]]:
    """The rows of a SPARQL JSON results file as ``{variable: value}``.

    Raises:
        ConfigError: the file is unreadable, not JSON, or not SPARQL results with the needed variables.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"Cannot read Wikidata results {path}: {exc.strerror}.") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}:{exc.lineno}: not JSON ({exc.msg}); download the results as SPARQL JSON.") from None
    try:
        variables = data["head"]["vars"]
        bindings = data["results"]["bindings"]
    except (KeyError, TypeError):
        raise ConfigError(f"{path}: not SPARQL JSON results (no head.vars / results.bindings).") from None
    missing = [v for v in _REQUIRED if v not in variables]
    if missing:
        raise ConfigError(f"{path}: the query must select {', '.join(missing)} (see vigil/kb/README.md).")
    rows: list[dict[str, str]] = []
    for binding in bindings:
        if not isinstance(binding, dict):
            raise ConfigError(f"{path}: result {len(rows) + 1} is not a binding object.")
        rows.append({k: str(v.get("value", "")) for k, v in binding.items() if isinstance(v, dict)})
    return rows


def _qid(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1]


def _day(value: str | None, where: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ConfigError(f"{where}: date {value!r} is not YYYY-MM-DD...") from None


def _code(value: str | None) -> str | None:
    value = (value or "").strip().upper()
    return value if len(value) == 3 and value.isalpha() else None


@dataclass
class _Person:
    qid: str
    name: str
    aliases: list[str] = field(default_factory=list)
    citizenship: list[str] = field(default_factory=list)
    roles: list[list[Any]] = field(default_factory=list)
    died: date | None = None


def convert_results(rows: Iterable[Mapping[str, str]], kb: KnowledgeBase, where: str = "results") -> WikidataImport:
    """Group result rows by person and convert them into knowledge-base entries.

    Args:
        rows: rows from :func:`read_results`.
        kb: the knowledge base to take titles from and to merge with (its people are not repeated).
        where: the file name, for error messages.

    Returns:
        The entries and the counts of what was left out.
    """
    out = WikidataImport()
    skipped: dict[str, int] = {}
    people: dict[str, _Person] = {}
    for n, row in enumerate(rows, 1):
        here = f"{where}: result {n}"
        if not row.get("person") or not row.get("personLabel"):
            raise ConfigError(f"{here}: no person or personLabel.")
        qid = _qid(row["person"])
        person = people.setdefault(qid, _Person(qid, row["personLabel"].strip()))
        for alias in [*row.get("aliases", "").split("|"), row.get("alias", "")]:
            alias = alias.strip()
            if alias and alias != person.name and alias not in person.aliases:
                person.aliases.append(alias)
        code = _code(row.get("citizenship"))
        if code and code not in person.citizenship:
            person.citizenship.append(code)
        person.died = person.died or _day(row.get("died"), here)
        label = (row.get("positionLabel") or "").strip()
        if not label:
            continue
        head = head_title(label, kb.find_titles(label))
        if head is None:
            skipped["positions without a known title"] = skipped.get("positions without a known title", 0) + 1
            continue
        start, end = _day(row.get("start"), here), _day(row.get("end"), here)
        if start is None:
            skipped["positions without a start date"] = skipped.get("positions without a start date", 0) + 1
            continue
        if end is not None and end < start:
            raise ConfigError(f"{here}: position {label!r} ends ({end}) before it starts ({start}).")
        country = None if head.sector == "IGO" else (_code(row.get("positionCountry")) or code)
        role = [head.title if head.person else label, country, head.sector, start, end]
        if role not in person.roles:
            person.roles.append(role)
    for person in people.values():
        if not person.roles:
            skipped["people without a dated position"] = skipped.get("people without a dated position", 0) + 1
            continue
        person.roles.sort(key=lambda r: r[3])
        country = person.citizenship[0] if person.citizenship else next((r[1] for r in person.roles if r[1]), None)
        known = _known(kb, person, country)
        source = f"Wikidata {person.qid} (CC0)"
        if known is None:
            entry: dict[str, Any] = {"id": slugify(person.name), "name": person.name, "country": country}
            entry["wikidata"] = person.qid
            if person.aliases:
                entry["aliases"] = person.aliases
            if person.died:
                entry["died"] = person.died
            entry["source"] = source
            entry["roles"] = person.roles
            out.people.append(entry)
            continue
        have = {(r.title.lower(), r.start) for r in known.roles}
        forms = {name_key(a) for a in (known.name, *known.aliases)}
        extra: dict[str, Any] = {"id": known.id.split(":", 1)[1], "source": source}
        aliases = [a for a in (person.name, *person.aliases) if name_key(a) not in forms]
        roles = [r for r in person.roles if (str(r[0]).lower(), r[3]) not in have]
        if aliases:
            extra["aliases"] = aliases
        if roles:
            extra["roles"] = roles
        if aliases or roles:
            out.roles.append(extra)
        skipped["people the knowledge base has (merged)"] = skipped.get("people the knowledge base has (merged)", 0) + 1
    out.skipped = skipped
    return out


def _known(kb: KnowledgeBase, person: _Person, country: str | None) -> Any:
    for actor in kb.actors():
        if actor.kind == "person" and actor.wikidata == person.qid:
            return actor
    for actor in kb.lookup(person.name):
        if actor.kind == "person" and (
            country is None or country in {actor.country, *(r.country for r in actor.roles)}
        ):
            return actor
    return None
