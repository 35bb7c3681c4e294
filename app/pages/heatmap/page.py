"""Widget heatmap: where visitors click in the chat widget, laid over the real widget, for one
panel state and width class in the shared date range."""

from __future__ import annotations

import reflex as rx

from app.components import choice_field, figure_card, figure_section, toolbar
from app.date_range import dashboard
from app.pages.heatmap.state import PANELS, WIDTHS, HeatmapState
from app.pages.heatmap.views import element_table, preview_with_overlay
from app.registry import admin_page

TOTALS = (
    ("Clicks", HeatmapState.clicks, "In this panel state and width"),
    ("Rage clicks", HeatmapState.rage_clicks, "Three clicks within a second on one spot"),
    ("Dead clicks", HeatmapState.dead_clicks, "On nothing interactive"),
)


def _select(
    label: str,
    id_: str,
    choices: list[tuple[str, str]],
    value: rx.Var,
    on_change: rx.event.EventHandler,
) -> rx.Component:
    options = [rx.el.option(text, value=key) for key, text in choices]
    return choice_field(label, id_, options, value, on_change)


def _totals() -> rx.Component:
    return figure_section(
        "Rage and dead clicks",
        *[
            figure_card(label, value, help_text, data_metric=key)
            for (label, value, help_text), key in zip(
                TOTALS, ("clicks", "rage", "dead"), strict=True
            )
        ],
        width="100%",
    )


@admin_page(
    route="/heatmap",
    title="Widget heatmap",
    nav_group="Analytics",
    icon="mouse-pointer-click",
    order=4,  # the order: flows, funnels, then the heatmap
    on_load=HeatmapState.load,
)
def heatmap_page() -> rx.Component:
    return dashboard(
        HeatmapState.load,
        toolbar(
            _select(
                "Panel state",
                "heatmap-panel",
                PANELS,
                HeatmapState.panel,
                HeatmapState.choose_panel,
            ),
            _select(
                "Width class",
                "heatmap-width",
                WIDTHS,
                HeatmapState.width_class,
                HeatmapState.choose_width,
            ),
            spacing="4",
        ),
        rx.text(
            "Clicks visitors made in the chat widget, over the widget as they saw it.",
            size="2",
            color_scheme="gray",
        ),
        rx.flex(
            preview_with_overlay(),
            rx.vstack(_totals(), element_table(), flex="1", min_width="18em", spacing="5"),
            spacing="6",
            wrap="wrap",
            width="100%",
        ),
    )
