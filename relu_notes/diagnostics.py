"""Dead-unit and gradient diagnostics that work on any activation matrix.

Explained in the chapter *Checking your own model*
(``chapters/checking-your-own-model.ipynb``) and used in Part IV to
record what happens during training.

Nothing here needs this package's networks: each function takes plain
arrays, one row per example and one column per unit, as you would record
them from any framework (for example with a PyTorch forward hook, see the
chapter). Pass *pre-activations* ``z`` to ask "is the unit ever on?" for
any activation function; for ReLU the outputs ``relu(z)`` give the same
answer, since ``relu(z) > 0`` exactly when ``z > 0``.

A unit is *dead on a data set* when its value is ``<= threshold`` (0 by
default) on every row. For ReLU that unit outputs 0 and, with the
convention ``relu'(0) = 0``, passes back no gradient on any row.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relu_notes._validate import as_finite_array, scaled_norm

__all__ = [
    "activation_rate",
    "dead_fraction",
    "dead_fraction_per_layer",
    "dead_mask",
    "grad_norm_summary",
]

Array = NDArray[np.float64]


def _matrix(A: ArrayLike, name: str) -> Array:
    A = as_finite_array(A, name)
    if A.ndim != 2 or A.shape[0] == 0 or A.shape[1] == 0:
        raise ValueError(
            f"{name} must be a matrix of shape (n_examples, n_units) with "
            f"n_examples, n_units >= 1, got shape {A.shape}"
        )
    return A


def _threshold(threshold: float) -> float:
    try:
        t = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(
            f"threshold must be a finite number, got {threshold!r}"
        ) from None
    if not np.isfinite(t):
        raise ValueError(f"threshold must be finite, got {threshold!r}")
    return t


def activation_rate(A: ArrayLike, threshold: float = 0.0) -> Array:
    """Fraction of examples on which each unit is on (``A > threshold``).

    Parameters
    ----------
    A : array_like, shape (n_examples, n_units)
        Recorded pre-activations (any activation function) or ReLU
        outputs, one row per example.
    threshold : float
        A unit counts as on where its value exceeds this (default 0).

    Returns
    -------
    ndarray of shape (n_units,)
        Values in [0, 1]; 0 means dead on these examples.
    """
    A = _matrix(A, "A")
    return np.mean(A > _threshold(threshold), axis=0)


def dead_mask(A: ArrayLike, threshold: float = 0.0) -> NDArray[np.bool_]:
    """True for each unit whose value is ``<= threshold`` on every row.

    See :func:`activation_rate` for the parameters; a unit is dead
    exactly when its activation rate is 0.
    """
    A = _matrix(A, "A")
    return np.all(A <= _threshold(threshold), axis=0)


def dead_fraction(A: ArrayLike, threshold: float = 0.0) -> float:
    """Fraction of the columns (units) of ``A`` that are dead.

    See :func:`dead_mask`.
    """
    return float(np.mean(dead_mask(A, threshold)))


def dead_fraction_per_layer(
    layers: Sequence[ArrayLike], threshold: float = 0.0
) -> Array:
    """:func:`dead_fraction` of each matrix in ``layers``.

    Parameters
    ----------
    layers : sequence of array_like
        One matrix per hidden layer, each of shape (n_examples, n_units),
        all with the same number of rows (the same examples).

    Returns
    -------
    ndarray of shape (len(layers),)
    """
    if len(layers) == 0:
        raise ValueError("layers must hold at least one matrix")
    mats = [_matrix(A, f"layers[{i}]") for i, A in enumerate(layers)]
    rows = {A.shape[0] for A in mats}
    if len(rows) > 1:
        raise ValueError(
            "every layer must be recorded on the same examples; got row "
            f"counts {[A.shape[0] for A in mats]}"
        )
    return np.array([dead_fraction(A, threshold) for A in mats])


def _norm(a: Array) -> float:
    """Euclidean norm, finite for finite entries whose squares overflow."""
    with np.errstate(over="ignore"):
        value = float(np.linalg.norm(a))
    return value if np.isfinite(value) else scaled_norm([a])


def grad_norm_summary(
    grads: Sequence[tuple[ArrayLike, ArrayLike]],
) -> dict[str, Array | float]:
    """Per-layer summary of a list of ``(dW, db)`` gradient pairs.

    ``dW`` has shape ``(n_in, n_out)`` and ``db`` shape ``(n_out,)``: one
    column of ``dW`` and one entry of ``db`` per unit of the layer (for a
    framework that stores ``(n_out, n_in)``, pass the transpose).

    Returns
    -------
    dict with
        ``"weight"``: Frobenius norm of each ``dW``, shape (L,);
        ``"bias"``: norm of each ``db``, shape (L,);
        ``"layer"``: norm of each layer's ``dW`` and ``db`` together;
        ``"total"``: the global norm over all layers (a float);
        ``"zero_units"``: per layer, the fraction of units whose whole
        gradient (its column of ``dW`` and its entry of ``db``) is
        exactly zero, as it is for a dead ReLU unit.
    """
    if len(grads) == 0:
        raise ValueError("grads must hold at least one (dW, db) pair")
    weight, bias, zero = [], [], []
    for i, pair in enumerate(grads):
        if len(pair) != 2:
            raise ValueError(f"grads[{i}] must be a pair (dW, db)")
        dW = as_finite_array(pair[0], f"grads[{i}] dW", ndim=2)
        db = as_finite_array(pair[1], f"grads[{i}] db", ndim=1)
        if db.shape[0] != dW.shape[1]:
            raise ValueError(
                f"grads[{i}]: dW has shape {dW.shape} but db has shape "
                f"{db.shape}; expected ({dW.shape[1]},)"
            )
        weight.append(_norm(dW))
        bias.append(_norm(db))
        silent = np.all(dW == 0, axis=0) & (db == 0)
        zero.append(np.mean(silent))
    weight_a, bias_a = np.array(weight), np.array(bias)
    layer = np.hypot(weight_a, bias_a)
    return {
        "weight": weight_a,
        "bias": bias_a,
        "layer": layer,
        "total": _norm(layer),
        "zero_units": np.array(zero),
    }
