"""The ROI page's state: the ROI and benchmark dashboards' figures (the dicts the JSON command
prints) formatted for the page, the owner's assumptions and baselines (saved by owners only),
and CSV downloads of each table and chart's data."""

from __future__ import annotations

from typing import Any

import reflex as rx

from app import charts
from app.charts.roi import against_baselines, gains_and_costs
from app.date_range import RangeState, csv_download
from app.session_state import guarded
from core.analytics import benchmark as bench
from core.analytics import roi as roi_math
from core.analytics.period import Period
from core.analytics.queries import benchmark as bench_queries
from core.analytics.queries import roi as roi_queries
from core.crud import assessment
from core.db import session_scope
from core.models.users import UserRole

DASH = "–"
INPUT_COLUMNS = ("name", "value", "source", "where")
GAIN_COLUMNS = ("item", "amount", "currency")
COMPARISON_COLUMNS = (
    "metric", "label", "unit", "ours", "baseline", "difference", "better", "source", "year",
    "approximation", "note",
)  # fmt: skip
METRIC_CHOICES = [{"value": key, "label": label} for key, (label, _, _) in bench.METRICS.items()]
EMPTY_BASELINE = {
    "metric": "",
    "value": "",
    "source": "",
    "year": "",
    "note": "",
    "approximation": "",
}


def money(value: float | None, currency: str) -> str:
    return DASH if value is None else f"{value:,.2f} {currency}"


def shown(value: float | None, unit: str) -> str:
    if value is None:
        return DASH
    if unit == "share":
        return f"{value:.1%}"
    return f"{value:,.1f} s" if value < 120 else f"{value / 60:,.1f} min"


def comparison_row(row: dict[str, Any], index: int) -> dict[str, str]:
    unit = row["unit"]
    verdict = {True: "better", False: "worse", None: DASH}[row["better"]]
    return {
        "index": str(index),
        "label": row["label"],
        "ours": shown(row["ours"], unit),
        "baseline": shown(row["baseline"], unit),
        "verdict": verdict,
        "source": row["source"],
        "year": str(row["year"]),
        "kind": "approximation" if row["approximation"] else "as published",
        "note": row["note"],
    }


