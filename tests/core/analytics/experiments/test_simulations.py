"""Seeded simulations: the engine's error rates and power are what the theory promises.

Every experiment is simulated from binomial counts, vectorised: 1,000 experiments per test.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from core.analytics.experiments import corrections, frequentist, sequential, srm
from core.analytics.experiments.moments import from_successes

EXPERIMENTS = 1000
ALPHA = 0.05
RATE = 0.10


def test_aa_false_positives_at_a_fixed_horizon() -> None:
    rng = np.random.default_rng(14)
    n = 5000
    control, variant = rng.binomial(n, RATE, size=(2, EXPERIMENTS))
    result = frequentist.t_test(
        from_successes(n, control), from_successes(n, variant), alpha=ALPHA, relative=True
    )
    false_positive_rate = float(np.mean(result.p_value < ALPHA))
    assert 0.03 <= false_positive_rate <= 0.07, false_positive_rate


def _daily_aa(rng: np.random.Generator, days: int, per_day: int) -> tuple[np.ndarray, ...]:
    daily = rng.binomial(per_day, RATE, size=(2, EXPERIMENTS, days))
    cumulative = daily.cumsum(axis=2)
    n = per_day * np.arange(1, days + 1)
    return n, cumulative[0], cumulative[1]


def test_aa_peeking_daily_with_sequential_testing() -> None:
    rng = np.random.default_rng(2024)
    n, control, variant = _daily_aa(rng, days=28, per_day=300)
    control_m, variant_m = from_successes(n, control), from_successes(n, variant)
    seq = sequential.sequential_test(
        control_m, variant_m, alpha=ALPHA, relative=True, n_star=sequential.DEFAULT_N_STAR
    )
    sequential_rate = float(np.mean((seq.p_value < ALPHA).any(axis=1)))
    assert sequential_rate <= ALPHA, sequential_rate
    # The same daily looks with the fixed-horizon test: the peeking problem sequential solves.
    fixed = frequentist.t_test(control_m, variant_m, alpha=ALPHA, relative=True)
    peeking_rate = float(np.mean((fixed.p_value < ALPHA).any(axis=1)))
    assert peeking_rate > 0.10, peeking_rate
    # The sequence always covers the true lift (0) where the p-value says so.
    covered = (seq.lower <= 0) & (seq.upper >= 0)
    assert np.array_equal(covered, seq.p_value >= ALPHA)


@pytest.mark.parametrize("relative", [True, False])
def test_planted_20_percent_lift_found_with_the_predicted_power(relative: bool) -> None:
    rng = np.random.default_rng(7)
    n, lift = 4000, 0.20
    treated = RATE * (1 + lift)
    control, variant = rng.binomial(n, [[RATE], [treated]], size=(2, EXPERIMENTS))
    result = frequentist.t_test(
        from_successes(n, control), from_successes(n, variant), alpha=ALPHA, relative=relative
    )
    found = float(np.mean((result.p_value < ALPHA) & (result.expected > 0)))
    # Theory: a two-sided z test whose standard error is the engine's, taken at the true rates
    # (the delta method for the relative lift). Measured: relative 0.789 against 0.742 predicted
    # (the delta method is a little pessimistic for a ratio: 0.777 over 200,000 experiments),
    # absolute 0.828 against 0.816.
    if relative:
        effect = lift
        se = np.sqrt(
            treated * (1 - treated) / (RATE**2 * n) + RATE * (1 - RATE) * treated**2 / (RATE**4 * n)
        )
    else:
        effect = treated - RATE
        se = np.sqrt((treated * (1 - treated) + RATE * (1 - RATE)) / n)
    z = stats.norm.ppf(1 - ALPHA / 2)
    predicted = float(stats.norm.cdf(effect / se - z) + stats.norm.cdf(-effect / se - z))
    assert abs(found - predicted) <= 0.05, (found, predicted)


def test_srm_quiet_on_honest_splits_and_loud_on_1000_against_1200() -> None:
    rng = np.random.default_rng(3)
    units = rng.binomial(2200, 0.5, size=EXPERIMENTS)
    alarms = sum(srm.srm_warning([u, 2200 - u], [0.5, 0.5]) for u in units)
    assert alarms / EXPERIMENTS <= 0.005, alarms
    assert srm.srm_warning([1000, 1200], [0.5, 0.5])
    # A 20/80 plan observed as 1,000 / 1,200 is a mismatch too; 440 / 1,760 is not.
    assert srm.srm_warning([1000, 1200], [0.2, 0.8])
    assert not srm.srm_warning([440, 1760], [0.2, 0.8])
    # Too few units in an arm: no verdict, however lopsided.
    assert not srm.srm_warning([2, 40], [0.5, 0.5])


def test_holm_and_benjamini_hochberg_keep_three_variants_honest() -> None:
    rng = np.random.default_rng(99)
    n, arms = 5000, 4
    counts = rng.binomial(n, RATE, size=(arms, EXPERIMENTS))
    control = from_successes(n, counts[0])
    p_values = np.stack(
        [
            frequentist.t_test(
                control, from_successes(n, counts[i]), alpha=ALPHA, relative=True
            ).p_value
            for i in range(1, arms)
        ],
        axis=1,
    )  # one row of 3 comparisons per experiment
    uncorrected = float(np.mean((p_values < ALPHA).any(axis=1)))
    holm = float(np.mean((corrections.adjust(p_values, corrections.HOLM) < ALPHA).any(axis=1)))
    bh = corrections.adjust(p_values, corrections.BENJAMINI_HOCHBERG)
    bh_rate = float(np.mean((bh < ALPHA).any(axis=1)))
    assert uncorrected > 0.09, uncorrected
    # Under the global null, FWER = FDR: both corrections hold it near alpha (noise: +-0.007).
    assert holm <= 0.06, holm
    assert bh_rate <= 0.06, bh_rate
