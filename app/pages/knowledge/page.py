"""Knowledge base: the FAQ entries the bot answers from; the chat server picks up changes in seconds."""

from __future__ import annotations

import reflex as rx

from app.pages.knowledge import views
from app.pages.knowledge.editor import editor
from app.pages.knowledge.state import KnowledgeState
from app.registry import admin_page


@admin_page(
    route="/knowledge",
    title="Knowledge base",
    nav_group="Support",
    icon="book-open",
    order=3,
    on_load=KnowledgeState.load,
)
def knowledge_page() -> rx.Component:
    return rx.vstack(
        views.toolbar(),
        rx.cond(
            KnowledgeState.notice != "",
            rx.callout(KnowledgeState.notice, role="status", width="100%"),
        ),
        views.table(),
        views.importer(),
        editor(),
        views.delete_confirmation(),
        width="100%",
        spacing="3",
    )
