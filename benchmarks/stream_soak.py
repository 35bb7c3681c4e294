"""Many open event streams against several chat-server processes, with messages flowing.

Starts `--processes` chat servers (uvicorn, one encoder each) on one database and Redis, opens
`--streams` conversations and one event stream each, every stream on another process than the
one its visitor writes to (so every message crosses processes), then for `--seconds`:

- visitors send messages (the bot answers on the process they wrote to);
- an agent, from this process as the admin would, takes one conversation in ten over and
  replies there;

then stays idle for a while. Prints, as one JSON object on the last line: errors (streams cut or
refused, failed requests), lost (messages stored but never received on their stream),
duplicated (received twice), the servers' memory (RSS) at the start and end of the flow and
after the idle spell, and their CPU while idle (share of one core, all processes together).

    python benchmarks/stream_soak.py                       # 1,000 streams, 5 minutes, PG+Redis
    python benchmarks/stream_soak.py --streams 100 --seconds 30
    python benchmarks/stream_soak.py --database-url sqlite:////tmp/soak.db --redis-url ""

The database must be one it may wipe: PostgreSQL databases whose name contains "soak" are
dropped and recreated; a SQLite file is deleted first.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_URL = "postgresql://postgres@127.0.0.1:5432/stream_soak"
REDIS_URL = "redis://127.0.0.1:6379/0"
QUESTIONS = (
    "what are your opening hours?",
    "how much is a tune-up",
    "do you rent bikes for the weekend",
    "how long does a repair take",
    "where are you located",
)
TAKEN_OVER_SHARE = 10  # one conversation in ten is taken over by an agent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fresh_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    import psycopg

    base, _, name = url.rpartition("/")
    if "soak" not in name:
        raise SystemExit(f"refusing to wipe database {name!r}: its name must contain 'soak'")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(env: dict[str, str]) -> None:
    """Migrate and seed in this process, which later writes the agent's replies."""
    os.environ.update(env)  # before core reads its settings
    from core.db import session_scope
    from core.manage import migrate
    from core.seed import seed_demo
    from core.settings import get_settings

    migrate()
    with session_scope() as session:
        seed_demo(session=session, demo_dir=get_settings().DEMO_DIR)


def start_servers(
    count: int, env: dict[str, str], logs: Path
) -> list[tuple[subprocess.Popen[bytes], int]]:
    servers = []
    for n in range(count):
        port = free_port()
        with (logs / f"chat-{n}.log").open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "chat_server.main:app", "--port", str(port)]
                + ["--log-level", "warning", "--no-access-log"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=out,
                start_new_session=True,
            )
        servers.append((proc, port))
    for n, (proc, port) in enumerate(servers):
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise RuntimeError((logs / f"chat-{n}.log").read_text()[-4000:])
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"chat server {n} did not start")
            time.sleep(0.2)
    return servers


def stop_servers(servers: list[tuple[subprocess.Popen[bytes], int]]) -> None:
    for proc, _ in servers:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    for proc, _ in servers:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)


