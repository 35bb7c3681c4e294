"""Hand-built conversations with known quality and resolution figures, shared by the quality,
ROI and benchmark tests. Every row lives on one day no other test writes to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session

from core.analytics.period import Period
from core.crud import assessment
from core.crud import events as event_crud
from core.crud import messages as msg_crud
from core.models import Conversation, FaqEntry, Message, MessageCreate
from tests.factories import make_conversation


@dataclass
class Built:
    day: date
    faq_a: int
    faq_b: int
    answers: dict[str, int]  # a1..a5 -> message id
    conversations: dict[str, Conversation]

    @property
    def period(self) -> Period:
        return Period(self.day, self.day, ZoneInfo("UTC"))


class Writer:
    def __init__(self, session: Session, day: date) -> None:
        self.session = session
        self.clock = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)

    def tick(self) -> datetime:
        self.clock += timedelta(seconds=30)
        return self.clock

    def conversation(self) -> Conversation:
        return make_conversation(self.session, created_at=self.tick())

    def say(self, conversation: Conversation, role: str, **fields: object) -> Message:
        message = msg_crud.create_message(
            session=self.session,
            conversation=conversation,
            message_in=MessageCreate(role=role, text=f"{role} words", **fields),  # type: ignore[arg-type]
        )
        message.created_at = self.tick()
        self.session.add(message)
        self.session.flush()
        return message

    def event(self, conversation: Conversation, name: str) -> None:
        event = event_crud.record_event(
            session=self.session, name=name, conversation_id=conversation.id
        )
        event.created_at = self.tick()

    def rate(self, conversation: Conversation, message: Message, rating: int) -> None:
        assert conversation.id is not None
        feedback = event_crud.create_feedback(
            session=self.session,
            conversation_id=conversation.id,
            message_id=message.id,
            rating=rating,
        )
        feedback.created_at = self.tick()


def build(session: Session, day: date) -> Built:
    """Five conversations (see tests/core/analytics/queries/test_quality.py for the figures)."""
    w = Writer(session, day)
    # Drafts: the suite shares one database, and the bot and the help centre show only published FAQs.
    faqs = [
        FaqEntry(question=f"Quality {name} {day}", answer="An answer.", published=False)
        for name in "AB"
    ]
    session.add_all(faqs)
    session.flush()
    a, b = (f.id for f in faqs)
    assert a is not None and b is not None
    answers: dict[str, int] = {}

    def answer(
        conv: Conversation, key: str, faq: int, confidence: float, latency: float | None
    ) -> Message:
        w.say(conv, "visitor")
        message = w.say(
            conv, "bot", kind="answer", faq_id=faq, confidence=confidence, latency_ms=latency
        )
        assert message.id is not None
        answers[key] = message.id
        return message

    c1 = w.conversation()  # answered, thumbs-up: confirmed
    w.rate(c1, answer(c1, "a1", a, 0.9, 500), 1)
    c2 = w.conversation()  # re-asked, same FAQ again, then silence: assumed
    answer(c2, "a2", a, 0.8, 4000)
    answer(c2, "a3", a, 0.85, 1000)
    c3 = w.conversation()  # thumbs-down, clarified, fell back, left the contact form
    w.rate(c3, answer(c3, "a4", b, 0.6, 1000), -1)
    w.say(c3, "visitor")
    w.say(c3, "bot", kind="clarify", confidence=0.4)
    w.say(c3, "visitor")
    w.say(c3, "bot", kind="fallback", confidence=0.3)
    w.event(c3, "contact_requested")
    c4 = w.conversation()  # an agent took over; the answer was reviewed
    answer(c4, "a5", b, 0.7, None)
    w.say(c4, "visitor")
    w.event(c4, "agent_joined")
    w.say(c4, "agent")
    assessment.mark_reviewed(session=session, message_id=answers["a5"], user_id=None)
    c5 = w.conversation()  # nothing close: no FAQ answer at all
    w.say(c5, "visitor")
    w.say(c5, "bot", kind="unknown", confidence=0.1)
    session.flush()
    return Built(day, a, b, answers, {"c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5})
