"""The demo website and the help centre pass axe-core on a phone-sized screen, where the wide
tables scroll and must be reachable by keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import axe_violations, visitor

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.mark.parametrize("path", ["/demo", "/pricing", "/help"])
def test_each_page_has_no_axe_violations_at_320_px(
    browser: Browser, live_server: LiveServer, path: str
) -> None:
    with visitor(browser, viewport={"width": 320, "height": 640}) as page:
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert axe_violations(page) == []


def test_a_keyboard_user_can_scroll_the_rental_prices(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser, viewport={"width": 320, "height": 640}) as page:
        page.goto(f"{live_server.url}/pricing")
        table = page.get_by_role("region", name="Rental prices")
        table.focus()
        expect(table).to_be_focused()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "() => document.querySelector('[aria-label=\"Rental prices\"]').scrollLeft > 0"
        )
