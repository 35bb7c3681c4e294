"""Bayesian engine: a Gaussian posterior on the lift (GrowthBook's EffectBayesianABTest).

The likelihood of the lift is Normal(estimate, se^2) (see `moments.lift`). With the default
improper flat prior the posterior is that same normal; with a proper prior Normal(m0, v0) the
precisions add: 1/v = 1/se^2 + 1/v0 and mean = v (estimate/se^2 + m0/v0). From the posterior
Normal(mu, sd^2):
- chance to win = P(lift > 0) = Phi(mu / sd);
- credible interval = mu +/- z_(1 - alpha/2) sd;
- risk of choosing control = E[max(lift, 0)] (what is lost if the variant was better), risk of
  choosing the variant = E[max(-lift, 0)]; both on the scale of the lift.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from core.analytics.experiments.moments import FloatArray, Moments, lift

# GrowthBook's proper prior on a relative lift when the owner switches one on: N(0, 0.3^2).
DEFAULT_PROPER_PRIOR = (0.0, 0.3**2)


@dataclass(frozen=True)
class Prior:
    """A proper Gaussian prior on the lift, on the scale of the lift (relative or absolute)."""

    mean: float
    variance: float


@dataclass(frozen=True)
class BayesianResult:
    expected: FloatArray
    sd: FloatArray
    lower: FloatArray
    upper: FloatArray
    chance_to_win: FloatArray
    risk_control: FloatArray
    risk_variant: FloatArray


def posterior(
    control: Moments, variant: Moments, *, alpha: float, relative: bool, prior: Prior | None
) -> BayesianResult:
    """Posterior summaries of the variant's lift over control."""
    estimate, variance = lift(control, variant, relative=relative)
    if prior is None:
        mean, var = estimate, variance
    else:
        precision = 1 / variance + 1 / prior.variance
        var = 1 / precision
        mean = var * (estimate / variance + prior.mean / prior.variance)
    sd = np.sqrt(var)
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = mean / sd
    # E[max(X, 0)] for X ~ N(mu, sd^2) is mu Phi(mu/sd) + sd phi(mu/sd).
    gain = mean * stats.norm.cdf(ratio) + sd * stats.norm.pdf(ratio)
    return BayesianResult(
        expected=mean,
        sd=sd,
        lower=mean - z * sd,
        upper=mean + z * sd,
        chance_to_win=np.asarray(stats.norm.cdf(ratio), dtype=np.float64),
        risk_control=np.asarray(gain, dtype=np.float64),
        risk_variant=np.asarray(gain - mean, dtype=np.float64),
    )
