"""The widget's weight budget as Chromium sees it: every request the demo page makes from load to
an interactive panel, split at the launcher click (budgets in tests/widget/test_weight.py).

Before the click counts everything the page asks the chat server for (loader.js and the
launcher's /api/config). First open counts the widget's files (/widget/: JS, CSS, strings), the
loader included; API calls after the click (starting the conversation, the event stream) are
data, not widget weight. Sizes are those the server sends (gzip level 9 per response, bodies
under 1 KB uncompressed), computed from the bytes Chromium received.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Response, expect

from tests.conftest import LiveServer
from tests.widget.test_weight import BEFORE_OPEN_BUDGET, FIRST_OPEN_BUDGET, wire_size

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _path(response: Response, server: str) -> str | None:
    return response.url[len(server) :].split("?")[0] if response.url.startswith(server) else None


@pytest.mark.parametrize("locale", ["en-US", "fr-FR"])
def test_the_widget_stays_within_its_weight_budget(
    browser: Browser, live_server: LiveServer, locale: str
) -> None:
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    responses: list[Response] = []
    page.on("response", lambda r: responses.append(r))
    try:
        page.goto(f"{live_server.url}/demo", wait_until="networkidle")
        before = list(responses)
        page.locator(".sc-launcher").click()
        box = page.locator(".sc-input")
        expect(box).to_be_focused()
        expect(box).to_be_enabled()
        page.wait_for_timeout(300)  # a file asked for right after the panel shows still counts
        after = responses[len(before) :]

        loaded_before = {
            path: wire_size(r.body())
            for r in before
            if (path := _path(r, live_server.url)) and path != "/demo"
        }
        widget_files = {
            path: wire_size(r.body())
            for r in before + after
            if (path := _path(r, live_server.url)) and path.startswith("/widget/")
        }
    finally:
        context.close()

    assert "/widget/loader.js" in loaded_before, loaded_before
    assert not any(p.startswith("/widget/") and p != "/widget/loader.js" for p in loaded_before), (
        f"the panel's code loaded before the click: {loaded_before}"
    )
    assert {"/widget/app.js", "/widget/widget.css"} <= widget_files.keys(), widget_files
    assert "/widget/sw.js" not in widget_files and "/chat/sw.js" not in loaded_before
    # Quick actions under the greeting (after hours) need no rich.js: it comes with rich answers.
    assert "/widget/rich.js" not in widget_files and "/widget/rich.css" not in widget_files
    before_total, first_open = sum(loaded_before.values()), sum(widget_files.values())
    assert before_total <= BEFORE_OPEN_BUDGET, (
        f"{before_total} bytes before opening: {loaded_before}"
    )
    assert first_open <= FIRST_OPEN_BUDGET, f"{first_open} bytes at first open: {widget_files}"
