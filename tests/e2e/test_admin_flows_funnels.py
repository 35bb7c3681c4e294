"""The Flows and Funnels pages in Chromium: a conversation made through the real chat API is a
path in the Sankey's tables, a purchase tracked after that chat shows in the demo funnel, and
axe finds nothing wrong with either page in the light or the dark theme."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from core.db import session_scope
from core.models import AnalyticsEvent, EventName
from core.models._types import utcnow
from tests.conftest import LiveServer
from tests.e2e.conftest import AdminServer, axe_violations, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def chat_then_buy(server: LiveServer, engine: Engine) -> str:
    """A visitor views a product, asks when the shop closes, and buys: returns the
    conversation's public id."""
    key = uuid.uuid4().hex
    with session_scope(engine) as session:
        session.add(
            AnalyticsEvent(
                name=EventName.TRACKED,
                label="product_viewed",
                visitor_key=key,
                created_at=utcnow() - timedelta(minutes=5),
            )
        )
    start = httpx.post(
        f"{server.url}/api/conversations",
        json={"visitor_key": key, "page_url": f"{server.url}/demo"},
    ).json()
    turn = httpx.post(
        f"{server.url}/api/conversations/{start['conversation_id']}/messages",
        json={"text": "when do you close on saturday?"},
        headers={"Authorization": f"Bearer {start['visitor_token']}"},
        timeout=60,
    )
    assert turn.status_code == 201, turn.text
    assert turn.json()["reply"]["faq_id"] is not None  # answered from the knowledge base
    with session_scope(engine) as session:
        session.add(
            AnalyticsEvent(
                name=EventName.TRACKED,
                label="purchase",
                value=120.0,
                currency="EUR",
                visitor_key=key,
                created_at=utcnow() + timedelta(seconds=1),
            )
        )
    return str(start["conversation_id"])


def test_a_chat_is_a_path_and_a_purchase_after_it_is_in_the_funnel(
    page: Page, admin: AdminServer, live_server: LiveServer, engine: Engine
) -> None:
    conversation = chat_then_buy(live_server, engine)
    sign_in(page, admin, admin.OWNER, "/flows")
    expect(page.get_by_role("heading", name="Conversation flows", exact=True)).to_be_visible()
    paths = page.get_by_role("table").filter(has_text="The most taken paths")
    expect(paths.get_by_role("rowheader", name="hours → resolved", exact=True)).to_be_visible(
        timeout=20_000
    )

    links = page.get_by_role("table").filter(has_text="The chart's links")
    links.get_by_role(
        "button", name="List the conversations of hours → resolved at step 1", exact=True
    ).click()
    listed = page.locator("#flows-listed")
    expect(listed.get_by_role("heading")).to_contain_text("step 1: hours → resolved")
    expect(listed.locator(f'a[href="/inbox?c={conversation}"]')).to_have_count(1)

    page.goto(f"{admin.url}/funnels")
    expect(page.get_by_role("heading", name="Funnels", exact=True)).to_be_visible()
    expect(page.locator("#funnel-choice")).to_have_value(re.compile(r"\d+"))
    steps = page.get_by_role("table").filter(has_text="Visitors per step, conversion")
    purchase = steps.get_by_role("row").filter(has=page.get_by_role("rowheader", name="3"))
    expect(purchase).to_contain_text("purchase")
    # Visitors who reached the purchase: at least this one (other tests may add more).
    expect(purchase.get_by_role("cell").nth(1)).to_have_text(re.compile(r"^[1-9]\d*$"))
    chatters = page.get_by_role("table").filter(has_text="Conversion of visitors who chatted")
    expect(chatters.get_by_role("row").filter(has_text="chatters").first).to_contain_text(
        re.compile(r"chatters\s*[1-9]")
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_flows_and_funnels_pass_axe(page: Page, admin: AdminServer, scheme: str) -> None:
    page.emulate_media(color_scheme=scheme)
    sign_in(page, admin, admin.OWNER, "/flows")
    found = {}
    for path, heading in (("/flows", "Conversation flows"), ("/funnels", "Funnels")):
        page.goto(f"{admin.url}{path}")
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=20_000)
        if path == "/funnels":
            page.get_by_role("button", name="Edit funnel").click()
            expect(page.get_by_role("heading", name="Edit funnel")).to_be_visible()
        found[path] = axe_violations(page)
    assert {path: v for path, v in found.items() if v} == {}
