"""While the visitor waits: the typing indicator with the usual reply time (GET /api/config
`estimated_wait`), grey placeholders while a conversation's history loads, and the language
chosen in the menu recorded on the conversation (PATCH) with the browser's sent at the start."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page, Request, expect
from sqlalchemy.engine import Engine

from core.crud import handover
from core.db import session_scope
from tests.conftest import LiveServer
from tests.e2e.conftest import (
    FIRST_ANSWER_MS,
    Held,
    ask,
    open_panel,
    patch_json,
    visitor,
    with_config,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

WAIT = {"bot_seconds": 3.2, "agent_seconds": 95}
MESSAGES = "**/api/conversations/*/messages"


def conversation_id(page: Page) -> str:
    return str(page.evaluate("JSON.parse(localStorage.getItem('sc-conversation')).conversation_id"))


def test_the_typing_indicator_says_how_long_a_reply_usually_takes(
    browser: Browser, live_server: LiveServer, engine: Engine
) -> None:
    with visitor(browser) as page:
        with_config(page, estimated_wait=WAIT)
        sends = Held(page, MESSAGES, "POST")
        open_panel(page, live_server.url)
        typing = page.locator(".sc-typing")
        expect(typing).to_be_hidden()
        ask(page, "What are your opening hours?")
        expect(typing).to_be_visible()
        # Inside the polite log, once: who answers, then the usual wait (rounded up).
        expect(page.locator(".sc-log .sc-typing")).to_have_count(1)
        expect(typing).to_have_text("Assistant is typing. Usually replies within 4 seconds")
        expect(typing.locator(".sc-typing-wait")).to_be_visible()
        sends.release()
        page.unroute(MESSAGES)
        expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(
            1, timeout=FIRST_ANSWER_MS
        )
        expect(typing).to_be_hidden()

        # An agent has the conversation: the agents' usual time, in minutes.
        with session_scope(engine) as session:
            handover.take_over(session=session, public_id=conversation_id(page), agent_name="Sam")
        expect(page.locator(".sc-msg[data-role=system]")).to_have_count(1, timeout=10_000)
        ask(page, "Are you there?")
        expect(typing).to_be_visible()
        expect(typing).to_have_text("Waiting for an agent. Usually replies within 2 minutes")
        page.wait_for_timeout(2000)  # the answer to the POST is in: still waiting for Sam
        expect(typing).to_be_visible()
        with session_scope(engine) as session:
            handover.agent_reply(
                session=session, public_id=conversation_id(page), agent_name="Sam", text="Yes!"
            )
        expect(page.locator(".sc-msg[data-role=agent]")).to_have_count(1, timeout=10_000)
        expect(typing).to_be_hidden()


def test_without_an_estimate_the_indicator_just_says_who_is_typing(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser) as page:
        patch_json(page, "**/api/config", lambda body: body.pop("estimated_wait", None))
        sends = Held(page, MESSAGES, "POST")
        open_panel(page, live_server.url)
        ask(page, "What are your opening hours?")
        typing = page.locator(".sc-typing")
        expect(typing).to_be_visible()
        expect(typing).to_have_text("Assistant is typing. ")
        expect(typing.locator(".sc-typing-wait")).to_be_hidden()
        sends.release()
        expect(typing).to_be_hidden(timeout=FIRST_ANSWER_MS)


def test_placeholders_show_while_the_history_loads(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser) as page:
        open_panel(page, live_server.url)
        ask(page, "What are your opening hours?")
        expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(
            1, timeout=FIRST_ANSWER_MS
        )

        history = Held(page, MESSAGES)  # a slow server: the history waits for the test
        page.reload()
        page.locator(".sc-launcher").click()
        log = page.locator(".sc-log")
        skeleton = log.locator(".sc-skeleton")
        expect(skeleton).to_be_visible()
        expect(skeleton.locator(".sc-skeleton-msg")).to_have_count(3)
        expect(skeleton).to_have_attribute("aria-hidden", "true")
        expect(log).to_have_attribute("aria-busy", "true")
        expect(page.locator(".sc-msg[data-id]")).to_have_count(0)

        history.release()
        expect(page.locator(".sc-msg[data-id]")).to_have_count(2, timeout=10_000)
        expect(skeleton).to_have_count(0)
        expect(log).not_to_have_attribute("aria-busy", re.compile(".*"))


def test_a_language_chosen_in_the_menu_is_recorded_on_the_conversation(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser, locale="de-DE") as page:
        started: list[Request] = []
        page.on(
            "request",
            lambda r: (
                started.append(r)
                if r.method == "POST" and r.url.endswith("/api/conversations")
                else None
            ),
        )
        open_panel(page, live_server.url)
        expect(page.locator(".sc-msg[data-greeting]")).to_be_visible()
        # Before the first message there is no conversation: the choice goes with its start.
        page.get_by_role("combobox", name="Sprache").select_option("es")
        expect(page.locator(".sc-panel")).to_have_attribute("lang", "es")
        assert started == []
        ask(page, "What are your opening hours?")
        expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(
            1, timeout=FIRST_ANSWER_MS
        )
        assert len(started) == 1
        body = json.loads(started[0].post_data or "{}")
        assert (body["browser_language"], body["language"]) == ("de-DE", "es")

        cid = conversation_id(page)
        with page.expect_request(
            lambda r: r.method == "PATCH" and r.url.endswith(f"/api/conversations/{cid}")
        ) as patched:
            page.get_by_role("combobox", name="Idioma").select_option("fr")
        request = patched.value
        assert json.loads(request.post_data or "{}") == {"language": "fr"}
        assert request.headers["authorization"].startswith("Bearer ")
        expect(page.locator(".sc-panel")).to_have_attribute("lang", "fr")
        # Whatever the server answered (it may not know PATCH yet), the panel keeps the choice.
        page.wait_for_timeout(300)
        expect(page.locator(".sc-panel")).to_have_attribute("lang", "fr")
        expect(page.locator(".sc-alert")).to_have_count(0)
