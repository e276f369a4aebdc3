"""The article reader's model: each sentence cut into highlighted pieces, with what was extracted from it.

Offsets of mentions and event spans point into ``Article.text``; overlapping spans are cut at
every boundary so that each piece carries the set of highlights covering it. Templates escape
every piece: nothing here produces markup.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from vigil.models import Article, DomainTag, Event, Mention, Sentence, Tone

__all__ = ["Piece", "ReaderSentence", "reader_sentences"]


@dataclass(frozen=True, slots=True)
class Highlight:
    start: int
    end: int
    kind: str  # mention, trigger, source, target
    label: str
    actor: str | None = None
    modality: str | None = None


@dataclass(slots=True)
class Piece:
    """A run of text under one set of highlights."""

    text: str
    classes: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    actor: str | None = None

    @property
    def css(self) -> str:
        return " ".join(sorted(set(self.classes)))


@dataclass(slots=True)
class ReaderSentence:
    """A sentence, its pieces and every record extracted from it (provenance)."""

    index: int | None
    start: int
    end: int
    pieces: list[Piece]
    events: list[Event] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    domains: list[DomainTag] = field(default_factory=list)
    tones: list[Tone] = field(default_factory=list)


def _pieces(text: str, start: int, end: int, highlights: list[Highlight]) -> list[Piece]:
    cuts = {start, end}
    inside = [h for h in highlights if h.start < end and h.end > start and h.end > h.start]
    for h in inside:
        cuts.add(max(start, h.start))
        cuts.add(min(end, h.end))
    bounds = sorted(cuts)
    out: list[Piece] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        covering = [h for h in inside if h.start <= a and h.end >= b]
        piece = Piece(text[a:b])
        for h in covering:
            piece.classes.append(h.kind)
            if h.modality:
                piece.classes.append(f"mod-{h.modality}")
            piece.titles.append(h.label)
            if h.actor and piece.actor is None:
                piece.actor = h.actor
        out.append(piece)
    return out


def reader_sentences(
    article: Article,
    sentences: list[Sentence],
    mentions: list[Mention],
    events: list[Event],
    domains: list[DomainTag],
    tones: list[Tone],
) -> list[ReaderSentence]:
    """The article cut into sentences (and the text between them), each with highlights and provenance."""
    text = article.text
    highlights: list[Highlight] = []
    for m in mentions:
        label = f"{m.label}: {m.text}" + (f" → {m.actor_id}" if m.actor_id else " (unresolved)")
        highlights.append(Highlight(m.start, m.end, "mention", label, m.actor_id))
    for e in events:
        what = f"{e.root or 'STATEMENT'} (quad {e.quad}, {e.modality.value}, confidence {e.confidence:.2f})"
        if e.trigger_span:
            highlights.append(Highlight(*e.trigger_span, "trigger", "event " + what, None, e.modality.value))
        if e.source_span:
            highlights.append(Highlight(*e.source_span, "source", f"source of {e.root or 'STATEMENT'}", e.source_actor))
        if e.target_span:
            highlights.append(Highlight(*e.target_span, "target", f"target of {e.root or 'STATEMENT'}", e.target_actor))
    by_index: dict[int | None, ReaderSentence] = {}
    out: list[ReaderSentence] = []
    pos = 0
    for s in sorted(sentences, key=lambda x: x.start):
        if s.start > pos and text[pos : s.start].strip():
            out.append(ReaderSentence(None, pos, s.start, _pieces(text, pos, s.start, highlights)))
        rs = ReaderSentence(s.index, s.start, s.end, _pieces(text, s.start, s.end, highlights))
        by_index[s.index] = rs
        out.append(rs)
        pos = max(pos, s.end)
    if pos < len(text) and text[pos:].strip():
        out.append(ReaderSentence(None, pos, len(text), _pieces(text, pos, len(text), highlights)))
    grouped: dict[int, list[Event]] = defaultdict(list)
    for e in events:
        grouped[e.sentence_index].append(e)
    for idx, rs in by_index.items():
        if idx is None:
            continue
        rs.events = grouped.get(idx, [])
        rs.mentions = [m for m in mentions if m.sentence_index == idx]
        rs.domains = [d for d in domains if d.sentence_index == idx]
        rs.tones = [t for t in tones if t.sentence_index == idx]
    # Blank "sentences" (paragraph breaks) with nothing extracted are layout, not content.
    return [rs for rs in out if text[rs.start : rs.end].strip() or rs.events or rs.mentions]
