"""Visitor tokens: renewing one keeps the visitor's start, so an identity cannot live forever."""

from __future__ import annotations

import types

import pytest
from itsdangerous import URLSafeTimedSerializer
from starlette.testclient import TestClient

from chat_server import visitor_tokens
from chat_server.errors import ApiError
from chat_server.visitor_tokens import SALT, VisitorTokens

DAY = 86400


class Clock:
    """Stands in for `time` where tokens are signed and read."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, now: float) -> None:
        self.now = now
        fake = types.SimpleNamespace(time=lambda: self.now)
        monkeypatch.setattr(visitor_tokens, "time", fake)
        monkeypatch.setattr("itsdangerous.timed.time", fake)


def start(client: TestClient, token: str | None = None) -> tuple[str, dict[str, str]]:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    response = client.post("/api/conversations", json={}, headers=headers)
    assert response.status_code == 201, response.text
    data = response.json()
    return data["conversation_id"], {"Authorization": f"Bearer {data['visitor_token']}"}


def history_status(client: TestClient, cid: str, headers: dict[str, str]) -> int:
    return client.get(f"/api/conversations/{cid}/messages", headers=headers).status_code


def test_renewing_a_token_does_not_make_the_visitor_last_forever(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, now=1_900_000_000)
    first_cid, first = start(client)

    clock.now += 60 * DAY  # the visitor comes back: same visitor, a renewed token
    second_cid, renewed = start(client, first["Authorization"].split()[1])
    assert history_status(client, first_cid, renewed) == 200  # one visitor, both conversations

    clock.now += 40 * DAY  # 100 days after the first token, 40 after the renewed one
    assert history_status(client, second_cid, renewed) == 401
    response = client.get(f"/api/conversations/{second_cid}/messages", headers=renewed)
    assert response.json()["error"] == "Visitor token has expired; start a new conversation"
    _, fresh = start(client, renewed["Authorization"].split()[1])
    assert history_status(client, first_cid, fresh) == 403  # a new visitor, not the old one


def test_a_token_within_its_age_reads_its_conversations(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(monkeypatch, now=1_900_000_000)
    cid, headers = start(client)
    clock.now += 89 * DAY
    assert history_status(client, cid, headers) == 200


def test_tokens_issued_before_they_carried_a_start_still_read() -> None:
    secret = "s" * 32
    old = URLSafeTimedSerializer(secret, salt=SALT).dumps("visitor-public-id")
    assert VisitorTokens(secret, 90 * DAY).identity(old)[0] == "visitor-public-id"


@pytest.mark.parametrize("payload", [["v"], ["v", "1"], ["v", 1.5], [1, 2], {"v": 1}, 7])
def test_a_signed_token_of_another_shape_is_refused(payload: object) -> None:
    secret = "s" * 32
    token = URLSafeTimedSerializer(secret, salt=SALT).dumps(payload)
    with pytest.raises(ApiError) as refused:
        VisitorTokens(secret, 90 * DAY).read(token)
    assert refused.value.status == 401 and refused.value.error == "Visitor token is not valid"