class RoiState(RangeState):
    cards: list[dict[str, str]] = []
    inputs: list[dict[str, str]] = []
    comparison: list[dict[str, str]] = []
    form: dict[str, str] = {}
    form_error: str = ""
    baseline_form: dict[str, str] = EMPTY_BASELINE
    baseline_error: str = ""
    notice: str = ""
    loaded: bool = False
    metric_choices: list[dict[str, str]] = METRIC_CHOICES
    _roi: dict[str, Any] = {}
    _bench: dict[str, Any] = {}
    _baselines: list[dict[str, Any]] = []
    _shown: Period | None = None

    @rx.var
    def gains_chart(self) -> charts.Figure:
        return gains_and_costs(self._gain_rows(), self._roi.get("currency", ""))

    @rx.var
    def baselines_chart(self) -> charts.Figure:
        return against_baselines(self._bench.get("comparison", []))

    def _gain_rows(self) -> list[dict[str, Any]]:
        found, currency = self._roi, self._roi.get("currency", "")
        if not found:
            return []
        return [
            {"item": "Savings", "amount": found["savings"], "currency": currency},
            {"item": "Attributed revenue", "amount": found["attributed_revenue"], "currency": currency},
            {"item": "Running cost", "amount": found["running_cost"], "currency": currency},
        ]  # fmt: skip

    def _load(self) -> None:
        period = self._checked_period()
        if period is None:
            return
        with session_scope() as session:
            self._roi = roi_queries.figures(session=session, period=period)
            self._bench = bench_queries.figures(session=session, period=period)
            self._baselines = assessment.baselines(assessment.get_assumptions(session=session))
        self._shown = period
        found, currency = self._roi, self._roi["currency"]
        roi_pct = found["roi_percent"]
        self.cards = [
            {"label": "ROI", "value": DASH if roi_pct is None else f"{roi_pct:,.0f}%", "help": "(savings + revenue - running cost) / running cost"},
            {"label": "Net gain", "value": money(found["net"], currency), "help": "Savings + attributed revenue - running cost"},
            {"label": "Savings", "value": money(found["savings"], currency), "help": "Bot resolutions x cost of a human conversation"},
            {"label": "Attributed revenue", "value": money(found["attributed_revenue"], currency), "help": "Tracked purchases after a chat"},
            {"label": "Running cost", "value": money(found["running_cost"], currency), "help": "Monthly cost prorated to the period"},
            {"label": "Cost per resolution", "value": money(found["cost_per_resolution"], currency), "help": "Running cost / bot resolutions"},
            {"label": "Cost per lead", "value": money(found["cost_per_lead"], currency), "help": "Running cost / contact forms sent"},
        ]  # fmt: skip
        others = found["measured"]["other_currencies"]
        if others:
            listed = ", ".join(f"{v:,.2f} {c}" for c, v in others.items())
            self.cards.append(
                {
                    "label": "Not converted",
                    "value": listed,
                    "help": f"Attributed purchases not in {currency}",
                }
            )
        self.inputs = [
            {
                "name": row["name"],
                "value": f"{row['value']:,.2f}"
                if isinstance(row["value"], float)
                else str(row["value"]),
                "source": row["source"],
                "where": row["where"],
            }
            for row in found["inputs"]
        ]
        self.comparison = [
            comparison_row(row, i) for i, row in enumerate(self._bench["comparison"])
        ]
        assumed = found["assumptions"]
        self.form = {key: str(value) for key, value in assumed.items()}
        self.loaded = True

    @rx.event
    @guarded()
    def load(self) -> None:
        self.notice = self.form_error = self.baseline_error = ""
        self._load()

    @rx.event
    @guarded()
    def set_form(self, name: str, value: str) -> None:
        self.form = self.form | {name: value[:20]}

    @rx.event
    @guarded(UserRole.OWNER)
    def save_assumptions(self) -> None:
        values, error = roi_math.check_assumptions(self.form)
        self.form_error = error
        if error:
            return
        with session_scope() as session:
            assessment.save_assumptions(session=session, values=values)
        self._load()
        self.notice = "Assumptions saved; the figures above use them."

    @rx.event
    @guarded()
    def set_baseline_field(self, name: str, value: str) -> None:
        self.baseline_form = self.baseline_form | {name: value[:300]}

    @rx.event
    @guarded(UserRole.OWNER)
    def add_baseline(self) -> None:
        baseline, error = bench.check_baseline(self.baseline_form)
        self.baseline_error = error
        if error:
            return
        self._save_baselines([*self._baselines, baseline])
        self.baseline_form = dict(EMPTY_BASELINE)
        self.notice = "Baseline added."

    @rx.event
    @guarded(UserRole.OWNER)
    def remove_baseline(self, index: str) -> None:
        row = self._bench["comparison"][int(index)]
        kept = [
            b
            for b in self._baselines
            if not (
                b.get("metric") == row["metric"]
                and b.get("source") == row["source"]
                and float(b.get("value", 0)) == row["baseline"]
            )
        ]
        self._save_baselines(kept)
        self.notice = "Baseline removed."

    @rx.event
    @guarded(UserRole.OWNER)
    def restore_baselines(self) -> None:
        self._save_baselines([])
        self.notice = "The shipped baselines are back."

    def _save_baselines(self, baselines: list[dict[str, Any]]) -> None:
        with session_scope() as session:
            assessment.save_assumptions(session=session, values={}, baselines=baselines)
        self._load()

    @rx.event
    @guarded()
    def download_inputs(self) -> Any:
        return csv_download("roi-inputs", self._roi.get("inputs", []), INPUT_COLUMNS, self._shown)

    @rx.event
    @guarded()
    def download_gains(self) -> Any:
        return csv_download("roi-gains-and-costs", self._gain_rows(), GAIN_COLUMNS, self._shown)

    @rx.event
    @guarded()
    def download_comparison(self) -> Any:
        return csv_download(
            "benchmark", self._bench.get("comparison", []), COMPARISON_COLUMNS, self._shown
        )
