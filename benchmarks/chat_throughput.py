"""Chat throughput over loopback: N concurrent visitors against a running chat server.

Each visitor starts a conversation, keeps the widget's event stream open and sends messages one
after another (the next as soon as the answer is back). Prints turns/s, server latency (the bot's
stored latency_ms), round-trip latency, time to the first streamed token, and the ratio of chat
turns/s to the bare encoder's batched sentences/s measured in this same run.

    python benchmarks/chat_throughput.py                 # starts its own server on a free port
    python benchmarks/chat_throughput.py --url http://127.0.0.1:8080 --visitors 1 32
    python benchmarks/chat_throughput.py --compare-int8  # float encoder, then ENCODER_INT8

A server you start yourself needs a rate limit above the load (RATE_LIMIT=1000000/minute).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CONTENT_LENGTH = re.compile(rb"(?i)content-length: (\d+)")
FIRST_TOKEN = re.compile(rb'data: \{"message_id":(\d+),"index":0,')
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def texts() -> list[str]:
    demo = ROOT / "data" / "demo"
    with open(demo / "eval_queries.csv", newline="") as fh:
        rows = [r["text"] for r in csv.DictReader(fh)]
    with open(demo / "out_of_scope.csv", newline="") as fh:
        rows += [r["text"] for r in csv.DictReader(fh)]
    return rows


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Connection:
    """One keep-alive HTTP/1.1 connection. The load generator shares the server's two cores,
    so it is kept lean: a full client library here costs as much CPU per turn as the server."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def request(
        self, method: str, path: str, body: object = None, token: str | None = None
    ) -> tuple[int, bytes]:
        payload = b"" if body is None else json.dumps(body).encode()
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(payload)}\r\n"
        )
        if body is not None:
            head += "Content-Type: application/json\r\n"
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        self.writer.write(head.encode() + b"\r\n" + payload)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        status = int(raw[9:12])
        length = int(CONTENT_LENGTH.search(raw).group(1))  # type: ignore[union-attr]
        return status, await self.reader.readexactly(length)

    def close(self) -> None:
        self.writer.close()


