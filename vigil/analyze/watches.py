"""The Watch: who watches what, the possible outcomes, the domains and actors that matter, alert rules.

A watch is a readable YAML file (see ``vigil/watches/*.yaml``), validated here with
errors that name the offending key, and stored verbatim with the data so that
``vigil watch show --yaml`` gives back what the analyst wrote.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from vigil.coder.labels import ROOTS as PLOVER_ROOTS
from vigil.errors import ConfigError
from vigil.models import VIGIL_CODER

__all__ = [
    "ALERT_KINDS",
    "DEFAULT_FOCAL_OFFICES",
    "AlertRule",
    "CalendarEntry",
    "Candidate",
    "Delivery",
    "Outcome",
    "Signpost",
    "Watch",
    "WatchError",
    "example_watches",
    "load_watch",
    "parse_watch",
]

ALERT_KINDS = ("actor_appears", "keyword", "new_event_type", "new_bridge", "tone_shift", "signpost", "candidacy")
DEFAULT_FOCAL_OFFICES = ("prime minister", "president", "foreign minister", "defence minister")
"""The offices whose holders, on an event's date, stand for the focal government (with ``gov:<focal>``)."""
DELIVERY_KINDS = ("console", "file", "webhook")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
_ISO3_RE = re.compile(r"^[A-Z]{3}$")


CODERS = (VIGIL_CODER, "GDELT", "ICEWS", "ACLED")
"""Who codes events: Vigil's own extraction, and the sources ``vigil import`` reads."""


class WatchError(ConfigError):
    """A watch file is invalid; the message names the key and what is expected."""


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """A dated milestone of the watched subject (a primary, a convention, election day)."""

    date: date
    label: str


@dataclass(frozen=True, slots=True)
class Signpost:
    """Something to look out for: observed when a sentence that matches one of its keywords
    asserts an event of the outcome's camp (of one of ``roots`` when given); see
    :mod:`vigil.analyze.scenarios`."""

    id: str
    label: str
    keywords: tuple[str, ...]
    roots: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None

    def pattern(self) -> re.Pattern[str]:
        """A case-insensitive regex matching any keyword on word boundaries."""
        return keyword_pattern(self.keywords)


@dataclass(frozen=True, slots=True)
class Candidate:
    """Who runs for an outcome's camp, and from when to when (inclusive; None: open)."""

    actor: str
    start: date | None = None
    end: date | None = None

    def runs_on(self, day: date | None) -> bool:
        """True when the candidacy holds on ``day`` (an undated day: when it is still open)."""
        if day is None:
            return self.end is None
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Outcome:
    """A possible outcome of the watched subject: its camp (parties and sides, at every date),
    its dated candidates, and the words that name it."""

    id: str
    label: str
    camp: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    signposts: tuple[Signpost, ...] = ()
    candidates: tuple[Candidate, ...] = ()

    @property
    def members(self) -> tuple[str, ...]:
        """Every actor that belongs to the camp at some date: the camp and every candidate."""
        return tuple(dict.fromkeys((*self.camp, *(c.actor for c in self.candidates))))

    def camp_on(self, day: date | None) -> set[str]:
        """The camp on ``day``: its undated members and the candidates running that day."""
        return set(self.camp) | {c.actor for c in self.candidates if c.runs_on(day)}

    def candidates_on(self, day: date | None) -> list[Candidate]:
        """The candidates running on ``day``."""
        return [c for c in self.candidates if c.runs_on(day)]

    def pattern(self) -> re.Pattern[str] | None:
        """A regex for sentences naming the outcome, or None when it has no keywords."""
        return keyword_pattern(self.keywords) if self.keywords else None


