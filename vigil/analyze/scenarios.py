"""Scenario board: per outcome, what the news expects if it happens, by domain, with exposure and signposts.

An expectation is a sentence of the watch's articles that names the outcome's camp (a resolved mention of a
camp actor, or one of the outcome's keywords) and states something not yet fact: an
event of modality hypothetical or intended, or a sentence with a conditional or
prospective marker ("would", "if elected", "a potential second ... administration",
"plans to"). Expectations are grouped by the sentence's policy domains (the watch's
domains; "other" for the rest), those that name the focal country first, then the newest. The focal
country's exposure in a domain is how many of its expectations also name the focal country. Signposts are
the outcome's configured signs, each with the sentences where it was observed. Every entry carries its citation.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from vigil.analyze.candidacy import CandidacyChange, candidacy_changes, updated_outcomes
from vigil.analyze.timeline import watch_articles
from vigil.analyze.trends import focal_actors
from vigil.analyze.watches import Outcome, Signpost, Watch
from vigil.analyze.window import Records
from vigil.models import Citation, Event, Modality

__all__ = [
    "EXPOSURE_LEGEND",
    "Expectation",
    "OutcomeBoard",
    "SignpostStatus",
    "events_by_sentence",
    "scenario_board",
    "signpost_evidence",
]

# A modal with a perfect ("would have lost", "may have misused") speaks of the past; "could not" and "would
# not commit" report a past inability or refusal; "May" with a capital is the month, "her will" a noun.
_MODAL = r"(?:would|could|might|(?-i:may))(?!\s+(?:not\s+)?have\s+(?!to\b))"
_PROSPECTIVE_RE = re.compile(
    r"\b(?:(?!could\s+not\b|would\s+not\s+(?:commit|say|answer|comment|confirm|disclose|reveal)\b)" + _MODAL + r"|"
    r"(?<!\bher )(?<!\bhis )(?<!\bthe )(?<!\bfree )(?<!\bown )(?<!\bgood )(?<!\btheir )will|shall|"
    r"if (?:elected|re-?elected|he wins|she wins|they win)|"
    r"potential(?:ly)?|possible|possibly|prospect|second \w+ (?:administration|term)|"
    r"(?<!\bno )plans? to|intends? to|vow(?:s|ed)? to|pledg(?:e|es|ed) to|promis(?:e|es|ed) to|"
    r"prepares? for|expected to|likely to|return(?:ing)? to)\b",
    re.IGNORECASE,
)
# Not a prospect: a purpose of the past ("declared last Friday so he could fund"), delegates "pledged to
# Senator Bernie Sanders", a pledge already kept.
_NOT_PROSPECTIVE_BEFORE = re.compile(r"(?:\bso (?:that )?\w+ |\bfulfill?(?:ed|s)? \S+ (?:\w+ )?)$", re.IGNORECASE)
_NOT_PROSPECTIVE_AFTER = re.compile(r"^\s*(?:Senator |Sen\. |President |Governor )?[A-Z][a-z]")


def _markers(text: str) -> list[re.Match[str]]:
    """The prospective markers of a sentence, in order."""
    out = []
    for m in _PROSPECTIVE_RE.finditer(text):
        if _NOT_PROSPECTIVE_BEFORE.search(text[max(0, m.start() - 40) : m.start()]):
            continue
        if m.group(0).lower().endswith(" to") and _NOT_PROSPECTIVE_AFTER.match(text[m.end() :]):
            continue
        out.append(m)
    return out


# A question states nothing: an interview's "If you were president, how would you ...?"
_QUESTION_RE = re.compile(r"\?[\"'”’)\]]*$")
# "the next U.S. administration" is not the sitting one
_FUTURE_OF = re.compile(r"\b(?:next|incoming|future|new|potential|second|another)\s+$", re.IGNORECASE)
_EXPECTING = {Modality.HYPOTHETICAL, Modality.INTENDED}
_STATED = {Modality.ASSERTED, Modality.REPORTED}


@dataclass(frozen=True, slots=True)
class Expectation:
    """A stated expectation about an outcome, with its sentence and any events in it."""

    citation: Citation
    domains: tuple[str, ...]
    modality: str
    events: tuple[str, ...]
    focal: bool

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            **self.citation.to_dict(),
            "domains": list(self.domains),
            "modality": self.modality,
            "events": list(self.events),
            "focal_exposed": self.focal,
        }


@dataclass(frozen=True, slots=True)
class SignpostStatus:
    """A signpost and the sentences where it was observed."""

    id: str
    label: str
    evidence: tuple[Citation, ...]

    @property
    def observed(self) -> bool:
        """True when at least one sentence matched."""
        return bool(self.evidence)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "id": self.id,
            "label": self.label,
            "observed": self.observed,
            "evidence": [c.to_dict() for c in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class OutcomeBoard:
    """One outcome's column of the board."""

    outcome: str
    label: str
    probability: float | None
    by_domain: dict[str, tuple[Expectation, ...]]
    exposure: dict[str, float]
    signposts: tuple[SignpostStatus, ...]
    candidates: tuple[dict[str, object], ...] = ()
    changes: tuple[CandidacyChange, ...] = ()

    def candidate_on(self, day: date | None) -> list[str]:
        """The names of the people running on ``day`` (None: those still running)."""

        def running(c: dict[str, object]) -> bool:
            if day is None:
                return c["until"] is None
            return (c["from"] is None or str(c["from"]) <= day.isoformat()) and (
                c["until"] is None or str(c["until"]) >= day.isoformat()
            )

        return [str(c["name"]) for c in self.candidates if str(c["actor"]).startswith("person:") and running(c)]

    @property
    def expectations(self) -> list[Expectation]:
        """Every expectation once, in citation order."""
        seen: dict[tuple[str, int | None], Expectation] = {}
        for items in self.by_domain.values():
            for x in items:
                seen.setdefault((x.citation.article_id, x.citation.sentence_index), x)
        return list(seen.values())

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "outcome": self.outcome,
            "label": self.label,
            "probability": self.probability,
            "domains": {d: [x.to_dict() for x in xs] for d, xs in self.by_domain.items()},
            "exposure": self.exposure,
            "exposure_legend": EXPOSURE_LEGEND,
            "candidates": list(self.candidates),
            "candidate_changes": [c.to_dict() for c in self.changes],
            "signposts": [s.to_dict() for s in self.signposts],
        }


