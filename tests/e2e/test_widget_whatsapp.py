"""Continue on WhatsApp, in Chromium: a visitor moves the chat to WhatsApp from the widget (the
number checked, consent asked), the first WhatsApp message reaches the local Twilio server, a
WhatsApp message posted to the signed webhook shows in the admin's inbox marked WhatsApp, and the
agent's reply from the inbox reaches Twilio; axe passes on the form."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from twilio.request_validator import RequestValidator

from core.integrations import delivery
from core.integrations.channels import DELIVERERS
from core.settings import Settings
from tests.conftest import LiveServer, make_app
from tests.e2e.conftest import (
    FIRST_ANSWER_MS,
    AdminServer,
    ask,
    axe_violations,
    open_panel,
    sign_in,
    visitor,
)
from tests.fake_slack import clear_outbox
from tests.fake_twilio import TOKEN, FakeTwilio

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SENDER = "+14155238886"
NUMBER = "+447911123456"


def test_a_visitor_moves_to_whatsapp_and_an_agent_answers_there(
    browser: Browser, page: Page, admin: AdminServer, engine: Engine, settings: Settings
) -> None:
    clear_outbox(engine)
    twilio = FakeTwilio().start()
    configured = {**twilio.settings(), "TWILIO_WHATSAPP_FROM": SENDER}
    app = make_app(settings, **configured)
    chat_settings = settings.model_copy(update=configured)  # the server's, for the runner

    def deliver() -> list[dict[str, str]]:
        delivery.drain(engine=engine, settings=chat_settings, deliverers=DELIVERERS)
        return [m for m in twilio.sent if m["To"] == f"whatsapp:{NUMBER}"]

    try:
        with LiveServer(app) as server, visitor(browser) as widget:
            open_panel(widget, server.url)
            ask(widget, "do you fix hydraulic brakes?")
            expect(widget.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(
                1, timeout=FIRST_ANSWER_MS
            )
            widget.get_by_role("button", name="Continue on WhatsApp").click()
            form = widget.locator(".sc-whatsapp")
            number = form.get_by_label("WhatsApp number, e.g. +44 7911 123456")
            expect(number).to_be_visible()
            status = form.get_by_role("status")
            number.fill("07911 123456")
            form.get_by_role("button", name="Send to WhatsApp").click()
            expect(status).to_have_text("Add + and the country code.")
            expect(number).to_be_focused()
            number.fill("+44 7911 123456")
            form.get_by_role("button", name="Send to WhatsApp").click()
            expect(status).to_have_text("Tick the box first.")
            form.get_by_label("I agree to continue this chat on WhatsApp.").check()
            assert axe_violations(widget) == []
            form.get_by_role("button", name="Send to WhatsApp").click()
            expect(status).to_have_text(f"Done: reply on WhatsApp ({NUMBER}).")
            [first] = deliver()
            assert "You asked: do you fix hydraulic brakes?" in first["Body"]

            message = {
                "From": f"whatsapp:{NUMBER}",
                "To": f"whatsapp:{SENDER}",
                "Body": "my rear brake squeals, can you look at it today?",
                "MessageSid": f"SM{uuid.uuid4().hex}",
            }
            signature = RequestValidator(TOKEN).compute_signature(
                f"{chat_settings.CHAT_PUBLIC_URL}/api/whatsapp/inbound", message
            )
            answered = httpx.post(
                f"{server.url}/api/whatsapp/inbound",
                data=message,
                headers={"X-Twilio-Signature": signature},
                timeout=60,
            )
            assert answered.status_code == 200
            assert len(deliver()) == 2  # the bot's answer, over WhatsApp

            sign_in(page, admin, admin.AGENT, "/inbox")
            cid = widget.evaluate("JSON.parse(localStorage.getItem('sc-conversation'))")[
                "conversation_id"
            ]
            row = page.locator(f"[data-conversation='{cid}']")
            expect(row).to_be_visible(timeout=10_000)
            expect(row).to_contain_text("WhatsApp")
            row.click()
            expect(page.get_by_role("log", name="Transcript")).to_contain_text(
                "my rear brake squeals"
            )
            page.get_by_role("button", name="Take over").click()
            page.get_by_label("Reply to the visitor").fill("Bring it by at 3, we'll have a look.")
            page.get_by_role("button", name="Send reply").click()
            expect(page.get_by_role("log", name="Transcript")).to_contain_text(
                "Bring it by at 3", timeout=10_000
            )
            bodies = [m["Body"] for m in deliver()]
            assert bodies[-2:] == [
                "An agent has joined the conversation.",
                "Bring it by at 3, we'll have a look.",
            ]
    finally:
        twilio.stop()
        clear_outbox(engine)
