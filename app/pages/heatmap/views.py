"""The heatmap's two views of the same clicks: the widget's preview with a cell laid over each
clicked part of it, and the table of clicks per element (the overlay's text alternative)."""

from __future__ import annotations

import reflex as rx

from app.date_range import csv_button
from app.pages.heatmap.state import HeatmapState

ELEMENT_HEADERS = ("Element", "Clicks", "Share", "Rage clicks", "Dead clicks")


def _cell(cell: rx.Var) -> rx.Component:
    return rx.box(
        position="absolute",
        left=cell["left"],
        top=cell["top"],
        width=cell["width"],
        height=cell["height"],
        background_color=cell["background"],
        class_name="heatmap-cell",
        data_clicks=cell["clicks"],
        data_hottest=cell["hottest"],
    )


def preview_with_overlay() -> rx.Component:
    """The real widget (the chat server's /preview, in the admin's theme) under the click
    density. The frame is inert: the preview is looked at, not used."""
    width = HeatmapState.frame_width.to_string() + "px"
    height = HeatmapState.frame_height.to_string() + "px"
    return rx.el.figure(
        rx.box(
            rx.cond(
                HeatmapState.chat_url != "",
                rx.el.iframe(
                    src=rx.color_mode_cond(
                        light=HeatmapState.preview_light, dark=HeatmapState.preview_dark
                    ),
                    title=HeatmapState.frame_label,
                    width=width,
                    height=height,
                    border="0",
                    display="block",
                    custom_attrs={"inert": ""},
                    id="heatmap-preview",
                ),
            ),
            rx.box(
                rx.foreach(HeatmapState.cells, _cell),
                position="absolute",
                inset="0",
                pointer_events="none",
                aria_hidden="true",
                id="heatmap-overlay",
            ),
            position="relative",
            width=width,
            height=height,
            border="1px solid var(--gray-a6)",
            box_sizing="content-box",
        ),
        rx.el.figcaption(
            "Where visitors clicked: the redder a square, the more clicks. "
            "The table lists the same clicks by element.",
            font_size="var(--font-size-2)",
            padding_top="0.5em",
            max_width="24em",
        ),
        csv_button("clicks per grid square", HeatmapState.download_cells, margin_top="0.5em"),
        margin="0",
    )


def _element_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.el.code(row["element"])),
        rx.table.cell(row["clicks"]),
        rx.table.cell(row["share"]),
        rx.table.cell(row["rage_clicks"]),
        rx.table.cell(row["dead_clicks"]),
        data_element=row["element"],
    )


def element_table() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Clicks per element", as_="h2", size="4"),
            csv_button("clicks per element", HeatmapState.download_elements),
            align="center",
            spacing="3",
            wrap="wrap",
        ),
        rx.cond(
            HeatmapState.elements.length() > 0,
            rx.table.root(
                rx.el.caption(
                    "Clicks on each element of the widget ('none': on nothing interactive)",
                    class_name="visually-hidden",
                ),
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(h) for h in ELEMENT_HEADERS])
                ),
                rx.table.body(rx.foreach(HeatmapState.elements, _element_row)),
                width="100%",
            ),
            rx.cond(
                HeatmapState.loaded,
                rx.text("No clicks in this view and date range.", color_scheme="gray"),
                rx.spinner(),
            ),
        ),
        width="100%",
        spacing="2",
    )
