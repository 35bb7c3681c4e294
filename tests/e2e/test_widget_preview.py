"""The widget's preview mode (GET /preview), as the admin's heatmap frames it: the real panel in
the state asked for, a canned conversation, and nothing stored or sent whatever is clicked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.models import AnalyticsEvent, ContactRequest, Conversation, Message, WidgetClick
from tests.conftest import LiveServer
from tests.e2e.conftest import visitor

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

STORED = (Conversation, Message, ContactRequest, AnalyticsEvent, WidgetClick)


def counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.__name__: session.exec(select(func.count()).select_from(table)).one()
            for table in STORED
        }


@pytest.fixture
def preview(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A fresh browser, and every request it sends that is not a GET or goes to the API beyond
    the settings, and every refusal by the page's Content Security Policy."""
    with visitor(browser, viewport={"width": 370, "height": 560}) as page:
        sent: list[str] = []
        page.on(
            "request",
            lambda r: (
                sent.append(f"{r.method} {r.url}")
                if r.method != "GET" or ("/api/" in r.url and "/api/config" not in r.url)
                else None
            ),
        )
        page.on(
            "console",
            lambda m: sent.append(m.text) if "Content Security Policy" in m.text else None,
        )
        yield page, sent


def test_the_chat_preview_shows_a_canned_conversation_and_stores_nothing(
    preview: tuple[Page, list[str]], live_server: LiveServer, engine: Engine
) -> None:
    page, sent = preview
    before = counts(engine)
    page.goto(f"{live_server.url}/preview?panel=chat&width=medium&theme=dark")
    panel = page.locator(".sc-panel")
    expect(panel).to_be_visible()
    expect(page.locator(".sc-root")).to_have_attribute("data-theme", "dark")
    expect(page.locator(".sc-msg[data-greeting]")).to_have_count(1)
    expect(page.locator('.sc-msg[data-role="visitor"]')).to_contain_text("opening hours")
    expect(page.locator(".sc-quick-reply")).to_have_count(2)
    box = panel.bounding_box()
    assert box is not None and (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 370, 560)

    # Everything a visitor could do: none of it reaches the server.
    page.locator(".sc-input").fill("Hello?")
    page.locator(".sc-input").press("Enter")
    expect(page.locator(".sc-input")).to_have_value("")
    page.locator(".sc-quick-reply").first.click()
    helpful = page.get_by_role("button", name="Helpful", exact=True)
    helpful.click()
    expect(helpful).to_have_attribute("aria-pressed", "true")
    page.locator(".sc-theme").click()
    expect(page.locator(".sc-root")).to_have_attribute("data-theme", "dark")

    assert counts(engine) == before
    assert sent == []
    assert page.evaluate("localStorage.getItem('sc-conversation')") is None


def test_the_contact_preview_opens_the_form_and_sends_nothing(
    preview: tuple[Page, list[str]], live_server: LiveServer, engine: Engine
) -> None:
    page, sent = preview
    before = counts(engine)
    page.goto(f"{live_server.url}/preview?panel=contact&width=medium")
    form = page.locator(".sc-contact-form")
    expect(form).to_be_visible()
    expect(page.locator(".sc-chat")).to_be_hidden()
    expect(page.locator(".sc-root")).to_have_attribute("data-theme", "light")
    form.locator("[name=name]").fill("Ada")
    form.locator("[name=email]").fill("ada@example.com")
    form.locator("[name=message]").fill("Call me")
    form.locator(".sc-contact-submit").click()
    expect(page.locator(".sc-contact-thanks")).to_be_visible()
    assert counts(engine) == before
    assert sent == []


def test_the_closed_preview_shows_the_launcher_alone(
    preview: tuple[Page, list[str]], live_server: LiveServer
) -> None:
    page, sent = preview
    page.set_viewport_size({"width": 224, "height": 224})
    page.goto(f"{live_server.url}/preview?panel=closed")
    launcher = page.locator(".sc-launcher")
    expect(launcher).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    expect(page.locator(".sc-panel")).to_have_count(0)
    box = launcher.bounding_box()
    assert box is not None and round(box["width"]) == 224 and round(box["height"]) == 224
    assert sent == []
