"""SQL pieces the dashboard queries share, written once for SQLite and PostgreSQL: seconds since
1970 of a time, the period's bound times, seconds between two times, and each conversation's
resolution (the definitions in `core.analytics.quality`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, DateTime, Float, TextClause, TextualSelect, bindparam, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session

from core.analytics.quality import INCOMPLETE_KINDS
from core.models._types import as_utc


class epoch(FunctionElement[float]):  # noqa: N801  (reads like the SQL function it renders)
    """Seconds since 1970 of a stored (UTC) datetime, as a float: times subtract and compare
    as numbers on both databases."""

    type = Float()
    inherit_cache = True
    name = "epoch"


@compiles(epoch)
def _epoch_postgres(element: epoch, compiler: Any, **kw: Any) -> str:
    return (
        f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS DOUBLE PRECISION)"
    )


@compiles(epoch, "sqlite")
def _epoch_sqlite(element: epoch, compiler: Any, **kw: Any) -> str:
    # SQLite keeps datetimes as UTC text; julianday() reads it (fractions of seconds too).
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


# A bot message that answered from the knowledge base (older rows have no kind).
FAQ_ANSWER = "m.role = 'bot' AND m.faq_id IS NOT NULL AND (m.kind = 'answer' OR m.kind IS NULL)"
INCOMPLETE = "(" + ", ".join(f"'{kind}'" for kind in INCOMPLETE_KINDS) + ")"


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def tuned(session: Session) -> Connection:
    """The session's connection, on PostgreSQL set for a dashboard's few large aggregations
    until the transaction ends: no JIT (compiling took longer than the queries at 1M messages)
    and room to sort a year's replies in memory."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SET LOCAL jit = off"))
        conn.execute(text("SET LOCAL work_mem = '64MB'"))
    return conn


def seconds_between(session: Session, later: str, earlier: str) -> str:
    if dialect(session) == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"

    # Whole seconds and the stored fraction apart ("YYYY-MM-DD HH:MM:SS.ffffff"), so the result
    # is as exact as the stored microseconds (julianday() arithmetic is off by tens of them).
    def parts(value: str) -> tuple[str, str]:
        return (
            f"CAST(strftime('%s', {value}) AS INTEGER)",
            f"COALESCE(CAST(substr({value}, 20) AS REAL), 0.0)",
        )

    (later_s, later_f), (earlier_s, earlier_f) = parts(later), parts(earlier)
    return f"(({later_s} - {earlier_s}) + ({later_f} - {earlier_f}))"


def median(column: str, table: str) -> str:
    """A scalar subquery: the median of `column` over `table`'s rows where it is not NULL (the
    middle value, or the mean of the middle two, as pandas has it), on both databases."""
    return f"""(SELECT AVG(v) FROM (
    SELECT {column} AS v, ROW_NUMBER() OVER (ORDER BY {column}) AS rn, COUNT(*) OVER () AS n
    FROM {table} WHERE {column} IS NOT NULL
  ) ranked WHERE rn IN ((n + 1) / 2, (n + 2) / 2))"""


def query(sql: str, *times: str, **result_types: Any) -> TextClause | TextualSelect:
    """`sql` with the named parameters in `times` bound as UTC datetimes (so SQLite compares
    them in its stored text form) and result columns typed by `result_types`."""
    clause = text(sql).bindparams(
        *(bindparam(name, type_=DateTime(timezone=True)) for name in times)
    )
    return clause.columns(**result_types) if result_types else clause


def utc(value: datetime) -> datetime:
    return as_utc(value)


