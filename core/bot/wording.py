"""The wording around a decided reply: notices about the visitor's own message, empathy for how
it read, and an acknowledgement of what the bot understood, in the visitor's language."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from babel.dates import format_date, format_skeleton

from core.bot.replies import CONTACT_FORM, Reply
from core.bot.texts import TEXTS, say
from core.models import ReplyKind
from core.nlp.entities import Entity


def with_notices(reply: Reply, *, sensitive: bool, profane: bool, language: str = "en") -> Reply:
    """The reply, preceded by what the visitor must know about their own message."""
    notices = [
        say(key, language) for key, on in (("sensitive", sensitive), ("profanity", profane)) if on
    ]
    if not notices:
        return reply
    return replace(reply, text=" ".join([*notices, reply.text]))


def empathize(
    reply: Reply, *, emotion: str, polarity: str, urgency: str, language: str = "en"
) -> Reply:
    """Carry the message's reading, and let the wording follow it: an apology for a frustrated
    visitor, and a person right away (flagged urgent in the inbox, plus the contact form) for an
    angry one."""
    reply = replace(reply, emotion=emotion, polarity=polarity, urgency=urgency)
    if emotion == "angry" and reply.needs_human:  # already handed to a person: no second offer
        return replace(reply, text=f"{say('sorry', language)} {reply.text}")
    if emotion == "angry":
        actions = reply.actions if CONTACT_FORM in reply.actions else (*reply.actions, CONTACT_FORM)
        text = f"{say('angry', language)} {reply.text}"
        return replace(reply, text=text, actions=actions, needs_human=True)
    if (
        emotion == "frustrated" and reply.kind != ReplyKind.UNKNOWN
    ):  # "I'm sorry, I don't know" already
        return replace(reply, text=f"{say('sorry', language)} {reply.text}")
    return reply


def _when(value: str, language: str) -> str | None:
    """A DATE entity's value as words in `language`: "2026-11-30T15:00" -> "on Monday 30
    November at 15:00" ("el lunes 30 de noviembre a las 15:00"), "2026-11" -> "in November
    2026", "2027" -> "in 2027"; None for anything else. Day and month names come from Babel's
    CLDR data."""
    if re.fullmatch(r"\d{4}", value):
        return say("ack_year", language).format(value)
    if re.fullmatch(r"\d{4}-\d\d", value):
        month = date(int(value[:4]), int(value[5:]), 1)
        return say("ack_month", language).format(format_skeleton("yMMMM", month, locale=language))
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    day = format_date(moment.date(), format=say("date_pattern", language), locale=language)
    on_day = say("ack_date", language).format(day)
    if "T" not in value:
        return on_day
    return f"{on_day} {say('ack_time', language).format(f'{moment:%H:%M}')}"


ACKNOWLEDGED = {
    "PERSON": "ack_person",
    "TIME": "ack_time",
    "PRODUCT": "ack_product",
    "ORDER_ID": "ack_order",
}


def acknowledge(reply: Reply, entities: Sequence[Entity], language: str = "en") -> Reply:
    """An answer that shows what the bot understood: "I see: with Dr. Khan, on Monday 30
    November at 15:00, for your Trek Marlin 5, order A12345." before the FAQ's answer, in the
    bot's six languages (core.bot.texts). Only answers get it: a clarifying question or an "I
    don't know" should not sound sure; and an answer in another language gets none (a sentence
    half in another language reads worse than none)."""
    if reply.kind != ReplyKind.ANSWER or language not in TEXTS:
        return reply
    parts: list[str] = []
    for entity in entities:
        if entity.type == "DATE":
            when = _when(entity.value, language)
            if when is not None:
                parts.append(when)
        elif entity.type in ACKNOWLEDGED:
            parts.append(say(ACKNOWLEDGED[entity.type], language).format(entity.value))
    parts = list(dict.fromkeys(parts))
    if not parts:
        return reply
    sentence = say("ack", language).format(say("list_separator", language).join(parts))
    return replace(reply, text=f"{sentence} {reply.text}")
