"""Our engine against GrowthBook's gbstats, to 4 decimals (their tests round to 5).

Inputs and expected outputs are copied from the tests of growthbook/growthbook, folder
packages/stats/tests/; each test names the file and test it comes from. gbstats itself pins
numpy below 2 and cannot be installed here, so its published figures are the reference.
"""

from __future__ import annotations

import pytest

from core.analytics.experiments import bayesian, corrections, frequentist, sequential, srm
from core.analytics.experiments.bayesian import Prior
from core.analytics.experiments.moments import from_successes, from_sums

# Agreement to 4 decimals: within half a unit of the 4th decimal (their figures have 5).
TOLERANCE = 0.5e-4


def close(value: object, expected: float) -> None:
    assert abs(float(value) - expected) < TOLERANCE, (float(value), expected)  # type: ignore[arg-type]


def check_test(
    result: frequentist.TestResult,
    expected: float,
    ci: tuple[float, float],
    se: float,
    p_value: float,
) -> None:
    close(result.expected, expected)
    close(result.lower, ci[0])
    close(result.upper, ci[1])
    close(result.se, se)
    close(result.p_value, p_value)


# packages/stats/tests/frequentist/test_tests.py, TestTwoSidedTTest.setUp
CONTROL_3407 = from_sums(3407, 1396.87, 52377.9767)
VARIANT_3461 = from_sums(3461, 2422.7, 134698.29)
# packages/stats/tests/frequentist/test_tests.py, TestSequentialTTest.test_sequential_test_runs
CONTROL_3000 = from_sums(3000, 1396.87, 52377.9767)


def test_relative_lift_of_a_mean() -> None:
    # frequentist/test_tests.py, TestTwoSidedTTest.test_two_sided_ttest
    result = frequentist.t_test(CONTROL_3407, VARIANT_3461, alpha=0.05, relative=True)
    check_test(result, 0.70732, (-0.03526, 1.44989), 0.37879, 0.06191)


def test_absolute_lift_of_a_mean() -> None:
    # frequentist/test_tests.py, TestTwoSidedTTest.test_two_sided_ttest_absolute
    result = frequentist.t_test(CONTROL_3407, VARIANT_3461, alpha=0.05, relative=False)
    check_test(result, 0.7 - 0.41, (0.04538, 0.53462), 0.12478, 0.02016)


def test_relative_lift_of_a_proportion() -> None:
    # frequentist/test_tests.py, TestTwoSidedTTest.test_two_sided_ttest_binom
    result = frequentist.t_test(
        from_successes(28, 14), from_successes(30, 16), alpha=0.05, relative=True
    )
    check_test(result, (16 / 30 - 0.5) / 0.5, (-0.47767, 0.61101), 0.2717, 0.80707)


def test_sequential_mean() -> None:
    # frequentist/test_tests.py, TestSequentialTTest.test_sequential_test_runs (N* = 1000)
    result = sequential.sequential_test(
        CONTROL_3000, VARIANT_3461, alpha=0.05, relative=True, n_star=1000
    )
    check_test(result, 0.50336, (-0.55844, 1.56516), 0.33341, 1.0)


def test_sequential_proportion_default_n_star() -> None:
    # frequentist/test_tests.py, TestSequentialTTest.test_sequential_test_runs_prop (N* = 5000)
    result = sequential.sequential_test(
        from_successes(3000, 1396),
        from_successes(3461, 2422),
        alpha=0.05,
        relative=True,
        n_star=sequential.DEFAULT_N_STAR,
    )
    check_test(result, 0.50386, (0.40098, 0.60675), 0.03386, 0.0)


