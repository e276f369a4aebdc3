"""The project's own news annotations, stored by reference to the corpus in ``../shared``.

An annotation record names a corpus file, an article in it, the sentence's character offsets
into the article's text and a hash of the sentence; events name their actors by offsets into
the sentence. No third-party text is stored: `load` reads the sentences from the corpus and
checks each hash, so a changed corpus is an error rather than silently wrong labels.

Record (JSON Lines)::

    {"id": "ann-0001", "corpus": "wikinews/wikinews_2019.csv", "article": "<url>", "start": 120,
     "end": 245, "sha1": "<12 hex>", "date": "2019-10-15", "annotator": "a1",
     "events": [{"source": [0, 12], "target": [30, 45], "event": "CONSULT", "quad": 1,
                 "modality": "asserted"}], "note": "..."}
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from vigil.coder.labels import ROOT_TO_QUAD
from vigil.errors import ConfigError

MODALITIES = ("asserted", "intended", "hypothetical", "negated", "reported")


@dataclass(frozen=True)
class CorpusArticle:
    corpus: str  # path relative to shared/corpus or shared/fixtures, e.g. "wikinews/wikinews_2019.csv"
    key: str  # the article's URL, id or feed guid
    date: str | None
    text: str
    title: str | None = None


def sentence_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def _wikinews(shared: Path) -> Iterator[CorpusArticle]:
    csv.field_size_limit(sys.maxsize)
    for path in sorted((shared / "corpus/wikinews").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield CorpusArticle(
                    f"wikinews/{path.name}", row["url"], row["date"] or None, row["text"], row.get("title")
                )


def _guardian(shared: Path) -> Iterator[CorpusArticle]:
    path = shared / "corpus/guardian_sample/articles.jsonl"
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            yield CorpusArticle(
                "guardian_sample/articles.jsonl", row["id"], row.get("date"), row["text"], row.get("title")
            )


def _feeds(shared: Path) -> Iterator[CorpusArticle]:
    """Feed items' descriptions; an item repeated across snapshots is read once (first file)."""
    seen: set[str] = set()
    for path in sorted((shared / "fixtures/feeds").glob("*.xml")):
        for item in ET.parse(path).iter("item"):
            guid = (item.findtext("guid") or item.findtext("link") or "").strip()
            text = (item.findtext("description") or "").strip()
            if not guid or not text or guid in seen:
                continue
            seen.add(guid)
            published = item.findtext("pubDate")
            day = parsedate_to_datetime(published).date().isoformat() if published else None
            yield CorpusArticle(f"feeds/{path.name}", guid, day, text, (item.findtext("title") or "").strip() or None)


def corpus_articles(shared: Path) -> Iterator[CorpusArticle]:
    """Every English article of ``shared`` that annotations may refer to."""
    yield from _wikinews(shared)
    yield from _guardian(shared)
    yield from _feeds(shared)


_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Sgt|Capt|Gov|Sen|Rep|St|Jr|Sr|No|vs|etc|Inc|Ltd|Co|Corp|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|U\.N|E\.U)\.|\b[A-Z]\.)$"
)
_BOUNDARY = re.compile(r"[.!?][\"'”’)]*(?=\s+[\"'“‘(]?[A-Z0-9])|\n\s*\n|\n")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence offsets (start, end) in ``text``: stripped, never empty; rules, not a model."""
    spans = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if match.group().startswith((".",)) and _ABBREVIATIONS.search(text[start : match.start() + 1]):
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    out = []
    for begin, end in spans:
        chunk = text[begin:end]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            out.append((begin + lead, begin + lead + len(stripped)))
    return out


@dataclass(frozen=True)
class AnnotatedSentence:
    id: str
    corpus: str
    article: str
    date: str | None
    text: str
    events: list[dict[str, Any]]
    annotator: str | None


def is_reference(record: dict[str, Any]) -> bool:
    """True for a record that points into the corpus instead of holding text."""
    return "sha1" in record and "corpus" in record and "text" not in record


def resolve_records(records: list[dict[str, Any]], shared: Path, source: str = "annotations") -> list[dict[str, Any]]:
    """By-reference records as the gold schemas of ``eval/dev`` (``text``, ``context``, event actor texts).

    Actor-description records (with ``span``) get ``text`` (the description) and ``context`` (the
    sentence); event records get ``text`` and their events' ``source``/``target`` strings.

    Raises:
        ConfigError: an article is missing from the corpus or a sentence has changed.
    """
    wanted = {r["corpus"] for r in records if is_reference(r)}
    if not wanted:
        return records
    if not shared.is_dir():
        raise ConfigError(
            f"{source} refer to the corpus in {shared}, which is not there: check out the shared data beside "
            "the project or set the shared folder (setting `shared`, VIGIL_SHARED)."
        )
    texts = {(a.corpus, a.key): a.text for a in corpus_articles(shared) if a.corpus in wanted}
    out = []
    for n, record in enumerate(records, 1):
        if not is_reference(record):
            out.append(record)
            continue
        sentence = _sentence(texts, record, f"{source}:{n}")
        resolved = dict(record)
        if "span" in record:
            resolved["text"] = sentence[slice(*record["span"])]
            resolved["context"] = sentence
        else:
            resolved["text"] = sentence
            resolved["events"] = [
                {
                    **e,
                    "source": sentence[slice(*e["source"])],
                    "target": sentence[slice(*e["target"])],
                    "quad": ROOT_TO_QUAD.get(e["event"], e.get("quad")),
                }
                for e in record["events"]
            ]
        out.append(resolved)
    return out


def _sentence(texts: dict[tuple[str, str], str], record: dict[str, Any], where: str) -> str:
    text = texts.get((record["corpus"], record["article"]))
    if text is None:
        raise ConfigError(f"{where}: article {record['article']!r} not found in {record['corpus']}")
    sentence = text[record["start"] : record["end"]]
    if sentence_hash(sentence) != record["sha1"]:
        raise ConfigError(f"{where}: the sentence at {record['start']}-{record['end']} has changed in the corpus")
    return sentence


def load(paths: list[Path], shared: Path) -> list[AnnotatedSentence]:
    """Annotation files resolved against the corpus; every mismatch is a `ConfigError`."""
    records = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    records.append((path, number, json.loads(line)))
    wanted = {record["corpus"] for _, _, record in records}
    texts = {(a.corpus, a.key): a.text for a in corpus_articles(shared) if a.corpus in wanted}
    out = []
    for path, number, record in records:
        where = f"{path}:{number}"
        sentence = _sentence(texts, record, where)
        events = []
        for event in record["events"]:
            if event["event"] not in ROOT_TO_QUAD or event["modality"] not in MODALITIES:
                raise ConfigError(f"{where}: unknown root or modality in {event}")
            (s0, s1), (t0, t1) = event["source"], event["target"]
            events.append(
                {
                    **event,
                    "source": sentence[s0:s1],
                    "target": sentence[t0:t1],
                    "source_span": (s0, s1),
                    "target_span": (t0, t1),
                    "quad": ROOT_TO_QUAD[event["event"]],
                }
            )
        out.append(
            AnnotatedSentence(record["id"], record["corpus"], record["article"], record.get("date"), sentence,
                              events, record.get("annotator"))
        )  # fmt: skip
    return out
