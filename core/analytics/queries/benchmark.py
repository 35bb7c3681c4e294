"""The benchmark dashboard's reads: first-response and resolution times per conversation,
ratings, resolution and handoff counts, each one SQL statement (definitions in
`core.analytics.benchmark`)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from core.analytics import benchmark
from core.analytics.period import Period
from core.analytics.quality import share
from core.analytics.queries._sql import RESOLUTION_CTES, query, seconds_between, tuned, utc
from core.analytics.queries.quality import resolution
from core.crud import assessment


def _first_response_sql(session: Session) -> str:
    return f"""
WITH {RESOLUTION_CTES},
first_reply AS (
  SELECT m.conversation_id, MIN(m.id) AS id
  FROM message m JOIN msg_stats ms ON ms.conversation_id = m.conversation_id
  WHERE m.role IN ('bot', 'agent') AND m.id > ms.first_visitor AND m.created_at >= :res_start
  GROUP BY m.conversation_id
)
SELECT {seconds_between(session, "r.created_at", "v.created_at")}
  + COALESCE(r.latency_ms, 0) / 1000.0
FROM first_reply fr JOIN msg_stats ms ON ms.conversation_id = fr.conversation_id
JOIN message r ON r.id = fr.id JOIN message v ON v.id = ms.first_visitor
-- Bounded like msg_stats, so a month reads a range of the created_at index.
WHERE r.created_at >= :res_start AND v.created_at >= :res_start
"""


def _resolution_time_sql(session: Session) -> str:
    return f"""
WITH {RESOLUTION_CTES}
SELECT {seconds_between(session, "r.created_at", "v.created_at")}
  + COALESCE(r.latency_ms, 0) / 1000.0
FROM resolution res JOIN msg_stats ms ON ms.conversation_id = res.id
JOIN message r ON r.id = ms.last_reply JOIN message v ON v.id = ms.first_visitor
WHERE (res.confirmed = 1 OR res.assumed = 1 OR (res.agent_handled = 1 AND res.status = 'closed'))
  AND r.id > v.id AND r.created_at >= :res_start AND v.created_at >= :res_start
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


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


def ours(*, session: Session, period: Period) -> tuple[dict[str, float | None], dict[str, int]]:
    conn = tuned(session)
    times = {"start": utc(period.start), "end": utc(period.end)}
    res_times = {"res_start": times["start"], "res_end": times["end"]}
    resolved = resolution(session=session, start=period.start, end=period.end)
    first = [
        float(v)
        for (v,) in conn.execute(
            query(_first_response_sql(session), "res_start", "res_end"), res_times
        )
    ]
    settle = [
        float(v)
        for (v,) in conn.execute(
            query(_resolution_time_sql(session), "res_start", "res_end"), res_times
        )
    ]
    rated, liked = conn.execute(query(RATINGS, "start", "end"), times).one()
    figures = {
        "first_response_seconds": _median(first),
        "bot_resolution_rate": resolved.rate,
        "satisfaction": share(int(liked), int(rated)),
        "handoff_rate": share(resolved.handed_off, resolved.conversations),
        "time_to_resolution_seconds": _median(settle),
    }
    counts = {
        "conversations": resolved.conversations,
        "answered": len(first),
        "resolved": resolved.resolved,
        "handed_off": resolved.handed_off,
        "ratings": int(rated),
        "settled": len(settle),
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
