"""The quality chart: a bar per tenth of the score, the ones sent to review in red."""

from __future__ import annotations

from app.charts.quality import REVIEW_COLOUR, score_distribution


def test_buckets_under_the_threshold_are_marked() -> None:
    rows = [{"from": i / 10, "to": (i + 1) / 10, "answers": i} for i in range(10)]
    bar = score_distribution(rows, 0.6).data[0]
    assert list(bar.y) == list(range(10)) and bar.x[0] == "0.0–0.1"
    assert [c == REVIEW_COLOUR for c in bar.marker.color] == [True] * 6 + [False] * 4
