"""Candidates who come and go: withdrawals and nominations read from the news, and the camps they change.

A watch names its outcomes' candidates with dates (:class:`~vigil.analyze.watches.Candidate`);
the news says when that changes: "Bernie Sanders ended his bid for the Democratic Party's
nomination", "Trump became the Republican Party's presumptive nominee", "Joe Biden ... announced
Kamala Harris as his choice for running mate". :func:`candidacy_changes` finds such stated
sentences (not "could drop out", not "then-presumptive nominee"), names the person (a resolved
mention of a person) and the outcome whose camp the sentence concerns, and dates the change by
the day the sentence's events happened when it says so ("On Wednesday"), else by the article.
:func:`updated_outcomes` applies them: a withdrawal ends a running candidacy on its date, a
nomination or running-mate pick starts one. The ``candidacy`` alert fires once per
person and change, and the scenario board shows the candidates in force.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from vigil.analyze.watches import Candidate, Outcome, Watch
from vigil.analyze.window import Records
from vigil.models import Citation, Mention

__all__ = ["CandidacyChange", "candidacy_changes", "updated_outcomes"]

_WITHDRAWAL = re.compile(
    r"\b(?:withdr[ae]w|withdraws|withdrawn) "
    r"(?:from the (?:\w+ )?(?:race|primar(?:y|ies)|contest)|(?:his|her|their) candidacy)"
    r"|\bdrop(?:s|ped)? out\b|\bdropping out\b"
    r"|\bsuspend(?:s|ed)? (?:his|her|their) (?:\w+ )?campaigns?\b"
    r"|\bend(?:s|ed)? (?:his|her|their) (?:\w+ ){0,3}(?:campaign|bid|candidacy)\b"
    r"|\b(?:quit|quits|exit(?:s|ed)?|left) the (?:\w+ )?race\b",
    re.IGNORECASE,
)
_NOMINATION = re.compile(
    r"\b(?:became|becomes|become|is now|was named|named) (?:the )?(?:[\w.]+(?:'s)? ){0,4}(?:presumptive )?nominee\b"
    r"|, (?:the )?(?:[\w.]+(?:'s)? ){0,3}presumptive nominee\b"
    r"|\baccept(?:s|ed) (?:the|his|her) (?:\w+ ){0,3}nomination\b"
    r"|\b(?:won|wins|clinch(?:es|ed)|secur(?:es|ed)) the (?:\w+ ){0,3}nomination\b"
    r"|\bformally nominated\b",
    re.IGNORECASE,
)
_RUNNING_MATE = re.compile(
    r"\b(?:announced|named|picked|chose|selected|choosing|picking)\b(?P<who>.{1,60}?)\bas (?:his|her) "
    r"(?:choice for )?running mate\b",
    re.IGNORECASE,
)
_NOT_STATED = re.compile(
    r"\b(?:would|could|might|may|will|shall|should|if|whether|urged|encouraged|calls? (?:for|on)|pressure[ds]?|"
    r"expected|likely|refused|rejected|denied|not|never|then-|to)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class CandidacyChange:
    """A withdrawal or a nomination stated in the news, for one outcome's camp."""

    person: str
    name: str
    kind: str  # "withdrawal", "nomination" or "running mate"
    outcome: str
    day: date | None
    citation: Citation

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready mapping."""
        return {
            "person": self.person,
            "name": self.name,
            "kind": self.kind,
            "outcome": self.outcome,
            "date": self.day.isoformat() if self.day else None,
            "citation": self.citation.to_dict(),
        }


def _persons(mentions: Sequence[Mention], text: str) -> list[tuple[int, int, str]]:
    """The resolved person mentions of a sentence as ``(start, end, actor id)`` within its text."""
    out = []
    for m in mentions:
        at = text.find(m.text)
        if at >= 0 and m.actor_id:
            out.append((at, at + len(m.text), m.actor_id))
    return sorted(out)


def _stated(text: str, at: int) -> bool:
    """True when nothing in the words just before ``at`` makes the change unreal ("could drop out")."""
    before = text[max(0, at - 40) : at]
    return not _NOT_STATED.search(before) and "then-" not in text[max(0, at - 12) : at + 5]


def _find(text: str, persons: list[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """``(person, kind)`` pairs stated in a sentence."""
    found = []
    for m in _RUNNING_MATE.finditer(text):
        inside = [p for s, e, p in persons if m.start("who") <= s and e <= m.end("who")]
        if inside and _stated(text, m.start()):
            found.append((inside[0], "running mate"))
    for kind, pattern in (("withdrawal", _WITHDRAWAL), ("nomination", _NOMINATION)):
        for m in pattern.finditer(text):
            subject = [p for s, e, p in persons if e <= m.start()]
            if subject and _stated(text, m.start()) and not any(p == subject[-1] for p, _ in found):
                found.append((subject[-1], kind))
    return found


def _outcome_of(watch: Watch, person: str, actors: set[str], text: str, day: date | None) -> Outcome | None:
    """The outcome a change concerns: the person's own camp, else the one camp the sentence names."""
    own = [o for o in watch.outcomes if person in o.members]
    if len(own) == 1:
        return own[0]
    named = [o for o in watch.outcomes if actors & o.camp_on(day) - {person} or ((p := o.pattern()) and p.search(text))]
    return named[0] if len(named) == 1 else None


