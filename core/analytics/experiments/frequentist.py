"""Fixed-horizon frequentist test: two-sided Welch t-test on the lift.

t = lift / se with Welch-Satterthwaite degrees of freedom; the confidence interval is
lift +/- t_(1 - alpha/2, dof) x se and the p-value 2 P(T > |t|) (GrowthBook's TwoSidedTTest).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from core.analytics.experiments.moments import FloatArray, Moments, lift, welch_dof


@dataclass(frozen=True)
class TestResult:
    """Lift estimate, its standard error, interval and p-value (arrays, NaN where undefined)."""

    expected: FloatArray
    se: FloatArray
    lower: FloatArray
    upper: FloatArray
    p_value: FloatArray


def t_test(control: Moments, variant: Moments, *, alpha: float, relative: bool) -> TestResult:
    """Two-sided Welch t-test of the variant against control at level alpha."""
    estimate, variance = lift(control, variant, relative=relative)
    se = np.sqrt(variance)
    dof = welch_dof(control, variant)
    with np.errstate(divide="ignore", invalid="ignore"):
        width = stats.t.ppf(1 - alpha / 2, dof) * se
        p_value = 2 * stats.t.sf(np.abs(estimate / se), dof)
    return TestResult(
        expected=estimate,
        se=se,
        lower=estimate - width,
        upper=estimate + width,
        p_value=np.asarray(p_value, dtype=np.float64),
    )
