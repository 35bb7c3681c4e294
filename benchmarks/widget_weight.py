"""The widget's weight and speed as Chromium sees them on the demo page.

Prints the bytes the chat server sends (gzip level 9 per response, as its GZipMiddleware does;
bodies under 1 KB go uncompressed) for what the host page loads before the visitor opens the panel
(loader.js and the launcher's /api/config) and for the whole widget at first open (loader + the
panel's JS, CSS and strings), against the budgets of 5 KB and 25 KB (KB = 1024 bytes); then the
time from the launcher click to an interactive panel (the message box shown, enabled and focused),
median of N runs: cold (a new visitor, empty browser cache) and warm (a reload in the same
profile: revalidated files and a restored conversation).

    .venv/bin/python benchmarks/widget_weight.py [--runs 10] [--locale fr-FR]
    .venv/bin/python benchmarks/widget_weight.py --url http://127.0.0.1:8080   # a running server

Without --url it starts its own chat server on a free port with a temporary DATA_DIR. Times
are taken on the page's own clock (a click listener and a focus listener), so Playwright's own
overhead is not in them.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FLAGS += ["--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
KB = 1024
BEFORE_OPEN_BUDGET = 5 * KB  # the same budgets as tests/widget/test_weight.py
FIRST_OPEN_BUDGET = 25 * KB
GZIP_MIN_SIZE = 1024
# On the page's clock: the launcher click, and the first moment the message box is usable.
TIMING = """() => {
  window.__sc = {};
  document.addEventListener('click', (e) => {
    if (e.target.closest && e.target.closest('.sc-launcher')) window.__sc.click ??= performance.now();
  }, true);
  document.addEventListener('focusin', (e) => {
    const box = e.target;
    if (box.matches && box.matches('.sc-input') && !box.disabled && box.offsetParent !== null) {
      window.__sc.ready ??= performance.now();
    }
  }, true);
}"""


def wire_size(body: bytes) -> int:
    if len(body) < GZIP_MIN_SIZE:
        return len(body)
    return len(gzip.compress(body, compresslevel=9, mtime=0))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {**os.environ, "DATA_DIR": str(data_dir), "DATABASE_URL": f"sqlite:///{data_dir}/w.db"}
    for step in ("migrate", "seed"):
        subprocess.run(
            [sys.executable, "-m", "core.manage", step],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "chat_server.main:app", "--port", str(port)]
    command += ["--log-level", "warning", "--no-access-log"]
    log = (data_dir / "chat.log").open("wb")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the chat server stopped:\n{(data_dir / 'chat.log').read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                return proc, base
        time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("the chat server did not start")


def open_panel(page: Any) -> float:
    """Click the launcher; milliseconds until the message box is usable."""
    page.evaluate(TIMING)
    page.locator(".sc-launcher").click()
    page.wait_for_function("() => window.__sc.ready !== undefined", timeout=30_000)
    return float(page.evaluate("window.__sc.ready - window.__sc.click"))


def measure(base: str, page_url: str, runs: int, locale: str) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    cold: list[float] = []
    warm: list[float] = []
    before: dict[str, tuple[int, int]] = {}  # path -> (server bytes, bytes Chromium received)
    first_open: dict[str, tuple[int, int]] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for run in range(runs):
            context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
            page = context.new_page()
            responses: list[Any] = []
            page.on("response", lambda r, seen=responses: seen.append(r))
            page.goto(page_url, wait_until="networkidle")
            clicked_at = len(responses)
            cold.append(open_panel(page))
            page.wait_for_timeout(300)
            if run == 0:
                for i, response in enumerate(responses):
                    if not response.url.startswith(base):
                        continue
                    path = response.url[len(base) :].split("?")[0]
                    counted = i < clicked_at and path != "/demo"
                    # Never the event stream's body: it does not end.
                    if not (counted or path.startswith("/widget/")):
                        continue
                    sizes = (
                        wire_size(response.body()),
                        response.request.sizes()["responseBodySize"],
                    )
                    if counted:
                        before[path] = sizes
                    if path.startswith("/widget/"):
                        first_open[path] = sizes
            page.reload(wait_until="networkidle")
            warm.append(open_panel(page))
            context.close()
        browser.close()
    return {"cold": cold, "warm": warm, "before": before, "first_open": first_open}


def table(title: str, files: dict[str, tuple[int, int]], budget: int) -> int:
    total = sum(server for server, _ in files.values())
    state = "ok" if total <= budget else "OVER BUDGET"
    print(f"{title}: {total} bytes gzipped (budget {budget}, {state})")
    for path, (server, received) in files.items():
        print(f"  {path:34} {server:6d} B   (Chromium received {received} B)")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="a running chat server (default: start one)")
    parser.add_argument("--page", help="the host page (default: <url>/demo)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--locale", default="en-US", help="the browser's language")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="ca-widget-bench-"))
    proc = None
    base = args.url.rstrip("/") if args.url else None
    if base is None:
        proc, base = start_server(data_dir)
    try:
        result = measure(base, args.page or f"{base}/demo", args.runs, args.locale)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(20)
    before = table("before the panel opens", result["before"], BEFORE_OPEN_BUDGET)
    first = table("whole widget at first open", result["first_open"], FIRST_OPEN_BUDGET)
    figures = {}
    for name in ("cold", "warm"):
        values = sorted(result[name])
        figures[name] = {
            "median_ms": round(statistics.median(values), 1),
            "min_ms": round(values[0], 1),
            "max_ms": round(values[-1], 1),
        }
        print(
            f"click -> interactive panel, {name}: median {figures[name]['median_ms']} ms "
            f"(min {figures[name]['min_ms']}, max {figures[name]['max_ms']}, {args.runs} runs)"
        )
    print(
        json.dumps(
            {
                "locale": args.locale,
                "before_open_gzip_bytes": before,
                "first_open_gzip_bytes": first,
                "click_to_interactive": figures,
            }
        )
    )
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
