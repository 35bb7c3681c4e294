"""ROI and industry benchmark (agents see it, owners edit the assumptions and baselines): ROI
from measured figures with every input's origin, and the business beside published baselines."""

from __future__ import annotations

import reflex as rx

from app.components import alert, data_table, figure_cards, labelled, notice, section
from app.date_range import csv_button, dashboard
from app.pages.roi.state import RoiState
from app.registry import admin_page
from app.session_state import AuthState

ABOUT = (
    "Savings are the conversations the bot resolved (confirmed or assumed, as on Response "
    "quality) times what a conversation handled by a person costs you. Revenue is the tracked "
    "purchases (SupportChat.track('purchase', {value, currency})) made within the attribution "
    "window after a conversation the bot resolved or an agent handled, in your currency. "
    "Running cost is your monthly cost prorated to the period's days."
)
BENCHMARK_ABOUT = (
    "Your figures over the conversations started in the period, beside published support-"
    "industry figures with their source and year. Definitions differ between surveys: read them "
    "as a yardstick. Rows marked approximation were derived from what was published."
)
ASSUMPTIONS = (
    ("human_conversation_cost", "Cost of a conversation handled by a person"),
    ("monthly_running_cost", "Running cost per month"),
    ("currency", "Currency (three letters)"),
    ("attribution_days", "Attribution window in days"),
)


def _input_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["name"]),
        rx.table.cell(row["value"], data_input=row["name"]),
        rx.table.cell(row["source"]),
        rx.table.cell(row["where"]),
    )


def _comparison_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["label"]),
        rx.table.cell(row["ours"]),
        rx.table.cell(row["baseline"]),
        rx.table.cell(row["verdict"]),
        rx.table.cell(
            row["source"],
            " (",
            row["year"],
            "), ",
            row["kind"],
            rx.el.br(),
            rx.text(row["note"], size="1", color_scheme="gray", as_="span"),
        ),
        rx.table.cell(
            rx.cond(
                AuthState.is_owner,
                rx.button(
                    "Remove",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=RoiState.remove_baseline(row["index"]),
                    aria_label="Remove baseline: " + row["label"] + ", " + row["source"],
                ),
            )
        ),
    )


def _assumptions_form() -> rx.Component:
    fields = [
        labelled(
            label,
            rx.input(
                id=f"roi-{name}",
                value=RoiState.form[name],
                on_change=lambda value, name=name: RoiState.set_form(name, value),
                read_only=~AuthState.is_owner,
            ),
            html_for=f"roi-{name}",
        )
        for name, label in ASSUMPTIONS
    ]
    return section(
        "Assumptions",
        rx.text(
            "Owner-set figures the ROI uses; only owners can change them.",
            size="2",
            color_scheme="gray",
        ),
        rx.grid(
            *fields, columns=rx.breakpoints(initial="1", sm="2", lg="4"), spacing="3", width="100%"
        ),
        alert(RoiState.form_error),
        rx.cond(
            AuthState.is_owner, rx.button("Save assumptions", on_click=RoiState.save_assumptions)
        ),
    )


def _baseline_form() -> rx.Component:
    def field(name: str, label: str) -> rx.Component:
        return labelled(
            label,
            rx.input(
                id=f"baseline-{name}",
                value=RoiState.baseline_form[name],
                on_change=lambda value: RoiState.set_baseline_field(name, value),
            ),
            html_for=f"baseline-{name}",
        )

    return rx.cond(
        AuthState.is_owner,
        rx.el.section(
            rx.heading("Add a baseline", as_="h3", size="3"),
            rx.grid(
                labelled(
                    "Figure",
                    rx.el.select(
                        rx.el.option("Choose…", value=""),
                        rx.foreach(
                            RoiState.metric_choices,
                            lambda m: rx.el.option(m["label"], value=m["value"]),
                        ),
                        id="baseline-metric",
                        value=RoiState.baseline_form["metric"],
                        on_change=lambda value: RoiState.set_baseline_field("metric", value),
                    ),
                    html_for="baseline-metric",
                ),
                field("value", "Value (shares as 0.45, times in seconds)"),
                field("source", "Source"),
                field("year", "Year"),
                field("note", "Note"),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                spacing="3",
                width="100%",
            ),
            alert(RoiState.baseline_error),
            rx.hstack(
                rx.button("Add baseline", on_click=RoiState.add_baseline),
                rx.button(
                    "Restore shipped baselines", variant="soft", on_click=RoiState.restore_baselines
                ),
                spacing="3",
            ),
            aria_label="Add a baseline",
            width="100%",
        ),
    )


@admin_page(
    route="/roi",
    title="ROI and benchmark",
    nav_group="Analytics",
    icon="piggy-bank",
    order=30,
    on_load=RoiState.load,
)
def roi_page() -> rx.Component:
    return dashboard(
        RoiState.load,
        rx.text(ABOUT, size="2", color_scheme="gray"),
        notice(RoiState.notice),
        rx.cond(RoiState.loaded, figure_cards(RoiState.cards, label_attr="figure"), rx.spinner()),
        section(
            "Where each figure comes from",
            data_table(
                "Inputs of the ROI: measured in the period or assumed by the owner",
                ("Input", "Value", "Source", "Where from"),
                RoiState.inputs,
                _input_row,
                "No figures yet.",
            ),
            csv=csv_button("the ROI inputs", RoiState.download_inputs),
        ),
        section(
            "Gains and costs",
            rx.plotly(data=RoiState.gains_chart, width="100%"),
            csv=csv_button("gains and costs", RoiState.download_gains),
        ),
        _assumptions_form(),
        section(
            "Industry benchmark",
            rx.text(BENCHMARK_ABOUT, size="2", color_scheme="gray"),
            data_table(
                "Your figures beside industry baselines",
                ("Figure", "Yours", "Baseline", "Yours is", "Source", "Edit"),
                RoiState.comparison,
                _comparison_row,
                "No baselines.",
            ),
            rx.plotly(data=RoiState.baselines_chart, width="100%"),
            _baseline_form(),
            csv=csv_button("the benchmark", RoiState.download_comparison),
        ),
    )
