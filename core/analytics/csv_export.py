"""Every dashboard table and chart's data as CSV, the same rows the page shows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> str:
    """Rows (dicts) as CSV text with a header line; `columns` fixes their order (and gives the
    header of an empty table)."""
    frame = pd.DataFrame(list(rows), columns=list(columns) if columns is not None else None)
    return str(frame.to_csv(index=False, lineterminator="\n"))
