"""Re-initialising dormant units during training, in the spirit of ReDo.

Explained in the chapter *Adam, weight decay and bringing units back*
(``chapters/optimisers-and-revival.ipynb``).

Sokar, Agarwal, Castro & Evci (2023) score each hidden unit ``i`` of a
layer by its mean absolute activation over a batch, relative to the
layer's average::

    s_i = mean_x |a_i(x)| / ( (1/H) sum_k mean_x |a_k(x)| )

and call the unit *dormant* when ``s_i <= tau``. With ``tau = 0`` the
dormant units of a ReLU layer are exactly the units that are dead on the
batch. *ReDo* ("recycling dormant neurons") gives every dormant unit
fresh incoming weights, drawn as at initialisation, and zero outgoing
weights: the network's output does not change at the moment of the
reset, and the unit starts again from an ordinary, live position.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relu_notes._validate import as_finite_array
from relu_notes.mlp import MLP, init_std
from relu_notes.optim import Optimizer

__all__ = ["dormant_scores", "dormant_units", "redo"]

Array = NDArray[np.float64]


def dormant_scores(A: ArrayLike) -> Array:
    """Sokar et al.'s score of every unit (column) of an activation
    matrix ``A`` of shape ``(n_examples, n_units)``.

    Returns zeros when the whole layer is silent (no unit ever differs
    from 0), so that every unit then counts as dormant.
    """
    A = as_finite_array(A, "A", ndim=2)
    if A.shape[0] == 0 or A.shape[1] == 0:
        raise ValueError(f"A must have at least one row and column, got "
                         f"shape {A.shape}")
    m = np.mean(np.abs(A), axis=0)
    avg = m.mean()
    return m / avg if avg > 0 else np.zeros_like(m)


def dormant_units(
    net: MLP, X: ArrayLike, threshold: float = 0.0
) -> list[NDArray[np.bool_]]:
    """Per hidden layer of ``net``, True for the units whose
    :func:`dormant_scores` on the rows of ``X`` is ``<= threshold``.

    With ``threshold = 0`` and ReLU these are the units that output 0 on
    every row, the dead units of :meth:`MLP.dead_units
    <relu_notes.mlp.MLP.dead_units>`.
    """
    threshold = _check_threshold(threshold)
    acts = net._forward(net._checked_x(X))[1]
    return [dormant_scores(a) <= threshold for a in acts[1:-1]]


def redo(
    net: MLP,
    X: ArrayLike,
    threshold: float = 0.0,
    *,
    seed: int | np.random.Generator = 0,
    optimizer: Optimizer | None = None,
) -> list[NDArray[np.bool_]]:
    """Re-initialise the dormant units of ``net`` in place (ReDo).

    Each hidden unit that :func:`dormant_units` flags on ``X`` gets
    fresh incoming weights (normal, with the standard deviation of the
    network's ``init``; He's for a network built from given weights), a
    zero bias, zero outgoing weights and, with a normalisation layer,
    ``gamma = 1`` and ``beta = 0``. If ``optimizer`` is given, its state
    (momentum, Adam's moment estimates) for those entries is zeroed too,
    so that no memory of the unit's old gradients moves it.

    Parameters
    ----------
    net : MLP
        Changed in place.
    X : array_like, shape (n, n_in)
        The rows on which units are scored.
    threshold : float
        ``tau`` of Sokar et al.; 0 re-initialises exactly the dead units.
    seed : int or numpy Generator
        Draws the fresh weights.
    optimizer : Optimizer, optional
        The optimiser that trains ``net`` (its state is keyed by the
        position in :meth:`MLP.parameter_lists`).

    Returns
    -------
    list of bool ndarray
        The units re-initialised, per hidden layer.
    """
    if not isinstance(net, MLP):
        raise ValueError(f"net must be an MLP, got {type(net).__name__}")
    masks = dormant_units(net, X, threshold)
    rng = np.random.default_rng(seed)
    init = net.init if net.init != "given" else "he"
    n_layers = net.num_layers
    # last layer first, so that a reset unit's zero outgoing weights are
    # not overwritten by the fresh incoming weights of the next layer
    for layer in reversed(range(len(masks))):
        mask = masks[layer]
        k = int(mask.sum())
        if k == 0:
            continue
        W = net.weights[layer]
        std = init_std(init, W.shape[0], W.shape[1])
        W[:, mask] = std * rng.standard_normal((W.shape[0], k))
        net.biases[layer][mask] = 0.0
        net.weights[layer + 1][mask, :] = 0.0
        if net.norm is not None:
            net.gammas[layer][mask] = 1.0
            net.betas[layer][mask] = 0.0
        if optimizer is not None:
            # positions in the flattened parameter list of Optimizer.step
            where = [
                (2 * layer, (slice(None), mask)),
                (2 * layer + 1, mask),
                (2 * (layer + 1), (mask, slice(None))),
            ]
            if net.norm is not None:
                where += [(2 * (n_layers + layer), mask),
                          (2 * (n_layers + layer) + 1, mask)]
            for pos, idx in where:
                for arr in optimizer.state.get(pos, {}).values():
                    arr[idx] = 0.0
    return masks


def _check_threshold(threshold: float) -> float:
    try:
        t = float(threshold)
    except (TypeError, ValueError):
        raise ValueError(
            f"threshold must be a number >= 0, got {threshold!r}"
        ) from None
    if not np.isfinite(t) or t < 0:
        raise ValueError(f"threshold must be a number >= 0, got {threshold!r}")
    return t
