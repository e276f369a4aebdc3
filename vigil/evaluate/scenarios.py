"""The scenario board's expectations scored on the project's annotations
(``annotations/scenario_expectations.jsonl``).

Each annotation names a watch, an outcome and a sentence of ``../shared/corpus`` (the article's corpus file
and URL, or the file name of a seed article, and the SHA-1 of the sentence with its white space
collapsed: a reference, not the text) and says whether the sentence is an expectation of that outcome:
a statement (not a question) about what will, would or may happen, with the outcome's camp acting in
it or the race as its subject. The board of each annotated watch is built over a store and compared:
precision over the annotated sentences it shows, how many annotated expectations it still shows, and
how many sentences it shows that nobody annotated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from vigil.analyze.scenarios import scenario_board
from vigil.analyze.watches import Watch
from vigil.analyze.window import load_records
from vigil.store import Store

__all__ = ["sentence_key", "score_expectations", "shown_expectations"]


def sentence_key(text: str) -> str:
    """How an annotation refers to a sentence: the SHA-1 of its words joined by single spaces."""
    return hashlib.sha1(" ".join(text.split()).encode()).hexdigest()


def _article_key(url: str | None, origin: str) -> str:
    return url or origin.split("#")[0].rsplit("/", 1)[-1]


def shown_expectations(store: Store, watch: Watch) -> set[tuple[str, str, str]]:
    """``(outcome, article key, sentence key)`` of every expectation the watch's board shows."""
    records = load_records(store, since=watch.start, until=watch.end)
    out = set()
    for board in scenario_board(records, watch):
        for x in board.expectations:
            article = records.articles[x.citation.article_id]
            out.add((board.outcome, _article_key(article.url, article.origin), sentence_key(x.citation.text)))
    return out


def score_expectations(store: Store, watches: Sequence[Watch], annotations: Path) -> dict[str, Any]:
    """Precision and kept expectations of the boards of ``watches`` on the annotated sentences.

    Args:
        store: a store holding the annotated articles (the Wikinews corpus and the reference article).
        watches: the watches whose annotations are scored (others are ignored).
        annotations: the ``scenario_expectations.jsonl`` file.
    Returns:
        Per watch and in total: annotated sentences shown, of which expectations (precision), annotated
        expectations still shown (of all annotated ones), and shown sentences nobody annotated.
    """
    rows = [json.loads(line) for line in annotations.read_text(encoding="utf-8").splitlines() if line.strip()]
    report: dict[str, Any] = {}
    totals = {"shown_annotated": 0, "shown_expectations": 0, "expectations": 0, "unannotated_shown": 0}
    for watch in watches:
        mine = [r for r in rows if r["watch"] == watch.name]
        gold = {(r["outcome"], r["key"], r["sentence_sha1"]): bool(r["expectation"]) for r in mine}
        if not gold:
            continue
        shown = shown_expectations(store, watch)
        annotated = shown & gold.keys()
        counts = {
            "shown_annotated": len(annotated),
            "shown_expectations": sum(gold[k] for k in annotated),
            "expectations": sum(gold.values()),
            "unannotated_shown": len(shown - gold.keys()),
        }
        report[watch.name] = {**counts, **_rates(counts)}
        for k, v in counts.items():
            totals[k] += v
    report["all"] = {**totals, **_rates(totals)}
    return report


def _rates(c: dict[str, int]) -> dict[str, float]:
    return {
        "precision": round(c["shown_expectations"] / c["shown_annotated"], 3) if c["shown_annotated"] else 0.0,
        "kept": round(c["shown_expectations"] / c["expectations"], 3) if c["expectations"] else 0.0,
    }
