"""The per-user cache of the knowledge base: what it reads back equals a fresh build, and it is read only
when it can be trusted."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import SHARED
from vigil.evaluate.annotations import resolve_records
from vigil.kb import KnowledgeBase, resolve_description
from vigil.kb import cache as kb_cache
from vigil.kb.entries import merge
from vigil.kb.knowledge import DATA_DIR, DEFAULT_FILES

DEV = Path(__file__).parents[2] / "annotations" / "actor_descriptions.actors.jsonl"
# a small knowledge base of its own (countries, titles, a person), quick to build in every test
SMALL = ("countries.yaml", "titles.yaml")
PERSON = """people:
  - {id: ada-quill, name: Ada Quill, country: JPN, roles: [[foreign minister, JPN, GOV, 2020-01-01, null]]}
"""
TEXTS = (
    "Japanese Foreign Minister Ada Quill met the U.S. ambassador in Tokyo on Monday.",
    "Protesters in Kandahar and Ontario, the French president and Kurds of northern Iraq.",
    "Former NATO secretary general Jens Stoltenberg told the Kishida administration that ethnic Hausa",
)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv(kb_cache.CACHE_ENV, str(directory))
    return directory


@pytest.fixture
def small(tmp_path: Path) -> list[Path]:
    """A copy of two packaged files and a people file of its own, in a temporary directory."""
    data = tmp_path / "data"
    data.mkdir()
    files = [Path(shutil.copy(DATA_DIR / name, data / name)) for name in SMALL]
    people = data / "people.yaml"
    people.write_text(PERSON, encoding="utf-8")
    return [*files, people]


def _kb_file(directory: Path, files: list[Path]) -> Path:
    return directory / f"kb-{kb_cache.cache_key(files)}.pickle"


def _same(a: KnowledgeBase, b: KnowledgeBase, day: date = date(2024, 6, 1)) -> None:
    assert list(a.actors()) == list(b.actors())
    assert list(a.surface_forms()) == list(b.surface_forms())
    for text in TEXTS:
        assert a.find_names(text) == b.find_names(text)
        assert a.find_countries(text, metonyms=True) == b.find_countries(text, metonyms=True)
        assert a.find_places(text) == b.find_places(text)
        assert a.find_peoples(text) == b.find_peoples(text)
        assert a.find_titles(text) == b.find_titles(text)
        assert a.has_former_modifier(text) == b.has_former_modifier(text)
        assert a.ethnic_spans(text) == b.ethnic_spans(text)
        assert resolve_description(a, text, day, None) == resolve_description(b, text, day, None)
    assert a.office_holders("foreign minister", "JPN", day) == b.office_holders("foreign minister", "JPN", day)


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="needs ../shared/corpus")
def test_cache_packaged_load_equals_a_fresh_build(kb: KnowledgeBase) -> None:
    # the session's knowledge base wrote the cache (tests/conftest.py gives the session a cache of its own)
    assert _kb_file(kb_cache.cache_dir(), list(DEFAULT_FILES)).is_file()
    cached = kb_cache.read("kb", kb_cache.cache_key(DEFAULT_FILES), KnowledgeBase)
    assert cached is not None and cached is not kb
    fresh = KnowledgeBase(merge(list(DEFAULT_FILES)))  # no cache involved
    assert len(cached) == len(fresh) > 20_000
    assert cached.data == fresh.data  # left out of the file, read back from the cached entries
    _same(cached, fresh)
    records = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    sample = resolve_records([r for i, r in enumerate(records) if i % 8 == 0], SHARED)
    for record in sample:
        day = date.fromisoformat(record["date"]) if record.get("date") else None
        want = resolve_description(fresh, record["text"], day, record.get("context"))
        assert resolve_description(cached, record["text"], day, record.get("context")) == want, record["id"]


def test_cache_is_read_back_and_equals_a_fresh_build(cache_dir: Path, small: list[Path]) -> None:
    first = KnowledgeBase.from_files(small)
    path = _kb_file(cache_dir, small)
    assert path.is_file() and path.stat().st_mode & 0o777 == 0o600
    assert cache_dir.stat().st_mode & 0o777 == 0o700
    assert sorted(p.name for p in cache_dir.iterdir()) == sorted([path.name, f"kbdata-{path.name[3:]}"])
    assert (cache_dir / f"kbdata-{kb_cache.cache_key(small)}.pickle").is_file()
    again = KnowledgeBase.from_files(small)
    assert again is not first
    assert again._patterns == first._patterns and again._patterns  # the patterns' source came with it
    assert "_names_re" not in vars(again)  # compiled patterns are not pickled
    fresh = KnowledgeBase(merge(small))
    _same(again, fresh)
    assert again.get("person:ada-quill") is not None
    assert again.data == fresh.data


def test_cache_key_follows_the_data(cache_dir: Path, small: list[Path]) -> None:
    key = kb_cache.cache_key(small)
    assert kb_cache.cache_key(small) == key
    assert kb_cache.cache_key(small[:2]) != key
    assert kb_cache.cache_key([small[1], small[0], small[2]]) != key  # load order matters
    assert KnowledgeBase.from_files(small).get("person:ada-quill").name == "Ada Quill"  # type: ignore[union-attr]
    small[2].write_text(PERSON.replace("Ada Quill", "Ada Quillon"), encoding="utf-8")
    assert kb_cache.cache_key(small) != key
    changed = KnowledgeBase.from_files(small)
    assert changed.get("person:ada-quill").name == "Ada Quillon"  # type: ignore[union-attr]
    assert changed.lookup("Quillon") and not changed.lookup("Ada Quill")


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other class"])
def test_cache_damaged_file_is_rebuilt(cache_dir: Path, small: list[Path], damage: str) -> None:
    KnowledgeBase.from_files(small)
    path = _kb_file(cache_dir, small)
    body = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a pickle at all")
    elif damage == "truncated":
        path.write_bytes(body[: len(body) // 2])
    else:
        path.write_bytes(pickle.dumps({"a": "dict"}))
    assert kb_cache.read("kb", kb_cache.cache_key(small), KnowledgeBase) is None
    rebuilt = KnowledgeBase.from_files(small)
    _same(rebuilt, KnowledgeBase(merge(small)))
    assert kb_cache.read("kb", kb_cache.cache_key(small), KnowledgeBase) is not None  # written again


def test_cache_unwritable_directory_means_no_cache(tmp_path: Path, small: list[Path], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(kb_cache.CACHE_ENV, str(blocker / "cache"))  # a directory that cannot be made, even by root
    kb = KnowledgeBase.from_files(small)
    _same(kb, KnowledgeBase(merge(small)))
    assert not (blocker / "cache").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "data"]  # no temporary file left anywhere


def test_cache_file_writable_by_others_is_not_read(cache_dir: Path, small: list[Path]) -> None:
    KnowledgeBase.from_files(small)
    path = _kb_file(cache_dir, small)
    key = kb_cache.cache_key(small)
    for mode in (0o666, 0o620):
        path.chmod(mode)
        assert kb_cache.read("kb", key, KnowledgeBase) is None
    KnowledgeBase.from_files(small)  # rebuilt and written again, private
    assert path.stat().st_mode & 0o777 == 0o600
    assert kb_cache.read("kb", key, KnowledgeBase) is not None


def test_cache_symlink_is_not_followed(cache_dir: Path, small: list[Path], tmp_path: Path) -> None:
    KnowledgeBase.from_files(small)
    path = _kb_file(cache_dir, small)
    elsewhere = tmp_path / "elsewhere.pickle"
    path.rename(elsewhere)
    path.symlink_to(elsewhere)
    assert kb_cache.read("kb", kb_cache.cache_key(small), KnowledgeBase) is None


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to give a file away")
def test_cache_file_of_another_user_is_not_read(cache_dir: Path, small: list[Path]) -> None:
    KnowledgeBase.from_files(small)
    path = _kb_file(cache_dir, small)
    os.chown(path, 65534, 65534)
    assert kb_cache.read("kb", kb_cache.cache_key(small), KnowledgeBase) is None


def test_cache_directory_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(kb_cache.CACHE_ENV, str(tmp_path / "explicit"))
    assert kb_cache.cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv(kb_cache.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert kb_cache.cache_dir() == tmp_path / "xdg" / "vigil"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert kb_cache.cache_dir() == tmp_path / "home" / ".cache" / "vigil"


def test_cache_user_files_go_on_top_of_the_cached_packaged_files(tmp_path: Path) -> None:
    # the packaged files add roles to Netanyahu in another file (ministers.yaml, 'roles'); a user file that
    # redefines him still gets them, as when every file is read in one go
    user = tmp_path / "mine.yaml"
    user.write_text(
        "people:\n  - {id: benjamin-netanyahu, name: Benjamin Netanyahu, country: ISR, aliases: [Bibi],"
        " roles: [[prime minister, ISR, GOV, 2022-12-29, null]]}\n",
        encoding="utf-8",
    )
    loaded = KnowledgeBase.load([user])
    fresh = KnowledgeBase(merge([*DEFAULT_FILES, user]))
    bibi = loaded.get("person:benjamin-netanyahu")
    assert bibi == fresh.get("person:benjamin-netanyahu")
    assert bibi is not None and "Bibi" in bibi.aliases
    assert any(r.title == "foreign minister" for r in bibi.roles)  # the packaged addition, applied after
    assert len(loaded) == len(fresh)
    assert loaded.lookup("Bibi") == fresh.lookup("Bibi")
