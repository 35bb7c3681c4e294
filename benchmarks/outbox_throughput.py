"""Outbox delivery: deliveries per second with 1 and 4 runners, and the delay from event to
delivery, against a local receiver that speaks Slack's Web API (slack-sdk's real client).

1. Backlog: --entries alerts are written, then N runner processes (each `delivery.drain` in a
   loop, as the jobs runner does) deliver them; prints deliveries/s and checks each was
   delivered exactly once.
2. Steady flow: alerts are written at --rate a second for --seconds while one runner polls every
   OUTBOX_POLL_SECONDS (the jobs runner's setting, 2 s by default); prints the delay from the
   write to the delivery (p50, p99), which the poll interval dominates.

    .venv/bin/python benchmarks/outbox_throughput.py [--database-url postgresql://.../outbox_bench]

The database is dropped and made again (its name must contain "bench"); a temporary SQLite file
without --database-url.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def fresh_database(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    import psycopg

    base, _, name = url.rpartition("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to wipe database {name!r}: its name must contain 'bench'")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _settings(slack_url: str) -> object:
    from core.settings import get_settings
    from tests.fake_slack import CHANNEL, TOKEN

    update = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_CHANNEL": CHANNEL, "SLACK_API_URL": slack_url}
    return get_settings().model_copy(update=update)


def runner(slack_url: str, stop_at: float, poll: float) -> None:
    """One jobs runner: drain, wait `poll` seconds, drain again, until `stop_at`."""
    from core.db import get_engine
    from core.integrations import delivery
    from core.integrations.channels import DELIVERERS

    settings = _settings(slack_url)
    engine = get_engine()
    while time.time() < stop_at:
        delivery.drain(engine=engine, settings=settings, deliverers=DELIVERERS)  # type: ignore[arg-type]
        time.sleep(poll)


def write(count: int, prefix: str, rate: float | None = None) -> None:
    from sqlmodel import Session

    from core.db import get_engine
    from core.integrations import outbox, slack
    from core.models import OutboxChannel

    alert = slack.Alert(
        title="New contact request",
        summary="New contact request from Ada: please call me",
        fields=[("Name", "Ada")],
        quote="please call me",
        link="http://localhost:3000/contacts",
        link_label="Open contact requests",
    )
    payload = slack.render(alert)
    engine = get_engine()
    started = time.monotonic()
    for n in range(count):
        if rate is not None:
            time.sleep(max(0.0, started + n / rate - time.monotonic()))
        with Session(engine) as session:
            outbox.enqueue(
                session=session, channel=OutboxChannel.SLACK, payload=payload, key=f"{prefix}{n}"
            )
            session.commit()


def outcome(prefix: str) -> tuple[int, list[float], float, float]:
    """(delivered, delays in s, first write, last delivery) of the entries under `prefix`."""
    from sqlmodel import Session, col, select

    from core.db import get_engine
    from core.models import OutboxEntry, OutboxStatus
    from core.models._types import as_utc

    with Session(get_engine()) as session:
        rows = session.exec(
            select(OutboxEntry).where(col(OutboxEntry.idempotency_key).startswith(prefix))
        ).all()
    done = [r for r in rows if r.status == OutboxStatus.DELIVERED and r.delivered_at]
    delays = [(as_utc(r.delivered_at) - as_utc(r.created_at)).total_seconds() for r in done]  # type: ignore[arg-type]
    first = min(as_utc(r.created_at).timestamp() for r in rows)
    last = max((as_utc(r.delivered_at).timestamp() for r in done), default=first)  # type: ignore[arg-type]
    return len(done), delays, first, last


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def backlog(slack: object, runners: int, entries: int) -> dict[str, float]:
    prefix = f"backlog-{runners}-"
    write(entries, prefix)
    posted_before = len(slack.posts)  # type: ignore[attr-defined]
    started = time.time()
    procs = [
        multiprocessing.Process(target=runner, args=(slack.url, started + 600, 0.05))  # type: ignore[attr-defined]
        for _ in range(runners)
    ]
    for proc in procs:
        proc.start()
    while outcome(prefix)[0] < entries and time.time() < started + 600:
        time.sleep(0.2)
    for proc in procs:
        proc.terminate()
        proc.join()
    delivered, _, _, last = outcome(prefix)
    posts = [p.key for p in slack.posts[posted_before:]]  # type: ignore[attr-defined]
    return {
        "runners": runners,
        "delivered": delivered,
        "duplicates": len(posts) - len(set(posts)),
        "per_second": round(delivered / (last - started), 1),
    }


def steady(slack: object, rate: float, seconds: float, poll: float) -> dict[str, float]:
    prefix = "steady-"
    count = int(rate * seconds)
    proc = multiprocessing.Process(
        target=runner, args=(slack.url, time.time() + seconds + 3 * poll + 30, poll)
    )  # type: ignore[attr-defined]
    proc.start()
    write(count, prefix, rate=rate)
    deadline = time.time() + 3 * poll + 30
    while outcome(prefix)[0] < count and time.time() < deadline:
        time.sleep(0.2)
    proc.terminate()
    proc.join()
    delivered, delays, _, _ = outcome(prefix)
    return {
        "written": count,
        "delivered": delivered,
        "poll_seconds": poll,
        "delay_p50_s": round(statistics.median(delays), 3),
        "delay_p99_s": round(pct(delays, 0.99), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="ca-outbox-bench-")
    url = args.database_url or f"sqlite:///{data_dir}/bench.db"
    fresh_database(url)
    os.environ.update({"DATA_DIR": data_dir, "DATABASE_URL": url})
    from core.manage import migrate
    from core.settings import get_settings
    from tests.fake_slack import FakeSlack

    migrate()
    slack = FakeSlack().start()
    try:
        db = "postgresql" if url.startswith("postgresql") else "sqlite"
        for runners in (1, 4):
            print({"database": db, **backlog(slack, runners, args.entries)}, flush=True)
        poll = get_settings().OUTBOX_POLL_SECONDS
        print({"database": db, **steady(slack, args.rate, args.seconds, poll)}, flush=True)
    finally:
        slack.stop()
    return 0


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    raise SystemExit(main())
