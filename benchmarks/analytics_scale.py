"""How fast every analytics dashboard answers for a realistic business at full size.

Generates a year of a business (by default 100,000 conversations, about 1,000,000 messages and
2,000,000 events with tracked steps of chatters and non-chatters, ratings, contact forms, agent
takeovers and widget clicks) into a PostgreSQL database of its own (`analytics_bench` on
127.0.0.1:5432, dropped and recreated; never the test database) and a SQLite file under /tmp,
with bulk inserts (COPY on PostgreSQL, executemany in chunks on SQLite). Then times every
dashboard in `core.analytics.dashboards.DASHBOARDS` over the last 30 days and the whole year
(median of 3 runs each) and prints the ratio to the 2 s target, then one table of every
dashboard × period × database (the README's table).

Two saved funnels are timed (the tracked purchase path, and chat to purchase), as an owner
would set them up: together (the funnels dashboard of the JSON command) and each alone (what
the Funnels page computes for the funnel the owner chose). After loading, the tables are vacuumed and analysed, as autovacuum leaves
them in a running business. `--reuse` first brings an existing database to the newest schema.

    python benchmarks/analytics_scale.py                       # full size, both databases
    python benchmarks/analytics_scale.py --conversations 10000 --only sqlite
    python benchmarks/analytics_scale.py --reuse               # time again without generating

Message text is an encrypted placeholder: dashboards never read it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ENVIRONMENT", "development")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="analytics-bench-"))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session  # noqa: E402

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/analytics_bench"
SQLITE_PATH = Path("/tmp/analytics_bench.db")
TARGET_SECONDS = 2.0
DAYS = 365
FAQS = 40
CHUNK = 20_000

# What a bot reply is, and how often (answers dominate; a person is asked for now and then).
KINDS = (
    ("answer", 0.70),
    ("clarify", 0.12),
    ("unknown", 0.08),
    ("fallback", 0.05),
    ("handover", 0.05),
)
LANGUAGES = (("en", 0.6), ("es", 0.12), ("fr", 0.08), ("de", 0.08), ("ar", 0.07), ("ur", 0.05))
STEPS = ("product_viewed", "pricing_viewed", "signup", "purchase")
# The funnels an owner of this business would save (name, steps, window in days).
FUNNELS = (
    ("Purchase", STEPS, 14),
    ("Chat to purchase", ("conversation_started", "bot_answered", "purchase"), 14),
)
ELEMENTS = (
    "launcher",
    "quick_reply",
    "suggestion",
    "send",
    "link",
    "button",
    "contact_submit",
    "none",
)
BOT_EVENTS = {
    "answer": "bot_answered",
    "clarify": "bot_clarified",
    "unknown": "bot_fell_back",
    "fallback": "bot_fell_back",
    "handover": "bot_handed_over",
}

MESSAGE_COLUMNS = (
    "id", "conversation_id", "role", "text", "created_at", "latency_ms", "faq_id", "reply_to_id",
    "confidence", "quick_replies", "actions", "flags", "rich", "entities", "language", "kind",
    "intent", "emotion",
)  # fmt: skip
EVENT_COLUMNS = (
    "id", "name", "conversation_id", "visitor_key", "faq_id", "label", "value", "currency",
    "properties", "created_at",
)  # fmt: skip
CLICK_COLUMNS = (
    "id", "visitor_key", "conversation_id", "element", "panel", "width_class", "x", "y",
    "panel_x", "panel_y", "rage", "dead", "created_at",
)  # fmt: skip


def pick(rng: random.Random, table: Sequence[tuple[str, float]]) -> str:
    roll, total = rng.random(), 0.0
    for value, weight in table:
        total += weight
        if roll < total:
            return value
    return table[-1][0]


class Business:
    """The generated rows, table by table, as tuples in each table's column order."""

    def __init__(self, conversations: int, seed: int = 13) -> None:
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.start = self.now - timedelta(days=DAYS)
        self.visitors: list[tuple[Any, ...]] = []
        self.conversations: list[tuple[Any, ...]] = []
        self.messages: list[tuple[Any, ...]] = []
        self.feedback: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []
        self.clicks: list[tuple[Any, ...]] = []
        from core.crypto import encrypt

        # Encrypted as the application stores them (one placeholder for every message).
        self.text, self.no_entities = encrypt("benchmark"), encrypt("[]")
        self._generate(conversations)

    def _event(self, name: str, conv: int | None, at: datetime, **cols: Any) -> None:
        self.events.append(
            (
                len(self.events) + 1, name, conv, cols.get("key"), cols.get("faq"),
                cols.get("label"), cols.get("value"), cols.get("currency"),
                json.dumps(cols.get("props", {})), at,
            )
        )  # fmt: skip

    def _message(self, conv: int, role: str, at: datetime, **cols: Any) -> int:
        mid = len(self.messages) + 1
        self.messages.append(
            (
                mid, conv, role, self.text, at, cols.get("latency"), cols.get("faq"),
                cols.get("reply_to"), cols.get("confidence"), "[]", "[]", "[]", "[]",
                self.no_entities,
                cols.get("language"), cols.get("kind"), cols.get("intent"), cols.get("emotion"),
            )
        )  # fmt: skip
        return mid

    def _tracked(self, key: str, at: datetime, chatted: bool) -> None:
        rng = self.rng
        # Chatters go further down the funnel than non-chatters.
        reach = rng.random() * (1.6 if chatted else 1.0)
        for i, step in enumerate(STEPS):
            if reach < i * 0.35:
                break
            at += timedelta(minutes=rng.randint(1, 60 * 24))
            if at >= self.now:
                break
            value = round(rng.uniform(10, 400), 2) if step == "purchase" else None
            currency = "USD" if step == "purchase" else None
            self._event("tracked", None, at, key=key, label=step, value=value, currency=currency)

    def _generate(self, count: int) -> None:
        rng = self.rng
        span = (self.now - self.start).total_seconds()
        for conv in range(1, count + 1):
            started = self.start + timedelta(seconds=span * (conv - 1) / count + rng.random())
            key = uuid.uuid4().hex if rng.random() < 0.8 else None
            language = pick(rng, LANGUAGES)
            self.visitors.append((conv, uuid.uuid4().hex, key, language, started))
            at = started
            self._event("conversation_started", conv, at, props={"channel": "widget"})
            status, handed = "bot", False
            turns = max(1, min(12, int(rng.expovariate(1 / 4.5)) + 1))
            last_answer: tuple[int, int | None] | None = None
            for _ in range(turns):
                at += timedelta(seconds=rng.randint(5, 120))
                asked = self._message(
                    conv,
                    "visitor",
                    at,
                    language=language,
                    intent=str(rng.randint(1, FAQS)),
                    emotion="neutral",
                )
                self._event("visitor_message", conv, at, props={"language": language})
                if handed:
                    at += timedelta(seconds=rng.randint(20, 600))
                    self._message(conv, "agent", at, reply_to=asked)
                    self._event("agent_replied", conv, at)
                    continue
                kind = pick(rng, KINDS)
                faq = rng.randint(1, FAQS) if kind == "answer" else None
                confidence = rng.uniform(0.55, 0.99) if kind == "answer" else rng.uniform(0.1, 0.6)
                latency = rng.lognormvariate(6.3, 0.6)  # about 550 ms, now and then seconds
                answer = self._message(
                    conv,
                    "bot",
                    at,
                    kind=kind,
                    faq=faq,
                    confidence=confidence,
                    latency=latency,
                    reply_to=asked,
                    language=language,
                )
                self._event(
                    BOT_EVENTS[kind],
                    conv,
                    at,
                    faq=faq,
                    props={"kind": kind, "confidence": confidence, "latency_ms": latency},
                )
                if kind == "answer":
                    last_answer = (answer, faq)
                    if rng.random() < 0.15:
                        rating = 1 if rng.random() < 0.8 else -1
                        rated_at = at + timedelta(seconds=rng.randint(2, 60))
                        self.feedback.append(
                            (len(self.feedback) + 1, conv, answer, rating, rated_at)
                        )
                        self._event(
                            "feedback_given",
                            conv,
                            rated_at,
                            faq=faq,
                            props={"rating": rating, "message_id": answer},
                        )
                if kind == "handover" and rng.random() < 0.7:
                    at += timedelta(seconds=rng.randint(30, 900))
                    self._event("agent_joined", conv, at)
                    status, handed = "human", True
            if rng.random() < 0.04:
                at += timedelta(seconds=rng.randint(10, 300))
                self._event("contact_requested", conv, at)
            if handed and rng.random() < 0.8:
                at += timedelta(minutes=rng.randint(1, 30))
                self._event("closed", conv, at)
                status = "closed"
            self.conversations.append(
                (
                    conv,
                    uuid.uuid4().hex,
                    conv,
                    status,
                    "detected",
                    "widget",
                    "normal",
                    started,
                    at,
                    language,
                )
            )
            if key:
                self._tracked(key, started - timedelta(hours=rng.randint(0, 48)), chatted=True)
                for _ in range(rng.randint(1, 4)):
                    click_at = started + timedelta(seconds=rng.randint(0, 600))
                    self.clicks.append(
                        (len(self.clicks) + 1, key, conv, rng.choice(ELEMENTS), rng.choice(("closed", "chat", "contact")),
                         rng.choice(("narrow", "medium", "wide")), rng.random(), rng.random(), rng.random(), rng.random(),
                         rng.random() < 0.02, rng.random() < 0.05, click_at)
                    )  # fmt: skip
            # Visitors who never chat, for chatters-against-non-chatters comparisons.
            for _ in range(3):
                self._tracked(uuid.uuid4().hex, started, chatted=False)
            del last_answer


