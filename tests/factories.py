"""Rows the tests need, made through core.crud the way the product makes them."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from core.crud import conversations as conv_crud
from core.crud import messages as msg_crud
from core.crud import users
from core.models import Conversation, MessageCreate, User, UserRole

PASSWORD = "a good long password"


def make_conversation(
    session: Session, *messages: tuple[str, str], **overrides: object
) -> Conversation:
    """A new visitor's conversation holding `messages` as (role, text), oldest first; any other
    column (status, created_at, language...) set from `overrides`."""
    visitor = conv_crud.create_visitor(session=session, language="en")
    conversation = conv_crud.create_conversation(session=session, visitor=visitor, language="en")
    for name, value in overrides.items():
        setattr(conversation, name, value)
    session.add(conversation)
    for role, body in messages:
        msg_crud.create_message(
            session=session,
            conversation=conversation,
            message_in=MessageCreate(role=role, text=body),
        )
    session.flush()
    assert conversation.id is not None
    return conversation


def unique_email() -> str:
    return f"User.{uuid.uuid4().hex[:12]}@Example.COM"


def fresh_ip() -> str:
    """A client address no other test has used, so sign-in limits start afresh."""
    raw = uuid.uuid4().bytes
    return f"10.{raw[0]}.{raw[1]}.{raw[2]}"


def make_user(session: Session, *, role: UserRole = UserRole.AGENT, **overrides: str) -> User:
    values = {"email": unique_email(), "name": "Test User", "password": PASSWORD} | overrides
    return users.create_user(
        session=session,
        email=values["email"],
        name=values["name"],
        password=values["password"],
        role=role,
    )
