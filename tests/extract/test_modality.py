"""Tests for vigil.extract.modality."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from vigil.extract.modality import is_hypothetical_np, modality
from vigil.models import Modality

GOLDEN = Path(__file__).with_name("golden_modality.yaml")
CASES: list[dict[str, Any]] = yaml.safe_load(GOLDEN.read_text(encoding="utf-8"))
# Floor for the golden set: currently 64/64; a single parser wobble must not fail CI,
# a real regression must.
ACCURACY_FLOOR = 0.9


def _token(doc: Any, word: str) -> int:
    w, _, n = word.partition("#")
    hits = [t.i for t in doc if t.text == w]
    assert hits, f"trigger {w!r} not in {doc.text!r}"
    return int(hits[int(n or 1) - 1])


def _sentence(nlp: Any, reference_text: str, needle: str) -> Any:
    doc = nlp(reference_text)
    for sent in doc.sents:
        if needle in sent.text:
            return sent
    raise AssertionError(f"no sentence with {needle!r} in the reference article")


def test_modality_golden_accuracy(nlp) -> None:  # type: ignore[no-untyped-def]
    misses = []
    for case in CASES:
        doc = nlp(case["text"])
        got, conf = modality(doc[:], _token(doc, case["trigger"]))
        assert 0.0 < conf <= 1.0
        if got.value != case["expected"]:
            misses.append((case["text"], case["trigger"], case["expected"], got.value))
    accuracy = 1 - len(misses) / len(CASES)
    assert accuracy >= ACCURACY_FLOOR, misses


def test_modality_golden_covers_all_categories() -> None:
    assert {c["expected"] for c in CASES} == {m.value for m in Modality}
    assert len(CASES) >= 60


@pytest.mark.parametrize(
    ("text", "trigger", "expected"),
    [
        ("The minister will visit Seoul.", "visit", Modality.INTENDED),
        ("The minister visited Seoul.", "visited", Modality.ASSERTED),
        ("The minister did not visit Seoul.", "visit", Modality.NEGATED),
        ("The minister would visit Seoul if invited.", "visit", Modality.HYPOTHETICAL),
        ("The minister reportedly visited Seoul.", "visited", Modality.REPORTED),
        ("Aides said the minister would visit Seoul.", "visit", Modality.INTENDED),
        ("Aides said the minister visited Seoul.", "visited", Modality.REPORTED),
        ("Aides said the minister could visit Seoul.", "visit", Modality.HYPOTHETICAL),
        ("The minister refused to visit Seoul.", "refused", Modality.ASSERTED),
        ("The minister refused to visit Seoul.", "visit", Modality.NEGATED),
        ("The envoy worked to arrange a meeting between the two leaders.", "meeting", Modality.INTENDED),
        ("The two leaders did not hold talks.", "talks", Modality.NEGATED),
        ("The two leaders held talks in Seoul.", "talks", Modality.ASSERTED),
    ],
)
def test_modality_minimal_pairs(nlp, text: str, trigger: str, expected: Modality) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    assert modality(doc[:], _token(doc, trigger))[0] is expected


def test_modality_no_trigger_uses_main_verb(nlp) -> None:  # type: ignore[no-untyped-def]
    assert modality(nlp("The summit is set to open on Monday.")[:])[0] is Modality.INTENDED
    assert modality(nlp("The talks are said to have stalled.")[:])[0] is Modality.REPORTED
    assert modality(nlp("The talks stalled.")[:]) == (Modality.ASSERTED, 0.7)


def test_modality_trigger_outside_sentence(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Talks stalled. Troops moved.")
    first = next(iter(doc.sents))
    with pytest.raises(ValueError, match="outside"):
        modality(first, len(doc) - 2)


def test_modality_reference_potential_second_administration(nlp, reference_text: str) -> None:  # type: ignore[no-untyped-def]
    sent = _sentence(nlp, reference_text, "potential second Trump administration")
    admin = next(t for t in sent if t.text == "administration")
    assert modality(sent, admin.i)[0] is Modality.HYPOTHETICAL
    chunk = next(nc for nc in sent.noun_chunks if nc.root.i == admin.i)
    assert is_hypothetical_np(chunk)


def test_modality_reference_prospect_of_trump_returning(nlp, reference_text: str) -> None:  # type: ignore[no-untyped-def]
    sent = _sentence(nlp, reference_text, "potentially returning to the White House")
    for word in ("clinching", "returning"):
        tok = next(t for t in sent if t.text == word)
        assert modality(sent, tok.i)[0] is Modality.HYPOTHETICAL, word


def test_modality_reference_concerted_efforts(nlp, reference_text: str) -> None:  # type: ignore[no-untyped-def]
    # Decision: the effort is happening (ASSERTED); its goal, fortifying relations, is INTENDED.
    sent = _sentence(nlp, reference_text, "making concerted efforts to fortify relations")
    making = next(t for t in sent if t.text == "making")
    fortify = next(t for t in sent if t.text == "fortify")
    assert modality(sent)[0] is Modality.ASSERTED
    assert modality(sent, making.i)[0] is Modality.ASSERTED
    assert modality(sent, fortify.i)[0] is Modality.INTENDED


def test_modality_reference_relying_on_aso(nlp, reference_text: str) -> None:  # type: ignore[no-untyped-def]
    sent = _sentence(nlp, reference_text, "is relying on Taro Aso")
    relying = next(t for t in sent if t.text == "relying")
    serve = next(t for t in sent if t.text == "serve")
    assert modality(sent)[0] is Modality.ASSERTED
    assert modality(sent, relying.i)[0] is Modality.ASSERTED
    # what Aso is relied on to do, serving as a bridge to Trump, is a role he is to play: intended
    assert modality(sent, serve.i)[0] is Modality.INTENDED


def test_modality_hypothetical_np_negatives(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("The second Trump administration imposed tariffs.")
    chunk = next(nc for nc in doc.noun_chunks if nc.root.text == "administration")
    assert not is_hypothetical_np(chunk)
    doc = nlp("The prospect of a trade war worried investors.")
    war = next(nc for nc in doc.noun_chunks if nc.root.text == "war")
    assert is_hypothetical_np(war)


def test_modality_golden_accuracy_without_lemmas(nlp) -> None:  # type: ignore[no-untyped-def]
    """The pipeline parses without spaCy's lemmatizer (vigil/extract/nlp.py): the cues still match their
    inflected forms ("said", "claims", "planned", "refused")."""
    misses = []
    for case in CASES:
        doc = nlp(case["text"])
        for tok in doc:
            tok.lemma_ = ""
        got, _ = modality(doc[:], _token(doc, case["trigger"]))
        if got.value != case["expected"]:
            misses.append((case["text"], case["trigger"], case["expected"], got.value))
    assert 1 - len(misses) / len(CASES) >= ACCURACY_FLOOR, misses
