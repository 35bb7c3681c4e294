"""The ROI page's charts: gains against cost, and ours as a share of each baseline."""

from __future__ import annotations

from app.charts.roi import against_baselines, gains_and_costs


def test_gains_and_costs_have_a_bar_each() -> None:
    rows = [
        {"item": "Savings", "amount": 10.0},
        {"item": "Attributed revenue", "amount": 150.0},
        {"item": "Running cost", "amount": 13.0},
    ]
    bar = gains_and_costs(rows, "USD").data[0]
    assert list(bar.y) == [10.0, 150.0, 13.0]


def test_baselines_without_a_figure_of_ours_are_left_out() -> None:
    rows = [
        {"label": "First response time", "year": 2018, "ours": 18.5, "baseline": 37.0},
        {"label": "Handoff rate", "year": 2025, "ours": None, "baseline": 0.552},
    ]
    ours, baseline = against_baselines(rows).data
    assert list(ours.x) == ["First response time (2018)"] and list(ours.y) == [50.0]
    assert list(baseline.y) == [100.0]
