"""Event dates: when an event happened, read from the time expressions of its sentence.

An event's sentence often says when it happened ("on Tuesday", "Jan. 10", "last week", "in 2019",
"yesterday"). :func:`event_date` picks the expression that belongs to the event (see below) and
resolves it against the article's publication date;
:func:`resolve_expression` does the resolving. A date is kept with its granularity, and stands for
its period by a fixed day: the day itself, the Monday of a week, the first of a month, the first of
January of a year. With no expression, the event date is the publication date (granularity
``publication``).

The time expressions are spaCy's DATE and TIME entities, computed by the first pass anyway, and
the day words ("Friday", "yesterday") its entity recogniser labels otherwise; ``dateparser`` (with
the publication date as its relative base) resolves them. Hand-written rules
cover only what ``dateparser`` 1.5.0 gets wrong or does not read:

- a weekday ("on Tuesday", "Monday night", "Wednesday's meeting"): the most recent such day on or
  before publication in a past or present sentence (the day itself when the article came out on
  that weekday, as news writes it; ``dateparser`` goes back a week), the next one on or after it
  in a future sentence ("will meet on Friday"); ``last Tuesday`` is strictly before;
- a month without a year ("in June", "the June war"): the most recent such month, the current one
  included (``dateparser`` goes back a year in the month of publication); the next in a future
  sentence;
- "the weekend" (the week of the most recent Saturday before publication) and seasons ("last
  summer", "in the autumn": the year of the most recent such season), which it does not read;
- a span of years ("2019-20", which it reads as 20 November 2019): its first year;
- modifiers it does not read are dropped before parsing: "early", "mid-", "late", "earlier",
  "later", "more than", and prepositions ("on", "in", "since", "by", ...).

The expressions that may date an event hang from the event's verb or a verb above it ("On Monday,
Fars reported Iran issued warrants": Monday dates the issuing), the nearest first; failing those,
from a verb below it that carries the same event on, an infinitive complement or a conjoined verb
("are set to meet Sunday", "closed the city and blocked the escape more than a year ago"). An
expression in a clause of its own (a relative or reported clause) dates only that clause's events.

A sentence is in the future when the verb the expression attaches to has "will"/"shall", a modal
with a bare verb ("could end on Thursday"), is progressive ("is meeting on Friday"), or is the
infinitive of "expected to", "set to", "plans to" and the like. ``vigil eval`` scores it all on
``annotations/event_dates.jsonl`` (``--mode event-dates``; docs/annotation.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from vigil.extract.stages import stage
from vigil.models import DateGranularity

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from vigil.extract.state import ArticleWork, Resources

__all__ = ["EventDate", "event_date", "is_future", "resolve_expression", "time_expressions"]

_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december",
)  # fmt: skip
_MONTH_ABBR = r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_WORDS = frozenset((*_WEEKDAYS, "yesterday", "today", "tonight", "tomorrow"))
_WHICH = frozenset(("last", "this", "next", "past", "previous", "coming"))
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
# An expression names a point in time only with one of these; "22", "three years" or "10 months" do not.
_ANCHOR = re.compile(
    r"\b(?:" + "|".join(_MONTHS + _WEEKDAYS) + rf"|(?:{_MONTH_ABBR})\b\.?"
    r"|1[89]\d\d|20\d\d|yesterday|today|tonight|tomorrow|ago|weekend|" + "|".join(_SEASONS) + r""
    r"|(?:last|this|next|previous|coming)\s+(?:week|month|year)|earlier\s+in\s+the\s+(?:week|month|year))\b",
    re.IGNORECASE,
)
_PREFIX = re.compile(
    r"^(?:(?:on|in|at|by|since|during|from|until|till|over|of|for|around|about|before|after|as\s+soon\s+as|"
    r"as\s+early\s+as|more\s+than|nearly|almost|some|later|earlier|early|late|mid|the|end\s+of|beginning\s+of|"
    r"start\s+of|middle\s+of)(?:\s+|-))+",
    re.IGNORECASE,
)
_SUFFIX = re.compile(r"(?:['’]s|\s+(?:night|morning|afternoon|evening|alone))+$|[\s,.;:]+$", re.IGNORECASE)
_WEEKDAY = re.compile(r"^(?:(last|this|next|past|previous|coming)\s+)?(" + "|".join(_WEEKDAYS) + r")$", re.I)
_MONTH = re.compile(r"^(?:(last|this|next|previous|coming)\s+)?(" + "|".join(_MONTHS) + r")$", re.I)
_WEEKEND = re.compile(r"^(?:(last|this|next|past|previous|coming)\s+)?weekend$", re.I)
_SEASON = re.compile(r"^(?:(last|this|next|previous|coming)\s+)?(" + "|".join(_SEASONS) + r")$", re.I)
_YEAR_RANGE = re.compile(r"^((?:1[89]|20)\d\d)\s*[-–]\s*\d{2,4}$")  # "2019-20": dateparser reads a day
_BARE_UNIT = re.compile(r"^(week|month|year)$", re.I)
_PERIODS = {
    "day": DateGranularity.DAY,
    "time": DateGranularity.DAY,
    "part_of_day": DateGranularity.DAY,
    "week": DateGranularity.WEEK,
    "month": DateGranularity.MONTH,
    "year": DateGranularity.YEAR,
}
_CARRIED = frozenset(("xcomp", "conj"))  # verbs that carry their head's event on
_FUTURE_AUX = {"will", "'ll", "shall", "wo", "’ll"}
_MODALS = {"could", "may", "might", "would", "can", "should", "must"}
# Verbs whose infinitive complement lies ahead ("expected to meet", "set to sign", "plans to visit"),
# by their forms: the second spaCy pass has no lemmatiser.
_FUTURE_HEADS = re.compile(
    r"^(?:(?:expect|plan|schedul|intend|aim|hop|prepar|want|seek|propos|vow|pledg|promis|threaten|agree|decid)"
    r"(?:e|es|s|ed|d|ing|ning|ned)?|tr(?:y|ies|ied|ying)|sought|set|due|going|ready)$"
)


@dataclass(frozen=True, slots=True)
class EventDate:
    """When an event happened: the day standing for the period, its granularity, and the expression.

    ``expression`` holds character offsets into the sentence (None for the publication date).
    """

    day: date
    granularity: DateGranularity
    expression: tuple[int, int] | None = None


def representative(day: date, granularity: DateGranularity) -> date:
    """The fixed day that stands for a period: Monday of a week, first of a month, 1 January of a year."""
    if granularity is DateGranularity.WEEK:
        return day - timedelta(days=day.weekday())
    if granularity is DateGranularity.MONTH:
        return day.replace(day=1)
    if granularity is DateGranularity.YEAR:
        return date(day.year, 1, 1)
    return day


def _clean(text: str) -> str:
    """The expression without the modifiers and prepositions ``dateparser`` does not read."""
    out = " ".join(text.replace("\u2019", "'").split())
    previous = None
    while out != previous:
        previous = out
        out = _PREFIX.sub("", out)
        out = _SUFFIX.sub("", out)
    return out.strip()


def _weekday(which: str | None, weekday: int, published: date, future: bool) -> date:
    which = (which or "").lower()
    if which in {"next", "coming"} or (future and which not in {"last", "past", "previous"}):
        ahead = (weekday - published.weekday()) % 7
        return published + timedelta(days=ahead or (7 if which in {"next", "coming"} else 0))
    back = (published.weekday() - weekday) % 7
    if which in {"last", "past", "previous"} and back == 0:
        back = 7
    return published - timedelta(days=back)


def _month(which: str | None, month: int, published: date, future: bool) -> date:
    which = (which or "").lower()
    if which in {"next", "coming"}:
        year = published.year if month > published.month else published.year + 1
    elif future and which not in {"last", "previous"}:
        year = published.year if month >= published.month else published.year + 1
    else:
        strictly = which in {"last", "previous"}
        before = month < published.month or (month == published.month and not strictly)
        year = published.year if before else published.year - 1
    return date(year, month, 1)


def _rules(text: str, published: date, future: bool) -> tuple[date, DateGranularity] | None:
    """The hand-written rules for what ``dateparser`` gets wrong (see the module's docstring)."""
    if m := _WEEKDAY.match(text):
        return _weekday(m.group(1), _WEEKDAYS.index(m.group(2).lower()), published, future), DateGranularity.DAY
    if m := _MONTH.match(text):
        return _month(m.group(1), _MONTHS.index(m.group(2).lower()) + 1, published, future), DateGranularity.MONTH
    if m := _WEEKEND.match(text):
        which = (m.group(1) or "").lower()
        saturday = _weekday("last" if not future and which not in {"next", "coming"} else "next", 5, published, False)
        if which in {"this"} and published.weekday() >= 5:
            saturday = published - timedelta(days=published.weekday() - 5)
        return representative(saturday, DateGranularity.WEEK), DateGranularity.WEEK
    if m := _SEASON.match(text):
        start = _SEASONS[m.group(2).lower()]
        year = published.year if start < published.month else published.year - 1
        if future or (m.group(1) or "").lower() in {"next", "coming"}:
            year = published.year if start >= published.month else published.year + 1
        return date(year, 1, 1), DateGranularity.YEAR
    if m := _YEAR_RANGE.match(text):  # a span of years starts in its first
        return date(int(m.group(1)), 1, 1), DateGranularity.YEAR
    if m := _BARE_UNIT.match(text):  # "earlier in the month"
        granularity = _PERIODS[m.group(1).lower()]
        return representative(published, granularity), granularity
    return None


@lru_cache(maxsize=4096)
def resolve_expression(text: str, published: date, future: bool = False) -> tuple[date, DateGranularity] | None:
    """Resolve a time expression against a publication date.

    Args:
        text: the expression as the sentence has it ("on Tuesday", "in late July", "last year").
        published: the article's publication date (the base of relative expressions).
        future: True when the sentence speaks of the future (see :func:`is_future`).
    Returns:
        The representative day of the period and its granularity, or None when the text names no
        point in time ("22", "three years", "the past 24 hours").
    """
    if not _ANCHOR.search(text):
        return None
    cleaned = _clean(text)
    lowered = cleaned.lower()
    if lowered in {"today", "tonight", "this morning", "this afternoon", "this evening"}:
        return published, DateGranularity.DAY
    found = _rules(lowered, published, future)
    if found is not None:
        return found
    base = datetime(published.year, published.month, published.day)
    try:
        parsed = _parser(future, base).get_date_data(cleaned)
    except (ValueError, OverflowError):  # a date dateparser reads but the calendar has not ("the year 0")
        return None
    if parsed.date_obj is None:
        return None
    granularity = _PERIODS.get(parsed.period or "day", DateGranularity.DAY)
    return representative(parsed.date_obj.date(), granularity), granularity


@lru_cache(maxsize=256)
def _parser(future: bool, base: datetime) -> Any:
    """A ``dateparser`` parser relative to ``base`` (one per publication day and tense, kept)."""
    from dateparser.date import DateDataParser

    settings = {
        "PREFER_DATES_FROM": "future" if future else "past",
        "RETURN_TIME_AS_PERIOD": True,
        "PREFER_DAY_OF_MONTH": "first",
        "RELATIVE_BASE": base,
    }
    return DateDataParser(languages=["en"], settings=settings)


def time_expressions(doc: Doc) -> list[Span]:
    """The sentence's time expressions that name a point in time (see :func:`resolve_expression`).

    spaCy's DATE and TIME entities, and the day words the entity recogniser labels otherwise or
    misses ("On Friday" as a PERSON happens): a weekday, "yesterday", "today", "tonight" or
    "tomorrow", with a "last"/"this"/"next" before it.
    """
    from spacy.tokens import Span

    found = [e for e in doc.ents if e.label_ in {"DATE", "TIME"} and _ANCHOR.search(e.text)]
    covered = {i for e in found for i in range(e.start, e.end)}
    for token in doc:
        if token.i in covered or token.lower_ not in _DAY_WORDS:
            continue
        start = token.i - 1 if token.i > 0 and doc[token.i - 1].lower_ in _WHICH else token.i
        found.append(Span(doc, start, token.i + 1))
    return found


def _governor(token: Token) -> Token:
    """The verb a token hangs from: itself, else its nearest verb ancestor (the root when none is)."""
    current = token
    while current.pos_ not in {"VERB", "AUX"} and current.head.i != current.i:
        current = current.head
    return current


def is_future(verb: Token) -> bool:
    """True when a verb speaks of the future: "will meet", "could end", "is meeting", "expected to meet"."""
    children = list(verb.children)
    lowers = {c.lower_ for c in children if c.dep_ in {"aux", "auxpass"}}
    if lowers & _FUTURE_AUX:
        return True
    if verb.tag_ == "VB" and lowers & _MODALS and "have" not in lowers:
        return True
    if verb.tag_ == "VBG" and lowers & {"is", "are", "'s", "'re", "am"}:
        return True
    if verb.tag_ == "VB" and "to" in lowers and verb.dep_ in {"xcomp", "ccomp", "advcl", "acl"}:
        head = verb.head
        return _FUTURE_HEADS.match(head.lower_) is not None or (_governor(head) is not verb and is_future(head))
    return False


def _below(verb: Token, trigger: Token) -> int | None:
    """How many steps ``verb`` lies below ``trigger`` along the verbs that carry the same event on
    ("set to meet Sunday", "will try to reach a deal by July 21", "cited ... while addressing the
    press yesterday"); None when it heads a clause of its own (a relative or reported clause)."""
    steps, current = 0, verb
    while current.i != trigger.i:
        if current.dep_ not in _CARRIED or current.head.i == current.i:
            return None
        current, steps = current.head, steps + 1
    return steps


def event_date(doc: Doc, trigger: int, published: date | None) -> EventDate | None:
    """When the event whose verb is token ``trigger`` of a parsed sentence happened.

    The expression chosen is the one whose verb is the trigger or the nearest of its ancestors
    ("On Monday, Fars reported Iran issued warrants": Monday dates the issuing); an expression of
    another clause ("Israel, which captured a plateau in 1967, placed troops on Tuesday") dates
    only its own clause's events.

    Args:
        doc: the parsed sentence (entities and dependency parse).
        trigger: the index of the event's trigger token in ``doc``.
        published: the article's publication date; None: no date at all.
    Returns:
        The :class:`EventDate`; the publication date (granularity ``publication``) when no
        expression dates the event; None when the article has no publication date.
    """
    if published is None:
        return None
    chain = [doc[trigger]]
    while chain[-1].head.i != chain[-1].i:
        chain.append(chain[-1].head)
    rank = {t.i: n for n, t in enumerate(chain)}
    best: tuple[int, int, EventDate] | None = None
    for ent in time_expressions(doc):
        verb = _governor(ent.root)
        if verb.i not in rank:
            below = _below(verb, doc[trigger])
            if below is None:
                continue
            rank[verb.i] = len(chain) + below
        found = resolve_expression(ent.text, published, is_future(verb))
        if found is None:
            continue
        key = (rank[verb.i], abs(ent.root.i - trigger))
        if best is None or key < best[:2]:
            best = (*key, EventDate(found[0], found[1], (ent.start_char, ent.end_char)))
    if best is not None:
        return best[2]
    return EventDate(published, DateGranularity.PUBLICATION)


@stage("events.dates", requires={"drafts"}, produces={"drafts.when"})
def event_dates_stage(work: ArticleWork, res: Resources) -> ArticleWork:
    """When each event draft happened (:func:`event_date`)."""
    published = work.article.published
    drafts = tuple(replace(d, when=event_date(d.doc, d.candidate.trigger, published)) for d in work.drafts)
    return replace(work, drafts=drafts)
