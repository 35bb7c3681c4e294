"""Shared resources of one running chat server, made in the lifespan and kept on app.state."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from starlette.requests import Request

from chat_server.errors import ApiError
from chat_server.knowledge import KnowledgeBase
from chat_server.ratelimit import RateLimiter
from chat_server.streams import Hub
from chat_server.turns import Turns
from chat_server.visitor_tokens import VisitorTokens, bearer_token
from core.settings import Settings


@dataclass
class ChatContext:
    settings: Settings
    engine: Engine
    knowledge: KnowledgeBase
    hub: Hub
    limiter: RateLimiter
    tokens: VisitorTokens
    turns: Turns


def context(request: Request) -> ChatContext:
    return request.app.state.chat  # type: ignore[no-any-return]


def visitor_of(request: Request, *, allow_query: bool = False) -> str:
    """The visitor's public id from its token, or 401."""
    token = bearer_token(request, allow_query=allow_query)
    if token is None:
        raise ApiError(401, "Visitor token missing: send 'Authorization: Bearer <visitor_token>'")
    return context(request).tokens.read(token)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"
