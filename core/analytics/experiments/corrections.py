"""Multiple-comparison corrections for experiments with several variants against control.

- Holm (step-down Bonferroni): sort the m p-values ascending; the i-th (from 1) becomes
  max over j <= i of min(1, (m - j + 1) p_(j)). Controls the family-wise error rate.
- Benjamini-Hochberg: the i-th becomes min over j >= i of min(1, m p_(j) / j). Controls the
  false-discovery rate.
Adjusted p-values come back in the input order; NaN entries stay NaN and are not counted.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.analytics.experiments.moments import FloatArray

HOLM, BENJAMINI_HOCHBERG, NO_CORRECTION = "holm", "benjamini-hochberg", "none"
CORRECTIONS = (HOLM, BENJAMINI_HOCHBERG, NO_CORRECTION)


def adjust(p_values: Sequence[float] | FloatArray, method: str) -> FloatArray:
    """Adjusted p-values by `method` (one of CORRECTIONS); the last axis holds the family."""
    p = np.atleast_1d(np.asarray(p_values, dtype=np.float64))
    if method == NO_CORRECTION:
        return p.copy()
    if method not in CORRECTIONS:
        raise ValueError(f"unknown correction {method!r}")
    out = np.full_like(p, np.nan)
    flat_in = p.reshape(-1, p.shape[-1])
    flat_out = out.reshape(flat_in.shape)  # a view: filling it fills `out`
    for row_in, row_out in zip(flat_in, flat_out, strict=True):
        valid = np.flatnonzero(~np.isnan(row_in))
        m = len(valid)
        if m == 0:
            continue
        order = valid[np.argsort(row_in[valid], kind="stable")]
        ranked = row_in[order]
        ranks = np.arange(1, m + 1)
        if method == HOLM:
            adjusted = np.maximum.accumulate(np.minimum(1.0, (m - ranks + 1) * ranked))
        else:
            adjusted = np.minimum.accumulate(np.minimum(1.0, m * ranked / ranks)[::-1])[::-1]
        row_out[order] = adjusted
    return out
