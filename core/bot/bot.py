"""The bot's turn: analysed messages and the conversation's context in, decided replies out.

The chat server, other channels and the jobs runner all call `Bot.respond`; it reads only the
current knowledge snapshot, so it is cheap (the encoder already ran) and does no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from core.bot.knowledge import Knowledge
from core.bot.language import conversation_language, reply_language
from core.bot.policy import Policy, choose_reply
from core.bot.replies import Reply
from core.bot.snapshot import Snapshot
from core.bot.texts import TEXTS, say
from core.bot.wording import acknowledge, empathize, with_notices
from core.content.quick_actions import product_buttons
from core.models import ReplyKind
from core.nlp.analysis import Analysis
from core.nlp.filters import PROFANITY
from core.nlp.retrieval import search


@dataclass(frozen=True)
class TurnContext:
    """What the bot knows of the conversation before the turn."""

    previous_kind: ReplyKind | None  # of the bot's last reply: a second unclear message hands over
    language: str
    language_source: str  # a LanguageSource
    taken_over: bool = False  # an agent answers: the bot stays quiet


@dataclass(frozen=True)
class Decision:
    """The bot's decision on one visitor message."""

    reply: Reply  # as composed; it carries how the message read (emotion, polarity, urgency)
    speaks: bool  # False while an agent has taken over: the reply is not sent
    urgent: bool  # the conversation needs a person soon: the inbox lists it first


@dataclass(frozen=True)
class Turn:
    decisions: list[Decision]
    after: TurnContext  # the context the next turn starts from


class Bot:
    def __init__(self, knowledge: Knowledge, policy: Policy) -> None:
        self.knowledge = knowledge
        self.policy = policy

    def respond(self, analyses: Sequence[Analysis], context: TurnContext) -> Turn:
        """One decision per message, in order; each message's reply sees the previous one."""
        previous = context.previous_kind
        decisions = []
        for analysis in analyses:
            language = reply_language(analysis, context.language, context.language_source)
            reply = self.compose(analysis, previous_kind=previous, language=language)
            reply = with_notices(
                reply,
                sensitive=analysis.sensitive,
                profane=PROFANITY in analysis.flags,
                language=language,
            )
            urgent = reply.urgency == "high" or reply.needs_human
            decisions.append(Decision(reply, not context.taken_over, urgent))
            previous = reply.kind
        language, source = conversation_language(
            analyses, context.language, context.language_source
        )
        return Turn(decisions, TurnContext(previous, language, source, context.taken_over))

    def compose(self, analysis: Analysis, *, previous_kind: str | None, language: str) -> Reply:
        """The reply to one analysed message, in `language` where the knowledge has it."""
        snapshot = self.knowledge.snapshot
        matches = search(snapshot.index, analysis.embedding[None, :], k=3)[0]
        questions = {
            key: (versions.get(language) or snapshot.sources[key]).question
            for key, versions in snapshot.groups.items()
        }
        human_similarity = (
            float((snapshot.human @ analysis.embedding).max(initial=0.0))
            if len(snapshot.human)
            else 0.0
        )
        reply = choose_reply(
            matches,
            analysis.intent,
            policy=self.policy,
            previous_kind=previous_kind,
            questions=questions,
            human_similarity=human_similarity,
            language=language,
        )
        reply = replace(reply, language=language if language in TEXTS else "en")
        # Only what the visitor added to the FAQ's question (a booking's day and time, an
        # order's number) is acknowledged, not a day that is the question ("open on Saturday?").
        asked = snapshot.asked.get(reply.faq_id, frozenset()) if reply.faq_id else frozenset()
        added = [e for e in analysis.entities if e.type not in asked]
        if reply.faq_id is not None and reply.faq_id in snapshot.groups:
            reply = _in_language(reply, snapshot, language, analysis)
        reply = acknowledge(reply, added, reply.language or language)
        if analysis.emotion is None:
            return reply
        return empathize(
            reply,
            emotion=analysis.emotion.label,
            polarity=analysis.emotion.polarity,
            urgency=analysis.emotion.urgency,
            language=language,
        )


def _in_language(reply: Reply, snapshot: Snapshot, language: str, analysis: Analysis) -> Reply:
    """The answer from the FAQ's version in `language`, else the source's with a note in
    `language` (a part of its own); its media, and the owner's product buttons when it concerns
    a product."""
    assert reply.faq_id is not None
    found = snapshot.groups[reply.faq_id].get(language)
    version = found or snapshot.sources[reply.faq_id]
    note = None if found else say("untranslated", language)
    rich = list(version.media)
    buttons = product_buttons(
        snapshot.quick_actions,
        faq_category=version.category,
        entity_labels=[e.type for e in analysis.entities],
    )
    if buttons and not any(b.get("type") == "buttons" for b in rich):
        rich.append(buttons)
    return replace(
        reply,
        text=version.answer,
        faq_id=version.faq_id,
        rich=tuple(rich),
        language=version.language,
        note=note,
        note_language=None if note is None else (language if language in TEXTS else "en"),
    )
