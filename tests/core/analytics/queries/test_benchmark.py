"""The business's benchmark figures read from the database, with known answers, beside the
shipped baselines (tests/core/analytics/quality_data.py builds the conversations; each reply
comes 30 s after its question, plus the bot's measured latency)."""

from __future__ import annotations

from datetime import date

import pytest
from pytest import approx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.analytics.queries.benchmark import benchmark_figures
from core.db import session_scope
from tests.core.analytics.quality_data import Built, build

DAY = date(2033, 5, 10)


@pytest.fixture(scope="module")
def built(engine: Engine) -> Built:
    with session_scope(engine) as session:
        return build(session, DAY)


def test_our_figures_over_the_period(engine: Engine, built: Built) -> None:
    with Session(engine) as session:
        found = benchmark_figures(session=session, period=built.period)
    assert found.ours == approx(
        {
            # 30.5 (c1), 34 (c2: 4 s latency), 31 (c3), 30 (c4, no latency), 30 (c5)
            "first_response_seconds": 30.5,
            "bot_resolution_rate": 2 / 5,  # c1 confirmed, c2 assumed
            "satisfaction": 0.5,  # one thumbs-up, one thumbs-down
            "handoff_rate": 1 / 5,  # c4: an agent took over
            # c1: 30 s + 0.5 s; c2: 90 s + 1 s to its last answer; c4 (agent, not closed) left out
            "time_to_resolution_seconds": (30.5 + 91) / 2,
        }
    )
    assert found.counts == {
        "conversations": 5,
        "answered": 5,
        "resolved": 2,
        "handed_off": 1,
        "ratings": 2,
        "settled": 2,
    }


def test_each_shipped_baseline_is_compared_with_its_source_and_year(
    engine: Engine, built: Built
) -> None:
    with Session(engine) as session:
        rows = benchmark_figures(session=session, period=built.period).rows
    by_metric = {row["metric"]: row for row in rows}
    assert set(by_metric) == {
        "first_response_seconds",
        "bot_resolution_rate",
        "satisfaction",
        "handoff_rate",
        "time_to_resolution_seconds",
    }
    first = by_metric["first_response_seconds"]
    assert first["baseline"] == 37 and first["better"] is True and first["year"] == 2018
    assert "Comm100" in first["source"] and first["approximation"] is False
    assert by_metric["bot_resolution_rate"]["better"] is False  # 40% against 44.8%
    assert by_metric["bot_resolution_rate"]["difference"] == approx(0.4 - 0.448)
