"""The Watch: who watches what, the possible outcomes, the domains and actors that matter, alert rules.

A watch is a readable YAML file (see ``vigil/watches/*.yaml``), validated here with
errors that name the offending key, and stored verbatim with the data so that
``vigil watch show --yaml`` gives back what the analyst wrote.
"""

from __future__ import annotations

import functools
import re
import reprlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

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


CODERS = (VIGIL_CODER, "GDELT", "ICEWS", "ACLED", "PLOVER")
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
    return _keyword_pattern(tuple(words))


@functools.lru_cache(maxsize=1024)
def _keyword_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
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


_RULE_NEEDS = {
    "actor_appears": ("actor",),
    "keyword": ("keyword",),
    "new_event_type": ("source", "target"),
    "new_bridge": ("outcome",),
    "tone_shift": (),
    "signpost": ("outcome", "signpost"),
    "candidacy": (),
}


def _short(value: Any) -> str:
    """A bounded repr for error messages: a huge or deeply nested value never makes a huge message."""
    return _REPR.repr(value)


# The watch file is described by pydantic models (``_*File``): each field's validator gives the
# message of what is expected, and :func:`_watch_error` names the key path of the first error.


def _fail(msg: str, at: str = "") -> PydanticCustomError:
    """An error for the field being validated (``at``: a sub-key such as ``[2]`` or ``.kind``)."""
    return PydanticCustomError("watch", "{msg}", {"msg": msg, "at": at})


def _text(value: Any) -> str:
    if value is None:
        raise _fail("is required")
    if not isinstance(value, str | int | float) or isinstance(value, bool) or not str(value).strip():
        raise _fail(f"expected a non-empty string, got {_short(value)}")
    return str(value).strip()


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(f"expected a list of strings, got {_short(value)}")
    return tuple(v.strip() for v in value)


def _actor_ids(value: Any) -> tuple[str, ...]:
    ids = _strings(value)
    for i, a in enumerate(ids):
        if ":" not in a:
            raise _fail(f"expected an actor id like gov:JPN or person:taro-aso, got {_short(a)}", f"[{i}]")
    return ids


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _fail(f"expected a date YYYY-MM-DD, got {_short(value)}") from None


def _required_day(value: Any) -> date:
    day = _day(value)
    if day is None:
        raise _fail("is required")
    return day


def _slug(value: Any) -> str:
    text = _text(value)
    if not _NAME_RE.match(text):
        raise _fail(f"expected a lower-case slug (letters, digits, - or _), got {_short(text)}")
    return text


def _one_of(choices: Sequence[str], message: str) -> Callable[[Any], str]:
    """A validator of a text that must be one of ``choices``; ``message`` takes ``{value}`` and ``{choices}``."""

    def check(value: Any) -> str:
        text = _text(value)
        if text not in choices:
            raise _fail(message.format(value=_short(text), choices=", ".join(choices)))
        return text

    return check


def _listed(expected: str) -> Callable[[Any], list[Any]]:
    """A validator of a list (absent or null: empty) that says what the list holds when it is not one."""

    def check(value: Any) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise _fail(f"expected a list of {expected}")
        return value

    return check


def _positive(value: Any) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise _fail(f"expected a positive number, got {_short(value)}")
    return float(value)


def _focal(value: Any) -> str:
    text = _text(value)
    if not _ISO3_RE.match(text):
        raise _fail(f"expected an ISO 3166 alpha-3 country code such as JPN, got {_short(text)}")
    return text


def _keywords(value: Any) -> tuple[str, ...]:
    words = _strings(value)
    if not words:
        raise _fail("needs at least one keyword")
    return words


def _roots(value: Any) -> tuple[str, ...]:
    roots = tuple(r.upper() for r in _strings(value))
    unknown = [r for r in roots if r not in PLOVER_ROOTS]
    if unknown:
        raise _fail(f"unknown PLOVER root {_short(unknown[0])}; expected some of {', '.join(PLOVER_ROOTS)}")
    return roots


def _coders(value: Any) -> tuple[str, ...]:
    coders = tuple(dict.fromkeys(c.upper() for c in _strings(value))) or (VIGIL_CODER,)
    unknown = [c for c in coders if c not in CODERS]
    if unknown:
        raise _fail(f"unknown coder {_short(unknown[0])}; expected some of {', '.join(CODERS)}")
    return coders