TABLES: dict[str, tuple[str, ...]] = {
    "visitor": ("id", "public_id", "visitor_key", "language", "created_at"),
    "conversation": (
        "id",
        "public_id",
        "visitor_id",
        "status",
        "language_source",
        "channel",
        "urgency",
        "created_at",
        "last_message_at",
        "language",
    ),  # fmt: skip
    "message": MESSAGE_COLUMNS,
    "feedback": ("id", "conversation_id", "message_id", "rating", "created_at"),
    "analyticsevent": EVENT_COLUMNS,
    "widgetclick": CLICK_COLUMNS,
}


def rows_of(business: Business, table: str) -> list[tuple[Any, ...]]:
    return {
        "visitor": business.visitors,
        "conversation": business.conversations,
        "message": business.messages,
        "feedback": business.feedback,
        "analyticsevent": business.events,
        "widgetclick": business.clicks,
    }[table]


def faqs() -> list[tuple[Any, ...]]:
    data = json.loads((ROOT / "data" / "demo" / "faqs.json").read_text(encoding="utf-8"))
    now = datetime.now(UTC)
    return [
        (i + 1, faq["question"], faq["answer"], "en", True, "[]", "[]", now, now)
        for i, faq in enumerate((data * 2)[:FAQS])
    ]


FAQ_COLUMNS = (
    "id",
    "question",
    "answer",
    "language",
    "published",
    "phrasings",
    "media",
    "created_at",
    "updated_at",
)


