from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.crud.conversations import touch
from core.models import Conversation, Message, MessageCreate

HISTORY_LIMIT = 2000  # newest messages a conversation shows, in the widget and the inbox


def new_message(*, conversation_id: int, message_in: MessageCreate) -> Message:
    """The one place a Message row is made; the caller adds it to its session."""
    return Message.model_validate(
        message_in.model_dump(), update={"conversation_id": conversation_id}
    )


def create_message(
    *, session: Session, conversation: Conversation, message_in: MessageCreate
) -> Message:
    assert conversation.id is not None
    message = new_message(conversation_id=conversation.id, message_in=message_in)
    session.add(message)
    # Updating the conversation (flushed before the message, its parent) holds its row until
    # commit: a second writer to it waits and draws a later id, so streams reading "after the
    # last id sent" never miss a message committed late (tests/core/crud/test_messages.py).
    touch(session=session, conversation=conversation)
    session.flush()
    return message


def reply_to(*, session: Session, message: Message) -> Message | None:
    """The bot's answer to a visitor message, if it got one."""
    return session.exec(select(Message).where(Message.reply_to_id == message.id)).first()


def list_messages(
    *, session: Session, conversation: Conversation, after_id: int = 0, limit: int = 500
) -> Sequence[Message]:
    return session.exec(
        select(Message)
        .where(Message.conversation_id == conversation.id, col(Message.id) > after_id)
        .order_by(col(Message.id))
        .limit(limit)
    ).all()


def get_message(*, session: Session, conversation: Conversation, message_id: int) -> Message | None:
    message = session.get(Message, message_id)
    if message is None or message.conversation_id != conversation.id:
        return None
    return message


def last_message_id(*, session: Session, conversation: Conversation) -> int:
    last = session.exec(
        select(col(Message.id))
        .where(Message.conversation_id == conversation.id)
        .order_by(col(Message.id).desc())
        .limit(1)
    ).first()
    return last or 0


def last_ids(*, session: Session, conversation_ids: Collection[int]) -> dict[int, int]:
    """Each conversation's newest message id (conversations without messages left out)."""
    return dict(
        session.exec(  # type: ignore[arg-type]
            select(Message.conversation_id, func.max(Message.id))
            .where(col(Message.conversation_id).in_(list(conversation_ids)))
            .group_by(col(Message.conversation_id))
        ).all()
    )
