"""``/api/articles``: full-text search and the article with every extraction layer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from vigil import services
from vigil.api.context import AppContext, get_context
from vigil.api.errors import ApiError
from vigil.api.pagination import cursor_offset, encode_cursor, page_keyset
from vigil.api.params import ArticleId, Cursor, Limit, Since, Until
from vigil.api.schemas import ArticleItem, ArticlePage, article_detail, article_out
from vigil.models import Article

router = APIRouter(prefix="/api/articles", tags=["articles"])


@router.get("", response_model=ArticlePage)
def list_articles(
    ctx: Annotated[AppContext, Depends(get_context)],
    q: Annotated[str | None, Query(max_length=500, description="Words that must all appear (full-text).")] = None,
    since: Since = None,
    until: Until = None,
    source: Annotated[str | None, Query(max_length=300, description="Exact source (outlet).")] = None,
    include_duplicates: bool = True,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ArticlePage:
    """Articles, newest first (best match first with ``q``)."""
    store = ctx.store
    if q and q.strip():
        # Best-match order has no key to continue after: the cursor holds an offset.
        offset = cursor_offset(cursor)
        rows = store.articles(
            search=q,
            since=since,
            until=until,
            source=source,
            include_duplicates=include_duplicates,
            limit=limit + 1,
            offset=offset,
        )
        nxt = encode_cursor({"o": offset + limit}) if len(rows) > limit else None
        return ArticlePage(items=[article_out(a) for a in rows[:limit]], next_cursor=nxt)

    def fetch(after: tuple[Any, ...] | None, n: int) -> list[Article]:
        return store.articles(
            since=since,
            until=until,
            source=source,
            include_duplicates=include_duplicates,
            limit=n,
            after=_article_key(after),
        )

    items, nxt = page_keyset(fetch, lambda a: (a.published, a.id), cursor=cursor, limit=limit)
    return ArticlePage(items=[article_out(a) for a in items], next_cursor=nxt)


def _article_key(after: tuple[Any, ...] | None) -> tuple[date | None, str] | None:
    """A cursor's key as an article's sort key (a key of another list is a bad request)."""
    if after is None:
        return None
    if len(after) != 2 or not isinstance(after[1], str):
        raise ApiError(400, "Invalid cursor: pass back the next_cursor value of a previous page unchanged.")
    return (after[0], after[1])


@router.get("/{article_id}", response_model=ArticleItem)
def get_article(article_id: ArticleId, ctx: Annotated[AppContext, Depends(get_context)]) -> ArticleItem:
    """One article with its sentences, mentions, events, domain tags and tones."""
    store = ctx.store
    art = services.get_article(store, article_id)
    return ArticleItem(
        item=article_detail(
            art,
            store.sentences(art.id),
            store.mentions(art.id),
            store.events(article_id=art.id, limit=None),
            store.domain_tags(art.id),
            store.tones(art.id),
        )
    )
