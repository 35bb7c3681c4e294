"""Knowledge-base views: the toolbar, the FAQ table, delete confirmation, CSV import."""

from __future__ import annotations

import reflex as rx

from app.components import labelled
from app.pages.knowledge.state import KnowledgeState

UPLOAD_ID = "faq-csv"


def delete_confirmation() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this entry?"),
            rx.alert_dialog.description(
                "“", KnowledgeState.deleting_question, "” will be removed; the bot stops using it."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Keep it",
                        variant="soft",
                        color_scheme="gray",
                        on_click=KnowledgeState.cancel_delete,
                    )
                ),
                rx.alert_dialog.action(
                    rx.button("Delete", color_scheme="red", on_click=KnowledgeState.confirm_delete)
                ),
                justify="end",
                spacing="3",
                padding_top="1em",
            ),
        ),
        open=KnowledgeState.deleting != "",
    )


def table() -> rx.Component:
    def row(faq: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.row_header_cell(faq["question"]),
            rx.table.cell(
                rx.text(faq["answer"], size="2", max_width="32em", class_name="clamp-2"),
                rx.cond(
                    faq["media"] != "0",
                    rx.text("+ ", faq["media"], " media block(s)", size="1", color_scheme="gray"),
                ),
            ),
            rx.table.cell(faq["category"]),
            rx.table.cell(faq["language"]),
            rx.table.cell(faq["published"]),
            rx.table.cell(
                rx.hstack(
                    rx.button(
                        "Edit",
                        size="1",
                        variant="soft",
                        on_click=KnowledgeState.start_edit(faq["id"]),
                        aria_label="Edit: " + faq["question"],
                    ),
                    rx.button(
                        "Delete",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=KnowledgeState.ask_delete(faq["id"], faq["question"]),
                        aria_label="Delete: " + faq["question"],
                    ),
                ),
            ),
            data_faq=faq["id"],
        )

    return rx.table.root(
        rx.table.header(
            rx.table.row(
                *[
                    rx.table.column_header_cell(h)
                    for h in ("Question", "Answer", "Category", "Language", "Published", "")
                ]
            ),
        ),
        rx.table.body(rx.foreach(KnowledgeState.faqs, row)),
        width="100%",
    )


def toolbar() -> rx.Component:
    return rx.hstack(
        labelled(
            "Search the knowledge base",
            rx.input(
                id="faq-search",
                type="search",
                placeholder="Search questions and answers",
                value=KnowledgeState.search,
                on_change=KnowledgeState.set_search.debounce(300),
                width="22em",
            ),
            html_for="faq-search",
            hide_label=True,
        ),
        labelled(
            "Category",
            rx.el.select(
                rx.el.option("All categories", value="all"),
                rx.foreach(KnowledgeState.categories, lambda c: rx.el.option(c, value=c)),
                id="faq-category",
                value=KnowledgeState.category,
                on_change=KnowledgeState.set_category,
                class_name="native-select",
            ),
            html_for="faq-category",
            hide_label=True,
        ),
        rx.spacer(),
        rx.button("New entry", on_click=KnowledgeState.start_new),
        rx.button("Export CSV", variant="soft", on_click=KnowledgeState.export_csv),
        width="100%",
        align="center",
        wrap="wrap",
    )


def importer() -> rx.Component:
    return rx.el.section(
        rx.heading("Import from CSV", as_="h2", size="3"),
        rx.text(
            "Columns: id, question, phrasings (separated by |), answer, short_answer, "
            "category, language, published, media (the rich blocks as JSON). Rows with a known "
            "id or question are updated; "
            "a file with any bad row imports nothing.",
            size="2",
            color_scheme="gray",
        ),
        rx.hstack(
            # The label wraps the drop zone, so its hidden file input has a name; the zone
            # itself is focusable and opens the file dialog on Enter or Space.
            rx.el.label(
                rx.upload.root(
                    rx.el.span("Choose CSV file", class_name="upload-button"),
                    id=UPLOAD_ID,
                    accept={"text/csv": [".csv"]},
                    max_files=1,
                    multiple=False,
                ),
            ),
            rx.text(rx.selected_files(UPLOAD_ID).join(", "), size="2"),
            rx.button(
                "Import", on_click=KnowledgeState.import_csv(rx.upload_files(upload_id=UPLOAD_ID))
            ),
            align="center",
        ),
        rx.cond(
            KnowledgeState.import_errors.length() > 0,
            rx.box(
                rx.el.ul(rx.foreach(KnowledgeState.import_errors, lambda e: rx.el.li(e))),
                role="alert",
                color="var(--red-11)",
                data_testid="import-errors",
            ),
        ),
        padding_top="1.5em",
        aria_label="Import from CSV",
    )
