"""Losses of a residual ``r = output - target`` and their derivatives.

Explained in the chapter *One neuron, one update*
(``chapters/one-neuron-backprop.ipynb``), where the size of the gradient
that a huge error produces is compared across the three losses.

Each function works elementwise on a real scalar or array and returns a
float64 ndarray of the same shape; callers average over examples. The
derivative is taken with respect to the residual, so the gradient at a
ReLU's input is ``loss_grad(r) * relu_grad(z)`` (the chain rule), and its
sign is the sign of the error: an overshoot (``r > 0``) gives a positive
gradient and a gradient step then lowers the bias.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relu_notes._validate import as_float_array, check_choice, check_positive

__all__ = [
    "LOSSES",
    "get",
    "huber",
    "huber_grad",
    "mae",
    "mae_grad",
    "mse",
    "mse_grad",
]

Array = NDArray[np.float64]


def mse(r: ArrayLike) -> Array:
    """Squared error ``r**2`` (the mean over examples is the MSE)."""
    r = as_float_array(r, "r")
    return r * r


def mse_grad(r: ArrayLike) -> Array:
    """Derivative of :func:`mse`: ``2 r``, unbounded in the error."""
    r = as_float_array(r, "r")
    return 2.0 * r


def mae(r: ArrayLike) -> Array:
    """Absolute error ``|r|``."""
    r = as_float_array(r, "r")
    return np.abs(r)


def mae_grad(r: ArrayLike) -> Array:
    """Derivative of :func:`mae`: ``sign(r)``, 0 at ``r == 0``.

    Bounded by 1 whatever the size of the error.
    """
    r = as_float_array(r, "r")
    return np.sign(r)


def huber(r: ArrayLike, delta: float = 1.0) -> Array:
    """Huber loss: ``r**2 / 2`` for ``|r| <= delta``, else
    ``delta * (|r| - delta / 2)``.

    Quadratic near zero, linear in the tails; continuous with a continuous
    first derivative at ``|r| == delta``.
    """
    r = as_float_array(r, "r")
    delta = check_positive(delta, "delta")
    a = np.abs(r)
    # r*r overflows (or is inf*inf) in the unused branch for huge |r|
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))


def huber_grad(r: ArrayLike, delta: float = 1.0) -> Array:
    """Derivative of :func:`huber`: ``r`` clipped to ``[-delta, delta]``."""
    r = as_float_array(r, "r")
    delta = check_positive(delta, "delta")
    return np.clip(r, -delta, delta)


#: Each loss's name mapped to the pair (loss, derivative).
LOSSES = {
    "mse": (mse, mse_grad),
    "mae": (mae, mae_grad),
    "huber": (huber, huber_grad),
}


def get(name: str):
    """Return ``(loss, derivative)`` for a loss's name.

    Raises
    ------
    ValueError
        If ``name`` is not one of :data:`LOSSES`, listing the valid names.
    """
    check_choice(name, "loss", tuple(LOSSES))
    return LOSSES[name]
