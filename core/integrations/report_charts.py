"""The weekly report's chart as a PNG: plotly's static export through kaleido, which drives
the system's Chromium (Debian's `chromium`; about 3 s a chart on 2 busy cores). The only plotly
import outside the admin's charts. Without a browser the report goes without its chart."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 640, 280


def conversations_chart(
    days: Sequence[date], this_week: Sequence[int], week_before: Sequence[int]
) -> bytes | None:
    """Conversations per day, this week's bars beside the week before's; None when no browser
    can draw it (the e-mail says so in its place)."""
    import plotly.graph_objects as go

    labels = [f"{day:%a} {day.day}" for day in days]
    figure = go.Figure(
        [
            go.Bar(name="Week before", x=labels, y=list(week_before), marker_color="#b8c4d0"),
            go.Bar(name="This week", x=labels, y=list(this_week), marker_color="#0b6e4f"),
        ]
    )
    figure.update_layout(
        barmode="group",
        width=WIDTH,
        height=HEIGHT,
        margin={"l": 40, "r": 10, "t": 10, "b": 40},
        legend={"orientation": "h", "y": 1.1},
        plot_bgcolor="white",
        font={"family": "Arial, sans-serif", "size": 12},
    )
    figure.update_yaxes(gridcolor="#e5e7eb", rangemode="tozero")
    try:
        return bytes(figure.to_image(format="png", width=WIDTH, height=HEIGHT))
    except Exception as error:  # kaleido raises its own errors when no Chromium runs
        log.warning("weekly report: no chart (%s: %s)", type(error).__name__, error)
        return None
