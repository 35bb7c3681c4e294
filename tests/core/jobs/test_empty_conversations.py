"""Conversations nobody wrote in (a failed first send, a probe of the API) are not listed in the
inbox, and the runner deletes them after a day with their events and their visitor; anything
written in, or linked to a contact request, stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from core import data_keys
from core.crud import contacts as contact_crud
from core.crud import events as event_crud
from core.crud import inbox
from core.db import session_scope
from core.jobs import tasks
from core.models import (
    AnalyticsEvent,
    ContactRequestCreate,
    Conversation,
    EventName,
    Visitor,
)
from core.models._types import utcnow
from tests.factories import make_conversation


def test_empty_conversations_are_hidden_then_deleted_after_a_day(engine: Engine) -> None:
    two_days_ago = utcnow() - timedelta(days=2)
    with session_scope(engine) as session:
        old_empty = make_conversation(session, created_at=two_days_ago)
        event_crud.record_event(
            session=session, name=EventName.CONVERSATION_STARTED, conversation_id=old_empty.id
        )
        new_empty = make_conversation(session)
        written = make_conversation(session, ("visitor", "hello?"), created_at=two_days_ago)
        with_form = make_conversation(session, created_at=two_days_ago)
        contact_crud.create_contact_request(
            session=session,
            contact_in=ContactRequestCreate(name="Ann", email="ann@example.org", message="call"),
            conversation_id=with_form.id,
        )
        ids = {c.public_id: c.id for c in (old_empty, new_empty, written, with_form)}
        gone_visitor = old_empty.visitor_id
        gone_key = session.get(Visitor, gone_visitor).data_key_id  # type: ignore[union-attr]
        kept_key = session.get(Visitor, written.visitor_id).data_key_id  # type: ignore[union-attr]

    with session_scope(engine) as session:
        listed = {r.public_id for r in inbox.list_conversations(session=session, now=utcnow())}
    assert old_empty.public_id not in listed and new_empty.public_id not in listed
    assert written.public_id in listed

    tasks.purge_empty_conversations(engine=engine)
    with session_scope(engine) as session:
        kept = set(
            session.exec(
                select(Conversation.public_id).where(col(Conversation.id).in_(ids.values()))
            ).all()
        )
        events = session.exec(
            select(AnalyticsEvent.id).where(
                AnalyticsEvent.conversation_id == ids[old_empty.public_id]
            )
        ).all()
        visitor = session.get(Visitor, gone_visitor)
    # Only the day-old empty one went; a new one may still be written in.
    assert kept == {new_empty.public_id, written.public_id, with_form.public_id}
    assert events == [] and visitor is None
    # The visitor's data key went with them; the others' stay.
    assert gone_key is not None and kept_key is not None
    assert not data_keys.exists(gone_key) and data_keys.exists(kept_key)
