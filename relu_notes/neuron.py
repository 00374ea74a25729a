"""One ReLU neuron: forward pass, exact gradients, one SGD step.

Explained in the chapter *One neuron, one update*
(``chapters/one-neuron-backprop.ipynb``) and used throughout Part II,
*Death by an outlier*.

A :class:`Neuron` holds a weight vector ``w`` of shape ``(d,)`` and a bias
``b``. For inputs ``X`` of shape ``(n, d)`` it computes the
pre-activation ``z = X @ w + b`` and the output ``relu(z)``. The gradient
of the loss averaged over the ``n`` rows follows the chain rule::

    r = relu(z) - y             # residual: positive means an overshoot
    g = loss'(r) * relu'(z)     # gradient at the ReLU's input, per row
    dL/dw = mean(g * x),  dL/db = mean(g)

so ``g`` carries the sign of the error (only an overshoot gives
``g > 0``), and a row with ``z <= 0`` contributes exactly zero.

Neurons are immutable: :meth:`Neuron.step` returns a new neuron, which
makes "before" and "after" easy to compare bit for bit.

Overflow is never silent. An outlier of size 1e200 makes the squared
error exceed the largest float64 (about 1.8e308); the methods then raise
:class:`OverflowError` with a message that says what overflowed, instead
of returning ``inf`` or ``nan``. A result that fits in float64 is
returned as usual, however large.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relu_notes import losses
from relu_notes._validate import (
    as_finite_array,
    check_batch_size,
    check_count,
    check_finite_scalar,
    check_nonnegative,
    check_positive,
    check_rows,
)

__all__ = ["Neuron", "apply_update", "check_finite_result", "fit", "train"]

Array = NDArray[np.float64]


def check_finite_result(value: ArrayLike, what: str, hint: str = "") -> None:
    """Raise :class:`OverflowError` if ``value`` holds inf or NaN.

    Used after every computation that can overflow float64 when the inputs
    are huge but finite (a squared error of 1e200, a weight update of
    lr * g * x with both g and x huge).

    Parameters
    ----------
    value : array_like
        The computed result.
    what : str
        What was computed, for the message ("the mse loss").
    hint : str
        Advice appended to the message.
    """
    arr = np.asarray(value)
    if not np.all(np.isfinite(arr)):
        msg = f"{what} overflowed float64 (largest magnitude ~1.8e308)"
        if hint:
            msg += f"; {hint}"
        raise OverflowError(msg)


_HINT = (
    "the inputs are too large for this computation: normalise them, "
    "clip the gradient, or use a loss with a bounded derivative "
    "('mae' or 'huber')"
)


def _check_lr(lr: float) -> float:
    return check_positive(lr, "lr (the learning rate)")


class Neuron:
    """A single ReLU unit ``relu(X @ w + b)``.

    Explained in the chapter *One neuron, one update*
    (``chapters/one-neuron-backprop.ipynb``).

    Parameters
    ----------
    w : array_like, shape (d,)
        Finite weights, d >= 1.
    b : float
        Finite bias.
    slope : float, optional
        Slope of the activation for ``z <= 0``. The default 0 is the ReLU;
        a small positive value gives the leaky ReLU of Maas et al. (2013),
        used in *Is death permanent?* (``chapters/is-death-permanent.ipynb``).

    Raises
    ------
    ValueError
        If ``w`` is not a finite 1-d array with at least one entry, ``b``
        is not a finite real number, or ``slope`` is not in [0, 1).
    """

    __slots__ = ("_b", "_slope", "_w")

    def __init__(self, w: ArrayLike, b: float, slope: float = 0.0) -> None:
        w = np.array(as_finite_array(w, "w", ndim=1), dtype=np.float64)
        if w.size == 0:
            raise ValueError("w must have at least one entry, got shape (0,)")
        b_arr = as_finite_array(b, "b")
        if b_arr.ndim != 0:
            raise ValueError(f"b must be a scalar, got shape {b_arr.shape}")
        s = check_finite_scalar(slope, "slope")
        if not 0.0 <= s < 1.0:
            raise ValueError(f"slope must be in [0, 1), got {slope!r}")
        w.flags.writeable = False
        self._w = w
        self._b = float(b_arr)
        self._slope = s

    # -- read-only attributes ---------------------------------------------
    @property
    def w(self) -> Array:
        """The weights, shape ``(d,)`` (read-only)."""
        return self._w

    @property
    def b(self) -> float:
        """The bias."""
        return self._b

    @property
    def slope(self) -> float:
        """Slope for ``z <= 0`` (0 for the ReLU)."""
        return self._slope

    @property
    def d(self) -> int:
        """Number of inputs."""
        return int(self._w.size)

    def __repr__(self) -> str:
        w = np.array2string(self._w, precision=4, separator=", ")
        extra = f", slope={self._slope:g}" if self._slope else ""
        return f"Neuron(w={w}, b={self._b:.4g}{extra})"

    # -- checks -------------------------------------------------------------
    def _check_inputs(self, X: ArrayLike) -> Array:
        return check_rows(X, self.d, "the neuron")

    def _check_y(self, y: ArrayLike, n: int) -> Array:
        y = as_finite_array(y, "y", ndim=1)
        if y.shape[0] != n:
            raise ValueError(
                f"y has {y.shape[0]} entries but X has {n} rows; "
                "they must match"
            )
        return y

    # -- forward --------------------------------------------------------------
    def pre_activation(self, X: ArrayLike) -> Array:
        """``z = X @ w + b`` for ``X`` of shape ``(n, d)``; shape ``(n,)``.

        Raises
        ------
        ValueError
            If ``X`` is not finite or does not have ``d`` columns.
        OverflowError
            If ``z`` does not fit in float64.
        """
        X = self._check_inputs(X)
        with np.errstate(over="ignore", invalid="ignore"):
            z = X @ self._w + self._b
        check_finite_result(z, "the pre-activation z = X @ w + b", _HINT)
        return z

    def _act(self, z: Array) -> tuple[Array, Array]:
        """Activation and its derivative (0 at z == 0, the convention)."""
        active = z > 0
        out = np.where(active, z, self._slope * z)
        grad = np.where(active, 1.0, self._slope)
        return out, grad

    def forward(self, X: ArrayLike) -> Array:
        """The output ``relu(z)`` (leaky if ``slope > 0``); shape ``(n,)``."""
        return self._act(self.pre_activation(X))[0]

    def is_dead(self, X: ArrayLike) -> bool:
        """True when ``z <= 0`` on every row of ``X``.

        For the ReLU every row then has ``relu'(z) = 0``: no gradient
        reaches ``w`` or ``b`` from this data.
        """
        return bool(np.all(self.pre_activation(X) <= 0))

    def active_fraction(self, X: ArrayLike) -> float:
        """Fraction of the rows of ``X`` with ``z > 0``."""
        return float(np.mean(self.pre_activation(X) > 0))

    # -- backward -------------------------------------------------------------
    def loss_and_grads(
        self, X: ArrayLike, y: ArrayLike, loss: str = "mse"
    ) -> tuple[float, Array, float]:
        """Loss averaged over the rows and its exact gradient.

        Parameters
        ----------
        X : array_like, shape (n, d)
            Inputs.
        y : array_like, shape (n,)
            Targets.
        loss : {"mse", "mae", "huber"}
            ``"mse"`` is the mean of ``(out - y)**2``; ``"mae"`` the mean
            of ``|out - y|``; ``"huber"`` the mean Huber loss with
            ``delta = 1`` (see :mod:`relu_notes.losses`).

        Returns
        -------
        loss : float
        dw : ndarray, shape (d,)
            ``mean(g * x)`` over the rows, with
            ``g = loss'(out - y) * relu'(z)``.
        db : float
            ``mean(g)``.

        Raises
        ------
        ValueError
            For bad shapes, NaN or infinite values, or an unknown loss.
        OverflowError
            If the loss or a gradient does not fit in float64.
        """
        f, df = losses.get(loss)
        X = self._check_inputs(X)
        y = self._check_y(y, X.shape[0])
        value, dw, db = self._loss_and_grads(X, y, f, df)
        check_finite_result(value, f"the {loss} loss", _HINT)
        check_finite_result(dw, "the weight gradient dL/dw", _HINT)
        check_finite_result(db, "the bias gradient dL/db", _HINT)
        return value, dw, db

    def _loss_and_grads(
        self, X: Array, y: Array, f, df
    ) -> tuple[float, Array, float]:
        """The computation of :meth:`loss_and_grads` on checked input;
        the results may be inf (the caller checks)."""
        with np.errstate(over="ignore", invalid="ignore"):
            return _loss_and_grads(self._w, self._b, self._slope, X, y,
                                   f, df)

    def step(
        self, X: ArrayLike, y: ArrayLike, lr: float, loss: str = "mse"
    ) -> Neuron:
        """One gradient-descent step on the batch ``(X, y)``.

        Returns ``Neuron(w - lr * dw, b - lr * db)``; ``self`` is
        unchanged.

        Raises
        ------
        ValueError
            If ``lr <= 0`` or not finite, and as :meth:`loss_and_grads`.
        OverflowError
            If a gradient or a new parameter does not fit in float64.
        """
        lr = _check_lr(lr)
        _, dw, db = self.loss_and_grads(X, y, loss)
        return self._updated(dw, db, lr)

    def _updated(self, dw: Array, db: float, lr: float) -> Neuron:
        """``Neuron(w - lr * dw, b - lr * db)``, checked for overflow."""
        with np.errstate(over="ignore", invalid="ignore"):
            w = self._w - lr * dw
            b = self._b - lr * db
        check_finite_result(w, "the updated weights", _HINT)
        check_finite_result(b, "the updated bias", _HINT)
        return Neuron._trusted(w, float(b), self._slope)

    @classmethod
    def _trusted(cls, w: Array, b: float, slope: float) -> Neuron:
        """Build a neuron from values known to be valid (no checks)."""
        new = object.__new__(cls)
        w = np.array(w, dtype=np.float64)
        w.flags.writeable = False
        new._w, new._b, new._slope = w, b, slope
        return new


def _loss_and_grads(
    w: Array, b: float, slope: float, X: Array, y: Array, f, df
) -> tuple[float, Array, float]:
    """Loss and gradients on checked input, unchecked for overflow.

    The one computation behind :meth:`Neuron.loss_and_grads`,
    :func:`train` and :func:`fit`; call it under ``np.errstate`` with
    overflow ignored and check the results.
    """
    n = X.shape[0]
    z = X @ w + b
    active = z > 0
    out = np.where(active, z, slope * z)
    r = out - y
    value = float(f(r).sum() / n)  # bit for bit np.mean
    g = df(r) * np.where(active, 1.0, slope)
    dw = (g @ X) / n
    db = float(g.sum() / n)
    return value, dw, db


def _check_neuron(neuron) -> None:
    if not isinstance(neuron, Neuron):
        raise ValueError(
            f"neuron must be a Neuron, got {type(neuron).__name__}"
        )


def _check_optimizer(optimizer) -> None:
    from relu_notes.optim import Optimizer

    if not isinstance(optimizer, Optimizer):
        raise ValueError(
            "optimizer must be an Optimizer from relu_notes.optim, got "
            f"{type(optimizer).__name__}"
        )


def _check_grads(value: float, dw: Array, loss: str) -> float:
    """``|dw|^2``, after checking the loss and ``dw`` for overflow.

    Fast path: a finite ``dw @ dw`` means every entry of ``dw`` is
    finite; only when it is not are the entries examined (a finite
    ``dw`` whose squares overflow is legal).
    """
    sq = float(dw @ dw)
    if not math.isfinite(value):
        check_finite_result(value, f"the {loss} loss", _HINT)
    if not math.isfinite(sq):
        check_finite_result(dw, "the weight gradient dL/dw", _HINT)
    return sq


def train(
    neuron: Neuron,
    X: ArrayLike,
    y: ArrayLike,
    lr: float,
    num_steps: int,
    loss: str = "mse",
    batch_size: int | None = None,
    rng: np.random.Generator | int | None = None,
) -> tuple[Neuron, dict[str, Array]]:
    """Run ``num_steps`` gradient steps with :meth:`Neuron.step`.

    Full-batch gradient descent when ``batch_size`` is None, else SGD on
    mini-batches drawn with replacement from the rows by ``rng``.
    Explained in *An outlier kills a neuron*
    (``chapters/an-outlier-kills-a-neuron.ipynb``).

    Returns
    -------
    neuron : Neuron
        The neuron after the last step.
    history : dict of ndarray
        ``"loss"``: the batch loss before each step; ``"grad_norm"``: the
        Euclidean norm of ``(dw, db)`` at each step, exactly 0 for a dead
        neuron.
    """
    _check_neuron(neuron)
    X = as_finite_array(X, "X", ndim=2)
    y = as_finite_array(y, "y", ndim=1)
    lr = _check_lr(lr)
    num_steps = check_count(num_steps, "num_steps")
    n = X.shape[0]
    if batch_size is not None:
        batch_size = check_batch_size(batch_size, n)
    f, df = losses.get(loss)
    X = neuron._check_inputs(X)
    y = neuron._check_y(y, n)
    gen = np.random.default_rng(rng)
    hist_loss = np.empty(int(num_steps))
    hist_norm = np.empty(int(num_steps))
    w, b, slope = neuron.w, neuron.b, neuron.slope
    # Inputs were checked once above; each step checks only for overflow,
    # with the same results as a loop over Neuron.step.
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(int(num_steps)):
            if batch_size is None:
                Xb, yb = X, y
            else:
                idx = gen.integers(0, n, size=int(batch_size))
                Xb, yb = X[idx], y[idx]
            value, dw, db = _loss_and_grads(w, b, slope, Xb, yb, f, df)
            hist_loss[t] = value
            hist_norm[t] = math.sqrt(_check_grads(value, dw, loss)
                                     + db * db)
            w = w - lr * dw
            b = b - lr * db
            if not (math.isfinite(b) and np.isfinite(w).all()):
                check_finite_result(w, "the updated weights", _HINT)
                check_finite_result(b, "the updated bias", _HINT)
    return Neuron._trusted(w, b, slope), {"loss": hist_loss,
                                          "grad_norm": hist_norm}


def apply_update(
    neuron: Neuron,
    optimizer,
    dw: ArrayLike,
    db: float,
    weight_decay: float = 0.0,
    clip: float | None = None,
) -> Neuron:
    """One step of an optimiser of :mod:`relu_notes.optim` on one neuron.

    Explained in *Is death permanent?*
    (``chapters/is-death-permanent.ipynb``). The neuron is handed to the
    optimiser as a one-layer network (``w`` as a ``(d, 1)`` weight
    matrix), so SGD, momentum and Adam keep their state between calls as
    they do for :class:`relu_notes.mlp.MLP`.

    Parameters
    ----------
    optimizer : relu_notes.optim.Optimizer
        Use one optimiser object per neuron.
    dw, db : gradient of the loss, e.g. from :meth:`Neuron.loss_and_grads`.
    weight_decay : float
        L2 coefficient ``lam`` >= 0: ``lam * w`` is added to the weight
        gradient (the bias is not decayed, the usual practice).
    clip : float, optional
        Clip the gradient, decay included, to this Euclidean norm first
        (:func:`relu_notes.optim.clip_grad_norm`).
    """
    from relu_notes.optim import clip_grad_norm

    _check_neuron(neuron)
    _check_optimizer(optimizer)
    dw = as_finite_array(dw, "dw", ndim=1)
    if dw.shape != neuron.w.shape:
        raise ValueError(
            f"dw has shape {dw.shape}; the neuron's w has {neuron.w.shape}"
        )
    db = check_finite_scalar(db, "db")
    lam = check_nonnegative(weight_decay, "weight_decay")
    grads = [((dw + lam * neuron.w)[:, None], np.array([db]))]
    if clip is not None:
        grads, _ = clip_grad_norm(grads, clip)
    weights = [np.array(neuron.w)[:, None]]
    biases = [np.array([neuron.b])]
    optimizer.step(weights, biases, grads)
    check_finite_result(weights[0], "the updated weights", _HINT)
    check_finite_result(biases[0], "the updated bias", _HINT)
    return Neuron._trusted(weights[0][:, 0], float(biases[0][0]),
                           neuron.slope)


def fit(
    neuron: Neuron,
    optimizer,
    X: ArrayLike,
    y: ArrayLike,
    num_steps: int,
    loss: str = "mse",
    batch_size: int | None = None,
    rng: np.random.Generator | int | None = None,
    weight_decay: float = 0.0,
) -> tuple[Neuron, dict[str, Array]]:
    """Train one neuron with an optimiser of :mod:`relu_notes.optim`.

    Like :func:`train`, but every step goes through
    :func:`apply_update`, so momentum, Adam and weight decay apply.
    Explained in *Is death permanent?*
    (``chapters/is-death-permanent.ipynb``).

    Returns
    -------
    neuron : Neuron
    history : dict of ndarray
        ``"loss"`` (batch loss before each step), ``"grad_norm"`` (norm
        of the loss gradient, without weight decay), ``"b"`` (bias after
        each step) and ``"active"`` (fraction of the rows of ``X`` with
        ``z > 0`` after each step).
    """
    _check_neuron(neuron)
    _check_optimizer(optimizer)
    X = neuron._check_inputs(X)
    y = neuron._check_y(y, X.shape[0])
    num_steps = check_count(num_steps, "num_steps")
    n = X.shape[0]
    if batch_size is not None:
        batch_size = check_batch_size(batch_size, n)
    f, df = losses.get(loss)
    lam = check_nonnegative(weight_decay, "weight_decay")
    gen = np.random.default_rng(rng)
    keys = ("loss", "grad_norm", "b", "active")
    hist = {k: np.empty(int(num_steps)) for k in keys}
    # The optimiser updates these arrays in place, exactly as
    # apply_update does (same arithmetic, without a new neuron per step).
    weights = [np.array(neuron.w)[:, None]]
    biases = [np.array([neuron.b])]
    w = weights[0][:, 0]  # a view: follows the in-place updates
    slope = neuron.slope
    for t in range(int(num_steps)):
        if batch_size is None:
            Xb, yb = X, y
        else:
            idx = gen.integers(0, n, size=int(batch_size))
            Xb, yb = X[idx], y[idx]
        b = float(biases[0][0])
        with np.errstate(over="ignore", invalid="ignore"):
            value, dw, db = _loss_and_grads(w, b, slope, Xb, yb, f, df)
        sq = _check_grads(value, dw, loss)
        grads = [((dw + lam * w)[:, None], np.array([db]))]
        optimizer.step(weights, biases, grads)
        b = float(biases[0][0])
        if not (math.isfinite(b) and np.isfinite(w).all()):
            check_finite_result(w, "the updated weights", _HINT)
            check_finite_result(b, "the updated bias", _HINT)
        hist["loss"][t] = value
        hist["grad_norm"][t] = math.sqrt(sq + db * db)
        hist["b"][t] = b
        hist["active"][t] = np.count_nonzero(X @ w + b > 0) / n
    return Neuron._trusted(w, float(biases[0][0]), slope), hist