_Text = Annotated[str, BeforeValidator(_text)]
_OptionalText = Annotated[str | None, BeforeValidator(_optional_text)]
_Strings = Annotated[tuple[str, ...], BeforeValidator(_strings)]
_ActorIds = Annotated[tuple[str, ...], BeforeValidator(_actor_ids)]
_Day = Annotated[date | None, BeforeValidator(_day)]
_Slug = Annotated[str, BeforeValidator(_slug)]


class _Part(BaseModel):
    """A mapping of a watch file: anything but a mapping, and any key it does not declare, is refused."""

    model_config = ConfigDict(frozen=True)

    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return data

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        data = cls._shorthand(data)
        if not isinstance(data, Mapping):
            raise _fail(f"expected a mapping, got {type(data).__name__}")
        allowed = [field.alias or name for name, field in cls.model_fields.items()]
        for key in data:
            if key not in allowed:
                raise _fail(f"unknown key; allowed: {', '.join(allowed)}", f".{key}")
        return data


class _CalendarFile(_Part):
    date: Annotated[date, BeforeValidator(_required_day)]
    label: _Text


class _SignpostFile(_Part):
    id: _Slug
    label: _Text
    keywords: Annotated[tuple[str, ...], BeforeValidator(_keywords)]
    roots: Annotated[tuple[str, ...], BeforeValidator(_roots)] = ()
    start: _Day = Field(None, alias="from")
    end: _Day = Field(None, alias="until")


