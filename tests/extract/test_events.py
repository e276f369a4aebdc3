"""Candidate pairs and the event / no-event gate's features (parsed with the packaged spaCy model)."""

from __future__ import annotations

from functools import cache

from vigil.extract.actors import ActorMention
from vigil.extract.events import candidates, gate_features


@cache
def _nlp():  # type: ignore[no-untyped-def]
    from vigil.extract.nlp import load_nlp

    return load_nlp().nlp


def _mention(text: str, surface: str, actor: str, kind: str = "country") -> ActorMention:
    start = text.index(surface)
    return ActorMention(
        sentence_index=0,
        start=start,
        end=start + len(surface),
        text=surface,
        label="GPE",
        actor_id=actor,
        confidence=1.0,
        country=None,
        sector=None,
        kind=kind,
    )


def test_events_candidates_and_gate_features() -> None:
    text = "Japan accused China of violating the agreement."
    nlp = _nlp()
    with nlp.select_pipes(disable=["entity_ruler"]):
        doc = nlp(text)
    ms = [_mention(text, "Japan", "country:JPN"), _mention(text, "China", "country:CHN")]
    found = candidates(doc, 0, ms, None)
    assert [(c.source.actor_id, c.target.actor_id) for c in found] == [("country:JPN", "country:CHN")]
    feats = gate_features(doc, found[0], 0, found)
    assert "lex=ACCUSE" in feats and "tw=accused" in feats
    assert any(k.startswith("t_path=") for k in feats)
    assert all(v == 1.0 for v in feats.values())
