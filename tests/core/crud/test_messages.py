"""Messages: listed in order after a cursor, a client_id stored once per conversation."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from core.crud import conversations as conv_crud
from core.crud import messages as msg_crud
from core.db import session_scope
from core.models import MessageCreate


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