class _CandidateFile(_Part):
    actor: _Text
    start: _Day = Field(None, alias="from")
    end: _Day = Field(None, alias="until")

    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        return {"actor": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _dates(self) -> _CandidateFile:
        if ":" not in self.actor:
            raise _fail(f"expected an actor id like person:kamala-harris, got {_short(self.actor)}", ".actor")
        if self.start and self.end and self.end < self.start:
            raise _fail(f"{self.end} is before from {self.start}", ".until")
        return self


class _OutcomeFile(_Part):
    id: _Slug
    label: _OptionalText = None
    camp: _ActorIds = ()
    candidates: Annotated[tuple[_CandidateFile, ...], BeforeValidator(_listed("{actor, from, until}"))] = ()
    keywords: _Strings = ()
    signposts: Annotated[tuple[_SignpostFile, ...], BeforeValidator(_listed("{id, label, keywords}"))] = ()

    @model_validator(mode="after")
    def _someone(self) -> _OutcomeFile:
        if not self.camp and not self.candidates:
            raise _fail("needs at least one actor id (or a candidate)", ".camp")
        return self

    def outcome(self) -> Outcome:
        candidates = tuple(Candidate(c.actor, c.start, c.end) for c in self.candidates)
        signposts = tuple(Signpost(s.id, s.label, s.keywords, s.roots, s.start, s.end) for s in self.signposts)
        return Outcome(self.id, self.label or self.id, self.camp, self.keywords, signposts, candidates)


class _RuleFile(_Part):
    id: _OptionalText = None
    kind: Annotated[str, BeforeValidator(_one_of(ALERT_KINDS, "unknown kind {value}; expected one of {choices}"))]
    actor: _OptionalText = None
    keyword: _OptionalText = None
    source: _OptionalText = None
    target: _OptionalText = None
    outcome: _OptionalText = None
    signpost: _OptionalText = None
    domain: _OptionalText = None
    k: Annotated[float, BeforeValidator(_positive)] = 2.0

    @model_validator(mode="after")
    def _needs(self) -> _RuleFile:
        for need in _RULE_NEEDS[self.kind]:
            if getattr(self, need) is None:
                raise _fail(f"is required for kind {self.kind}", f".{need}")
        for key in ("actor", "source", "target"):
            value = getattr(self, key)
            if value is not None and ":" not in value:
                raise _fail(f"expected an actor id like gov:JPN, got {_short(value)}", f".{key}")
        return self


class _DeliveryFile(_Part):
    kind: Annotated[str, BeforeValidator(_one_of(DELIVERY_KINDS, "expected one of {choices}, got {value}"))]
    path: _OptionalText = None
    url: _OptionalText = None

    @model_validator(mode="after")
    def _target(self) -> _DeliveryFile:
        if self.kind == "file" and self.path is None:
            raise _fail("is required", ".path")
        if self.kind == "webhook" and self.url is None:
            raise _fail("is required", ".url")
        if self.url is not None and not self.url.startswith(("http://", "https://")):
            raise _fail(f"expected an http(s) URL, got {_short(self.url)}", ".url")
        return self


class _WatchFile(_Part):
    coders: Annotated[tuple[str, ...], BeforeValidator(_coders)] = (VIGIL_CODER,)
    name: _Slug
    title: _OptionalText = None
    focal: Annotated[str, BeforeValidator(_focal)]
    focal_government: _ActorIds = ()
    focal_offices: _Strings = DEFAULT_FOCAL_OFFICES
    focal_exclude: _ActorIds = ()
    subject: _Text
    start: _Day = None
    end: _Day = None
    calendar: Annotated[tuple[_CalendarFile, ...], BeforeValidator(_listed("{date, label}"))] = ()
    outcomes: Annotated[tuple[_OutcomeFile, ...], BeforeValidator(_listed("outcomes"))] = ()
    domains: _Strings = ()
    actors: _ActorIds = ()
    keywords: _Strings = ()
    alerts: Annotated[tuple[_RuleFile, ...], BeforeValidator(_listed("rules"))] = ()
    delivery: Annotated[
        tuple[_DeliveryFile, ...] | None, BeforeValidator(_listed("{kind: console|file|webhook, path|url}"))
    ] = None

    @model_validator(mode="after")
    def _references(self) -> _WatchFile:
        outcomes = {o.id: o for o in self.outcomes}
        if len(outcomes) != len(self.outcomes):
            raise _fail("outcome ids must be unique", ".outcomes")
        for i, rule in enumerate(self.alerts):
            if rule.outcome is not None and rule.outcome not in outcomes:
                known = ", ".join(outcomes) or "none"
                raise _fail(f"no outcome {_short(rule.outcome)}; outcomes: {known}", f".alerts[{i}].outcome")
            if rule.signpost is not None and rule.outcome is not None:
                if rule.signpost not in {s.id for s in outcomes[rule.outcome].signposts}:
                    message = f"outcome {_short(rule.outcome)} has no signpost {_short(rule.signpost)}"
                    raise _fail(message, f".alerts[{i}].signpost")
            if rule.id is not None and not _NAME_RE.match(rule.id):
                message = f"expected a lower-case slug (letters, digits, - or _), got {_short(rule.id)}"
                raise _fail(message, f".alerts[{i}].id")
        if len({r.id for r in self._rules()}) != len(self.alerts):
            raise _fail("rule ids must be unique", ".alerts")
        if self.start and self.end and self.end < self.start:
            raise _fail(f"{self.end} is before start {self.start}", ".end")
        return self

    def _rules(self) -> tuple[AlertRule, ...]:
        return tuple(
            AlertRule(
                r.id or f"{r.kind.replace('_', '-')}-{i + 1}",
                r.kind,
                *(r.actor, r.keyword, r.source, r.target, r.outcome, r.signpost, r.domain, r.k),
            )
            for i, r in enumerate(self.alerts)
        )

    def watch(self) -> Watch:
        deliveries = (Delivery("console"),) if self.delivery is None else self.delivery
        return Watch(
            name=self.name,
            title=self.title or self.name,
            focal=self.focal,
            subject=self.subject,
            focal_government=self.focal_government,
            focal_offices=self.focal_offices,
            focal_exclude=self.focal_exclude,
            start=self.start,
            end=self.end,
            calendar=tuple(sorted((CalendarEntry(c.date, c.label) for c in self.calendar), key=lambda c: c.date)),
            outcomes=tuple(o.outcome() for o in self.outcomes),
            domains=self.domains,
            actors=self.actors,
            keywords=self.keywords,
            alerts=self._rules(),
            delivery=tuple(Delivery(d.kind, d.path, d.url) for d in deliveries),
            coders=self.coders,
        )


def _watch_error(source: str, exc: ValidationError) -> WatchError:
    """The first error of a watch file, naming its key path (``outcomes[0].camp[1]``)."""
    error = exc.errors(include_url=False, include_input=False)[0]
    context = error.get("ctx") or {}
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"]) + str(context.get("at", ""))
    if error["type"] == "watch":
        message = str(context["msg"])
    elif error["type"] == "missing":
        message = "is required"
    else:
        message = error["msg"]
    return WatchError(f"{source}: key '{path.lstrip('.') or '(top level)'}': {message}")


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
    try:
        data = yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader without aliases
    except yaml.YAMLError as exc:
        message = str(exc)
        raise WatchError(f"{source}: not valid YAML: {message[:400]}") from None
    try:
        return _WatchFile.model_validate(data).watch()
    except ValidationError as exc:
        raise _watch_error(source, exc) from None


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
