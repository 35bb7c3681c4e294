"""Every dashboard's figures for one period as one JSON-ready object: what
`python -m core.manage analytics --from DATE --to DATE --json` prints and docs/analytics.md
documents key by key. Each dashboard's page shows the same figures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from sqlmodel import Session

from core.analytics import flows as flow_figures
from core.analytics.heatmap import COLUMNS, ROWS
from core.analytics.period import Period
from core.analytics.queries import benchmark, flows, funnels, heatmap, overview, quality, roi
from core.crud import funnels as funnel_crud

Figures = Callable[..., dict[str, Any]]  # (session=, period=) -> JSON-ready dict


def _overview(*, session: Session, period: Period) -> dict[str, Any]:
    return asdict(overview.summary_of(session=session, period=period))


def _heatmap(*, session: Session, period: Period) -> dict[str, Any]:
    found = heatmap.all_views(session=session, period=period)
    panels: dict[str, dict[str, Any]] = {}
    for view in found:
        figures = asdict(view)
        del figures["panel"], figures["width_class"]
        panels.setdefault(view.panel, {})[view.width_class] = figures
    return {
        "grid": {"columns": COLUMNS, "rows": ROWS},
        "clicks": sum(view.clicks for view in found),
        "rage_clicks": sum(view.rage_clicks for view in found),
        "dead_clicks": sum(view.dead_clicks for view in found),
        "panels": panels,
    }


def _flows(*, session: Session, period: Period) -> dict[str, Any]:
    return flow_figures.as_json(flows.figures(session=session, period=period))


def _funnels(*, session: Session, period: Period) -> dict[str, Any]:
    """Every saved funnel's figures, keyed by its name."""
    return {
        funnel.name: funnels.funnel_figures(session=session, funnel=funnel, period=period).as_json()
        for funnel in funnel_crud.list_funnels(session=session)
    }


# Name -> figures, in the order the admin's sidebar lists the dashboards.
DASHBOARDS: dict[str, Figures] = {
    "overview": _overview,
    "flows": _flows,
    "funnels": _funnels,
    "heatmap": _heatmap,
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
