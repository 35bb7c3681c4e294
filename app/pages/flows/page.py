"""Flows: the paths conversations take, as a Sankey beside tables of the same figures, with the
conversations behind any step or link one click (or one button) away."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from app.charts.flows import sankey_plot
from app.components import (
    chart_figure,
    choice_field,
    figure_card,
    figure_grid,
    keyed_table,
    labelled,
    section,
    toolbar,
)
from app.date_range import csv_button, dashboard
from app.pages.flows.state import FlowsState
from app.registry import admin_page

TOTALS = (
    ("Conversations with a path", "The bot replied at least once"),
    ("Resolved", "Ended on an FAQ answer: no person, contact form or thumbs-down"),
    ("Dropped", "Ended after a clarify or fallback, without a person"),
)


def _filters() -> rx.Component:
    def options(values: rx.Var) -> list[rx.Component]:
        return [
            rx.el.option("All", value=""),
            rx.foreach(values, lambda o: rx.el.option(o, value=o)),
        ]

    return toolbar(
        choice_field(
            "Language",
            "flows-language",
            options(FlowsState.languages),
            FlowsState.language,
            FlowsState.set_language,
        ),
        choice_field(
            "Channel",
            "flows-channel",
            options(FlowsState.channels),
            FlowsState.channel,
            FlowsState.set_channel,
        ),
        labelled(
            "Page starts with",
            rx.input(
                id="flows-page",
                placeholder="/pricing",
                value=FlowsState.page,
                on_change=FlowsState.set_page,
            ),
            html_for="flows-page",
            width="auto",
        ),
        rx.button("Apply filters", on_click=FlowsState.load, id="flows-apply", variant="soft"),
        padding_bottom="1em",
    )


def _lister(
    show: Callable[[rx.Var], object], named: Callable[[rx.Var], rx.Var]
) -> Callable[[rx.Var, rx.Var], rx.Component]:
    """A row's button listing its conversations, named by `named(row)` so that rows sharing a
    first cell still have distinct buttons."""

    def button(item: rx.Var, index: rx.Var) -> rx.Component:
        return rx.button(
            "Conversations",
            size="1",
            variant="soft",
            on_click=show(index),
            aria_label="List the conversations of " + named(item).to(str),
        )

    return button


def _listed() -> rx.Component:
    def row(item: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.row_header_cell(item["when"]),
            rx.table.cell(item["language"]),
            rx.table.cell(item["path"]),
            rx.table.cell(
                rx.link(
                    "Open in inbox",
                    href=item["inbox_url"],
                    aria_label="Open in inbox: conversation of " + item["when"],
                )
            ),
        )

    return rx.cond(
        FlowsState.chosen != "",
        rx.el.section(
            rx.heading("Conversations through ", FlowsState.chosen, as_="h2", size="4"),
            rx.text("Newest first, at most 100.", size="2", color_scheme="gray"),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(h)
                            for h in ("Started", "Language", "Path", "Conversation")
                        ]
                    )
                ),
                rx.table.body(rx.foreach(FlowsState.listed, row)),
                width="100%",
            ),
            aria_live="polite",
            id="flows-listed",
            width="100%",
        ),
    )


@admin_page(
    route="/flows",
    title="Conversation flows",
    nav_group="Analytics",
    icon="git-fork",
    order=2,
    on_load=FlowsState.load,
)
def flows_page() -> rx.Component:
    return dashboard(
        FlowsState.load,
        _filters(),
        figure_grid(
            *[
                figure_card(label, FlowsState.totals[i], hint)
                for i, (label, hint) in enumerate(TOTALS)
            ]
        ),
        rx.text(
            "Click a step or a link in the chart, or use the buttons in the tables below it, "
            "to list those conversations. The chart's figures are in the tables.",
            size="2",
            color_scheme="gray",
        ),
        chart_figure(
            sankey_plot(
                data=FlowsState.chart,
                on_click=FlowsState.chart_clicked,
                config={"displayModeBar": False},
                width="100%",
            ),
            "The top conversation paths, left to right; the same figures are in the "
            "tables Paths, Links and Steps below.",
        ),
        _listed(),
        section(
            "Paths",
            keyed_table(
                "The most taken paths (at most 20), most first",
                ("Path", "Conversations", "Share"),
                FlowsState.paths,
                ("path", "conversations", "share"),
                data_name="path",
            ),
            csv=csv_button("paths", FlowsState.download_paths),
        ),
        section(
            "Links",
            keyed_table(
                "The chart's links: conversations going from one step to the next",
                ("From", "To", "Step", "Conversations"),
                FlowsState.links,
                ("source", "target", "position", "conversations"),
                action=_lister(
                    FlowsState.show_link,
                    lambda i: i["source"] + " → " + i["target"] + " at step " + i["position"],
                ),
                action_header="List",
            ),
            csv=csv_button("links", FlowsState.download_links),
        ),
        section(
            "Steps",
            keyed_table(
                "The chart's steps: conversations through each, and those that ended there",
                ("Step", "Position", "Conversations", "Ended here"),
                FlowsState.nodes,
                ("step", "position", "conversations", "ended_here"),
                action=_lister(
                    FlowsState.show_node, lambda i: i["step"] + " at step " + i["position"]
                ),
                action_header="List",
            ),
            csv=csv_button("steps", FlowsState.download_nodes),
        ),
    )
