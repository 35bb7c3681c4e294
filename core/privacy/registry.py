"""The personal-data registry: every table that holds something about a person (a visitor, or a
user of the admin) says how its rows are found from that person, which of its columns are
personal, how each is exported and what erasing the person does to them. Export and erasure
read this list, and a test keeps it complete and true to the schema: a table that leads to a
person through its foreign keys and is missing here, or a column named here that does not exist,
fails it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Subject(StrEnum):
    VISITOR = "visitor"  # someone who chatted, found by e-mail, phone or visitor id
    USER = "user"  # an owner or agent of the admin


class Erasure(StrEnum):
    """What erasing the person does to a table's rows."""

    DELETE = "delete"  # the row goes with the person
    # Keep as aggregate: the row stays so counts keep their totals; its personal columns are
    # set to their `cleared` value, so nothing in it leads back to the person.
    ANONYMISE = "anonymise"


class Export(StrEnum):
    """How a personal column appears in the person's export."""

    INCLUDE = "include"  # its value, decrypted
    OMIT = "omit"  # a secret or an internal link (a hash, a row id): left out of the export


def fresh_key() -> str:
    """A new pseudonymous key in place of an erased visitor's: their events and clicks still
    count as one (unknown) visitor's, and nothing links them to the person or the browser."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Personal:
    holds: str  # what the column holds about the person
    export: Export = Export.INCLUDE
    # What an anonymising erasure writes: a value, or a function called once per value it
    # replaces (one new key for each of the person's keys, the same in every table), so rows
    # that were one browser's still count as one. NOT NULL columns need one.
    cleared: Any = None


@dataclass(frozen=True)
class Entry:
    table: str
    subject: Subject
    # The foreign-key columns followed from this table to the person's row, one per table on
    # the way: ("conversation_id", "visitor_id") is message -> conversation -> visitor. Empty
    # for the person's own table.
    path: tuple[str, ...]
    erasure: Erasure
    personal: dict[str, Personal]
    # Columns that also find the rows without the path (a pseudonymous key kept by the browser
    # for events recorded before or without a conversation).
    also_by: tuple[str, ...] = field(default=())


INCLUDE, OMIT = Export.INCLUDE, Export.OMIT

REGISTRY: tuple[Entry, ...] = (
    Entry(
        "visitor",
        Subject.VISITOR,
        (),
        Erasure.DELETE,
        {
            "public_id": Personal("the visitor's id in the widget"),
            "visitor_key": Personal("the pseudonymous analytics key"),
            "name": Personal("name given in a contact form"),
            "email": Personal("e-mail address given in a contact form"),
            "phone": Personal("phone number given in a contact form"),
        },
    ),
    Entry(
        "conversation",
        Subject.VISITOR,
        ("visitor_id",),
        Erasure.DELETE,
        {
            "public_id": Personal("the conversation's id"),
            "page_url": Personal("the page the chat started on"),
            "whatsapp_to": Personal("the WhatsApp number the chat continued on"),
            "whatsapp_key": Personal("a keyed hash of that number (to find the chat by it)"),
        },
    ),
    Entry(
        "message",
        Subject.VISITOR,
        ("conversation_id", "visitor_id"),
        Erasure.DELETE,
        {
            "text": Personal("what the visitor, the bot or an agent wrote"),
            "note": Personal("a note in the visitor's language beside an answer"),
            "entities": Personal("e-mail addresses, phones, names, orders and places read in it"),
        },
    ),
    Entry(
        "contactrequest",
        Subject.VISITOR,
        ("conversation_id", "visitor_id"),
        Erasure.DELETE,
        {
            "name": Personal("name"),
            "email": Personal("e-mail address"),
            "phone": Personal("phone number"),
            "message": Personal("message"),
        },
    ),
    Entry(
        "feedback",
        Subject.VISITOR,
        ("conversation_id", "visitor_id"),
        Erasure.DELETE,
        {"comment": Personal("the comment with a rating")},
    ),
    Entry(  # counts and message ids: nothing personal, but about the conversation
        "conversationfacts",
        Subject.VISITOR,
        ("conversation_id", "visitor_id"),
        Erasure.DELETE,
        {},
    ),
    Entry(  # what followed each bot answer, and its rating: nothing personal
        "answerfacts",
        Subject.VISITOR,
        ("conversation_id", "visitor_id"),
        Erasure.DELETE,
        {},
    ),
    Entry(
        "answerreview",
        Subject.VISITOR,
        ("message_id", "conversation_id", "visitor_id"),
        Erasure.DELETE,
        {},
    ),
    Entry(
        "analyticsevent",
        Subject.VISITOR,
        ("conversation_id", "visitor_id"),
        Erasure.ANONYMISE,
        {
            "visitor_key": Personal("the pseudonymous analytics key", OMIT, fresh_key),
            "conversation_id": Personal("the link to the conversation", OMIT),
            "private_properties": Personal("a tracked step's own properties; the agent's name"),
        },
        also_by=("visitor_key",),
    ),
    Entry(
        "widgetclick",
        Subject.VISITOR,
        ("conversation_id", "visitor_id"),
        Erasure.ANONYMISE,
        {
            "visitor_key": Personal("the pseudonymous analytics key", OMIT, fresh_key),
            "conversation_id": Personal("the link to the conversation", OMIT),
        },
        also_by=("visitor_key",),
    ),
    Entry(
        "outboxentry",
        Subject.VISITOR,
        ("conversation_id", "visitor_id"),
        Erasure.DELETE,
        {
            "payload": Personal("an alert about the visitor: their name, e-mail, message"),
            "last_error": Personal("a receiver's error, which may quote the alert", OMIT),
            "receipt": Personal("the CRM's record id of the contact or lead", OMIT),
        },
    ),
    Entry(
        "user",
        Subject.USER,
        (),
        Erasure.DELETE,
        {
            "email": Personal("e-mail address"),
            "name": Personal("name"),
            "password_hash": Personal("the password's hash", OMIT),
        },
    ),
    Entry(
        "adminsession",
        Subject.USER,
        ("user_id",),
        Erasure.DELETE,
        {"token_hash": Personal("a sign-in", OMIT)},
    ),
    Entry(
        "answerreview",
        Subject.USER,
        ("reviewed_by",),
        Erasure.ANONYMISE,
        {"reviewed_by": Personal("who reviewed the answer", OMIT)},
    ),
    Entry(
        "auditentry",
        Subject.USER,
        ("actor_id",),
        Erasure.ANONYMISE,
        {
            "actor_id": Personal("who exported or erased a visitor's data", OMIT),
            "actor": Personal("who did it, by e-mail address", cleared="an erased user"),
            "address": Personal("the address they did it from"),
        },
    ),
)

# Personal columns still stored in clear, each because SQL finds or joins rows by it: random ids
# and pseudonymous keys, links, a sign-in's e-mail address (unique, looked up when signing in),
# hashes of secrets, and a WhatsApp number's hash keyed with the signing secret (looked up when
# a message arrives; without the secret it cannot be matched to a number). Erasure removes or
# clears them. A new personal column must be encrypted; this list may only shrink, but for the
# link of a new table to its person (a row id) or a keyed hash SQL must find rows by.
IN_CLEAR: frozenset[tuple[str, str]] = frozenset(
    {
        ("visitor", "public_id"),
        ("visitor", "visitor_key"),
        ("conversation", "public_id"),
        ("conversation", "whatsapp_key"),
        ("analyticsevent", "visitor_key"),
        ("analyticsevent", "conversation_id"),
        ("widgetclick", "visitor_key"),
        ("widgetclick", "conversation_id"),
        ("user", "email"),
        ("user", "password_hash"),
        ("adminsession", "token_hash"),
        ("answerreview", "reviewed_by"),
        ("auditentry", "actor_id"),
    }
)


# The other text and JSON columns of the registered tables: not personal, kept plain because
# dashboards and filters read them in SQL. Labels from fixed vocabularies, the models' readings,
# the bot's own content, the names the business gives its tracked steps, the server's event
# labels (intent, kind, rating), a message id the widget made up, the page's section, an outbox
# entry's channel, state, claim and idempotency key (made of row ids, never of content).
PLAIN: dict[str, tuple[str, ...]] = {
    "visitor": ("language", "data_key_id"),
    "conversation": ("language", "status", "language_source", "channel", "urgency", "page_section"),
    "message": (
        "role", "client_id", "quick_replies", "actions", "flags", "language", "emotion",
        "polarity", "urgency", "rich", "kind", "note_language", "intent",
    ),
    "contactrequest": ("status",),
    "conversationfacts": ("path",),
    "outboxentry": ("channel", "idempotency_key", "status", "claim_token"),
    "analyticsevent": ("name", "label", "currency", "properties"),
    "widgetclick": ("element", "panel", "width_class"),
    "user": ("role",),
    "auditentry": ("action", "details"),
}  # fmt: skip


# Encrypted columns about no person: the business's own secrets, in tables that lead to no
# person (a test checks both). Export and erasure leave them; key rotation re-encrypts them.
NOT_PERSONAL: dict[str, tuple[str, ...]] = {
    # Credentials and CRM field mappings the owner entered on the Integrations page.
    "integrationsetting": ("value",),
}


def entries(subject: Subject) -> tuple[Entry, ...]:
    """The tables to export or erase for one kind of person, the person's own table first."""
    return tuple(e for e in REGISTRY if e.subject == subject)


def entry(table: str, subject: Subject | None = None) -> Entry | None:
    return next((e for e in REGISTRY if e.table == table and subject in (None, e.subject)), None)
