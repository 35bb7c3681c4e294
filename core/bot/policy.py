"""The bot's policy: answer, ask which FAQ was meant, hand over, or say it doesn't know."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from core.bot.replies import CONTACT_FORM, HUMAN, Reply
from core.bot.texts import say
from core.models import ReplyKind
from core.nlp.builtin_intents import HUMAN as HUMAN_INTENT
from core.nlp.intents import IntentResult
from core.nlp.retrieval import Match
from core.settings import Settings


@dataclass(frozen=True)
class Policy:
    """When the bot answers, asks, or says it doesn't know; each field is the setting of the same
    name (core/settings.py holds the defaults)."""

    answer_threshold: float  # the best FAQ text must be at least this close to answer
    unknown_threshold: float  # below it nothing in the knowledge base is close
    intent_threshold: float  # the intent head's confidence needed to answer

    @classmethod
    def of(cls, settings: Settings) -> Policy:
        return cls(
            answer_threshold=settings.ANSWER_THRESHOLD,
            unknown_threshold=settings.UNKNOWN_THRESHOLD,
            intent_threshold=settings.INTENT_THRESHOLD,
        )


def choose_reply(
    matches: Sequence[Match],
    intent: IntentResult | None = None,
    *,
    policy: Policy,
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
    if _asks_for_a_person(intent, human_similarity, policy):
        assert intent is not None
        return Reply(
            say("handover", language),
            confidence=intent.confidence,
            actions=(CONTACT_FORM,),
            kind=ReplyKind.HANDOVER,
            needs_human=True,
        )
    if not matches or matches[0].score < policy.unknown_threshold:
        return Reply(
            say("unknown", language),
            confidence=matches[0].score if matches else None,
            actions=(HUMAN, CONTACT_FORM),
            kind=ReplyKind.UNKNOWN,
        )
    answer = _answer(matches, intent, policy)
    if answer is not None:
        return answer
    confidence = matches[0].score if intent is None else intent.confidence
    if previous_kind == ReplyKind.CLARIFY:
        return Reply(
            say("fallback", language),
            confidence=confidence,
            actions=(HUMAN, CONTACT_FORM),
            kind=ReplyKind.FALLBACK,
        )
    return Reply(
        say("clarify", language),
        confidence=confidence,
        quick_replies=tuple(_suggestions(matches, intent, questions or {})),
        kind=ReplyKind.CLARIFY,
    )


def _asks_for_a_person(
    intent: IntentResult | None, human_similarity: float, policy: Policy
) -> bool:
    return (
        intent is not None
        and intent.label == HUMAN_INTENT
        and not (intent.out_of_scope or intent.ambiguous)
        and human_similarity >= policy.answer_threshold
    )


def _answer(matches: Sequence[Match], intent: IntentResult | None, policy: Policy) -> Reply | None:
    """The FAQ's answer when the bot is sure enough, else None."""
    best = matches[0]
    if best.score < policy.answer_threshold:
        return None
    if intent is None:
        return Reply(best.answer, faq_id=best.faq_id, confidence=best.score)
    chosen = next((m for m in matches if m.faq_id == _faq_id(intent.label)), None)
    if chosen is None or intent.out_of_scope or intent.ambiguous:
        return None
    return Reply(chosen.answer, faq_id=chosen.faq_id, confidence=intent.confidence)


def _suggestions(
    matches: Sequence[Match], intent: IntentResult | None, questions: Mapping[int, str]
) -> list[str]:
    """The three likeliest FAQs' questions: the caller's are in the visitor's language,
    retrieval's fill the gaps."""
    if intent is None:
        return [questions.get(m.faq_id, m.question) for m in matches[:3]]
    names = {m.faq_id: m.question for m in matches} | dict(questions)
    ranked = [_faq_id(label) for label, _ in intent.top3] + [m.faq_id for m in matches]
    return list(dict.fromkeys(names[i] for i in ranked if i is not None and i in names))[:3]


def _faq_id(label: str) -> int | None:
    return int(label) if label.isdigit() else None
