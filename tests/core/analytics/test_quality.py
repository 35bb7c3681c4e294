"""The quality score's parts and the helpfulness model, without a database."""

from __future__ import annotations

from pytest import approx

from core.analytics.quality import (
    MIN_RATED,
    Cell,
    HelpfulnessModel,
    overall,
    relevance_band,
    speed_score,
)


def test_speed_is_full_up_to_the_target_then_falls_with_the_latency() -> None:
    assert speed_score(None) == 1.0 and speed_score(2000) == 1.0
    assert speed_score(4000) == 0.5 and speed_score(8000) == 0.25


def test_overall_weights_sum_to_one() -> None:
    assert overall(1, 1, 1, 1) == approx(1.0)
    assert overall(0.6, 0, 0, 1) == approx(0.28)


def test_the_model_predicts_a_cells_thumbs_up_share_once_it_has_enough_ratings() -> None:
    model = HelpfulnessModel.fit(
        [Cell(1, 3, MIN_RATED, MIN_RATED * 3 // 4), Cell(0, 1, MIN_RATED - 1, 0)]
    )
    assert relevance_band(0.9) == 3 and relevance_band(0.6) == 1 and relevance_band(0.2) == 0
    assert model.predict(0.9, 1) == approx(0.75)  # fitted cell
    assert model.predict(0.6, 0) == approx(0.3)  # too few ratings: (0.6 + 0) / 2
    assert model.predict(0.2, 1) == approx(0.6)  # no ratings at all: (0.2 + 1) / 2
    assert "1 of 8 cells" in model.describe()
