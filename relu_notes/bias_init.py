"""Initial biases of a ReLU network: constant or chosen from the data.

Explained in the chapter *Normalisation layers and the initial bias*
(``chapters/normalisation-and-initial-bias.ipynb``).

A unit is *born dead* on a data set when its pre-activation at
initialisation is ``<= 0`` on every row. A small positive constant bias
(CS231n suggests 0.01) moves every unit's threshold a little; the
data-dependent choice here moves each unit's threshold to a quantile of
its own pre-activations on the training rows, so that every unit starts
on for a set fraction of them (by default half), in the spirit of
data-dependent initialisations such as LSUV (Mishkin & Matas, 2016).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from relu_notes.mlp import MLP

__all__ = ["data_dependent_biases"]


def data_dependent_biases(
    net: MLP, X: ArrayLike, on_fraction: float = 0.5
) -> MLP:
    """Set each hidden bias so its unit is on for ``on_fraction`` of the
    rows of ``X`` at initialisation (in place; returns ``net``).

    Layer by layer, ``b_j = -q`` where ``q`` is the ``1 - on_fraction``
    quantile of the unit's pre-activation without bias, ``a @ W[:, j]``,
    over the rows of ``X`` (``a`` the previous layer's outputs with the
    biases already set). The output layer's bias is left alone.

    Parameters
    ----------
    net : MLP
        A network without a normalisation layer.
    X : array_like, shape (n, n_in)
        Training inputs (already transformed).
    on_fraction : float
        In (0, 1).
    """
    if not isinstance(net, MLP):
        raise ValueError(f"net must be an MLP, got {type(net).__name__}")
    if net.norm is not None:
        raise ValueError(
            "a bias before a normalisation layer has no effect; "
            "use a network with norm=None"
        )
    try:
        p = float(on_fraction)
    except (TypeError, ValueError):
        raise ValueError(
            f"on_fraction must be a number in (0, 1), got {on_fraction!r}"
        ) from None
    if not 0.0 < p < 1.0:
        raise ValueError(f"on_fraction must be in (0, 1), got {p!r}")
    a = net._checked_x(X)
    for layer in range(net.num_layers - 1):
        z = a @ net.weights[layer]
        net.biases[layer][:] = -np.quantile(z, 1.0 - p, axis=0)
        a = net._f(z + net.biases[layer])
    return net
