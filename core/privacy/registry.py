"""The personal-data registry: every table that holds something about a person (a visitor, or a
user of the admin) says which of its columns are personal, how its rows are found from that
person, and what erasing the person does to them. Export and erasure read this list, and a test
keeps it complete: a table that leads to a visitor or a user and is missing here fails it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Subject(StrEnum):
    VISITOR = "visitor"  # someone who chatted, found by e-mail, phone or visitor id
    USER = "user"  # an owner or agent of the admin


class Erasure(StrEnum):
    DELETE = "delete"  # the row goes with the person
    ANONYMISE = "anonymise"  # the personal columns are cleared; the row stays for the counts


@dataclass(frozen=True)
class Entry:
    table: str
    subject: Subject
    found_by: str  # the column (and the way through other tables) that leads to the person
    erasure: Erasure
    personal: dict[str, str]  # column: what it holds about the person


REGISTRY: tuple[Entry, ...] = (
    Entry(
        "visitor",
        Subject.VISITOR,
        "id",
        Erasure.DELETE,
        {
            "public_id": "the visitor's id in the widget",
            "visitor_key": "the pseudonymous analytics key",
            "name": "name given in a contact form",
            "email": "e-mail address given in a contact form",
            "phone": "phone number given in a contact form",
        },
    ),
    Entry(
        "conversation",
        Subject.VISITOR,
        "visitor_id",
        Erasure.DELETE,
        {"public_id": "the conversation's id", "page_url": "the page the chat started on"},
    ),
    Entry(
        "message",
        Subject.VISITOR,
        "conversation_id → conversation.visitor_id",
        Erasure.DELETE,
        {
            "text": "what the visitor, the bot or an agent wrote",
            "note": "the translation shown to the agent",
            "entities": "e-mail addresses, phones, names, orders and places read in the text",
        },
    ),
    Entry(
        "contactrequest",
        Subject.VISITOR,
        "conversation_id → conversation.visitor_id",
        Erasure.DELETE,
        {"name": "name", "email": "e-mail address", "phone": "phone", "message": "message"},
    ),
    Entry(
        "feedback",
        Subject.VISITOR,
        "conversation_id → conversation.visitor_id",
        Erasure.DELETE,
        {"comment": "the comment after a 👎"},
    ),
    Entry(
        "answerreview",
        Subject.VISITOR,
        "message_id → message.conversation_id → conversation.visitor_id",
        Erasure.DELETE,
        {},
    ),
    Entry(
        "analyticsevent",
        Subject.VISITOR,
        "visitor_key, or conversation_id → conversation.visitor_id",
        Erasure.ANONYMISE,
        {
            "visitor_key": "the pseudonymous analytics key",
            "conversation_id": "the link to the conversation",
            "properties": "the host page's properties of a tracked step",
        },
    ),
    Entry(
        "widgetclick",
        Subject.VISITOR,
        "visitor_key, or conversation_id → conversation.visitor_id",
        Erasure.ANONYMISE,
        {
            "visitor_key": "the pseudonymous analytics key",
            "conversation_id": "the link to the conversation",
        },
    ),
    Entry(
        "user",
        Subject.USER,
        "id",
        Erasure.DELETE,
        {"email": "e-mail address", "name": "name", "password_hash": "the password's hash"},
    ),
    Entry("adminsession", Subject.USER, "user_id", Erasure.DELETE, {"token_hash": "a sign-in"}),
)

# Personal columns still stored in clear (issue 17, item 1): this list may only shrink.
IN_CLEAR: frozenset[tuple[str, str]] = frozenset(
    {
        ("visitor", "public_id"),
        ("visitor", "visitor_key"),
        ("conversation", "public_id"),
        ("analyticsevent", "visitor_key"),
        ("analyticsevent", "conversation_id"),
        ("analyticsevent", "properties"),
        ("widgetclick", "visitor_key"),
        ("widgetclick", "conversation_id"),
        ("user", "email"),
        ("user", "name"),
        ("user", "password_hash"),
        ("adminsession", "token_hash"),
    }
)


def entry(table: str) -> Entry | None:
    return next((e for e in REGISTRY if e.table == table), None)
