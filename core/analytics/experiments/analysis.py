"""The report of one experiment: every variant against control, plus the data-quality guards.

Shape (the command prints it as JSON; NaN figures become null):
    {"variants": [{"expected", "ci": [lo, hi], "se", "p_value", "p_value_adjusted",
                   "chance_to_win", "risk": [control, variant], "enough_data", "error"}, ...],
     "srm_p_value", "srm_warning", "correction", "engine", "sequential", "relative"}
The frequentist engine leaves chance_to_win and risk null; the Bayesian engine leaves the
p-values null. p_value_adjusted is set when more than one variant is compared to control.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from core.analytics.experiments import bayesian, frequentist, sequential, srm
from core.analytics.experiments.corrections import NO_CORRECTION, adjust
from core.analytics.experiments.inputs import Arm, Experiment
from core.analytics.experiments.moments import Moments, from_successes, from_sums

# GrowthBook's "minimum metric total": below it results are shown as not enough data yet.
MIN_METRIC_TOTAL = 150.0


def _moments(arm: Arm) -> Moments:
    if arm.sum_squares is None:
        return from_successes(arm.n, arm.total)
    return from_sums(arm.n, arm.total, arm.sum_squares)


def _number(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def _problem(control: Arm, variant: Arm, control_mean: float, relative: bool) -> str | None:
    if control.n == 0 or variant.n == 0:
        return "an arm has no units"
    if relative and control_mean == 0:
        return "the control mean is zero, so a relative lift is undefined"
    return "no variance in either arm, so no test is possible"


def enough_data(control: Arm, variant: Arm) -> bool:
    """True once control and variant together reach the minimum metric total (150)."""
    return abs(control.total) + abs(variant.total) >= MIN_METRIC_TOTAL


def analyse(experiment: Experiment) -> dict[str, Any]:
    """Compare every variant with control by the experiment's engine; see the module doc."""
    control_arm = experiment.arms[0]
    control = _moments(control_arm)
    rows: list[dict[str, Any]] = []
    for arm in experiment.arms[1:]:
        variant = _moments(arm)
        alpha, relative = experiment.alpha, experiment.relative
        row: dict[str, Any] = {"p_value": None, "chance_to_win": None, "risk": None}
        if experiment.engine == "bayesian":
            post = bayesian.posterior(
                control, variant, prior=experiment.prior, alpha=alpha, relative=relative
            )
            row.update(
                expected=_number(post.expected),
                ci=[_number(post.lower), _number(post.upper)],
                se=_number(post.sd),
                chance_to_win=_number(post.chance_to_win),
                risk=[_number(post.risk_control), _number(post.risk_variant)],
            )
        else:
            if experiment.sequential:
                test = sequential.sequential_test(
                    control, variant, n_star=experiment.n_star, alpha=alpha, relative=relative
                )
            else:
                test = frequentist.t_test(control, variant, alpha=alpha, relative=relative)
            row.update(
                expected=_number(test.expected),
                ci=[_number(test.lower), _number(test.upper)],
                se=_number(test.se),
                p_value=_number(test.p_value),
            )
        if row["se"] is None:
            # Nothing can be said: every figure is null and the reason is given.
            row.update(expected=None, ci=[None, None], p_value=None, chance_to_win=None)
            row.update(risk=None if row["risk"] is None else [None, None])
            row["error"] = _problem(control_arm, arm, float(control.mean), experiment.relative)
        else:
            row["error"] = None
        row["enough_data"] = enough_data(control_arm, arm)
        rows.append(row)

    correction = experiment.correction if len(rows) > 1 else NO_CORRECTION
    raw = np.array([np.nan if r["p_value"] is None else r["p_value"] for r in rows])
    adjusted = adjust(raw, correction) if experiment.engine == "frequentist" else raw * np.nan
    for row, value in zip(rows, adjusted, strict=True):
        row["p_value_adjusted"] = _number(value) if correction != NO_CORRECTION else None

    order = ("expected", "ci", "se", "p_value", "p_value_adjusted", "chance_to_win", "risk")
    rows = [{key: row[key] for key in (*order, "enough_data", "error")} for row in rows]
    units = [arm.n for arm in experiment.arms]
    return {
        "variants": rows,
        "srm_p_value": srm.srm_p_value(units, experiment.weights),
        "srm_warning": srm.srm_warning(units, experiment.weights),
        "correction": correction if experiment.engine == "frequentist" else NO_CORRECTION,
        "engine": experiment.engine,
        "sequential": experiment.sequential,
        "relative": experiment.relative,
    }
