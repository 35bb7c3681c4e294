"""The inbox's wording of how long a visitor has waited."""

from __future__ import annotations

import pytest

from app.pages.inbox.state import waiting_label


@pytest.mark.parametrize(
    ("seconds", "label"),
    [
        (None, ""),
        (0, "waiting < 1 min"),
        (59.9, "waiting < 1 min"),
        (60, "waiting 1 min"),
        (179, "waiting 2 min"),  # whole minutes waited, never rounded up
        (3600, "waiting 1 h"),
        (3600 + 25 * 60, "waiting 1 h 25 min"),
        (2 * 86400 + 3 * 3600 + 59, "waiting 2 d 3 h"),
    ],
)
def test_waiting_reads_in_whole_minutes_hours_and_days(seconds: float | None, label: str) -> None:
    assert waiting_label(seconds) == label
