"""CSV downloads hold the rows a dashboard shows, with a header even when there are none."""

from __future__ import annotations

import csv
import io

from core.analytics.csv_export import to_csv


def test_rows_come_back_as_written_and_an_empty_table_keeps_its_header() -> None:
    rows = [{"step": "Opened, chat", "visitors": 12}, {"step": 'Said "hi"', "visitors": 3}]
    text = to_csv(rows, ["step", "visitors"])
    assert list(csv.DictReader(io.StringIO(text))) == [
        {"step": "Opened, chat", "visitors": "12"},
        {"step": 'Said "hi"', "visitors": "3"},
    ]
    assert to_csv([], ["step", "visitors"]) == "step,visitors\n"