# A conversation's messages, events and ratings are never older than it, so each part below is
# bounded by :res_start too: the created_at indexes then read the range, not the whole table.
# Each conversation started in [:res_start, :res_end): whether the bot resolved it (confirmed or
# assumed) and whether a person handled it. `resolution` is the last CTE; start a query with it.
RESOLUTION_CTES = f"""
convs AS (
  SELECT c.id, c.visitor_id, c.status, c.created_at FROM conversation c
  WHERE c.created_at >= :res_start AND c.created_at < :res_end
),
msg_stats AS (
  SELECT m.conversation_id,
    MAX(CASE WHEN {FAQ_ANSWER} THEN m.id END) AS last_answer,
    MAX(CASE WHEN m.role IN ('bot', 'agent') THEN m.id END) AS last_reply,
    MAX(CASE WHEN m.role = 'visitor' THEN m.id END) AS last_visitor,
    MIN(CASE WHEN m.role = 'visitor' THEN m.id END) AS first_visitor,
    MAX(CASE WHEN m.role = 'agent' OR m.kind = 'handover' THEN 1 ELSE 0 END) AS handed,
    MAX(CASE WHEN m.role = 'agent' THEN 1 ELSE 0 END) AS agent_wrote
  FROM message m JOIN convs ON convs.id = m.conversation_id
  WHERE m.created_at >= :res_start
  GROUP BY m.conversation_id
),
ev_stats AS (
  SELECT e.conversation_id,
    MAX(CASE WHEN e.name = 'agent_joined' THEN 1 ELSE 0 END) AS joined,
    MAX(CASE WHEN e.name = 'contact_requested' THEN 1 ELSE 0 END) AS contacted
  FROM analyticsevent e JOIN convs ON convs.id = e.conversation_id
  WHERE e.name IN ('agent_joined', 'contact_requested') AND e.created_at >= :res_start
  GROUP BY e.conversation_id
),
latest_ratings AS (
  SELECT f.conversation_id, f.message_id, f.rating,
    ROW_NUMBER() OVER (
      PARTITION BY f.conversation_id, f.message_id ORDER BY f.created_at DESC, f.id DESC
    ) AS n
  FROM feedback f JOIN convs ON convs.id = f.conversation_id
  WHERE f.created_at >= :res_start
),
rating_stats AS (
  SELECT r.conversation_id,
    MAX(CASE WHEN r.rating < 0 THEN 1 ELSE 0 END) AS disliked,
    MAX(CASE WHEN r.rating > 0 AND {FAQ_ANSWER} THEN 1 ELSE 0 END) AS liked
  FROM latest_ratings r LEFT JOIN message m ON m.id = r.message_id
  WHERE r.n = 1
  GROUP BY r.conversation_id
),
flags AS (
  SELECT convs.id, convs.visitor_id, convs.created_at, convs.status,
    CASE WHEN convs.status = 'human' OR COALESCE(ms.handed, 0) = 1
      OR COALESCE(ev.joined, 0) = 1 THEN 1 ELSE 0 END AS handed_off,
    CASE WHEN convs.status = 'human' OR COALESCE(ms.agent_wrote, 0) = 1
      OR COALESCE(ev.joined, 0) = 1 THEN 1 ELSE 0 END AS agent_handled,
    CASE WHEN ms.last_answer IS NOT NULL AND convs.status <> 'human'
      AND COALESCE(ms.handed, 0) = 0 AND COALESCE(ev.joined, 0) = 0
      AND COALESCE(ev.contacted, 0) = 0 AND COALESCE(rs.disliked, 0) = 0
      THEN 1 ELSE 0 END AS clean,
    COALESCE(rs.liked, 0) AS liked,
    CASE WHEN ms.last_answer IS NOT NULL AND ms.last_reply = ms.last_answer
      AND (ms.last_visitor IS NULL OR ms.last_visitor < ms.last_answer)
      THEN 1 ELSE 0 END AS ends_on_answer
  FROM convs
  LEFT JOIN msg_stats ms ON ms.conversation_id = convs.id
  LEFT JOIN ev_stats ev ON ev.conversation_id = convs.id
  LEFT JOIN rating_stats rs ON rs.conversation_id = convs.id
),
resolution AS (
  SELECT id, visitor_id, created_at, status, agent_handled, handed_off,
    CASE WHEN clean = 1 AND liked = 1 THEN 1 ELSE 0 END AS confirmed,
    CASE WHEN clean = 1 AND liked = 0 AND ends_on_answer = 1 THEN 1 ELSE 0 END AS assumed
  FROM flags
)"""

# After RESOLUTION_CTES: each conversation's first bot or agent message after its first visitor
# message (in the order they were stored).
FIRST_REPLY_CTE = """
first_reply AS (
  SELECT m.conversation_id, MIN(m.id) AS id
  FROM message m JOIN msg_stats ms ON ms.conversation_id = m.conversation_id
  WHERE m.role IN ('bot', 'agent') AND m.id > ms.first_visitor AND m.created_at >= :res_start
  GROUP BY m.conversation_id
)"""


def reply_seconds(session: Session, reply_id: str, asked_id: str) -> str:
    """Seconds from message `asked_id` to message `reply_id`, plus the reply's measured latency;
    both looked up by primary key (joined, the planner hashed the whole message table)."""
    waited = seconds_between(session, "r.created_at", "v.created_at")
    return (
        f"(SELECT {waited} + COALESCE(r.latency_ms, 0) / 1000.0 FROM message r, message v"
        f" WHERE r.id = {reply_id} AND v.id = {asked_id})"
    )
