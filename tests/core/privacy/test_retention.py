"""Retention: conversations last written in before the limit go with everything about them
(the raw database holds nothing of them after), a visitor keeps their newer conversation,
events and clicks stay counted without identity, events past their own limit are deleted, a dry
run changes nothing, a second run erases nothing more, and each run that erased is in the
audit log. The tests live in 2001 (`now`), so no other test's data is old enough to go."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from core import data_keys
from core.crud import audit
from core.crud import messages as msg_crud
from core.db import session_scope
from core.models import (
    AnalyticsEvent,
    Conversation,
    MessageCreate,
    Visitor,
    WidgetClick,
)
from core.models.audit import AuditAction
from core.privacy import retention
from core.settings import Settings
from tests.core.privacy.test_erasure import raw_database
from tests.factories import Person, make_conversation, make_person

NOW = datetime(2001, 3, 15, 12, tzinfo=UTC)
OLD = datetime(2001, 1, 10, 12, tzinfo=UTC)  # beyond 30 days
RECENT = datetime(2001, 3, 1, 12, tzinfo=UTC)  # within 30 days
WHO = audit.Actor(name="retention (test)")


def age(engine: Engine, person: Person, when: datetime) -> None:
    """Date everything about the person to `when`."""
    with session_scope(engine) as session:
        conversation = session.exec(
            select(Conversation).where(col(Conversation.public_id) == person.conversation_id)
        ).scalar_one()
        conversation.created_at = conversation.last_message_at = when
        session.add(conversation)
        session.execute(
            update(Visitor).where(col(Visitor.id) == person.visitor_id).values(created_at=when)
        )
        for model in (AnalyticsEvent, WidgetClick):
            session.execute(
                update(model)
                .where(col(model.visitor_key) == person.visitor_key)
                .values(created_at=when)
            )


@pytest.fixture
def kept(settings: Settings) -> Settings:
    return settings.model_copy(update={"RETENTION_CONVERSATION_DAYS": 30})


def counted(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            session.execute(select(func.count()).select_from(AnalyticsEvent)).scalar_one(),
            session.execute(select(func.count()).select_from(WidgetClick)).scalar_one(),
        )


def test_old_conversations_go_with_everything_about_them(engine: Engine, kept: Settings) -> None:
    with session_scope(engine) as session:
        gone, stays = make_person(session), make_person(session)
    age(engine, gone, OLD)
    age(engine, stays, OLD)
    # `stays` came back recently from the same visitor: that conversation is kept, and them.
    with session_scope(engine) as session:
        visitor = session.get(Visitor, stays.visitor_id)
        assert visitor is not None
        newer = make_conversation(session, ("visitor", "is my order here yet?"))
        newer.visitor_id = visitor.id  # type: ignore[assignment]
        newer.last_message_at = RECENT
        session.add(newer)
        newer_id = newer.public_id
    events_before = counted(engine)

    would = retention.apply(engine=engine, settings=kept, actor=WHO, now=NOW, dry_run=True)
    assert would.deleted["conversation"] >= 2 and would.deleted["visitor"] >= 1
    with Session(engine) as session:
        assert session.get(Visitor, gone.visitor_id) is not None  # the dry run changed nothing

    with Session(engine) as session:
        keys = {p.visitor_id: session.get(Visitor, p.visitor_id).data_key_id for p in (gone, stays)}  # type: ignore[union-attr]

    done = retention.apply(engine=engine, settings=kept, actor=WHO, now=NOW)
    assert done.deleted["conversation"] == would.deleted["conversation"]
    # The visitor who went took their data key along; the one who came back keeps theirs.
    assert not data_keys.exists(keys[gone.visitor_id])  # type: ignore[arg-type]
    assert data_keys.exists(keys[stays.visitor_id])  # type: ignore[arg-type]
    with Session(engine) as session:
        assert session.get(Visitor, gone.visitor_id) is None
        assert session.get(Visitor, stays.visitor_id) is not None
        kept_one = session.exec(
            select(Conversation).where(col(Conversation.public_id) == newer_id)
        ).scalar_one()
        texts = [m.text for m in msg_crud.list_messages(session=session, conversation=kept_one)]
        assert texts == ["is my order here yet?"]  # intact and readable
        [logged] = audit.recent_actions(session=session, limit=1, actions=[AuditAction.RETENTION])
    assert counted(engine) == events_before  # kept for the counts, without identity
    raw = raw_database(engine)
    for person in (gone, stays):
        for text in person.texts[:5]:  # messages, the comment, the contact message
            assert text.encode() not in raw
    assert gone.email.encode() not in raw
    assert logged.actor == WHO.name
    assert logged.details["rows"]["conversation"] == done.deleted["conversation"]
    assert gone.email not in str(logged.details)

    again = retention.apply(engine=engine, settings=kept, actor=WHO, now=NOW)
    assert not again.anything


def test_events_past_their_own_limit_are_deleted(engine: Engine, settings: Settings) -> None:
    with session_scope(engine) as session:
        person = make_person(session)
    age(engine, person, OLD)
    with Session(engine) as session:
        mine = session.execute(
            select(func.count())
            .select_from(AnalyticsEvent)
            .where(col(AnalyticsEvent.visitor_key) == person.visitor_key)
        ).scalar_one()
    assert mine > 0
    events = settings.model_copy(update={"RETENTION_EVENT_DAYS": 30})
    done = retention.apply(engine=engine, settings=events, actor=WHO, now=NOW)
    assert done.deleted["analyticsevent"] >= mine and done.deleted["widgetclick"] >= 1
    with Session(engine) as session:
        left = session.execute(
            select(func.count())
            .select_from(AnalyticsEvent)
            .where(col(AnalyticsEvent.created_at) < NOW - timedelta(days=30))
        ).scalar_one()
        conversation = session.exec(
            select(Conversation).where(col(Conversation.public_id) == person.conversation_id)
        ).first()
    assert left == 0
    assert conversation is not None  # conversations follow their own limit (0: kept)


def test_without_limits_nothing_is_erased(engine: Engine, settings: Settings) -> None:
    with session_scope(engine) as session:
        person = make_person(session)
    age(engine, person, OLD)
    done = retention.apply(engine=engine, settings=settings, actor=WHO, now=NOW)
    assert not done.anything
    with Session(engine) as session:
        assert session.get(Visitor, person.visitor_id) is not None


def test_a_message_written_then_keeps_the_conversation(engine: Engine, kept: Settings) -> None:
    with session_scope(engine) as session:
        person = make_person(session)
    age(engine, person, OLD)
    with session_scope(engine) as session:
        conversation = session.exec(
            select(Conversation).where(col(Conversation.public_id) == person.conversation_id)
        ).scalar_one()
        msg_crud.create_message(
            session=session,
            conversation=conversation,
            message_in=MessageCreate(role="visitor", text="hello again"),
        )
        conversation.last_message_at = RECENT
        session.add(conversation)
    retention.apply(engine=engine, settings=kept, actor=WHO, now=NOW)
    with Session(engine) as session:
        assert session.get(Visitor, person.visitor_id) is not None
