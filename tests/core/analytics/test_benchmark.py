"""Comparing figures with baselines, and the owner's baseline form."""

from __future__ import annotations

from core.analytics.benchmark import check_baseline, compare


def test_lower_is_better_for_times_and_higher_for_shares() -> None:
    rows = compare(
        {"first_response_seconds": 20.0, "satisfaction": 0.7, "handoff_rate": None},
        [
            {"metric": "satisfaction", "value": 0.8, "source": "Survey", "year": 2020},
            {"metric": "first_response_seconds", "value": 37, "source": "Report", "year": 2018},
            {"metric": "first_response_seconds", "value": 10, "source": "Mine", "year": 2026},
            {"metric": "handoff_rate", "value": 0.5, "source": "Other", "year": 2024},
        ],
    )
    assert [(r["metric"], r["source"], r["better"]) for r in rows] == [
        ("first_response_seconds", "Report", True),
        ("first_response_seconds", "Mine", False),  # an owner's own, stricter baseline
        ("satisfaction", "Survey", False),
        ("handoff_rate", "Other", None),  # nothing measured yet
    ]
    assert rows[0]["difference"] == -17.0


def test_an_owners_baseline_is_checked_field_by_field() -> None:
    good = {"metric": "satisfaction", "value": "0.85", "source": "Our 2024 survey", "year": "2024"}
    assert check_baseline(good) == (
        {
            "metric": "satisfaction",
            "value": 0.85,
            "source": "Our 2024 survey",
            "year": 2024,
            "approximation": False,
            "note": "",
        },
        "",
    )
    assert "between 0 and 1" in check_baseline(good | {"value": "85"})[1]
    assert "Choose which figure" in check_baseline(good | {"metric": "nps"})[1]
    assert "where the figure comes from" in check_baseline(good | {"source": " "})[1]
    assert "year" in check_baseline(good | {"year": "last year"})[1]
