"""The response-quality dashboard's reads: every bot answer of the period scored in SQL from its
facts row (what followed it and its rating, kept current by `core.crud.conversation_facts`),
then summed up per FAQ, as a review queue and as a score distribution. Definitions in
`core.analytics.quality`; message text is never read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, DateTime, text
from sqlmodel import Session

from core.analytics import quality as q
from core.analytics.period import Period
from core.analytics.queries._sql import query, tuned, utc
from core.analytics.queries.resolution import Resolution, resolution

TABLE = "quality_answers"  # a temporary table: the period's answers with their parts
VIEW = "quality_scored"  # over it, with helpfulness and the overall score: read four ways
QUEUE_LIMIT = 200

_BANDS = " ".join(f"WHEN relevance < {edge} THEN {i}" for i, edge in enumerate(q.RELEVANCE_BANDS))

SCORE_ANSWERS = f"""
CREATE TEMPORARY TABLE {TABLE} AS
WITH parts AS (
  SELECT a.message_id AS id, a.conversation_id, a.faq_id, a.created_at, a.latency_ms,
    CASE WHEN a.confidence IS NULL OR a.confidence < 0 THEN 0.0
      WHEN a.confidence > 1 THEN 1.0 ELSE a.confidence END AS relevance,
    a.complete, a.reasked, a.rating,
    CASE WHEN a.latency_ms IS NULL OR a.latency_ms <= {q.TARGET_LATENCY_MS} THEN 1.0
      ELSE {q.TARGET_LATENCY_MS} / a.latency_ms END AS speed
  FROM answerfacts a
  WHERE a.created_at >= :start AND a.created_at < :end
)
SELECT parts.*, CASE {_BANDS} ELSE {len(q.RELEVANCE_BANDS)} END AS band
FROM parts
"""

CELLS = f"""
SELECT complete, band, COUNT(*) AS rated, SUM(CASE WHEN rating > 0 THEN 1 ELSE 0 END) AS up
FROM {TABLE} WHERE rating IS NOT NULL GROUP BY complete, band
"""

TOTALS = f"""
SELECT COUNT(*), AVG(overall), AVG(relevance), AVG(complete), AVG(helpful), AVG(speed),
  SUM(CASE WHEN rating IS NOT NULL THEN 1 ELSE 0 END),
  SUM(CASE WHEN rating > 0 THEN 1 ELSE 0 END),
  SUM(reasked),
  SUM(CASE WHEN overall < :threshold THEN 1 ELSE 0 END),
  SUM(CASE WHEN overall < :threshold AND NOT EXISTS (
    SELECT 1 FROM answerreview ar WHERE ar.message_id = {VIEW}.id) THEN 1 ELSE 0 END)
FROM {VIEW}
"""

PER_FAQ = f"""
SELECT s.faq_id, f.question, COUNT(*) AS answers, AVG(s.overall) AS mean_score,
  AVG(s.relevance), AVG(s.complete), AVG(s.helpful), AVG(s.speed),
  SUM(CASE WHEN s.rating IS NOT NULL THEN 1 ELSE 0 END) AS rated,
  SUM(CASE WHEN s.rating > 0 THEN 1 ELSE 0 END) AS thumbs_up,
  SUM(s.reasked) AS reasks,
  SUM(CASE WHEN s.overall < :threshold THEN 1 ELSE 0 END) AS below
FROM {VIEW} s JOIN faqentry f ON f.id = s.faq_id
GROUP BY s.faq_id, f.question
ORDER BY mean_score, answers DESC, s.faq_id
"""

QUEUE = f"""
SELECT s.id, s.faq_id, f.question, c.public_id, s.created_at, s.overall, s.relevance,
  s.complete, s.helpful, s.rating, s.speed, s.latency_ms
FROM {VIEW} s JOIN faqentry f ON f.id = s.faq_id JOIN conversation c ON c.id = s.conversation_id
WHERE s.overall < :threshold
  AND NOT EXISTS (SELECT 1 FROM answerreview ar WHERE ar.message_id = s.id)
