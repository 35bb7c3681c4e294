"""Autocomplete latency: GET /api/suggestions as the widget calls it while a visitor types.

Starts its own chat server (demo business) on a free port, then asks for every prefix of the
demo's reworded questions (what typing produces, after the widget's 2-character minimum), one
request at a time over one keep-alive connection, and prints p50/p95/p99 of the round trip and
of the server's own handling (the Server-Timing-free way: round trip minus an empty /api/health
round trip's median is printed too).

    python benchmarks/suggest_latency.py [--rounds 2]

Target (issue 5): p95 under 30 ms on this machine.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote_plus, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.chat_throughput import pct, start_server  # noqa: E402


def prefixes() -> list[str]:
    with open(ROOT / "data" / "demo" / "eval_queries.csv", newline="") as fh:
        texts = [row["text"] for row in csv.DictReader(fh)]
    return [text[:n] for text in texts for n in range(2, len(text) + 1)]


ANSWERED: list[int] = []  # how many suggestions each timed request got


def timed(conn: http.client.HTTPConnection, path: str) -> float:
    start = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
    if path.startswith("/api/suggestions"):
        ANSWERED.append(len(json.loads(body)["suggestions"]))
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    proc, base = start_server()
    try:
        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
        queries = prefixes()
        for text in queries[:50]:  # warm-up
            timed(conn, f"/api/suggestions?q={quote_plus(text)}")
        health = [timed(conn, "/api/health") for _ in range(200)]
        times = [
            timed(conn, f"/api/suggestions?q={quote_plus(text)}")
            for _ in range(args.rounds)
            for text in queries
        ]
        conn.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    floor = statistics.median(health)
    with_some = sum(1 for n in ANSWERED if n)
    print(
        f"{len(times)} suggestion requests ({len(queries)} prefixes x {args.rounds}); "
        f"{with_some / len(ANSWERED):.0%} got at least one suggestion"
    )
    print(
        f"round trip: p50 {pct(times, 0.5):.2f} ms, p95 {pct(times, 0.95):.2f} ms, "
        f"p99 {pct(times, 0.99):.2f} ms, max {max(times):.2f} ms"
    )
    print(f"empty /api/health round trip median {floor:.2f} ms")
    print(
        json.dumps(
            {
                "p50_ms": round(pct(times, 0.5), 2),
                "p95_ms": round(pct(times, 0.95), 2),
                "p99_ms": round(pct(times, 0.99), 2),
                "health_median_ms": round(floor, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
