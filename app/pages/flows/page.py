"""Flows: the paths conversations take, as a Sankey beside tables of the same figures, with the
conversations behind any step or link one click (or one button) away."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import reflex as rx

from app.charts.flows import sankey_plot
from app.components import figure_card, figure_grid, labelled, section
from app.date_range import csv_button, date_range_picker
from app.pages.flows.state import FlowsState
from app.registry import admin_page

TOTALS = (
    ("Conversations with a path", "The bot replied at least once"),
    ("Resolved", "Ended on an FAQ answer: no person, contact form or thumbs-down"),
    ("Dropped", "Ended after a clarify or fallback, without a person"),
)


def _filters() -> rx.Component:
    def menu(
        label: str, id_: str, value: rx.Var, options: rx.Var, on_change: object
    ) -> rx.Component:
        return labelled(
            label,
            rx.el.select(
                rx.el.option("All", value=""),
                rx.foreach(options, lambda o: rx.el.option(o, value=o)),
                id=id_,
                value=value,
                on_change=on_change,
            ),
            html_for=id_,
            width="auto",
        )

    return rx.hstack(
        menu(
            "Language",
            "flows-language",
            FlowsState.language,
            FlowsState.languages,
            FlowsState.set_language,
        ),
        menu(
            "Channel",
            "flows-channel",
            FlowsState.channel,
            FlowsState.channels,
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
        align="end",
        wrap="wrap",
        spacing="3",
        padding_bottom="1em",
    )


def _table(
    caption: str,
    headers: Sequence[str],
    rows: rx.Var,
    keys: Sequence[str],
    show: object | None = None,
    data_name: str = "",
    named: Callable[[rx.Var], rx.Var] | None = None,
) -> rx.Component:
    """A table of rows; with `show`, each row gets a button listing its conversations, named
    by `named(row)` so that rows sharing a first cell still have distinct buttons."""

    def row(item: rx.Var, index: rx.Var) -> rx.Component:
        cells = [
            rx.table.row_header_cell(item[keys[0]]),
            *[rx.table.cell(item[key]) for key in keys[1:]],
        ]
        if show is not None:
            cells.append(
                rx.table.cell(
                    rx.button(
                        "Conversations",
                        size="1",
                        variant="soft",
                        on_click=show(index),  # type: ignore[operator]
                        aria_label="List the conversations of "
                        + (named(item) if named else item[keys[0]]).to(str),
                    )
                )
            )
        return rx.table.row(*cells, **({f"data-{data_name}": index} if data_name else {}))

    return rx.table.root(
        rx.el.caption(caption, text_align="left", font_weight="600", padding_bottom="0.5em"),
        rx.table.header(
            rx.table.row(
                *[rx.table.column_header_cell(h) for h in headers],
                *([rx.table.column_header_cell("List")] if show is not None else []),
            )
        ),
        rx.table.body(rx.foreach(rows, row)),
        width="100%",
    )


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
    return rx.vstack(
        date_range_picker(FlowsState.load),
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
        rx.el.figure(
            sankey_plot(
                data=FlowsState.chart,
                on_click=FlowsState.chart_clicked,
                config={"displayModeBar": False},
                width="100%",
            ),
            rx.el.figcaption(
                "The top conversation paths, left to right; the same figures are in the "
                "tables Paths, Links and Steps below.",
                class_name="visually-hidden",
            ),
            margin="0",
            width="100%",
        ),
        _listed(),
        section(
            "Paths",
            _table(
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
            _table(
                "The chart's links: conversations going from one step to the next",
                ("From", "To", "Step", "Conversations"),
                FlowsState.links,
                ("source", "target", "position", "conversations"),
                FlowsState.show_link,
                named=lambda i: i["source"] + " → " + i["target"] + " at step " + i["position"],
            ),
            csv=csv_button("links", FlowsState.download_links),
        ),
        section(
            "Steps",
            _table(
                "The chart's steps: conversations through each, and those that ended there",
                ("Step", "Position", "Conversations", "Ended here"),
                FlowsState.nodes,
                ("step", "position", "conversations", "ended_here"),
                FlowsState.show_node,
                named=lambda i: i["step"] + " at step " + i["position"],
            ),
            csv=csv_button("steps", FlowsState.download_nodes),
        ),
        width="100%",
        align="stretch",
        spacing="4",
    )