def _describe(records: Records, e: Event) -> str:
    return f"{records.name(e.source_actor)} {e.root or 'STATEMENT'} {records.name(e.target_actor)} ({e.modality.value})"


EXPOSURE_LEGEND = (
    "exposure: the share of an outcome's expectations in a domain that also name the focal country "
    "(its government, people or bodies, or its name); 100% means every such expectation concerns it."
)
"""What the board's exposure figure measures, shown beside it wherever the board is shown."""


def _mentions_camp(outcome: Outcome, text: str, actors: set[str], day: date | None) -> bool:
    if actors & outcome.camp_on(day):
        return True
    pattern = outcome.pattern()
    return bool(pattern and pattern.search(text))


def _distance(outcome: Outcome, text: str, names: Sequence[str], at: int) -> int | None:
    """How near to ``at`` the outcome is named in ``text``: a keyword or a camp member's mention."""
    spots = [m.start() for n in names if n for m in re.finditer(re.escape(n), text)]
    pattern = outcome.pattern()
    if pattern is not None:
        spots += [m.start() for m in pattern.finditer(text)]
    return min(abs(x - at) for x in spots) if spots else None


def _concerned(
    outcomes: Sequence[Outcome],
    text: str,
    marker_at: Sequence[int],
    expecting: Sequence[Event],
    names: dict[str, list[str]],
    day: date | None,
) -> set[str]:
    """The outcomes an expectation concerns: those whose camp is a party to its expecting events,
    else the one named nearest to one of its prospective markers. A mention that names another outcome
    ("the Trump administration" for the sitting government) does not count for this one."""
    by_event = {o.id for o in outcomes for e in expecting if {e.source_actor, e.target_actor} & o.camp_on(day)}
    if by_event:
        return by_event
    # A government is a camp member only while the camp holds it: a candidate, a party or a keyword names
    # the outcome more surely ("potentially returning to the White House" is said of Trump)
    for institutions in (False, True):
        near: list[tuple[int, str]] = []
        for o in outcomes:
            others = [p for x in outcomes if x.id != o.id and (p := x.pattern()) is not None]
            own = [
                n
                for a in o.camp_on(day)
                if institutions or not a.startswith("gov:")
                for n in names.get(a, ())
                if not any(p.search(n) for p in others)
            ]
            found = [d for at in marker_at if (d := _distance(o, text, own, at)) is not None]
            if found:
                near.append((min(found), o.id))
        if near:
            return {min(near)[1]}
    return set()


