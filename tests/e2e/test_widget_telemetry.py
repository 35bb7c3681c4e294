"""Telemetry in Chromium: clicks in the widget and the shop's own steps reach the database by
beacon when the page hides, under the visitor's pseudonymous key; Do Not Track stops all of it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.models import AnalyticsEvent, Visitor, WidgetClick
from tests.conftest import LiveServer
from tests.e2e.conftest import ask, visitor, with_config

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

T = TypeVar("T")
# Every call the page makes to navigator.sendBeacon, kept (and still sent).
SPY = """
window.__beacons = [];
const send = navigator.sendBeacon.bind(navigator);
navigator.sendBeacon = (url, body) => { window.__beacons.push(String(body)); return send(url, body); };
"""
DO_NOT_TRACK = "Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'});"
HIDE = """() => {
  Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
  Object.defineProperty(document, 'hidden', {value: true, configurable: true});
  document.dispatchEvent(new Event('visibilitychange'));
}"""


def eventually(read: Callable[[], T], done: Callable[[T], bool], seconds: float = 20) -> T:
    """`read()` once `done` holds for it (beacons arrive after the page has gone)."""
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


def _clicks(engine: Engine, key: str) -> list[WidgetClick]:
    with Session(engine) as session:
        query = select(WidgetClick).where(WidgetClick.visitor_key == key)
        return list(session.exec(query.order_by(col(WidgetClick.id))).all())


def _steps(engine: Engine, key: str) -> list[AnalyticsEvent]:
    with Session(engine) as session:
        query = select(AnalyticsEvent).where(AnalyticsEvent.visitor_key == key)
        return list(session.exec(query.order_by(col(AnalyticsEvent.id))).all())


def _key(page: Page) -> str:
    key = page.evaluate("localStorage.getItem('sc-visitor-key')")
    assert isinstance(key, str) and len(key) == 32, key
    return key


def _load(page: Page, url: str) -> None:
    """The page, once the loader knows the owner's telemetry setting."""
    with page.expect_response("**/api/config"):
        page.goto(url)
    page.wait_for_function("typeof window.SupportChat?.track === 'function'")


def _open(page: Page) -> None:
    page.locator(".sc-launcher").click()
    expect(page.locator(".sc-input")).to_be_focused()


def test_clicks_in_the_widget_are_stored_when_the_page_hides(
    browser: Browser, live_server: LiveServer, engine: Engine
) -> None:
    with visitor(browser) as page:
        _load(page, f"{live_server.url}/demo")
        _open(page)  # the launcher, while closed
        page.locator(".sc-theme").click()
        log = page.locator(".sc-log")
        for _ in range(3):  # nothing to click there, three times on one spot: a rage click
            log.click(position={"x": 40, "y": 40})
        with page.expect_response("**/api/conversations") as started:
            ask(page, "hello")
        assert started.value.status == 201
        page.locator(".sc-close").click()
        key = _key(page)
        page.goto("about:blank")  # the page hides: pagehide sends the batch

    clicks = eventually(lambda: _clicks(engine, key), lambda rows: len(rows) >= 6)
    assert [(c.element, c.panel) for c in clicks] == [
        ("launcher", "closed"),
        ("theme", "chat"),
        ("none", "chat"),
        ("none", "chat"),
        ("none", "chat"),
        ("close", "chat"),
    ]
    assert [c.dead for c in clicks] == [False, False, True, True, True, False]
    assert [c.rage for c in clicks] == [False, False, False, False, True, False]
    assert {c.width_class for c in clicks} == {"wide"}
    for click in clicks:
        assert 0 <= click.x <= 1 and 0 <= click.y <= 1
        assert 0 <= click.panel_x <= 1 and 0 <= click.panel_y <= 1
    # The log's clicks were 40 px from its corner; the panel's own box holds them.
    assert 0 < clicks[2].panel_x < 1 and 0 < clicks[2].panel_y < 1
    with Session(engine) as session:
        assert session.exec(select(Visitor).where(Visitor.visitor_key == key)).first() is not None


