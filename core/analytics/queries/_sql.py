"""SQL pieces the dashboard queries share, written once for SQLite and PostgreSQL: seconds since
1970 of a time, the period's bound times, a median, and each conversation's resolution (the
definitions in `core.analytics.quality`, read from its facts row)."""

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
    # date_part() gives double precision itself: EXTRACT() computes a numeric first, which
    # took funnels over a year of events twice as long to read the times.
    return f"date_part('epoch', {compiler.process(element.clauses, **kw)})"


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


# Each conversation started in [:res_start, :res_end), from its facts row (kept current as it is
# written, `core.crud.conversation_facts`): whether the bot resolved it (confirmed or assumed),
# whether a person handled it, and its reply times. `resolution` is the last CTE; start a query
# with it.
RESOLUTION_CTES = """
flags AS (
  SELECT c.id, c.visitor_id, c.status, c.created_at,
    f.first_response_seconds, f.last_reply_seconds,
    CASE WHEN c.status = 'human' OR f.handed = 1 OR f.joined = 1 THEN 1 ELSE 0 END AS handed_off,
    CASE WHEN c.status = 'human' OR f.agent_wrote = 1 OR f.joined = 1
      THEN 1 ELSE 0 END AS agent_handled,
    CASE WHEN f.last_answer IS NOT NULL AND c.status <> 'human' AND f.handed = 0
      AND f.joined = 0 AND f.contacted = 0 AND f.disliked = 0 THEN 1 ELSE 0 END AS clean,
    COALESCE(f.liked, 0) AS liked,
    CASE WHEN f.last_answer IS NOT NULL AND f.last_reply = f.last_answer
      AND (f.last_visitor IS NULL OR f.last_visitor < f.last_answer)
      THEN 1 ELSE 0 END AS ends_on_answer
  FROM conversation c LEFT JOIN conversationfacts f ON f.conversation_id = c.id
  WHERE c.created_at >= :res_start AND c.created_at < :res_end
),
resolution AS (
  SELECT id, visitor_id, created_at, status, agent_handled, handed_off,
    first_response_seconds, last_reply_seconds,
    CASE WHEN clean = 1 AND liked = 1 THEN 1 ELSE 0 END AS confirmed,
    CASE WHEN clean = 1 AND liked = 0 AND ends_on_answer = 1 THEN 1 ELSE 0 END AS assumed
  FROM flags
)"""