def _tree(pid: int) -> list[int]:
    """The process and its children (the encoder runs in a child)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in (p for root in pids for p in _tree(root)):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in (p for root in pids for p in _tree(root)):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return round(total / 1024, 1)


async def request(port: int, method: str, path: str, body: object = None, token: str = "") -> dict:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        data = b"" if body is None else json.dumps(body).encode()
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
        writer.write(head.encode() + data)
        raw = await reader.read()
    finally:
        writer.close()
    status = int(raw.split(b" ", 2)[1])
    if status >= 300:
        raise RuntimeError(f"{method} {path}: {status} {raw[-300:]!r}")
    payload = raw.split(b"\r\n\r\n", 1)[1]
    return json.loads(payload) if payload.strip() else {}


class Stream:
    """One open event stream, recording the ids of the whole messages it receives."""

    def __init__(self, port: int, cid: str, token: str) -> None:
        self.port, self.cid, self.token = port, cid, token
        self.received: Counter[int] = Counter()
        self.error: str | None = None
        self.task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port, limit=2**20)
            writer.write(
                f"GET /api/conversations/{self.cid}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {self.token}\r\nAccept: text/event-stream\r\n\r\n".encode()
            )
            status = (await reader.readline()).split(b" ", 2)
            if len(status) < 2 or status[1] != b"200":
                self.error = f"stream refused: {status!r}"
                return
            event = b""
            while line := await reader.readline():
                if line.startswith(b"event: "):
                    event = line[7:].strip()
                elif line.startswith(b"id: ") and event == b"message":
                    self.received[int(line[4:].strip())] += 1
            self.error = "stream ended by the server"
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001  (every failure is counted and shown)
            self.error = f"{type(error).__name__}: {error}"


def agent_reply(cid: str, first: bool) -> None:
    from core.crud import handover
    from core.db import session_scope

    with session_scope() as session:
        if first:
            handover.take_over(session=session, public_id=cid, agent_name="Soak")
        handover.agent_reply(session=session, public_id=cid, agent_name="Soak", text="On it.")


def stored_ids(cids: list[str]) -> dict[str, list[int]]:
    from sqlmodel import Session, col, select

    from core.db import get_engine
    from core.models import Conversation, Message

    with Session(get_engine()) as session:
        rows = session.exec(
            select(Conversation.public_id, Message.id)  # type: ignore[call-overload]
            .join(Message, col(Message.conversation_id) == col(Conversation.id))
            .where(col(Conversation.public_id).in_(cids))
        ).all()
    found: dict[str, list[int]] = {cid: [] for cid in cids}
    for cid, mid in rows:
        found[cid].append(int(mid))
    return found


async def soak(ports: list[int], pids: list[int], streams: int, seconds: float) -> dict:
    count = len(ports)
    visitors = []
    for n in range(streams):
        started = await request(ports[n % count], "POST", "/api/conversations", {})
        visitors.append((n % count, started["conversation_id"], started["visitor_token"]))
    # Each stream on the next process: what its visitor's process stores crosses over.
    opened = [Stream(ports[(home + 1) % count], cid, token) for home, cid, token in visitors]
    for stream in opened:
        stream.task = asyncio.create_task(stream.run())
    await asyncio.sleep(min(10.0, 1 + streams / 200))

    rng = random.Random(7)
    taken = {cid for n, (_, cid, _) in enumerate(visitors) if n % TAKEN_OVER_SHARE == 0}
    joined: set[str] = set()
    sent = failed = 0
    memory_start = rss_mb(pids)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        home, cid, token = visitors[rng.randrange(streams)]
        try:
            if cid in taken and rng.random() < 0.5:
                await asyncio.to_thread(agent_reply, cid, cid not in joined)
                joined.add(cid)
            else:
                path = f"/api/conversations/{cid}/messages"
                await request(ports[home], "POST", path, {"text": rng.choice(QUESTIONS)}, token)
            sent += 1
        except Exception as error:  # noqa: BLE001
            failed += 1
            print(f"request failed: {error}", file=sys.stderr)
        await asyncio.sleep(0.05)
    memory_end = rss_mb(pids)

    # Idle: streams open, nothing sent; then everything stored must have arrived.
    idle = min(60.0, max(10.0, seconds / 5))
    before = cpu_seconds(pids)
    await asyncio.sleep(idle)
    idle_cpu = (cpu_seconds(pids) - before) / idle
    memory_idle = rss_mb(pids)
    stored = await asyncio.to_thread(stored_ids, [cid for _, cid, _ in visitors])
    lost = duplicated = 0
    for stream in opened:
        ids = stored[stream.cid]
        lost += sum(1 for mid in ids if stream.received[mid] == 0)
        duplicated += sum(1 for mid in ids if stream.received[mid] > 1)
    errors = [s.error for s in opened if s.error]
    for stream in opened:
        assert stream.task is not None
        stream.task.cancel()
    await asyncio.gather(*(s.task for s in opened if s.task), return_exceptions=True)
    return {
        "processes": count,
        "streams": streams,
        "seconds": seconds,
        "sent": sent,
        "messages_stored": sum(len(ids) for ids in stored.values()),
        "errors": len(errors) + failed,
        "first_errors": errors[:3],
        "lost": lost,
        "duplicated": duplicated,
        "rss_mb_start": memory_start,
        "rss_mb_end": memory_end,
        "rss_mb_idle": memory_idle,
        "idle_seconds": idle,
        "idle_cpu_share_of_a_core": round(idle_cpu, 4),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--database-url", default=PG_URL)
    parser.add_argument("--redis-url", default=REDIS_URL, help='"" for none')
    args = parser.parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="ca-soak-"))
    fresh_database(args.database_url)
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": args.database_url,
        # Every simulated visitor comes from 127.0.0.1: lift the per-address limits.
        "RATE_LIMIT": "100000000/minute",
        "READ_RATE_LIMIT": "100000000/minute",
        "MAX_STREAMS_PER_IP": "1000000",
        "HF_HUB_OFFLINE": "1",
    }
    env.pop("REDIS_URL", None)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    prepare(env)
    servers = start_servers(args.processes, env, data_dir)
    try:
        pids = [proc.pid for proc, _ in servers]
        found = asyncio.run(soak([port for _, port in servers], pids, args.streams, args.seconds))
    finally:
        stop_servers(servers)
        shutil.rmtree(data_dir, ignore_errors=True)
    print(json.dumps(found))
    return found


if __name__ == "__main__":
    main()
