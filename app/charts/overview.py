"""The Overview's chart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go

from app.charts import BAR_COLOUR, laid_out


def conversations_per_day(per_day: Sequence[tuple[date, int]]) -> go.Figure:
    """A bar per day, oldest first, as `core.analytics.queries.overview.overview` returns them."""
    counts = [count for _, count in per_day]
    figure = go.Figure(
        go.Bar(
            x=[day.strftime("%a %d %b") for day, _ in per_day],
            y=counts,
            marker_color=BAR_COLOUR,
            hovertemplate="%{x}: %{y} conversations<extra></extra>",
        )
    )
    laid_out(figure, title="Conversations per day (last 7 days)")
    # Whole conversations only: a tick every 1, 2, 5... never 0.5.
    figure.update_layout(
        yaxis={
            "rangemode": "tozero",
            "tickformat": "d",
            "dtick": max(1, -(-max(counts or [0]) // 5)),
        }
    )
    return figure
