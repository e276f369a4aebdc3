"""What the dashboard's pages show for ids: actors by name, articles by label, sources by outlet or host.

One :class:`Names` per rendered page looks each id up in the store once; templates call it for every
actor and article they show, so no page prints a raw ``person:``/``gov:`` id or a hex article id
as text (ids stay in links' ``href`` and in ``title`` tooltips).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from vigil.models import article_label
from vigil.store import Store

__all__ = ["Names", "url_host"]


def url_host(url: str | None) -> str | None:
    """The host of an http(s) URL without ``www.`` (None for anything else)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return None
    host = parts.hostname
    return host[4:] if host.startswith("www.") else host


def _readable_id(actor_id: str) -> str:
    """A last resort for an id the store does not know: its name part (``prov:acme-corp`` -> "acme corp")."""
    tail = actor_id.split(":", 1)[-1]
    return tail.replace("-", " ").replace("_", " ").strip() or actor_id


class Names:
    """Readable names for the actor and article ids of one page (each looked up once)."""

    def __init__(self, store: Store | None) -> None:
        self._store = store
        self._actors: dict[str, str | None] = {}
        self._articles: dict[str, str | None] = {}

    def known(self, actor_id: str | None) -> str | None:
        """The actor's stored name, or None when the store does not know the id."""
        if not actor_id:
            return None
        if actor_id not in self._actors:
            found = self._store.get_actor(actor_id) if self._store is not None else None
            if found is None and not actor_id.startswith("prov:"):
                # Stored events may name knowledge-base actors that the store does not hold (loaded once, cached).
                from vigil.kb import KnowledgeBase

                found = KnowledgeBase.load().get(actor_id)
            self._actors[actor_id] = found.name if found is not None else None
        return self._actors[actor_id]

    def actor(self, actor_id: str | None, fallback: str | None = None) -> str:
        """How the page names an actor: its name, else ``fallback`` (the text that mentioned it), else
        the name part of the id; "—" for no actor."""
        if not actor_id:
            return fallback or "—"
        return self.known(actor_id) or fallback or _readable_id(actor_id)

    def article(self, article_id: str | None, title: str | None = None) -> str:
        """How the page names an article (:func:`vigil.models.article_label`): its title, else its first words."""
        if title and title.strip():
            return article_label(title, None)
        if not article_id:
            return "(unknown article)"
        if article_id not in self._articles:
            found = self._store.get_article(article_id) if self._store is not None else None
            self._articles[article_id] = found.label if found is not None else None
        return self._articles[article_id] or "(unknown article)"

    @staticmethod
    def source(source: str | None, url: str | None = None) -> str:
        """The article's outlet: its source, else its URL's host, else "unknown source"."""
        if source and source.strip():
            return source.strip()
        return url_host(url) or "unknown source"
