"""Issue 17: after ordinary use through the chat API (a page with a path, a message with an
e-mail address, a phone number, a name and an order number, a contact request, a comment), the
stored database holds none of those details in clear: not the SQLite file nor its WAL, and not
any column of any table (the check that also covers PostgreSQL). The admin still reads them."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select
from starlette.testclient import TestClient

from core.crud import conversations, handover, inbox, users
from core.db import session_scope
from core.models import AnalyticsEvent, User
from tests.conftest import Visit

pytestmark = pytest.mark.slow


def _stored_rows(engine: Engine) -> str:
    """Every row of every table as the database holds it (ciphertext stays ciphertext)."""
    with engine.connect() as conn:
        return "\n".join(
            str(tuple(row))
            for table in SQLModel.metadata.sorted_tables
            for row in conn.execute(text(f'SELECT * FROM "{table.name}"'))
        )


def _database_files(engine: Engine) -> bytes:
    path = Path(engine.url.database or "")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
    files = [str(f) for f in (path, path.with_name(path.name + "-wal")) if f.exists()]
    # Read by another process: closing a file this process opened would drop every POSIX lock it
    # holds on that file, SQLite's shared lock among them; the next process to close the
    # database (the jobs runner in its tests) would then take itself for the last one and
    # delete the WAL that this process's connections still use ("disk I/O error").
    return subprocess.run(["cat", *files], check=True, capture_output=True).stdout


def test_ordinary_use_leaves_no_personal_detail_in_clear(
    client: TestClient, engine: Engine
) -> None:
    tag = uuid.uuid4().hex[:8]  # this run's own values: nothing else stored can match them
    email = f"jo.{tag}@example.org"
    order = f"ORD-{int(tag, 16) % 10**6:06d}"
    line = f"0{int(tag, 16) % 1000:03d}"  # +44 20 7946 0xxx: numbers kept for drama
    page = f"https://shop.example/account/jo-{tag}/orders"
    visit = Visit(client, {"language": "en", "page_url": f"{page}?ref=mail"})
    turn = visit.say(
        f"my name is Ingrid Quenneville, order {order} never came. Write to {email}"
        f" or call +44 20 7946 {line}"
    )
    contact = client.post(
        "/api/contact",
        json={
            "name": "Ingrid Quenneville",
            "email": email,
            "phone": f"+44 20 7946 {line}",
            "message": f"still waiting for {order}",
            "conversation_id": visit.cid,
        },
        headers=visit.headers,
    )
    assert contact.status_code == 201, contact.text
    rated = client.post(
        f"/api/conversations/{visit.cid}/feedback",
        json={"rating": -1, "comment": f"order {order}, mail {email}"},
        headers=visit.headers,
    )
    assert rated.status_code == 201, rated.text

    # The admin's transcript reads everything back decrypted.
    with Session(engine) as session:
        shown = inbox.transcript(session=session, public_id=visit.cid)
    assert shown is not None and shown.page_url == page
    (said,) = [m for m in shown.messages if m.id == turn["message"]["id"]]
    assert email in said.text
    for found in (f"EMAIL {email}", f"PHONE +44207946{line}", f"ORDER_ID {order}"):
        assert found in said.entities, said.entities
    assert any(e.startswith("PERSON Ingrid") for e in said.entities), said.entities

    secrets = [
        email,
        f"jo.{tag}",
        order,
        "Quenneville",
        f"7946 {line}",
        f"207946{line}",
        f"jo-{tag}",
    ]
    stored = _stored_rows(engine)
    assert [s for s in secrets if s in stored] == []
    # What analytics keep in clear: the entity types are not stored apart, and the page's section.
    assert "/account" in stored
    if engine.dialect.name == "sqlite":
        raw = _database_files(engine)
        assert [s for s in secrets if s.encode() in raw] == []


def test_a_tracked_steps_properties_and_an_agents_name_are_not_in_clear(
    client: TestClient, engine: Engine
) -> None:
    """The business's page tracks a step with a property of its own, and an agent takes the
    conversation over and replies: the property, the agent's name (in the events and in the
    users table) are stored encrypted, and read back as they were."""
    tag = uuid.uuid4().hex[:8]
    product, agent = f"velo-{tag}", f"Wilhelmina Quarry-{tag}"
    visit = Visit(client, {"language": "en"})
    visit.say("do you rent bikes?")
    tracked = client.post(
        "/api/events",
        json={
            "visitor_key": uuid.uuid4().hex,
            "conversation_id": visit.cid,
            "tracked": [{"name": "product_viewed", "properties": {"product": product}}],
        },
        headers=visit.headers,
    )
    assert tracked.status_code == 201, tracked.text
    with session_scope(engine) as session:
        user = users.create_user(
            session=session,
            email=f"agent.{tag}@shop.example",
            name=agent,
            password="a long enough passphrase 1",
        )
        handover.take_over(session=session, public_id=visit.cid, agent_name=user.name)
        handover.agent_reply(session=session, public_id=visit.cid, agent_name=user.name, text="Hi")

    with Session(engine) as session:
        conversation = conversations.get_conversation(session=session, public_id=visit.cid)
        assert conversation is not None
        events = session.exec(
            select(AnalyticsEvent).where(AnalyticsEvent.conversation_id == conversation.id)
        ).all()
        names = session.exec(select(User.name)).all()
    private = [e.private_properties for e in events if e.private_properties]
    assert {"product": product} in private and private.count({"agent": agent}) == 2
    assert all("agent" not in e.properties for e in events) and agent in names

    secrets = (product, f"Quarry-{tag}")  # the agent's e-mail stays plain: sign-in looks it up
    stored = _stored_rows(engine)
    assert [s for s in secrets if s in stored] == []
    if engine.dialect.name == "sqlite":
        raw = _database_files(engine)
        assert [s for s in secrets if s.encode() in raw] == []
