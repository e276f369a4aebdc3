"""The actor knowledge base: countries, governments, IGOs, office holders with dates, titles.

Load it with :meth:`KnowledgeBase.load` and resolve descriptions with
:func:`resolve_description`. Data files live in ``vigil/kb/data`` (format:
``vigil/kb/README.md``).
"""

from __future__ import annotations

from vigil.kb.knowledge import KnowledgeBase, country_actor_id, government_actor_id
from vigil.kb.resolve import Resolution, resolve_description

__all__ = ["KnowledgeBase", "Resolution", "country_actor_id", "government_actor_id", "resolve_description"]
