"""Figures for the admin's charts, built from what `core.analytics` computed.

The only package that imports plotly, one module per dashboard: states keep the analytics results
and ask here for a figure, so a chart's look is decided in one place and pages stay free of
plotting code.
"""

from __future__ import annotations

import plotly.graph_objects as go

# States annotate their chart vars with this, so they need not import plotly themselves.
Figure = go.Figure

BAR_COLOUR = "#0b6e4f"  # the widget's default colour, readable on light and dark backgrounds
# Transparent, so the chart sits on the page's own background in either colour scheme.
CLEAR = "rgba(0,0,0,0)"


def laid_out(figure: go.Figure, *, title: str, height: int = 320) -> go.Figure:
    """The admin's common chart frame: a title, tight margins, the page's own background."""
    figure.update_layout(
        title=title,
        margin={"l": 40, "r": 10, "t": 50, "b": 40},
        height=height,
        paper_bgcolor=CLEAR,
        plot_bgcolor=CLEAR,
    )
    return figure
