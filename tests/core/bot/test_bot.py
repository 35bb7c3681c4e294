"""The bot's turn on the demo business's knowledge, with the real encoder: what it decides, and
what `take_turns` stores, without any web framework."""

from __future__ import annotations

import time

import pytest
from sqlalchemy.engine import Engine

from core.bot.bot import Bot, TurnContext
from core.bot.knowledge import Knowledge
from core.bot.policy import Policy
from core.bot.turns import Incoming, take_turns
from core.crud import handover
from core.db import session_scope
from core.models import Conversation, ReplyKind
from core.settings import Settings
from tests.factories import make_conversation

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bot(encoder: object, engine: Engine, settings: Settings) -> Bot:
    policy = Policy.of(settings)
    knowledge = Knowledge(
        encoder=encoder,  # type: ignore[arg-type]
        engine=engine,
        intent_threshold=policy.intent_threshold,
    )
    knowledge.refresh()
    return Bot(knowledge, policy)


def context(**overrides: object) -> TurnContext:
    fields: dict[str, object] = {
        "previous_kind": None,
        "language": "en",
        "language_source": "default",
    }
    return TurnContext(**(fields | overrides))  # type: ignore[arg-type]


def test_a_clear_question_is_answered_and_the_next_unclear_one_hands_over(bot: Bot) -> None:
    analyses = bot.knowledge.analyze_batch(
        ["when do you close on saturday?", "do you take trade ins", "question about my bike"]
    )
    turn = bot.respond(analyses, context())
    answer, clarify, fallback = (d.reply for d in turn.decisions)
    assert answer.kind == ReplyKind.ANSWER and answer.faq_id is not None
    assert (clarify.kind, fallback.kind) == (ReplyKind.CLARIFY, ReplyKind.FALLBACK)
    assert turn.after.previous_kind == ReplyKind.FALLBACK
    assert all(d.speaks for d in turn.decisions)


def test_a_chosen_language_wins_over_the_messages_and_detection_updates_the_rest(
    bot: Bot,
) -> None:
    [analysis] = bot.knowledge.analyze_batch(["¿A qué hora abren la tienda el sábado?"])
    chosen = bot.respond([analysis], context(language="de", language_source="manual"))
    assert chosen.decisions[0].reply.language in {"de", "en"}
    assert (chosen.after.language, chosen.after.language_source) == ("de", "manual")
    detected = bot.respond([analysis], context())
    assert (detected.after.language, detected.after.language_source) == ("es", "detected")


def test_during_a_takeover_the_bot_stays_quiet_but_an_angry_visitor_is_flagged(
    bot: Bot, engine: Engine
) -> None:
    with session_scope(engine) as session:
        conversation = make_conversation(session)
        handover.take_over(session=session, public_id=conversation.public_id, agent_name="Sam")
        cid = conversation.id
    assert cid is not None
    text = "This is absolutely unacceptable, my bike is STILL broken and nobody answers!"
    analyses = bot.knowledge.analyze_batch([text])
    incoming = Incoming(cid, analyses, [None], None, time.perf_counter())
    with session_scope(engine) as session:
        stored, [turn] = take_turns(session=session, bot=bot, incoming=[incoming])
    [decision] = turn.decisions
    assert not decision.speaks and decision.urgent
    [[saved]] = stored.turns
    assert saved.reply is None and saved.message.text == text
    with session_scope(engine) as session:
        row = session.get(Conversation, cid)
        assert row is not None and row.urgency == "high"


def test_only_what_the_visitor_added_to_the_question_is_acknowledged(bot: Bot) -> None:
    hours, booking = bot.knowledge.analyze_batch(
        [
            "when do you close on saturday?",
            "I'd like to book a service appointment with Dr. Khan on Monday at 3pm",
        ]
    )
    [closing] = bot.respond([hours], context()).decisions
    assert closing.reply.kind == ReplyKind.ANSWER
    assert not closing.reply.text.startswith("I see")  # the day is the question itself
    [slot] = bot.respond([booking], context()).decisions
    assert slot.reply.text.startswith("I see: with Dr. Khan, on Monday")
