"""Shared resources of one running chat server, made in the lifespan and kept on app.state."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.requests import Request

from chat_server.batcher import MicroBatcher
from chat_server.errors import ApiError
from chat_server.ratelimit import RateLimiter
from chat_server.stream_caps import StreamCaps
from chat_server.streams import Hub
from chat_server.turns import Turns
from chat_server.visitor_tokens import VisitorTokens, bearer_token
from core.bot.bot import Bot
from core.crud import conversations as conv_crud
from core.models import Conversation
from core.nlp.analysis import Analysis
from core.settings import Settings


@dataclass
class ChatContext:
    settings: Settings
    engine: Engine
    bot: Bot
    analyzer: MicroBatcher[str, Analysis]  # the bot's knowledge.analyze_batch, micro-batched
    hub: Hub
    limiter: RateLimiter  # messages, conversations and forms, per address
    reads: RateLimiter  # history, suggestions, language choices and stream opens, per address
    stream_caps: StreamCaps
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


def origin_allowed(request: Request, allowed: list[str]) -> bool:
    """Whether the page that sent a request may: the sites in CORS_ORIGINS and the chat server's
    own pages (/demo, /chat). CORS stops a browser only from reading a "simple" request's
    answer (a beacon, a form), not from sending it, so endpoints they can reach check this."""
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not from a browser page (a server-side or test client)
    return origin.rstrip("/") in allowed or urlsplit(origin).netloc == request.headers.get("host")


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def owned_conversation(session: Session, public_id: str, visitor_public_id: str) -> Conversation:
    """The conversation, if this visitor owns it: else 404 (no such conversation) or 403."""
    conversation = conv_crud.get_conversation(session=session, public_id=public_id)
    if conversation is None:
        raise ApiError(404, "Conversation not found")
    visitor = conv_crud.get_visitor_by_public_id(session=session, public_id=visitor_public_id)
    if visitor is None or visitor.id != conversation.visitor_id:
        raise ApiError(403, "This conversation belongs to another visitor")
    return conversation
