"""How soon an owner's edit to the knowledge base reaches the bot, without a restart.

Starts a chat server on a fresh seeded database, then for each round edits an FAQ's answer (as
the admin does, through core.crud in another process) and asks the bot until the answer carries
the edit. Prints the median and the slowest round; the target is 5 s with the default
FAQ_REFRESH_SECONDS (2).

    python benchmarks/faq_refresh.py --rounds 8
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from chat_throughput import start_server  # noqa: E402

QUESTION = "when do you close on saturday?"
TARGET_SECONDS = 5.0


def ask(base: str, text: str) -> dict[str, object]:
    started = httpx.post(f"{base}/api/conversations", json={}).json()
    headers = {"Authorization": f"Bearer {started['visitor_token']}"}
    url = f"{base}/api/conversations/{started['conversation_id']}/messages"
    return httpx.post(url, json={"text": text}, headers=headers).json()["reply"]  # type: ignore[no-any-return]


def one_round(base: str, faq_id: int, answer: str, mark: str) -> float:
    from core.crud import faqs as faq_crud
    from core.db import get_engine, session_scope
    from core.models import FaqEntry, FaqEntryUpdate

    with session_scope(get_engine()) as session:
        row = session.get(FaqEntry, faq_id)
        assert row is not None
        update = FaqEntryUpdate(answer=f"{answer} ({mark})")
        faq_crud.update_faq(session=session, faq=row, faq_in=update)
    edited = time.monotonic()
    while mark not in str(ask(base, QUESTION)["text"]):
        if time.monotonic() - edited > 120:
            raise SystemExit("the bot did not use the edit within 120 s")
        time.sleep(0.05)
    return time.monotonic() - edited


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="ca-bench-refresh-")
    os.environ["DATA_DIR"] = data_dir  # this process edits the server's database
    os.environ.pop("DATABASE_URL", None)
    proc, base = start_server(data_dir)
    try:
        first = ask(base, QUESTION)
        faq_id = first["faq_id"]
        assert isinstance(faq_id, int), first
        answer = str(first["text"])
        seconds = [one_round(base, faq_id, answer, f"edit {n}") for n in range(args.rounds)]
    finally:
        proc.terminate()
        proc.wait(10)
    median = statistics.median(seconds)
    print(
        f"FAQ edit to the bot's answer over {args.rounds} rounds: median {median:.2f} s, "
        f"slowest {max(seconds):.2f} s (target {TARGET_SECONDS:.0f} s; "
        f"median/target {median / TARGET_SECONDS:.2f})"
    )
    print(json.dumps({"median_s": median, "max_s": max(seconds), "rounds": seconds}))


if __name__ == "__main__":
    main()
