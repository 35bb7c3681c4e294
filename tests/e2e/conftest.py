"""Debian's Chromium driven by Playwright (no browser download: executable_path)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.engine import Engine

from app.serve import admin_command, admin_env
from tests.conftest import ROOT, free_port

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

    def __init__(self) -> None:
        self.port = free_port()
        # The build bakes this host into the websocket URL: pages are opened on it too.
        self.url = f"http://localhost:{self.port}"
        self.log = Path(tempfile.mkstemp(prefix="admin-", suffix=".log")[1])
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> AdminServer:
        env = admin_env() | {"ADMIN_PORT": str(self.port)}
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
def admin(engine: Engine) -> Iterator[AdminServer]:
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
    with AdminServer() as server:
        yield server


def sign_in(page: Page, admin: AdminServer, who: tuple[str, str], path: str = "/") -> None:
    page.goto(f"{admin.url}/login?next={path}")
    page.get_by_label("E-mail").fill(who[0])
    page.get_by_label("Password").fill(who[1])
    page.get_by_role("button", name="Sign in").click()
    # Production builds serve pages with a trailing slash.
    page.wait_for_url(re.compile(rf"^{re.escape(admin.url + path.rstrip('/'))}/?$"), timeout=20_000)