def candidacy_changes(records: Records, watch: Watch) -> list[CandidacyChange]:
    """Withdrawals, nominations and running-mate picks stated in the records, within the watch's window.

    Returns:
        The changes in date order, one per person, kind and outcome (the earliest report).
    """
    sent_actors = records.sentence_actors()
    people: dict[tuple[str, int], list[Mention]] = defaultdict(list)
    for m in records.mentions:
        if m.actor_id and m.actor_id.startswith("person:"):
            people[(m.article_id, m.sentence_index)].append(m)
    out: dict[tuple[str, str, str], CandidacyChange] = {}
    for aid in sorted(records.articles, key=lambda a: (records.articles[a].published or date.min, a)):
        day = records.articles[aid].published
        if (watch.start or watch.end) and not watch.in_window(day):
            continue
        for idx, text in records.article_sentences(aid):
            if not (_WITHDRAWAL.search(text) or _NOMINATION.search(text) or _RUNNING_MATE.search(text)):
                continue
            key = (aid, idx)
            when = records.said_days.get(key, day)  # the day the sentence says, when it says so
            for person, kind in _find(text, _persons(people.get(key, []), text)):
                outcome = _outcome_of(watch, person, sent_actors.get(key, set()), text, when)
                if outcome is None:
                    continue
                change = CandidacyChange(person, records.name(person), kind, outcome.id, when, records.cite(aid, idx))
                out.setdefault((person, kind, outcome.id), change)
    return sorted(out.values(), key=lambda c: (c.day or date.min, c.person))


def updated_outcomes(watch: Watch, changes: Sequence[CandidacyChange]) -> tuple[Outcome, ...]:
    """The watch's outcomes with the changes applied: a withdrawal ends the candidacy running on
    its date; a nomination or running-mate pick of someone not running then starts one."""
    out = []
    for outcome in watch.outcomes:
        candidates = list(outcome.candidates)
        for c in (c for c in changes if c.outcome == outcome.id and c.day is not None):
            day = c.day
            assert day is not None
            running = [x for x in candidates if x.actor == c.person and x.runs_on(day)]
            if c.kind == "withdrawal":
                for x in running:
                    candidates[candidates.index(x)] = dataclasses.replace(x, end=day)
            elif not running and c.person not in outcome.camp:
                candidates.append(Candidate(c.person, day, None))
        out.append(dataclasses.replace(outcome, candidates=tuple(candidates)))
    return tuple(out)
