"""Alerts: a watch's rules evaluated on newly ingested articles, stored with evidence, delivered.

Call :func:`evaluate_alerts` after every ingest with the ids of the new articles. Each rule
kind compares the new articles with what the store held before them:

=============== ==================================================================
actor_appears   the actor is mentioned (or is a party to an event) in a new article
keyword         the keyword appears in a sentence of a new article
new_event_type  an event between source and target with a PLOVER root not seen before
new_bridge      an actor bridges the focal government to the outcome's camp now and did not before
tone_shift      the week's tone toward the focal country leaves its band (k std)
signpost        the outcome's signpost is observed for the first time (see :mod:`vigil.analyze.scenarios`)
candidacy       a withdrawal, nomination or running-mate pick is reported for the first time
=============== ==================================================================

Alerts get stable ids (watch, rule, evidence), so evaluating the same articles twice
stores and delivers nothing new.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from vigil.analyze.candidacy import candidacy_changes
from vigil.analyze.delivery import DeliveryError, DeliveryPolicy, deliver, deliver_each
from vigil.analyze.networks import build_graph, find_bridges
from vigil.analyze.outbox import queue_failures, retry_due
from vigil.analyze.scenarios import signpost_evidence
from vigil.analyze.trends import domain_trends
from vigil.analyze.watches import AlertRule, Delivery, Watch, keyword_pattern
from vigil.analyze.window import Records, load_records
from vigil.errors import VigilError
from vigil.models import Alert, Citation
from vigil.store import Store
from vigil.store import analysis as analysis_store

__all__ = ["Alert", "DeliveryError", "alerts_after_ingest", "deliver", "evaluate_alerts", "evaluate_rules"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


def _alert(watch: Watch, rule: AlertRule, key: str, message: str, evidence: Sequence[Citation]) -> Alert:
    digest = hashlib.sha1(f"{watch.name}|{rule.id}|{key}".encode()).hexdigest()[:24]
    return Alert(
        digest, watch.name, rule.id, rule.kind, message, tuple(evidence), datetime.now(UTC).replace(tzinfo=None)
    )


def _actor_appears(watch: Watch, rule: AlertRule, new: Records) -> list[Alert]:
    assert rule.actor is not None
    out = []
    by_article: dict[str, list[Citation]] = {}
    for m in new.mentions:
        if m.actor_id == rule.actor:
            by_article.setdefault(m.article_id, []).append(new.cite(m.article_id, m.sentence_index))
    for e in new.events:
        if rule.actor in (e.source_actor, e.target_actor):
            by_article.setdefault(e.article_id, []).append(new.cite(e.article_id, e.sentence_index))
    for aid, cites in sorted(by_article.items()):
        uniq = list({(c.article_id, c.sentence_index): c for c in cites}.values())
        out.append(_alert(watch, rule, aid, f"{new.name(rule.actor)} appears in {_title(new, aid)}", uniq[:5]))
    return out


def _title(records: Records, aid: str) -> str:
    art = records.articles.get(aid)
    return repr(art.label) if art is not None else "an article no longer stored"


def _keyword(watch: Watch, rule: AlertRule, new: Records) -> list[Alert]:
    assert rule.keyword is not None
    pattern = keyword_pattern([rule.keyword])
    out = []
    for aid in sorted(new.articles):
        cites = [new.cite(aid, i) for i, text in new.article_sentences(aid) if pattern.search(text)]
        if not cites and pattern.search(new.articles[aid].title or ""):
            cites = [new.cite(aid, None)]
        if cites:
            out.append(_alert(watch, rule, aid, f"{rule.keyword!r} in {_title(new, aid)}", cites[:5]))
    return out


def _new_event_type(watch: Watch, rule: AlertRule, new: Records, old: Records) -> list[Alert]:
    pair = {rule.source, rule.target}

    def between(records: Records) -> list[Any]:
        return [e for e in records.events if {e.source_actor, e.target_actor} == pair]

    seen = {e.root or "STATEMENT" for e in between(old)}
    fresh: dict[str, list[Citation]] = {}
    for e in between(new):
        root = e.root or "STATEMENT"
        if root not in seen:
            fresh.setdefault(root, []).append(new.cite(e.article_id, e.sentence_index))
    return [
        _alert(
            watch,
            rule,
            root,
            f"new event type {root} between {new.name(rule.source)} and {new.name(rule.target)}",
            cites[:5],
        )
        for root, cites in sorted(fresh.items())
    ]


def _new_bridge(watch: Watch, rule: AlertRule, new: Records, both: Records, old: Records) -> list[Alert]:
    before = {
        b.actor for ob in find_bridges(old, watch, build_graph(old)) if ob.outcome == rule.outcome for b in ob.bridges
    }
    new_ids = set(new.articles)
    out = []
    for ob in find_bridges(both, watch, build_graph(both)):
        if ob.outcome != rule.outcome:
            continue
        for b in ob.bridges:
            if b.actor in before:
                continue
            cites = [c for c in b.evidence if c.article_id in new_ids] or list(b.evidence)
            out.append(_alert(watch, rule, b.actor, f"new bridge to {ob.label}: {b.name}", cites[:5]))
    return out


def _tone_shift(watch: Watch, rule: AlertRule, new: Records, both: Records) -> list[Alert]:
    weeks = {
        f"{a.published.isocalendar()[0]}-W{a.published.isocalendar()[1]:02d}"
        for a in new.articles.values()
        if a.published is not None
    }
    domains = [rule.domain] if rule.domain else None
    out = []
    for series in domain_trends(both, watch, domains=domains, k=rule.k):
        if series.metric != "tone":
            continue
        for p in series.outliers:
            if p.week in weeks:
                cites = [
                    both.cite(t.article_id, t.sentence_index)
                    for t in new.tones
                    if t.target_actor is not None and t.sentence_index is not None
                ]
                out.append(
                    _alert(
                        watch,
                        rule,
                        f"{series.domain}|{p.week}",
                        f"tone toward {watch.focal} in {series.domain} left its band in {p.week}: "
                        f"{p.value:+.2f} vs baseline {p.baseline:+.2f}",
                        cites[:5],
                    )
                )
    return out


def _signpost(watch: Watch, rule: AlertRule, new: Records, old: Records) -> list[Alert]:
    """One alert when the signpost is first observed: by the new articles and not before them."""
    assert rule.outcome is not None and rule.signpost is not None
    outcome = watch.outcome(rule.outcome)
    sp = next(s for s in outcome.signposts if s.id == rule.signpost)
    cites = signpost_evidence(new, outcome, sp, within=watch)
    if not cites or signpost_evidence(old, outcome, sp, within=watch):
        return []
    day = cites[0].published
    return [
        _alert(watch, rule, sp.id, f"signpost observed for {outcome.label}: {sp.label} ({day or 'undated'})", cites[:5])
    ]


def _candidacy(watch: Watch, rule: AlertRule, new: Records, old: Records) -> list[Alert]:
    """One alert per withdrawal, nomination or running-mate pick first reported by the new articles."""
    before = {(c.person, c.kind, c.outcome) for c in candidacy_changes(old, watch)}
    out = []
    for c in candidacy_changes(new, watch):
        if rule.outcome is not None and c.outcome != rule.outcome:
            continue
        if (c.person, c.kind, c.outcome) in before:
            continue
        label = watch.outcome(c.outcome).label
        message = f"{c.name}: {c.kind} ({label}), {c.day or 'undated'}"
        out.append(_alert(watch, rule, f"{c.person}|{c.kind}|{c.outcome}", message, [c.citation]))
    return out


def evaluate_rules(watch: Watch, new: Records, old: Records) -> list[Alert]:
    """Evaluate every rule of ``watch`` on the new records against the earlier ones (pure).

    Args:
        watch: the watch with its rules.
        new: records of the newly ingested articles.
        old: records of what the store held before (for "new" rules and baselines).
    Returns:
        The alerts fired, in rule order.
    """
    both = Records.build(
        [*old.articles.values(), *new.articles.values()],
        sentences=[*old.sentences.values(), *new.sentences.values()],
        mentions=[*old.mentions, *new.mentions],
        events=[*old.events, *new.events],
        domains=[*old.domains, *new.domains],
        tones=[*old.tones, *new.tones],
        actors=[*old.actors.values(), *new.actors.values()],
        said_days={**old.said_days, **new.said_days},
    )
    out: list[Alert] = []
    for rule in watch.alerts:
        if rule.kind == "actor_appears":
            out += _actor_appears(watch, rule, new)
        elif rule.kind == "keyword":
            out += _keyword(watch, rule, new)
        elif rule.kind == "new_event_type":
            out += _new_event_type(watch, rule, new, old)
        elif rule.kind == "new_bridge":
            out += _new_bridge(watch, rule, new, both, old)
        elif rule.kind == "tone_shift":
            out += _tone_shift(watch, rule, new, both)
        elif rule.kind == "signpost":
            out += _signpost(watch, rule, new, old)
        elif rule.kind == "candidacy":
            out += _candidacy(watch, rule, new, old)
    return out


def evaluate_alerts(
    store: Store,
    watch: Watch,
    article_ids: Sequence[str],
    *,
    deliver_to: Sequence[Delivery] | None = None,
    policy: DeliveryPolicy | None = None,
    min_confidence: float | None = None,
) -> list[Alert]:
    """Evaluate a watch's rules on newly ingested articles; store and deliver the new alerts.

    Args:
        store: the open store (the new articles already written and extracted).
        watch: the watch.
        article_ids: ids of the articles just ingested.
        deliver_to: where to deliver (default: the watch's ``delivery``; ``[]`` delivers nowhere).
        policy: the limits on file and webhook deliveries (default: the defaults of ``alerts.*``).
        min_confidence: the lowest confidence of the events the rules read (default: the built-in
            ``view.min_confidence``; callers pass the configured one).
    Returns:
        The alerts that were new (not stored by an earlier evaluation).
    """
    if not article_ids or not watch.alerts:
        return []
    new = load_records(store, article_ids=article_ids, coders=watch.coders, min_confidence=min_confidence)
    if watch.start is not None or watch.end is not None:
        # the watch's window holds for alerts too: an article published outside it fires nothing
        new = new.within(watch.start, watch.end)
    if not new.articles:
        return []
    new_ids = set(new.articles)
    old_all = load_records(
        store, since=watch.start, until=watch.end, coders=watch.coders, min_confidence=min_confidence
    )
    old = old_all.part(set(old_all.articles) - new_ids)
    fired = evaluate_rules(watch, new, old)
    stored = set(analysis_store.add_alerts(store, fired))
    fresh = [a for a in fired if a.id in stored]
    failures = deliver_each(fresh, watch.delivery if deliver_to is None else deliver_to, policy=policy)
    # a target that failed gets these alerts later (vigil.analyze.outbox)
    queue_failures(store, [(target, error, fresh) for target, error in failures])
    return fresh


def alerts_after_ingest(
    store: Store,
    article_ids: Sequence[str],
    *,
    policy: DeliveryPolicy | None = None,
    min_confidence: float | None = None,
) -> list[Alert]:
    """Evaluate every stored watch's rules on the articles an ingest just added.

    A delivery that fails (a webhook down) is logged; the alerts stay stored. A watch whose rules
    fail is logged too, and the other watches are still evaluated.

    Args:
        store: the open store.
        article_ids: ids of the new articles.
        policy: the limits on file and webhook deliveries.
        min_confidence: the lowest confidence of the events the rules read (setting ``view.min_confidence``).
    Returns:
        The new alerts of all watches.
    """
    from vigil.analyze.watches import parse_watch

    fired: list[Alert] = []
    if not article_ids:
        return fired
    retry_due(store, policy)  # deliveries that failed before, whose time has come
    for name, text, _ in analysis_store.list_watches(store):
        try:
            watch = parse_watch(text, source=name)
            fired += evaluate_alerts(store, watch, article_ids, policy=policy, min_confidence=min_confidence)
        except VigilError as exc:
            log.warning("watch %s: alerts not evaluated: %s", name, exc)
    return fired
