"""Turns through the chat server: concurrent requests with one client_id."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.conftest import LiveServer

pytestmark = pytest.mark.slow


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
