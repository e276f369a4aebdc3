from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from vigil.analyze.briefs import build_brief, render_html, render_markdown, render_pdf, sparkline_svg
from vigil.analyze.watches import Watch
from vigil.store import Store


def test_briefs_sparkline_is_svg_with_gaps() -> None:
    svg = sparkline_svg([1.0, None, 2.0, 3.0], band=(0.5, 2.5))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<polyline") == 1 and "<rect" in svg  # the lone first point is a dot, the band a rect
    assert sparkline_svg([None]).startswith("<svg")


def test_briefs_markdown_cites_and_records_changes(seed_store: Store, japan_watch: Watch) -> None:
    first = build_brief(seed_store, japan_watch)
    md = render_markdown(first)
    assert "## Bridges" in md and "**Taro Aso**" in md
    # Every claim cites its article and sentence.
    assert re.search(r"“[^”]*relying on Taro Aso[^”]*bridge to Trump\.” \[[0-9a-f]{12} §\d+, 2024-01-27\]", md)
    assert "second Trump administration" in md
    assert "First brief of this watch." in md
    second = build_brief(seed_store, japan_watch)
    assert second.previous is not None and second.new_stories == []
    # the previous brief as a date and a minute, not an ISO timestamp
    assert re.fullmatch(
        r"Previous brief: \d{4}-\d\d-\d\d \d\d:\d\d UTC\.", _line(render_markdown(second), "Previous brief:")
    )
    # ties by the actors' names
    md2 = render_markdown(second)
    assert not re.search(r" tie: [^\n]*\b(gov|person|prov|country):", md2), md2


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
