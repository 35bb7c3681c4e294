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
from core.analytics.queries._sql import RESOLUTION_CTES, median, query, tuned, utc
from core.crud import assessment

FIGURES = f"""
WITH {RESOLUTION_CTES},
per_conv AS (
  SELECT confirmed + assumed AS resolved, handed_off,
    first_response_seconds AS first_response,
    CASE WHEN confirmed = 1 OR assumed = 1 OR (agent_handled = 1 AND status = 'closed')
      THEN last_reply_seconds END AS settled
  FROM resolution
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
    row = conn.execute(query(FIGURES, "res_start", "res_end"), res_times).one()
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
