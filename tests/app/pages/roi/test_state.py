"""The ROI page's rows and CSV hold the figures the JSON command prints."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.pages.roi.state import COMPARISON_COLUMNS, INPUT_COLUMNS, comparison_row, money, shown
from core.analytics.csv_export import to_csv
from core.analytics.dashboards import all_figures
from core.analytics.queries import benchmark, roi
from core.db import session_scope
from tests.core.analytics.quality_data import Built, build

DAY = date(2033, 7, 10)


@pytest.fixture(scope="module")
def built(engine: Engine) -> Built:
    with session_scope(engine) as session:
        return build(session, DAY)


def test_rows_and_csv_agree_with_the_json(engine: Engine, built: Built) -> None:
    with Session(engine) as session:
        printed = all_figures(session=session, period=built.period)
        page_roi = roi.figures(session=session, period=built.period)
        page_bench = benchmark.figures(session=session, period=built.period)
    assert printed["roi"] == page_roi and printed["benchmark"] == page_bench
    inputs = pd.read_csv(io.StringIO(to_csv(page_roi["inputs"], INPUT_COLUMNS)))
    assert list(inputs["source"]) == [row["source"] for row in printed["roi"]["inputs"]]
    rows = [comparison_row(row, i) for i, row in enumerate(page_bench["comparison"])]
    resolution = next(r for r in rows if r["label"] == "Bot resolution rate")
    assert (resolution["ours"], resolution["baseline"], resolution["verdict"]) == (
        "40.0%",
        "44.8%",
        "worse",
    )
    assert resolution["kind"] == "approximation" and resolution["year"] == "2025"
    csv = pd.read_csv(io.StringIO(to_csv(page_bench["comparison"], COMPARISON_COLUMNS)))
    assert list(csv["metric"]) == [row["metric"] for row in printed["benchmark"]["comparison"]]


def test_money_and_times_read_as_people_write_them() -> None:
    assert money(1234.5, "EUR") == "1,234.50 EUR" and money(None, "EUR") == "–"
    assert shown(37, "seconds") == "37.0 s" and shown(865, "seconds") == "14.4 min"
    assert shown(0.8068, "share") == "80.7%"
