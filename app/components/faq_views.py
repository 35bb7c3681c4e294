"""Knowledge-base views: the FAQ table, the edit dialog, delete confirmation, CSV import/export."""

from __future__ import annotations

from typing import Any

import reflex as rx

UPLOAD_ID = "faq-csv"
MEDIA_EXAMPLE = """[
  {"type": "image", "url": "/widget/icons/icon-192.png", "alt": "What the picture shows"},
  {"type": "video", "url": "https://example.com/fit.mp4", "title": "Bike fit in 2 minutes"},
  {"type": "carousel", "label": "Tune-up plans", "cards": [
    {"type": "card", "title": "Basic", "price": "$79", "link": {"label": "Details", "url": "/pricing"}},
    {"type": "card", "title": "Full", "price": "$149", "text": "Everything in Basic and more"}
  ]},
  {"type": "buttons", "buttons": [
    {"label": "Book a tune-up", "action": "message", "value": "How do I book a service?"},
    {"label": "All prices", "action": "link", "value": "/pricing"},
    {"label": "Talk to a person", "action": "human"},
    {"label": "Request a callback", "action": "contact_form"}
  ]}
]"""


def _field(
    state: Any, name: str, label: str, *, multiline: bool = False, hint: str = ""
) -> rx.Component:
    field_id = f"faq-{name.replace('_', '-')}"
    control = (
        rx.text_area(
            id=field_id,
            name=field_id,
            value=state.form[name],
            rows="4",
            width="100%",
            on_change=lambda v: state.set_field(name, v),
        )
        if multiline
        else rx.input(
            id=field_id,
            name=field_id,
            value=state.form[name],
            width="100%",
            on_change=lambda v: state.set_field(name, v),
        )
    )
    return rx.vstack(
        rx.el.label(label, html_for=field_id, font_weight="500"),
        control,
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")),
        spacing="1",
        width="100%",
    )


def _media_field(state: Any) -> rx.Component:
    return rx.vstack(
        rx.el.label("Media (rich blocks)", html_for="faq-media", font_weight="500"),
        rx.text_area(
            id="faq-media",
            name="faq-media",
            value=state.form["media"],
            rows="7",
            width="100%",
            spell_check=False,
            class_name="media-json",
            aria_describedby="faq-media-hint",
            on_change=lambda v: state.set_field("media", v),
        ),
        rx.text(
            "Optional: a JSON list of blocks shown with the answer: image (url, alt), video "
            "(url, title), card (title, text, price, image + alt, link), carousel (label, 2+ "
            "cards) and buttons (label, action: message, link, contact_form or human, value). "
            "URLs are https:// or start with /. Leave empty for none.",
            id="faq-media-hint",
            size="1",
            color_scheme="gray",
        ),
        rx.el.details(
            rx.el.summary("Example", font_size="0.85em", cursor="pointer"),
            rx.el.pre(MEDIA_EXAMPLE, class_name="media-json", white_space="pre-wrap"),
        ),
        spacing="1",
        width="100%",
    )


def _translation_field(state: Any) -> rx.Component:
    return rx.vstack(
        rx.el.label("Translation of", html_for="faq-translation-of", font_weight="500"),
        rx.el.select(
            rx.el.option("Not a translation", value=""),
            rx.foreach(state.sources, lambda s: rx.el.option(s["label"], value=s["id"])),
            id="faq-translation-of",
            name="faq-translation-of",
            value=state.form["translation_of"],
            on_change=lambda v: state.set_field("translation_of", v),
            class_name="native-select",
        ),
        rx.text(
            "Visitors writing in this entry's language get its answer instead of the source's.",
            size="1",
            color_scheme="gray",
        ),
        spacing="1",
        width="100%",
    )


