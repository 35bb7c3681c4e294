"""Two chat-server processes behind the shipped nginx configuration; the one holding a visitor's
stream and message is killed with SIGKILL while the message is in its hands. The widget goes on
with the other process: the message is stored once and answered, nothing before it is lost."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.models import Conversation, Message, Role
from tests.conftest import ROOT, free_port
from tests.deploy.test_nginx import NGINX, _config
from tests.e2e.conftest import ask, open_panel, visitor

pytestmark = pytest.mark.e2e

FIRST = "til what time are you open on saturday"
SECOND = "how long will my bike be in the shop"


@dataclass
class Deployment:
    url: str  # nginx
    first: subprocess.Popen[bytes]  # where nginx sends everything while it lives
    first_port: int
    second: subprocess.Popen[bytes]  # nginx's backup


def _chat_server(port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}  # the test database and DATA_DIR (shared keys)
    env.pop("REDIS_URL", None)
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "chat_server.main:app", "--port", str(port)]
            + ["--no-access-log", "--no-proxy-headers", "--log-level", "warning"]
            + ["--http", "chat_server.request_timeouts:TimedHttpToolsProtocol"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 180
    while True:
        assert proc.poll() is None, log.read_text()[-3000:]
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return
        assert time.monotonic() < deadline, f"{url} did not start"
        time.sleep(0.2)


@pytest.fixture
def deployment(tmp_path: Path, engine: Engine) -> Iterator[Deployment]:
    ports = [free_port(), free_port()]
    procs = [_chat_server(port, tmp_path / f"chat-{port}.log") for port in ports]
    nginx: subprocess.Popen[bytes] | None = None
    try:
        for port, proc in zip(ports, procs, strict=True):
            _wait_ready(f"http://127.0.0.1:{port}", proc, tmp_path / f"chat-{port}.log")
        listen = free_port()
        conf = _config(tmp_path, listen, ports[0])
        # The second process as a backup: the test then knows which one holds the message.
        # Host with its port: the page's script tag names the address the browser used (on
        # 443 in production, $host has no port to lose).
        text = (
            conf.read_text()
            .replace(
                f"server 127.0.0.1:{ports[0]};",
                f"server 127.0.0.1:{ports[0]};\n    server 127.0.0.1:{ports[1]} backup;",
            )
            .replace("proxy_set_header Host $host;", "proxy_set_header Host $http_host;")
        )
        conf.write_text(text)
        nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"])
        url = f"http://127.0.0.1:{listen}"
        _wait_ready(url, procs[0], tmp_path / "error.log")
        yield Deployment(url, procs[0], ports[0], procs[1])
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def _holds_a_request(port: int) -> bool:
    """Whether a connection to this port has bytes waiting that its process has not read."""
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state, queues = line.split()[1], line.split()[3], line.split()[4]
        established, unread = state == "01", int(queues.split(":")[1], 16)
        if established and int(local.split(":")[1], 16) == port and unread > 0:
            return True
    return False


def test_a_server_killed_mid_answer_the_widget_goes_on_with_the_other(
    browser: Browser, deployment: Deployment, engine: Engine
) -> None:
    with visitor(browser) as page:
        open_panel(page, deployment.url)
        ask(page, FIRST)
        answers = page.locator(".sc-msg[data-role=bot][data-id] .sc-msg-text")
        expect(answers.last).to_contain_text("Saturdays we're open", timeout=60_000)

        # Freeze the process, let the message reach it, then kill it with the message unread.
        os.kill(deployment.first.pid, signal.SIGSTOP)
        ask(page, SECOND)
        deadline = time.monotonic() + 60
        while not _holds_a_request(deployment.first_port):
            assert time.monotonic() < deadline, "the message never reached the first process"
            time.sleep(0.05)
        os.killpg(deployment.first.pid, signal.SIGKILL)
        deployment.first.wait(timeout=30)

        # The stream reconnects to the other process and the widget sends the message again.
        expect(answers.last).to_contain_text("Tune-ups are ready within 2", timeout=60_000)
        expect(page.locator(".sc-msg.sc-failed")).to_have_count(0)  # no "Not sent" left
        visitors = page.locator(".sc-msg[data-role=visitor][data-id] .sc-msg-text")
        expect(visitors).to_have_text([FIRST, SECOND])

        page.reload()
        page.locator(".sc-launcher").click()
        texts = page.locator(".sc-msg[data-id] .sc-msg-text")
        expect(texts).to_have_count(4, timeout=30_000)
        expect(visitors).to_have_text([FIRST, SECOND])
        cid = page.evaluate("JSON.parse(localStorage.getItem('sc-conversation')).conversation_id")

    with Session(engine) as session:
        conversation = session.exec(select(Conversation).where(Conversation.public_id == cid)).one()
        stored = session.exec(
            select(Message).where(
                Message.conversation_id == conversation.id, Message.role == Role.VISITOR
            )
        ).all()
    assert len(stored) == 2  # the resent message was stored once
