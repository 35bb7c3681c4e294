"""Funnel figures from counts, with known drop-offs, times and groups."""

from __future__ import annotations

from core.analytics import funnels


def test_steps_drop_offs_times_and_groups() -> None:
    found = funnels.funnel_figures(
        name="Buyers",
        window_days=14,
        steps=["product_viewed", "conversation_started", "purchase"],
        reached=[10, 4, 2],
        seconds=[30, 7200],
        entered_by_group={True: 4, False: 6},
        converted_by_group={True: 2},
        attributed=1,
    )
    assert [(s.visitors, s.conversion, s.from_previous, s.dropped) for s in found.steps] == [
        (10, 1.0, 1.0, 0),
        (4, 0.4, 0.4, 6),
        (2, 0.2, 0.5, 2),
    ]
    assert (found.converted, found.median_seconds) == (2, 3615.0)
    assert dict(found.histogram)["under 1 min"] == 1 and dict(found.histogram)["1-6 h"] == 1
    assert [(g.group, g.entered, g.converted, g.conversion) for g in found.groups] == [
        ("chatters", 4, 2, 0.5),
        ("non-chatters", 6, 0, 0.0),
    ]
    assert (found.attributed, found.attributed_share) == (1, 0.5)
    assert found.as_json()["histogram"][0] == {"bin": "under 1 min", "visitors": 1}


def test_a_funnel_nobody_entered_has_no_shares() -> None:
    found = funnels.funnel_figures(
        name="Empty",
        window_days=14,
        steps=["signup", "purchase"],
        reached=[0, 0],
        seconds=[],
        entered_by_group={},
        converted_by_group={},
        attributed=0,
    )
    assert [s.conversion for s in found.steps] == [None, None]
    assert (found.median_seconds, found.attributed_share) == (None, None)
