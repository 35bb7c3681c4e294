"""Messages: listed in order after a cursor, a client_id stored once per conversation."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from core.crud import conversations as conv_crud
from core.crud import messages as msg_crud
from core.db import session_scope
from core.models import Conversation, MessageCreate


def test_messages_are_listed_in_order_after_a_cursor(engine: Engine) -> None:
    with session_scope(engine) as session:
        visitor = conv_crud.create_visitor(session=session, language="en")
        conversation = conv_crud.create_conversation(session=session, visitor=visitor)
        ids: list[int] = []
        for role, text in [("visitor", "hi"), ("bot", "hello!"), ("visitor", "bye")]:
            reply_to = ids[0] if role == "bot" else None
            message = msg_crud.create_message(
                session=session,
                conversation=conversation,
                message_in=MessageCreate(role=role, text=text, reply_to_id=reply_to),
            )
            assert message.id is not None
            ids.append(message.id)
        after = msg_crud.list_messages(session=session, conversation=conversation, after_id=ids[0])
        assert [m.text for m in after] == ["hello!", "bye"]
        assert msg_crud.last_message_id(session=session, conversation=conversation) == ids[-1]
        first = msg_crud.get_message(session=session, conversation=conversation, message_id=ids[0])
        assert first is not None
        assert msg_crud.reply_to(session=session, message=first).text == "hello!"  # type: ignore[union-attr]
        last = msg_crud.get_message(session=session, conversation=conversation, message_id=ids[2])
        assert last is not None and msg_crud.reply_to(session=session, message=last) is None


def test_a_client_id_is_stored_once_per_conversation(engine: Engine) -> None:
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        visitor = conv_crud.create_visitor(session=session)
        conversation = conv_crud.create_conversation(session=session, visitor=visitor)
        for _ in range(2):
            msg_crud.create_message(
                session=session,
                conversation=conversation,
                message_in=MessageCreate(role="visitor", text="hi", client_id="same"),
            )


def test_messages_of_one_conversation_are_committed_in_id_order(engine: Engine) -> None:
    """A stream reads a conversation's messages after the last id it sent: a message committed
    later with a lower id would be skipped. Storing a message touches its conversation first,
    which holds the conversation's row until commit, so a second writer waits and draws the
    next id (SQLite lets one writer at a time anyway)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises every write")
    with session_scope(engine) as session:
        visitor = conv_crud.create_visitor(session=session, language="en")
        conversation = conv_crud.create_conversation(
            session=session, visitor=visitor, language="en"
        )
    cid = conversation.id
    second_ids: list[int] = []
    second_done = threading.Event()

    def second_writer() -> None:
        with Session(engine) as other:
            row = other.get(Conversation, cid)
            assert row is not None
            second = msg_crud.create_message(
                session=other, conversation=row, message_in=MessageCreate(role="agent", text="b")
            )
            other.commit()
            assert second.id is not None
            second_ids.append(second.id)
            second_done.set()

    with Session(engine) as first_session:
        row = first_session.get(Conversation, cid)
        assert row is not None
        first = msg_crud.create_message(
            session=first_session, conversation=row, message_in=MessageCreate(role="bot", text="a")
        )
        first_id = first.id
        writer = threading.Thread(target=second_writer, daemon=True)
        writer.start()
        finished_first = second_done.wait(timeout=3)
        first_session.commit()
    writer.join(timeout=60)
    assert not finished_first  # the second writer waited for the first one's commit
    assert first_id is not None and second_ids and second_ids[0] > first_id
