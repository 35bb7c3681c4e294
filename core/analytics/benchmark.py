"""The business's own support figures beside industry baselines; no I/O here.

Baselines come from data/analytics/baselines.json (published survey figures with their source
and year, approximations marked) until the owner edits or adds some; each names one of METRICS.

Our figures, over conversations started in the period:
- first_response_seconds: median seconds from the visitor's first message to the first bot or
  agent reply (the bot's measured latency added, as on the Overview);
- bot_resolution_rate: share the bot resolved, confirmed or assumed (core.analytics.quality);
- satisfaction: share of thumbs-up among the latest ratings given in the period;
- handoff_rate: share a person took part in (an agent joined or wrote, or it is with an agent),
  or where the visitor asked for a person;
- time_to_resolution_seconds: median seconds from the first visitor message to the last reply,
  over conversations the bot resolved or an agent closed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# metric -> (label, unit, whether higher is better)
METRICS: dict[str, tuple[str, str, bool]] = {
    "first_response_seconds": ("First response time", "seconds", False),
    "bot_resolution_rate": ("Bot resolution rate", "share", True),
    "satisfaction": ("Satisfaction (share of thumbs-up)", "share", True),
    "handoff_rate": ("Handoff rate", "share", False),
    "time_to_resolution_seconds": ("Time to resolution", "seconds", False),
}
BASELINE_FIELDS = ("metric", "value", "source", "year", "approximation", "note")


def compare(
    ours: Mapping[str, float | None], baselines: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """One row per baseline, in METRICS order: our figure, the baseline, the difference and
    whether ours is better (None when either is missing)."""
    rows = []
    for metric, (label, unit, higher_better) in METRICS.items():
        for baseline in baselines:
            if baseline.get("metric") != metric:
                continue
            value = ours.get(metric)
            base = float(baseline["value"])
            better = None if value is None else (value > base if higher_better else value < base)
            rows.append(
                {
                    "metric": metric,
                    "label": label,
                    "unit": unit,
                    "ours": value,
                    "baseline": base,
                    "difference": None if value is None else value - base,
                    "better": better,
                    "source": str(baseline.get("source", "")),
                    "year": baseline.get("year"),
                    "approximation": bool(baseline.get("approximation", False)),
                    "note": str(baseline.get("note", "")),
                }
            )
    return rows


def check_baseline(values: Mapping[str, str]) -> tuple[dict[str, Any], str]:
    """An owner's baseline from the form, or an error saying what to fix."""
    metric = values.get("metric", "")
    if metric not in METRICS:
        return {}, "Choose which figure the baseline is for."
    try:
        value = float(values.get("value", ""))
    except ValueError:
        return {}, "Write the baseline as a number (shares as 0.45 for 45%)."
    if METRICS[metric][1] == "share" and not 0 <= value <= 1:
        return {}, "A share is between 0 and 1 (0.45 for 45%)."
    if value < 0:
        return {}, "A time cannot be negative."
    source = values.get("source", "").strip()
    if not source:
        return {}, "Say where the figure comes from."
    year_text = values.get("year", "").strip()
    if not (year_text.isdigit() and 1990 <= int(year_text) <= 2100):
        return {}, "Give the year of the source, like 2024."
    return {
        "metric": metric,
        "value": value,
        "source": source[:300],
        "year": int(year_text),
        "approximation": values.get("approximation", "") in ("on", "true", "yes"),
        "note": values.get("note", "").strip()[:300],
    }, ""