def _chunks(rows: list[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    for i in range(0, len(rows), CHUNK):
        yield rows[i : i + CHUNK]


def load_postgres(business: Business) -> None:
    import psycopg

    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("DROP DATABASE IF EXISTS analytics_bench WITH (FORCE)"))
        conn.execute(sa.text("CREATE DATABASE analytics_bench"))
    admin.dispose()
    from core.manage import migrate

    migrate(PG_URL)
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/analytics_bench") as conn:
        with conn.cursor() as cur:
            tables = [("faqentry", FAQ_COLUMNS, faqs())] + [
                (t, c, rows_of(business, t)) for t, c in TABLES.items()
            ]
            for table, columns, rows in tables:
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {len(rows) + 1})"
                )
        conn.commit()
    compute_facts(PG_URL)
    vacuum_postgres()


def compute_facts(url: str) -> None:
    """Each conversation's facts row, which the application keeps as it writes (rows loaded in
    bulk go around it): computed at once, as the migration that added them does."""
    from core.crud.conversation_facts import refresh_all
    from core.db import make_engine

    engine = make_engine(url)
    began = time.perf_counter()
    with engine.begin() as conn:
        refresh_all(conn)
    print(f"conversation facts computed in {time.perf_counter() - began:.1f} s", flush=True)
    engine.dispose()


def vacuum_postgres() -> None:
    import psycopg

    with psycopg.connect(
        "postgresql://postgres@127.0.0.1:5432/analytics_bench", autocommit=True
    ) as conn:
        conn.execute("VACUUM ANALYZE")


