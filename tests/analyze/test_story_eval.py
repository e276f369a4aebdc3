"""The story-membership score on the annotated groups responds to the clustering as it should."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SHARED
from vigil.evaluate.stories import score_stories

ANNOTATIONS = Path(__file__).resolve().parents[2] / "annotations"


def test_story_scores_bound_the_clustering() -> None:
    joined_all = score_stories(ANNOTATIONS, SHARED, threshold=0.0, window_days=400)
    same_day = score_stories(ANNOTATIONS, SHARED, threshold=1.01, window_days=0)
    default = score_stories(ANNOTATIONS, SHARED)
    assert joined_all["groups"] == default["groups"] >= 90 and default["reports"] >= 280
    # any similarity within a year joins (titles still need a name in common): more pairs, near misses too
    assert joined_all["recall"] > default["recall"] and joined_all["predicted_pairs"] > default["predicted_pairs"]
    assert joined_all["near_misses_joined"] > default["near_misses_joined"]
    # no text link and reports of one day only: the shared names alone join fewer pairs
    assert 0 < same_day["predicted_pairs"] < default["predicted_pairs"] and same_day["recall"] < default["recall"]
    # reports of one development by different outlets join on the names they share (recall was 0.005 on text alone)
    assert default["precision"] >= 0.9 and default["recall"] >= 0.25
    assert default["near_misses_joined"] <= 0.05 * default["near_misses"]
    # a watch's month (20 to 150 articles) has fewer uncommon names: the shared names still join a quarter
    by_month = score_stories(ANNOTATIONS, SHARED, by_month=True)
    assert by_month["precision"] >= 0.9 and by_month["recall"] >= 0.2
