from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import RECALL_VIEW, copy_store
from vigil.analyze.briefs import build_brief, render_html, render_markdown, render_pdf, sparkline_svg
from vigil.analyze.probabilities import set_probability
from vigil.analyze.watches import Watch
from vigil.analyze.window import load_records
from vigil.store import Store, open_store
from vigil.store import analysis as analysis_store
from vigil.store.corrections import add_correction


def test_briefs_sparkline_is_svg_with_gaps() -> None:
    svg = sparkline_svg([1.0, None, 2.0, 3.0], band=(0.5, 2.5))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 1 and "<rect" in svg  # the lone first point is a dot, the band a rect
    assert sparkline_svg([None]).startswith("<svg")


def test_briefs_markdown_cites_and_records_changes(seed_store: Store, japan_watch: Watch) -> None:
    first = build_brief(seed_store, japan_watch, min_confidence=RECALL_VIEW)
    md = render_markdown(first)
    assert "## Bridges" in md and "**Taro Aso**" in md
    # Every claim cites its article and sentence.
    assert re.search(r"“[^”]*relying on Taro Aso[^”]*bridge to Trump\.” \[[0-9a-f]{12} §\d+, 2024-01-27\]", md)
    assert "second Trump administration" in md
    assert "First brief of this watch." in md
    second = build_brief(seed_store, japan_watch, min_confidence=RECALL_VIEW)
    assert second.previous is not None and second.new_stories == []
    # the previous brief as a date and a minute, not an ISO timestamp
    assert re.fullmatch(
        r"Previous brief: \d{4}-\d\d-\d\d \d\d:\d\d UTC\.", _line(render_markdown(second), "Previous brief:")
    )


def _line(text: str, start: str) -> str:
    line = next(x for x in text.splitlines() if x.startswith(start))
    return line.split(" New stories")[0]