def signpost_evidence(
    records: Records,
    outcome: Outcome,
    signpost: Signpost,
    *,
    within: Watch | None = None,
    sent_actors: dict[tuple[str, int], set[str]] | None = None,
    by_sentence: dict[tuple[str, int], list[Event]] | None = None,
) -> list[Citation]:
    """The sentences where a signpost is observed.

    A sentence observes a signpost when it matches one of its keywords, names a member of the
    outcome's camp on its date (a resolved mention), and asserts it: with ``roots``, an asserted
    event of one of those roots with a camp member as a party; without, no event of the camp
    in it is hypothetical, intended or negated (reported counts as stated) and no prospective
    marker ("would", "if elected") is in it. A keyword alone observes nothing.

    Args:
        records: the loaded records.
        outcome, signpost: the signpost and its outcome.
        within: only sentences of articles in this watch's window.
        sent_actors, by_sentence: the records' actors and events per sentence, when already at hand.
    Returns:
        The citations, in date order.
    """
    pattern = signpost.pattern()
    sent_actors = records.sentence_actors() if sent_actors is None else sent_actors
    by_sentence = events_by_sentence(records) if by_sentence is None else by_sentence
    out = []
    for aid in sorted(records.articles, key=lambda a: (records.articles[a].published or date.min, a)):
        day = records.articles[aid].published
        if within is not None and not within.in_window(day) and (within.start or within.end):
            continue
        if (signpost.start and (day is None or day < signpost.start)) or (signpost.end and day and day > signpost.end):
            continue
        for idx, text in records.article_sentences(aid):
            if not pattern.search(text):
                continue
            camp = outcome.camp_on(day)
            if not sent_actors.get((aid, idx), set()) & camp:
                continue
            evs = [e for e in by_sentence.get((aid, idx), []) if {e.source_actor, e.target_actor} & camp]
            if signpost.roots:
                ok = any(e.root in signpost.roots and e.modality in _STATED for e in evs)
            else:
                ok = not _PROSPECTIVE_RE.search(text) and all(e.modality in _STATED for e in evs)
            if ok:
                out.append(records.cite(aid, idx))
    return out


def events_by_sentence(records: Records) -> dict[tuple[str, int], list[Event]]:
    """The events of each ``(article, sentence)``."""
    out: dict[tuple[str, int], list[Event]] = defaultdict(list)
    for e in records.events:
        out[(e.article_id, e.sentence_index)].append(e)
    return out


def _modality(expecting: Sequence[Event], marker: re.Match[str] | None) -> str:
    if expecting:
        return expecting[0].modality.value
    if marker is not None and re.search(r"plan|intend|vow|pledg|promis", marker.group(0), re.I):
        return Modality.INTENDED.value
    return Modality.HYPOTHETICAL.value


def scenario_board(
    records: Records,
    watch: Watch,
    *,
    probabilities: dict[str, float] | None = None,
    outcomes: Sequence[str] | None = None,
) -> list[OutcomeBoard]:
    """The scenario board of a watch over the loaded records.

    Only articles in the watch's window count; each expectation goes to the outcome it concerns
    (:func:`_concerned`), and each camp is read at the sentence's date (candidates come and go).

    Args:
        records: the loaded records.
        watch: the watch.
        probabilities: the analyst's latest probability per outcome id.
        outcomes: only these outcome ids (default: all).
    Returns:
        One :class:`OutcomeBoard` per outcome.
    """
    changes = candidacy_changes(records, watch)
    watch = dataclasses.replace(watch, outcomes=updated_outcomes(watch, changes))
    sent_actors = records.sentence_actors()
    by_sentence = events_by_sentence(records)
    by_outcome = _expectations(records, watch, sent_actors, by_sentence)
    watch_domains = list(watch.domains)
    boards = []
    for outcome in watch.outcomes:
        if outcomes is not None and outcome.id not in outcomes:
            continue
        by_domain = by_outcome[outcome.id]
        exposure = {d: round(sum(1 for x in xs if x.focal) / len(xs), 3) for d, xs in by_domain.items() if xs}
        ordered = {d: tuple(by_domain[d]) for d in [*watch_domains, "other"] if by_domain.get(d)}
        signposts = tuple(
            SignpostStatus(
                s.id,
                s.label,
                tuple(
                    signpost_evidence(
                        records, outcome, s, within=watch, sent_actors=sent_actors, by_sentence=by_sentence
                    )
                ),
            )
            for s in outcome.signposts
        )
        boards.append(
            OutcomeBoard(
                outcome=outcome.id,
                label=outcome.label,
                probability=(probabilities or {}).get(outcome.id),
                by_domain=ordered,
                exposure=exposure,
                signposts=signposts,
                candidates=_candidates(records, outcome),
                changes=tuple(c for c in changes if c.outcome == outcome.id),
            )
        )
    return boards


