"""Activation functions and their derivatives.

Explained in the chapter *ReLU and its derivative*
(``chapters/relu-and-its-derivative.ipynb``).

Every function takes a real scalar or array and returns a float64 ndarray
of the same shape (a 0-d array for a scalar). Infinite inputs give the
mathematical limit without a warning (``relu(inf) == inf``,
``sigmoid(-inf) == 0``, ``gelu(-inf) == 0``); NaN propagates to NaN.
Non-numeric input raises :class:`ValueError`.

The derivative of ReLU at exactly 0 is taken to be 0, the convention of
PyTorch and TensorFlow. Any value in [0, 1] is a valid subgradient there;
the chapter explains why the choice rarely matters and when it does.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relu_notes._validate import as_float_array, check_choice

__all__ = [
    "ACTIVATIONS",
    "elu",
    "elu_grad",
    "gelu",
    "gelu_grad",
    "get",
    "leaky_relu",
    "leaky_relu_grad",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
]

Array = NDArray[np.float64]

_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_erf = np.vectorize(math.erf, otypes=[np.float64])


def _out(values: ArrayLike, x: Array) -> Array:
    """Return ``values`` as float64 with NaN wherever ``x`` is NaN."""
    result = np.array(values, dtype=np.float64)
    nan = np.isnan(x)
    if np.any(nan):
        result[nan] = np.nan
    return result


def relu(x: ArrayLike) -> Array:
    """Rectified linear unit, ``max(0, x)``.

    Parameters
    ----------
    x : array_like
        Pre-activation(s).

    Returns
    -------
    ndarray of float64
        ``x`` where ``x > 0``, else 0.
    """
    x = as_float_array(x)
    return _out(np.where(x > 0, x, 0.0), x)


def relu_grad(x: ArrayLike) -> Array:
    """Derivative of :func:`relu`: 1 for ``x > 0``, 0 for ``x <= 0``.

    At ``x == 0`` the function has no derivative; we return 0, the
    convention of PyTorch and TensorFlow.
    """
    x = as_float_array(x)
    return _out(x > 0, x)


def leaky_relu(x: ArrayLike, slope: float = 0.01) -> Array:
    """Leaky ReLU (Maas et al., 2013): ``x`` if ``x > 0`` else ``slope*x``."""
    x = as_float_array(x)
    return _out(np.where(x > 0, x, slope * x), x)


def leaky_relu_grad(x: ArrayLike, slope: float = 0.01) -> Array:
    """Derivative of :func:`leaky_relu`: 1 for ``x > 0``, else ``slope``."""
    x = as_float_array(x)
    return _out(np.where(x > 0, 1.0, slope), x)


def elu(x: ArrayLike, alpha: float = 1.0) -> Array:
    """Exponential linear unit (Clevert et al., 2015).

    ``x`` for ``x > 0`` and ``alpha * (exp(x) - 1)`` otherwise.
    """
    x = as_float_array(x)
    neg = np.minimum(x, 0.0)  # keeps expm1 from overflowing for large x
    return _out(np.where(x > 0, x, alpha * np.expm1(neg)), x)


def elu_grad(x: ArrayLike, alpha: float = 1.0) -> Array:
    """Derivative of :func:`elu`: 1 for ``x > 0``, ``alpha*exp(x)`` else."""
    x = as_float_array(x)
    neg = np.minimum(x, 0.0)
    return _out(np.where(x > 0, 1.0, alpha * np.exp(neg)), x)


def _std_normal_cdf(x: Array) -> Array:
    return 0.5 * (1.0 + _erf(x / _SQRT2))


def gelu(x: ArrayLike) -> Array:
    """Gaussian error linear unit (Hendrycks & Gimpel, 2016), exact form.

    ``x * Phi(x)`` with ``Phi`` the standard normal CDF, computed with the
    error function (not the tanh approximation).
    """
    x = as_float_array(x)
    with np.errstate(invalid="ignore"):  # -inf * 0 at x = -inf
        y = x * _std_normal_cdf(x)
    return _out(np.where(np.isneginf(x), 0.0, y), x)


def gelu_grad(x: ArrayLike) -> Array:
    """Derivative of :func:`gelu`: ``Phi(x) + x * phi(x)``."""
    x = as_float_array(x)
    with np.errstate(invalid="ignore", over="ignore"):
        x_pdf = x * _INV_SQRT_2PI * np.exp(-0.5 * x * x)
    x_pdf = np.where(np.isinf(x), 0.0, x_pdf)  # the limit of x*phi(x)
    return _out(_std_normal_cdf(x) + x_pdf, x)


def sigmoid(x: ArrayLike) -> Array:
    """Logistic sigmoid ``1 / (1 + exp(-x))``, computed without overflow."""
    x = as_float_array(x)
    e = np.exp(-np.abs(x))  # in (0, 1], never overflows
    return _out(np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)), x)


def sigmoid_grad(x: ArrayLike) -> Array:
    """Derivative of :func:`sigmoid`, ``s(x) * (1 - s(x))``; at most 1/4."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x: ArrayLike) -> Array:
    """Hyperbolic tangent."""
    x = as_float_array(x)
    return _out(np.tanh(x), x)


def tanh_grad(x: ArrayLike) -> Array:
    """Derivative of :func:`tanh`, ``1 - tanh(x)**2``; at most 1."""
    t = tanh(x)
    return 1.0 - t * t


#: Each activation's name mapped to the pair (function, derivative).
ACTIVATIONS = {
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "elu": (elu, elu_grad),
    "gelu": (gelu, gelu_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
}


def get(name: str):
    """Return ``(function, derivative)`` for an activation's name.

    Raises
    ------
    ValueError
        If ``name`` is not one of :data:`ACTIVATIONS`, listing the valid
        names.
    """
    check_choice(name, "activation", tuple(ACTIVATIONS))
    return ACTIVATIONS[name]
