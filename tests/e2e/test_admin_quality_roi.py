"""The quality and ROI dashboards in Chromium: a purchase tracked after a chat the bot resolved
shows in the ROI, a weak answer waits in the review queue until marked reviewed, and axe finds
no violations on either page in the light and dark themes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from app.pages.roi.state import money
from core.analytics.period import DEFAULT_DAYS, Period
from core.analytics.queries import roi
from core.crud import business as business_crud
from core.crud import events as event_crud
from core.crud import messages as msg_crud
from core.db import session_scope
from core.models import FaqEntry, MessageCreate, Visitor
from tests.e2e.conftest import AdminServer, axe_violations, sign_in
from tests.factories import make_conversation

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _default_period(engine: Engine) -> Period:
    with Session(engine) as session:
        tz = ZoneInfo(business_crud.get_business(session=session).timezone)
    return Period.last_days(DEFAULT_DAYS, now=datetime.now(UTC), tz=tz)


def _chat(engine: Engine, *, confidence: float, rating: int | None) -> tuple[str, int]:
    """A conversation an hour ago answered from an FAQ; returns the visitor key and answer id."""
    key = uuid.uuid4().hex
    at = datetime.now(UTC) - timedelta(hours=1)
    with session_scope(engine) as session:
        faq_id = session.exec(select(col(FaqEntry.id)).limit(1)).one()
        conversation = make_conversation(session, created_at=at)
        visitor = session.get(Visitor, conversation.visitor_id)
        assert visitor is not None
        visitor.visitor_key = key
        msg_crud.create_message(
            session=session,
            conversation=conversation,
            message_in=MessageCreate(role="visitor", text="Do you repair e-bikes?"),
        )
        answer = msg_crud.create_message(
            session=session,
            conversation=conversation,
            message_in=MessageCreate(
                role="bot",
                text="Yes.",
                kind="answer",
                faq_id=faq_id,
                confidence=confidence,
                latency_ms=300,
            ),
        )
        if rating is not None:
            event_crud.create_feedback(
                session=session,
                conversation_id=conversation.id,
                message_id=answer.id,
                rating=rating,
            )
        assert answer.id is not None
        return key, answer.id


def test_a_purchase_tracked_after_a_chat_appears_in_the_roi(
    page: Page, admin: AdminServer, engine: Engine
) -> None:
    period = _default_period(engine)
    with Session(engine) as session:
        before = roi.figures(session=session, period=period)
    key, _ = _chat(engine, confidence=0.9, rating=1)
    with session_scope(engine) as session:
        event = event_crud.record_event(session=session, name="tracked", conversation_id=None)
        event.visitor_key, event.label = key, "purchase"
        event.value, event.currency = 123.45, before["currency"]
    expected = money(before["attributed_revenue"] + 123.45, before["currency"])

    sign_in(page, admin, admin.OWNER, "/roi")
    expect(page.get_by_role("heading", name="ROI and benchmark", exact=True)).to_be_visible()
    revenue = page.locator("[data-figure='Attributed revenue']")
    expect(revenue).to_have_text(expected, timeout=20_000)
    inputs = page.get_by_role(
        "table", name="Inputs of the ROI: measured in the period or assumed by the owner"
    )
    expect(
        inputs.get_by_role("row").filter(has_text="Purchases attributed to chats")
    ).to_contain_text("measured")


def test_a_weak_answer_waits_for_review_until_marked(
    page: Page, admin: AdminServer, engine: Engine
) -> None:
    _, answer_id = _chat(engine, confidence=0.1, rating=-1)  # scores 0.13: under 0.6
    sign_in(page, admin, admin.AGENT, "/quality")
    row = page.locator(f"[data-answer='{answer_id}']")
    expect(row).to_be_visible(timeout=20_000)
    expect(row.get_by_role("link", name="Edit FAQ:")).to_have_attribute("href", _edit_href(engine))
    row.get_by_role("button", name="Mark reviewed:").click()
    expect(page.get_by_role("status")).to_contain_text("Marked reviewed.")
    expect(row).to_have_count(0)


def _edit_href(engine: Engine) -> str:
    with Session(engine) as session:
        return f"/knowledge?edit={session.exec(select(col(FaqEntry.id)).limit(1)).one()}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_quality_and_roi_pages_pass_axe(
    page: Page, admin: AdminServer, engine: Engine, scheme: str
) -> None:
    _chat(engine, confidence=0.2, rating=None)  # something in every table
    page.emulate_media(color_scheme=scheme)
    sign_in(page, admin, admin.OWNER, "/quality")
    found = {}
    for path, heading in (("/quality", "Response quality"), ("/roi", "ROI and benchmark")):
        page.goto(f"{admin.url}{path}")
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(page.get_by_role("table").first).to_be_visible(timeout=20_000)
        page.wait_for_timeout(500)  # the charts draw
        found[path] = axe_violations(page)
    assert {path: v for path, v in found.items() if v} == {}
