"""Sequential testing: asymptotic always-valid confidence sequences (Waudby-Smith et al.,
"Time-uniform central limit theory and asymptotic confidence sequences", arXiv 2103.06476),
as GrowthBook computes them.

With N = n_control + n_variant, sigma^2 = se^2 x N (the per-unit variance of the lift) and the
mixing parameter rho chosen so the sequence is tightest near N* units (eq. 161):
    rho^2 = (-2 ln alpha + ln(1 - 2 ln alpha)) / N*
the interval is lift +/- sigma sqrt(2 (N rho^2 + 1) ln(sqrt(N rho^2 + 1) / alpha) / (N rho)^2)
(eq. 9), and the always-valid p-value is the smallest alpha whose sequence excludes zero:
    p = min(1, sqrt(N rho^2 + 1) exp(-rho^2 N lift^2 / (2 se^2 (N rho^2 + 1)))).
Valid at every look: the owner may read the results daily without inflating false positives.
"""

from __future__ import annotations

import numpy as np

from core.analytics.experiments.frequentist import TestResult
from core.analytics.experiments.moments import FloatArray, Moments, lift

DEFAULT_N_STAR = 5000.0


def mixing_rho(alpha: float, n_star: float) -> float:
    """rho for which the confidence sequence is narrowest at n_star units (eq. 161)."""
    log_alpha = np.log(alpha)
    return float(np.sqrt((-2 * log_alpha + np.log(-2 * log_alpha + 1)) / n_star))


def halfwidth(variance: FloatArray, n: FloatArray, *, alpha: float, n_star: float) -> FloatArray:
    """Half-width of the two-sided sequence for an estimate of variance `variance` from n units."""
    rho = mixing_rho(alpha, n_star)
    spread = n * rho**2 + 1
    sigma2 = variance * n
    return np.asarray(
        np.sqrt(sigma2 * 2 * spread * np.log(np.sqrt(spread) / alpha) / (n * rho) ** 2),
        dtype=np.float64,
    )


def sequential_test(
    control: Moments, variant: Moments, *, alpha: float, relative: bool, n_star: float
) -> TestResult:
    """Always-valid interval and p-value of the variant against control."""
    estimate, variance = lift(control, variant, relative=relative)
    n = control.n + variant.n
    width = halfwidth(variance, n, alpha=alpha, n_star=n_star)
    rho2 = mixing_rho(alpha, n_star) ** 2
    spread = n * rho2 + 1
    # In logs: for strong evidence the e-value overflows while its inverse just tends to 0.
    log_p = 0.5 * np.log(spread) - rho2 * n * estimate**2 / (2 * variance * spread)
    p_value = np.minimum(1.0, np.exp(np.minimum(log_p, 0.0)))
    return TestResult(
        expected=estimate,
        se=np.sqrt(variance),
        lower=estimate - width,
        upper=estimate + width,
        p_value=np.asarray(p_value, dtype=np.float64),
    )
