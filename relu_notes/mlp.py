"""A small fully connected network in plain numpy, with its backward pass.

Explained in the chapter *Saturation and the product of derivatives*
(``chapters/saturation-and-products.ipynb``) and used throughout Part III
(*The broader meaning of vanishing gradients*) and Part IV.

The network maps rows of ``X`` (shape ``(n, sizes[0])``) through hidden
layers ``z = a @ W + b``, ``a = f(z)`` and a final *linear* layer. Weights
have shape ``(n_in, n_out)`` so that a batch is one matrix product per
layer. Everything is float64 and vectorised over the batch.

There is exactly one backward pass, :meth:`MLP.trace`; the contract
method :meth:`MLP.loss_and_grads` returns part of what it records, so the
gradients the chapters plot are the gradients the tests check against
finite differences.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relu_notes import activations as _act
from relu_notes import losses as _losses
from relu_notes._validate import (
    as_finite_array,
    check_choice,
    check_count,
    check_nonnegative,
    check_positive,
    check_rows,
)

__all__ = [
    "INITS",
    "MLP",
    "Trace",
    "backward_arrays",
    "forward_arrays",
    "init_std",
]

Array = NDArray[np.float64]

#: Named initialisation schemes: the standard deviation of a weight of a
#: layer with ``n_in`` inputs and ``n_out`` outputs (zero-mean normal).
INITS = {
    # He et al. (2015): keeps E[a^2] constant through ReLU layers.
    "he": lambda n_in, n_out: math.sqrt(2.0 / n_in),
    # Glorot & Bengio (2010), normal form: Var = 2 / (n_in + n_out).
    "glorot": lambda n_in, n_out: math.sqrt(2.0 / (n_in + n_out)),
    # LeCun et al. (1998): Var = 1 / n_in, keeps Var(z) for linear units.
    "lecun": lambda n_in, n_out: math.sqrt(1.0 / n_in),
}


def init_std(init: str | float, n_in: int, n_out: int) -> float:
    """Standard deviation of the weights of one layer under ``init``.

    Parameters
    ----------
    init : {"he", "glorot", "lecun"} or float
        A scheme's name, or the standard deviation itself (>= 0).
    n_in, n_out : int
        Fan-in and fan-out of the layer (>= 1).
    """
    n_in = check_count(n_in, "n_in", 1)
    n_out = check_count(n_out, "n_out", 1)
    if isinstance(init, str):
        check_choice(init, "init", tuple(INITS))
        return INITS[init](n_in, n_out)
    if isinstance(init, bool):
        raise ValueError(f"init must be a scheme name or a number, got {init}")
    try:
        std = float(init)
    except (TypeError, ValueError):
        raise ValueError(
            "init must be one of 'he', 'glorot', 'lecun' or a standard "
            f"deviation >= 0, got {init!r}"
        ) from None
    if not math.isfinite(std) or std < 0:
        raise ValueError(f"init standard deviation must be >= 0, got {init!r}")
    return std


@dataclass(frozen=True)
class Trace:
    """Everything one forward and backward pass computed, for one batch.

    Layers are indexed ``0 .. L-1``; the last one is the linear output
    layer.

    Attributes
    ----------
    pre_activations : list of ndarray
        ``z`` of each layer, shape ``(n, n_out)``; the last is the output.
    activations : list of ndarray
        ``activations[0]`` is ``X``; ``activations[l + 1] = f(z_l)`` for
        hidden layers and the output for the last layer (length ``L + 1``).
    deltas : list of ndarray
        Gradient of the loss with respect to each layer's pre-activation
        (shape ``(n, n_out)``); for a hidden ReLU layer this is ``g``, the
        gradient at the ReLU's input, one row per example.
    grads : list of (dW, db)
        Gradient of the loss with respect to each layer's parameters.
    input_grad : ndarray
        Gradient of the loss with respect to ``X``.
    loss : float
        The mean over all entries of the elementwise loss of
        ``output - Y``.
    """

    pre_activations: list[Array]
    activations: list[Array]
    deltas: list[Array]
    grads: list[tuple[Array, Array]]
    input_grad: Array
    loss: float

    @property
    def output(self) -> Array:
        """The network's output, shape ``(n, sizes[-1])``."""
        return self.activations[-1]

    def bias_grad_norms(self) -> Array:
        """Euclidean norm of each layer's bias gradient (Nielsen's
        "speed of learning" of a layer), shape ``(L,)``."""
        return np.array([np.linalg.norm(db) for _, db in self.grads])

    def weight_grad_norms(self) -> Array:
        """Frobenius norm of each layer's weight gradient, shape ``(L,)``."""
        return np.array([np.linalg.norm(dW) for dW, _ in self.grads])


