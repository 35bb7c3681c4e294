"""Debian's Chromium driven by Playwright (no browser download: executable_path)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect, sync_playwright
from sqlalchemy.engine import Engine

from app.serve import admin_command, admin_env
from tests.conftest import ROOT, LiveServer, free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


class AdminServer:
    """The Reflex admin, built and served once per run (`reflex run --env prod`, one port)."""

    OWNER = ("owner-e2e@example.com", "owner password 1")
    AGENT = ("agent-e2e@example.com", "agent password 1")
    # The admin's Slack client talks to a local Slack server a test may start on this port
    # (tests/fake_slack.py); no Slack token is in the admin's settings.
    SLACK_PORT = free_port()

    def __init__(self, chat_url: str) -> None:
        # ADMIN_PORT and ADMIN_PUBLIC_URL come from tests/conftest.py. The build bakes this host
        # into the websocket URL: pages are opened on it too.
        self.port = int(os.environ["ADMIN_PORT"])
        self.url = os.environ["ADMIN_PUBLIC_URL"]
        self.chat_url = chat_url  # where the admin's pages find the chat server (its preview)
        self.log = Path(tempfile.mkstemp(prefix="admin-", suffix=".log")[1])
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> AdminServer:
        env = admin_env() | {
            "ADMIN_PORT": str(self.port),
            "CHAT_PUBLIC_URL": self.chat_url,
            "SLACK_API_URL": f"http://127.0.0.1:{self.SLACK_PORT}/api/",
        }
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                admin_command(self.port),
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the admin stopped:\n{self.log.read_text()[-4000:]}")
            try:
                if httpx.get(f"{self.url}/ping", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"the admin did not start:\n{self.log.read_text()[-4000:]}")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def admin(engine: Engine, live_server: LiveServer) -> Iterator[AdminServer]:
    from core.crud import users
    from core.db import session_scope
    from core.models.users import UserRole

    with session_scope(engine) as session:
        for (email, password), role in (
            (AdminServer.OWNER, UserRole.OWNER),
            (AdminServer.AGENT, UserRole.AGENT),
        ):
            if users.get_user_by_email(session=session, email=email) is None:
                users.create_user(
                    session=session,
                    email=email,
                    name=email.split("-")[0].title(),
                    password=password,
                    role=role,
                )
    with AdminServer(live_server.url) as server:
        yield server


def sign_in(page: Page, admin: AdminServer, who: tuple[str, str], path: str = "/") -> None:
    page.goto(f"{admin.url}/login?next={path}")
    page.get_by_label("E-mail").fill(who[0])
    page.get_by_label("Password").fill(who[1])
    page.get_by_role("button", name="Sign in").click()
    # Production builds serve pages with a trailing slash.
    page.wait_for_url(re.compile(rf"^{re.escape(admin.url + path.rstrip('/'))}/?$"), timeout=20_000)


# ----- widget helpers (the visitor's side, in a fresh browser context) ---------------------------

AXE = ROOT / "tools" / "node_modules" / "axe-core" / "axe.min.js"
# Every violation, whatever its impact. The whole page is checked, the widget included.
_AXE_RUN = """
async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`)
"""
# Finite animations (the panel's fade-in) done, so colours are checked as a visitor sees them.
_SETTLED = """
() => Promise.all(document.getAnimations()
  .filter((a) => a.effect.getComputedTiming().iterations !== Infinity).map((a) => a.finished))
  .then(() => true)
"""
# A fresh server's first message waits for the language detector to load (about 4 s here).
FIRST_ANSWER_MS = 30_000


@contextlib.contextmanager
def visitor(browser: Browser, **options: Any) -> Iterator[Page]:
    """A new visitor (own storage) whose page must end without JavaScript errors."""
    options.setdefault("viewport", {"width": 1280, "height": 800})
    options.setdefault("locale", "en-US")
    context = browser.new_context(**options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page
    finally:
        context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def open_panel(page: Page, url: str, path: str = "/demo") -> None:
    """Load the demo page and open the chat with the launcher."""
    page.goto(f"{url}{path}")
    page.locator(".sc-launcher").click()
    expect(page.locator(".sc-panel")).to_be_visible()
    expect(page.locator(".sc-input")).to_be_focused()


def ask(page: Page, text: str) -> None:
    page.locator(".sc-input").fill(text)
    page.locator(".sc-input").press("Enter")


def axe_violations(page: Page) -> list[str]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    page.evaluate(_SETTLED)
    return list(page.evaluate(_AXE_RUN))


def press_until_focused(page: Page, target: Locator, key: str = "Tab", limit: int = 20) -> None:
    """Press `key` (Tab, Shift+Tab...) until `target` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if target.evaluate("n => n === document.activeElement"):
            return
        page.keyboard.press(key)
    expect(target).to_be_focused()


def patch_json(
    page: Page,
    pattern: str,
    change: Callable[[Any], object],
    *,
    method: str = "GET",
) -> None:
    """Answer requests matching `pattern` with the real server's JSON as `change` leaves it
    (change edits it in place, or returns a replacement); other methods pass through."""

    def handle(route: Route) -> None:
        if route.request.method != method:
            route.fallback()
            return
        response = route.fetch()
        body = response.json()
        changed = change(body)
        # The body is re-encoded: the original length and compression no longer apply.
        headers = {
            k: v
            for k, v in response.headers.items()
            if k.lower() not in ("content-length", "content-encoding")
        }
        route.fulfill(
            status=response.status,
            body=json.dumps(body if changed is None else changed),
            headers=headers | {"content-type": "application/json"},
        )

    page.route(pattern, handle)


def with_config(page: Page, **fields: object) -> None:
    """GET /api/config answers with these fields set (as a newer server would)."""
    patch_json(page, "**/api/config", lambda body: body.update(fields))


class Held:
    """Requests held back (page.route) until the test lets them go: what the page shows while it
    waits for a slow server can be checked at leisure."""

    def __init__(self, page: Page, pattern: str, method: str = "GET") -> None:
        self.routes: list[Route] = []
        self.method = method
        page.route(pattern, self._hold)

    def _hold(self, route: Route) -> None:
        if route.request.method == self.method:
            self.routes.append(route)
        else:
            route.fallback()

    def release(self) -> None:
        """Send every held request on to the server, oldest first."""
        while self.routes:
            self.routes.pop(0).fallback()
