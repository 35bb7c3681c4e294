"""Contact requests as the admin reads them: decrypted, newest first, with their conversation."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.engine import Engine

from core.crud import contacts
from core.db import session_scope
from core.models import ContactRequestCreate
from core.models._types import utcnow
from tests.factories import make_conversation


def _leave(session: object, name: str, conversation_id: int | None, **fields: object) -> int:
    values = {"email": f"{uuid.uuid4().hex[:8]}@example.org", "message": "please call"} | fields
    request = contacts.create_contact_request(
        session=session,  # type: ignore[arg-type]
        contact_in=ContactRequestCreate(name=name, **values),  # type: ignore[arg-type]
        conversation_id=conversation_id,
    )
    assert request.id is not None
    return request.id


def test_the_list_is_newest_first_decrypted_and_names_the_conversation(engine: Engine) -> None:
    with session_scope(engine) as session:
        conversation = make_conversation(session, ("visitor", "I want a call back"))
        cid, public_id = conversation.id, conversation.public_id
        older = _leave(session, "Ada Older", cid, email="ada@example.org", phone=" +44 20 7946 ")
        newer = _leave(session, "Bob Newer", None, message="Line one\nline two")
    with session_scope(engine) as session:
        rows = contacts.list_contact_requests(session=session)
    mine = [row for row in rows if row.id in (older, newer)]
    assert [row.name for row in mine] == ["Bob Newer", "Ada Older"]
    bob, ada = mine
    assert (ada.email, ada.phone, ada.message) == ("ada@example.org", "+44 20 7946", "please call")
    assert ada.conversation_public_id == public_id
    assert bob.phone is None and bob.conversation_public_id is None
    assert bob.message == "Line one\nline two"
    assert rows == sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)
    assert abs(utcnow() - bob.created_at) < timedelta(minutes=1)
    with engine.connect() as conn:  # stored encrypted: the raw row holds no plaintext
        raw = conn.execute(
            text("SELECT email, message FROM contactrequest WHERE id = :id"), {"id": older}
        ).one()
    assert "ada@example.org" not in raw[0] and "please call" not in raw[1]


def test_a_conversations_requests_and_the_list_limit(engine: Engine) -> None:
    with session_scope(engine) as session:
        conversation = make_conversation(session)
        other = make_conversation(session)
        first = _leave(session, "First", conversation.id)
        second = _leave(session, "Second", conversation.id)
        _leave(session, "Elsewhere", other.id)
        public_id = conversation.public_id
    with session_scope(engine) as session:
        found = contacts.contact_requests_of(session=session, public_id=public_id)
        assert [row.id for row in found] == [second, first]
        assert contacts.contact_requests_of(session=session, public_id="unknown") == []
        assert len(contacts.list_contact_requests(session=session, limit=2)) == 2