@dataclass(frozen=True, slots=True)
class AlertRule:
    """One alert rule. Which fields matter depends on ``kind`` (see :data:`ALERT_KINDS`)."""

    id: str
    kind: str
    actor: str | None = None
    keyword: str | None = None
    source: str | None = None
    target: str | None = None
    outcome: str | None = None
    signpost: str | None = None
    domain: str | None = None
    k: float = 2.0


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where alerts go: the console, a JSON Lines file or a webhook URL."""

    kind: str
    path: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Watch:
    """What a user watches and how.

    Attributes:
        name: slug key of the watch.
        title: a readable title.
        focal: ISO3 code of the watching country.
        focal_government: actor ids that always stand for the focal government, besides
            ``gov:<focal>`` and the holders of ``focal_offices`` on each date.
        focal_offices: offices of the focal country whose holders, on an event's date, stand for
            its government (read from the knowledge base's dated roles).
        focal_exclude: actor ids never counted as the focal government.
        subject: what is watched (e.g. "2024 U.S. presidential election").
        start, end: the period of interest (None: open).
        calendar: milestones of the subject.
        outcomes: possible outcomes with their camps.
        domains: policy domains that matter.
        actors: actor ids of interest.
        alerts: alert rules; delivery: where alerts go.
        keywords: words that make an article relevant even without a known actor.
        coders: whose events the analyses read: ``VIGIL`` (Vigil's own extraction, the default) and/or
            the coders of imported events (``GDELT``, ``ICEWS``, ``ACLED``); YAML key ``coders``.
    """

    name: str
    title: str
    focal: str
    subject: str
    focal_government: tuple[str, ...] = ()
    focal_offices: tuple[str, ...] = DEFAULT_FOCAL_OFFICES
    focal_exclude: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    calendar: tuple[CalendarEntry, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    domains: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    alerts: tuple[AlertRule, ...] = ()
    delivery: tuple[Delivery, ...] = field(default_factory=lambda: (Delivery("console"),))
    coders: tuple[str, ...] = (VIGIL_CODER,)

    def outcome(self, outcome_id: str) -> Outcome:
        """The outcome with id ``outcome_id``.

        Raises:
            WatchError: no such outcome; the message lists the known ones.
        """
        for o in self.outcomes:
            if o.id == outcome_id:
                return o
        known = ", ".join(o.id for o in self.outcomes) or "none"
        raise WatchError(f"Watch {_short(self.name)} has no outcome {_short(outcome_id)} (outcomes: {known}).")

    @property
    def government(self) -> tuple[str, ...]:
        """The actor ids that stand for the focal government at every date: ``gov:<focal>`` and
        the watch's ``focal_government`` (office holders by date: :mod:`vigil.analyze.focal`)."""
        ids = dict.fromkeys((f"gov:{self.focal}", *self.focal_government))
        return tuple(a for a in ids if a not in self.focal_exclude)

    def in_window(self, day: date | None) -> bool:
        """True when ``day`` falls in the watch's start..end (an undated day only in an open window)."""
        if day is None:
            return self.start is None and self.end is None
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def watched_actors(self) -> set[str]:
        """Every actor id the watch names: focal government, camps, candidates and actors of interest."""
        out = set(self.government) | set(self.actors) | {f"country:{self.focal}"}
        for o in self.outcomes:
            out.update(o.members)
        return out


def keyword_pattern(words: Sequence[str]) -> re.Pattern[str]:
    """A case-insensitive regex matching any of ``words`` as whole words."""
    alts = sorted((re.escape(w.strip()) for w in words if w.strip()), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)", re.IGNORECASE)


# --- validation ---------------------------------------------------------------------------


class _NoAliasLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses anchors' aliases: a watch has no use for them, and nested
    aliases expand a few hundred bytes into gigabytes (the "billion laughs")."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in a watch; write the value out", event.start_mark
            )
        return super().compose_node(parent, index)


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 80
_REPR.maxlist = _REPR.maxdict = 6
_REPR.maxlevel = 2


def _short(value: Any) -> str:
    """A bounded repr for error messages: a huge or deeply nested value never makes a huge message."""
    return _REPR.repr(value)


class _V:
    """A small validator that names the key path in every error."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, msg: str) -> WatchError:
        return WatchError(f"{self.source}: key '{key}': {msg}")

    def mapping(self, value: Any, key: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(key, f"expected a mapping, got {type(value).__name__}")
        return value

    def known(self, data: Mapping[str, Any], key: str, allowed: Sequence[str]) -> None:
        for k in data:
            if k not in allowed:
                raise self.fail(f"{key}.{k}" if key else str(k), f"unknown key; allowed: {', '.join(allowed)}")

    def text(self, data: Mapping[str, Any], name: str, key: str, *, required: bool = False) -> str | None:
        value = data.get(name)
        if value is None:
            if required:
                raise self.fail(key, "is required")
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool) or not str(value).strip():
            raise self.fail(key, f"expected a non-empty string, got {_short(value)}")
        return str(value).strip()

    def strings(self, data: Mapping[str, Any], name: str, key: str) -> tuple[str, ...]:
        value = data.get(name)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, f"expected a list of strings, got {_short(value)}")
        return tuple(v.strip() for v in value)

    def day(self, value: Any, key: str) -> date | None:
        if value is None:
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(key, f"expected a date YYYY-MM-DD, got {_short(value)}") from None

    def slug(self, value: str | None, key: str) -> str:
        if value is None or not _NAME_RE.match(value):
            raise self.fail(key, f"expected a lower-case slug (letters, digits, - or _), got {_short(value)}")
        return value

    def actor_ids(self, data: Mapping[str, Any], name: str, key: str) -> tuple[str, ...]:
        ids = self.strings(data, name, key)
        for i, a in enumerate(ids):
            if ":" not in a:
                raise self.fail(f"{key}[{i}]", f"expected an actor id like gov:JPN or person:taro-aso, got {_short(a)}")
        return ids


_TOP_KEYS = (
    "coders",
    "name",
    "title",
    "focal",
    "focal_government",
    "focal_offices",
    "focal_exclude",
    "subject",
    "start",
    "end",
    "calendar",
    "outcomes",
    "domains",
    "actors",
    "keywords",
    "alerts",
    "delivery",
)
_OUTCOME_KEYS = ("id", "label", "camp", "candidates", "keywords", "signposts")
_RULE_KEYS = ("id", "kind", "actor", "keyword", "source", "target", "outcome", "signpost", "domain", "k")
_RULE_NEEDS = {
    "actor_appears": ("actor",),
    "keyword": ("keyword",),
    "new_event_type": ("source", "target"),
    "new_bridge": ("outcome",),
    "tone_shift": (),
    "signpost": ("outcome", "signpost"),
    "candidacy": (),
}


def _signpost(v: _V, sp: Any, key: str) -> Signpost:
    sm = v.mapping(sp, key)
    v.known(sm, key, ("id", "label", "keywords", "roots", "from", "until"))
    words = v.strings(sm, "keywords", f"{key}.keywords")
    if not words:
        raise v.fail(f"{key}.keywords", "needs at least one keyword")
    roots = tuple(r.upper() for r in v.strings(sm, "roots", f"{key}.roots"))
    unknown = [r for r in roots if r not in PLOVER_ROOTS]
    if unknown:
        raise v.fail(
            f"{key}.roots", f"unknown PLOVER root {_short(unknown[0])}; expected some of {', '.join(PLOVER_ROOTS)}"
        )
    return Signpost(
        v.slug(v.text(sm, "id", f"{key}.id", required=True), f"{key}.id"),
        v.text(sm, "label", f"{key}.label", required=True) or "",
        words,
        roots,
        v.day(sm.get("from"), f"{key}.from"),
        v.day(sm.get("until"), f"{key}.until"),
    )


def _candidate(v: _V, item: Any, key: str) -> Candidate:
    if isinstance(item, str):
        item = {"actor": item}
    m = v.mapping(item, key)
    v.known(m, key, ("actor", "from", "until"))
    actor = v.text(m, "actor", f"{key}.actor", required=True) or ""
    if ":" not in actor:
        raise v.fail(f"{key}.actor", f"expected an actor id like person:kamala-harris, got {_short(actor)}")
    start, end = v.day(m.get("from"), f"{key}.from"), v.day(m.get("until"), f"{key}.until")
    if start and end and end < start:
        raise v.fail(f"{key}.until", f"{end} is before from {start}")
    return Candidate(actor, start, end)


def _outcome(v: _V, item: Any, key: str) -> Outcome:
    m = v.mapping(item, key)
    v.known(m, key, _OUTCOME_KEYS)
    oid = v.slug(v.text(m, "id", f"{key}.id", required=True), f"{key}.id")
    camp = v.actor_ids(m, "camp", f"{key}.camp")
    raw_cand = m.get("candidates") or []
    if not isinstance(raw_cand, list):
        raise v.fail(f"{key}.candidates", "expected a list of {actor, from, until}")
    candidates = tuple(_candidate(v, c, f"{key}.candidates[{j}]") for j, c in enumerate(raw_cand))
    if not camp and not candidates:
        raise v.fail(f"{key}.camp", "needs at least one actor id (or a candidate)")
    raw_sp = m.get("signposts") or []
    if not isinstance(raw_sp, list):
        raise v.fail(f"{key}.signposts", "expected a list of {id, label, keywords}")
    signposts = tuple(_signpost(v, sp, f"{key}.signposts[{j}]") for j, sp in enumerate(raw_sp))
    return Outcome(
        oid,
        v.text(m, "label", f"{key}.label") or oid,
        camp,
        v.strings(m, "keywords", f"{key}.keywords"),
        signposts,
        candidates,
    )


def parse_watch(text: str, *, source: str = "watch") -> Watch:
    """Parse and validate a watch from YAML text.

    Args:
        text: the YAML document.
        source: what to call it in error messages (a file name).
    Returns:
        The :class:`Watch`.
    Raises:
        WatchError: invalid YAML or an invalid key; the message names the key.
    """
    v = _V(source)
    try:
        data = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader without aliases
    except yaml.YAMLError as exc:
        message = str(exc)
        raise WatchError(f"{source}: not valid YAML: {message[:400]}") from None
    top = v.mapping(data, "(top level)")
    v.known(top, "", _TOP_KEYS)
    name = v.slug(v.text(top, "name", "name", required=True), "name")
    focal = v.text(top, "focal", "focal", required=True) or ""
    if not _ISO3_RE.match(focal):
        raise v.fail("focal", f"expected an ISO 3166 alpha-3 country code such as JPN, got {_short(focal)}")
    calendar = []
    raw_cal = top.get("calendar") or []
    if not isinstance(raw_cal, list):
        raise v.fail("calendar", "expected a list of {date, label}")
    for i, item in enumerate(raw_cal):
        key = f"calendar[{i}]"
        m = v.mapping(item, key)
        v.known(m, key, ("date", "label"))
        d = v.day(m.get("date"), f"{key}.date")
        if d is None:
            raise v.fail(f"{key}.date", "is required")
        calendar.append(CalendarEntry(d, v.text(m, "label", f"{key}.label", required=True) or ""))
    raw_out = top.get("outcomes") or []
    if not isinstance(raw_out, list):
        raise v.fail("outcomes", "expected a list of outcomes")
    outcomes = [_outcome(v, item, f"outcomes[{i}]") for i, item in enumerate(raw_out)]
    if len({o.id for o in outcomes}) != len(outcomes):
        raise v.fail("outcomes", "outcome ids must be unique")
    outcome_ids = {o.id: o for o in outcomes}
    rules = []
    raw_rules = top.get("alerts") or []
    if not isinstance(raw_rules, list):
        raise v.fail("alerts", "expected a list of rules")
    for i, item in enumerate(raw_rules):
        key = f"alerts[{i}]"
        m = v.mapping(item, key)
        v.known(m, key, _RULE_KEYS)
        kind = v.text(m, "kind", f"{key}.kind", required=True) or ""
        if kind not in ALERT_KINDS:
            raise v.fail(f"{key}.kind", f"unknown kind {_short(kind)}; expected one of {', '.join(ALERT_KINDS)}")
        for need in _RULE_NEEDS[kind]:
            if m.get(need) is None:
                raise v.fail(f"{key}.{need}", f"is required for kind {kind}")
        for actor_key in ("actor", "source", "target"):
            val = v.text(m, actor_key, f"{key}.{actor_key}")
            if val is not None and ":" not in val:
                raise v.fail(f"{key}.{actor_key}", f"expected an actor id like gov:JPN, got {_short(val)}")
        out_id = v.text(m, "outcome", f"{key}.outcome")
        if out_id is not None and out_id not in outcome_ids:
            raise v.fail(f"{key}.outcome", f"no outcome {_short(out_id)}; outcomes: {', '.join(outcome_ids) or 'none'}")
        sp_id = v.text(m, "signpost", f"{key}.signpost")
        if sp_id is not None and out_id is not None and sp_id not in {s.id for s in outcome_ids[out_id].signposts}:
            raise v.fail(f"{key}.signpost", f"outcome {_short(out_id)} has no signpost {_short(sp_id)}")
        k = m.get("k", 2.0)
        if not isinstance(k, int | float) or isinstance(k, bool) or k <= 0:
            raise v.fail(f"{key}.k", f"expected a positive number, got {_short(k)}")
        rules.append(
            AlertRule(
                id=v.slug(v.text(m, "id", f"{key}.id") or f"{kind.replace('_', '-')}-{i + 1}", f"{key}.id"),
                kind=kind,
                actor=v.text(m, "actor", f"{key}.actor"),
                keyword=v.text(m, "keyword", f"{key}.keyword"),
                source=v.text(m, "source", f"{key}.source"),
                target=v.text(m, "target", f"{key}.target"),
                outcome=out_id,
                signpost=sp_id,
                domain=v.text(m, "domain", f"{key}.domain"),
                k=float(k),
            )
        )
    if len({r.id for r in rules}) != len(rules):
        raise v.fail("alerts", "rule ids must be unique")
    deliveries = []
    raw_del = top.get("delivery", [{"kind": "console"}]) or []
    if not isinstance(raw_del, list):
        raise v.fail("delivery", "expected a list of {kind: console|file|webhook, path|url}")
    for i, item in enumerate(raw_del):
        key = f"delivery[{i}]"
        m = v.mapping(item, key)
        v.known(m, key, ("kind", "path", "url"))
        kind = v.text(m, "kind", f"{key}.kind", required=True) or ""
        if kind not in DELIVERY_KINDS:
            raise v.fail(f"{key}.kind", f"expected one of {', '.join(DELIVERY_KINDS)}, got {_short(kind)}")
        path = v.text(m, "path", f"{key}.path", required=kind == "file")
        url = v.text(m, "url", f"{key}.url", required=kind == "webhook")
        if url is not None and not url.startswith(("http://", "https://")):
            raise v.fail(f"{key}.url", f"expected an http(s) URL, got {_short(url)}")
        deliveries.append(Delivery(kind, path, url))
    coders = tuple(dict.fromkeys(c.upper() for c in v.strings(top, "coders", "coders"))) or (VIGIL_CODER,)
    unknown = [c for c in coders if c not in CODERS]
    if unknown:
        raise v.fail("coders", f"unknown coder {_short(unknown[0])}; expected some of {', '.join(CODERS)}")
    start = v.day(top.get("start"), "start")
    end = v.day(top.get("end"), "end")
    if start and end and end < start:
        raise v.fail("end", f"{end} is before start {start}")
    return Watch(
        name=name,
        title=v.text(top, "title", "title") or name,
        focal=focal,
        subject=v.text(top, "subject", "subject", required=True) or "",
        focal_government=v.actor_ids(top, "focal_government", "focal_government"),
        focal_offices=v.strings(top, "focal_offices", "focal_offices")
        if "focal_offices" in top
        else DEFAULT_FOCAL_OFFICES,
        focal_exclude=v.actor_ids(top, "focal_exclude", "focal_exclude"),
        start=start,
        end=end,
        calendar=tuple(sorted(calendar, key=lambda c: c.date)),
        outcomes=tuple(outcomes),
        domains=v.strings(top, "domains", "domains"),
        actors=v.actor_ids(top, "actors", "actors"),
        keywords=v.strings(top, "keywords", "keywords"),
        alerts=tuple(rules),
        delivery=tuple(deliveries),
        coders=coders,
    )


def load_watch(path: str | Path) -> tuple[Watch, str]:
    """Read and validate a watch file; return the watch and its YAML text.

    Raises:
        WatchError: the file cannot be read or is invalid.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise WatchError(f"Cannot read watch file {p}: {exc.strerror}.") from None
    return parse_watch(text, source=p.name), text


def example_watches() -> dict[str, str]:
    """The watches shipped with Vigil: file name -> YAML text."""
    folder = resources.files("vigil") / "watches"
    return {
        item.name: item.read_text(encoding="utf-8")
        for item in sorted(folder.iterdir(), key=lambda x: x.name)
        if item.name.endswith(".yaml")
    }
