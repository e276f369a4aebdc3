"""The store's tables as migration ``0001_initial`` creates them: frozen, never edited.

A store is made by applying every migration in turn, so ``0001_initial`` must create the
schema as it was when that migration was written; the later migrations add to it (event
coder and dates, the keyed LSH bands, the analysis tables, ...). A change to the schema is a
new migration in :mod:`vigil.store.migrations` plus its declaration in
:mod:`vigil.store.schema`, never an edit here.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

__all__ = ["metadata"]

articles = Table(
    "articles",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("url", Text),
    Column("source", String(200)),
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("published", Date),
    Column("date_source", String(16), nullable=False),
    Column("date_note", Text),
    Column("language", String(16)),
    Column("ingested_at", DateTime, nullable=False),
    Column("origin", Text, nullable=False),
    Column("duplicate_of", String(32)),
    Column("story_id", String(32)),
    Index("ix_articles_published", "published"),
    Index("ix_articles_source", "source"),
    Index("ix_articles_duplicate_of", "duplicate_of"),
)

# MinHash signatures and their LSH band keys: near-duplicate lookups are index
# queries, so memory does not grow with the store.
minhashes = Table(
    "article_minhashes",
    metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
)

lsh_bands = Table(
    "lsh_bands",
    metadata,
    Column("band_key", String(40), nullable=False),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Index("ix_lsh_bands_key", "band_key"),
    Index("ix_lsh_bands_article", "article_id"),
)

rejections = Table(
    "rejections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("origin", Text, nullable=False),
    Column("location", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", DateTime, nullable=False),
)

# --- extraction ---------------------------------------------------------------

extractions = Table(
    "extractions",
    metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("extractor", String(64), nullable=False),
    Column("at", DateTime, nullable=False),
)

sentences = Table(
    "sentences",
    metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
)

actors = Table(
    "actors",
    metadata,
    Column("id", String(120), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("country", String(8)),
    Column("sector", String(8)),
    Column("aliases", JSON, nullable=False),
    Column("roles", JSON, nullable=False),
    Column("wikidata", String(32)),
    Column("provisional", Boolean, nullable=False),
    Index("ix_actors_country", "country"),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("sentence_idx", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("label", String(32), nullable=False),
    Column("actor_id", String(120)),
    Column("country", String(8)),
    Column("sector", String(8)),
    Column("confidence", Float, nullable=False),
    Column("extractor", String(64), nullable=False),
    Index("ix_mentions_article", "article_id"),
    Index("ix_mentions_actor", "actor_id"),
)

events = Table(
    "events",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("sentence_idx", Integer, nullable=False),
    Column("date", Date),
    Column("source_actor", String(120)),
    Column("target_actor", String(120)),
    Column("source_text", Text),
    Column("target_text", Text),
    Column("source_start", Integer),
    Column("source_end", Integer),
    Column("target_start", Integer),
    Column("target_end", Integer),
    Column("trigger_start", Integer),
    Column("trigger_end", Integer),
    Column("root", String(16)),
    Column("quad", Integer),
    Column("cameo", String(8)),
    Column("mode", String(32)),
    Column("modality", String(16), nullable=False),
    Column("contexts", JSON, nullable=False),
    Column("stance", Float),
    Column("confidence", Float, nullable=False),
    Column("extractor", String(64), nullable=False),
    Index("ix_events_article", "article_id"),
    Index("ix_events_date", "date"),
    Index("ix_events_source", "source_actor"),
    Index("ix_events_target", "target_actor"),
)

domain_tags = Table(
    "domain_tags",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("sentence_idx", Integer),
    Column("domain", String(32), nullable=False),
    Column("score", Float, nullable=False),
    Column("extractor", String(64), nullable=False),
    Index("ix_domain_tags_article", "article_id"),
    Index("ix_domain_tags_domain", "domain"),
)

tones = Table(
    "tones",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("sentence_idx", Integer),
    Column("score", Float, nullable=False),
    Column("source_actor", String(120)),
    Column("target_actor", String(120)),
    Column("confidence", Float, nullable=False),
    Column("extractor", String(64), nullable=False),
    Index("ix_tones_article", "article_id"),
)
