"""Inbox views: the conversation list and one conversation's transcript with agent actions."""

from __future__ import annotations

import reflex as rx

from app.components import labelled
from app.pages.contacts.views import contact_card
from app.pages.inbox.state import STATUS_FILTERS, InboxState


def _status_badge(status: rx.Var) -> rx.Component:
    return rx.badge(
        status,
        color_scheme=rx.match(status, ("bot", "blue"), ("human", "orange"), "gray"),
        variant="soft",
        high_contrast=True,
    )


def _row(row: rx.Var) -> rx.Component:
    selected = InboxState.selected == row["id"]
    return rx.el.li(
        rx.el.button(
            rx.vstack(
                rx.hstack(
                    rx.text(row["visitor"], weight="bold", size="2"),
                    _status_badge(row["status"]),
                    rx.cond(
                        row["urgent"] != "",
                        rx.badge("urgent", color_scheme="red", variant="solid", high_contrast=True),
                    ),
                    rx.cond(
                        row["language"] != "",
                        rx.badge(row["language"], variant="outline", high_contrast=True),
                    ),
                    rx.cond(
                        row["channel"] != "",
                        rx.badge(row["channel"], color_scheme="green", high_contrast=True),
                    ),
                    rx.spacer(),
                    rx.text(
                        InboxState.waiting[row["id"]],
                        size="1",
                        color_scheme="orange",
                        high_contrast=True,
                        data_waiting=row["id"],
                    ),
                    width="100%",
                    align="center",
                ),
                rx.text(row["preview"], size="2", color_scheme="gray", trim="both"),
                rx.text(
                    row["when"], " · ", row["count"], " messages", size="1", color_scheme="gray"
                ),
                spacing="1",
                align="start",
                width="100%",
            ),
            on_click=InboxState.open_conversation(row["id"]),
            aria_current=rx.cond(selected, "true", "false"),
            data_conversation=row["id"],
            class_name="inbox-row",
            background=rx.cond(selected, "var(--accent-a4)", "transparent"),
        ),
        list_style="none",
    )


def conversation_list() -> rx.Component:
    return rx.el.section(
        rx.vstack(
            rx.hstack(
                labelled(
                    "Show",
                    rx.el.select(
                        *[rx.el.option(f.capitalize(), value=f) for f in STATUS_FILTERS],
                        id="status-filter",
                        value=InboxState.status_filter,
                        on_change=InboxState.set_status_filter,
                        class_name="native-select",
                    ),
                    html_for="status-filter",
                    hide_label=True,
                ),
                labelled(
                    "Search conversations",
                    rx.input(
                        id="inbox-search",
                        placeholder="Search visitor or text",
                        value=InboxState.search,
                        on_change=InboxState.set_search.debounce(300),
                        type="search",
                        width="100%",
                    ),
                    html_for="inbox-search",
                    hide_label=True,
                ),
                width="100%",
            ),
            rx.cond(
                InboxState.rows.length() > 0,
                rx.el.ul(
                    rx.foreach(InboxState.rows, _row),
                    padding="0",
                    margin="0",
                    width="100%",
                ),
                rx.text("No conversations match.", color_scheme="gray"),
            ),
            width="100%",
        ),
        aria_label="Conversations",
        width="38%",
        min_width="18em",
    )


def _message(message: rx.Var) -> rx.Component:
    role = message["role"]
    return rx.box(
        rx.hstack(
            rx.text(
                rx.match(
                    role, ("visitor", "Visitor"), ("bot", "Bot"), ("agent", "Agent"), "Notice"
                ),
                weight="bold",
                size="1",
            ),
            rx.text(message["when"], size="1", color_scheme="gray"),
            rx.cond(
                message["confidence"] != "",
                rx.badge("confidence ", message["confidence"], variant="soft", high_contrast=True),
            ),
            rx.cond(
                message["emotion"] != "",
                rx.badge("reads ", message["emotion"], variant="soft", high_contrast=True),
            ),
            rx.cond(
                message["flags"] != "",
                rx.badge(
                    "filtered: ",
                    message["flags"],
                    color_scheme="red",
                    variant="soft",
                    high_contrast=True,
                ),
            ),
            spacing="2",
            align="center",
        ),
        rx.text(message["text"], white_space="pre-wrap", size="2"),
        rx.cond(
            message["intent"] != "",
            rx.text("Intent: ", message["intent"], size="1", color_scheme="gray"),
        ),
        rx.cond(
            message["entities"] != "",
            rx.text("Entities: ", message["entities"], size="1", color_scheme="gray"),
        ),
        rx.cond(
            message["faq"] != "",
            rx.text("Matched FAQ: ", message["faq"], size="1", color_scheme="gray"),
        ),
        data_role=role,
        class_name="transcript-message",
        padding="0.5em 0.75em",
        border_radius="var(--radius-3)",
        background=rx.match(
            role,
            ("visitor", "var(--gray-a3)"),
            ("agent", "var(--orange-a3)"),
            ("bot", "var(--accent-a3)"),
            "transparent",
        ),
        width="100%",
    )


def _actions() -> rx.Component:
    status = InboxState.header["status"]
    return rx.hstack(
        rx.cond(status != "human", rx.button("Take over", on_click=InboxState.take_over)),
        rx.cond(
            status == "human",
            rx.button("Hand back to bot", on_click=InboxState.hand_back, variant="soft"),
        ),
        rx.cond(
            status != "closed",
            rx.button("Close", on_click=InboxState.close, variant="soft", color_scheme="gray"),
        ),
        spacing="2",
    )


def _reply_form() -> rx.Component:
    return rx.form.root(
        labelled(
            "Reply to the visitor",
            rx.text_area(
                id="agent-reply",
                name="reply",
                value=InboxState.reply,
                on_change=InboxState.set_reply,
                rows="3",
                width="100%",
            ),
            rx.button("Send reply", type="submit"),
            html_for="agent-reply",
            spacing="3",  # the button stands apart from the box
        ),
        on_submit=InboxState.send_reply,
        reset_on_submit=False,
        width="100%",
    )


def transcript() -> rx.Component:
    header = InboxState.header
    return rx.el.section(
        rx.cond(
            InboxState.selected != "",
            rx.vstack(
                rx.hstack(
                    rx.heading(header["visitor"], as_="h2", size="4"),
                    _status_badge(header["status"]),
                    rx.spacer(),
                    _actions(),
                    width="100%",
                    align="center",
                ),
                rx.text(
                    "Language ",
                    header["language"],
                    " · started ",
                    header["started"],
                    rx.cond(header["page"] != "", rx.fragment(" · on ", header["page"])),
                    size="1",
                    color_scheme="gray",
                ),
                rx.foreach(InboxState.contacts, contact_card),
                rx.el.div(
                    rx.vstack(rx.foreach(InboxState.messages, _message), spacing="2", width="100%"),
                    role="log",
                    aria_label="Transcript",
                    aria_live="polite",
                    max_height="55vh",
                    overflow_y="auto",
                    width="100%",
                ),
                rx.cond(
                    InboxState.error != "",
                    rx.callout(InboxState.error, color_scheme="red", role="alert", width="100%"),
                ),
                rx.cond(
                    header["status"] == "human",
                    _reply_form(),
                    rx.text(
                        "Take over to reply; the bot stops answering this visitor.",
                        size="2",
                        color_scheme="gray",
                    ),
                ),
                width="100%",
                spacing="3",
            ),
            rx.text("Choose a conversation to read it.", color_scheme="gray"),
        ),
        aria_label="Conversation",
        width="62%",
    )
