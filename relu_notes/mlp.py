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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

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
    "NORMS",
    "NORM_EPS",
    "Trace",
    "backward_arrays",
    "backward_norm_arrays",
    "forward_arrays",
    "forward_norm_arrays",
    "init_std",
    "normalize",
    "normalize_backward",
    "stack_parameters",
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
    norm_grads : list of (dgamma, dbeta)
        For a network with ``norm`` set, the gradients of each hidden
        layer's scale ``gamma`` and shift ``beta``; empty otherwise.
        With a normalisation layer, ``pre_activations`` of a hidden
        layer is the *normalised* pre-activation ``gamma * zhat + beta``
        that enters the activation, and ``deltas`` the gradient there.
    """

    pre_activations: list[Array]
    activations: list[Array]
    deltas: list[Array]
    grads: list[tuple[Array, Array]]
    input_grad: Array
    loss: float
    norm_grads: list[tuple[Array, Array]] = field(default_factory=list)

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
    norm : {None, "batch", "layer"}
        Normalise every hidden layer's pre-activation before the
        activation (explained in *Normalisation layers and the initial
        bias*, ``chapters/normalisation-and-initial-bias.ipynb``):
        ``"batch"`` over the rows of the batch, ``"layer"`` over the
        units of each row, both
        with the biased variance and ``eps = 1e-5`` (training-mode
        statistics: the rows passed in are the batch), then scaled by
        ``gammas[l]`` (initially 1) and shifted by ``betas[l]``
        (initially 0). See :func:`normalize`.

    Attributes
    ----------
    weights : list of ndarray
        ``weights[l]`` has shape ``(sizes[l], sizes[l + 1])``.
    biases : list of ndarray
        ``biases[l]`` has shape ``(sizes[l + 1],)``.
    gammas, betas : list of ndarray
        With ``norm`` set, the scale and shift of each hidden layer,
        shape ``(sizes[l + 1],)``; empty lists otherwise.

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
        norm: str | None = None,
    ) -> None:
        self.sizes = _check_sizes(sizes)
        if norm is not None:
            check_choice(norm, "norm", NORMS)
        self.norm = norm
        hidden = self.sizes[1:-1] if norm is not None else []
        self.gammas: list[Array] = [np.ones(n) for n in hidden]
        self.betas: list[Array] = [np.zeros(n) for n in hidden]
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
        *,
        norm: str | None = None,
        gammas: Sequence[ArrayLike] | None = None,
        betas: Sequence[ArrayLike] | None = None,
    ) -> MLP:
        """Build a network with given weights and biases (copied).

        ``weights[l]`` must have shape ``(n_l, n_{l+1})`` and ``biases[l]``
        shape ``(n_{l+1},)``, consistently from layer to layer. With
        ``norm`` set, ``gammas`` and ``betas`` (one vector per hidden
        layer) default to ones and zeros.
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
                  activation_kwargs=activation_kwargs, norm=norm)
        net.init = "given"
        net.weights, net.biases = Ws, bs
        for name, given in (("gammas", gammas), ("betas", betas)):
            if given is None:
                continue
            if norm is None:
                raise ValueError(f"{name} need norm='batch' or 'layer'")
            vecs = [
                as_finite_array(v, f"{name}[{i}]", ndim=1).copy()
                for i, v in enumerate(given)
            ]
            want = [v.shape for v in getattr(net, name)]
            if [v.shape for v in vecs] != want:
                raise ValueError(
                    f"{name} must have shapes {want}, got "
                    f"{[v.shape for v in vecs]}"
                )
            setattr(net, name, vecs)
        return net

    def copy(self) -> MLP:
        """An independent copy (parameters copied)."""
        return MLP.from_params(
            self.weights, self.biases, self.activation,
            self.activation_kwargs, norm=self.norm,
            gammas=self.gammas if self.norm else None,
            betas=self.betas if self.norm else None,
        )

    def __repr__(self) -> str:
        norm = "" if self.norm is None else f", norm={self.norm!r}"
        return (
            f"MLP(sizes={self.sizes}, activation={self.activation!r}, "
            f"init={self.init!r}, seed={self.seed}{norm})"
        )

    def parameter_lists(self) -> tuple[list[Array], list[Array]]:
        """The parameters as two lists of arrays, in the order of the
        ``grads`` that :meth:`loss_and_grads` returns: the weights and
        biases of every layer, then (with ``norm`` set) the gammas and
        betas of every hidden layer. An optimiser's ``step`` takes
        them (``opt.step(*net.parameter_lists(), grads)``)."""
        return self.weights + self.gammas, self.biases + self.betas

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
        pres, acts, _ = self._forward_cached(X)
        return pres, acts

    def _forward_cached(
        self, X: Array
    ) -> tuple[list[Array], list[Array], list[tuple[Array, Array]]]:
        """:meth:`_forward` plus what the backward pass of the
        normalisation layers needs (empty without ``norm``)."""
        cache: list[tuple[Array, Array]] = []
        with np.errstate(over="ignore", invalid="ignore"):
            if self.norm is None:
                pres, acts = forward_arrays(
                    self.weights, self.biases, self._f, X
                )
            else:
                pres, acts, cache = forward_norm_arrays(
                    self.weights, self.biases, self.gammas, self.betas,
                    self._f, X, self.norm,
                )
        for i, z in enumerate(pres):
            if not np.isfinite(z).all():
                raise ValueError(
                    f"layer {i} overflowed (pre-activation not finite; "
                    f"largest |X| is {np.max(np.abs(X)):.3g}): scale "
                    "or clip the inputs"
                )
        return pres, acts, cache

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
        pres, acts, cache = self._forward_cached(X)
        r = acts[-1] - Y
        with np.errstate(over="ignore"):
            value = float(np.mean(loss_f(r, **loss_kwargs)))
            delta = loss_df(r, **loss_kwargs) / r.size
        if not (math.isfinite(value) and np.isfinite(delta).all()):
            raise ValueError(
                "the loss overflowed (largest |output - Y| is "
                f"{np.max(np.abs(r)):.3g}); scale the inputs or targets"
            )
        norm_grads: list[tuple[Array, Array]] = []
        with np.errstate(over="ignore", invalid="ignore"):
            if self.norm is None:
                deltas, grads, back = backward_arrays(
                    self.weights, pres, acts, self._df, delta
                )
            else:
                deltas, grads, norm_grads, back = backward_norm_arrays(
                    self.weights, self.gammas, pres, acts, cache,
                    self._df, delta, self.norm,
                )
        finite = all(
            np.isfinite(g).all() for pair in grads + norm_grads
            for g in pair
        )
        if not (finite and np.isfinite(back).all()):
            raise ValueError(
                "the gradients overflowed (largest |output - Y| is "
                f"{np.max(np.abs(r)):.3g}); scale the inputs or lower the "
                "learning rate"
            )
        return Trace(pres, acts, deltas, grads, back, value, norm_grads)

    def loss_and_grads(
        self, X: ArrayLike, Y: ArrayLike, loss: str = "mse", **loss_kwargs
    ) -> tuple[float, list[tuple[Array, Array]]]:
        """Loss and the gradient of every layer's parameters.

        With the default ``loss="mse"`` the loss is the mean over all
        entries of ``(forward(X) - Y)**2``. Returns ``(loss, grads)``
        with ``grads[l] = (dW, db)`` shaped like ``weights[l]`` and
        ``biases[l]``; with ``norm`` set, the list goes on with one
        ``(dgamma, dbeta)`` pair per hidden layer, in the order of
        :meth:`parameter_lists`. See :meth:`trace` for the parameters.
        """
        t = self.trace(X, Y, loss, **loss_kwargs)
        return t.loss, t.grads + t.norm_grads

    def trace_loss(
        self, X: ArrayLike, loss_fn: Callable[[Array], tuple[float, ArrayLike]]
    ) -> Trace:
        """:meth:`trace` for any loss of the output, such as a ranking
        loss that couples rows (chapter *Hidden units in a ranking
        network*).

        ``loss_fn(output)`` gets the output, shape ``(n, sizes[-1])``, and
        returns ``(loss, dout)``: the loss and its gradient with respect
        to the output, of the output's shape. The backward pass is the
        same as for every other loss.
        """
        X = self._checked_x(X)
        pres, acts = self._forward(X)
        value, dout = loss_fn(acts[-1].copy())
        value = float(value)
        out = acts[-1]
        dout = as_finite_array(dout, "dout")
        if dout.shape == out.shape[:1] and out.shape[1] == 1:
            dout = dout[:, None]
        if dout.shape != out.shape:
            raise ValueError(
                f"loss_fn must return d loss / d output of shape "
                f"{out.shape}, got {dout.shape}"
            )
        with np.errstate(over="ignore", invalid="ignore"):
            deltas, grads, back = backward_arrays(
                self.weights, pres, acts, self._df, dout
            )
        return Trace(pres, acts, deltas, grads, back, value)

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
                *self.parameter_lists(), grads, strict=True)]
        if not all(np.isfinite(p).all() for pair in new for p in pair):
            # the network is left as it was, like Neuron.step
            raise ValueError(
                f"the updated parameters overflowed (lr = {lr:g}); lower "
                "the learning rate or scale the inputs"
            )
        for W, b, (W_new, b_new) in zip(
            *self.parameter_lists(), new, strict=True
        ):
            W[...] = W_new
            b[...] = b_new
        return value

    def dead_units(self, X: ArrayLike) -> list[NDArray[np.bool_]]:
        """Per hidden layer, True for units whose pre-activation is <= 0
        on every row of ``X`` (dead on this data).

        For ReLU such a unit outputs 0 and passes back no gradient on any
        row of ``X``. The output layer is linear and not included. With
        ``norm`` set, the test is on the normalised pre-activation (the
        activation's input), with the statistics of the rows of ``X``.
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


def stack_parameters(nets: Sequence[MLP]) -> tuple[list[Array], list[Array]]:
    """The weights and biases of several networks of one shape, stacked
    along a new leading axis (one entry per network): the arrays that
    :func:`forward_arrays` and :func:`backward_arrays` take for networks
    trained side by side (:func:`relu_notes.train.train_stacked`).

    Returns
    -------
    (Ws, bs)
        ``Ws[l]`` of shape ``(k, n_l, n_(l+1))`` and ``bs[l]`` of shape
        ``(k, n_(l+1))`` for ``k`` networks; copies, not views.
    """
    nets = list(nets)
    if not nets or not all(isinstance(n, MLP) for n in nets):
        raise ValueError("stack_parameters needs a non-empty list of MLP")
    if any(n.sizes != nets[0].sizes for n in nets):
        raise ValueError(
            "stack_parameters needs networks of one shape, got sizes "
            f"{sorted({tuple(n.sizes) for n in nets})}"
        )
    layers = range(nets[0].num_layers)
    return ([np.stack([n.weights[i] for n in nets]) for i in layers],
            [np.stack([n.biases[i] for n in nets]) for i in layers])


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


#: The normalisation layers :class:`MLP` offers (``norm=``).
NORMS = ("batch", "layer")

#: The constant added to the variance before the square root.
NORM_EPS = 1e-5


def _norm_axis(norm: str) -> int:
    return -2 if norm == "batch" else -1


def normalize(
    z: Array, norm: str, eps: float = NORM_EPS
) -> tuple[Array, Array]:
    """Batch or layer normalisation of pre-activations, without the scale
    and shift.

    Explained in *Normalisation layers and the initial bias*
    (``chapters/normalisation-and-initial-bias.ipynb``). ``"batch"``
    (Ioffe & Szegedy, 2015) standardises each unit over the rows of the
    batch (axis -2), ``"layer"`` (Ba et al., 2016) each row over its
    units (axis -1): ``zhat = (z - mean) / sqrt(var + eps)`` with the
    biased variance (divided by the count, not the count minus one).

    Returns
    -------
    zhat : ndarray
        Same shape as ``z``.
    inv_std : ndarray
        ``1 / sqrt(var + eps)``, with the normalised axis kept (size 1).
    """
    axis = _norm_axis(norm)
    c = z - z.mean(axis=axis, keepdims=True)
    inv_std = 1.0 / np.sqrt(np.mean(c * c, axis=axis, keepdims=True) + eps)
    return c * inv_std, inv_std


def normalize_backward(
    dzhat: Array, zhat: Array, inv_std: Array, norm: str
) -> Array:
    """Gradient with respect to ``z`` of :func:`normalize`, given the
    gradient ``dzhat`` with respect to its output.

    ``dz = inv_std * (dzhat - mean(dzhat) - zhat * mean(dzhat * zhat))``,
    means over the normalised axis. For batch norm the sum of ``dz`` over
    the rows is zero (``zhat`` sums to zero), which is why a bias before
    a batch-norm layer gets no gradient.
    """
    axis = _norm_axis(norm)
    return inv_std * (
        dzhat
        - dzhat.mean(axis=axis, keepdims=True)
        - zhat * np.mean(dzhat * zhat, axis=axis, keepdims=True)
    )


def forward_norm_arrays(
    weights: Sequence[Array],
    biases: Sequence[Array],
    gammas: Sequence[Array],
    betas: Sequence[Array],
    f,
    X: Array,
    norm: str,
    eps: float = NORM_EPS,
) -> tuple[list[Array], list[Array], list[tuple[Array, Array]]]:
    """:func:`forward_arrays` with a normalisation layer before every
    hidden activation: ``u = gamma * normalize(a @ W + b) + beta``,
    ``a = f(u)``.

    Leading axes index stacked networks, as in :func:`forward_arrays`.
    Returns the pre-activations (``u`` for hidden layers, the output for
    the last), the activations (``X`` first) and, per hidden layer, the
    ``(zhat, inv_std)`` of :func:`normalize` for the backward pass.
    """
    pres: list[Array] = []
    acts: list[Array] = [X]
    cache: list[tuple[Array, Array]] = []
    a = X
    last = len(weights) - 1
    for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
        z = a @ W + b[..., None, :]
        if i == last:
            a = z
        else:
            zhat, inv_std = normalize(z, norm, eps)
            cache.append((zhat, inv_std))
            z = gammas[i][..., None, :] * zhat + betas[i][..., None, :]
            a = f(z)
        pres.append(z)
        acts.append(a)
    return pres, acts, cache


def backward_norm_arrays(
    weights: Sequence[Array],
    gammas: Sequence[Array],
    pres: Sequence[Array],
    acts: Sequence[Array],
    cache: Sequence[tuple[Array, Array]],
    df,
    delta: Array,
    norm: str,
) -> tuple[
    list[Array], list[tuple[Array, Array]], list[tuple[Array, Array]],
    Array,
]:
    """The backward pass of :func:`forward_norm_arrays`.

    Returns the deltas (gradient at each hidden activation's input, then
    at the output), the ``(dW, db)`` of every layer, the
    ``(dgamma, dbeta)`` of every hidden layer and the gradient with
    respect to the input.
    """
    deltas: list[Array] = [delta]
    grads: list[tuple[Array, Array]] = []
    norm_grads: list[tuple[Array, Array]] = []
    dz = delta  # gradient with respect to a @ W + b of layer i
    back = delta
    for i in range(len(weights) - 1, -1, -1):
        grads.append((acts[i].swapaxes(-1, -2) @ dz, dz.sum(axis=-2)))
        back = dz @ weights[i].swapaxes(-1, -2)
        if i > 0:
            du = back * df(pres[i - 1])
            deltas.append(du)
            zhat, inv_std = cache[i - 1]
            norm_grads.append(
                ((du * zhat).sum(axis=-2), du.sum(axis=-2))
            )
            dz = normalize_backward(
                du * gammas[i - 1][..., None, :], zhat, inv_std, norm
            )
    deltas.reverse()
    grads.reverse()
    norm_grads.reverse()
    return deltas, grads, norm_grads, back
