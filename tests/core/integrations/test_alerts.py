"""The team's alerts are written with what they are about: a hand-over and a conversation that
turns urgent (the contact form's alert is tested through the chat API)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.crud import handover
from core.crud import turns as turn_crud
from core.integrations import alerts
from core.models import (
    Conversation,
    MessageCreate,
    OutboxChannel,
    OutboxEntry,
    ReplyKind,
    Role,
)
from core.settings import Settings
from tests.factories import make_conversation
from tests.fake_slack import CHANNEL, TOKEN


@pytest.fixture
def slack_on(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Slack configured in the settings every module reads (get_settings())."""
    monkeypatch.setattr(settings, "SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setattr(settings, "SLACK_CHANNEL", CHANNEL)
    yield settings


def turn(
    session: Session, conversation: Conversation, text: str, **reading: object
) -> turn_crud.StoredTurns:
    """A visitor's message read as `reading` (urgent=True, reply kind...), stored with the
    bot's answer, committed."""
    kind = reading.pop("kind", ReplyKind.ANSWER)
    urgent = bool(reading.pop("urgent", False))
    assert conversation.id is not None
    stored = turn_crud.store_turns(
        session=session,
        conversations={conversation.id: conversation},
        turns=[
            turn_crud.TurnIn(
                conversation_id=conversation.id,
                messages=[MessageCreate(role=Role.VISITOR, text=text, **reading)],  # type: ignore[arg-type]
                replies=[MessageCreate(role=Role.BOT, text="Let me find someone.", kind=kind)],
                urgent=urgent,
            )
        ],
    )
    session.commit()
    return stored


def entries(session: Session, conversation: Conversation) -> list[OutboxEntry]:
    return list(
        session.exec(
            select(OutboxEntry)
            .where(OutboxEntry.conversation_id == conversation.id)
            .order_by(col(OutboxEntry.id))
        ).all()
    )


def test_a_hand_over_writes_a_slack_alert_linking_to_the_conversation(
    db: Engine, session: Session, slack_on: Settings
) -> None:
    conversation = make_conversation(session, page_url="https://shop.example/pricing")
    stored = turn(session, conversation, "Can I talk to a human please", kind=ReplyKind.HANDOVER)

    [entry] = entries(session, conversation)
    assert entry.channel == OutboxChannel.SLACK
    assert entry.idempotency_key == f"slack:handover:{stored.turns[0][0].message.id}"
    assert entry.payload["text"] == "A visitor asked for a person: Can I talk to a human please"
    blocks = entry.payload["blocks"]
    assert blocks[0]["text"]["text"] == "A visitor is waiting for a person"
    [button] = blocks[-1]["elements"]
    assert button["url"] == f"{slack_on.ADMIN_PUBLIC_URL}/inbox?c={conversation.public_id}"
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert "*Started on*\nhttps://shop.example/pricing" in fields


def test_an_angry_visitor_asking_for_a_person_gets_one_alert_saying_both(
    db: Engine, session: Session, slack_on: Settings
) -> None:
    conversation = make_conversation(session)
    turn(session, conversation, "Get me a human NOW", kind=ReplyKind.HANDOVER, urgent=True,
         urgency="high", emotion="angry")  # fmt: skip

    [alert] = entries(session, conversation)
    assert alert.idempotency_key.startswith("slack:handover:")
    assert alert.payload["blocks"][1]["fields"][0]["text"] == "*Mood*\nangry"


def test_an_answer_writes_no_alert(db: Engine, session: Session, slack_on: Settings) -> None:
    conversation = make_conversation(session)
    turn(session, conversation, "What are your opening hours?")
    assert entries(session, conversation) == []


def test_a_conversation_turning_urgent_alerts_once_until_it_is_closed(
    db: Engine, session: Session, slack_on: Settings
) -> None:
    conversation = make_conversation(session)
    first = turn(session, conversation, "This is the third time!", urgent=True, urgency="high",
                 emotion="angry")  # fmt: skip
    turn(session, conversation, "Still waiting!!", urgent=True, urgency="high", emotion="angry")

    [alert] = entries(session, conversation)
    assert alert.idempotency_key == f"slack:urgent:{first.turns[0][0].message.id}"
    assert alert.payload["text"] == "Urgent: a visitor reads angry: This is the third time!"
    assert alert.payload["blocks"][1]["fields"][0]["text"] == "*Mood*\nangry"

    # An agent closes it (urgency back to normal); the visitor writes again, still angry.
    handover.close(session=session, public_id=conversation.public_id)
    session.commit()
    turn(session, conversation, "Nobody called me back", urgent=True, urgency="high",
         emotion="angry")  # fmt: skip
    assert [e.payload["text"] for e in entries(session, conversation)][1:] == [
        "Urgent: a visitor reads angry: Nobody called me back"
    ]


def test_nothing_is_written_while_slack_is_not_configured(
    db: Engine, session: Session, settings: Settings
) -> None:
    assert not settings.slack_configured
    conversation = make_conversation(session)
    turn(
        session,
        conversation,
        "A human please!!",
        kind=ReplyKind.HANDOVER,
        urgent=True,
        urgency="high",
    )
    assert entries(session, conversation) == []


def test_the_link_opens_the_conversation_in_the_admin(settings: Settings) -> None:
    admin = settings.model_copy(update={"ADMIN_PUBLIC_URL": "https://support.shop.example"})
    assert alerts.conversation_url(admin, "0f3a9c") == "https://support.shop.example/inbox?c=0f3a9c"
