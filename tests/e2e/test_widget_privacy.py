"""A visitor downloads their data from the widget, then deletes it, in Chromium."""

from __future__ import annotations

import io
import json
import re
import zipfile

import httpx
import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.engine import Engine

from core.integrations import delivery
from core.integrations.channels import DELIVERERS
from core.settings import Settings
from tests.conftest import LiveServer, make_app
from tests.e2e.conftest import FIRST_ANSWER_MS, ask, axe_violations, open_panel, visitor
from tests.fake_smtp import FakeSmtp

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

QUESTION = "can you email me at rider@example.org when my bike is ready"


def test_a_visitor_downloads_then_deletes_their_data(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser, accept_downloads=True) as page:
        open_panel(page, live_server.url)
        ask(page, QUESTION)
        answers = page.locator(".sc-msg[data-role=bot][data-id]")
        expect(answers).to_have_count(1, timeout=FIRST_ANSWER_MS)

        page.get_by_role("button", name="Your data").click()
        expect(page.get_by_role("heading", name="Your data")).to_be_focused()
        status = page.locator(".sc-panel").get_by_role("status")
        assert axe_violations(page) == []
        with page.expect_download() as waiting:
            page.get_by_role("button", name="Download my data").click()
        download = waiting.value
        assert download.suggested_filename.startswith("personal-data-export-")
        with zipfile.ZipFile(io.BytesIO(download.path().read_bytes())) as archive:
            data = json.loads(archive.read("data.json"))
            transcript = archive.read("transcript.html").decode()
        assert QUESTION in json.dumps(data) and QUESTION in transcript
        expect(status).to_have_text("Your data has been downloaded.")

        page.get_by_role("button", name="Delete my data").click()
        cancel = page.get_by_role("button", name="Cancel")
        expect(cancel).to_be_focused()  # a second, deliberate step
        expect(page.get_by_text("It cannot be undone.")).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_role("button", name="Delete for good").click()
        expect(status).to_have_text("Your data has been deleted.")
        assert page.evaluate("localStorage.getItem('sc-conversation')") is None

        # Back in the chat nothing of it is left, and the server has nothing either.
        page.get_by_role("button", name="Back to chat").click()
        expect(page.locator(".sc-msg[data-id]")).to_have_count(0)
        page.get_by_role("button", name="Your data").click()
        page.get_by_role("button", name="Download my data").click()
        expect(status).to_have_text("We hold no data about you.")

        page.reload()
        page.locator(".sc-launcher").click()
        expect(page.locator(".sc-input")).to_be_focused()
        expect(page.locator(".sc-msg[data-id]")).to_have_count(0)


def test_a_link_by_email_downloads_the_data_in_another_browser(
    browser: Browser, engine: Engine, settings: Settings
) -> None:
    smtp = FakeSmtp().start()
    app = make_app(settings, **smtp.settings())
    try:
        with LiveServer(app) as server:
            with visitor(browser) as page:
                open_panel(page, server.url)
                ask(page, "my tyre keeps going flat")
                expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(
                    1, timeout=FIRST_ANSWER_MS
                )
                session = page.evaluate("JSON.parse(localStorage.getItem('sc-conversation'))")
                sent = httpx.post(
                    f"{server.url}/api/contact",
                    json={
                        "name": "Jo",
                        "email": "flat@example.org",
                        "message": "call me",
                        "conversation_id": session["conversation_id"],
                    },
                    headers={"Authorization": f"Bearer {session['visitor_token']}"},
                )
                assert sent.status_code == 201

            with visitor(browser, accept_downloads=True) as page:  # another browser
                open_panel(page, server.url)
                page.get_by_role("button", name="Your data").click()
                page.get_by_label("Or get a link to your data by e-mail").fill("flat@example.org")
                assert axe_violations(page) == []
                page.get_by_role("button", name="E-mail me a link").click()
                status = page.locator(".sc-panel").get_by_role("status")
                expect(status).to_have_text(
                    "If we hold data about that address, a link to it is on its way."
                )

                delivery.drain(
                    engine=engine, settings=app.state.chat.settings, deliverers=DELIVERERS
                )
                [mail] = [m for m in smtp.received if m["To"] == "flat@example.org"]
                link = re.search(r"http://\S+", mail.get_content())
                assert link is not None
                url = link.group(0).replace(settings.CHAT_PUBLIC_URL, server.url)
                with page.expect_download() as waiting:
                    page.evaluate("(url) => { window.location.href = url; }", url)
                data = zipfile.ZipFile(io.BytesIO(waiting.value.path().read_bytes()))
                assert "my tyre keeps going flat" in data.read("data.json").decode()

                page.goto(url[:-4] + "abcd")
                expect(page.get_by_role("heading", name="Your data")).to_be_visible()
                expect(page.get_by_text("This link is not valid.")).to_be_visible()
    finally:
        smtp.stop()