ORDER BY s.overall, s.created_at DESC, s.id
LIMIT :limit
"""

# floor(overall * 10) on both: PostgreSQL's CAST rounds where SQLite's truncates.
_FLOOR_TENTHS = (
    "CAST(overall * 10 AS INTEGER)"
    " - CASE WHEN CAST(overall * 10 AS INTEGER) > overall * 10 THEN 1 ELSE 0 END"
)
DISTRIBUTION = f"""
SELECT CASE WHEN overall >= 1 THEN 9 ELSE {_FLOOR_TENTHS} END AS bucket, COUNT(*)
FROM {VIEW} GROUP BY 1 ORDER BY 1
"""


@dataclass(frozen=True)
class Quality:
    answers: int = 0
    mean_score: float | None = None
    mean_parts: dict[str, float | None] = field(default_factory=dict)
    rated: int = 0
    thumbs_up_share: float | None = None
    reasks: int = 0
    below_threshold: int = 0
    awaiting_review: int = 0
    model: str = ""
    per_faq: list[dict[str, Any]] = field(default_factory=list)
    queue: list[dict[str, Any]] = field(default_factory=list)
    distribution: list[dict[str, Any]] = field(default_factory=list)
    resolution: Resolution = Resolution(0, 0, 0)


def _helpful_sql(model: q.HelpfulnessModel) -> str:
    # The model's few fitted values go into the statement as numbers (never owner text).
    cells = " ".join(
        f"WHEN complete = {c} AND band = {b} THEN {cell.predicted!r}"
        for (c, b), cell in sorted(model.cells.items())
        if cell.predicted is not None
    )
    rule = "(relevance + complete) / 2.0"
    predicted = f"CASE {cells} ELSE {rule} END" if cells else rule
    return f"CASE WHEN rating > 0 THEN 1.0 WHEN rating < 0 THEN 0.0 ELSE {predicted} END"


def _overall_sql(helpful: str) -> str:
    w = q.WEIGHTS
    return (
        f"{w['relevance']} * relevance + {w['completeness']} * complete"
        f" + {w['helpfulness']} * ({helpful}) + {w['speed']} * speed"
    )


def _drop(conn: Connection) -> None:
    conn.execute(text(f"DROP VIEW IF EXISTS {VIEW}"))
    conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def quality(*, session: Session, period: Period, queue_limit: int = QUEUE_LIMIT) -> Quality:
    """The period's answers scored, with the per-FAQ table, the review queue (worst first) and
    the bot's resolution of the conversations started in the period."""
    times = {"start": utc(period.start), "end": utc(period.end)}
    conn = tuned(session)
    _drop(conn)
    try:
        conn.execute(query(SCORE_ANSWERS, "start", "end"), times)
        cells = [
            q.Cell(int(c), int(b), int(n), int(up)) for c, b, n, up in conn.execute(text(CELLS))
        ]
        model = q.HelpfulnessModel.fit(cells)
        helpful = _helpful_sql(model)
        conn.execute(
            text(
                f"CREATE TEMPORARY VIEW {VIEW} AS SELECT {TABLE}.*, {helpful} AS helpful,"
                f" {_overall_sql(helpful)} AS overall FROM {TABLE}"
            )
        )
        limits = {"threshold": q.REVIEW_THRESHOLD}
        total = conn.execute(text(TOTALS), limits).one()
        per_faq = [
            {
                "faq_id": int(r[0]),
                "question": r[1],
                "answers": int(r[2]),
                "mean_score": float(r[3]),
                "relevance": float(r[4]),
                "completeness": float(r[5]),
                "helpfulness": float(r[6]),
                "speed": float(r[7]),
                "rated": int(r[8]),
                "thumbs_up_share": q.share(int(r[9]), int(r[8])),
                "reasks": int(r[10]),
                "below_threshold": int(r[11]),
            }
            for r in conn.execute(text(PER_FAQ), limits)
        ]
        queue = [
            {
                "message_id": int(r[0]),
                "faq_id": int(r[1]),
                "question": r[2],
                "conversation": r[3],
                "answered_at": utc(r[4]).isoformat(),
                "score": float(r[5]),
                "relevance": float(r[6]),
                "completeness": float(r[7]),
                "helpfulness": float(r[8]),
                "rated": r[9] is not None,
                "speed": float(r[10]),
                "latency_ms": _float(r[11]),
            }
            for r in conn.execute(
                query(QUEUE, created_at=DateTime(timezone=True)),
                limits | {"limit": queue_limit},
            )
        ]
        counts = {int(b): int(n) for b, n in conn.execute(text(DISTRIBUTION))}
    finally:
        _drop(conn)
    distribution = [
        {"from": i / 10, "to": (i + 1) / 10, "answers": int(counts.get(i, 0))} for i in range(10)
    ]
    return Quality(
        answers=int(total[0]),
        mean_score=_float(total[1]),
        mean_parts={
            "relevance": _float(total[2]),
            "completeness": _float(total[3]),
            "helpfulness": _float(total[4]),
            "speed": _float(total[5]),
        },
        rated=int(total[6] or 0),
        thumbs_up_share=q.share(int(total[7] or 0), int(total[6] or 0)),
        reasks=int(total[8] or 0),
        below_threshold=int(total[9] or 0),
        awaiting_review=int(total[10] or 0),
        model=model.describe(),
        per_faq=per_faq,
        queue=queue,
        distribution=distribution,
        resolution=resolution(session=session, start=period.start, end=period.end),
    )


def figures(*, session: Session, period: Period) -> dict[str, Any]:
    """The quality dashboard as the page shows it and the JSON command prints it."""
    found = quality(session=session, period=period)
    res = found.resolution
    return {
        "answers": found.answers,
        "mean_score": found.mean_score,
        "mean_parts": found.mean_parts,
        "weights": dict(q.WEIGHTS),
        "review_threshold": q.REVIEW_THRESHOLD,
        "target_latency_ms": q.TARGET_LATENCY_MS,
        "rated": found.rated,
        "thumbs_up_share": found.thumbs_up_share,
        "reasks": found.reasks,
        "below_threshold": found.below_threshold,
        "awaiting_review": found.awaiting_review,
        "helpfulness_model": found.model,
        "resolution": {
            "conversations": res.conversations,
            "confirmed": res.confirmed,
            "assumed": res.assumed,
            "resolved": res.resolved,
            "rate": res.rate,
        },
        "per_faq": found.per_faq,
        "review_queue": found.queue,
        "distribution": found.distribution,
    }
