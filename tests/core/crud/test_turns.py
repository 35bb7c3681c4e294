"""Storing turns: an answer whose FAQ was deleted meanwhile, a quiet bot, a retried client_id."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from core.crud import turns as turn_crud
from core.db import session_scope
from core.models import Conversation, MessageCreate, Role
from tests.factories import make_conversation


def _conversation(engine: Engine) -> int:
    with session_scope(engine) as session:
        return make_conversation(session).id  # type: ignore[return-value]


def _store(engine: Engine, *turns: turn_crud.TurnIn) -> turn_crud.StoredTurns:
    with session_scope(engine) as session:
        conversations = turn_crud.conversations_by_id(
            session=session, ids={t.conversation_id for t in turns}
        )
        return turn_crud.store_turns(session=session, conversations=conversations, turns=turns)


def _question(text: str, client_id: str | None = None) -> MessageCreate:
    return MessageCreate(role=Role.VISITOR, text=text, client_id=client_id)


def test_answer_from_an_faq_deleted_meanwhile_is_stored_without_the_link(engine: Engine) -> None:
    cid = _conversation(engine)
    gone = MessageCreate(role=Role.BOT, text="We open at 9.", faq_id=10**9, confidence=0.9)
    stored = _store(engine, turn_crud.TurnIn(cid, [_question("when do you open")], [gone]))
    [[turn]] = stored.turns
    assert turn.message.text == "when do you open"
    assert turn.reply is not None and turn.reply.text == "We open at 9."
    assert turn.reply.faq_id is None


def test_a_quiet_turn_stores_the_visitors_message_and_flags_the_conversation(
    engine: Engine,
) -> None:
    cid = _conversation(engine)
    turn = turn_crud.TurnIn(
        cid, [_question("this is useless!")], [None], urgent=True, language=("de", "detected")
    )
    [[stored]] = _store(engine, turn).turns
    assert stored.reply is None
    with session_scope(engine) as session:
        conversation = session.get(Conversation, cid)
        assert conversation is not None
        assert (conversation.urgency, conversation.language) == ("high", "de")


def test_a_retried_client_id_gets_the_first_turn_back_and_streams_get_each_message_once(
    engine: Engine,
) -> None:
    cid = _conversation(engine)
    answer = MessageCreate(role=Role.BOT, text="From $25 a day.")
    first = _store(engine, turn_crud.TurnIn(cid, [_question("rentals?", "c-1")], [answer]))
    again = _store(
        engine,
        turn_crud.TurnIn(
            cid, [_question("rentals?", "c-1"), _question("helmets?")], [answer, None]
        ),
    )
    [[original]] = first.turns
    retried, fresh = again.turns[0]
    assert retried == original
    assert fresh.message.text == "helmets?"
    assert [m.text for m in first.added[cid]] == ["rentals?", "From $25 a day."]
    assert [m.text for m in again.added[cid]] == ["helmets?"]
    assert again.before[cid] == original.reply.id  # type: ignore[union-attr]
