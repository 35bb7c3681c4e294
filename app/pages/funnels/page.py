"""Funnels: how many visitors go through an owner's steps, how long they take, whether chatting
helps, and the editor for the steps (owners)."""

from __future__ import annotations

import reflex as rx

from app.components import (
    alert,
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
from app.pages.funnels.state import FunnelsState
from app.registry import admin_page
from app.session_state import AuthState

SUMMARY = (
    ("Converted", "Visitors who reached the last step"),
    ("Median time to convert", "From step 1 to the last step"),
    (
        "Attributed to a chat",
        "Last step within the window after a chat the bot resolved or an agent handled",
    ),
)


def _chooser() -> rx.Component:
    return toolbar(
        choice_field(
            "Funnel",
            "funnel-choice",
            [rx.foreach(FunnelsState.funnels, lambda f: rx.el.option(f["name"], value=f["id"]))],
            FunnelsState.selected,
            FunnelsState.choose,
        ),
        rx.cond(
            AuthState.is_owner,
            rx.hstack(
                rx.button("Edit funnel", on_click=FunnelsState.edit_funnel, variant="soft"),
                rx.button("New funnel", on_click=FunnelsState.new_funnel, variant="soft"),
                spacing="2",
            ),
        ),
    )


def _step_item(step: rx.Var, index: rx.Var) -> rx.Component:
    number = (index + 1).to(str)
    return rx.el.li(
        rx.hstack(
            rx.text(step, as_="span", flex="1"),
            rx.button(
                "Up",
                size="1",
                variant="soft",
                on_click=FunnelsState.move_step(index, -1),
                aria_label="Move step " + number + " up",
            ),
            rx.button(
                "Down",
                size="1",
                variant="soft",
                on_click=FunnelsState.move_step(index, 1),
                aria_label="Move step " + number + " down",
            ),
            rx.button(
                "Remove",
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=FunnelsState.remove_step(index),
                aria_label="Remove step " + number,
            ),
            align="center",
            spacing="2",
        ),
        padding_y="0.25em",
    )


def _editor() -> rx.Component:
    return rx.cond(
        FunnelsState.editing,
        rx.el.section(
            rx.heading(
                rx.cond(FunnelsState.edit_id != "", "Edit funnel", "New funnel"), as_="h2", size="4"
            ),
            rx.vstack(
                labelled(
                    "Name",
                    rx.input(
                        id="funnel-name",
                        value=FunnelsState.edit_name,
                        on_change=FunnelsState.set_edit_name,
                    ),
                    html_for="funnel-name",
                    width="20em",
                ),
                labelled(
                    "Conversion window (days)",
                    rx.input(
                        id="funnel-window",
                        type="number",
                        min="1",
                        max="365",
                        value=FunnelsState.edit_window,
                        on_change=FunnelsState.set_edit_window,
                    ),
                    html_for="funnel-window",
                    hint="Every later step must happen within this many days of step 1.",
                    width="20em",
                ),
                rx.text("Steps, in order", weight="medium", id="funnel-steps-label"),
                rx.el.ol(
                    rx.foreach(FunnelsState.edit_steps, _step_item),
                    aria_labelledby="funnel-steps-label",
                    padding_left="1.5em",
                    width="28em",
                    max_width="100%",
                ),
                rx.hstack(
                    labelled(
                        "Add a step",
                        rx.el.select(
                            rx.el.option("Choose an event…", value=""),
                            rx.foreach(FunnelsState.known, lambda k: rx.el.option(k, value=k)),
                            id="funnel-step-choice",
                            value=FunnelsState.step_choice,
                            on_change=FunnelsState.set_step_choice,
                        ),
                        html_for="funnel-step-choice",
                        hint="Chat events, and the names your pages track (product_viewed, purchase…).",
                        width="auto",
                    ),
                    rx.button("Add step", on_click=FunnelsState.add_step, variant="soft"),
                    align="end",
                    spacing="2",
                ),
                alert(FunnelsState.edit_error),
                rx.hstack(
                    rx.button("Save funnel", on_click=FunnelsState.save),
                    rx.button("Cancel", on_click=FunnelsState.cancel_edit, variant="soft"),
                    rx.cond(
                        FunnelsState.edit_id != "",
                        rx.button(
                            "Delete funnel",
                            on_click=FunnelsState.delete,
                            color_scheme="red",
                            variant="soft",
                        ),
                    ),
                    spacing="2",
                ),
                spacing="3",
            ),
            padding="1em",
            border="1px solid var(--gray-a6)",
            border_radius="var(--radius-3)",
            width="100%",
        ),
    )


@admin_page(
    route="/funnels",
    title="Funnels",
    nav_group="Analytics",
    icon="filter",
    order=3,
    on_load=FunnelsState.load,
)
def funnels_page() -> rx.Component:
    return dashboard(
        FunnelsState.load,
        _chooser(),
        _editor(),
        rx.cond(
            FunnelsState.summary.length() > 0,
            figure_grid(
                *[
                    figure_card(label, FunnelsState.summary[i], hint)
                    for i, (label, hint) in enumerate(SUMMARY)
                ]
            ),
            rx.cond(
                FunnelsState.loaded,
                rx.text(
                    "No funnel yet: an owner can add one with New funnel.", color_scheme="gray"
                ),
                rx.spinner(),
            ),
        ),
        section(
            "Steps",
            chart_figure(
                rx.plotly(
                    data=FunnelsState.steps_chart, config={"displayModeBar": False}, width="100%"
                ),
                "Visitors per step; the figures are in the table below.",
            ),
            keyed_table(
                "Visitors per step, conversion and drop-off",
                ("Step", "Event", "Visitors", "Conversion", "From the step before", "Dropped off"),
                FunnelsState.steps,
                ("number", "step", "visitors", "conversion", "from_previous", "dropped"),
            ),
            csv=csv_button("funnel steps", FunnelsState.download_steps),
        ),
        section(
            "Chatters and non-chatters",
            keyed_table(
                "Conversion of visitors who chatted within the window and of those who did not",
                ("Group", "Entered", "Converted", "Conversion"),
                FunnelsState.groups,
                ("group", "entered", "converted", "conversion"),
            ),
            csv=csv_button("chatters and non-chatters", FunnelsState.download_groups),
        ),
        section(
            "Time to convert",
            chart_figure(
                rx.plotly(
                    data=FunnelsState.time_chart, config={"displayModeBar": False}, width="100%"
                ),
                "Histogram of the time to convert; the figures are in the table below.",
            ),
            keyed_table(
                "Visitors who converted, by time from step 1 to the last step",
                ("Time", "Visitors"),
                FunnelsState.histogram,
                ("bin", "visitors"),
            ),
            csv=csv_button("time to convert", FunnelsState.download_histogram),
        ),
    )
