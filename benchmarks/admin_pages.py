"""How long each admin page takes to show its data: from the start of the navigation (a full
page load, as when following a link from elsewhere or pressing reload) until the page's data is
in the DOM, in Chromium against a fresh admin on loopback. Prints the median per page.

    .venv/bin/python benchmarks/admin_pages.py [--loads 7] [--url http://localhost:3000]

Starts its own admin on a free port with a temporary DATA_DIR (SQLite), seeded with the demo
business, a few conversations and a contact request; or measures a running admin given --url
(sign-in from --email/--password, and the data must already be there).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.admin_latency import (  # noqa: E402  (after the path is set)
    CHROMIUM,
    FLAGS,
    OWNER,
    free_port,
    prepare,
    start,
    stop,
    wait_up,
)

# What shows that each page has its data (not the spinner or an empty list).
PAGES = {
    "/": "[data-metric='today-0']",
    "/inbox": "[data-conversation]",
    "/contacts": "[data-contact]",
    "/knowledge": "[data-faq]",
    "/settings": "#settings-name[value]:not([value=''])",
    "/users": f"text={OWNER[0]}",
    "/flows": ".js-plotly-plot",
    "/funnels": ".js-plotly-plot",
    "/heatmap": "[data-metric]",
    "/quality": ".js-plotly-plot",
    "/roi": "[data-figure]",
}


def add_conversations() -> None:
    from core.crud import contacts, handover
    from core.crud import conversations as conv_crud
    from core.crud import messages as msg_crud
    from core.db import session_scope
    from core.models import ContactRequestCreate, MessageCreate

    with session_scope() as session:
        for i in range(5):
            visitor = conv_crud.create_visitor(session=session, language="en")
            conversation = conv_crud.create_conversation(
                session=session, visitor=visitor, language="en"
            )
            msg_crud.create_message(
                session=session,
                conversation=conversation,
                message_in=MessageCreate(role="visitor", text=f"question {i}"),
            )
            handover.take_over(session=session, public_id=conversation.public_id, agent_name="B")
            contacts.create_contact_request(
                session=session,
                contact_in=ContactRequestCreate(
                    name=f"Visitor {i}", email=f"v{i}@example.com", message="please call"
                ),
                conversation_id=conversation.id,
            )


def measure(url: str, who: tuple[str, str], loads: int, paths: list[str]) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {path: [] for path in paths}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS.split())
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{url}/login?next=/")
        page.get_by_label("E-mail").fill(who[0])
        page.get_by_label("Password").fill(who[1])
        page.get_by_role("button", name="Sign in").click()
        page.locator(PAGES["/"]).wait_for(timeout=60_000)
        for path in paths:  # the first load of each page, printed apart: imports, caches
            started = time.perf_counter()
            page.goto(f"{url}{path}", wait_until="commit")
            page.locator(PAGES[path]).first.wait_for(timeout=60_000)
            print(f"  first load {path:12} {(time.perf_counter() - started) * 1000:7.1f} ms")
        for _ in range(loads):
            for path in paths:
                ready = PAGES[path]
                started = time.perf_counter()
                page.goto(f"{url}{path}", wait_until="commit")
                page.locator(ready).first.wait_for(timeout=60_000)
                times[path].append((time.perf_counter() - started) * 1000)
        browser.close()
    return {path: round(statistics.median(values), 1) for path, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loads", type=int, default=7)
    parser.add_argument("--url", help="a running admin (default: start one)")
    parser.add_argument("--email", default=OWNER[0])
    parser.add_argument("--password", default=OWNER[1])
    parser.add_argument("--pages", nargs="+", choices=list(PAGES), default=list(PAGES))
    args = parser.parse_args()
    if args.url:
        medians = measure(args.url.rstrip("/"), (args.email, args.password), args.loads, args.pages)
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="ca-admin-pages-"))
        env = {
            "DATA_DIR": str(data_dir),
            "DATABASE_URL": f"sqlite:///{data_dir}/bench.db",
            "LOGIN_RATE_LIMIT": "1000/minute",
        }
        prepare(env)
        add_conversations()
        from app.serve import admin_command, admin_env

        port = free_port()
        log = data_dir / "admin.log"
        admin = start(admin_command(port), admin_env() | {"ADMIN_PORT": str(port)}, log)
        try:
            wait_up(f"http://localhost:{port}/ping", admin, log, 600)  # builds the pages
            medians = measure(f"http://localhost:{port}", OWNER, args.loads, args.pages)
        finally:
            stop(admin)
        shutil.rmtree(data_dir)  # kept, with the admin's log, when something failed
    print(f"admin pages, navigation start to data shown, median of {args.loads} loads")
    for path, value in medians.items():
        print(f"  {path:12} {value:7.1f} ms")
    print(json.dumps({"loads": args.loads, "median_ms": medians}))


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    main()
