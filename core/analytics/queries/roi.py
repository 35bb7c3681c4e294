"""The ROI dashboard's reads: the bot's resolutions and agents' conversations, leads, and
tracked purchases attributed to chats (one SQL statement each); the arithmetic is in
`core.analytics.roi`."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from core.analytics import roi
from core.analytics.period import Period
from core.analytics.queries._sql import RESOLUTION_CTES, dialect, query, tuned, utc
from core.analytics.queries.resolution import resolution
from core.crud import assessment


def _within_days(session: Session) -> str:
    # The conversation started at most :days days before the purchase.
    if dialect(session) == "postgresql":
        return "k.created_at >= p.created_at - make_interval(days => :days)"
    return "julianday(k.created_at) >= julianday(p.created_at) - :days"


def _purchases_sql(session: Session) -> str:
    return f"""
WITH {RESOLUTION_CTES},
credited AS (
  SELECT r.created_at, v.visitor_key FROM resolution r JOIN visitor v ON v.id = r.visitor_id
  WHERE v.visitor_key IS NOT NULL AND (r.confirmed = 1 OR r.assumed = 1 OR r.agent_handled = 1)
),
purchases AS (
  SELECT e.id, e.value, e.currency, e.visitor_key, e.created_at FROM analyticsevent e
  WHERE e.name = 'tracked' AND e.label = 'purchase'
    AND e.created_at >= :start AND e.created_at < :end
),
attributed AS (
  SELECT p.id, MAX(CASE WHEN k.visitor_key IS NULL THEN 0 ELSE 1 END) AS hit
  FROM purchases p LEFT JOIN credited k ON k.visitor_key = p.visitor_key
    AND k.created_at <= p.created_at AND {_within_days(session)}
  GROUP BY p.id
)
SELECT UPPER(COALESCE(p.currency, :currency)) AS currency, COUNT(*), SUM(a.hit),
  SUM(CASE WHEN a.hit = 1 THEN COALESCE(p.value, 0) ELSE 0 END)
FROM purchases p JOIN attributed a ON a.id = p.id
GROUP BY UPPER(COALESCE(p.currency, :currency))
"""


LEADS = """
SELECT COUNT(*) FROM analyticsevent
WHERE name = 'contact_requested' AND created_at >= :start AND created_at < :end
"""


@dataclass(frozen=True)
class RoiFigures:
    measured: roi.Measured
    assumptions: roi.Assumptions
    result: roi.Roi


def assumptions_of(*, session: Session) -> roi.Assumptions:
    row = assessment.get_assumptions(session=session)
    return roi.Assumptions(
        currency=row.currency,
        human_conversation_cost=row.human_conversation_cost,
        monthly_running_cost=row.monthly_running_cost,
        attribution_days=row.attribution_days,
    )


def measure(*, session: Session, period: Period, assumed: roi.Assumptions) -> roi.Measured:
    conn = tuned(session)
    start, end = utc(period.start), utc(period.end)
    resolved = resolution(session=session, start=start, end=end)
    leads = conn.execute(query(LEADS, "start", "end"), {"start": start, "end": end}).scalar_one()
    window = {
        "start": start,
        "end": end,
        "res_start": start - timedelta(days=assumed.attribution_days),
        "res_end": end,
        "days": assumed.attribution_days,
        "currency": assumed.currency,
    }
    sql = query(_purchases_sql(session), "start", "end", "res_start", "res_end")
    by_currency = {row[0]: row[1:] for row in conn.execute(sql, window)}
    own = by_currency.get(assumed.currency, (0, 0, 0.0))
    return roi.Measured(
        conversations=resolved.conversations,
        resolved_confirmed=resolved.confirmed,
        resolved_assumed=resolved.assumed,
        agent_handled=resolved.agent_handled,
        leads=int(leads),
        purchases=sum(int(n) for n, _, _ in by_currency.values()),
        attributed_purchases=int(own[1] or 0),
        attributed_revenue=float(own[2] or 0.0),
        other_currencies={
            currency: float(value or 0.0)
            for currency, (_, hits, value) in sorted(by_currency.items())
            if currency != assumed.currency and hits
        },
    )


def roi_figures(*, session: Session, period: Period) -> RoiFigures:
    assumed = assumptions_of(session=session)
    measured = measure(session=session, period=period, assumed=assumed)
    return RoiFigures(measured, assumed, roi.compute(measured, assumed, days=period.days))


def figures(*, session: Session, period: Period) -> dict[str, Any]:
    """The ROI dashboard as the page shows it and the JSON command prints it."""
    found = roi_figures(session=session, period=period)
    return {
        "currency": found.assumptions.currency,
        "measured": asdict(found.measured) | {"resolved": found.measured.resolved},
        "assumptions": asdict(found.assumptions),
        **asdict(found.result),
    }
