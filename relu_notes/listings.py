"""Synthetic listings: heavy-tailed non-negative features, a known target
and controlled outliers.

Explained in the chapter *Dead units in a trained network*
(``chapters/dead-units-in-a-trained-network.ipynb``).

The features imitate the kind that Haldar et al. (2019) feed their
search-ranking network: prices and distances that are log-normal, counts
with long tails, and bounded counts with a large range. All are
non-negative, which is the case in which a ReLU unit dies most easily
(Part II). The target is a fixed, known function of the clean features
plus Gaussian noise, so that any error a network makes is its own.

Outliers are *feature errors*: a few rows get one feature multiplied by a
large factor (a price typed in cents, a count with extra zeros) while
their target stays what the clean listing deserves. How many rows, which
feature and how far are all arguments.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relu_notes._validate import (
    as_finite_array,
    check_choice,
    check_count,
    check_nonnegative,
    check_positive,
)

__all__ = [
    "FEATURES",
    "Listings",
    "draw_features",
    "make_listings",
    "target_function",
]

Array = NDArray[np.float64]

#: Names of the features, in column order.
FEATURES = (
    "price",
    "reviews",
    "nights_booked",
    "bedrooms",
    "distance_km",
    "min_nights",
)


@dataclass(frozen=True)
class Listings:
    """A generated data set.

    Attributes
    ----------
    X : ndarray, shape (n, 6)
        Features, columns as in :data:`FEATURES` (after any outliers).
    y : ndarray, shape (n,)
        Targets: :func:`target_function` of the *clean* features plus
        noise.
    outlier_rows : ndarray of int
        Indices of the rows whose feature was corrupted (sorted).
    feature_names : tuple of str
    """

    X: Array
    y: Array
    outlier_rows: NDArray[np.int64]
    feature_names: tuple[str, ...] = FEATURES


def target_function(X: ArrayLike) -> Array:
    """The known target of clean features, shape ``(n,)``.

    With ``u = log(price / 100)``, ``r = log(1 + reviews)``,
    ``o = nights_booked / 365``, ``k = bedrooms``,
    ``s = log(1 + distance_km)`` and ``m = min_nights``::

        y = 0.6 u - 0.8 max(0, u - 0.5) + 0.3 (r - 2.4)
            + 2 (o - 0.4) - 0.5 (s - 1.3) + 0.2 (k - 1.7)
            - 0.1 (m - 2.5)

    Roughly: demand rises with price up to a point and then falls,
    grows with reviews and occupancy, falls with distance. Values have a
    standard deviation near 0.7.
    """
    X = as_finite_array(X, "X", ndim=2)
    if X.shape[1] != len(FEATURES):
        raise ValueError(
            f"X must have {len(FEATURES)} columns {FEATURES}, got "
            f"shape {X.shape}"
        )
    if np.any(X < 0):
        raise ValueError("listing features must be non-negative")
    with np.errstate(divide="ignore"):
        u = np.log(np.maximum(X[:, 0], 1e-300) / 100.0)
    r = np.log1p(X[:, 1])
    o = X[:, 2] / 365.0
    k = X[:, 3]
    s = np.log1p(X[:, 4])
    m = X[:, 5]
    return (
        0.6 * u
        - 0.8 * np.maximum(0.0, u - 0.5)
        + 0.3 * (r - 2.4)
        + 2.0 * (o - 0.4)
        - 0.5 * (s - 1.3)
        + 0.2 * (k - 1.7)
        - 0.1 * (m - 2.5)
    )


def draw_features(n: int, rng: np.random.Generator) -> Array:
    """``n`` clean listings' features (columns as in :data:`FEATURES`),
    drawn from ``rng``; also used by :mod:`relu_notes.searchlogs`."""
    price = np.exp(np.log(100.0) + 0.6 * rng.standard_normal(n))
    # counts with a long tail: Poisson counts of a log-normal rate
    reviews = rng.poisson(np.exp(np.log(12.0) + 1.2 * rng.standard_normal(n)))
    nights = rng.binomial(365, rng.beta(2.0, 3.0, n))
    bedrooms = 1 + rng.poisson(0.7, n)
    distance = np.exp(np.log(3.0) + 0.8 * rng.standard_normal(n))
    min_nights = rng.geometric(0.4, n)
    return np.column_stack(
        [price, reviews, nights, bedrooms, distance, min_nights]
    ).astype(np.float64)


def make_listings(
    n: int,
    seed: int = 0,
    *,
    noise: float = 0.1,
    n_outliers: int = 0,
    outlier_feature: str = "price",
    outlier_factor: float = 100.0,
) -> Listings:
    """Generate ``n`` listings with a known target and optional outliers.

    Parameters
    ----------
    n : int
        Number of rows, >= 1.
    seed : int
        Seed of the random generator; the same seed gives the same data.
    noise : float
        Standard deviation of the Gaussian noise added to the target
        (>= 0).
    n_outliers : int
        How many rows get a corrupted feature (0 <= n_outliers <= n).
    outlier_feature : str
        Which feature is corrupted, one of :data:`FEATURES`.
    outlier_factor : float
        How far: the corrupted feature is multiplied by this (> 0).

    Returns
    -------
    Listings

    Examples
    --------
    >>> data = make_listings(500, seed=1, n_outliers=3)
    >>> data.X.shape, data.outlier_rows.size
    ((500, 6), 3)
    """
    n = check_count(n, "n", 1)
    n_outliers = check_count(n_outliers, "n_outliers", 0)
    if n_outliers > n:
        raise ValueError(
            f"n_outliers ({n_outliers}) cannot exceed n ({n})"
        )
    seed = check_count(seed, "seed")
    noise = check_nonnegative(noise, "noise")
    check_choice(outlier_feature, "outlier_feature", FEATURES)
    outlier_factor = check_positive(outlier_factor, "outlier_factor")
    rng = np.random.default_rng(seed)
    X = draw_features(n, rng)
    y = target_function(X) + noise * rng.standard_normal(n)
    rows = np.sort(rng.choice(n, size=n_outliers, replace=False))
    col = FEATURES.index(outlier_feature)
    X[rows, col] *= outlier_factor
    return Listings(X, y, rows.astype(np.int64))
