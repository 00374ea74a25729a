"""Finite-difference derivatives, for checking analytic gradients.

Used by the chapters (first in *ReLU and its derivative*) and by the
tests: every gradient in the book is compared with these.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relu_notes._validate import as_finite_array, check_positive

__all__ = ["central_difference", "numerical_gradient", "relative_error"]


def central_difference(
    f: Callable[[NDArray[np.float64]], ArrayLike],
    x: ArrayLike,
    h: float = 1e-6,
) -> NDArray[np.float64]:
    """Elementwise derivative of an elementwise function by central
    differences, ``(f(x + h) - f(x - h)) / (2 h)``.

    The error is O(h**2) where ``f`` is smooth, plus rounding of order
    ``eps * |f| / h``; h = 1e-6 balances the two for values of order 1.
    At a kink (ReLU at 0) the result is the average of the one-sided
    slopes, 1/2 for ReLU, which is a valid subgradient but not the
    convention.

    Parameters
    ----------
    f : callable
        Maps an array to an array of the same shape, elementwise.
    x : array_like
        Finite points at which to differentiate.
    h : float
        Step size, > 0.
    """
    x = as_finite_array(x, "x")
    h = check_positive(h, "h")
    up = np.asarray(f(x + h), dtype=np.float64)
    down = np.asarray(f(x - h), dtype=np.float64)
    return (up - down) / (2.0 * h)


def numerical_gradient(
    f: Callable[[NDArray[np.float64]], float],
    x: ArrayLike,
    h: float = 1e-6,
) -> NDArray[np.float64]:
    """Gradient of a scalar function of an array, by central differences.

    Each entry of ``x`` is perturbed in turn (2 * x.size calls of ``f``),
    so keep ``x`` small: this is for checking, not for training.

    Parameters
    ----------
    f : callable
        Maps an array shaped like ``x`` to a scalar.
    x : array_like
        Finite point at which to differentiate; not modified.
    h : float
        Step size, > 0.

    Returns
    -------
    ndarray of float64
        Shaped like ``x``.
    """
    x = np.array(as_finite_array(x, "x"), dtype=np.float64)
    h = check_positive(h, "h")
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        orig = flat[i]
        flat[i] = orig + h
        up = float(f(x))
        flat[i] = orig - h
        down = float(f(x))
        flat[i] = orig
        gflat[i] = (up - down) / (2.0 * h)
    return grad


def relative_error(a: ArrayLike, b: ArrayLike, floor: float = 1e-12) -> float:
    """Largest elementwise ``|a - b| / max(|a|, |b|, floor)``.

    A gradient check passes when this is small (say below 1e-6 for smooth
    functions with h = 1e-6).
    """
    a = as_finite_array(a, "a")
    b = as_finite_array(b, "b")
    floor = check_positive(floor, "floor")
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    if a.size == 0:
        return 0.0
    scale = np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
    return float(np.max(np.abs(a - b) / scale))
