"""One SGD step on one outlier: the update, and the exact death condition.

Explained in the chapter *An outlier kills a neuron*
(``chapters/an-outlier-kills-a-neuron.ipynb``).

A neuron ``(w, b)`` takes one gradient step on a single example ``x_o``
with target ``y_o``. With ``g = loss'(relu(z_o) - y_o) * relu'(z_o)`` the
gradient at the ReLU's input, the step is ``w' = w - lr * g * x_o`` and
``b' = b - lr * g``, so for every input ``x``::

    z'(x) = z(x) - lr * g * (x_o . x + 1)          (weight + bias parts)

The neuron is dead on a data set after the step exactly when
``max_x z'(x) <= 0``. For non-negative ``x`` and ``x_o`` the factor
``x_o . x + 1`` is at least 1, so ``lr * g >= max_x z(x)`` is sufficient
(the bias part alone kills); the weight part ``lr * g * x_o . x`` is
usually far larger.

The outlier is an ordinary example ``x`` with one feature replaced by a
size ``s``; its target stays ordinary. :func:`critical_size` finds, for
each learning rate, the smallest ``s`` that kills, by bisection on the
formula for ``z'`` (it is monotone in ``s`` when the inputs are
non-negative and ``w[feature] > 0``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relu_notes import losses
from relu_notes._validate import (
    as_finite_array,
    check_choice,
    check_count,
    check_finite_scalar,
)
from relu_notes.data import outlier_example
from relu_notes.neuron import Neuron
from relu_notes.sweep import max_pre_activation_many, step_many

__all__ = [
    "PARTS",
    "critical_size",
    "dead_after_steps",
    "outlier_gradient",
    "outlier_steps",
    "pre_activation_after",
]

Array = NDArray[np.float64]

#: Which part of the update :func:`pre_activation_after` applies.
PARTS = ("both", "weight", "bias")


def outlier_gradient(
    neuron: Neuron, x_o: ArrayLike, y_o: ArrayLike, loss: str = "mse"
) -> Array:
    """``g`` at the ReLU's input for outlier example(s) ``x_o``.

    ``x_o`` has shape ``(..., d)`` and ``y_o`` broadcasts against
    ``x_o.shape[:-1]``. Returns ``loss'(relu(z_o) - y_o) * relu'(z_o)``.
    """
    if not isinstance(neuron, Neuron):
        raise ValueError(
            f"neuron must be a Neuron, got {type(neuron).__name__}"
        )
    x_o = as_finite_array(x_o, "x_o")
    if x_o.ndim == 0 or x_o.shape[-1] != neuron.d:
        raise ValueError(
            f"x_o has shape {x_o.shape}; its last axis must have "
            f"{neuron.d} entries"
        )
    y_o = _fits(as_finite_array(y_o, "y_o"), "y_o", x_o)
    _, df = losses.get(loss)
    return _gradient(neuron, x_o, y_o, df)


def _fits(a: Array, name: str, x_o: Array) -> Array:
    """``a`` if it broadcasts to ``x_o.shape[:-1]`` (one value per
    outlier example, or one for all), else a clear error."""
    want = x_o.shape[:-1]
    try:
        ok = np.broadcast_shapes(a.shape, want) == want
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(
            f"{name} has shape {a.shape}; it must broadcast to {want}, "
            "one value per outlier example (or a scalar)"
        )
    return a


def _gradient(neuron: Neuron, x_o: Array, y_o, df) -> Array:
    """:func:`outlier_gradient` on checked input."""
    z_o = x_o @ neuron.w + neuron.b
    active = z_o > 0
    r = np.where(active, z_o, neuron.slope * z_o) - y_o
    return df(r) * np.where(active, 1.0, neuron.slope)


def pre_activation_after(
    neuron: Neuron,
    X: ArrayLike,
    x_o: ArrayLike,
    y_o: ArrayLike,
    lr: ArrayLike,
    loss: str = "mse",
    part: str = "both",
) -> Array:
    """``z'(x)`` on the rows of ``X`` after one step on ``(x_o, y_o)``.

    Computed from the formula ``z(x) - lr * g * (x_o . x + 1)`` (or only
    the weight part ``x_o . x`` or only the bias part ``1``), not by
    taking the step, so that the two can be compared.

    Parameters
    ----------
    X : (n, d) ordinary inputs.
    x_o : (..., d) outlier example(s); ``y_o`` and ``lr`` broadcast
        against ``x_o.shape[:-1]``.
    part : {"both", "weight", "bias"}

    Returns
    -------
    ndarray, shape ``x_o.shape[:-1] + (n,)``
    """
    check_choice(part, "part", PARTS)
    X = as_finite_array(X, "X", ndim=2)
    z = neuron.pre_activation(X)
    x_o = as_finite_array(x_o, "x_o")
    g = outlier_gradient(neuron, x_o, y_o, loss)
    lr = _fits(as_finite_array(lr, "lr"), "lr", x_o)
    if np.any(lr <= 0):
        raise ValueError("lr (the learning rate) must be positive")
    return _z_after(z, X, x_o, lr * g, part)


def _z_after(z: Array, X: Array, x_o: Array, lr_g: Array,
             part: str) -> Array:
    """The formula of :func:`pre_activation_after` on checked input:
    ``z`` (n,) before the step, ``lr_g`` the product ``lr * g``."""
    coef = np.broadcast_to(lr_g, x_o.shape[:-1])[..., None]
    if part == "bias":
        return z - coef
    dot = x_o @ X.T
    if part == "weight":
        return z - coef * dot
    return z - coef * (dot + 1.0)


def outlier_steps(
    neuron: Neuron,
    x: ArrayLike,
    y_o: float,
    feature: int,
    sizes: ArrayLike,
    lrs: ArrayLike,
    loss: str = "mse",
) -> tuple[Array, Array]:
    """One real SGD step for every pair of outlier size and learning rate.

    ``sizes`` and ``lrs`` are broadcast together to a grid of any shape;
    the step for each setting is taken on the single example ``x`` with
    ``x[feature] = size``, all at once with
    :func:`relu_notes.sweep.step_many`.

    Returns
    -------
    W : ndarray, shape ``grid.shape + (d,)``
    B : ndarray, shape ``grid.shape``
    """
    sizes = as_finite_array(sizes, "sizes")
    lrs = as_finite_array(lrs, "lrs")
    y_o = check_finite_scalar(y_o, "y_o")
    try:
        sizes, lrs = np.broadcast_arrays(sizes, lrs)
    except ValueError:
        raise ValueError(
            f"sizes (shape {sizes.shape}) and lrs (shape {lrs.shape}) "
            "do not broadcast to one grid"
        ) from None
    shape = sizes.shape
    X_o = outlier_example(x, feature, sizes.ravel())[:, None, :]
    m = X_o.shape[0]
    W = np.broadcast_to(neuron.w, (m, neuron.d))
    B = np.full(m, neuron.b)
    W_new, B_new = step_many(
        W, B, X_o, np.full((m, 1), float(y_o)), lrs.ravel(), loss,
        neuron.slope,
    )
    return W_new.reshape(shape + (neuron.d,)), B_new.reshape(shape)


def critical_size(
    neuron: Neuron,
    X: ArrayLike,
    x: ArrayLike,
    y_o: float,
    feature: int,
    lrs: ArrayLike,
    loss: str = "mse",
    part: str = "both",
    bounds: tuple[float, float] = (1e-3, 1e12),
    iters: int = 60,
) -> Array:
    """Smallest outlier size that kills the neuron on ``X``, per ``lr``.

    Bisection in ``log(size)`` on ``max_x z'(x) <= 0``, with ``z'`` from
    :func:`pre_activation_after` (so ``part`` can switch off the weight
    or the bias part of the update). Assumes that death is monotone in
    the size, which holds for non-negative inputs and ``w[feature] > 0``.

    Returns
    -------
    ndarray shaped like ``lrs``: the critical size, ``bounds[0]`` if the
    smallest size already kills, and ``inf`` if even ``bounds[1]`` does
    not.
    """
    X = as_finite_array(X, "X", ndim=2)
    lrs = as_finite_array(lrs, "lrs")
    lo_b, hi_b = (check_finite_scalar(v, "bounds")
                  for v in _pair(bounds))
    iters = check_count(iters, "iters", 1)
    if not 0 < lo_b < hi_b:
        raise ValueError(f"bounds must satisfy 0 < lo < hi, got {bounds}")
    check_choice(part, "part", PARTS)
    if np.any(lrs <= 0):
        raise ValueError("lr (the learning rate) must be positive")
    # Check everything once; the bisection then evaluates the formula of
    # pre_activation_after on trusted arrays (same arithmetic).
    template = outlier_example(x, feature, 1.0)
    if template.size != neuron.d:
        raise ValueError(
            f"x has {template.size} entries; the neuron has {neuron.d} "
            "weights"
        )
    z = neuron.pre_activation(X)
    y_o = check_finite_scalar(y_o, "y_o")
    _, df = losses.get(loss)
    col = int(feature)

    def dead(sizes: Array) -> NDArray:
        x_o = np.broadcast_to(template, sizes.shape + (neuron.d,)).copy()
        x_o[..., col] = sizes
        with np.errstate(over="ignore", invalid="ignore"):
            lr_g = lrs * _gradient(neuron, x_o, y_o, df)
            z_new = _z_after(z, X, x_o, lr_g, part)
        return np.max(z_new, axis=-1) <= 0

    lo = np.full(lrs.shape, np.log(lo_b))
    hi = np.full(lrs.shape, np.log(hi_b))
    dead_lo = dead(np.exp(lo))
    dead_hi = dead(np.exp(hi))
    for _ in range(int(iters)):
        mid = 0.5 * (lo + hi)
        d = dead(np.exp(mid))
        hi = np.where(d, mid, hi)
        lo = np.where(d, lo, mid)
    out = np.exp(hi)
    out = np.where(dead_lo, lo_b, out)
    return np.where(dead_hi, out, np.inf)


def _pair(bounds) -> tuple:
    try:
        lo, hi = bounds
    except (TypeError, ValueError):
        raise ValueError(
            f"bounds must be a pair (lo, hi), got {bounds!r}"
        ) from None
    return lo, hi


def dead_after_steps(
    neuron: Neuron,
    X: ArrayLike,
    x: ArrayLike,
    y_o: float,
    feature: int,
    sizes: ArrayLike,
    lrs: ArrayLike,
    loss: str = "mse",
) -> NDArray:
    """Boolean grid: dead on ``X`` after the real step of
    :func:`outlier_steps`, for every (size, lr) pair."""
    W, B = outlier_steps(neuron, x, y_o, feature, sizes, lrs, loss)
    shape = B.shape
    zmax = max_pre_activation_many(W.reshape(-1, neuron.d), B.ravel(), X)
    return (zmax <= 0).reshape(shape)

