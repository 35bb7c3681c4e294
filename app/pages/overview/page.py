"""Overview: today and the last 7 days at a glance, and conversations per day."""

from __future__ import annotations

import reflex as rx

from app import routes
from app.components import figure_card, figure_section
from app.pages.overview.state import METRICS, OverviewState
from app.registry import admin_page


def _metric_grid(heading: str, values: rx.Var, key: str) -> rx.Component:
    cards = [
        figure_card(label, values[i], help_text, data_metric=f"{key}-{i}")
        for i, (label, help_text) in enumerate(METRICS)
    ]
    return figure_section(heading, *cards, padding_bottom="1.5em")


@admin_page(
    route=routes.OVERVIEW,
    title="Overview",
    nav_group="Support",
    icon="layout-dashboard",
    order=1,
    on_load=OverviewState.load,
)
def overview_page() -> rx.Component:
    return rx.vstack(
        rx.cond(
            OverviewState.today.length() > 0,
            rx.fragment(
                _metric_grid("Today", OverviewState.today, "today"),
                _metric_grid("Last 7 days", OverviewState.week, "week"),
            ),
            rx.spinner(),
        ),
        rx.text(
            "Days are counted in the business's time zone, ",
            OverviewState.time_zone,
            ".",
            size="2",
            color_scheme="gray",
        ),
        rx.plotly(data=OverviewState.per_day_chart, width="100%"),
        width="100%",
        align="stretch",
    )
