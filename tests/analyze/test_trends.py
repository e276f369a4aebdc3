from __future__ import annotations

from datetime import date, timedelta

from vigil.analyze.trends import domain_trends, iso_week
from vigil.analyze.watches import parse_watch
from vigil.analyze.window import Records
from vigil.models import Event, Modality, Tone

WATCH = parse_watch("name: t\nfocal: JPN\nsubject: s\ndomains: [trade]\noutcomes: []\n")


def ev(day: date, quad: int, i: int) -> Event:
    return Event(
        article_id=f"a{i}",
        sentence_index=0,
        date=day,
        source_actor="gov:USA",
        target_actor="gov:JPN",
        root="X",
        quad=quad,
        cameo=None,
        modality=Modality.ASSERTED,
        confidence=1.0,
        extractor="t",
        contexts=("trade",),
        stance=0.5,
    )


def test_trends_counts_balance_band_and_outliers() -> None:
    monday = date(2024, 1, 1)
    events = []
    i = 0
    for week in range(6):  # two cooperative events a week...
        for _ in range(2):
            events.append(ev(monday + timedelta(weeks=week), 1, i))
            i += 1
    for _ in range(9):  # ...then a burst of conflict in week 7
        events.append(ev(monday + timedelta(weeks=6, days=2), 4, i))
        i += 1
    series = {s.metric: s for s in domain_trends(Records.build([], events=events), WATCH)}
    counts, balance = series["events"], series["balance"]
    assert [p.value for p in counts.points] == [2.0] * 6 + [9.0]
    assert counts.points[-1].week == iso_week(monday + timedelta(weeks=6)) == "2024-W07"
    assert counts.points[-1].baseline == 2.0 and counts.outliers == (counts.points[-1],)
    assert balance.points[0].value == 1.0 and balance.points[-1].value == -1.0
    assert balance.outliers == (balance.points[-1],)
    assert counts.points[0].baseline is None  # no history, no band


def test_trends_tone_toward_focal_from_directed_tones() -> None:
    day = date(2024, 1, 3)
    events = [ev(day, 1, 0)]
    tones = [Tone("a0", 0, -0.6, "t", "gov:USA", "gov:JPN"), Tone("a0", 0, 0.9, "t", "gov:JPN", "gov:USA")]
    from vigil.models import Article, DateSource, DomainTag

    art = Article(
        "a0", "x", None, None, None, day, DateSource.FIELD, "en", __import__("datetime").datetime(2024, 1, 3), "t"
    )
    records = Records.build([art], events=events, tones=tones, domains=[DomainTag("a0", 0, "trade", 1.0, "t")])
    tone = next(s for s in domain_trends(records, WATCH) if s.metric == "tone")
    assert tone.points[0].value == -0.6  # only the tone *toward* the focal country
