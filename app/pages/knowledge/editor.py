"""The FAQ entry editor: a dialog with every field of an entry, rich media blocks included."""

from __future__ import annotations

import reflex as rx

from app.components import labelled
from app.pages.knowledge.state import KnowledgeState

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


MEDIA_HINT = (
    "Optional: a JSON list of blocks shown with the answer: image (url, alt), video "
    "(url, title), card (title, text, price, image + alt, link), carousel (label, 2+ "
    "cards) and buttons (label, action: message, link, contact_form or human, value). "
    "URLs are https:// or start with /. Leave empty for none."
)


def _field(name: str, label: str, *, multiline: bool = False, hint: str = "") -> rx.Component:
    field_id = f"faq-{name.replace('_', '-')}"
    control = rx.text_area if multiline else rx.input
    return labelled(
        label,
        control(
            id=field_id,
            name=field_id,
            value=KnowledgeState.form[name],
            width="100%",
            on_change=lambda v: KnowledgeState.set_field(name, v),
            **({"rows": "4"} if multiline else {}),
        ),
        html_for=field_id,
        hint=hint,
    )


def _media_field() -> rx.Component:
    return labelled(
        "Media (rich blocks)",
        rx.text_area(
            id="faq-media",
            name="faq-media",
            value=KnowledgeState.form["media"],
            rows="7",
            width="100%",
            spell_check=False,
            class_name="media-json",
            aria_describedby="faq-media-hint",
            on_change=lambda v: KnowledgeState.set_field("media", v),
        ),
        rx.el.details(
            rx.el.summary("Example", font_size="0.85em", cursor="pointer"),
            rx.el.pre(MEDIA_EXAMPLE, class_name="media-json", white_space="pre-wrap"),
        ),
        html_for="faq-media",
        hint=MEDIA_HINT,
        hint_id="faq-media-hint",
    )


def _translation_field() -> rx.Component:
    return labelled(
        "Translation of",
        rx.el.select(
            rx.el.option("Not a translation", value=""),
            rx.foreach(KnowledgeState.sources, lambda s: rx.el.option(s["label"], value=s["id"])),
            id="faq-translation-of",
            name="faq-translation-of",
            value=KnowledgeState.form["translation_of"],
            on_change=lambda v: KnowledgeState.set_field("translation_of", v),
            class_name="native-select",
        ),
        html_for="faq-translation-of",
        hint="Visitors writing in this entry's language get its answer instead of the source's.",
    )


def _published() -> rx.Component:
    return rx.hstack(
        rx.el.input(
            type="checkbox",
            id="faq-published",
            name="faq-published",
            checked=KnowledgeState.form["published"] == "yes",
            on_change=lambda v: KnowledgeState.set_field("published", rx.cond(v, "yes", "no")),
        ),
        rx.el.label("Published (the bot may answer with it)", html_for="faq-published"),
        align="center",
    )


def _buttons() -> rx.Component:
    return rx.hstack(
        rx.button(
            "Cancel",
            type="button",
            variant="soft",
            color_scheme="gray",
            on_click=KnowledgeState.cancel_edit,
        ),
        rx.button("Save", type="submit"),
        justify="end",
        width="100%",
    )


def editor() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.cond(KnowledgeState.editing == "new", "New FAQ entry", "Edit FAQ entry")
            ),
            rx.dialog.description("What visitors ask, and what the bot answers.", size="2"),
            rx.form.root(
                rx.vstack(
                    _field("question", "Question"),
                    _field(
                        "phrasings",
                        "Other ways to ask it",
                        multiline=True,
                        hint="One per line; the bot matches these too.",
                    ),
                    _field("answer", "Answer", multiline=True),
                    _field(
                        "short_answer",
                        "Short answer",
                        hint="Optional: shown where space is short.",
                    ),
                    _media_field(),
                    rx.hstack(
                        _field("category", "Category"),
                        _field("language", "Language (ISO code)"),
                        width="100%",
                    ),
                    _translation_field(),
                    _published(),
                    rx.cond(
                        KnowledgeState.form_error != "",
                        rx.callout(
                            KnowledgeState.form_error,
                            color_scheme="red",
                            role="alert",
                            width="100%",
                        ),
                    ),
                    _buttons(),
                    spacing="3",
                ),
                on_submit=KnowledgeState.save,
                reset_on_submit=False,
            ),
            max_width="640px",
        ),
        open=KnowledgeState.editing != "",
        on_open_change=lambda _open: KnowledgeState.cancel_edit(),
    )
