"""Proactive triggers (GET /api/config `triggers`, watched by loader.js before the panel has
loaded): each opens the chat with its message once per visitor session, only on matching pages,
never while the chat is open; SupportChat.trigger(name) fires one from a single-page app."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import visitor, with_config

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PROACTIVE = ".sc-msg[data-proactive] .sc-msg-text"


def trigger(name: str, kind: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": kind, "message": message, **extra}


def expect_prompted(page: Page, message: str) -> None:
    """The chat opened by itself and the assistant said `message` (in the live region)."""
    expect(page.locator(".sc-panel")).to_be_visible()
    expect(page.locator(".sc-launcher")).to_have_attribute("aria-expanded", "true")
    expect(page.locator(PROACTIVE)).to_have_text([message])
    expect(page.locator(".sc-log")).to_have_attribute("aria-live", "polite")


def close_chat(page: Page) -> None:
    page.locator(".sc-close").click()
    expect(page.locator(".sc-panel")).to_be_hidden()


def test_time_on_page_fires_once_per_session_and_only_on_matching_pages(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser) as page:
        with_config(
            page,
            triggers=[
                trigger(
                    "demo-help",
                    "time_on_page",
                    "Need a hand choosing a bike?",
                    seconds=1.5,
                    url_pattern="/dem?*",
                ),
                trigger(
                    "pricing",
                    "time_on_page",
                    "Questions about prices?",
                    seconds=0.5,
                    url_pattern="/pricing*",
                ),
            ],
        )
        page.goto(f"{live_server.url}/demo")
        expect(page.locator(".sc-launcher")).to_be_visible()
        page.wait_for_timeout(800)
        expect(page.locator(".sc-panel")).to_have_count(0)  # not yet: 1.5 s on the page
        expect_prompted(page, "Need a hand choosing a bike?")
        assert page.evaluate("sessionStorage.getItem('sc-trigger-demo-help')")
        close_chat(page)

        page.reload()  # same session: the trigger has had its say
        expect(page.locator(".sc-launcher")).to_be_visible()
        page.wait_for_timeout(2500)
        expect(page.locator(".sc-panel")).to_have_count(0)
        expect(page.locator(".sc-launcher")).to_have_attribute("aria-expanded", "false")


def test_exit_intent_fires_when_the_pointer_leaves_through_the_top(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser) as page:
        with_config(page, triggers=[trigger("leaving", "exit_intent", "Before you go: 10% off?")])
        page.goto(f"{live_server.url}/demo")
        expect(page.locator(".sc-launcher")).to_be_visible()
        page.wait_for_timeout(300)  # the config has arrived
        page.mouse.move(640, 400)
        page.mouse.move(640, 795)  # down to the bottom edge: not leaving
        page.mouse.move(1275, 400)  # to the side: not leaving
        page.wait_for_timeout(300)
        expect(page.locator(".sc-panel")).to_have_count(0)

        page.mouse.move(640, 200)
        page.mouse.move(640, -10, steps=4)  # out through the top, towards the tabs
        expect_prompted(page, "Before you go: 10% off?")
        close_chat(page)

        page.mouse.move(640, 300)
        page.mouse.move(640, -10, steps=4)
        page.wait_for_timeout(500)
        expect(page.locator(".sc-panel")).to_be_hidden()


def test_exit_intent_is_not_watched_on_touch_screens(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(
        browser, has_touch=True, is_mobile=True, viewport={"width": 390, "height": 800}
    ) as page:
        with_config(page, triggers=[trigger("leaving", "exit_intent", "Before you go: 10% off?")])
        page.goto(f"{live_server.url}/demo")
        expect(page.locator(".sc-launcher")).to_be_visible()
        assert page.evaluate("matchMedia('(pointer: coarse)').matches")
        page.wait_for_timeout(300)
        page.mouse.move(200, 300)
        page.mouse.move(200, -10, steps=4)
        page.wait_for_timeout(500)
        expect(page.locator(".sc-panel")).to_have_count(0)


def test_scrolling_to_the_bottom_fires_once(browser: Browser, live_server: LiveServer) -> None:
    with visitor(browser) as page:
        with_config(page, triggers=[trigger("read-it-all", "scroll_bottom", "Any questions left?")])
        page.goto(f"{live_server.url}/demo")
        expect(page.locator(".sc-launcher")).to_be_visible()
        page.wait_for_timeout(300)
        page.mouse.wheel(0, 300)  # part of the way down: nothing
        page.wait_for_timeout(300)
        expect(page.locator(".sc-panel")).to_have_count(0)

        page.keyboard.press("End")
        expect_prompted(page, "Any questions left?")
        close_chat(page)
        page.keyboard.press("Home")
        page.keyboard.press("End")
        page.wait_for_timeout(500)
        expect(page.locator(".sc-panel")).to_be_hidden()


def test_a_single_page_app_fires_a_trigger_by_name(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser) as page:
        warnings: list[str] = []
        page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
        with_config(
            page,
            triggers=[
                trigger("checkout", "manual", "Stuck at checkout? We can help."),
                # Any kind fires by name, even on a page its pattern does not match.
                trigger(
                    "pricing",
                    "time_on_page",
                    "Questions about prices?",
                    seconds=600,
                    url_pattern="/pricing",
                ),
            ],
        )
        page.goto(f"{live_server.url}/demo")
        expect(page.locator(".sc-launcher")).to_be_visible()

        page.evaluate("SupportChat.trigger('no-such-trigger')")
        page.wait_for_timeout(300)
        assert any("no-such-trigger" in w for w in warnings), warnings
        expect(page.locator(".sc-panel")).to_have_count(0)

        page.evaluate("SupportChat.trigger('checkout')")
        expect_prompted(page, "Stuck at checkout? We can help.")
        # While the chat is open a trigger says nothing.
        page.evaluate("SupportChat.trigger('pricing')")
        page.wait_for_timeout(500)
        expect(page.locator(PROACTIVE)).to_have_count(1)
        close_chat(page)

        page.evaluate("SupportChat.trigger('checkout')")  # once per session
        page.wait_for_timeout(500)
        expect(page.locator(".sc-panel")).to_be_hidden()
        page.evaluate("SupportChat.trigger('pricing')")
        expect(page.locator(".sc-panel")).to_be_visible()
        expect(page.locator(PROACTIVE)).to_have_text(
            ["Stuck at checkout? We can help.", "Questions about prices?"]
        )
