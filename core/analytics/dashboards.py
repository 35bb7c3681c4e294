"""Every dashboard's figures for one period as one JSON-ready object: what
`python -m core.manage analytics --from DATE --to DATE --json` prints and docs/analytics.md
documents key by key. Each dashboard's page shows the same figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from sqlmodel import Session

from core.analytics.period import Period
from core.analytics.queries import benchmark, overview, quality, roi

Figures = Callable[..., dict[str, Any]]  # (session=, period=) -> JSON-ready dict


def _overview(*, session: Session, period: Period) -> dict[str, Any]:
    return asdict(overview.summary_of(session=session, period=period))


# Name -> figures, in the order the admin's sidebar lists the dashboards.
DASHBOARDS: dict[str, Figures] = {
    "overview": _overview,
    "quality": quality.figures,
    "roi": roi.figures,
    "benchmark": benchmark.figures,
}


def all_figures(*, session: Session, period: Period) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "period": {
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
            "time_zone": period.tz.key,
        }
    }
    for name, compute in DASHBOARDS.items():
        figures[name] = compute(session=session, period=period)
    return figures
