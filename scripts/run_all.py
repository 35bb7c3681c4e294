"""Start every process of CustomerAgent (chat server, admin, jobs runner), print where to find
it, stop all on Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request

from app.serve import admin_command, admin_env
from core.settings import get_settings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def wait_until_up(url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def main() -> int:
    settings = get_settings()
    alerts = f"Slack {settings.SLACK_CHANNEL}" if settings.slack_configured else "none configured"
    base = f"http://{settings.CHAT_HOST}:{settings.CHAT_PORT}"
    chat = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "chat_server.main:app",
            "--host",
            settings.CHAT_HOST,
            "--port",
            str(settings.CHAT_PORT),
            "--no-access-log",
            "--workers",
            str(settings.WORKERS),
            # X-Forwarded-For is read by the app, from TRUSTED_PROXIES only.
            "--no-proxy-headers",
            # Requests whose headers dawdle are cut off (REQUEST_TIMEOUT_SECONDS).
            "--http",
            "chat_server.request_timeouts:TimedHttpToolsProtocol",
            # Open event streams never end by themselves; give them 2 s at shutdown.
            "--timeout-graceful-shutdown",
            "2",
        ],
        cwd=ROOT,
    )
    admin_port = int(os.environ.get("ADMIN_PORT", "3000"))
    admin_url = f"http://localhost:{admin_port}"
    # Its own process group: reflex starts bun and granian children, stopped together.
    admin = subprocess.Popen(
        admin_command(admin_port), cwd=ROOT, env=admin_env(), start_new_session=True
    )
    # Delivers the outbox (Slack alerts) and runs scheduled jobs; stops by itself on Ctrl-C.
    jobs = subprocess.Popen([sys.executable, "-m", "core.jobs"], cwd=ROOT)
    procs = [chat, admin, jobs]

    def stop() -> None:
        # Ctrl-C in a terminal reaches the chat server too: give it a moment to stop by
        # itself before asking (a second SIGINT would make uvicorn quit mid-shutdown).
        # The admin has its own process group (reflex, bun, granian): stop the whole group.
        if admin.poll() is None:
            os.killpg(admin.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(admin.pid, signal.SIGKILL)  # anything of the admin left behind

    stopping = False

    def on_signal(*_: object) -> None:
        nonlocal stopping
        stopping = True  # Ctrl-C reaches the children too; they stop by themselves

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        if not wait_until_up(f"{base}/api/health", chat):
            print("the chat server did not start; see the messages above", file=sys.stderr)
            stop()
            return 1
        # The first start compiles the admin (about 20-60 s on 2 cores).
        if not wait_until_up(f"{admin_url}/ping", admin, seconds=600):
            print("the admin app did not start; see the messages above", file=sys.stderr)
            stop()
            return 1
        print(
            "\nCustomerAgent is running:\n"
            f"  demo website with the chat widget  {base}/demo\n"
            f"  help centre (the published FAQs)   {base}/help\n"
            f"  chat API (OpenAPI document)        {base}/api/openapi.json\n"
            f"  admin (inbox, knowledge base)      {admin_url}/\n"
            f"  chat-server processes              {settings.WORKERS}\n"
            f"  jobs runner (alerts: {alerts})\n"
            "Press Ctrl-C to stop.\n",
            flush=True,
        )
        while not stopping and all(proc.poll() is None for proc in procs):
            time.sleep(0.2)
        if stopping:
            print("\nstopping…", flush=True)
            return 0
        print("a process stopped; stopping the others", file=sys.stderr)
        return 1
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
