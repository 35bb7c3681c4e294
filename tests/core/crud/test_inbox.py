"""The agents' inbox: listing, transcripts, take-over, hand-back, close and agent replies."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from core import data_keys
from core.crud import conversations as conv_crud
from core.crud import handover, inbox
from core.crud import messages as msg_crud
from core.crypto import decrypt
from core.db import session_scope
from core.models import (
    AnalyticsEvent,
    ContactRequest,
    Conversation,
    FaqEntry,
    Message,
    MessageCreate,
)
from core.models._types import as_utc, utcnow
from core.settings import Settings
from tests.factories import make_conversation


def status_of(engine: Engine, cid: str) -> str:
    with session_scope(engine) as session:
        conversation = conv_crud.get_conversation(session=session, public_id=cid)
        assert conversation is not None
        return conversation.status


def events_of(engine: Engine, cid: str) -> list[str]:
    with session_scope(engine) as session:
        conversation = conv_crud.get_conversation(session=session, public_id=cid)
        assert conversation is not None
        query = select(AnalyticsEvent.name).where(AnalyticsEvent.conversation_id == conversation.id)
        return list(session.exec(query.order_by(col(AnalyticsEvent.id))).all())


def roles_and_texts(engine: Engine, cid: str) -> list[tuple[str, str]]:
    with session_scope(engine) as session:
        found = inbox.transcript(session=session, public_id=cid)
        assert found is not None
        return [(m.role, m.text) for m in found.messages]


def test_take_over_silences_the_bot_and_tells_the_visitor_once(engine: Engine) -> None:
    with session_scope(engine) as session:
        cid = make_conversation(session, ("visitor", "I need a person please")).public_id
    with session_scope(engine) as session:
        notice = handover.take_over(session=session, public_id=cid, agent_name="Ada")
        assert notice is not None and notice.role == "system"
    with session_scope(engine) as session:
        # A second click (or a second agent) adds no second notice.
        assert handover.take_over(session=session, public_id=cid, agent_name="Bob") is None
    assert status_of(engine, cid) == "human"
    assert roles_and_texts(engine, cid) == [
        ("visitor", "I need a person please"),
        ("system", "An agent has joined the conversation."),
    ]
    assert events_of(engine, cid) == ["agent_joined"]


def test_agent_reply_is_stored_encrypted_as_an_agent_message(engine: Engine) -> None:
    with session_scope(engine) as session:
        cid = make_conversation(session, ("visitor", "is my bike ready?")).public_id
        handover.take_over(session=session, public_id=cid, agent_name="Ada")
    with session_scope(engine) as session:
        reply = handover.agent_reply(
            session=session, public_id=cid, agent_name="Ada", text="  Yes, pick it up at 4 pm!  "
        )
    assert reply.role == "agent" and reply.text == "Yes, pick it up at 4 pm!"
    assert roles_and_texts(engine, cid)[-1] == ("agent", "Yes, pick it up at 4 pm!")
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT text FROM message WHERE id = :id"), {"id": reply.id})
        raw = stored.scalar_one()
    # A Fernet token under the data key of the conversation's visitor (erasing them destroys it).
    assert "pick it up" not in raw and data_keys.key_id_of(raw) is not None
    assert decrypt(raw) == "Yes, pick it up at 4 pm!"
    assert events_of(engine, cid)[-1] == "agent_replied"


def test_reply_is_refused_unless_taken_over_and_when_empty_or_too_long(
    engine: Engine, settings: Settings
) -> None:
    with session_scope(engine) as session:
        cid = make_conversation(session, ("visitor", "hello")).public_id
    with session_scope(engine) as session, pytest.raises(handover.NotTakenOver, match="Take over"):
        handover.agent_reply(session=session, public_id=cid, agent_name="Ada", text="Hi!")
    with session_scope(engine) as session:
        handover.take_over(session=session, public_id=cid, agent_name="Ada")
    too_long = "x" * (settings.MAX_MESSAGE_CHARS + 1)
    for body, problem in [("", "empty"), (" \n ", "empty"), (too_long, "at most")]:
        with session_scope(engine) as session, pytest.raises(ValueError, match=problem):
            handover.agent_reply(session=session, public_id=cid, agent_name="Ada", text=body)
    with session_scope(engine) as session:
        handover.close(session=session, public_id=cid)
    with session_scope(engine) as session, pytest.raises(handover.NotTakenOver):
        handover.agent_reply(session=session, public_id=cid, agent_name="Ada", text="Still there?")
    assert [role for role, _ in roles_and_texts(engine, cid)] == ["visitor", "system", "system"]


def test_hand_back_close_and_reopen(engine: Engine) -> None:
    with session_scope(engine) as session:
        cid = make_conversation(session, ("visitor", "hi")).public_id
        handover.take_over(session=session, public_id=cid, agent_name="Ada")
    with session_scope(engine) as session:
        assert handover.hand_back(session=session, public_id=cid) is not None
    assert status_of(engine, cid) == "bot"
    with session_scope(engine) as session:
        assert handover.hand_back(session=session, public_id=cid) is None
        assert handover.close(session=session, public_id=cid) is not None
    assert status_of(engine, cid) == "closed"
    with session_scope(engine) as session:
        handover.take_over(session=session, public_id=cid, agent_name="Ada")  # reopens
    assert status_of(engine, cid) == "human"
    assert [t for r, t in roles_and_texts(engine, cid) if r == "system"] == [
        "An agent has joined the conversation.",
        "You're chatting with the assistant again.",
        "This conversation was closed.",
        "An agent has joined the conversation.",
    ]
    assert events_of(engine, cid) == ["agent_joined", "handed_back", "closed", "agent_joined"]


def test_unknown_conversation_is_a_lookup_error(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert inbox.transcript(session=session, public_id="nope") is None
        with pytest.raises(LookupError, match="nope"):
            handover.take_over(session=session, public_id="nope", agent_name="Ada")
        with pytest.raises(LookupError):
            handover.agent_reply(session=session, public_id="nope", agent_name="Ada", text="hi")


def test_inbox_version_changes_on_a_new_message_and_a_status_change(engine: Engine) -> None:
    with session_scope(engine) as session:
        cid = make_conversation(session, ("visitor", "hi")).public_id
    with session_scope(engine) as session:
        before = inbox.inbox_version(session=session)
        assert inbox.inbox_version(session=session) == before  # stable while nothing happens
        conversation = conv_crud.get_conversation(session=session, public_id=cid)
        assert conversation is not None
        msg_crud.create_message(
            session=session,
            conversation=conversation,
            message_in=MessageCreate(role="bot", text="hello"),
        )
    with session_scope(engine) as session:
        after_message = inbox.inbox_version(session=session)
        assert after_message != before
        # A status change without a message (e.g. another process) still shows.
        conversation = conv_crud.get_conversation(session=session, public_id=cid)
        assert conversation is not None
        conversation.status = "closed"
        session.add(conversation)
    with session_scope(engine) as session:
        assert inbox.inbox_version(session=session) not in (before, after_message)


def test_list_filters_by_status_and_search_finds_a_word_inside_a_message(engine: Engine) -> None:
    word = f"frame{uuid.uuid4().hex[:8]}"
    with session_scope(engine) as session:
        talking = make_conversation(
            session, ("visitor", f"my {word} is cracked"), ("bot", "Oh no")
        ).public_id
        taken = make_conversation(session, ("visitor", f"the {word} again")).public_id
        closed = make_conversation(session, ("visitor", f"{word}, thanks")).public_id
        make_conversation(session, ("visitor", "something else entirely"))
        handover.take_over(session=session, public_id=taken, agent_name="Ada")
        handover.close(session=session, public_id=closed)
    with session_scope(engine) as session:
        now = utcnow()

        def ids(status: str | None) -> list[str]:
            rows = inbox.list_conversations(
                session=session, status=status, search=f"  {word.upper()} ", now=now
            )
            return [r.public_id for r in rows]

        assert ids(None) == [closed, taken, talking]  # newest activity first
        assert ids("human") == [taken]
        assert ids("open") == [taken, talking]
        assert ids("closed") == [closed]
        by_id = inbox.list_conversations(session=session, search=talking[:12], now=now)
        assert [r.public_id for r in by_id] == [talking]
        with pytest.raises(ValueError):
            inbox.list_conversations(session=session, status="pending", now=now)


def test_rows_name_the_visitor_preview_and_count(engine: Engine) -> None:
    long_answer = "We service every brand of bike. " * 10
    with session_scope(engine) as session:
        cid = make_conversation(
            session, ("visitor", "do you fix ebikes?"), ("bot", long_answer)
        ).public_id
        conversation = conv_crud.get_conversation(session=session, public_id=cid)
        email = f"grace-{cid[:6]}@example.org"
        session.add(
            ContactRequest(
                name="Grace Hopper", email=email, message="call me", conversation_id=conversation.id
            )
        )
    with session_scope(engine) as session:
        [row] = inbox.list_conversations(session=session, search=email.upper(), now=utcnow())
    assert row.visitor_label == "Grace Hopper" and row.visitor_email == email
    assert row.message_count == 2 and row.status == "bot" and row.language == "en"
    assert row.preview.startswith("Bot: We service every brand")
    assert len(row.preview) <= inbox.PREVIEW_CHARS and row.preview.endswith("…")
    with session_scope(engine) as session:
        anonymous = make_conversation(session, ("bot", "Hello!")).public_id
        empty = make_conversation(session).public_id  # a failed first send: nothing to read
    with session_scope(engine) as session:
        [row] = inbox.list_conversations(session=session, search=anonymous, now=utcnow())
        assert inbox.list_conversations(session=session, search=empty, now=utcnow()) == []
    assert row.visitor_label.startswith("Visitor ") and row.message_count == 1
    assert row.preview == "Bot: Hello!" and row.waiting_seconds is None


def test_waiting_seconds_count_from_the_visitors_unanswered_message(engine: Engine) -> None:
    with session_scope(engine) as session:
        cid = make_conversation(session, ("visitor", "hello?")).public_id
        handover.take_over(
            session=session, public_id=cid, agent_name="Ada"
        )  # a notice is no answer
        asked = session.exec(
            select(Message)
            .join(Conversation, col(Conversation.id) == Message.conversation_id)
            .where(Conversation.public_id == cid, Message.role == "visitor")
        ).one()
        later = as_utc(asked.created_at) + timedelta(seconds=90)

    def waiting() -> int | None:
        with session_scope(engine) as session:
            [row] = inbox.list_conversations(session=session, search=cid, now=later)
            return row.waiting_seconds

    assert waiting() == 90
    with session_scope(engine) as session:
        handover.agent_reply(session=session, public_id=cid, agent_name="Ada", text="Here!")
    assert waiting() is None


def test_transcript_names_the_matched_faq(engine: Engine) -> None:
    with session_scope(engine) as session:
        faq = session.exec(select(FaqEntry).order_by(col(FaqEntry.id))).first()
        assert faq is not None
        cid = make_conversation(
            session, ("visitor", "when are you open"), page_url="https://shop.example/"
        ).public_id
        conversation = conv_crud.get_conversation(session=session, public_id=cid)
        assert conversation is not None
        msg_crud.create_message(
            session=session,
            conversation=conversation,
            message_in=MessageCreate(role="bot", text=faq.answer, faq_id=faq.id, confidence=0.91),
        )
    with session_scope(engine) as session:
        found = inbox.transcript(session=session, public_id=cid)
    assert found is not None and found.page_url == "https://shop.example/"
    assert found.created_at.tzinfo is not None and found.status == "bot"
    visitor, answer = found.messages
    assert visitor.faq_question is None and visitor.text == "when are you open"
    assert (answer.faq_id, answer.faq_question, answer.confidence) == (faq.id, faq.question, 0.91)


def test_transcript_shows_what_the_bot_read_in_each_visitor_message(engine: Engine) -> None:
    with session_scope(engine) as session:
        faq = session.exec(select(FaqEntry).order_by(col(FaqEntry.id))).first()
        assert faq is not None and faq.id is not None
        cid = make_conversation(
            session, ("visitor", "order #A12345 on Monday"), ("visitor", "a person please")
        ).public_id
        conversation = conv_crud.get_conversation(session=session, public_id=cid)
        assert conversation is not None
        first, second = session.exec(
            select(Message)
            .where(Message.conversation_id == conversation.id)
            .order_by(col(Message.id))
        ).all()
        first.intent, first.intent_confidence = str(faq.id), 0.93
        first.entities = [
            {"type": "ORDER_ID", "text": "#A12345", "value": "A12345"},
            {"type": "DATE", "text": "Monday", "value": "2026-11-30"},
        ]
        second.intent, second.intent_confidence = "_human", 0.99
        session.add_all([first, second])
    with session_scope(engine) as session:
        found = inbox.transcript(session=session, public_id=cid)
    assert found is not None
    one, two = found.messages
    assert (one.intent, one.intent_confidence) == (faq.question, 0.93)
    assert one.entities == ["ORDER_ID A12345", "DATE 2026-11-30"]
    assert (two.intent, two.entities) == ("asks for a person", [])


def test_urgent_conversations_come_first_until_closed(engine: Engine) -> None:
    with session_scope(engine) as session:
        urgent = make_conversation(session, ("visitor", "You charged me twice. Furious.")).public_id
        conversation = conv_crud.get_conversation(session=session, public_id=urgent)
        assert conversation is not None
        conversation.urgency = "high"  # what the chat server sets for an angry message
        session.add(conversation)
    with session_scope(engine) as session:
        calm = make_conversation(
            session, ("visitor", "Do you sell bells?")
        ).public_id  # newer activity

    def rows() -> dict[str, tuple[int, str]]:
        with session_scope(engine) as session:
            found = inbox.list_conversations(session=session, status="all", now=utcnow())
            return {r.public_id: (i, r.urgency) for i, r in enumerate(found)}

    before = rows()
    assert before[urgent][1] == "high" and before[calm][1] == "normal"
    assert before[urgent][0] < before[calm][0]
    with session_scope(engine) as session:
        handover.close(session=session, public_id=urgent)
    assert rows()[urgent][1] == "normal"  # dealt with: back among the others


def test_agents_read_a_rich_answer_as_plain_text(engine: Engine) -> None:
    with session_scope(engine) as session:
        cid = make_conversation(session, ("visitor", "what does a tune-up cost")).public_id
        conversation = conv_crud.get_conversation(session=session, public_id=cid)
        assert conversation is not None
        session.add(
            Message(
                conversation_id=conversation.id,
                role="bot",
                text="Our tune-ups:",
                rich=[{"type": "image", "url": "/t.png", "alt": "A bike on a stand"}],
            )
        )
    with session_scope(engine) as session:
        found = inbox.transcript(session=session, public_id=cid)
    assert found is not None
    assert found.messages[-1].text == "Our tune-ups:\n[Image: A bike on a stand] /t.png"


def test_agents_read_an_answers_note_after_its_text(engine: Engine) -> None:
    note = "(معذرت، یہ جواب ابھی آپ کی زبان میں دستیاب نہیں ہے۔)"
    with session_scope(engine) as session:
        cid = make_conversation(session, ("visitor", "password?")).public_id
        conversation = conv_crud.get_conversation(session=session, public_id=cid)
        assert conversation is not None
        session.add(
            Message(
                conversation_id=conversation.id,
                role="bot",
                text="Use the reset link.",
                note=note,
                note_language="ur",
            )
        )
    with session_scope(engine) as session:
        found = inbox.transcript(session=session, public_id=cid)
    assert found is not None
    assert found.messages[-1].text == f"Use the reset link. {note}"