def _editor(state: Any) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(state.editing == "new", "New FAQ entry", "Edit FAQ entry")),
            rx.dialog.description("What visitors ask, and what the bot answers.", size="2"),
            rx.form.root(
                rx.vstack(
                    _field(state, "question", "Question"),
                    _field(
                        state,
                        "phrasings",
                        "Other ways to ask it",
                        multiline=True,
                        hint="One per line; the bot matches these too.",
                    ),
                    _field(state, "answer", "Answer", multiline=True),
                    _field(
                        state,
                        "short_answer",
                        "Short answer",
                        hint="Optional: shown where space is short.",
                    ),
                    _media_field(state),
                    rx.hstack(
                        _field(state, "category", "Category"),
                        _field(state, "language", "Language (ISO code)"),
                        width="100%",
                    ),
                    _translation_field(state),
                    rx.hstack(
                        rx.el.input(
                            type="checkbox",
                            id="faq-published",
                            name="faq-published",
                            checked=state.form["published"] == "yes",
                            on_change=lambda v: state.set_field(
                                "published", rx.cond(v, "yes", "no")
                            ),
                        ),
                        rx.el.label(
                            "Published (the bot may answer with it)", html_for="faq-published"
                        ),
                        align="center",
                    ),
                    rx.cond(
                        state.form_error != "",
                        rx.callout(
                            state.form_error, color_scheme="red", role="alert", width="100%"
                        ),
                    ),
                    rx.hstack(
                        rx.button(
                            "Cancel",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            on_click=state.cancel_edit,
                        ),
                        rx.button("Save", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=state.save,
                reset_on_submit=False,
            ),
            max_width="640px",
        ),
        open=state.editing != "",
        on_open_change=lambda _open: state.cancel_edit(),
    )


def _delete_confirmation(state: Any) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this entry?"),
            rx.alert_dialog.description(
                "“", state.deleting_question, "” will be removed; the bot stops using it."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Keep it", variant="soft", color_scheme="gray", on_click=state.cancel_delete
                    )
                ),
                rx.alert_dialog.action(
                    rx.button("Delete", color_scheme="red", on_click=state.confirm_delete)
                ),
                justify="end",
                spacing="3",
                padding_top="1em",
            ),
        ),
        open=state.deleting != "",
    )


def _table(state: Any) -> rx.Component:
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
                        on_click=state.start_edit(faq["id"]),
                        aria_label="Edit: " + faq["question"],
                    ),
                    rx.button(
                        "Delete",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=state.ask_delete(faq["id"], faq["question"]),
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
        rx.table.body(rx.foreach(state.faqs, row)),
        width="100%",
    )


def _toolbar(state: Any) -> rx.Component:
    return rx.hstack(
        rx.el.label(
            "Search the knowledge base", html_for="faq-search", class_name="visually-hidden"
        ),
        rx.input(
            id="faq-search",
            type="search",
            placeholder="Search questions and answers",
            value=state.search,
            on_change=state.set_search.debounce(300),
            width="22em",
        ),
        rx.el.label("Category", html_for="faq-category", class_name="visually-hidden"),
        rx.el.select(
            rx.el.option("All categories", value="all"),
            rx.foreach(state.categories, lambda c: rx.el.option(c, value=c)),
            id="faq-category",
            value=state.category,
            on_change=state.set_category,
            class_name="native-select",
        ),
        rx.spacer(),
        rx.button("New entry", on_click=state.start_new),
        rx.button("Export CSV", variant="soft", on_click=state.export_csv),
        width="100%",
        align="center",
        wrap="wrap",
    )


def _importer(state: Any) -> rx.Component:
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
            rx.button("Import", on_click=state.import_csv(rx.upload_files(upload_id=UPLOAD_ID))),
            align="center",
        ),
        rx.cond(
            state.import_errors.length() > 0,
            rx.box(
                rx.el.ul(rx.foreach(state.import_errors, lambda e: rx.el.li(e))),
                role="alert",
                color="var(--red-11)",
                data_testid="import-errors",
            ),
        ),
        padding_top="1.5em",
        aria_label="Import from CSV",
    )


def knowledge_body(state: Any) -> rx.Component:
    return rx.vstack(
        _toolbar(state),
        rx.cond(state.notice != "", rx.callout(state.notice, role="status", width="100%")),
        _table(state),
        _importer(state),
        _editor(state),
        _delete_confirmation(state),
        width="100%",
        spacing="3",
    )
