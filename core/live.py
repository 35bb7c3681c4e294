"""New messages announced to every process, so open streams read them at once wherever they
were written (the chat server, an agent in the admin, the jobs runner).

What is announced is ids only: the conversation and its newest message id ("<cid> <id>"); a
stream reads the rows from the database. On PostgreSQL the announcement is a NOTIFY in the
writing transaction (PostgreSQL delivers it at commit, never for a rollback); with `REDIS_URL`
it is also published to Redis after the commit. Listening is the chat server's
(`chat_server.fanout`); on SQLite without Redis its streams poll instead.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import redis
from sqlalchemy import event, text
from sqlmodel import Session

from core.models import Message
from core.settings import get_settings

CHANNEL = "customeragent_messages"
_NEW = "live_new_messages"  # session.info key: {conversation id: newest message id}

log = logging.getLogger(__name__)


def payload(conversation_id: int, message_id: int) -> str:
    return f"{conversation_id} {message_id}"


def parse(value: str | bytes) -> tuple[int, int] | None:
    """(conversation id, newest message id) of an announcement; None for anything else."""
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    head, _, tail = value.partition(" ")
    if not (head.isascii() and head.isdigit() and tail.isascii() and tail.isdigit()):
        return None
    return int(head), int(tail)


@lru_cache
def _redis(url: str) -> redis.Redis:
    # Short timeouts: a Redis outage must not hold up the write that announces.
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


@event.listens_for(Session, "after_flush")
def _note_new(session: Session, _context: Any) -> None:
    for row in session.new:
        if isinstance(row, Message) and row.id is not None:
            noted: dict[int, int] = session.info.setdefault(_NEW, {})
            noted[row.conversation_id] = max(noted.get(row.conversation_id, 0), row.id)


@event.listens_for(Session, "before_commit")
def _notify(session: Session) -> None:
    session.flush()  # commit flushes after this hook: what it writes must be noted now
    noted = session.info.get(_NEW)
    if noted and session.get_bind().dialect.name == "postgresql":
        conn = session.connection()
        for cid, last in noted.items():
            conn.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": CHANNEL, "payload": payload(cid, last)},
            )


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    noted = session.info.pop(_NEW, None)
    url = get_settings().REDIS_URL
    if not noted or not url:
        return
    try:
        client = _redis(url)
        for cid, last in noted.items():
            client.publish(CHANNEL, payload(cid, last))
    except redis.RedisError as error:  # streams catch up when they next read the database
        log.warning("could not announce new messages on Redis: %s", error)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_NEW, None)
