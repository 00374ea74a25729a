"""Synthetic search logs: searches of listings, one booking each.

Explained in the chapter *Hidden units in a ranking network*
(``chapters/hidden-units-in-a-ranking-network.ipynb``).

A search log, as a ranking model is trained on it, holds one row per
listing shown in a search, the listing's features, and a label: booked
(1) or not (0). Here every search shows ``listings_per_search`` listings
and ends with exactly one booking, chosen by a known hidden preference,
so that how well a model ranks can be compared with the best possible.

The features have the kinds of distributions that
Haldar et al. (2019) describe for Airbnb's: the six non-negative,
heavy-tailed ones of :mod:`relu_notes.listings` (price, review count,
nights booked, bedrooms, distance, minimum stay), a bounded review score
between 1 and 5, and a match score between the search and the listing
that is close to normal.

The guest's preference is the utility ``u = t + 0.6 (score - 4.4) +
0.04 (match - 50)``, with ``t`` the listing value of
:func:`relu_notes.listings.target_function` (which rises with price up to
a point, with reviews and occupancy, and falls with distance). The guest
books the listing with the largest ``u + temperature * e``, where the
``e`` are independent standard Gumbel variables: the multinomial-logit
choice, in which a listing's chance is proportional to
``exp(u / temperature)``.

Outliers are data-entry errors in the logs: a few listings get the price
``outlier_price`` (1e5 where the median price is 100) while the guest's
choice still followed the true listing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from relu_notes import listings
from relu_notes._validate import check_count, check_positive

__all__ = ["FEATURES", "TRANSFORMS", "SearchLog", "make_search_logs"]

Array = NDArray[np.float64]

#: Names of the features, in column order.
FEATURES = (*listings.FEATURES, "review_score", "match_score")

#: The transform of each feature in the paper's recipe
#: (:class:`relu_notes.transforms.FeatureTransform`): the log-of-ratio-to-
#: median for the non-negative heavy-tailed ones, a z-score for the
#: bounded and the near-normal ones.
TRANSFORMS = ("log_median",) * len(listings.FEATURES) + ("zscore", "zscore")


@dataclass(frozen=True)
class SearchLog:
    """A generated search log.

    Attributes
    ----------
    X : ndarray, shape (n, 8)
        Features, columns as in :data:`FEATURES` (after any outliers).
    booked : ndarray, shape (n,)
        1.0 for the booked listing of each search, else 0.0.
    groups : ndarray of int, shape (n,)
        The search of each row, ``0 .. num_searches - 1``; the rows of a
        search are adjacent.
    utility : ndarray, shape (n,)
        The guest's hidden preference of each listing (clean features).
    outlier_rows : ndarray of int
        Rows whose price was replaced by the outlier price (sorted).
    feature_names : tuple of str
    """

    X: Array
    booked: Array
    groups: NDArray[np.int64]
    utility: Array
    outlier_rows: NDArray[np.int64]
    feature_names: tuple[str, ...] = FEATURES

    @property
    def num_searches(self) -> int:
        """Number of searches (groups)."""
        return int(self.groups.max()) + 1


def make_search_logs(
    num_searches: int,
    listings_per_search: int = 25,
    seed: int = 0,
    *,
    temperature: float = 0.3,
    n_outliers: int = 0,
    outlier_price: float = 1e5,
) -> SearchLog:
    """Generate ``num_searches`` searches with one booking each.

    Parameters
    ----------
    num_searches : int
        Number of searches, >= 1.
    listings_per_search : int
        Listings shown in each search, >= 2.
    seed : int
        Seed of the random generator; the same seed gives the same log.
    temperature : float
        Noise of the guest's choice (> 0): small values book the listing
        of largest utility almost always.
    n_outliers : int
        How many rows get the price ``outlier_price``
        (0 <= n_outliers <= number of rows).
    outlier_price : float
        The price written into those rows (> 0).

    Returns
    -------
    SearchLog

    Examples
    --------
    >>> log = make_search_logs(4, 10, seed=1, n_outliers=1)
    >>> log.X.shape, int(log.booked.sum()), log.outlier_rows.size
    ((40, 8), 4, 1)
    """
    num_searches = check_count(num_searches, "num_searches", 1)
    m = check_count(listings_per_search, "listings_per_search", 2)
    temperature = check_positive(temperature, "temperature")
    n = num_searches * m
    n_outliers = check_count(n_outliers, "n_outliers", 0)
    if n_outliers > n:
        raise ValueError(
            f"n_outliers ({n_outliers}) cannot exceed the number of rows "
            f"({n})"
        )
    outlier_price = check_positive(outlier_price, "outlier_price")
    rng = np.random.default_rng(seed)
    base = listings.draw_features(n, rng)
    score = 1.0 + 4.0 * rng.beta(8.0, 1.5, n)
    match = 50.0 + 10.0 * rng.standard_normal(n)
    X = np.column_stack([base, score, match])
    utility = (
        listings.target_function(base)
        + 0.6 * (score - 4.4)
        + 0.04 * (match - 50.0)
    )
    noisy = utility + temperature * rng.gumbel(size=n)
    choice = np.argmax(noisy.reshape(num_searches, m), axis=1)
    booked = np.zeros((num_searches, m))
    booked[np.arange(num_searches), choice] = 1.0
    rows = np.sort(rng.choice(n, size=n_outliers, replace=False))
    X[rows, 0] = outlier_price
    groups = np.repeat(np.arange(num_searches, dtype=np.int64), m)
    return SearchLog(X, booked.ravel(), groups, utility, rows.astype(np.int64))