def test_sequential_interval_is_wider_than_fixed_horizon() -> None:
    # frequentist/test_tests.py, TestSequentialTTest.test_sequential_test_tuning_as_expected:
    # N* near the actual 6,461 units gives the narrowest sequence.
    widths = {
        n_star: float(r.upper - r.lower)
        for n_star in (10, 6461, 10000)
        for r in [
            sequential.sequential_test(
                CONTROL_3000, VARIANT_3461, alpha=0.05, relative=True, n_star=n_star
            )
        ]
    }
    assert widths[6461] < widths[10000] < widths[10]
    fixed = frequentist.t_test(CONTROL_3000, VARIANT_3461, alpha=0.05, relative=True)
    assert float(fixed.upper - fixed.lower) < widths[6461]


def check_bayes(
    result: bayesian.BayesianResult,
    expected: float,
    ci: tuple[float, float],
    sd: float,
    chance_to_win: float,
    risk: tuple[float, float],
) -> None:
    close(result.expected, expected)
    close(result.lower, ci[0])
    close(result.upper, ci[1])
    close(result.sd, sd)
    close(result.chance_to_win, chance_to_win)
    close(result.risk_control, risk[0])
    close(result.risk_variant, risk[1])


def test_bayesian_proportion() -> None:
    # bayesian/test_tests.py, TestBinom.test_bayesian_binomial_ab_test
    result = bayesian.posterior(
        from_successes(100, 49), from_successes(100, 51), alpha=0.05, relative=True, prior=None
    )
    check_bayes(result, 0.04082, (-0.24779, 0.32943), 0.14725, 0.60918, (0.0814, 0.04058))


MEAN_A = from_sums(10, 100, 1002.25)
MEAN_B = from_sums(10, 105, 1111.5)


def test_bayesian_mean_improper_prior() -> None:
    # bayesian/test_tests.py, TestNorm.test_bayesian_gaussian_ab_test
    result = bayesian.posterior(MEAN_A, MEAN_B, alpha=0.05, relative=True, prior=None)
    check_bayes(result, 0.05, (-0.02, 0.12), 0.03572, 0.91923, (0.05131, 0.00131))


def test_bayesian_mean_proper_prior() -> None:
    # bayesian/test_tests.py, TestNorm.test_bayesian_gaussian_ab_test_informative
    # (GaussianPrior(mean=0.1, variance=0.1, proper=True))
    result = bayesian.posterior(
        MEAN_A, MEAN_B, alpha=0.05, relative=True, prior=Prior(mean=0.1, variance=0.1)
    )
    check_bayes(result, 0.05063, (-0.01893, 0.12019), 0.03549, 0.92315, (0.05186, 0.00123))


def test_srm_1000_against_1200() -> None:
    # packages/stats/tests/test_gbstats.py, test_srm: check_srm([1000, 1200], [0.5, 0.5])
    assert round(srm.srm_p_value([1000, 1200], [0.5, 0.5]), 9) == 0.000020079
    assert srm.srm_warning([1000, 1200], [0.5, 0.5])


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        # Holm (1979) by hand: sorted 0.01, 0.02, 0.03, 0.04 -> 4x, 3x, 2x, 1x, then running max.
        (corrections.HOLM, [0.04, 0.06, 0.06, 0.06]),
        # Benjamini-Hochberg: m p / rank, then running min from the largest:
        # 0.04, 0.04, 0.04, 0.04 (matches scipy.stats.false_discovery_control below).
        (corrections.BENJAMINI_HOCHBERG, [0.04, 0.04, 0.04, 0.04]),
    ],
)
def test_corrections_by_hand(method: str, expected: list[float]) -> None:
    adjusted = corrections.adjust([0.01, 0.03, 0.02, 0.04], method)
    assert adjusted.round(10).tolist() == [expected[0], expected[2], expected[1], expected[3]]


def test_benjamini_hochberg_matches_scipy() -> None:
    from scipy.stats import false_discovery_control

    p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216]
    ours = corrections.adjust(p, corrections.BENJAMINI_HOCHBERG)
    assert ours.round(12).tolist() == false_discovery_control(p, method="bh").round(12).tolist()
