"""Sample-ratio mismatch: are the exposures split as the weights say?

Pearson's chi-square goodness of fit of the units per arm against total x weight, with
(arms - 1) degrees of freedom (GrowthBook's check_srm). A mismatch is reported at p < 0.001, and
only once every arm has at least 8 units (too few units give a meaningless test).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import stats

SRM_THRESHOLD = 0.001
MIN_UNITS_PER_ARM = 8


def srm_p_value(units: Sequence[float], weights: Sequence[float]) -> float:
    """p-value of the chi-square test of `units` against the expected split `weights`."""
    observed = np.asarray(units, dtype=np.float64)
    expected = observed.sum() * np.asarray(weights, dtype=np.float64)
    if observed.sum() <= 0:
        return 1.0
    statistic = float(np.sum((observed - expected) ** 2 / expected))
    return float(stats.chi2.sf(statistic, len(observed) - 1))


def srm_warning(units: Sequence[float], weights: Sequence[float]) -> bool:
    """True when the split is off (p < 0.001) and every arm has at least 8 units."""
    if min(units) < MIN_UNITS_PER_ARM:
        return False
    return srm_p_value(units, weights) < SRM_THRESHOLD