class MLP:
    """Fully connected network with a linear output layer.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths ``[n_in, hidden_1, ..., n_out]``; at least two
        entries, all positive.
    activation : str
        Name of a hidden-layer activation in
        :data:`relu_notes.activations.ACTIVATIONS`.
    init : {"he", "glorot", "lecun"} or float
        Weight initialisation: a scheme of :data:`INITS` or a standard
        deviation used for every layer. Weights are zero-mean normal.
    seed : int
        Seed of the generator that draws the weights (and biases).
    bias_std : float
        Standard deviation of the initial biases (default 0: zeros).
    activation_kwargs : mapping, optional
        Keyword parameters of the activation, e.g. ``{"slope": 0.1}`` for
        ``"leaky_relu"`` or ``{"alpha": 0.5}`` for ``"elu"``.

    Attributes
    ----------
    weights : list of ndarray
        ``weights[l]`` has shape ``(sizes[l], sizes[l + 1])``.
    biases : list of ndarray
        ``biases[l]`` has shape ``(sizes[l + 1],)``.

    Examples
    --------
    >>> net = MLP([2, 8, 1], seed=1)
    >>> loss, grads = net.loss_and_grads([[0.5, -1.0]], [[0.3]])
    >>> [dW.shape for dW, db in grads]
    [(2, 8), (8, 1)]
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "relu",
        init: str | float = "he",
        seed: int = 0,
        *,
        bias_std: float = 0.0,
        activation_kwargs: Mapping[str, float] | None = None,
    ) -> None:
        self.sizes = _check_sizes(sizes)
        self.activation = activation
        self.activation_kwargs = dict(activation_kwargs or {})
        self._f, self._df = _activation_pair(
            activation, self.activation_kwargs
        )
        self.init = init
        self.seed = check_count(seed, "seed")
        bias_std = check_nonnegative(bias_std, "bias_std")
        rng = np.random.default_rng(seed)
        self.weights: list[Array] = []
        self.biases: list[Array] = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:], strict=True):
            std = init_std(init, n_in, n_out)
            self.weights.append(std * rng.standard_normal((n_in, n_out)))
            self.biases.append(bias_std * rng.standard_normal(n_out))

    # -- construction ---------------------------------------------------

    @classmethod
    def from_params(
        cls,
        weights: Sequence[ArrayLike],
        biases: Sequence[ArrayLike],
        activation: str = "relu",
        activation_kwargs: Mapping[str, float] | None = None,
    ) -> MLP:
        """Build a network with given weights and biases (copied).

        ``weights[l]`` must have shape ``(n_l, n_{l+1})`` and ``biases[l]``
        shape ``(n_{l+1},)``, consistently from layer to layer.
        """
        if len(weights) != len(biases) or len(weights) == 0:
            raise ValueError(
                f"need as many weight matrices as bias vectors (>= 1), got "
                f"{len(weights)} and {len(biases)}"
            )
        Ws = [
            as_finite_array(W, f"weights[{i}]", ndim=2).copy()
            for i, W in enumerate(weights)
        ]
        bs = [
            as_finite_array(b, f"biases[{i}]", ndim=1).copy()
            for i, b in enumerate(biases)
        ]
        sizes = [Ws[0].shape[0]]
        for i, (W, b) in enumerate(zip(Ws, bs, strict=True)):
            if W.shape[0] != sizes[-1] or b.shape != (W.shape[1],):
                raise ValueError(
                    f"layer {i}: weights shape {W.shape} and biases shape "
                    f"{b.shape} do not fit {sizes[-1]} inputs"
                )
            sizes.append(W.shape[1])
        net = cls(sizes, activation, init=0.0,
                  activation_kwargs=activation_kwargs)
        net.init = "given"
        net.weights, net.biases = Ws, bs
        return net

    def copy(self) -> MLP:
        """An independent copy (parameters copied)."""
        return MLP.from_params(
            self.weights, self.biases, self.activation,
            self.activation_kwargs,
        )

    def __repr__(self) -> str:
        return (
            f"MLP(sizes={self.sizes}, activation={self.activation!r}, "
            f"init={self.init!r}, seed={self.seed})"
        )

    @property
    def num_layers(self) -> int:
        """Number of weight layers (hidden layers + the output layer)."""
        return len(self.weights)

    # -- forward and backward -------------------------------------------

    def _checked_x(self, X: ArrayLike, name: str = "X") -> Array:
        return check_rows(X, self.sizes[0], "the network", name)

    def _checked_y(self, Y: ArrayLike, n: int, name: str = "Y") -> Array:
        Y = as_finite_array(Y, name)
        n_out = self.sizes[-1]
        if Y.ndim == 1 and n_out == 1 and Y.shape[0] == n:
            Y = Y[:, None]  # a plain vector of targets for one output
        if Y.shape != (n, n_out):
            raise ValueError(
                f"{name} must have shape ({n}, {n_out}) to match X and the "
                f"output layer, got {Y.shape}"
            )
        return Y

    def _forward(self, X: Array) -> tuple[list[Array], list[Array]]:
        """Pre-activations and activations of every layer."""
        with np.errstate(over="ignore", invalid="ignore"):
            pres, acts = forward_arrays(
                self.weights, self.biases, self._f, X
            )
        for i, z in enumerate(pres):
            if not np.isfinite(z).all():
                raise ValueError(
                    f"layer {i} overflowed (pre-activation not finite; "
                    f"largest |X| is {np.max(np.abs(X)):.3g}): scale "
                    "or clip the inputs"
                )
        return pres, acts

    def forward(self, X: ArrayLike) -> Array:
        """The network's output for a batch ``X`` of shape ``(n, n_in)``.

        Returns
        -------
        ndarray of shape ``(n, sizes[-1])``
        """
        return self._forward(self._checked_x(X))[1][-1]

    def pre_activations(self, X: ArrayLike) -> list[Array]:
        """Pre-activation ``z`` of every layer (the last is the output)."""
        return self._forward(self._checked_x(X))[0]

    def trace(
        self, X: ArrayLike, Y: ArrayLike, loss: str = "mse", **loss_kwargs
    ) -> Trace:
        """Forward and backward pass for one batch, recording everything.

        Parameters
        ----------
        X : array_like, shape (n, sizes[0])
        Y : array_like, shape (n, sizes[-1])
            (shape ``(n,)`` is accepted when there is one output).
        loss : str
            A name in :data:`relu_notes.losses.LOSSES` applied to the
            residual ``output - Y`` and averaged over *all* entries.
            ``"mse"`` is the mean of ``(output - Y)**2``.
        **loss_kwargs
            Passed to the loss, e.g. ``delta=`` for ``"huber"``.

        Returns
        -------
        Trace
        """
        X = self._checked_x(X)
        Y = self._checked_y(Y, X.shape[0])
        return self._backprop(X, Y, loss, **loss_kwargs)

    def _backprop(
        self, X: Array, Y: Array, loss: str = "mse", **loss_kwargs
    ) -> Trace:
        """:meth:`trace` without the input checks, for the training loop,
        which checks the whole training set once and then passes batches
        (rows) of it."""
        loss_f, loss_df = _losses.get(loss)
        pres, acts = self._forward(X)
        r = acts[-1] - Y
        with np.errstate(over="ignore"):
            value = float(np.mean(loss_f(r, **loss_kwargs)))
            delta = loss_df(r, **loss_kwargs) / r.size
        if not (math.isfinite(value) and np.isfinite(delta).all()):
            raise ValueError(
                "the loss overflowed (largest |output - Y| is "
                f"{np.max(np.abs(r)):.3g}); scale the inputs or targets"
            )
        with np.errstate(over="ignore", invalid="ignore"):
            deltas, grads, back = backward_arrays(
                self.weights, pres, acts, self._df, delta
            )
        finite = all(np.isfinite(g).all() for pair in grads for g in pair)
        if not (finite and np.isfinite(back).all()):
            raise ValueError(
                "the gradients overflowed (largest |output - Y| is "
                f"{np.max(np.abs(r)):.3g}); scale the inputs or lower the "
                "learning rate"
            )
        return Trace(pres, acts, deltas, grads, back, value)

    def loss_and_grads(
        self, X: ArrayLike, Y: ArrayLike, loss: str = "mse", **loss_kwargs
    ) -> tuple[float, list[tuple[Array, Array]]]:
        """Loss and the gradient of every layer's parameters.

        With the default ``loss="mse"`` the loss is the mean over all
        entries of ``(forward(X) - Y)**2``. Returns ``(loss, grads)``
        with ``grads[l] = (dW, db)`` shaped like ``weights[l]`` and
        ``biases[l]``. See :meth:`trace` for the parameters.
        """
        t = self.trace(X, Y, loss, **loss_kwargs)
        return t.loss, t.grads

    def step(
        self,
        X: ArrayLike,
        Y: ArrayLike,
        lr: float,
        loss: str = "mse",
        **loss_kwargs,
    ) -> float:
        """One gradient-descent step *in place*; returns the loss before
        the step. Use :meth:`copy` first to keep the old network."""
        lr = check_positive(lr, "lr")
        value, grads = self.loss_and_grads(X, Y, loss, **loss_kwargs)
        with np.errstate(over="ignore", invalid="ignore"):
            new = [(W - lr * dW, b - lr * db) for W, b, (dW, db) in zip(
                self.weights, self.biases, grads, strict=True)]
        if not all(np.isfinite(p).all() for pair in new for p in pair):
            # the network is left as it was, like Neuron.step
            raise ValueError(
                f"the updated parameters overflowed (lr = {lr:g}); lower "
                "the learning rate or scale the inputs"
            )
        for W, b, (W_new, b_new) in zip(
            self.weights, self.biases, new, strict=True
        ):
            W[...] = W_new
            b[...] = b_new
        return value

    def dead_units(self, X: ArrayLike) -> list[NDArray[np.bool_]]:
        """Per hidden layer, True for units whose pre-activation is <= 0
        on every row of ``X`` (dead on this data).

        For ReLU such a unit outputs 0 and passes back no gradient on any
        row of ``X``. The output layer is linear and not included.
        """
        pres = self.pre_activations(X)
        return [np.all(z <= 0, axis=0) for z in pres[:-1]]


def _check_sizes(sizes: Sequence[int]) -> list[int]:
    try:
        out = [int(s) for s in sizes]
        ok = all(int(s) == s for s in sizes)
    except (TypeError, ValueError):
        raise ValueError(
            f"sizes must be a sequence of positive integers, got {sizes!r}"
        ) from None
    if len(out) < 2 or not ok or min(out) < 1:
        raise ValueError(
            "sizes must list at least two positive integer widths "
            f"[n_in, ..., n_out], got {list(sizes)!r}"
        )
    return out


def forward_arrays(
    weights: Sequence[Array],
    biases: Sequence[Array],
    f,
    X: Array,
) -> tuple[list[Array], list[Array]]:
    """The forward pass of :class:`MLP` on bare arrays, without checks.

    ``weights[l]`` has shape ``(..., n_l, n_(l+1))``, ``biases[l]`` shape
    ``(..., n_(l+1))`` and ``X`` shape ``(..., n, n_0)``: leading axes,
    if any, index independent networks trained side by side (one per
    seed, see :func:`relu_notes.train.train_stacked`). ``f`` is the
    hidden activation; the last layer is linear. Returns the
    pre-activations and the activations (``X`` first) of every layer.
    """
    pres: list[Array] = []
    acts: list[Array] = [X]
    a = X
    last = len(weights) - 1
    for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
        z = a @ W + b[..., None, :]
        a = z if i == last else f(z)
        pres.append(z)
        acts.append(a)
    return pres, acts


def backward_arrays(
    weights: Sequence[Array],
    pres: Sequence[Array],
    acts: Sequence[Array],
    df,
    delta: Array,
) -> tuple[list[Array], list[tuple[Array, Array]], Array]:
    """The backward pass of :class:`MLP` on bare arrays, without checks.

    ``delta`` is the gradient of the loss with respect to the output
    layer's pre-activation; shapes as in :func:`forward_arrays`. Returns
    the deltas of every layer, the ``(dW, db)`` of every layer and the
    gradient with respect to the input. This is the network's only
    backward pass: :meth:`MLP.trace` and the stacked training loop both
    call it.
    """
    deltas: list[Array] = [delta]
    grads: list[tuple[Array, Array]] = []
    back = delta
    for i in range(len(weights) - 1, -1, -1):
        grads.append((acts[i].swapaxes(-1, -2) @ delta, delta.sum(axis=-2)))
        back = delta @ weights[i].swapaxes(-1, -2)  # gradient wrt acts[i]
        if i > 0:
            delta = back * df(pres[i - 1])
            deltas.append(delta)
    deltas.reverse()
    grads.reverse()
    return deltas, grads, back


def _activation_pair(name: str, kwargs: Mapping[str, float]):
    f, df = _act.get(name)
    if not kwargs:
        return f, df
    for key, value in kwargs.items():
        check_positive(value, key)
    try:
        f(0.0, **kwargs)
    except TypeError:
        raise ValueError(
            f"activation {name!r} does not take parameters "
            f"{sorted(kwargs)}"
        ) from None
    return functools.partial(f, **kwargs), functools.partial(df, **kwargs)
