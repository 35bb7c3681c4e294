"""Real-time latency of the admin, against its targets: new conversations and messages appear in
the open inbox within 2 s without a reload; an agent's reply reaches the widget's stream in 2 s.

1. visitor -> inbox: a signed-in Chromium has /inbox open; per round a visitor starts a
   conversation, then sends a message, over HTTP. Measured from the return of each POST until
   the row `[data-conversation=<id>]`, then the bot's answer in its preview, is in the DOM.
2. agent -> widget: a visitor's event stream is open and taken over; per round an agent reply
   is committed from this process (as the admin's would be), measured until its frame arrives.

    .venv/bin/python benchmarks/admin_latency.py [--rounds 20] [--database-url postgresql://...]

Starts its own chat server and admin on free ports with a temporary DATA_DIR (and SQLite file).
A --database-url must name an empty database: the inbox cannot decrypt rows written with
another DATA_DIR's key (unless ENCRYPTION_KEYS holds it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OWNER = ("bench-owner@example.com", "bench owner password 1")
CHROMIUM = "/usr/bin/chromium"
FLAGS = "--no-sandbox --disable-gpu --disable-background-networking --disable-component-update"
FLAGS += " --disable-sync --no-first-run"
TARGET_MS = 2000.0
LABELS = [
    "visitor -> inbox, new conversation row",
    "visitor -> inbox, bot answer in the row",
    "agent -> widget, reply on the stream",
]
QUESTIONS = ["how much is a basic tune-up?", "what are your opening hours?", "where are you?"]
# Notes when each row first appears and every change of its text, on the page's own clock: the
# observer runs right after React commits, so polling from Python adds nothing to the figures.
OBSERVE = """() => {
  window.__rows = {};
  const scan = () => {
    const now = performance.now();
    for (const row of document.querySelectorAll('[data-conversation]')) {
      const log = (window.__rows[row.dataset.conversation] ??= []);
      if (!log.length || log[log.length - 1][1] !== row.textContent) log.push([now, row.textContent]);
    }
  };
  new MutationObserver(scan).observe(document.body,
    {childList: true, subtree: true, characterData: true, attributes: true});
  scan();
}"""
SEEN = """([id, needle]) => {
  const hit = (window.__rows[id] || []).find(([, text]) => text.includes(needle));
  return hit ? hit[0] : null;
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]  # nearest rank
    median, top = statistics.median(ordered), ordered[-1]
    return {"median_ms": round(median, 1), "p90_ms": round(p90, 1), "max_ms": round(top, 1)}


def prepare(env: dict[str, str]) -> None:
    """Migrate, seed and add the owner in this process, which later commits the agent replies."""
    os.environ.update(env)  # before core reads its settings
    from core.crud import users
    from core.db import session_scope
    from core.manage import migrate
    from core.models import UserRole
    from core.seed import seed_demo
    from core.settings import get_settings

    migrate()
    with session_scope() as session:
        seed_demo(session=session, demo_dir=get_settings().DEMO_DIR)
        if users.get_user_by_email(session=session, email=OWNER[0]) is None:
            users.create_user(
                session=session,
                email=OWNER[0],
                name="Bench",
                password=OWNER[1],
                role=UserRole.OWNER,
            )


