"""Rows the tests need, made through core.crud the way the product makes them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.crud import assessment, contacts, telemetry, users
from core.crud import conversations as conv_crud
from core.crud import events as event_crud
from core.crud import messages as msg_crud
from core.models import (
    ContactRequestCreate,
    Conversation,
    EventName,
    MessageCreate,
    PanelState,
    User,
    UserRole,
    WidthClass,
)
from core.privacy.subjects import Lookup, find_subject
from core.settings import Settings

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


# The rows make_person writes, per table (tables registered later, such as facts kept beside a
# conversation, may hold more of the person's).
PERSON_ROWS = {
    "visitor": 1,
    "conversation": 1,
    "message": 2,
    "contactrequest": 2,  # one left in the chat, one without a chat
    "feedback": 1,
    "answerreview": 1,
    "analyticsevent": 2,  # the purchase tracked before chatting, the conversation's start
    "widgetclick": 1,
}


@dataclass(frozen=True)
class Person:
    """A visitor with something in every table the privacy registry covers, and everything
    that identifies them (each value unique to them, so a scan can look for it)."""

    visitor_id: int
    public_id: str
    visitor_key: str
    conversation_id: str  # public
    email: str
    phone: str
    name: str
    # What they wrote, were told or left: messages, a comment, contact messages, a page's path,
    # a tracked step's property.
    texts: tuple[str, ...]

    @property
    def identifying(self) -> tuple[str, ...]:
        return (self.public_id, self.visitor_key, self.email, self.phone, self.name, *self.texts)


def make_person(session: Session) -> Person:
    """A visitor who browsed (a tracked purchase and a click before chatting, by their browser's
    key), chatted (messages with what was read in them, a rating with a comment, an answer the
    team reviewed), left the contact form in the chat and once more without a chat."""
    tag = uuid.uuid4().hex[:12]
    key = uuid.uuid4().hex
    email = f"jo.{tag}@example.org"
    phone = f"+44 7700 {uuid.uuid4().int % 10**6:06d}"
    name = f"Jo Bloggs {tag}"
    now = datetime.now(UTC)
    said = f"My order {tag} never came, mail me at {email}"
    told = f"Sorry to hear that about order {tag}."
    comment = f"It did not help with {tag}"
    contact = f"Please call me about {tag}"
    again = f"Still waiting for {tag}"
    page = f"https://shop.example/orders/A{tag}"
    product = f"bike {tag}"

    visitor = conv_crud.create_visitor(session=session, language="en")
    visitor.visitor_key = key
    telemetry.record_tracked(
        session=session,
        visitor_key=key,
        name="purchase",
        at=now,
        value=20.0,
        currency="GBP",
        properties={"product": product},
    )
    conversation = conv_crud.create_conversation(
        session=session, visitor=visitor, language="en", page_url=page
    )
    event_crud.record_event(
        session=session, name=EventName.CONVERSATION_STARTED, conversation_id=conversation.id
    )
    telemetry.record_click(
        session=session,
        visitor_key=key,
        conversation_id=conversation.id,
        element="send",
        panel=PanelState.CHAT,
        width_class=WidthClass.WIDE,
        x=0.5,
        y=0.5,
        panel_x=0.9,
        panel_y=0.9,
        rage=False,
        dead=False,
        at=now,
    )
    question = msg_crud.create_message(
        session=session,
        conversation=conversation,
        message_in=MessageCreate(
            role="visitor", text=said, entities=[{"type": "email", "value": email}]
        ),
    )
    answer = msg_crud.create_message(
        session=session,
        conversation=conversation,
        message_in=MessageCreate(role="bot", text=told, reply_to_id=question.id, kind="answer"),
    )
    assert answer.id is not None and conversation.id is not None
    event_crud.create_feedback(
        session=session,
        conversation_id=conversation.id,
        message_id=answer.id,
        rating=-1,
        comment=comment,
    )
    assessment.mark_reviewed(session=session, message_id=answer.id, user_id=None)
    for message, conversation_id in ((contact, conversation.id), (again, None)):
        contacts.create_contact_request(
            session=session,
            contact_in=ContactRequestCreate(name=name, email=email, phone=phone, message=message),
            conversation_id=conversation_id,
        )
    session.flush()
    assert visitor.id is not None
    return Person(
        visitor_id=visitor.id,
        public_id=visitor.public_id,
        visitor_key=key,
        conversation_id=conversation.public_id,
        email=email,
        phone=phone,
        name=name,
        texts=(said, told, comment, contact, again, page, product),
    )


def stored_rows(engine: Engine, person: Person) -> int:
    """How many rows the database holds about the person (in every registered table)."""
    with Session(engine) as session:
        return find_subject(session=session, lookup=Lookup.EMAIL, value=person.email).total


def save_integration_settings(engine: Engine, settings: Settings, **values: str | None) -> None:
    """Save values as the owner does on the Integrations page (checked, audit-logged)."""
    from core.crud.audit import Actor
    from core.integrations import config

    with Session(engine) as session:
        config.save(
            session=session,
            settings=settings,
            changes=values,
            actor=Actor("owner@example.com"),
            channel="test",
        )
        session.commit()
    config.forget()


def forget_integration_settings(engine: Engine) -> None:
    """Nothing saved on the Integrations page: the environment's settings apply."""
    from sqlmodel import delete

    from core.integrations import config
    from core.models import IntegrationSetting

    with Session(engine) as session:
        session.exec(delete(IntegrationSetting))
        session.commit()
    config.forget()
