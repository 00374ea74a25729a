"""Intervals over seeds: how far a mean measured over a few random seeds
can be trusted.

Used in the chapter *Hidden units in a ranking network*
(``chapters/hidden-units-in-a-ranking-network.ipynb``), where every
comparison is drawn between means over ten or more seeds.

:func:`mean_interval` gives the mean over seeds and a percentile bootstrap
interval for it: the seeds are resampled with replacement many times, and
the interval holds the central ``level`` share of the resampled means. It
needs no assumption about the shape of the distribution (dead fractions
are bounded and often skewed), and it is deterministic, since the
resampling generator is seeded.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from relu_notes._validate import as_finite_array, check_count

__all__ = ["mean_interval"]


def mean_interval(
    values: ArrayLike,
    level: float = 0.95,
    *,
    num_resamples: int = 4000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Mean over seeds and a bootstrap interval for it.

    Parameters
    ----------
    values : array_like, shape (num_seeds,)
        One finite measurement per seed (at least two).
    level : float
        Coverage of the interval, in (0, 1).
    num_resamples : int
        Bootstrap resamples (>= 100).
    seed : int
        Seed of the resampling generator.

    Returns
    -------
    mean, low, high : float

    Examples
    --------
    >>> m, lo, hi = mean_interval([0.1, 0.2, 0.3, 0.4])
    >>> round(m, 2), lo <= m <= hi
    (0.25, True)
    """
    v = as_finite_array(values, "values", ndim=1)
    if v.size < 2:
        raise ValueError(
            f"values must hold at least two seeds, got {v.size}"
        )
    level = float(level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    num_resamples = check_count(num_resamples, "num_resamples", 100)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, v.size, size=(num_resamples, v.size))
    means = v[idx].mean(axis=1)
    tail = 50.0 * (1.0 - level)
    lo, hi = np.percentile(means, [tail, 100.0 - tail])
    return float(v.mean()), float(lo), float(hi)
