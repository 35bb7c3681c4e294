"""The installable chat page /chat: manifest, service worker, offline start and offline sending."""

from __future__ import annotations

import re
import struct

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session

from chat_server.endpoints import pwa
from core.crud import business as business_crud
from tests.conftest import LiveServer

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CONTROLLED = "() => navigator.serviceWorker.controller !== null"
CACHES = "() => caches.keys()"
OFFLINE_NOTICE = re.compile("You're offline")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def ask(page: Page, text: str) -> None:
    box = page.locator(".sc-input")
    box.fill(text)
    box.press("Enter")


def open_chat(page: Page, url: str) -> None:
    page.goto(f"{url}/chat")
    panel = page.locator(".sc-panel")
    expect(panel).to_be_visible()
    expect(panel).to_have_accessible_name("Chat with Harbourside Bikes")
    expect(page.locator(".sc-input")).to_be_focused()
    page.wait_for_function(CONTROLLED, timeout=20_000)


def test_the_manifest_names_the_business_and_its_icons_load(
    live_server: LiveServer, engine: Engine
) -> None:
    with Session(engine) as session:
        business = business_crud.get_business(session=session)
    response = httpx.get(f"{live_server.url}/chat/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] == business.name == "Harbourside Bikes"
    assert 0 < len(manifest["short_name"]) <= 12
    assert manifest["start_url"] == "/chat" and manifest["scope"] == "/chat"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == business.color
    sizes = set()
    for icon in manifest["icons"]:
        got = httpx.get(f"{live_server.url}{icon['src']}")
        assert got.status_code == 200, icon
        assert got.headers["content-type"] == icon["type"] == "image/png"
        width, height = png_size(got.content)
        assert icon["sizes"] == f"{width}x{height}"
        sizes.add((width, icon["purpose"]))
    assert {(192, "any"), (512, "any"), (512, "maskable")} <= sizes


def test_chromium_finds_the_page_installable(page: Page, live_server: LiveServer) -> None:
    open_chat(page, live_server.url)
    # A page of its own has nothing to close: no close button, and Escape leaves the panel open.
    expect(page.locator(".sc-close")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(page.locator(".sc-panel")).to_be_visible()
    cdp = page.context.new_cdp_session(page)
    parsed = cdp.send("Page.getAppManifest")
    assert parsed["url"] == f"{live_server.url}/chat/manifest.webmanifest"
    assert parsed["errors"] == []
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito profiles, where Chromium never offers to install.
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []


def test_the_chat_page_opens_offline_and_sends_what_was_typed_once_back_online(
    page: Page, live_server: LiveServer
) -> None:
    open_chat(page, live_server.url)
    notice = page.get_by_role("status").filter(has_text=OFFLINE_NOTICE)
    expect(notice).to_have_count(0)
    ask(page, "til what time are you open on saturday")
    # The first answer of a run may wait for the encoder's first pass on a busy machine.
    expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(1, timeout=30_000)

    page.context.set_offline(True)
    worker = page.context.service_workers[0]
    # The worker itself cannot reach the server either: what follows comes from its cache.
    assert worker.evaluate("fetch('/api/health').then(() => 'online', () => 'offline')") == (
        "offline"
    )
    reloaded = page.reload()
    assert reloaded is not None and reloaded.ok and reloaded.from_service_worker
    expect(notice).to_be_visible()
    expect(page.locator(".sc-panel")).to_be_visible()
    box = page.locator(".sc-input")
    expect(box).to_be_enabled()

    batches: list[int] = []
    page.on(
        "response",
        lambda r: batches.append(r.status) if r.url.endswith("/messages/batch") else None,
    )
    typed = ["first question typed offline", "second question typed offline"]
    for text in typed:
        ask(page, text)
    failed = page.locator(".sc-msg[data-role=visitor].sc-failed")
    expect(failed.locator(".sc-msg-text")).to_have_text(typed)

    page.context.set_offline(False)
    expect(notice).to_have_count(0)
    visitor_rows = page.locator(".sc-msg[data-role=visitor]")
    confirmed = page.locator(".sc-msg[data-role=visitor][data-id]")
    expect(confirmed).to_have_count(3)
    expect(page.locator(".sc-failed")).to_have_count(0)
    expect(visitor_rows.locator(".sc-msg-text")).to_have_text(
        ["til what time are you open on saturday", *typed]
    )
    expect(page.locator(".sc-msg[data-role=bot][data-id]")).to_have_count(3)

    session = page.evaluate("JSON.parse(localStorage.getItem('sc-conversation'))")
    response = httpx.get(
        f"{live_server.url}/api/conversations/{session['conversation_id']}/messages",
        headers={"Authorization": f"Bearer {session['visitor_token']}"},
    )
    assert response.status_code == 200, response.text
    messages = response.json()["messages"]
    visitors = [m["text"] for m in messages if m["role"] == "visitor"]
    assert visitors == ["til what time are you open on saturday", *typed]
    assert [m["role"] for m in messages] == ["visitor", "bot"] * 3
    assert batches == [201]


def test_a_new_version_replaces_the_cache_and_drops_the_old_one(
    page: Page, live_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_chat(page, live_server.url)
    first = f"sc-shell-{pwa.shell_version()}"
    page.wait_for_function(f"async () => (await caches.keys()).includes('{first}')")
    cached = page.evaluate(
        f"async () => (await (await caches.open('{first}')).keys()).map((r) => new URL(r.url).pathname)"
    )
    assert {"/chat", "/widget/app.js", "/widget/widget.css", "/widget/icons/icon-192.png"} <= set(
        cached
    )
    assert "/widget/loader.js" not in cached
    assert not any(path.startswith("/api/") for path in cached)

    # The live server runs in this process: a changed shell is a changed version in sw.js.
    monkeypatch.setattr(pwa, "shell_version", lambda: "next-version")
    page.evaluate("async () => (await navigator.serviceWorker.getRegistration('/chat')).update()")
    page.wait_for_function(
        "async () => JSON.stringify(await caches.keys()) === '[\"sc-shell-next-version\"]'",
        timeout=20_000,
    )


def test_customer_sites_get_no_service_worker(page: Page, live_server: LiveServer) -> None:
    workers: list[str] = []
    page.on("request", lambda r: workers.append(r.url) if r.url.endswith("/sw.js") else None)
    page.goto(f"{live_server.url}/demo")
    page.locator(".sc-launcher").click()
    expect(page.locator(".sc-input")).to_be_focused()
    page.wait_for_load_state("load")
    assert (
        page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length") == 0
    )
    assert workers == []
