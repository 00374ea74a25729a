"""Small synthetic data sets for Part II, *Death by an outlier*.

Explained in the chapter *An outlier kills a neuron*
(``chapters/an-outlier-kills-a-neuron.ipynb``).

Ordinary inputs come in three kinds, each with a stated distribution:

- ``"nonnegative"``: every feature log-normal, ``exp(N(0, 0.5**2))``:
  positive, right-skewed, median 1, like prices measured in units of the
  median price. Almost all values lie in [0.3, 3].
- ``"counts"``: every feature Poisson with mean 3 (non-negative
  integers, zeros included), like numbers of reviews or bookings.
- ``"zero_mean"``: every feature standard normal, like z-scored features.

Non-negative inputs are what a unit sees after a ReLU layer and what raw
prices and counts look like; zero-mean inputs are what normalisation
produces. The difference decides whether an outlier kills a unit.

Targets come from a known *teacher* neuron, so that a student neuron can
settle exactly. An outlier is one feature of one example set far outside
its usual range, with the target left as it was: the label is ordinary,
only the feature is broken (a price typed in cents instead of dollars).

Every generator takes ``rng``: a :class:`numpy.random.Generator`, an
integer seed, or None (fresh entropy; avoid it in the book).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relu_notes._validate import (
    as_finite_array,
    check_choice,
    check_count,
    check_finite_scalar,
    check_index,
    check_nonnegative,
)
from relu_notes.neuron import Neuron

__all__ = [
    "INPUT_KINDS",
    "make_data",
    "ordinary_inputs",
    "outlier_example",
    "teacher_targets",
    "with_outlier",
]

Array = NDArray[np.float64]

#: The kinds of ordinary input that :func:`ordinary_inputs` can draw.
INPUT_KINDS = ("nonnegative", "counts", "zero_mean")


def ordinary_inputs(
    n: int,
    d: int,
    kind: str = "nonnegative",
    rng: np.random.Generator | int | None = None,
) -> Array:
    """Draw ``n`` ordinary examples with ``d`` features, shape ``(n, d)``.

    Parameters
    ----------
    n, d : int
        Number of examples and of features, both >= 1.
    kind : {"nonnegative", "counts", "zero_mean"}
        The distribution of every feature (see the module docstring).
    rng : Generator, int or None
        Source of randomness.
    """
    n = check_count(n, "n", 1)
    d = check_count(d, "d", 1)
    check_choice(kind, "input kind", INPUT_KINDS)
    gen = np.random.default_rng(rng)
    if kind == "nonnegative":
        return gen.lognormal(mean=0.0, sigma=0.5, size=(n, d))
    if kind == "counts":
        return gen.poisson(3.0, size=(n, d)).astype(np.float64)
    return gen.standard_normal((n, d))


def teacher_targets(
    X: ArrayLike,
    w: ArrayLike,
    b: float,
    noise: float = 0.0,
    rng: np.random.Generator | int | None = None,
) -> Array:
    """Targets ``relu(X @ w + b)`` of a teacher neuron, plus optional
    Gaussian noise of standard deviation ``noise``."""
    y = Neuron(w, b).forward(X)
    noise = check_nonnegative(noise, "noise")
    if noise > 0:
        y = y + noise * np.random.default_rng(rng).standard_normal(y.shape)
    return y


def make_data(
    n: int,
    w: ArrayLike,
    b: float,
    kind: str = "nonnegative",
    noise: float = 0.0,
    rng: np.random.Generator | int | None = None,
) -> tuple[Array, Array]:
    """Ordinary inputs and the teacher's targets: ``(X, y)``.

    The number of features is the length of the teacher's ``w``.
    """
    w = as_finite_array(w, "w", ndim=1)
    gen = np.random.default_rng(rng)
    X = ordinary_inputs(n, w.size, kind, gen)
    return X, teacher_targets(X, w, b, noise, gen)


def with_outlier(
    X: ArrayLike, row: int, feature: int, value: float
) -> Array:
    """A copy of ``X`` with ``X[row, feature]`` set to ``value``."""
    X = np.array(as_finite_array(X, "X", ndim=2))
    n, d = X.shape
    row = check_index(row, "row", n)
    feature = check_index(feature, "feature", d)
    X[row, feature] = check_finite_scalar(value, "value")
    return X


def outlier_example(
    x: ArrayLike, feature: int, sizes: ArrayLike
) -> Array:
    """Copies of one example ``x`` (d,) with ``x[feature]`` set to each of
    ``sizes``; shape ``sizes.shape + (d,)``."""
    x = as_finite_array(x, "x", ndim=1)
    sizes = as_finite_array(sizes, "sizes")
    d = x.size
    feature = check_index(feature, "feature", d)
    out = np.broadcast_to(x, sizes.shape + (d,)).copy()
    out[..., feature] = sizes
    return out

