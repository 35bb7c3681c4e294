"""The response-quality page's chart: how the period's answers are spread over the score."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from app.charts import BAR_COLOUR, laid_out

REVIEW_COLOUR = "#b42318"  # the buckets under the review threshold; readable in both themes


def score_distribution(rows: Sequence[Mapping[str, Any]], threshold: float) -> go.Figure:
    """A bar per tenth of the score, as `core.analytics.queries.quality` counts them."""
    labels = [f"{row['from']:.1f}–{row['to']:.1f}" for row in rows]
    colours = [REVIEW_COLOUR if row["to"] <= threshold else BAR_COLOUR for row in rows]
    figure = go.Figure(
        go.Bar(
            x=labels,
            y=[row["answers"] for row in rows],
            marker_color=colours,
            hovertemplate="score %{x}: %{y} answers<extra></extra>",
        )
    )
    laid_out(figure, title="Answers by overall score (red: sent to review)")
    figure.update_layout(yaxis={"rangemode": "tozero", "tickformat": "d"})
    return figure
