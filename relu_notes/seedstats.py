"""Intervals over seeds: how far a mean or median measured over a few
random seeds can be trusted.

Used wherever Part IV draws a comparison between settings, first in
*What prevents dead units, measured*
(``chapters/preventing-dead-units.ipynb``) and *Hidden units in a ranking
network* (``chapters/hidden-units-in-a-ranking-network.ipynb``).

:func:`bootstrap_interval` gives the mean or median over seeds and a
percentile bootstrap interval for it: the seeds are resampled with
replacement many times, and the interval holds the central ``level``
share of the resampled statistics; :func:`mean_interval` is the same for
the mean, for at least two finite seeds. It
needs no assumption about the shape of the distribution (dead fractions
are bounded and often skewed), and it is deterministic, since the
resampling generator is seeded.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from relu_notes._validate import as_finite_array, as_float_array, check_count
from relu_notes.book import number

__all__ = ["bootstrap_interval", "interval_text", "mean_interval"]


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
    num_resamples = check_count(num_resamples, "num_resamples", 100)
    return bootstrap_interval(v, "mean", level, num_resamples, seed)


def bootstrap_interval(
    values: ArrayLike,
    statistic: str = "mean",
    level: float = 0.9,
    num_resamples: int = 2000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """A statistic of per-seed results and its bootstrap interval.

    The finite entries of ``values`` (one per seed; NaN marks a diverged
    run and is left out) are resampled with replacement
    ``num_resamples`` times; the interval holds the central ``level`` of
    the resampled statistics (percentile bootstrap). Two remedies whose
    intervals do not overlap differ by more than the spread between
    seeds explains. Used for the remedies table of *What prevents dead
    units, measured* (``chapters/preventing-dead-units.ipynb``).

    Parameters
    ----------
    values : array_like, shape (n,)
        One result per seed.
    statistic : {"mean", "median"}
    level : float
        In (0, 1).
    num_resamples : int
        At least 1.
    seed : int
        Seed of the resampling.

    Returns
    -------
    (estimate, low, high) : tuple of float
        The statistic of the finite values and its interval; all NaN if
        no value is finite.
    """
    v = as_float_array(values, "values")
    if v.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got {v.shape}")
    if statistic not in ("mean", "median"):
        raise ValueError(
            f"statistic must be 'mean' or 'median', got {statistic!r}"
        )
    level = float(level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    num_resamples = check_count(num_resamples, "num_resamples", 1)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return (np.nan, np.nan, np.nan)
    stat = np.mean if statistic == "mean" else np.median
    rng = np.random.default_rng(seed)
    resampled = v[rng.integers(0, v.size, (num_resamples, v.size))]
    low, high = np.quantile(
        stat(resampled, axis=1), [(1 - level) / 2, (1 + level) / 2]
    )
    return (float(stat(v)), float(low), float(high))


def interval_text(
    values: ArrayLike,
    scale: float = 1.0,
    fmt: str = ".1f",
    statistic: str = "mean",
) -> str:
    """``"estimate [low, high]"`` for a table cell or a sentence: the mean
    (or median) over seeds and its 90 % bootstrap interval
    (:func:`bootstrap_interval`; diverged runs, marked NaN, left out),
    each formatted by :func:`relu_notes.book.number`.

    Parameters
    ----------
    values : array_like, shape (num_seeds,)
        One result per seed.
    scale : float
        Multiplies the values first (100 for percentages).
    fmt : str
        Number format of all three numbers.
    statistic : {"mean", "median"}
        What is estimated, as in :func:`bootstrap_interval`.

    Returns
    -------
    str
        With no-break spaces, so a table cell does not wrap inside it;
        ``"–"`` when no run finished.
    """
    return format_interval(bootstrap_interval(
        np.asarray(values, dtype=float) * scale, statistic
    ), fmt)


def format_interval(
    interval: tuple[float, float, float], fmt: str = ".1f",
    scale: float = 1.0,
) -> str:
    """``"estimate [low, high]"`` from an interval already computed, such
    as the result of :func:`bootstrap_interval`; each number times
    ``scale``, formatted by :func:`relu_notes.book.number`, with no-break
    spaces. Only the estimate when the three agree at this precision
    (every seed gave the same result); ``"–"`` when the estimate is NaN
    (no run finished)."""
    if len(interval) != 3:
        raise ValueError(
            "interval must be (estimate, low, high), got "
            f"{len(interval)} numbers"
        )
    m, lo, hi = (float(v) * scale for v in interval)
    if not np.isfinite(m):
        return "\u2013"
    m, lo, hi = (number(v, fmt) for v in (m, lo, hi))
    if lo == hi == m:  # every seed gave the same result, at this precision
        return m
    return f"{m}\u00a0[{lo},\u00a0{hi}]"
