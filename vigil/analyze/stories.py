"""Stories: articles about the same development grouped, so that counts are of events, not of reports.

Two articles join one story when one is a near duplicate of the other (``duplicate_of``,
set at ingest by MinHash), or when the TF-IDF cosine similarity of their title and lead
reaches a threshold, they were published within a few days of each other, and their
titles share a name (a capitalised word other than function words, months and the
outlet's name: templated series such as interviews share leads but not names). Groups are
the connected components of those links (union-find), so a follow-up two days after a
follow-up joins the same story.

The default threshold (0.30 on title + lead, word 1-2-grams, sublinear tf, English stop
words) was calibrated on the Wikinews corpus: see ``tests/analyze/test_stories.py``.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from vigil.models import Article, Story

__all__ = ["DEFAULT_THRESHOLD", "DEFAULT_WINDOW_DAYS", "METHOD", "Story", "cluster_stories", "lead_text"]

DEFAULT_THRESHOLD = 0.30
DEFAULT_WINDOW_DAYS = 5
METHOD = "tfidf-title-lead"
_LEAD_CHARS = 400
# Wikinews-style datelines ("Friday, January 4, 2019") carry no content.
_DATELINE_RE = re.compile(
    r"^\s*(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+\w+\s+\d{1,2},?\s+\d{4}\s*",
    re.IGNORECASE,
)


def lead_text(article: Article, chars: int = _LEAD_CHARS) -> str:
    """Title and lead (first ``chars`` characters of the text, dateline dropped) of an article."""
    body = _DATELINE_RE.sub("", article.text, count=1)
    return f"{article.title or ''}. {body[:chars]}"


_NAME_WORD_RE = re.compile(r"\b[A-Z][\w'-]*[A-Za-z0-9]")
_TITLE_STOP = frozenset(
    "A An The And Or Of In On At To For From With By As After Before Over Under Into US U.S. USA UK News "
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
)


def title_names(article: Article) -> set[str]:
    """Capitalised words of the title (names), minus function words, months and the outlet's name."""
    outlet = {w.lower() for w in re.findall(r"\w+", article.source or "")}
    words = {w for w in _NAME_WORD_RE.findall(article.title or "") if w not in _TITLE_STOP}
    return {w for w in words if w.lower() not in outlet and w.lower() != "wikinews"}


def story_id(article_id: str) -> str:
    """The story id for a story led by ``article_id``."""
    return "s" + hashlib.sha1(article_id.encode()).hexdigest()[:15]


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def similar_pairs(
    articles: Sequence[Article], *, window_days: int = DEFAULT_WINDOW_DAYS
) -> list[tuple[int, int, float]]:
    """Every pair of articles published within ``window_days`` with its title+lead cosine similarity.

    Args:
        articles: the articles, in any order.
        window_days: largest gap in days between two articles of one story.
    Returns:
        ``(i, j, similarity)`` with indexes into ``articles``, ``i < j``.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if len(articles) < 2:
        return []
    vec = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    matrix = vec.fit_transform([lead_text(a) for a in articles])
    sims = (matrix @ matrix.T).tocoo()
    out = []
    for i, j, value in zip(sims.row, sims.col, sims.data, strict=True):
        if i >= j:
            continue
        a, b = articles[i].published, articles[j].published
        if a is None or b is None or abs((a - b).days) > window_days:
            continue
        out.append((int(i), int(j), float(value)))
    return out


def cluster_stories(
    articles: Sequence[Article],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> list[Story]:
    """Group articles into stories.

    Args:
        articles: the articles to group.
        threshold: smallest title+lead cosine similarity that links two articles.
        window_days: largest publication gap between two linked articles.
    Returns:
        The stories, largest first, then oldest first. Every article is in exactly one.
    """
    arts = sorted(articles, key=lambda a: (a.published or date.min, a.id))
    index = {a.id: i for i, a in enumerate(arts)}
    uf = _UnionFind(len(arts))
    for i, a in enumerate(arts):
        if a.duplicate_of is not None and a.duplicate_of in index:
            uf.union(i, index[a.duplicate_of])
    names = [title_names(a) for a in arts]
    for i, j, sim in similar_pairs(arts, window_days=window_days):
        # Same development: similar leads, and the titles name at least one same thing.
        if sim >= threshold and names[i] & names[j]:
            uf.union(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(arts)):
        groups[uf.find(i)].append(i)
    stories = []
    for members in groups.values():
        items = [arts[i] for i in sorted(members)]
        lead = items[0]
        dates = [a.published for a in items if a.published is not None]
        stories.append(
            Story(
                id=story_id(lead.id),
                article_ids=tuple(a.id for a in items),
                first=min(dates) if dates else None,
                last=max(dates) if dates else None,
                title=lead.title,
                method=METHOD,
            )
        )
    return sorted(stories, key=lambda s: (-s.reports, s.first or date.min, s.id))
