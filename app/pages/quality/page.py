"""Response quality (agents and owners): every bot answer scored, answers under the threshold
in a review queue (open the conversation, edit the FAQ, mark reviewed), quality per FAQ, and
the bot's confirmed and assumed resolutions with their definition."""

from __future__ import annotations

import reflex as rx

from app.components import data_table, figure_cards, notice, section
from app.date_range import csv_button, dashboard
from app.pages.quality.state import QualityState
from app.registry import admin_page

DEFINITION = (
    "Each answer from the knowledge base is scored from 0 to 1: relevance (how close the "
    "question was to the FAQ: the confidence the bot stored when it answered), completeness (the "
    "visitor did not re-ask, get a clarifying question, a fallback or a person in the next two "
    "replies), helpfulness (the visitor's thumbs-up or thumbs-down, else predicted from answers "
    "like it) and speed (against the target time). Answers under 0.6 wait for review."
)
RESOLUTION = (
    "Resolved by the bot, as Intercom counts it: confirmed when the visitor gave an FAQ answer a "
    "thumbs-up; assumed when the conversation ended on an FAQ answer and the visitor asked "
    "nothing more. Neither counts when an agent took part, the visitor asked for a person or "
    "sent the contact form, or rated an answer thumbs-down."
)


def _queue_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["question"]),
        rx.table.cell(row["score"]),
        rx.table.cell(row["relevance"]),
        rx.table.cell(row["completeness"]),
        rx.table.cell(row["helpfulness"]),
        rx.table.cell(row["speed"]),
        rx.table.cell(row["when"], white_space="nowrap"),
        rx.table.cell(
            rx.hstack(
                rx.link(
                    "Open conversation",
                    href=row["inbox_url"],
                    aria_label="Open conversation: " + row["question"],
                ),
                rx.link(
                    "Edit FAQ", href=row["edit_url"], aria_label="Edit FAQ: " + row["question"]
                ),
                rx.button(
                    "Mark reviewed",
                    size="1",
                    variant="soft",
                    on_click=QualityState.mark_reviewed(row["message_id"]),
                    aria_label="Mark reviewed: " + row["question"] + " at " + row["when"],
                ),
                spacing="3",
                wrap="wrap",
                align="center",
            )
        ),
        data_answer=row["message_id"],
    )


def _faq_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(row["question"], href=row["edit_url"])),
        rx.table.cell(row["answers"]),
        rx.table.cell(row["mean_score"]),
        rx.table.cell(row["thumbs_up"]),
        rx.table.cell(row["reasks"]),
        rx.table.cell(row["below"]),
        data_faq=row["faq_id"],
    )


@admin_page(
    route="/quality",
    title="Response quality",
    nav_group="Analytics",
    icon="badge-check",
    order=20,
    on_load=QualityState.load,
)
def quality_page() -> rx.Component:
    return dashboard(
        QualityState.load,
        rx.text(DEFINITION, size="2", color_scheme="gray"),
        notice(QualityState.notice),
        rx.cond(QualityState.loaded, figure_cards(QualityState.cards), rx.spinner()),
        rx.text(RESOLUTION, size="2", color_scheme="gray"),
        rx.text(
            "Weights: ",
            QualityState.weights,
            ". ",
            QualityState.model,
            size="2",
            color_scheme="gray",
        ),
        section(
            "Review queue",
            data_table(
                "Answers scoring under 0.6, worst first, not yet reviewed",
                (
                    "FAQ question",
                    "Score",
                    "Relevance",
                    "Complete",
                    "Helpfulness",
                    "Speed",
                    "When",
                    "Actions",
                ),
                QualityState.queue,
                _queue_row,
                "No answers wait for review in this period.",
            ),
            csv=csv_button("the review queue", QualityState.download_queue),
        ),
        section(
            "Quality per FAQ",
            data_table(
                "Each FAQ's answers in the period, weakest first",
                ("FAQ question", "Answers", "Mean score", "Thumbs-up", "Re-asks", "Under 0.6"),
                QualityState.per_faq,
                _faq_row,
                "No answers from the knowledge base in this period.",
            ),
            csv=csv_button("quality per FAQ", QualityState.download_per_faq),
        ),
        section(
            "Score distribution",
            rx.plotly(data=QualityState.distribution_chart, width="100%"),
            csv=csv_button("the score distribution", QualityState.download_distribution),
        ),
    )
