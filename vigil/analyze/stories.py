"""Stories: articles about the same development grouped, so that counts are of events, not of reports.

Two articles published within a few days of each other are linked when one is a near
duplicate of the other (``duplicate_of``, set at ingest by MinHash), or when

- the TF-IDF cosine similarity of their title and lead reaches a threshold (0.30; word
  1-2-grams, sublinear tf, English stop words) and their titles share a name (a capitalised
  word other than function words, months and the outlet's name: templated series such as
  interviews share leads but not names), or
- their leads name the same uncommon people and places, and share some words: of the names
  (capitalised words of title and lead that the articles' texts do not also write in lower
  case, so not "Hurricane", "Police" or "Party") named by at most 12 articles or 4% of them,
  whichever is more, and by fewer than half of them, the two leads share at least two, with a
  Dice coefficient of at least 0.4 (twice the shared names over the names of both), and a lead
  similarity of at least 0.05 (two stories that name a minister in passing are not one, nor a
  round-up naming everyone and one of its items). Reports of one development by different
  outlets share few words (an annotated pair's median similarity is 0.07) but name the same
  people and places.

Links are taken strongest first, and two groups become one story only when at least half of
the pairs between them are linked (average linkage, not single linkage): a chain of
successive primaries does not become one story through a name each pair shares. Scored on
``annotations/story_groups.jsonl`` by ``scripts/story-eval`` (see docs/watches.md).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

from vigil.models import Article, Story

__all__ = ["DEFAULT_THRESHOLD", "DEFAULT_WINDOW_DAYS", "METHOD", "Story", "cluster_stories", "lead_text"]

DEFAULT_THRESHOLD = 0.30
DEFAULT_WINDOW_DAYS = 5
METHOD = "tfidf-names-title-lead"
NAMES_SHARED = 2  # the distinctive names two leads must share
NAME_OVERLAP = 0.4  # and their Dice coefficient: twice the shared names over the names of both
NAME_SIMILARITY = 0.05  # the lead similarity such a link needs besides
DISTINCTIVE = 0.04  # a name in more than this share of the articles is not distinctive ...
DISTINCTIVE_FLOOR = 12  # ... unless it is in at most this many
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


_LEAD_WORD_RE = re.compile(r"\b[A-Za-z][\w'-]*[A-Za-z0-9]")
_LEAD_STOP = _TITLE_STOP | frozenset("Yesterday Today Tomorrow Opinion Wikinews".split())


def lead_names(articles: Sequence[Article]) -> list[set[str]]:
    """The names in each article's title and lead: capitalised words the articles do not also write in lower case.

    A word is a name when, over the whole texts of the given articles, it is written capitalised at least as
    often as in lower case ("Soleimani", "Bondi"; not "Hurricane", "Police", "Party" or a headline's "Strike").
    """
    leads = [lead_text(a).replace("\u2019", "'") for a in articles]
    lower: Counter[str] = Counter()
    upper: Counter[str] = Counter()
    for article in articles:
        for word in _LEAD_WORD_RE.findall(f"{article.title or ''} {article.text}"):
            (lower if word[0].islower() else upper)[word] += 1
    out = []
    for article, text in zip(articles, leads, strict=True):
        outlet = {w.lower() for w in re.findall(r"\w+", article.source or "")}
        names = set()
        for word in _LEAD_WORD_RE.findall(text):
            word = word.removesuffix("'s")
            if word[0].islower() or len(word) < 3 or word in _LEAD_STOP or word.lower() in outlet:
                continue
            if lower[word.lower()] <= upper[word]:
                names.add(word)
        out.append(names)
    return out


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


def _links(arts: Sequence[Article], *, threshold: float, window_days: int) -> dict[tuple[int, int], float]:
    """The linked pairs ``(i, j)`` of ``arts`` with their strength (similarity, times the shared names)."""
    titles = [title_names(a) for a in arts]
    names = lead_names(arts)
    df = Counter(name for ns in names for name in ns)
    # at most 12 articles or 4% of them, and never half of them (in a small window)
    common = min(max(DISTINCTIVE_FLOOR, DISTINCTIVE * len(arts)), len(arts) / 2)
    names = [{name for name in ns if df[name] <= common} for ns in names]
    links = {}
    for i, j, sim in similar_pairs(arts, window_days=window_days):
        shared = len(names[i] & names[j])
        by_names = shared >= NAMES_SHARED and 2 * shared >= NAME_OVERLAP * (len(names[i]) + len(names[j]))
        # Same development: similar leads whose titles name one same thing, or leads naming the same uncommon names.
        if (sim >= threshold and titles[i] & titles[j]) or (sim >= NAME_SIMILARITY and by_names):
            links[(i, j)] = sim * max(shared, 1)
    return links


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
    links = _links(arts, threshold=threshold, window_days=window_days)
    linked: dict[int, set[int]] = defaultdict(set)
    for i, j in links:
        linked[i].add(j)
        linked[j].add(i)
    members: dict[int, set[int]] = {}
    for i in range(len(arts)):
        members.setdefault(uf.find(i), set()).add(i)
    group_of = {j: i for i, js in members.items() for j in js}
    for (i, j), _ in sorted(links.items(), key=lambda kv: (-kv[1], kv[0])):
        small, large = sorted((group_of[i], group_of[j]), key=lambda g: len(members[g]))
        if small == large:
            continue
        # average linkage: at least half of the pairs of the two groups must be linked
        cross = sum(len(linked[x] & members[large]) for x in members[small])
        if 2 * cross < len(members[small]) * len(members[large]):
            continue
        for x in members[small]:
            group_of[x] = large
        members[large] |= members.pop(small)
    stories = []
    for group in members.values():
        items = [arts[i] for i in sorted(group)]
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
