"""The store's tables, declared once with SQLAlchemy Core for every backend."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
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
    text,
)

metadata = MetaData()

migrations = Table(
    "vigil_migrations",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("applied_at", DateTime, nullable=False),
)

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
    # The coder of a provenance record of imported events (migration 0007); NULL for an article.
    Column("imported", String(16)),
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

# One row per (band, article): the primary key makes concurrent writers of the same
# article idempotent (migration 0004_lsh_unique), and serves lookups by band key.
lsh_bands = Table(
    "lsh_bands",
    metadata,
    Column("band_key", String(40), primary_key=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
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
    # Who coded the event: VIGIL, or the source of an import (GDELT, ICEWS, ACLED, PLOVER); migration 0007.
    Column("coder", String(16), nullable=False, server_default="VIGIL"),
    # When the event happened as its sentence says, and how precisely (vigil.models.DateGranularity);
    # NULL for an imported event or one extracted before migration 0008.
    Column("occurred", Date),
    Column("occurred_granularity", String(16)),
    Index("ix_events_article", "article_id"),
    Index("ix_events_date", "date"),
    Index("ix_events_source", "source_actor"),
    Index("ix_events_target", "target_actor"),
    Index("ix_events_coder", "coder"),
    Index("ix_events_occurred", "occurred"),
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

EXTRACTION_TABLES = (sentences, mentions, events, domain_tags, tones, extractions)

# --- analysis (watches, stories, alerts, briefs, scenario probabilities) -------------

watches = Table(
    "watches",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("yaml", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

stories = Table(
    "stories",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("title", Text),
    Column("first_date", Date),
    Column("last_date", Date),
    Column("articles", Integer, nullable=False),
    Column("lead_article", String(32), nullable=False),
    Column("method", String(64), nullable=False),
    Column("computed_at", DateTime, nullable=False),
    Index("ix_stories_first_date", "first_date"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("watch", String(100), nullable=False),
    Column("rule", String(100), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("at", DateTime, nullable=False),
    Index("ix_alerts_watch", "watch", "at"),
)

briefs = Table(
    "briefs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watch", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("since", Date),
    Column("until", Date),
    Column("summary", JSON, nullable=False),
    Column("markdown", Text, nullable=False),
    Index("ix_briefs_watch", "watch", "created_at"),
)

scenario_probabilities = Table(
    "scenario_probabilities",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watch", String(100), nullable=False),
    Column("outcome", String(100), nullable=False),
    Column("probability", Float, nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", DateTime, nullable=False),
    Column("author", String(100), nullable=False, server_default=text("''")),  # migration 0014 ('': not recorded)
    Index("ix_scenario_probabilities_watch", "watch", "outcome", "at"),
)

# Every version of a watch's YAML as stored, by whom, when and why (migration 0014): the history of
# its outcomes, their candidates and camps (vigil.analyze.history).
watch_revisions = Table(
    "watch_revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("watch", String(100), nullable=False),
    Column("yaml", Text, nullable=False),
    Column("author", String(100), nullable=False),
    Column("reason", Text, nullable=False),
    Column("at", DateTime, nullable=False),
    Index("ix_watch_revisions_watch", "watch", "at"),
)

# Analysts' corrections, applied on top of extraction in every view (migration 0010).
corrections = Table(
    "corrections",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),  # reject, relabel, redate, merge, split, undo
    Column("target", String(200), nullable=False),  # an event id, an actor id, or a correction id (undo)
    Column("value", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    Column("author", String(100), nullable=False),
    Column("at", DateTime, nullable=False),
    Index("ix_corrections_target", "target"),
)

# Alert deliveries that failed, kept for a later retry (migration 0011).
pending_deliveries = Table(
    "pending_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", String(32), nullable=False),
    Column("watch", String(100), nullable=False),
    Column("target", JSON, nullable=False),  # {kind, path, url}
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=False),
    Column("next_at", DateTime, nullable=False),
    Column("given_up", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", DateTime, nullable=False),
    Index("ix_pending_deliveries_next", "given_up", "next_at"),
)

ANALYSIS_TABLES = (watches, stories, alerts, briefs, scenario_probabilities)

# --- GDELT Global Knowledge Graph (``vigil import gdelt-gkg``; migration 0014) ------------------------
# A GKG record describes a document, not an event: its tone, the names, places and themes in it. The
# document itself is a provenance record (an ``articles`` row with ``imported`` = GDELT, no text), the
# one GDELT events reported in it hang on too.

gkg_records = Table(
    "gkg_records",
    metadata,
    Column("id", String(32), primary_key=True),  # hash of the GKG version, record key and document
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("version", String(24), nullable=False),  # 2.1, 2.1-translingual, 1.0, 1.0-counts
    Column("gkg_id", Text),  # GKGRECORDID (2.1); None for 1.0
    Column("date", Date),
    Column("tone", Float),  # GDELT's average tone, -100..100 (in practice -10..10)
    Column("positive", Float),
    Column("negative", Float),
    Column("polarity", Float),
    Column("word_count", Integer),
    Column("language", String(16)),  # the source language of a translingual record (ISO 639-3)
    Column("themes", JSON, nullable=False),
    Column("locations", JSON, nullable=False),
    Column("countries", JSON, nullable=False),  # ISO-3 codes of the countries of the locations
    Column("counts", JSON, nullable=False),
    Column("origin", Text, nullable=False),
    Index("ix_gkg_records_article", "article_id"),
    Index("ix_gkg_records_date", "date"),
)

gkg_names = Table(
    "gkg_names",
    metadata,
    Column("record_id", String(32), ForeignKey("gkg_records.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(16), primary_key=True),  # person or organisation
    Column("name", Text, primary_key=True),
    Column("actor_id", String(120)),  # the knowledge base's actor of that name, else None
    Column("mentions", Integer, nullable=False),
    Index("ix_gkg_names_actor", "actor_id"),
)

GKG_TABLES = (gkg_records, gkg_names)

# One row (id 1): a number that every write transaction raises as its last statement, so that it
# changes exactly when what a reader can see changes (the key of the server's caches and ETags).
store_version = Table(
    "store_version",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", BigInteger, nullable=False),
)

# What each write transaction may have changed of what a watch reads (migration 0016): one row per
# store version. ``scope`` is ``all`` (anything: corrections, imports, stories, a store made before
# the log), ``watch`` (one watch's own rows: its definition, its probabilities), ``dates`` (articles
# published from ``since`` to ``until`` and their extraction) or ``none`` (nothing a view reads:
# alerts, briefs, deliveries). A watch's inputs version is the last version whose change it may see.
store_changes = Table(
    "store_changes",
    metadata,
    Column("version", BigInteger, primary_key=True, autoincrement=False),
    Column("scope", String(8), nullable=False),
    Column("watch", String(100)),
    Column("since", Date),
    Column("until", Date),
)

# The dashboard's views of each watch over its whole window, computed once per inputs version
# (migration 0016): ``body`` is the view in a typed JSON (vigil.store.kept), ``basis`` a digest of
# what else the view depends on (the watch's definition, the analysis code and knowledge base, the
# view settings). ``version`` is the store version the view was computed at.
watch_views = Table(
    "watch_views",
    metadata,
    Column("watch", String(100), primary_key=True),
    Column("view", String(32), primary_key=True),
    Column("inputs", BigInteger, nullable=False),
    Column("basis", String(64), nullable=False),
    Column("version", BigInteger, nullable=False),
    Column("computed_at", DateTime, nullable=False),
    Column("body", LargeBinary, nullable=False),
)