class Visitor:
    def __init__(self, host: str, port: int, number: int) -> None:
        self.host, self.port, self.number = host, port, number
        self.first_token: dict[int, float] = {}
        self.token_seen: dict[int, asyncio.Event] = {}
        self.http = Connection(host, port)

    async def start(self) -> None:
        await self.http.open()
        status, body = await self.http.request("POST", "/api/conversations", {})
        data = json.loads(body)
        self.cid, self.token = data["conversation_id"], data["visitor_token"]
        self.stream_task = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        reader, writer = await asyncio.open_connection(self.host, self.port)
        writer.write(
            f"GET /api/conversations/{self.cid}/events HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Authorization: Bearer {self.token}\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        tail = b""
        try:
            # Only the first token of each answer matters here: find it without parsing the rest.
            while chunk := await reader.read(65536):
                now = time.perf_counter()
                data, tail = tail + chunk, (tail + chunk)[-64:]  # a match may span two reads
                for match in FIRST_TOKEN.finditer(data):
                    mid = int(match.group(1))
                    if mid not in self.first_token:
                        self.first_token[mid] = now
                        self.token_seen.setdefault(mid, asyncio.Event()).set()
        finally:
            writer.close()

    async def turn(self, text: str) -> tuple[float, float, float | None]:
        sent = time.perf_counter()
        path = f"/api/conversations/{self.cid}/messages"
        status, body = await self.http.request("POST", path, {"text": text}, self.token)
        if status != 201:
            raise RuntimeError(f"HTTP {status}: {body[:200]!r}")
        rtt = time.perf_counter() - sent
        reply = json.loads(body)["reply"]
        event = self.token_seen.setdefault(reply["id"], asyncio.Event())
        try:
            await asyncio.wait_for(event.wait(), 5)
            ttft: float | None = self.first_token[reply["id"]] - sent
        except TimeoutError:
            ttft = None
        return rtt * 1000, reply["latency_ms"], None if ttft is None else ttft * 1000

    async def stop(self) -> None:
        self.stream_task.cancel()
        self.http.close()


async def load(base: str, visitors: int, seconds: float, pool: list[str]) -> dict[str, float]:
    host, _, port = base.split("://", 1)[1].partition(":")
    people = [Visitor(host, int(port or 80), i) for i in range(visitors)]
    await asyncio.gather(*(p.start() for p in people))
    await asyncio.sleep(0.5)
    rtts: list[float] = []
    server: list[float] = []
    ttfts: list[float] = []
    deadline = time.perf_counter() + seconds

    async def run(person: Visitor) -> int:
        done = 0
        while time.perf_counter() < deadline:
            rtt, lat, ttft = await person.turn(pool[(person.number * 7 + done) % len(pool)])
            rtts.append(rtt)
            server.append(lat)
            if ttft is not None:
                ttfts.append(ttft)
            done += 1
        return done

    cpu_before = time.process_time()
    started = time.perf_counter()
    counts = await asyncio.gather(*(run(p) for p in people))
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - cpu_before
    for p in people:
        await p.stop()
    turns = sum(counts)
    return {
        "turns": turns,
        "turns_per_s": turns / elapsed,
        "server_p50_ms": statistics.median(server),
        "server_p99_ms": pct(server, 0.99),
        "rtt_p50_ms": statistics.median(rtts),
        "rtt_p99_ms": pct(rtts, 0.99),
        "ttft_p50_ms": statistics.median(ttfts) if ttfts else float("nan"),
        "ttft_p99_ms": pct(ttfts, 0.99) if ttfts else float("nan"),
        "client_cpu_ms_per_turn": client_cpu * 1000 / turns,
    }


def encoder_rate(
    pool: list[str], batch: int, seconds: float = 4.0, threads: int = 0, quantized: bool = False
) -> float:
    """The bare encoder on these texts; threads=0 is torch's default (every core). Measure
    with threads set last: it stays set for this process."""
    from core.nlp.loading import load_encoder
    from core.settings import get_settings

    encoder = load_encoder(get_settings().encoder_path, quantized=quantized)
    if threads:
        encoder.use_threads(threads)
    encoder.encode(pool[:batch])
    done, i = 0, 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        chunk = [pool[(i + k) % len(pool)] for k in range(batch)]
        encoder.encode(chunk)
        done += batch
        i += batch
    return done / (time.perf_counter() - started)


def start_server(
    data_dir: str | None = None, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """A migrated, seeded chat server on a free port, with its database in `data_dir`."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    data_dir = data_dir or tempfile.mkdtemp(prefix="ca-bench-")
    env = {
        **os.environ,
        "DATA_DIR": data_dir,
        "RATE_LIMIT": "100000000/minute",
        **(extra_env or {}),
    }
    env.pop("DATABASE_URL", None) if "--keep-db-url" not in sys.argv else None
    py = sys.executable
    subprocess.run(
        [py, "-m", "core.manage", "migrate"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [py, "-m", "core.manage", "seed"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
    )
    proc = subprocess.Popen(
        [
            py,
            "-m",
            "uvicorn",
            "chat_server.main:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    time.sleep(0.5)
    return proc, base


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="a running chat server (default: start one)")
    parser.add_argument("--visitors", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument(
        "--keep-db-url", action="store_true", help="let the started server use DATABASE_URL"
    )
    parser.add_argument(
        "--compare-int8",
        action="store_true",
        help="run a started server with the float encoder, then with ENCODER_INT8, one run",
    )
    args = parser.parse_args()
    if args.compare_int8 and args.url:
        parser.error("--compare-int8 starts its own servers; leave out --url")
    pool = texts()
    modes = {"float": "false", "int8": "true"} if args.compare_int8 else {"": None}
    results: dict[str, dict[int, dict[str, Any]]] = {}
    for mode, int8 in modes.items():
        proc = None
        base = args.url
        if base is None:
            proc, base = start_server(extra_env={"ENCODER_INT8": int8} if int8 else None)
        try:
            results[mode] = {
                n: asyncio.run(load(base, n, args.seconds, pool)) for n in args.visitors
            }
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(10)
    # The bare encoder on the same texts, with the server stopped so both get the whole machine.
    raw1 = encoder_rate(pool, 1)
    raw32 = encoder_rate(pool, 32)
    raw32_one_thread = encoder_rate(pool, 32, threads=1)
    print(
        f"bare encoder: {raw1:.0f} sentences/s one at a time, {raw32:.0f} sentences/s in batches "
        f"of 32 ({raw32_one_thread:.0f}/s on one thread, as the server's encoder process runs)"
    )
    if args.compare_int8:
        int8_32 = encoder_rate(pool, 32, threads=1, quantized=True)
        print(
            f"bare int8 encoder: {int8_32:.0f} sentences/s in batches of 32 on one thread "
            f"({int8_32 / raw32_one_thread:.2f}x the float encoder)"
        )
    for mode, runs in results.items():
        for n, r in runs.items():
            print(
                f"{mode + ' ' if mode else ''}{n:3d} visitors: {r['turns_per_s']:.1f} turns/s ({r['turns']} turns); server latency p50 "
                f"{r['server_p50_ms']:.1f} ms p99 {r['server_p99_ms']:.1f} ms; round trip p50 {r['rtt_p50_ms']:.1f} ms "
                f"p99 {r['rtt_p99_ms']:.1f} ms; first streamed token p50 {r['ttft_p50_ms']:.1f} ms p99 {r['ttft_p99_ms']:.1f} ms; "
                f"load generator CPU {r['client_cpu_ms_per_turn']:.2f} ms/turn; "
                f"turns/s over bare batched encoder = {r['turns_per_s'] / raw32:.2f}"
            )
    if args.compare_int8:
        for n in args.visitors:
            ratio = results["int8"][n]["turns_per_s"] / results["float"][n]["turns_per_s"]
            print(f"int8 over float at {n} visitors: {ratio:.2f}x turns/s")
    print(
        json.dumps(
            {
                "encoder_batch1_per_s": raw1,
                "encoder_batch32_per_s": raw32,
                "encoder_batch32_one_thread_per_s": raw32_one_thread,
                "runs": results,
            }
        )
    )


if __name__ == "__main__":
    main()
