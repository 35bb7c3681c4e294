"""A/B experiment statistics (issue 14): pure numpy/scipy functions, no I/O.

- `moments`: an arm's count, mean and variance, and the lift of a variant over control;
- `frequentist`: Welch's t-test on the lift; `sequential`: always-valid confidence sequences;
- `bayesian`: Gaussian posterior on the lift, chance to win, risk;
- `srm`, `corrections`: data-quality guards and multiple-comparison corrections;
- `inputs` and `analysis`: the checked input and the report of `python -m core.analytics.experiments`.

The functions take numpy arrays as well as numbers, so simulations run thousands of experiments in
one call; a figure the data cannot define (no units, zero variance, a zero control mean for a
relative lift) comes out as NaN.
"""
