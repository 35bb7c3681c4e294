"""What the bot says, given the FAQ matches for a visitor's message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from core.nlp.retrieval import Match

CONTACT_FORM = "contact_form"
CLARIFY_TEXT = (
    "I'm not sure I understood. Did you mean one of these? "
    "You can also leave your details and we'll get back to you."
)
NO_KNOWLEDGE_TEXT = (
    "I can't answer that yet. Leave your details with the contact form and we'll get back to you."
)


@dataclass(frozen=True)
class Reply:
    text: str
    faq_id: int | None = None
    confidence: float | None = None
    quick_replies: tuple[str, ...] = field(default_factory=tuple)
    actions: tuple[str, ...] = field(default_factory=tuple)
    # Rich blocks (core/rich.py) shown with the text, e.g. the matched FAQ's media.
    rich: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    # "answer" (an FAQ), "clarify" (which one did you mean?), "unknown" (nothing fits).
    kind: str = "answer"
    # How the visitor's message read; stored on it (not on the reply) for the inbox and analytics.
    emotion: str | None = None
    polarity: str | None = None
    urgency: str | None = None


SENSITIVE_NOTICE = "Please don't share sensitive information in chat."
PROFANITY_NOTICE = "Please keep the conversation professional."


def with_notices(reply: Reply, *, sensitive: bool, profane: bool) -> Reply:
    """The reply, preceded by what the visitor must know about their own message."""
    notices = [n for n, on in ((SENSITIVE_NOTICE, sensitive), (PROFANITY_NOTICE, profane)) if on]
    if not notices:
        return reply
    return replace(reply, text=" ".join([*notices, reply.text]))


def compose_reply(matches: Sequence[Match], threshold: float) -> Reply:
    """Answer with the best FAQ when it clears the threshold, otherwise ask which one was meant."""
    if not matches:
        return Reply(NO_KNOWLEDGE_TEXT, actions=(CONTACT_FORM,), kind="unknown")
    best = matches[0]
    if best.score >= threshold:
        return Reply(best.answer, faq_id=best.faq_id, confidence=best.score)
    return Reply(
        CLARIFY_TEXT,
        confidence=best.score,
        quick_replies=tuple(m.question for m in matches[:3]),
        actions=(CONTACT_FORM,),
        kind="clarify",
    )


SORRY_TEXT = "I'm sorry about the trouble."
ANGRY_TEXT = (
    "I'm sorry about this. I've flagged your conversation for our team, so a person can pick it "
    "up here; you can also leave your details and we'll get back to you."
)


def empathize(reply: Reply, *, emotion: str, polarity: str, urgency: str) -> Reply:
    """Carry the message's reading, and let the wording follow it: an apology for a frustrated
    visitor, and a person right away (flagged urgent in the inbox, plus the contact form) for an
    angry one."""
    reply = replace(reply, emotion=emotion, polarity=polarity, urgency=urgency)
    if emotion == "angry":
        actions = reply.actions if CONTACT_FORM in reply.actions else (*reply.actions, CONTACT_FORM)
        return replace(reply, text=f"{ANGRY_TEXT} {reply.text}", actions=actions)
    if emotion == "frustrated":
        return replace(reply, text=f"{SORRY_TEXT} {reply.text}")
    return reply
