"""The story-membership score on the annotated groups responds to the clustering as it should."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SHARED
from vigil.evaluate.stories import score_stories

ANNOTATIONS = Path(__file__).resolve().parents[2] / "annotations"


def test_story_scores_bound_the_clustering() -> None:
    joined_all = score_stories(ANNOTATIONS, SHARED, threshold=0.0, window_days=400)
    nothing = score_stories(ANNOTATIONS, SHARED, threshold=1.01, window_days=0)
    default = score_stories(ANNOTATIONS, SHARED)
    assert joined_all["groups"] == default["groups"] >= 90 and default["reports"] >= 280
    # any similarity within a year joins (titles still need a name in common): more pairs, near misses too
    assert joined_all["recall"] > default["recall"] and joined_all["predicted_pairs"] > default["predicted_pairs"]
    assert joined_all["near_misses_joined"] > default["near_misses_joined"]
    assert nothing["predicted_pairs"] == 0 and nothing["recall"] == 0.0
    assert default["precision"] >= 0.9 and default["near_misses_joined"] == 0
