"""Each conversation's facts row follows what is written to it, in the same commit, whatever
writes it; computing every row at once gives the same rows. The dashboards read these rows for
resolution and reply times, so a stale row is a wrong figure on the owner's page."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.crud import conversation_facts, events
from core.crud import messages as msg_crud
from core.models import (
    AnswerFacts,
    Conversation,
    ConversationFacts,
    EventName,
    FaqEntry,
    MessageCreate,
    ReplyKind,
)
from tests.factories import make_conversation


def facts(engine: Engine, conversation: Conversation) -> ConversationFacts | None:
    with Session(engine) as session:
        return session.get(ConversationFacts, conversation.id)


def answered(session: Session) -> tuple[Conversation, int]:
    """A committed conversation: a question and the bot's answer from an FAQ."""
    faq = session.exec(select(FaqEntry)).first()
    assert faq is not None
    conversation = make_conversation(session, ("visitor", "When are you open?"))
    answer = msg_crud.create_message(
        session=session,
        conversation=conversation,
        message_in=MessageCreate(
            role="bot", text="9 to 5", faq_id=faq.id, kind=ReplyKind.ANSWER, latency_ms=250.0
        ),
    )
    session.commit()
    assert answer.id is not None
    return conversation, answer.id


def test_an_answer_a_change_of_mind_and_an_agent_are_in_the_facts_once_committed(
    engine: Engine, session: Session
) -> None:
    conversation, answer = answered(session)
    row = facts(engine, conversation)
    assert row is not None
    assert (row.last_answer, row.last_reply, row.handed, row.disliked) == (answer, answer, 0, 0)
    assert row.first_response_seconds is not None and row.first_response_seconds >= 0.25

    assert conversation.id is not None
    rate = {"session": session, "conversation_id": conversation.id, "message_id": answer}
    events.rate_message(**rate, rating=-1, comment=None)
    session.commit()
    row = facts(engine, conversation)
    assert row is not None and (row.disliked, row.liked) == (1, 0)

    events.rate_message(**rate, rating=1, comment=None)  # the visitor changed their mind
    session.commit()
    row = facts(engine, conversation)
    assert row is not None and (row.disliked, row.liked) == (0, 1)

    events.record_event(
        session=session, name=EventName.AGENT_JOINED, conversation_id=conversation.id
    )
    session.commit()
    row = facts(engine, conversation)
    assert row is not None and row.joined == 1


def test_what_is_rolled_back_leaves_the_facts_as_they_were(
    engine: Engine, session: Session
) -> None:
    conversation, answer = answered(session)
    msg_crud.create_message(
        session=session,
        conversation=conversation,
        message_in=MessageCreate(role="agent", text="Hello, I'm Sam"),
    )
    session.rollback()
    other = make_conversation(session, ("visitor", "hi"))
    session.commit()
    row = facts(engine, conversation)
    assert row is not None and (row.agent_wrote, row.last_reply) == (0, answer)
    assert facts(engine, other) is not None


def test_computing_every_row_at_once_gives_the_rows_kept_while_writing(
    engine: Engine, session: Session
) -> None:
    conversation, _ = answered(session)
    agent = make_conversation(session, ("visitor", "a person please"), ("agent", "Sam here"))
    session.commit()
    ids = [conversation.id, agent.id]
    query = text(
        f"SELECT {conversation_facts.COLUMNS} FROM conversationfacts"
        " WHERE conversation_id IN (:a, :b) ORDER BY conversation_id"
    )
    with engine.connect() as conn:
        kept = conn.execute(query, dict(zip("ab", ids, strict=True))).all()
    with engine.begin() as conn:
        conversation_facts.refresh_all(conn)
        computed = conn.execute(query, dict(zip("ab", ids, strict=True))).all()
    assert len(kept) == 2 and computed == kept
    assert kept[1][6] == 1  # the agent wrote


def test_an_answer_is_marked_incomplete_once_the_same_faq_is_asked_again(
    engine: Engine, session: Session
) -> None:
    conversation, answer = answered(session)
    with Session(engine) as reader:
        first = reader.get(AnswerFacts, answer)
        assert first is not None and (first.complete, first.reasked) == (1, 0)

    faq_id = first.faq_id
    for role, text_, kind in (("visitor", "but when exactly?", None), ("bot", "9 to 5", "answer")):
        msg_crud.create_message(
            session=session,
            conversation=conversation,
            message_in=MessageCreate(
                role=role, text=text_, faq_id=faq_id if kind else None, kind=kind
            ),
        )
    session.commit()
    with Session(engine) as reader:
        again = reader.get(AnswerFacts, answer)
        assert again is not None and (again.complete, again.reasked) == (0, 1)
