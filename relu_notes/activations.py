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

from relu_notes._validate import (
    as_float_array,
    check_choice,
    check_nonnegative,
)

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
_SQRT_PI = math.sqrt(math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _out(values: ArrayLike, x: Array) -> Array:
    """Return ``values`` as float64 with NaN wherever ``x`` is NaN."""
    # every caller passes a freshly computed array, so no copy is needed
    result = np.asarray(values, dtype=np.float64)
    nan = np.isnan(x)
    if nan.any():
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
    """Leaky ReLU (Maas et al., 2013): ``x`` if ``x > 0`` else ``slope*x``.

    ``slope`` must be a finite number >= 0 (:class:`ValueError`
    otherwise).
    """
    slope = check_nonnegative(slope, "slope")
    x = as_float_array(x)
    return _out(np.where(x > 0, x, slope * x), x)


def leaky_relu_grad(x: ArrayLike, slope: float = 0.01) -> Array:
    """Derivative of :func:`leaky_relu`: 1 for ``x > 0``, else ``slope``
    (at ``x == 0`` too, the same convention as :func:`relu_grad`)."""
    slope = check_nonnegative(slope, "slope")
    x = as_float_array(x)
    return _out(np.where(x > 0, 1.0, slope), x)


def elu(x: ArrayLike, alpha: float = 1.0) -> Array:
    """Exponential linear unit (Clevert et al., 2015).

    ``x`` for ``x > 0`` and ``alpha * (exp(x) - 1)`` otherwise;
    ``alpha`` must be a finite number >= 0.
    """
    alpha = check_nonnegative(alpha, "alpha")
    x = as_float_array(x)
    neg = np.minimum(x, 0.0)  # keeps expm1 from overflowing for large x
    return _out(np.where(x > 0, x, alpha * np.expm1(neg)), x)


def elu_grad(x: ArrayLike, alpha: float = 1.0) -> Array:
    """Derivative of :func:`elu`: 1 for ``x > 0``, ``alpha*exp(x)`` else."""
    alpha = check_nonnegative(alpha, "alpha")
    x = as_float_array(x)
    neg = np.minimum(x, 0.0)
    return _out(np.where(x > 0, 1.0, alpha * np.exp(neg)), x)


#: Width and number of the pieces on which erf is a polynomial, and the
#: polynomials' degree (see :func:`_erf_pieces`).
_ERF_PIECE = 0.0625
_ERF_NUM_PIECES = 40
_ERF_DEGREE = 9


def _erf_pieces() -> Array:
    """Taylor coefficients of erf at the centre of each piece of [0, 2.5].

    Piece ``i`` covers ``[i w, (i + 1) w]`` with ``w = _ERF_PIECE``; on it,
    erf is the polynomial ``sum_k c[i, k] t^k`` in ``t = a - (i + 1/2) w``.
    The coefficients are the Taylor coefficients at the centre ``m``:
    ``c[0] = erf(m)`` and, for ``k >= 1``,
    ``c[k] = 2/sqrt(pi) exp(-m^2) (-1)^(k-1) H_(k-1)(m) / k!`` with the
    Hermite polynomials ``H_(n+1) = 2 m H_n - 2 n H_(n-1)``. With
    ``|t| <= 1/32`` the terms beyond degree 9 are below about 1e-17.
    """
    coef = np.empty((_ERF_NUM_PIECES, _ERF_DEGREE + 1))
    for i in range(_ERF_NUM_PIECES):
        m = (i + 0.5) * _ERF_PIECE
        scale = 2.0 / _SQRT_PI * math.exp(-m * m)
        h_prev, h = 0.0, 1.0  # H_(-1) (unused), H_0
        coef[i, 0] = math.erf(m)
        for k in range(1, _ERF_DEGREE + 1):
            n = k - 1  # h is H_n
            coef[i, k] = scale * (-1) ** n * h / math.factorial(k)
            h_prev, h = h, 2.0 * m * h - 2.0 * n * h_prev
    return coef


_ERF_COEF_T = _erf_pieces().T.copy()


def _erf_erfc(a: Array) -> tuple[Array, Array]:
    """``(erf(a), erfc(a))`` for ``a >= 0``, vectorised.

    numpy has no error function, and ``np.vectorize(math.erf)`` is too
    slow for training networks, so:

    - for a <= 2.5, erf is a polynomial of degree 9 on each of 40
      pieces of width 1/16 (its Taylor polynomials at the pieces' centres,
      :func:`_erf_pieces`), evaluated by Horner's rule;
    - for a > 2.5, Laplace's continued fraction
      erfc(a) = exp(-a^2)/sqrt(pi) / (a + (1/2)/(a + 1/(a + (3/2)/...))),
      evaluated from the back with 30 levels (ample for a > 2.5), keeps
      erfc accurate in relative terms far in the tail.

    The tests check both against ``math.erf`` and ``math.erfc``: erf to
    about 1e-15 absolute, erfc to about 1e-12 relative.
    """
    shape = np.shape(a)
    a = np.reshape(a, -1)  # 1-d, so that 0-d input stays an array
    small = a <= 2.5
    everywhere = bool(small.all())  # the usual case inside a network
    s = a if everywhere else a[small]
    piece = (s * (1.0 / _ERF_PIECE)).astype(np.intp)
    np.minimum(piece, _ERF_NUM_PIECES - 1, out=piece)
    t = s - (piece + 0.5) * _ERF_PIECE
    e = np.take(_ERF_COEF_T[_ERF_DEGREE], piece)
    for k in range(_ERF_DEGREE - 1, -1, -1):  # Horner's rule
        e *= t
        e += np.take(_ERF_COEF_T[k], piece)
    if everywhere:
        return e.reshape(shape), (1.0 - e).reshape(shape)
    erf = np.empty_like(a)
    erfc = np.empty_like(a)
    erf[small], erfc[small] = e, 1.0 - e
    t = a[~small]
    frac = np.zeros_like(t)
    for k in range(30, 0, -1):  # in place: the arrays here are small
        np.add(t, frac, out=frac)
        np.divide(0.5 * k, frac, out=frac)
    with np.errstate(under="ignore", over="ignore"):  # exp(-inf) = 0
        c = np.exp(-t * t) / _SQRT_PI / (t + frac)
    erfc[~small], erf[~small] = c, 1.0 - c
    return erf.reshape(shape), erfc.reshape(shape)


def _std_normal_cdf(x: Array) -> Array:
    """Phi(x), accurate in relative terms in the left tail too."""
    a = np.abs(np.where(np.isnan(x), 0.0, x)) / _SQRT2
    erf, erfc = _erf_erfc(a)
    return np.where(x >= 0, 0.5 * (1.0 + erf), 0.5 * erfc)


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
    """Derivative of :func:`sigmoid`, ``s(x) * (1 - s(x))``; at most 1/4.

    Computed as ``e / (1 + e)**2`` with ``e = exp(-|x|)``: the product
    form loses every digit in the tails (``1 - s`` is 0 once ``s`` rounds
    to 1, near ``x = 37``), this form keeps full relative accuracy.
    """
    x = as_float_array(x)
    e = np.exp(-np.abs(x))
    return _out(e / ((1.0 + e) * (1.0 + e)), x)


def tanh(x: ArrayLike) -> Array:
    """Hyperbolic tangent."""
    x = as_float_array(x)
    return _out(np.tanh(x), x)


def tanh_grad(x: ArrayLike) -> Array:
    """Derivative of :func:`tanh`, ``1 - tanh(x)**2``; at most 1.

    Computed as ``4 e / (1 + e)**2`` with ``e = exp(-2|x|)`` (the same
    number, ``1 / cosh(x)**2``), which keeps full relative accuracy in the
    tails where ``1 - tanh(x)**2`` cancels to 0 (from ``|x|`` near 19).
    """
    x = as_float_array(x)
    with np.errstate(over="ignore"):  # -2|x| is -inf beyond 9e307
        e = np.exp(-2.0 * np.abs(x))
    return _out(4.0 * e / ((1.0 + e) * (1.0 + e)), x)


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