def _expectations(
    records: Records,
    watch: Watch,
    sent_actors: dict[tuple[str, int], set[str]],
    by_sentence: dict[tuple[str, int], list[Event]],
) -> dict[str, dict[str, list[Expectation]]]:
    """The expectations of the watch's window, by outcome concerned and by policy domain (else "other")."""
    sent_domains = records.sentence_domains()
    art_domains = records.article_domains()
    focal = focal_actors(records, watch)
    focal_words = re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in _focal_words(records, watch)) + r")\b", re.IGNORECASE
    )
    names: dict[str, list[str]] = defaultdict(list)
    for m in records.mentions:
        if m.actor_id and m.text not in names[m.actor_id]:
            names[m.actor_id].append(m.text)
    sent_actors = _sitting(records, sent_actors)
    watch_domains = list(watch.domains)
    by_outcome: dict[str, dict[str, list[Expectation]]] = {o.id: defaultdict(list) for o in watch.outcomes}
    relevant = watch_articles(records, watch)
    listed: set[tuple[str, str]] = set()  # (outcome, words): a sentence repeated by several articles, once
    for aid in sorted(relevant & records.articles.keys(), key=lambda a: (records.articles[a].published or date.min, a)):
        day = records.articles[aid].published
        if not watch.in_window(day) and (watch.start or watch.end):
            continue
        for idx, text in records.article_sentences(aid):
            key = (aid, idx)
            if _QUESTION_RE.search(text):
                continue
            markers = _markers(text)
            marker = markers[0] if markers else None
            evs = by_sentence.get(key, [])
            expecting = [e for e in evs if e.modality in _EXPECTING]
            if not expecting and not marker:
                continue
            actors = sent_actors.get(key, set())
            named = [o for o in watch.outcomes if _mentions_camp(o, text, actors, day)]
            if not named:
                continue
            concerned = _concerned(named, text, [m.start() for m in markers] or [0], expecting, names, day)
            doms = sorted(
                (d for d in sent_domains.get(key, {}) if d in watch_domains), key=lambda d: -sent_domains[key][d]
            )
            if not doms:
                doms = [d for d in art_domains.get(aid, {}) if d in watch_domains][:1] or ["other"]
            x = Expectation(
                citation=records.cite(aid, idx),
                domains=tuple(doms),
                modality=_modality(expecting, marker),
                events=tuple(_describe(records, e) for e in expecting or evs),
                focal=bool(actors & focal) or bool(focal_words.search(text)),
            )
            words = " ".join(text.split())
            for oid in concerned:
                if (oid, words) in listed:
                    continue
                listed.add((oid, words))
                for d in doms:
                    by_outcome[oid][d].append(x)
    # What bears on the focal country first, then the newest
    for domains in by_outcome.values():
        for d, xs in domains.items():
            domains[d] = sorted(reversed(xs), key=lambda x: not x.focal)
    return by_outcome


def _sitting(records: Records, sent_actors: dict[tuple[str, int], set[str]]) -> dict[tuple[str, int], set[str]]:
    """The sentences' actors without a government spoken of as a future one ("the next U.S. administration"
    names no camp that holds the government today)."""
    future = {
        (m.article_id, m.sentence_index, m.actor_id)
        for m in records.mentions
        if m.actor_id
        and m.actor_id.startswith("gov:")
        and (art := records.articles.get(m.article_id)) is not None
        and _FUTURE_OF.search(art.text[max(0, m.start - 20) : m.start])
    }
    if not future:
        return sent_actors
    out = dict(sent_actors)
    for aid, idx, actor in future:
        out[(aid, idx)] = out.get((aid, idx), set()) - {actor}
    return out


def _name(records: Records, actor_id: str) -> str:
    """The actor's name from the records, else from the knowledge base (a candidate not yet in the news)."""
    name = records.name(actor_id)
    if name != actor_id:
        return name
    from vigil.kb import KnowledgeBase

    known = KnowledgeBase.load().get(actor_id)
    return known.name if known is not None else actor_id


def _candidates(records: Records, outcome: Outcome) -> tuple[dict[str, object], ...]:
    return tuple(
        {
            "actor": c.actor,
            "name": _name(records, c.actor),
            "from": c.start.isoformat() if c.start else None,
            "until": c.end.isoformat() if c.end else None,
        }
        for c in outcome.candidates
    )


def _focal_words(records: Records, watch: Watch) -> list[str]:
    words = [watch.focal]
    country = records.actors.get(f"country:{watch.focal}")
    if country is not None:
        words.append(country.name)
        words.extend(country.aliases)
    words.extend(_DEMONYMS.get(watch.focal, ()))
    return [w for w in words if w]


_DEMONYMS = {
    "JPN": ("Japan", "Japanese", "Tokyo"),
    "GBR": ("United Kingdom", "Britain", "British", "UK", "London"),
    "DEU": ("Germany", "German", "Berlin"),
    "CAN": ("Canada", "Canadian", "Ottawa"),
    "FRA": ("France", "French", "Paris"),
    "KOR": ("South Korea", "Korean", "Seoul"),
    "AUS": ("Australia", "Australian", "Canberra"),
    "IND": ("India", "Indian", "New Delhi"),
    "CHN": ("China", "Chinese", "Beijing"),
    "MEX": ("Mexico", "Mexican"),
}
