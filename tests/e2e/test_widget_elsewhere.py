"""The widget on a customer's own site (another origin than the chat server): the one script
tag loads it, the API answers across origins, pictures come from the chat server and links go to
the customer's pages."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.engine import Engine

from core.settings import Settings
from tests.conftest import LiveServer, make_app
from tests.e2e.conftest import FIRST_ANSWER_MS, ask, visitor

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


class Shop:
    """The customer's site: every path is a page holding the one script tag. It is `localhost`
    while the chat server is `127.0.0.1`: two origins, as on a real site (both on loopback, which
    Chromium requires of a site that is not a secure context)."""

    def __init__(self) -> None:
        self.chat_url = ""
        shop = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the http.server API)
                page = (
                    "<!doctype html><html lang='en'><head><title>Harbourside Bikes</title></head>"
                    "<body><main><h1>Our prices</h1></main>"
                    f"<script src='{shop.chat_url}/widget/loader.js' async></script></body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://localhost:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def shop(engine: Engine, settings: Settings) -> Iterator[Shop]:
    shop = Shop()
    # The owner lets the shop's pages in (CORS_ORIGINS), as the README says.
    with LiveServer(make_app(settings, CORS_ORIGINS=[shop.url])) as chat:
        shop.chat_url = chat.url
        yield shop
    shop.server.shutdown()
    shop.server.server_close()


def test_the_script_tag_works_on_another_site(browser: Browser, shop: Shop) -> None:
    with visitor(browser) as page:
        page.goto(f"{shop.url}/pricing")
        page.locator(".sc-launcher").click()
        expect(page.locator(".sc-input")).to_be_focused()

        ask(page, "How much does a tune-up cost?")
        expect(page.get_by_role("region", name="Tune-up plans")).to_be_visible(
            timeout=FIRST_ANSWER_MS
        )
        # A link given as a path is a page of the shop's site.
        prices = page.get_by_role("link", name=re.compile("^All prices"))
        expect(prices).to_have_attribute("href", f"{shop.url}/pricing")

        ask(page, "How can I talk to a real person?")
        image = page.locator(".sc-msg[data-role=bot] img").last
        # A picture given as a path is a file on the chat server, and it loads.
        expect(image).to_have_attribute("src", f"{shop.chat_url}/widget/icons/icon-192.png")
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") > 0
