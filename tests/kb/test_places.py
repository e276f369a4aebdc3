"""The hand-written gazetteer (vigil/kb/data/places.yaml): well-formed, unambiguous, and useful on real sentences."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from datetime import date
from functools import cache

import pytest
import yaml

from tests.conftest import SHARED, WIKINEWS
from vigil.kb import resolve_description
from vigil.kb.knowledge import _SURNAME_STOP, DATA_DIR, DEFAULT_FILES
from vigil.kb.names import name_key

GUARDIAN = SHARED / "corpus" / "guardian_sample" / "articles.jsonl"


def _groups(name: str) -> list[dict]:  # type: ignore[type-arg]
    return yaml.safe_load((DATA_DIR / name).read_text(encoding="utf-8"))["places"]


@cache
def _countries() -> list[dict]:  # type: ignore[type-arg]
    return yaml.safe_load((DATA_DIR / "countries.yaml").read_text(encoding="utf-8"))["countries"]


def test_places_file_is_loaded_after_phoenix_places() -> None:
    names = [p.name for p in DEFAULT_FILES]
    assert names.index("places.yaml") == names.index("phoenix_places.yaml") + 1


def test_every_group_is_a_known_country_with_a_source() -> None:
    codes = {c["code"] for c in _countries()}
    groups = _groups("places.yaml")
    assert len(groups) > 150
    seen: set[str] = set()
    for group in groups:
        assert group["country"] in codes, group["country"]
        assert group["country"] not in seen, f"two groups for {group['country']}"
        seen.add(group["country"])
        assert group["source"].startswith("general knowledge"), group["country"]
        assert group["names"] and all(isinstance(n, str) and n.strip() == n and n for n in group["names"])
    assert sum(len(g["names"]) for g in groups) > 5000


def test_no_name_is_a_country_name_alias_demonym_capital_or_people() -> None:
    forms = {}
    for c in _countries():
        for form in (c["name"], *(c.get(k) or () for k in ("aliases", "demonyms", "capitals", "peoples"))):
            for f in [form] if isinstance(form, str) else form:
                forms[name_key(f)] = (c["code"], f)
    names = [(n, g["country"]) for g in _groups("places.yaml") for n in g["names"]]
    assert [(n, code, forms[name_key(n)]) for n, code in names if name_key(n) in forms] == []


def test_no_name_belongs_to_two_countries() -> None:
    """A name two countries share is dropped by the loader: none is listed by mistake (here or against Phoenix)."""
    where: dict[str, set[str]] = defaultdict(set)
    for file in ("places.yaml", "phoenix_places.yaml"):
        for group in _groups(file):
            for n in group["names"]:
                where[name_key(n)].add(group["country"])
    mine = {name_key(n): n for g in _groups("places.yaml") for n in g["names"]}
    assert sorted(mine[k] for k, codes in where.items() if k in mine and len(codes) > 1) == []


def test_no_name_repeats_a_word() -> None:
    """Two names run together ("County County Wexford") are a slip of editing, not a place."""
    doubled = {"Wagga Wagga", "Bora Bora", "Tongo Tongo", "Dum Dum", "Phi Phi", "Koh Phi Phi", "Bio Bio", "Bío Bío"}
    repeats = [n for g in _groups("places.yaml") for n in g["names"] if len(set(n.split())) < len(n.split())]
    assert sorted(set(repeats) - doubled) == []


def test_no_name_is_a_common_surname_or_first_name() -> None:
    assert [n for g in _groups("places.yaml") for n in g["names"] if name_key(n) in _SURNAME_STOP] == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("officials in Mosul", "IRQ"),
        ("a Toronto lawyer", "CAN"),
        ("shelling in Kharkiv", "UKR"),
        ("shelling in Kharkov", "UKR"),
        ("the port of Odesa", "UKR"),
        ("the port of Odessa", "UKR"),
        ("Russian-occupied Crimea", "UKR"),
        ("strikes on Rafah", "PSE"),
        ("the premier of Ontario", "CAN"),
        ("the war in Tigray", "ETH"),
        ("a Sydney court", "AUS"),
        ("the governor of Sindh", "PAK"),
        ("police in Gauteng", "ZAF"),
    ],
)
def test_find_places(kb, text: str, code: str) -> None:  # type: ignore[no-untyped-def]
    assert [c for _, _, c in kb.find_places(text)] == [code]


# names of places in two countries, and places named like ordinary words: no country evidence
@pytest.mark.parametrize(
    "text", ["Santiago", "Georgia", "Punjab", "Kashmir", "Victoria", "Reading", "Tripoli", "Alexandria", "Nice", "Bath"]
)
def test_ambiguous_names_are_no_place(kb, text: str) -> None:  # type: ignore[no-untyped-def]
    assert kb.find_places(f"officials in {text}") == []


@cache
def _documents() -> list[tuple[str, str]]:
    """(date, text) of the Wikinews and Guardian articles of ../shared, read in place."""
    csv.field_size_limit(1 << 30)
    docs = []
    for path in WIKINEWS:
        with path.open(encoding="utf-8", newline="") as handle:
            docs += [(row["date"], row["text"]) for row in csv.DictReader(handle)]
    if GUARDIAN.is_file():
        for line in GUARDIAN.read_text(encoding="utf-8").splitlines():
            if line.strip():
                doc = json.loads(line)
                docs.append((doc["date"], doc["text"]))
    return docs


def _sentence(phrase: str) -> tuple[date, str]:
    for day, text in _documents():
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if phrase in sentence:
                return date.fromisoformat(day[:10]), " ".join(sentence.split())
    raise AssertionError(f"no article of ../shared/corpus holds {phrase!r}")


# (description, a phrase of its sentence in ../shared/corpus, the country): the place in the description or its
# sentence is the only country evidence.
_REAL = [
    ("the governor of Wisconsin", "Tony Evers, the governor of Wisconsin", "USA"),
    ("Mayor of Koszalin", "Mayor of Koszalin Piotr Jedlinski", "POL"),
    ("the police in Kamloops", "called the police in Kamloops", "CAN"),
    ("officials in Mosul", "asked by officials in Mosul", "IRQ"),
    ("Kurdish authorities in Qamishli", "Kurdish authorities in Qamishli", "SYR"),
    ("Police", "Police arrested a 36-year-old Cheltenham man", "GBR"),
    ("Protesters", "Protesters started at the park, Causeway Bay", "HKG"),
    ("police", "police shooting of Jacob Blake in Kenosha, Wisconsin led", "USA"),
]


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="needs ../shared/corpus")
@pytest.mark.parametrize(("text", "phrase", "code"), _REAL)
def test_real_sentences_resolve_through_places(kb, text: str, phrase: str, code: str) -> None:  # type: ignore[no-untyped-def]
    day, sentence = _sentence(phrase)
    assert text in sentence
    res = resolve_description(kb, text, day, sentence)
    assert res is not None and res.country == code, (text, sentence, res)
