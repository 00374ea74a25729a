"""Optimisers for :class:`relu_notes.mlp.MLP`: SGD, momentum and Adam,
and gradient-norm clipping.

Explained in the chapters *Dead units in a trained network*
(``chapters/dead-units-in-a-trained-network.ipynb``) and *What prevents
dead units, measured* (``chapters/preventing-dead-units.ipynb``).

An optimiser updates a network's ``weights`` and ``biases`` lists *in
place* from a list of ``(dW, db)`` pairs, the ``grads`` that
:meth:`MLP.loss_and_grads <relu_notes.mlp.MLP.loss_and_grads>` returns::

    opt = Adam(lr=1e-3)
    loss, grads = net.loss_and_grads(X, Y)
    opt.step(net.weights, net.biases, grads)

Each optimiser keeps its state (velocities, moment estimates) per
parameter array, so use one optimiser object per network.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from relu_notes._validate import (
    check_choice,
    check_nonnegative,
    check_positive,
    scaled_norm,
)

__all__ = [
    "OPTIMIZERS",
    "SGD",
    "Adam",
    "AdamW",
    "Momentum",
    "Optimizer",
    "clip_grad_norm",
    "global_norm",
    "make",
]

Array = NDArray[np.float64]
Grads = Sequence[tuple[Array, Array]]


def global_norm(grads: Grads) -> float:
    """Euclidean norm of all gradients taken together,
    ``sqrt(sum over layers of |dW|^2 + |db|^2)``.

    Finite for finite gradients whose squares overflow (entries of 1e200,
    say): the sum is then taken over the entries divided by the largest
    one (:func:`relu_notes._validate.scaled_norm`).
    """
    total = 0.0
    with np.errstate(over="ignore"):
        for dW, db in grads:
            total += (float(np.sum(np.square(dW)))
                      + float(np.sum(np.square(db))))
    if math.isfinite(total):
        return math.sqrt(total)
    return scaled_norm([a for pair in grads for a in pair])


def clip_grad_norm(
    grads: Grads, max_norm: float
) -> tuple[list[tuple[Array, Array]], float]:
    """Rescale all gradients together so that their global norm is at
    most ``max_norm`` (Pascanu et al., 2013).

    The direction of the update is kept; only its length is capped.

    Parameters
    ----------
    grads : list of (dW, db)
        Gradients of every layer.
    max_norm : float
        The largest allowed global norm, > 0.

    Returns
    -------
    clipped : list of (dW, db)
        New arrays (the input is not modified).
    norm : float
        The global norm *before* clipping.

    Raises
    ------
    ValueError
        If ``max_norm`` is not positive or the gradients are not finite
        (a finite gradient has a finite norm, however large).
    """
    max_norm = check_positive(max_norm, "max_norm")
    norm = global_norm(grads)
    if not math.isfinite(norm):
        raise ValueError(
            f"gradient norm is {norm}: the gradients hold NaN or "
            "infinite values (they overflowed before clipping); scale "
            "the inputs"
        )
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return [(dW * scale, db * scale) for dW, db in grads], norm


class Optimizer:
    """Base class: checks the arguments and keeps per-parameter state.

    Subclasses implement :meth:`_update`, which returns the step to
    *subtract* from one parameter array given its gradient and index.

    Parameters
    ----------
    lr : float
        Learning rate, > 0.
    """

    def __init__(self, lr: float) -> None:
        self.lr = check_positive(lr, "lr")
        self.num_steps = 0
        self.state: dict[int, dict[str, Array]] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr:g})"

    def step(
        self,
        weights: list[Array],
        biases: list[Array],
        grads: Grads,
    ) -> None:
        """Update ``weights`` and ``biases`` in place from ``grads``.

        Parameters
        ----------
        weights, biases : list of ndarray
            A network's parameter lists (e.g. ``net.weights``).
        grads : list of (dW, db)
            One pair per layer, shaped like the parameters.

        Raises
        ------
        ValueError
            If the numbers of layers or the shapes differ, or a gradient
            holds NaN or infinite values.
        """
        if not (len(weights) == len(biases) == len(grads)):
            raise ValueError(
                f"got {len(weights)} weight arrays, {len(biases)} bias "
                f"arrays and {len(grads)} gradient pairs; they must match"
            )
        params = [p for pair in zip(weights, biases, strict=True)
                  for p in pair]
        flat = [g for pair in grads for g in pair]
        for i, (p, g) in enumerate(zip(params, flat, strict=True)):
            kind = "weights" if i % 2 == 0 else "biases"
            if np.shape(g) != p.shape:
                raise ValueError(
                    f"gradient of {kind}[{i // 2}] has shape "
                    f"{np.shape(g)}, the parameter has shape {p.shape}"
                )
            if not np.isfinite(g).all():
                raise ValueError(
                    f"gradient of {kind}[{i // 2}] holds NaN or infinite "
                    "values; scale the inputs or clip the gradients"
                )
        self.num_steps += 1
        for i, (p, g) in enumerate(zip(params, flat, strict=True)):
            p -= self._update(i, np.asarray(g, dtype=np.float64))

    def _update(self, i: int, g: Array) -> Array:  # pragma: no cover
        raise NotImplementedError


class SGD(Optimizer):
    """Plain (mini-batch) gradient descent: ``p <- p - lr * g``."""

    def _update(self, i: int, g: Array) -> Array:
        return self.lr * g


class Momentum(Optimizer):
    """Gradient descent with heavy-ball momentum.

    ``v <- beta * v + g`` and ``p <- p - lr * v``, with ``v`` starting at
    zero (the form PyTorch's ``SGD(momentum=beta)`` uses).

    Parameters
    ----------
    lr : float
        Learning rate, > 0.
    beta : float
        Momentum coefficient in [0, 1).
    """

    def __init__(self, lr: float, beta: float = 0.9) -> None:
        super().__init__(lr)
        self.beta = _check_unit_interval(beta, "beta")

    def __repr__(self) -> str:
        return f"Momentum(lr={self.lr:g}, beta={self.beta:g})"

    def _update(self, i: int, g: Array) -> Array:
        s = self.state.setdefault(i, {"v": np.zeros_like(g)})
        s["v"] = self.beta * s["v"] + g
        return self.lr * s["v"]


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), with bias correction.

    ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g^2``, and
    ``p <- p - lr * m_hat / (sqrt(v_hat) + eps)`` with
    ``m_hat = m / (1 - b1^t)``, ``v_hat = v / (1 - b2^t)`` at step ``t``.

    Each parameter's step is close to ``lr`` in size whatever the size of
    its gradient, which is why Adam reacts to one huge gradient so
    differently from SGD.

    ``g^2`` overflows float64 for ``|g|`` above about 1.3e154. An entry
    whose gradient is that large has its ``v`` stored divided by ``4^k``
    (``g`` by ``2^k``, exact powers of two), so its step stays close to
    ``lr`` instead of being ``m / inf = 0``; entries that never see such
    a gradient have ``k = 0`` and exactly the arithmetic above.

    Parameters
    ----------
    lr : float
        Learning rate, > 0.
    beta1, beta2 : float
        Decay rates of the moment estimates, in [0, 1).
    eps : float
        Added to the denominator, > 0.
    """

    def __init__(
        self,
        lr: float = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> None:
        super().__init__(lr)
        self.beta1 = _check_unit_interval(beta1, "beta1")
        self.beta2 = _check_unit_interval(beta2, "beta2")
        self.eps = check_positive(eps, "eps")

    def __repr__(self) -> str:
        return (
            f"Adam(lr={self.lr:g}, beta1={self.beta1:g}, "
            f"beta2={self.beta2:g})"
        )

    def _update(self, i: int, g: Array) -> Array:
        s = self.state.setdefault(
            i, {"m": np.zeros_like(g), "v": np.zeros_like(g)}
        )
        with np.errstate(over="ignore"):
            gg = g * g
        k = s.get("k")  # per-entry exponent of the scaling, or None
        if k is not None or not np.isfinite(gg).all():
            if k is None:
                k = s["k"] = np.zeros(g.shape, dtype=np.int64)
            # 2^k with |g| / 2^k below 2^500, so its square fits
            need = np.maximum(k, np.frexp(g)[1] - 500)
            if (need > k).any():
                s["v"] = np.ldexp(s["v"], -2 * (need - k))
                k[...] = need
            gs = np.ldexp(g, -k)
            gg = gs * gs
        s["m"] = self.beta1 * s["m"] + (1.0 - self.beta1) * g
        s["v"] = self.beta2 * s["v"] + (1.0 - self.beta2) * gg
        t = self.num_steps
        m_hat = s["m"] / (1.0 - self.beta1**t)
        v_hat = s["v"] / (1.0 - self.beta2**t)
        root = np.sqrt(v_hat)
        if k is not None:
            root = np.ldexp(root, k)
        return self.lr * m_hat / (root + self.eps)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019).

    Each step is Adam's step plus ``lr * weight_decay * p``, applied to
    the parameter directly instead of being added to the gradient, so
    the decay does not pass through Adam's normalisation: a parameter
    with no gradient at all (a dead unit's weights) still shrinks by the
    factor ``1 - lr * weight_decay`` per step. Explained in *Adam,
    weight decay and bringing units back*
    (``chapters/optimisers-and-revival.ipynb``).

    Parameters
    ----------
    lr, beta1, beta2, eps
        As for :class:`Adam`.
    weight_decay : float
        The decay rate, >= 0.
    decay_biases : bool
        If False (the default, as is usual), only the arrays passed as
        ``weights`` to :meth:`step` decay; the biases do not.
    """

    def __init__(
        self,
        lr: float = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.01,
        decay_biases: bool = False,
    ) -> None:
        super().__init__(lr, beta1, beta2, eps)
        self.weight_decay = check_nonnegative(weight_decay, "weight_decay")
        self.decay_biases = bool(decay_biases)
        self._params: list[Array] = []

    def __repr__(self) -> str:
        return (
            f"AdamW(lr={self.lr:g}, weight_decay={self.weight_decay:g}, "
            f"decay_biases={self.decay_biases})"
        )

    def step(self, weights, biases, grads) -> None:
        self._params = [p for pair in zip(weights, biases, strict=False)
                        for p in pair]
        super().step(weights, biases, grads)

    def _update(self, i: int, g: Array) -> Array:
        step = super()._update(i, g)
        if i % 2 == 0 or self.decay_biases:
            step = step + self.lr * self.weight_decay * self._params[i]
        return step


def _check_unit_interval(value: float, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a number in [0, 1), got {value!r}"
        ) from None
    if not (0.0 <= v < 1.0):
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return v


#: Each optimiser's name mapped to its class.
OPTIMIZERS = {
    "sgd": SGD, "momentum": Momentum, "adam": Adam, "adamw": AdamW,
}


def make(name: str, lr: float, **kwargs: float) -> Optimizer:
    """Build an optimiser by name: ``make("adam", 1e-3)``.

    Raises
    ------
    ValueError
        If ``name`` is not one of :data:`OPTIMIZERS`, listing the valid
        names, or a keyword is not a parameter of that optimiser.
    """
    check_choice(name, "optimizer", tuple(OPTIMIZERS))
    try:
        return OPTIMIZERS[name](lr, **kwargs)
    except TypeError:
        raise ValueError(
            f"optimizer {name!r} does not take parameters {sorted(kwargs)}"
        ) from None