def test_a_purchase_is_tracked_for_a_visitor_who_never_opened_the_chat(
    browser: Browser, live_server: LiveServer, engine: Engine
) -> None:
    with visitor(browser, viewport={"width": 400, "height": 800}) as page:
        _load(page, f"{live_server.url}/pricing")
        page.evaluate("SupportChat.track('purchase', {value: 179, currency: 'USD'})")
        page.get_by_role("button", name="Book the Full Tune-Up").click()
        expect(page.get_by_role("status").filter(has_text="Booked")).to_be_visible()
        key = _key(page)
        assert page.locator(".sc-panel").count() == 0  # the chat never loaded
        page.goto("about:blank")

    steps = eventually(lambda: _steps(engine, key), lambda rows: len(rows) >= 3)
    assert [(s.name, s.label, s.value, s.currency) for s in steps] == [
        ("tracked", "pricing_viewed", None, None),
        ("tracked", "purchase", 179.0, "USD"),
        ("tracked", "purchase", 149.0, "USD"),
    ]
    assert steps[2].private_properties == {"service": "full_tune_up"}
    assert _clicks(engine, key) == []


def test_do_not_track_stops_everything(browser: Browser, live_server: LiveServer) -> None:
    with visitor(browser) as page:
        page.add_init_script(DO_NOT_TRACK + SPY)
        _load(page, f"{live_server.url}/demo")
        page.evaluate("SupportChat.track('purchase', {value: 179, currency: 'USD'})")
        _open(page)
        page.locator(".sc-theme").click()
        with page.expect_request("**/api/conversations") as started:
            ask(page, "hello")
        assert "visitor_key" not in (started.value.post_data or "")
        page.evaluate(HIDE)  # what the page does when the visitor leaves
        assert page.evaluate("window.__beacons") == []
        assert page.evaluate("localStorage.getItem('sc-visitor-key')") is None


def test_with_the_consent_setting_nothing_is_sent_until_the_page_says_yes(
    browser: Browser, live_server: LiveServer
) -> None:
    with visitor(browser) as page:
        page.add_init_script(SPY)
        with_config(page, telemetry="consent")
        _load(page, f"{live_server.url}/demo")
        page.evaluate("SupportChat.track('signup')")
        page.evaluate(HIDE)
        assert page.evaluate("window.__beacons") == []
        assert page.evaluate("localStorage.getItem('sc-visitor-key')") is None
        page.evaluate(
            "SupportChat.consent(true); SupportChat.track('purchase', {value: 5, currency: 'EUR'})"
        )
        page.evaluate(HIDE)
        sent = page.evaluate("window.__beacons")
        assert len(sent) == 1 and '"signup"' in sent[0] and '"purchase"' in sent[0]
        assert _key(page) in sent[0]


def test_the_chat_says_it_counts_or_asks_first_and_keeps_the_visitors_answer(
    browser: Browser, live_server: LiveServer
) -> None:
    # "notice" (the default): recorded, and the chat says so; "Don't count mine" stops it, on the
    # next pages too.
    with visitor(browser) as page:
        page.add_init_script(SPY)
        _load(page, f"{live_server.url}/demo")
        _open(page)
        notice = page.locator(".sc-counting")
        expect(notice).to_have_text(
            "This chat counts clicks to improve itself. OK Don't count mine"
        )
        assert _key(page)
        notice.get_by_role("button", name="Don't count mine").click()
        expect(notice).to_be_hidden()
        expect(page.locator(".sc-input")).to_be_focused()
        assert page.evaluate("localStorage.getItem('sc-visitor-key')") is None
        page.evaluate("SupportChat.track('signup')")
        page.evaluate(HIDE)
        assert page.evaluate("window.__beacons") == []
        _load(page, f"{live_server.url}/demo")
        _open(page)
        expect(page.locator(".sc-input")).to_be_focused()
        expect(page.locator(".sc-counting")).to_be_hidden()
        # The site's own banner saying yes on this page does not undo the visitor's no.
        page.evaluate("SupportChat.consent(true); SupportChat.track('signup')")
        page.evaluate(HIDE)
        assert page.evaluate("window.__beacons") == []

    # "consent": nothing is sent until the visitor says yes in the chat.
    with visitor(browser) as page:
        page.add_init_script(SPY)
        with_config(page, telemetry="consent")
        _load(page, f"{live_server.url}/demo")
        page.evaluate("SupportChat.track('signup')")
        _open(page)
        asked = page.locator(".sc-counting")
        expect(asked).to_contain_text("May this chat count your clicks to improve itself?")
        page.evaluate(HIDE)
        assert page.evaluate("window.__beacons") == []
        asked.get_by_role("button", name="Yes").click()
        expect(asked).to_be_hidden()
        page.evaluate(HIDE)
        sent = page.evaluate("window.__beacons")
        assert len(sent) == 1 and '"signup"' in sent[0] and _key(page) in sent[0]