def test_briefs_html_escapes_article_text(seed_store: Store, japan_watch: Watch) -> None:
    brief = build_brief(seed_store, japan_watch, save=False)
    hostile = "<script>alert('x')</script>"
    entry = brief.developments[0]
    brief.developments[0] = type(entry)(**{**{f: getattr(entry, f) for f in entry.__slots__}, "title": hostile})  # type: ignore[attr-defined]
    page = render_html(brief)
    assert hostile not in page and "&lt;script&gt;" in page
    assert "<svg" in page or "Domain trends" in page


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) not installed")
def test_briefs_pdf_renders_non_blank(seed_store: Store, japan_watch: Watch, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    from PIL import Image

    brief = build_brief(seed_store, japan_watch, save=False)
    pdf = render_pdf(render_html(brief), tmp_path / "brief.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    png = next(tmp_path.glob("page*.png"))
    image = Image.open(png).convert("L")
    lo, hi = image.getextrema()
    dark = image.histogram()[:128]
    dark = sum(dark)
    assert hi - lo > 100 and dark > 500  # text on the page, not a blank sheet
    keep = Path("/tmp/w5")
    if keep.is_dir():
        shutil.copy(png, keep / "brief-page1.png")


def test_a_second_brief_with_nothing_new_says_so(seed_store: Store, japan_watch: Watch) -> None:
    build_brief(seed_store, japan_watch)
    second = build_brief(seed_store, japan_watch)
    assert second.changes == [] and second.new_stories == []
    assert "Nothing new since the previous brief." in render_markdown(second)


def test_brief_says_what_changed_by_name_with_citations(corpus_path: Path, gbr_watch: Watch, tmp_path: Path) -> None:
    """Briefs of the 2020 coverage, before and after the election: the second names the new ties, the
    signposts newly observed, the candidacy changes and the probability moves, each with its sentence."""
    store = open_store(copy_store(corpus_path, tmp_path / "briefs.db"))
    try:
        build_brief(store, gbr_watch, until=date(2020, 6, 30))
        set_probability(store, gbr_watch, "biden", 0.6, "after the primaries")
        second = build_brief(store, gbr_watch, until=date(2020, 12, 31))
    finally:
        store.close()
    kinds = {c.kind for c in second.changes}
    assert {"new tie", "signpost", "candidacy", "probability"} <= kinds
    assert any(c.kind == "signpost" and "president-elect" in c.text and c.citation for c in second.changes)
    assert any(c.kind == "candidacy" and "Kamala Harris" in c.text for c in second.changes)
    assert any(c.kind == "probability" and c.text == "biden: none → 60%" for c in second.changes)
    ties = [c for c in second.changes if c.kind == "new tie"]
    assert all(c.citation is not None for c in ties)
    # by name, and never a state's tie to itself
    assert not any(re.search(r"\b(gov|person|prov|country|org):", c.text) for c in ties)
    assert not any(re.match(r"(Government of )?(.+) → \2 \(", c.text.replace("Government of ", "")) for c in ties)


def test_probabilities_of_exclusive_outcomes_warn_or_normalise(seed_store: Store, japan_watch: Watch) -> None:
    set_probability(seed_store, japan_watch, "trump", 0.45, "polls")
    update = set_probability(seed_store, japan_watch, "democrats", 0.7, "convention bounce")
    assert update.warning is not None and "115%" in update.warning
    update = set_probability(seed_store, japan_watch, "democrats", 0.7, "convention bounce", normalise=True)
    assert update.warning is None and [(r.outcome, r.probability) for r in update.rows] == [
        ("democrats", 0.7),
        ("trump", 0.3),
    ]
    assert "normalised after democrats" in update.rows[1].reason


def test_a_brief_as_of_a_day_is_what_was_known_then(corpus_path: Path, gbr_watch: Watch, tmp_path: Path) -> None:
    """A store fed day by day (each article ingested the day after it was published): the brief as of
    2020-06-30 holds the articles known by then, and later corrections and probabilities do not change it."""
    import sqlite3

    path = copy_store(corpus_path, tmp_path / "asof.db")
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE articles SET ingested_at = datetime(published, '+1 day', '+6 hours') || '.000000' "
            "WHERE published IS NOT NULL"
        )
    store = open_store(path)
    try:
        day = date(2020, 6, 30)
        before = render_markdown(build_brief(store, gbr_watch, as_of=day))
        assert "as known on 2020-06-30" in before
        records = load_records(store, as_of=day, since=gbr_watch.start)
        assert records.articles and max(a.published for a in records.articles.values() if a.published) <= date(
            2020, 6, 29
        )
        event = next(e for e in store.events(limit=None, since=date(2020, 1, 1), until=day))
        add_correction(store, "reject", event.id, {}, "later knowledge", "tester")
        set_probability(store, gbr_watch, "biden", 0.6, "later")
        assert render_markdown(build_brief(store, gbr_watch, as_of=day)) == before
        assert analysis_store.latest_brief(store, gbr_watch.name) is None  # an as-of brief is never recorded
        assert event.id not in {e.id for e in load_records(store, since=gbr_watch.start).events}
    finally:
        store.close()


def test_top_developments_lead_with_the_focal_country_and_the_election_s_side(corpus: Store, gbr_watch: Watch) -> None:
    """On the 2020 coverage the UK watch's first development is one between the UK's side and the United States
    ("UK urges US to waive immunity for diplomat's wife"), with that event as its key event, before the stories
    of the U.S. campaign that only name the candidates."""
    brief = build_brief(corpus, gbr_watch, save=False)
    first = brief.developments[0]
    assert first.bearing >= 1 and first.title is not None and "UK urges US" in first.title, first
    assert first.key_event is not None and first.key_event.startswith("Boris Johnson"), first.key_event
    assert [t.bearing for t in brief.developments] == sorted((t.bearing for t in brief.developments), reverse=True)


def test_the_board_s_candidates_are_those_of_the_newest_article(seed_store: Store, japan_watch: Watch) -> None:
    """A brief over the January 2024 reference article names the candidates of that day (Biden), not those of
    the watch's end (Harris from 2024-07-21, which the watch file knows but no article of the store says)."""
    brief = build_brief(seed_store, japan_watch, save=False)
    assert brief.until == japan_watch.end and brief.board_day == date(2024, 1, 27)
    md = render_markdown(brief)
    assert "- candidates on 2024-01-27: Joe Biden" in md and "Kamala Harris" not in md
    assert "candidates on 2024-01-27" in render_html(brief)


def test_domains_without_events_are_one_line_not_empty_rows(seed_store: Store, japan_watch: Watch) -> None:
    """The reference article's default view holds one diplomacy event: the other domains of the watch are
    named in one line, not listed with three empty rows each."""
    from vigil.analyze.briefs import quiet_domains

    brief = build_brief(seed_store, japan_watch, save=False)
    quiet = quiet_domains(brief)
    assert quiet and "diplomacy" not in quiet and set(quiet) < set(japan_watch.domains)
    md = render_markdown(brief)
    assert f"No events in the window in: {', '.join(quiet)}." in md
    rows = [line for line in md.splitlines() if line.startswith("| ") and "metric" not in line]
    assert rows and not [r for r in rows if r.split(" | ")[0].removeprefix("| ") in quiet]
    assert f"No events in the window in: {', '.join(quiet)}." in render_html(brief)
