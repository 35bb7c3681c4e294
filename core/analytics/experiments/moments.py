"""An arm's moments (units, mean, variance) and the lift of a variant over control.

The relative lift (variant mean - control mean) / control mean has its variance from the delta
method, as in GrowthBook's gbstats: Var = s_b^2 / (m_a^2 n_b) + s_a^2 m_b^2 / (m_a^4 n_a).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Moments:
    """Units, mean and per-unit variance of one arm (arrays: one entry per simulated experiment)."""

    n: FloatArray
    mean: FloatArray
    variance: FloatArray


def from_sums(n: npt.ArrayLike, total: npt.ArrayLike, sum_squares: npt.ArrayLike) -> Moments:
    """A mean metric: n units, the sum of their values and the sum of their squares.

    The variance is the sample variance (n - 1 in the denominator); NaN below two units.
    """
    n_ = np.asarray(n, dtype=np.float64)
    s = np.asarray(total, dtype=np.float64)
    q = np.asarray(sum_squares, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(n_ > 0, s / n_, np.nan)
        variance = np.where(n_ > 1, (q - s * s / n_) / (n_ - 1), np.nan)
    return Moments(n=n_, mean=mean, variance=np.maximum(variance, 0.0))


def from_successes(n: npt.ArrayLike, successes: npt.ArrayLike) -> Moments:
    """A proportion: the Bernoulli mean p = successes / n and variance p (1 - p)."""
    n_ = np.asarray(n, dtype=np.float64)
    k = np.asarray(successes, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(n_ > 0, k / n_, np.nan)
    return Moments(n=n_, mean=p, variance=p * (1.0 - p))


def lift(control: Moments, variant: Moments, *, relative: bool) -> tuple[FloatArray, FloatArray]:
    """(estimate, variance of the estimate) of the variant's lift over control.

    NaN where undefined: an arm without units, or a zero control mean for a relative lift.
    Zero variance (every unit alike in both arms) is also reported as NaN: no test is possible.
    """
    ma, va, na = control.mean, control.variance, control.n
    mb, vb, nb = variant.mean, variant.variance, variant.n
    with np.errstate(divide="ignore", invalid="ignore"):
        if relative:
            estimate = np.where(ma != 0, (mb - ma) / ma, np.nan)
            variance = vb / (ma**2 * nb) + va * mb**2 / (ma**4 * na)
        else:
            estimate = mb - ma
            variance = vb / nb + va / na
    variance = np.where(np.isfinite(variance) & (variance > 0), variance, np.nan)
    return estimate, variance


def welch_dof(control: Moments, variant: Moments) -> FloatArray:
    """Welch-Satterthwaite degrees of freedom of the difference of two means."""
    a = control.variance / control.n
    b = variant.variance / variant.n
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(
            (a + b) ** 2 / (a**2 / (control.n - 1) + b**2 / (variant.n - 1)), dtype=np.float64
        )
