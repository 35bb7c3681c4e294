"""Storing turns: retries, concurrent duplicates and a knowledge base edited meanwhile."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from sqlalchemy.engine import Engine

from chat_server.schemas import MessageIn
from chat_server.turns import TurnGroup, store_groups
from core.crud import conversations as conv_crud
from core.db import session_scope
from core.replies import Reply
from tests.conftest import LiveServer

pytestmark = pytest.mark.slow


def test_answer_from_an_faq_deleted_meanwhile_is_stored_without_the_link(engine: Engine) -> None:
    with session_scope(engine) as session:
        visitor = conv_crud.create_visitor(session=session)
        conversation = conv_crud.create_conversation(session=session, visitor=visitor)
        assert conversation.id is not None
        cid = conversation.id
    gone = Reply("We open at 9.", faq_id=10**9, confidence=0.9)
    [group] = store_groups(
        engine, [TurnGroup(cid, [MessageIn(text="when do you open")], [gone], time.perf_counter())]
    )
    [turn] = group.turns
    assert turn.message.text == "when do you open"
    assert turn.reply is not None and turn.reply.text == "We open at 9."
    assert turn.reply.faq_id is None


async def test_concurrent_requests_with_one_client_id_store_one_message(
    live_server: LiveServer,
) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        data = (await client.post("/api/conversations", json={})).json()
        headers = {"Authorization": f"Bearer {data['visitor_token']}"}
        url = f"/api/conversations/{data['conversation_id']}/messages"
        body = {"text": "do you do bike fittings", "client_id": "same-1"}
        responses = await asyncio.gather(
            *(client.post(url, json=body, headers=headers) for _ in range(4))
        )
        assert {r.status_code for r in responses} == {201}
        assert len({r.text for r in responses}) == 1
        history = (await client.get(url, headers=headers)).json()["messages"]
    assert [m["role"] for m in history] == ["visitor", "bot"]
