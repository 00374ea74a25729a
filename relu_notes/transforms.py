"""Feature transforms of Haldar et al. (2019): z-scores and the
log-of-ratio-to-median, fitted on training data and applied to new data.

Explained in the chapter *Dead units in a trained network*
(``chapters/dead-units-in-a-trained-network.ipynb``).

Two transforms bring each feature to a range around ``[-1, 1]``:

- ``"zscore"``: ``(x - mean) / std``, for features that look roughly
  normal;
- ``"log_median"``: ``log((1 + x) / (1 + median))``, for non-negative
  heavy-tailed features (prices, counts); the median maps to 0 and a
  factor of ``e`` maps to a distance of about 1.

The statistics (mean, standard deviation, median) are computed by
:meth:`FeatureTransform.fit` on the *training* data only and then reused
by :meth:`FeatureTransform.transform` for validation and production data,
so that a new row is transformed exactly as the model saw its training
data, whatever that new row holds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relu_notes._validate import as_finite_array, check_choice

__all__ = ["METHODS", "FeatureTransform"]

Array = NDArray[np.float64]

#: The transforms one column can get.
METHODS = ("zscore", "log_median", "identity")


class FeatureTransform:
    """Column-wise feature transform with ``fit`` / ``transform``.

    Parameters
    ----------
    methods : str or sequence of str
        One of :data:`METHODS` for every column, or one per column.

    Attributes
    ----------
    mean_, std_, median_ : ndarray of shape (d,)
        Training statistics of every column, set by :meth:`fit` (all
        three are stored; each column uses the ones its method needs).

    Examples
    --------
    >>> tf = FeatureTransform("log_median").fit([[1.0], [3.0], [9.0]])
    >>> tf.transform([[3.0]])
    array([[0.]])
    """

    def __init__(self, methods: str | Sequence[str] = "zscore") -> None:
        if isinstance(methods, str):
            check_choice(methods, "method", METHODS)
        else:
            methods = tuple(methods)
            if len(methods) == 0:
                raise ValueError("methods must name at least one method")
            for m in methods:
                check_choice(m, "method", METHODS)
        self.methods = methods
        self.mean_: Array | None = None
        self.std_: Array | None = None
        self.median_: Array | None = None

    def __repr__(self) -> str:
        return f"FeatureTransform(methods={self.methods!r})"

    def _column_methods(self, d: int) -> tuple[str, ...]:
        if isinstance(self.methods, str):
            return (self.methods,) * d
        if len(self.methods) != d:
            raise ValueError(
                f"{len(self.methods)} methods given for {d} columns"
            )
        return self.methods

    def _matrix(self, X: ArrayLike) -> Array:
        X = as_finite_array(X, "X")
        if X.ndim != 2 or X.shape[0] == 0:
            raise ValueError(
                f"X must have shape (n, d) with n >= 1, got {X.shape}"
            )
        return X

    def fit(self, X: ArrayLike) -> FeatureTransform:
        """Compute the training statistics of each column of ``X``.

        Raises
        ------
        ValueError
            If a z-scored column is constant (its standard deviation is
            0), or a log-median column holds values <= -1.
        """
        X = self._matrix(X)
        methods = self._column_methods(X.shape[1])
        mean, std = _mean_std(X)
        for j, m in enumerate(methods):
            if m == "zscore" and not std[j] > 0:
                raise ValueError(
                    f"column {j} is constant in the training data; its "
                    "z-score is undefined"
                )
            if m == "log_median":
                _check_log_domain(X[:, j], j)
        self.mean_ = mean
        self.std_ = std
        with np.errstate(over="ignore"):
            median = np.median(X, axis=0)
        for j in np.flatnonzero(~np.isfinite(median)):
            # the mean of the two middle values overflowed: halve first
            median[j] = 2.0 * np.median(0.5 * X[:, j])
        self.median_ = median
        return self

    def transform(self, X: ArrayLike) -> Array:
        """Transform ``X`` with the statistics fitted on training data.

        Returns
        -------
        ndarray of the shape of ``X``
        """
        if self.mean_ is None:
            raise ValueError("call fit(X_train) before transform")
        X = self._matrix(X)
        d = self.mean_.shape[0]
        if X.shape[1] != d:
            raise ValueError(
                f"X must have {d} columns like the training data, got "
                f"shape {X.shape}"
            )
        methods = self._column_methods(d)
        out = X.copy()
        for j, m in enumerate(methods):
            if m == "zscore":
                with np.errstate(over="ignore"):
                    out[:, j] = (X[:, j] - self.mean_[j]) / self.std_[j]
                if not np.isfinite(out[:, j]).all():
                    raise ValueError(
                        f"column {j}: a z-score overflowed float64 (the "
                        "value lies about 1e308 from the training mean)"
                    )
            elif m == "log_median":
                _check_log_domain(X[:, j], j)
                out[:, j] = np.log1p(X[:, j]) - np.log1p(self.median_[j])
        return out

    def fit_transform(self, X: ArrayLike) -> Array:
        """:meth:`fit` on ``X``, then :meth:`transform` it."""
        return self.fit(X).transform(X)


def _mean_std(X: Array) -> tuple[Array, Array]:
    """Column means and standard deviations, finite for finite data.

    A column whose squares overflow (values near 1e300) is divided by
    its largest magnitude first, instead of getting a standard deviation
    of inf and z-scores of 0.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        mean, std = X.mean(axis=0), X.std(axis=0)
    for j in np.flatnonzero(~(np.isfinite(mean) & np.isfinite(std))):
        big = np.max(np.abs(X[:, j]))
        col = X[:, j] / big
        with np.errstate(over="ignore"):
            mean[j] = col.mean() * big
            std[j] = col.std() * big
        if not (np.isfinite(mean[j]) and np.isfinite(std[j])):
            raise ValueError(
                f"column {j}: its standard deviation overflows float64; "
                "rescale the feature"
            )
    return mean, std


def _check_log_domain(col: Array, j: int) -> None:
    if np.any(col <= -1):
        raise ValueError(
            f"column {j} holds values <= -1; log((1 + x) / (1 + median)) "
            "needs x > -1 (it is meant for non-negative features)"
        )
