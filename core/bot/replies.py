"""A reply the bot decided on, before it is stored: text, what it answers, what it offers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.models import ReplyKind

CONTACT_FORM = "contact_form"  # the widget offers the contact form
HUMAN = "human"  # the widget offers "Talk to a person"


@dataclass(frozen=True)
class Reply:
    text: str
    faq_id: int | None = None
    confidence: float | None = None
    quick_replies: tuple[str, ...] = field(default_factory=tuple)
    actions: tuple[str, ...] = field(default_factory=tuple)
    # Rich blocks (core/content/rich.py) shown with the text, e.g. the matched FAQ's media.
    rich: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    kind: ReplyKind = ReplyKind.ANSWER
    # The conversation needs a person: the inbox lists it first.
    needs_human: bool = False
    # The language the answer is written in (ISO 639-1), for the widget's lang attribute.
    language: str | None = None
    # A note in the visitor's language beside an answer in another one ("not available in your
    # language yet"): its own part with its own language, never run into the answer's text.
    note: str | None = None
    note_language: str | None = None
    # How the visitor's message read; stored on it (not on the reply) for the inbox and analytics.
    emotion: str | None = None
    polarity: str | None = None
    urgency: str | None = None
