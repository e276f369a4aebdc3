from __future__ import annotations

from datetime import date

from vigil.models import (
    Actor,
    DateSource,
    DomainTag,
    Event,
    Extraction,
    Mention,
    Modality,
    RawArticle,
    Rejection,
    Role,
    Sentence,
    Tone,
)
from vigil.scale.rows import Precomputed, extraction_from_json, extraction_to_json, from_row, to_row

AID = "a" * 24


def _extraction() -> Extraction:
    return Extraction(
        article_id=AID,
        extractor="p1+test",
        sentences=(Sentence(AID, 0, 0, 40), Sentence(AID, 1, 41, 90)),
        mentions=(
            Mention(AID, 0, 0, 5, "Japan", "GPE", "gov:JPN", 0.9, "p1+test", "JPN", "GOV"),
            Mention(AID, 1, 41, 45, "Él", "PERSON", None, 0.12345678901234, "p1+test"),
        ),
        events=(
            Event(
                article_id=AID,
                sentence_index=0,
                date=date(2020, 2, 29),
                source_actor="gov:JPN",
                target_actor="prov:x",
                root="AGREE",
                quad=1,
                cameo="057",
                modality=Modality.HYPOTHETICAL,
                confidence=0.5,
                extractor="p1+test",
                source_text="Japan",
                target_text="x",
                source_span=(0, 5),
                target_span=(10, 11),
                trigger_span=(6, 9),
                mode="statement",
                contexts=("trade", "security"),
                stance=-0.25,
            ),
            Event(AID, 1, None, None, None, None, None, None, Modality.ASSERTED, 0.0, "p1+test"),
        ),
        domains=(DomainTag(AID, 0, "trade", 0.75, "domains"), DomainTag(AID, None, "trade", 0.5, "domains")),
        tones=(Tone(AID, 0, 0.1, "tone"), Tone(AID, None, -0.2, "tone", "gov:JPN", "prov:x", 0.7)),
        actors=(
            Actor("prov:x", "X", "organisation", provisional=True),
            Actor(
                "person:fumio-kishida",
                "Fumio Kishida",
                "person",
                "JPN",
                "GOV",
                ("Kishida",),
                (Role("prime minister", "JPN", "GOV", date(2021, 10, 4), date(2024, 10, 1)),),
                "Q1139488",
            ),
        ),
    )


def test_records_extraction_round_trips_through_json() -> None:
    x = _extraction()
    assert extraction_from_json(extraction_to_json(x)) == x


def test_records_rows_round_trip() -> None:
    raw = RawArticle("Text here.", None, "https://x", "x", date(2020, 1, 2), DateSource.FIELD, "in.csv", "row 2", "en")
    rejection = Rejection("in.csv", "row 3", "no text")
    assert from_row(to_row(raw)) == (raw, None)
    assert from_row(to_row(rejection)) == (rejection, None)
    x = _extraction()
    assert from_row(to_row(raw, x)) == (raw, x)


def test_records_precomputed_returns_each_batch_then_forgets_it() -> None:
    from datetime import datetime

    from vigil.models import Article

    raw = RawArticle("Text here.", None, None, None, None, DateSource.NONE, "f", "line 1")
    x = _extraction()
    pre = Precomputed("v")
    assert list(pre.records([to_row(raw, x)])) == [raw]
    art = Article(AID, raw.text, None, None, None, None, DateSource.NONE, None, datetime(2020, 1, 1), "f")
    other = Article("b" * 24, raw.text, None, None, None, None, DateSource.NONE, None, datetime(2020, 1, 1), "f")
    assert pre.extract([art, other]) == [x]
    assert pre.extract([art]) == []
