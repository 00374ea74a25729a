"""Many ReLU neurons at once: a batch of parameter settings as arrays.

Explained in the chapter *An outlier kills a neuron*
(``chapters/an-outlier-kills-a-neuron.ipynb``), where a sweep over
outlier size and learning rate (10 000 settings per loss) runs as a handful of
numpy array operations instead of a Python loop over
:meth:`relu_notes.neuron.Neuron.step`.

A batch of ``m`` neurons is a weight matrix ``W`` of shape ``(m, d)`` (row
``k`` is neuron ``k``'s ``w``) and a bias vector ``B`` of shape ``(m,)``.
Each neuron may see its own data: ``X`` is either shared, shape
``(n, d)``, or per neuron, shape ``(m, n, d)`` (targets ``(n,)`` or
``(m, n)``). The learning rate, and the slope of a leaky ReLU for
``z <= 0`` (0 for the ReLU), are scalars or one per neuron, shape
``(m,)``. Every function computes, for each neuron, exactly what the
single-neuron method computes (the tests check this on random
settings).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relu_notes import losses
from relu_notes._validate import (
    as_finite_array,
    check_batch_size,
    check_count,
    check_positive,
)
from relu_notes.neuron import _HINT, check_finite_result

__all__ = [
    "active_fraction_many",
    "is_dead_many",
    "loss_and_grads_many",
    "max_pre_activation_many",
    "pre_activation_many",
    "sgd_many",
    "step_many",
    "train_many",
]

Array = NDArray[np.float64]

#: Rows x neurons computed at once by the reductions over shared data,
#: so that memory stays bounded (about 32 MB of float64) in big sweeps.
_CHUNK = 1 << 22


def _check_params(W: ArrayLike, B: ArrayLike) -> tuple[Array, Array]:
    W = as_finite_array(W, "W", ndim=2)
    B = as_finite_array(B, "B", ndim=1)
    if B.shape[0] != W.shape[0]:
        raise ValueError(
            f"W has {W.shape[0]} row(s) (neurons) but B has {B.shape[0]} "
            "entries; they must match"
        )
    if W.shape[1] == 0:
        raise ValueError("W must have at least one column (input)")
    return W, B


def _check_data(
    X: ArrayLike, W: Array, y: ArrayLike | None = None
) -> tuple[Array, Array | None]:
    m, d = W.shape
    X = as_finite_array(X, "X")
    if X.ndim == 2:
        ok = X.shape[1] == d
        want = f"(n, {d}) or ({m}, n, {d})"
    elif X.ndim == 3:
        ok = X.shape[0] == m and X.shape[2] == d
        want = f"({m}, n, {d}) or (n, {d})"
    else:
        ok, want = False, f"(n, {d}) or ({m}, n, {d})"
    if not ok:
        raise ValueError(f"X has shape {X.shape}; expected {want}")
    n = X.shape[-2]
    if n == 0:
        raise ValueError("X has no rows; need at least one example")
    if y is None:
        return X, None
    y = as_finite_array(y, "y")
    shapes = {(n,), (m, n)}
    if y.shape not in shapes:
        raise ValueError(
            f"y has shape {y.shape}; expected ({n},) or ({m}, {n}) to "
            f"match X of shape {X.shape}"
        )
    return X, y


def _check_lrs(lr: ArrayLike, m: int) -> Array:
    lr = as_finite_array(lr, "lr")
    if lr.ndim == 0:
        check_positive(float(lr), "lr (the learning rate)")
        return np.full(m, float(lr))
    if lr.shape != (m,):
        raise ValueError(
            f"lr has shape {lr.shape}; expected a scalar or ({m},)"
        )
    if np.any(lr <= 0):
        raise ValueError(
            f"lr (the learning rate) must be positive; {np.sum(lr <= 0)} "
            "of its entries are <= 0"
        )
    return lr


def _check_slopes(slope: ArrayLike, m: int) -> Array:
    a = as_finite_array(slope, "slope")
    if a.ndim == 0:
        a = np.full(m, float(a))
    elif a.shape != (m,):
        raise ValueError(
            f"slope has shape {a.shape}; expected a scalar or ({m},)"
        )
    if np.any((a < 0) | (a >= 1)):
        raise ValueError("slope must be in [0, 1)")
    return a


def _z_unchecked(W: Array, B: Array, X: Array) -> Array:
    """Pre-activations, shape (m, n), for shared ``X`` (n, d) or one data
    set per neuron (m, n, d); call under ``np.errstate``."""
    if X.ndim == 2:
        return W @ X.T + B[:, None]
    return np.einsum("mnd,md->mn", X, W) + B[:, None]


def _z(W: Array, B: Array, X: Array) -> Array:
    """Pre-activations, shape (m, n), checked for overflow."""
    with np.errstate(over="ignore", invalid="ignore"):
        z = _z_unchecked(W, B, X)
    check_finite_result(z, "a pre-activation z = X @ w + b", _HINT)
    return z


def pre_activation_many(W: ArrayLike, B: ArrayLike, X: ArrayLike) -> Array:
    """``z`` for every neuron and row, shape ``(m, n)``."""
    W, B = _check_params(W, B)
    X, _ = _check_data(X, W)
    return _z(W, B, X)


def loss_and_grads_many(
    W: ArrayLike,
    B: ArrayLike,
    X: ArrayLike,
    y: ArrayLike,
    loss: str = "mse",
    slope: ArrayLike = 0.0,
) -> tuple[Array, Array, Array]:
    """Loss and gradients of ``m`` neurons, each averaged over its rows.

    Returns
    -------
    L : ndarray, shape (m,)
    dW : ndarray, shape (m, d)
    dB : ndarray, shape (m,)
        Row ``k`` equals ``Neuron(W[k], B[k]).loss_and_grads(...)``.
    """
    f, df = losses.get(loss)
    W, B = _check_params(W, B)
    X, y = _check_data(X, W, y)
    a = _check_slopes(slope, W.shape[0])
    return _loss_and_grads(W, B, X, y, f, df, a, loss)


def _loss_and_grads(
    W: Array, B: Array, X: Array, y: Array, f, df, a: Array, loss: str
) -> tuple[Array, Array, Array]:
    """:func:`loss_and_grads_many` on checked inputs."""
    z = _z(W, B, X)
    with np.errstate(over="ignore", invalid="ignore"):
        L, dW, dB = _loss_and_grads_unchecked(z, X, y, f, df, a[:, None])
    check_finite_result(L, f"the {loss} loss", _HINT)
    check_finite_result(dW, "a weight gradient dL/dw", _HINT)
    check_finite_result(dB, "a bias gradient dL/db", _HINT)
    return L, dW, dB


def _out_and_slope(z: Array, a: Array) -> tuple[Array, Array]:
    """Output and derivative of a (leaky) ReLU with slope ``a`` (0 for
    ReLU; shape (m, 1)) at the pre-activations ``z`` (m, n)."""
    active = z > 0
    return np.where(active, z, a * z), np.where(active, 1.0, a)


def _loss_and_grads_unchecked(
    z: Array, X: Array, y: Array, f, df, a: Array
) -> tuple[Array, Array, Array]:
    """Loss and gradients from the pre-activations ``z`` (m, n); call
    under ``np.errstate`` and check the results for overflow."""
    n = X.shape[-2]
    out, scale = _out_and_slope(z, a)
    r = out - y
    L = np.mean(f(r), axis=1)
    g = df(r) * scale
    if X.ndim == 2:
        dW = (g @ X) / n
    else:
        dW = np.einsum("mn,mnd->md", g, X) / n
    dB = np.sum(g, axis=1) / n
    return L, dW, dB


def step_many(
    W: ArrayLike,
    B: ArrayLike,
    X: ArrayLike,
    y: ArrayLike,
    lr: ArrayLike,
    loss: str = "mse",
    slope: ArrayLike = 0.0,
) -> tuple[Array, Array]:
    """One gradient step for each of ``m`` neurons.

    ``lr`` is a scalar or one learning rate per neuron. Returns the new
    ``(W, B)``; row ``k`` equals ``Neuron(W[k], B[k]).step(...)``.
    """
    W, B = _check_params(W, B)
    lr = _check_lrs(lr, W.shape[0])
    _, dW, dB = loss_and_grads_many(W, B, X, y, loss, slope)
    with np.errstate(over="ignore", invalid="ignore"):
        W_new = W - lr[:, None] * dW
        B_new = B - lr * dB
    check_finite_result(W_new, "an updated weight", _HINT)
    check_finite_result(B_new, "an updated bias", _HINT)
    return W_new, B_new


def train_many(
    W: ArrayLike,
    B: ArrayLike,
    X: ArrayLike,
    y: ArrayLike,
    lr: ArrayLike,
    num_steps: int,
    loss: str = "mse",
    slope: ArrayLike = 0.0,
) -> tuple[Array, Array, Array]:
    """Full-batch gradient descent for ``m`` neurons at once.

    Returns
    -------
    W, B : ndarray
        Parameters after ``num_steps`` steps.
    L : ndarray, shape (num_steps, m)
        Each neuron's loss before each step.
    """
    W, B = _check_params(W, B)
    X, y = _check_data(X, W, y)
    lr = _check_lrs(lr, W.shape[0])
    num_steps = check_count(num_steps, "num_steps")
    f, df = losses.get(loss)
    a = _check_slopes(slope, W.shape[0])
    history = np.empty((int(num_steps), W.shape[0]))
    a, lr_col = a[:, None], lr[:, None]
    # Overflow is checked once at the end: inf and NaN never turn finite
    # again in these updates, so a non-finite step leaves a non-finite
    # loss in the history or non-finite parameters.
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(int(num_steps)):
            history[t], dW, dB = _loss_and_grads_unchecked(
                _z_unchecked(W, B, X), X, y, f, df, a)
            W = W - lr_col * dW
            B = B - lr * dB
    check_finite_result(history, f"the {loss} loss", _HINT)
    check_finite_result(W, "an updated weight", _HINT)
    check_finite_result(B, "an updated bias", _HINT)
    return W, B, history


def sgd_many(
    W: ArrayLike,
    B: ArrayLike,
    X: ArrayLike,
    y: ArrayLike,
    lr: ArrayLike,
    num_steps: int,
    batch_size: int,
    rng: np.random.Generator | int | None = None,
    loss: str = "mse",
    slope: ArrayLike = 0.0,
    stream: ArrayLike | None = None,
) -> tuple[Array, Array, dict[str, Array]]:
    """Online SGD on random mini-batches for ``m`` neurons at once.

    Explained in *An outlier kills a neuron*
    (``chapters/an-outlier-kills-a-neuron.ipynb``), where it follows a
    unit for thousands of steps after the outlier, for many outlier
    sizes and batch sequences at once.

    Each step draws ``batch_size`` rows of the shared ``X`` (n, d) with
    replacement and takes one gradient step on them. Neurons with the
    same entry of ``stream`` see the same sequence of batches (common
    random numbers, so that they differ only in their parameters).

    Parameters
    ----------
    stream : array of int, shape (m,), optional
        Batch sequence of each neuron, numbered ``0 .. S-1``; by default
        every neuron has its own (``arange(m)``). With one neuron and
        the same ``rng`` the batches, and so the result, are those of
        :func:`relu_notes.neuron.train` with the same ``batch_size``.

    Returns
    -------
    W, B : ndarray
        Parameters after ``num_steps`` steps.
    history : dict of ndarray, each of shape (num_steps, m)
        ``"db"``: the bias gradient of each step (positive lowers ``b``);
        ``"active"``: the fraction of the rows of ``X`` with ``z > 0``
        after each step.
    """
    W, B = _check_params(W, B)
    X = as_finite_array(X, "X", ndim=2)
    X, y = _check_data(X, W, y)
    if y.ndim != 1:
        raise ValueError(
            f"y has shape {y.shape}; sgd_many needs shared targets (n,)"
        )
    m, n = W.shape[0], X.shape[0]
    lr = _check_lrs(lr, m)
    num_steps = int(check_count(num_steps, "num_steps"))
    batch_size = int(check_batch_size(batch_size, n))
    f, df = losses.get(loss)
    a = _check_slopes(slope, m)[:, None]
    if stream is None:
        stream = np.arange(m)
    stream = np.asarray(stream)
    if stream.shape != (m,) or not np.issubdtype(stream.dtype, np.integer):
        raise ValueError(
            f"stream must be an integer array of shape ({m},); got "
            f"shape {stream.shape} and dtype {stream.dtype}"
        )
    if np.any(stream < 0):
        raise ValueError("stream ids must be >= 0")
    num_streams = int(stream.max()) + 1
    gen = np.random.default_rng(rng)
    hist = {k: np.empty((num_steps, m)) for k in ("db", "active")}
    lr_col = lr[:, None]
    chunk = max(1, (1 << 20) // (num_streams * n))
    # Only the batch's rows enter the gradient: each step gathers their
    # (m, batch) pre-activations from z, which is needed on all n rows
    # anyway for the active fraction. The batches are drawn a chunk of
    # steps at a time (the same numbers, in the same order, as one draw
    # per step), and their rows of X gathered once per chunk.
    to_flat = n * np.arange(m)[:, None]  # row k of z starts at k * n
    with np.errstate(over="ignore", invalid="ignore"):
        z = _z_unchecked(W, B, X)
        for start in range(0, num_steps, chunk):
            k = min(chunk, num_steps - start)
            idx = gen.integers(0, n, size=(k, num_streams, batch_size))
            X_batches = X[idx]  # (k, num_streams, batch, d)
            for j in range(k):
                rows = idx[j][stream]  # (m, batch): each neuron's batch
                out, scale = _out_and_slope(z.take(rows + to_flat), a)
                g = df(out - y[rows]) * scale / batch_size
                dB = g.sum(axis=1)
                dW = np.matmul(g[:, None, :], X_batches[j][stream])[:, 0]
                W = W - lr_col * dW
                B = B - lr * dB
                z = _z_unchecked(W, B, X)
                hist["db"][start + j] = dB
                hist["active"][start + j] = (z > 0).sum(axis=1) / n
    check_finite_result(W, "an updated weight", _HINT)
    check_finite_result(B, "an updated bias", _HINT)
    check_finite_result(hist["db"], "a bias gradient dL/db", _HINT)
    return W, B, hist


def max_pre_activation_many(
    W: ArrayLike, B: ArrayLike, X: ArrayLike
) -> Array:
    """``max`` over the rows of shared ``X`` (n, d) of each neuron's ``z``.

    Computed in chunks of neurons so that a sweep over many settings and
    a large data set does not allocate an ``(m, n)`` array at once.
    """
    W, B = _check_params(W, B)
    X = as_finite_array(X, "X", ndim=2)
    _check_data(X, W)
    m, n = W.shape[0], X.shape[0]
    step = max(1, _CHUNK // n)
    out = np.empty(m)
    for start in range(0, m, step):
        sl = slice(start, start + step)
        out[sl] = _z(W[sl], B[sl], X).max(axis=1)
    return out


def is_dead_many(W: ArrayLike, B: ArrayLike, X: ArrayLike) -> NDArray:
    """Boolean ``(m,)``: True where ``z <= 0`` on every row of ``X``."""
    return max_pre_activation_many(W, B, X) <= 0


def active_fraction_many(W: ArrayLike, B: ArrayLike, X: ArrayLike) -> Array:
    """Fraction of the rows of shared ``X`` with ``z > 0``, per neuron."""
    W, B = _check_params(W, B)
    X = as_finite_array(X, "X", ndim=2)
    _check_data(X, W)
    m, n = W.shape[0], X.shape[0]
    step = max(1, _CHUNK // n)
    out = np.empty(m)
    for start in range(0, m, step):
        sl = slice(start, start + step)
        out[sl] = np.mean(_z(W[sl], B[sl], X) > 0, axis=1)
    return out