def wait_up(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} stopped:\n{log.read_text()[-4000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up:\n{log.read_text()[-4000:]}")


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        # Own process group: reflex starts bun and granian children, stopped together.
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )


def stop(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def visitor_to_inbox(admin_url: str, base: str, rounds: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    started: list[float] = []  # new conversation rows
    answered: list[float] = []  # the bot's answer in the row
    with sync_playwright() as playwright, httpx.Client(base_url=base, timeout=30) as api:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS.split())
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{admin_url}/login?next=/inbox")
        page.get_by_label("E-mail").fill(OWNER[0])
        page.get_by_label("Password").fill(OWNER[1])
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Inbox").wait_for(timeout=30_000)
        page.evaluate(OBSERVE)
        # One clock: page time = Python time + offset, taken from the fastest of a few calls.
        samples = []
        for _ in range(10):
            before = time.perf_counter() * 1000
            now, after = page.evaluate("performance.now()"), time.perf_counter() * 1000
            samples.append((after - before, now - (before + after) / 2))
        offset = min(samples)[1]

        def appeared(cid: str, needle: str, returned: float) -> float:
            page.wait_for_function(SEEN, arg=[cid, needle], timeout=30_000)
            # Shown before the POST returned (a tick between commit and response) counts as 0.
            return max(0.0, page.evaluate(SEEN, [cid, needle]) - (returned * 1000 + offset))

        for i in range(rounds):
            # A random pause spreads the POSTs over the inbox's 1 s tick instead of one phase.
            time.sleep(random.uniform(0, 1))
            made = api.post("/api/conversations", json={})
            returned = time.perf_counter()
            made.raise_for_status()
            cid, token = made.json()["conversation_id"], made.json()["visitor_token"]
            started.append(appeared(cid, "", returned))
            time.sleep(random.uniform(0, 1))
            sent = api.post(
                f"/api/conversations/{cid}/messages",
                json={"text": QUESTIONS[i % len(QUESTIONS)]},
                headers={"Authorization": f"Bearer {token}"},
            )
            returned = time.perf_counter()
            sent.raise_for_status()
            # The row's preview is its newest message: the bot's answer once both are stored.
            reply = " ".join(sent.json()["reply"]["text"].split())[:40]
            answered.append(appeared(cid, f"Bot: {reply}", returned))
        browser.close()
    return started, answered


class Stream:
    """A visitor's event stream read in a thread; notes when each message's frame arrives."""

    def __init__(self, base: str, cid: str, token: str) -> None:
        self.arrived: dict[int, float] = {}
        self.changed = threading.Condition()
        self.opened = threading.Event()
        self.client = httpx.Client(timeout=httpx.Timeout(10, read=None))
        url, auth = f"{base}/api/conversations/{cid}/events", f"Bearer {token}"
        threading.Thread(target=self._read, args=(url, auth), daemon=True).start()
        if not self.opened.wait(10):
            raise RuntimeError("the event stream did not open")

    def _read(self, url: str, auth: str) -> None:
        headers = {"Authorization": auth, "Accept": "text/event-stream"}
        with (
            contextlib.suppress(httpx.HTTPError),  # closed at the end of the run
            self.client.stream("GET", url, headers=headers) as response,
        ):
            for line in response.iter_lines():
                now = time.perf_counter()
                if line.startswith("retry:"):  # sent once the server has subscribed
                    self.opened.set()
                elif line.startswith("data: ") and '"role"' in line:  # whole messages
                    with self.changed:
                        self.arrived[json.loads(line[6:])["id"]] = now
                        self.changed.notify_all()

    def wait(self, message_id: int, timeout: float = 30) -> float:
        with self.changed:
            if not self.changed.wait_for(lambda: message_id in self.arrived, timeout):
                raise TimeoutError(f"message {message_id} never reached the stream")
            return self.arrived[message_id]


def agent_to_widget(base: str, rounds: int, poll_seconds: float) -> list[float]:
    from core.crud import handover
    from core.db import session_scope

    made = httpx.post(f"{base}/api/conversations", json={}, timeout=30).json()
    cid = made["conversation_id"]
    stream = Stream(base, cid, made["visitor_token"])
    with session_scope() as session:
        notice = handover.take_over(session=session, public_id=cid, agent_name="Bench")
    assert notice is not None
    stream.wait(notice.id)  # the stream's cursor is past the notice before the first round
    delays = []
    for i in range(rounds):
        time.sleep(random.uniform(0, poll_seconds))  # any phase of the server's polling
        # A session of its own per reply, committed as the admin's event handler does.
        with session_scope() as session:
            reply = handover.agent_reply(
                session=session, public_id=cid, agent_name="Bench", text=f"Reply {i} from Sam"
            )
        committed = time.perf_counter()
        delays.append((stream.wait(reply.id) - committed) * 1000)
    stream.client.close()
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database-url", help="default: a SQLite file in a temporary DATA_DIR")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="ca-admin-bench-"))
    env = {
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": args.database_url or f"sqlite:///{data_dir}/bench.db",
        "RATE_LIMIT": "100000/minute",
        "READ_RATE_LIMIT": "100000/minute",
        "LOGIN_RATE_LIMIT": "1000/minute",
    }
    prepare(env)
    from app.serve import admin_command, admin_env
    from core.settings import get_settings

    chat_port, admin_port = free_port(), free_port()
    base, admin_url = f"http://127.0.0.1:{chat_port}", f"http://localhost:{admin_port}"
    chat_cmd = [sys.executable, "-m", "uvicorn", "chat_server.main:app", "--port", str(chat_port)]
    chat_cmd += ["--log-level", "warning", "--no-access-log", "--timeout-graceful-shutdown", "2"]
    chat = start(chat_cmd, dict(os.environ), data_dir / "chat.log")
    admin_log = data_dir / "admin.log"
    admin = start(
        admin_command(admin_port), admin_env() | {"ADMIN_PORT": str(admin_port)}, admin_log
    )
    try:
        wait_up(f"{base}/api/health", chat, data_dir / "chat.log", 120)
        wait_up(f"{admin_url}/ping", admin, admin_log, 600)  # builds the pages
        started, answered = visitor_to_inbox(admin_url, base, args.rounds)
        replies = agent_to_widget(base, args.rounds, get_settings().STREAM_POLL_SECONDS)
    finally:
        stop(admin)
        stop(chat)
    results = {
        "inbox_new_conversation": summary(started),
        "inbox_new_message": summary(answered),
        "widget_agent_reply": summary(replies),
    }
    db = "postgresql" if "postgres" in env["DATABASE_URL"] else "sqlite"
    print(f"admin real-time latency on {db}, {args.rounds} rounds, target {TARGET_MS:.0f} ms")
    for r, label in zip(results.values(), LABELS, strict=True):
        figures = ", ".join(f"{k[:-3]} {v:6.1f} ms" for k, v in r.items())
        print(f"{label:39}: {figures} ({'ok' if r['max_ms'] <= TARGET_MS else 'OVER TARGET'})")
    print(json.dumps({"database": db, "rounds": args.rounds, "target_ms": TARGET_MS, **results}))
    shutil.rmtree(data_dir)  # kept, with the servers' logs, when something failed


if __name__ == "__main__":
    main()