def load_sqlite(business: Business) -> None:
    import sqlite3

    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    from core.manage import migrate

    migrate(f"sqlite:///{SQLITE_PATH}")
    conn = sqlite3.connect(SQLITE_PATH)
    fmt = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores datetimes in SQLite

    def plain(row: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(v.astimezone(UTC).strftime(fmt) if isinstance(v, datetime) else v for v in row)

    tables = [("faqentry", FAQ_COLUMNS, faqs())] + [
        (t, c, rows_of(business, t)) for t, c in TABLES.items()
    ]
    for table, columns, rows in tables:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        for chunk in _chunks(rows):
            conn.executemany(sql, [plain(r) for r in chunk])
        conn.commit()
    conn.close()
    compute_facts(f"sqlite:///{SQLITE_PATH}")
    conn = sqlite3.connect(SQLITE_PATH)
    conn.execute("ANALYZE")
    conn.close()


def save_funnels(url: str) -> None:
    """The FUNNELS, saved once (an existing database keeps the ones it has)."""
    from core.crud import funnels as funnel_crud
    from core.db import make_engine
    from core.models import FunnelCreate

    engine = make_engine(url)
    with Session(engine) as session:
        names = {funnel.name for funnel in funnel_crud.list_funnels(session=session)}
        for name, steps, window in FUNNELS:
            if name not in names:
                funnel_in = FunnelCreate(name=name, steps=list(steps), window_days=window)
                funnel_crud.create_funnel(session=session, funnel_in=funnel_in)
        session.commit()
    engine.dispose()


def summary(found: dict[str, list[tuple[str, str, float]]]) -> str:
    """Markdown: one row per dashboard, median seconds (and × the 2 s target) per period and
    database."""
    dbs = list(found)
    labels = list(dict.fromkeys(label for rows in found.values() for _, label, _ in rows))
    names = list(dict.fromkeys(name for rows in found.values() for name, _, _ in rows))
    seconds = {(db, name, label): s for db, rows in found.items() for name, label, s in rows}
    head = ["dashboard"] + [f"{label}, {db}" for db in dbs for label in labels]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in names:
        cells = [name]
        for db in dbs:
            for label in labels:
                value = seconds.get((db, name, label))
                cells.append(
                    "–" if value is None else f"{value:.2f} s ({value / TARGET_SECONDS:.2f}×)"
                )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def time_dashboards(url: str, runs: int = 3) -> list[tuple[str, str, float]]:
    from zoneinfo import ZoneInfo

    from core.analytics.dashboards import DASHBOARDS
    from core.analytics.period import Period
    from core.analytics.queries import funnels as funnel_queries
    from core.crud import funnels as funnel_crud
    from core.db import make_engine

    engine = make_engine(url)
    now = datetime.now(UTC)
    periods = {
        "30 days": Period.last_days(30, now=now, tz=ZoneInfo("UTC")),
        "12 months": Period.last_days(DAYS, now=now, tz=ZoneInfo("UTC")),
    }
    found = []
    for name, compute in DASHBOARDS.items():
        for label, period in periods.items():
            times = []
            for _ in range(runs):
                with Session(engine) as session:
                    began = time.perf_counter()
                    compute(session=session, period=period)
                    times.append(time.perf_counter() - began)
                    session.rollback()
            found.append((name, label, statistics.median(times)))
    # The Funnels page computes the one funnel the owner chose: each saved funnel alone.
    with Session(engine) as session:
        saved = funnel_crud.list_funnels(session=session)
    for funnel in saved:
        for label, period in periods.items():
            times = []
            for _ in range(runs):
                with Session(engine) as session:
                    began = time.perf_counter()
                    funnel_queries.funnel_figures(session=session, funnel=funnel, period=period)
                    times.append(time.perf_counter() - began)
                    session.rollback()
            found.append((f"funnel {funnel.name!r}", label, statistics.median(times)))
    engine.dispose()
    return found


def counts(url: str) -> dict[str, int]:
    from core.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        found = {
            t: int(conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one()) for t in TABLES
        }
    engine.dispose()
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--only", choices=("postgresql", "sqlite"), help="one database only")
    parser.add_argument("--reuse", action="store_true", help="time the existing databases")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    targets = {
        "postgresql": (PG_URL, load_postgres),
        "sqlite": (f"sqlite:///{SQLITE_PATH}", load_sqlite),
    }
    if args.only:
        targets = {args.only: targets[args.only]}
    business = None
    if not args.reuse:
        began = time.perf_counter()
        business = Business(args.conversations)
        print(f"generated in {time.perf_counter() - began:.0f} s", flush=True)
    found: dict[str, list[tuple[str, str, float]]] = {}
    for db, (url, load) in targets.items():
        if business is not None:
            began = time.perf_counter()
            load(business)
            print(f"{db}: loaded in {time.perf_counter() - began:.0f} s", flush=True)
        else:
            from core.manage import migrate

            migrate(url)
        save_funnels(url)
        sizes = ", ".join(f"{t} {n:,}" for t, n in counts(url).items())
        print(f"{db}: {sizes}", flush=True)
        print(f"{'dashboard':<28}{'period':<12}{'median s':>10}{'x target':>10}")
        found[db] = time_dashboards(url, args.runs)
        for name, label, seconds in found[db]:
            print(
                f"{name:<28}{label:<12}{seconds:>10.3f}{seconds / TARGET_SECONDS:>10.2f}",
                flush=True,
            )
    print(f"\nmedian seconds of {args.runs} runs (× the {TARGET_SECONDS:.0f} s target)")
    print(summary(found))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
