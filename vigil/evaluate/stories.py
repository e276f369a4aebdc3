"""Story membership scored on the project's annotated story groups (``annotations/story_groups.jsonl``).

Every article of ``../shared`` that annotations may refer to (Wikinews, the Guardian sample, the
feed fixtures' items) is grouped by :func:`vigil.analyze.stories.cluster_stories`; the pairs of
annotated reports put in one story are compared with the annotated groups (reports of one
development by one or several outlets): pairwise precision and recall over the annotated reports,
and how many of the annotated near misses (same topic, different developments,
``story_near_misses.jsonl``) were wrongly joined.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from itertools import combinations
from pathlib import Path
from typing import Any

from vigil.analyze.stories import DEFAULT_THRESHOLD, DEFAULT_WINDOW_DAYS, cluster_stories
from vigil.evaluate.annotations import corpus_articles
from vigil.models import Article, DateSource

__all__ = ["score_stories"]


def _article(corpus: str, key: str, day: str | None, text: str, title: str | None) -> Article:
    return Article(
        id=hashlib.sha1(f"{corpus}|{key}".encode()).hexdigest()[:24],
        text=text,
        title=title,
        url=key,
        source=corpus.split("/")[0],
        published=date.fromisoformat(day[:10]) if day else None,
        date_source=DateSource.METADATA,
        language="en",
        ingested_at=datetime.now(UTC).replace(tzinfo=None),
        origin=corpus,
    )


def score_stories(
    annotations: Path,
    shared: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window_days: int = DEFAULT_WINDOW_DAYS,
    by_month: bool = False,
) -> dict[str, Any]:
    """Pairwise precision and recall of story membership on the annotated groups.

    Args:
        annotations: the folder holding ``story_groups.jsonl`` and ``story_near_misses.jsonl``.
        shared: the ``../shared`` folder the annotations refer to.
        threshold, window_days: the clustering's parameters.
        by_month: group each corpus's articles of each month apart (sets of 20 to 150 articles, the size
            of a watch's month) instead of all 1,390 together; pairs across months are then never joined.
    Returns:
        Counts, precision, recall, F1 and the near misses wrongly joined.
    """
    groups = [json.loads(x) for x in (annotations / "story_groups.jsonl").read_text(encoding="utf-8").splitlines()]
    misses = [json.loads(x) for x in (annotations / "story_near_misses.jsonl").read_text(encoding="utf-8").splitlines()]
    arts = {(c.corpus, c.key): _article(c.corpus, c.key, c.date, c.text, c.title) for c in corpus_articles(shared)}
    batches: dict[tuple[str, str], list[Article]] = {}
    for (corpus, _), article in arts.items():
        month = str(article.published)[:7] if by_month else ""
        batches.setdefault((corpus.split("/")[0] if by_month else "", month), []).append(article)
    story_of = {
        aid: s.id
        for batch in batches.values()
        for s in cluster_stories(batch, threshold=threshold, window_days=window_days)
        for aid in s.article_ids
    }

    by_key = {key: a for (_, key), a in arts.items()}  # a feed item repeated in several snapshots is read once

    def ref(r: dict[str, str]) -> str | None:
        found = arts.get((r["corpus"], r["key"])) or by_key.get(r["key"])
        return found.id if found is not None else None  # None: an item without text

    members = [sorted({x for r in g["reports"] if (x := ref(r)) is not None}) for g in groups]
    gold = {frozenset(p) for ids in members for p in combinations(ids, 2)}
    reports = {x for ids in members for x in ids}
    predicted = {frozenset(p) for p in combinations(sorted(reports), 2) if story_of[p[0]] == story_of[p[1]]}
    hits = len(gold & predicted)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(gold) if gold else 0.0
    pairs = [(ref(m["a"]), ref(m["b"])) for m in misses]
    joined = sum(1 for a, b in pairs if a is not None and b is not None and story_of[a] == story_of[b])
    return {
        "articles": len(arts),
        "groups": len(groups),
        "reports": len(reports),
        "gold_pairs": len(gold),
        "predicted_pairs": len(predicted),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0,
        "near_misses": len(misses),
        "near_misses_joined": joined,
        "threshold": threshold,
        "window_days": window_days,
        "by_month": by_month,
    }
