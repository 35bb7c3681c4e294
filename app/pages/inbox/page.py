"""Live inbox: conversations as they arrive, the transcript, and taking over from the bot.

How the list stays live is told in state.py (`InboxState.tick`).
"""

from __future__ import annotations

import reflex as rx

from app.pages.inbox import views
from app.pages.inbox.state import InboxState
from app.registry import admin_page


@admin_page(
    route="/inbox",
    title="Inbox",
    nav_group="Support",
    icon="inbox",
    order=2,
    on_load=InboxState.load,
)
def inbox_page() -> rx.Component:
    return rx.vstack(
        # Drives the live updates: one tick a second while the inbox is open.
        rx.moment(interval=1000, on_change=InboxState.tick, display="none", aria_hidden="true"),
        rx.hstack(
            views.conversation_list(),
            views.transcript(),
            align="start",
            spacing="5",
            width="100%",
        ),
        width="100%",
    )
