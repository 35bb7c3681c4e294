"""What the bot says, given the FAQ matches for a visitor's message."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from babel.dates import format_date, format_skeleton

from core.bot_texts import TEXTS, say
from core.nlp.builtin_intents import HUMAN as HUMAN_INTENT
from core.nlp.entities import Entity
from core.nlp.intents import IntentResult
from core.nlp.retrieval import Match

CONTACT_FORM = "contact_form"
HUMAN = "human"  # the widget offers "Talk to a person"
CLARIFY_TEXT = say("clarify")
FALLBACK_TEXT = say("fallback")
UNKNOWN_TEXT = say("unknown")
HANDOVER_TEXT = say("handover")


@dataclass(frozen=True)
class Reply:
    text: str
    faq_id: int | None = None
    confidence: float | None = None
    quick_replies: tuple[str, ...] = field(default_factory=tuple)
    actions: tuple[str, ...] = field(default_factory=tuple)
    # Rich blocks (core/content/rich.py) shown with the text, e.g. the matched FAQ's media.
    rich: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    # "answer" (an FAQ), "clarify" (which one did you mean?), "fallback" (still unclear after
    # a clarifying question), "unknown" (nothing fits), "handover" (the visitor asked for a person).
    kind: str = "answer"
    # The conversation needs a person: the inbox lists it first.
    needs_human: bool = False
    # The language the answer is written in (ISO 639-1), for the widget's lang attribute.
    language: str | None = None
    # How the visitor's message read; stored on it (not on the reply) for the inbox and analytics.
    emotion: str | None = None
    polarity: str | None = None
    urgency: str | None = None


SENSITIVE_NOTICE = say("sensitive")
PROFANITY_NOTICE = say("profanity")


def with_notices(reply: Reply, *, sensitive: bool, profane: bool, language: str = "en") -> Reply:
    """The reply, preceded by what the visitor must know about their own message."""
    notices = [
        say(key, language) for key, on in (("sensitive", sensitive), ("profanity", profane)) if on
    ]
    if not notices:
        return reply
    return replace(reply, text=" ".join([*notices, reply.text]))


@dataclass(frozen=True)
class Policy:
    """When the bot answers, asks, or says it doesn't know (settings ANSWER_THRESHOLD,
    UNKNOWN_THRESHOLD; the intent threshold and margin live with the intent head)."""

    answer_similarity: float = 0.55  # the best FAQ text must be at least this close to answer
    unknown_similarity: float = 0.4  # below it nothing in the knowledge base is close


def compose_reply(
    matches: Sequence[Match],
    intent: IntentResult | None = None,
    *,
    policy: Policy = Policy(),
    previous_kind: str | None = None,
    questions: Mapping[int, str] | None = None,
    human_similarity: float = 1.0,
    language: str = "en",
) -> Reply:
    """What the bot says to one message.

    - The visitor asks for a person (the built-in intent, confidently): flag for a person.
    - Nothing close in the knowledge base: an honest "I don't know", with a person or the
      contact form, never the least-bad FAQ.
    - The intent head is confident (at or above its threshold, the runner-up more than the
      margin behind) and the FAQ texts are close enough: the FAQ's answer.
    - Otherwise a clarifying question with the three likeliest FAQs as quick replies; if the
      previous answer was already a clarifying question, a person or the contact form instead.

    Without an intent head (fewer than two FAQs) retrieval alone decides. `questions` maps FAQ
    ids to their questions, for suggestions the retrieval did not return; `human_similarity` is
    the message's best cosine similarity with the examples of asking for a person (a softmax
    over known intents is sure of *something* even for "tell me a joke").
    """
    if (
        intent is not None
        and intent.label == HUMAN_INTENT
        and not (intent.out_of_scope or intent.ambiguous)
        and human_similarity >= policy.answer_similarity
    ):
        return Reply(
            say("handover", language),
            confidence=intent.confidence,
            actions=(CONTACT_FORM,),
            kind="handover",
            needs_human=True,
        )
    if not matches or matches[0].score < policy.unknown_similarity:
        confidence = matches[0].score if matches else None
        return Reply(
            say("unknown", language),
            confidence=confidence,
            actions=(HUMAN, CONTACT_FORM),
            kind="unknown",
        )
    by_id = {m.faq_id: m for m in matches}
    best = matches[0]
    if intent is None:
        if best.score >= policy.answer_similarity:
            return Reply(best.answer, faq_id=best.faq_id, confidence=best.score)
        names = dict(questions or {})
        suggestions = [names.get(m.faq_id, m.question) for m in matches[:3]]
        confidence = best.score
    else:
        chosen = _faq_id(intent.label)
        if (
            chosen in by_id
            and not (intent.out_of_scope or intent.ambiguous)
            and best.score >= policy.answer_similarity
        ):
            match = by_id[chosen]
            return Reply(match.answer, faq_id=match.faq_id, confidence=intent.confidence)
        # The caller's questions are in the visitor's language; retrieval's fill the gaps.
        names = {m.faq_id: m.question for m in matches} | dict(questions or {})
        ranked = [_faq_id(label) for label, _ in intent.top3] + [m.faq_id for m in matches]
        suggestions = list(dict.fromkeys(names[i] for i in ranked if i is not None and i in names))[
            :3
        ]
        confidence = intent.confidence
    if previous_kind == "clarify":
        return Reply(
            say("fallback", language),
            confidence=confidence,
            actions=(HUMAN, CONTACT_FORM),
            kind="fallback",
        )
    return Reply(
        say("clarify", language),
        confidence=confidence,
        quick_replies=tuple(suggestions),
        kind="clarify",
    )


def _faq_id(label: str) -> int | None:
    return int(label) if label.isdigit() else None


SORRY_TEXT = say("sorry")
ANGRY_TEXT = say("angry")


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
    if emotion == "frustrated" and reply.kind != "unknown":  # "I'm sorry, I don't know" already
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
    bot's six languages (core.bot_texts). Only answers get it: a clarifying question or an "I
    don't know" should not sound sure; and an answer in another language gets none (a sentence
    half in another language reads worse than none)."""
    if reply.kind != "answer" or language not in TEXTS:
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
