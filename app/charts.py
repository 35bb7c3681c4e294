"""Figures for the admin's charts, built from what `core.analytics` computed.

The only module that imports plotly: states keep the analytics results and ask here for a figure,
so a chart's look is decided in one place and pages stay free of plotting code.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import plotly.graph_objects as go

# States annotate their chart vars with this, so they need not import plotly themselves.
Figure = go.Figure

BAR_COLOUR = "#0b6e4f"  # the widget's default colour, readable on light and dark backgrounds
# Transparent, so the chart sits on the page's own background in either colour scheme.
CLEAR = "rgba(0,0,0,0)"


def conversations_per_day(per_day: Sequence[tuple[date, int]]) -> go.Figure:
    """A bar per day, oldest first, as `core.analytics.queries.overview` returns them."""
    counts = [count for _, count in per_day]
    figure = go.Figure(
        go.Bar(
            x=[day.strftime("%a %d %b") for day, _ in per_day],
            y=counts,
            marker_color=BAR_COLOUR,
            hovertemplate="%{x}: %{y} conversations<extra></extra>",
        )
    )
    figure.update_layout(
        title="Conversations per day (last 7 days)",
        margin={"l": 40, "r": 10, "t": 50, "b": 40},
        height=320,
        # Whole conversations only: a tick every 1, 2, 5... never 0.5.
        yaxis={
            "rangemode": "tozero",
            "tickformat": "d",
            "dtick": max(1, -(-max(counts or [0]) // 5)),
        },
        paper_bgcolor=CLEAR,
        plot_bgcolor=CLEAR,
    )
    return figure
