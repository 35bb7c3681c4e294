"""The ROI page's charts: what the bot brought against what it cost, and the business beside
its industry baselines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from app.charts import BAR_COLOUR, laid_out

COST_COLOUR = "#b42318"
BASELINE_COLOUR = "#6b7280"


def gains_and_costs(rows: Sequence[Mapping[str, Any]], currency: str) -> go.Figure:
    """Bars for savings, attributed revenue and running cost (rows: {"item", "amount"})."""
    figure = go.Figure(
        go.Bar(
            x=[row["item"] for row in rows],
            y=[row["amount"] for row in rows],
            marker_color=[
                COST_COLOUR if row["item"] == "Running cost" else BAR_COLOUR for row in rows
            ],
            hovertemplate=f"%{{x}}: %{{y:,.2f}} {currency}<extra></extra>",
        )
    )
    laid_out(figure, title=f"What the bot brought and cost ({currency})")
    figure.update_layout(yaxis={"rangemode": "tozero"})
    return figure


def against_baselines(rows: Sequence[Mapping[str, Any]]) -> go.Figure:
    """Ours as a percentage of each baseline (100% = the baseline); rows as `compare` gives."""
    shown = [row for row in rows if row["ours"] is not None and row["baseline"]]
    labels = [f"{row['label']} ({row['year']})" for row in shown]
    figure = go.Figure(
        [
            go.Bar(
                name="Ours",
                x=labels,
                y=[100 * row["ours"] / row["baseline"] for row in shown],
                marker_color=BAR_COLOUR,
                hovertemplate="%{x}: %{y:.0f}% of the baseline<extra></extra>",
            ),
            go.Bar(
                name="Baseline",
                x=labels,
                y=[100.0] * len(shown),
                marker_color=BASELINE_COLOUR,
                hovertemplate="%{x}: baseline<extra></extra>",
            ),
        ]
    )
    laid_out(figure, title="Ours as % of each baseline (times: lower is better)", height=360)
    figure.update_layout(barmode="group", yaxis={"rangemode": "tozero", "ticksuffix": "%"})
    return figure
