"""Scenario board: per outcome, what the news expects if it happens, by domain, with exposure and signposts.

An expectation is a sentence that names the outcome's camp (a resolved mention of a
camp actor, or one of the outcome's keywords) and states something not yet fact: an
event of modality hypothetical or intended, or a sentence with a conditional or
prospective marker ("would", "if elected", "a potential second ... administration",
"plans to"). Expectations are grouped by the sentence's policy domains (the watch's
domains; "other" for the rest). The focal country's exposure in a domain is how many of
its expectations also name the focal country. Signposts are the outcome's configured
signs, each with the sentences where it was observed. Every entry carries its citation.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from vigil.analyze.records import Citation, Records
from vigil.analyze.trends import focal_actors
from vigil.analyze.watches import Outcome, Watch
from vigil.models import Event, Modality

__all__ = ["Expectation", "OutcomeBoard", "SignpostStatus", "scenario_board"]

_PROSPECTIVE_RE = re.compile(
    r"\b(?:would|could|might|may|will|shall|if (?:elected|re-?elected|he wins|she wins|they win)|"
    r"potential(?:ly)?|possible|possibly|prospect|second \w+ (?:administration|term)|"
    r"plans? to|intends? to|vow(?:s|ed)? to|pledg(?:e|es|ed) to|promis(?:e|es|ed) to|"
    r"prepare(?:s|d)? for|expected to|likely to|return(?:ing)? to)\b",
    re.IGNORECASE,
)
_EXPECTING = {Modality.HYPOTHETICAL, Modality.INTENDED}


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
            "signposts": [s.to_dict() for s in self.signposts],
        }


def _describe(records: Records, e: Event) -> str:
    return f"{records.name(e.source_actor)} {e.root or 'STATEMENT'} {records.name(e.target_actor)} ({e.modality.value})"


def _mentions_camp(outcome: Outcome, text: str, actors: set[str]) -> bool:
    if actors & set(outcome.camp):
        return True
    pattern = outcome.pattern()
    return bool(pattern and pattern.search(text))


def scenario_board(
    records: Records,
    watch: Watch,
    *,
    probabilities: dict[str, float] | None = None,
    outcomes: Sequence[str] | None = None,
) -> list[OutcomeBoard]:
    """The scenario board of a watch over the loaded records.

    Args:
        records: the loaded records.
        watch: the watch.
        probabilities: the analyst's latest probability per outcome id.
        outcomes: only these outcome ids (default: all).
    Returns:
        One :class:`OutcomeBoard` per outcome.
    """
    sent_actors = records.sentence_actors()
    sent_domains = records.sentence_domains()
    art_domains = records.article_domains()
    focal = focal_actors(records, watch)
    focal_words = re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in _focal_words(records, watch)) + r")\b", re.IGNORECASE
    )
    events_by_sentence: dict[tuple[str, int], list[Event]] = defaultdict(list)
    for e in records.events:
        events_by_sentence[(e.article_id, e.sentence_index)].append(e)
    watch_domains = list(watch.domains)
    boards = []
    for outcome in watch.outcomes:
        if outcomes is not None and outcome.id not in outcomes:
            continue
        by_domain: dict[str, list[Expectation]] = defaultdict(list)
        signposts: dict[str, list[Citation]] = {s.id: [] for s in outcome.signposts}
        for aid in sorted(records.articles, key=lambda a: (records.articles[a].published or date.min, a)):
            for idx, text in records.article_sentences(aid):
                key = (aid, idx)
                actors = sent_actors.get(key, set())
                for sp in outcome.signposts:
                    if sp.pattern().search(text):
                        signposts[sp.id].append(records.cite(aid, idx))
                if not _mentions_camp(outcome, text, actors):
                    continue
                evs = events_by_sentence.get(key, [])
                expecting = [e for e in evs if e.modality in _EXPECTING]
                marker = _PROSPECTIVE_RE.search(text)
                if not expecting and not marker:
                    continue
                if expecting:
                    modality = expecting[0].modality.value
                elif marker is not None and re.search(r"plan|intend|vow|pledg|promis", marker.group(0), re.I):
                    modality = Modality.INTENDED.value
                else:
                    modality = Modality.HYPOTHETICAL.value
                doms = sorted(
                    (d for d in sent_domains.get(key, {}) if d in watch_domains),
                    key=lambda d: -sent_domains[key][d],
                )
                if not doms:
                    doms = [d for d in art_domains.get(aid, {}) if d in watch_domains][:1] or ["other"]
                is_focal = bool(actors & focal) or bool(focal_words.search(text))
                x = Expectation(
                    citation=records.cite(aid, idx),
                    domains=tuple(doms),
                    modality=modality,
                    events=tuple(_describe(records, e) for e in expecting or evs),
                    focal=is_focal,
                )
                for d in doms:
                    by_domain[d].append(x)
        exposure = {d: round(sum(1 for x in xs if x.focal) / len(xs), 3) for d, xs in by_domain.items() if xs}
        ordered = {d: tuple(by_domain[d]) for d in [*watch_domains, "other"] if by_domain.get(d)}
        boards.append(
            OutcomeBoard(
                outcome=outcome.id,
                label=outcome.label,
                probability=(probabilities or {}).get(outcome.id),
                by_domain=ordered,
                exposure=exposure,
                signposts=tuple(SignpostStatus(s.id, s.label, tuple(signposts[s.id])) for s in outcome.signposts),
            )
        )
    return boards


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
