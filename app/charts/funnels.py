"""The Funnels page's charts: visitors per step, and the time-to-convert histogram."""

from __future__ import annotations

import plotly.graph_objects as go

from app.charts import BAR_COLOUR, laid_out
from core.analytics.funnels import FunnelFigures


def steps(found: FunnelFigures) -> go.Figure:
    figure = go.Figure(
        go.Bar(
            x=[f"{s.number}. {s.step}" for s in found.steps],
            y=[s.visitors for s in found.steps],
            marker_color=BAR_COLOUR,
            customdata=[s.dropped for s in found.steps],
            hovertemplate="%{x}: %{y} visitors (%{customdata} dropped off)<extra></extra>",
        )
    )
    laid_out(figure, title=f"{found.name}: visitors per step")
    figure.update_layout(yaxis={"rangemode": "tozero", "tickformat": "d"})
    return figure


def time_to_convert(found: FunnelFigures) -> go.Figure:
    figure = go.Figure(
        go.Bar(
            x=[label for label, _ in found.histogram],
            y=[count for _, count in found.histogram],
            marker_color=BAR_COLOUR,
            hovertemplate="%{x}: %{y} visitors<extra></extra>",
        )
    )
    laid_out(figure, title="Time to convert")
    figure.update_layout(yaxis={"rangemode": "tozero", "tickformat": "d"})
    return figure


def empty(title: str) -> go.Figure:
    return laid_out(go.Figure(), title=title)
