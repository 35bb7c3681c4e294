"""The benchmark dashboard's reads: first-response and resolution times per conversation,
ratings, resolution and handoff counts, each one SQL statement (definitions in
`core.analytics.benchmark`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from core.analytics import benchmark
from core.analytics.period import Period
from core.analytics.quality import share
from core.analytics.queries._sql import (
    FIRST_REPLY_CTE,
    RESOLUTION_CTES,
    median,
    query,
    reply_seconds,
    tuned,
    utc,
)
from core.crud import assessment


def _figures_sql(session: Session) -> str:
    """One pass over the period's conversations: counts and both medians."""

    def seconds(reply_id: str) -> str:
        return reply_seconds(session, reply_id, "ms.first_visitor")

    return f"""
WITH {RESOLUTION_CTES},{FIRST_REPLY_CTE},
per_conv AS (
  SELECT res.confirmed + res.assumed AS resolved, res.handed_off,
    CASE WHEN fr.id IS NOT NULL THEN {seconds("fr.id")} END AS first_response,
    CASE WHEN (res.confirmed = 1 OR res.assumed = 1
        OR (res.agent_handled = 1 AND res.status = 'closed')) AND ms.last_reply > ms.first_visitor
      THEN {seconds("ms.last_reply")} END AS settled
  FROM resolution res
  LEFT JOIN msg_stats ms ON ms.conversation_id = res.id
  LEFT JOIN first_reply fr ON fr.conversation_id = res.id
)
SELECT COUNT(*), COALESCE(SUM(resolved), 0), COALESCE(SUM(handed_off), 0),
  COUNT(first_response), {median("first_response", "per_conv")},
  COUNT(settled), {median("settled", "per_conv")}
FROM per_conv
"""


RATINGS = """
SELECT COUNT(*), COALESCE(SUM(CASE WHEN rating > 0 THEN 1 ELSE 0 END), 0) FROM (
  SELECT f.rating, ROW_NUMBER() OVER (
    PARTITION BY f.conversation_id, f.message_id ORDER BY f.created_at DESC, f.id DESC) AS n
  FROM feedback f WHERE f.created_at >= :start AND f.created_at < :end
) latest WHERE n = 1
"""


@dataclass(frozen=True)
class BenchmarkFigures:
    ours: dict[str, float | None]
    counts: dict[str, int]
    rows: list[dict[str, Any]]
    baselines: list[dict[str, Any]]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def ours(*, session: Session, period: Period) -> tuple[dict[str, float | None], dict[str, int]]:
    conn = tuned(session)
    times = {"start": utc(period.start), "end": utc(period.end)}
    res_times = {"res_start": times["start"], "res_end": times["end"]}
    row = conn.execute(query(_figures_sql(session), "res_start", "res_end"), res_times).one()
    conversations, resolved, handed_off, answered, first, settled, settle = row
    rated, liked = conn.execute(query(RATINGS, "start", "end"), times).one()
    figures = {
        "first_response_seconds": _float(first),
        "bot_resolution_rate": share(int(resolved), int(conversations)),
        "satisfaction": share(int(liked), int(rated)),
        "handoff_rate": share(int(handed_off), int(conversations)),
        "time_to_resolution_seconds": _float(settle),
    }
    counts = {
        "conversations": int(conversations),
        "answered": int(answered),
        "resolved": int(resolved),
        "handed_off": int(handed_off),
        "ratings": int(rated),
        "settled": int(settled),
    }
    return figures, counts


def benchmark_figures(*, session: Session, period: Period) -> BenchmarkFigures:
    figures, counts = ours(session=session, period=period)
    baselines = assessment.baselines(assessment.get_assumptions(session=session))
    return BenchmarkFigures(figures, counts, benchmark.compare(figures, baselines), baselines)


def figures(*, session: Session, period: Period) -> dict[str, Any]:
    """The benchmark as the page shows it and the JSON command prints it."""
    found = benchmark_figures(session=session, period=period)
    return {"ours": found.ours, "counts": found.counts, "comparison": found.rows}
