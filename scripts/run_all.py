"""Start every process of CustomerAgent, print where to find it, stop all on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

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
            # Open event streams never end by themselves; give them 2 s at shutdown.
            "--timeout-graceful-shutdown",
            "2",
        ],
        cwd=ROOT,
    )
    procs = [chat]

    def stop() -> None:
        # Ctrl-C in a terminal reaches the children too: give them a moment to stop by
        # themselves before asking (a second SIGINT would make uvicorn quit mid-shutdown).
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
        print(
            "\nCustomerAgent is running:\n"
            f"  demo website with the chat widget  {base}/demo\n"
            f"  chat API (OpenAPI document)        {base}/api/openapi.json\n"
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
