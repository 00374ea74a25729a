"""A mini-batch training loop for :class:`relu_notes.mlp.MLP` that records
dead units, losses and gradient norms as it goes.

Explained in the chapter *Dead units in a trained network*
(``chapters/dead-units-in-a-trained-network.ipynb``); the remedies of
*What prevents dead units, measured*
(``chapters/preventing-dead-units.ipynb``) are arguments of :func:`train`.

Every ``record_every`` steps (and before the first and after the last)
the loop evaluates the whole training set with one
:meth:`MLP.trace <relu_notes.mlp.MLP.trace>` and stores, per hidden
layer, the fraction of units that are off on every training row
(:func:`relu_notes.diagnostics.dead_fraction` of the pre-activations),
the per-layer norm of the full-batch gradient, the training loss and the
validation mean squared error.

A run whose numbers overflow (the network raises ``ValueError`` on a
non-finite pre-activation or loss) is stopped and marked ``diverged``
rather than producing NaNs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relu_notes import diagnostics, losses, revival
from relu_notes._validate import (
    as_float_array,
    check_batch_size,
    check_count,
    check_positive,
)
from relu_notes.mlp import (
    MLP,
    backward_arrays,
    backward_norm_arrays,
    forward_arrays,
    forward_norm_arrays,
    stack_parameters,
)
from relu_notes.optim import Optimizer, clip_grad_norm, global_norm

__all__ = ["History", "train", "train_stacked"]

Array = NDArray[np.float64]


@dataclass(frozen=True)
class History:
    """What :func:`train` recorded; one entry per record.

    Attributes
    ----------
    steps : ndarray of int, shape (r,)
        The number of optimiser steps taken at each record.
    train_loss : ndarray, shape (r,)
        The training objective (``loss``) on the whole training set.
    val_mse : ndarray, shape (r,)
        Mean squared error on the validation set (NaN without one). The
        same measure whatever loss is trained, so runs can be compared.
    dead_fraction : ndarray, shape (r, number of hidden layers)
        Per hidden layer, the fraction of units whose pre-activation is
        ``<= 0`` on every training row. For ReLU these units are dead;
        for leaky ReLU, ELU or GELU they are only off (see the chapter).
    grad_norm : ndarray, shape (r, number of layers)
        Per layer, the norm of the full-batch gradient of ``dW`` and
        ``db`` together.
    num_clipped : int
        How many steps had their gradient shortened by clipping.
    diverged : bool
        True if the run overflowed and was stopped early.
    num_reinitialised : int
        How many units re-initialisation (``redo_every``) reset in all.
    """

    steps: NDArray[np.int64]
    train_loss: Array
    val_mse: Array
    dead_fraction: Array
    grad_norm: Array
    num_clipped: int
    diverged: bool
    num_reinitialised: int = 0

    @property
    def final_dead_fraction(self) -> float:
        """Mean over the hidden layers of the last recorded
        :attr:`dead_fraction`."""
        return float(np.mean(self.dead_fraction[-1]))


def train(
    net: MLP,
    X: ArrayLike,
    Y: ArrayLike,
    optimizer: Optimizer,
    *,
    num_epochs: int = 10,
    batch_size: int = 32,
    loss: str = "mse",
    loss_kwargs: Mapping[str, float] | None = None,
    clip_norm: float | None = None,
    X_val: ArrayLike | None = None,
    Y_val: ArrayLike | None = None,
    record_every: int = 50,
    seed: int = 0,
    redo_every: int | None = None,
    redo_threshold: float = 0.0,
) -> History:
    """Train ``net`` in place by mini-batch gradient steps.

    Parameters
    ----------
    net : MLP
        The network, changed in place.
    X, Y : array_like
        Training inputs ``(n, n_in)`` and targets ``(n, n_out)`` (or
        ``(n,)`` for one output).
    optimizer : Optimizer
        From :mod:`relu_notes.optim`, e.g. ``SGD(lr=0.01)``.
    num_epochs : int
        Passes over the training data (>= 1); each pass visits the rows
        in a fresh random order, in batches of ``batch_size``.
    batch_size : int
        Rows per step, in ``[1, n]``; the last batch of an epoch may be
        smaller.
    loss : str
        The training objective, ``"mse"``, ``"huber"`` or ``"mae"``.
    loss_kwargs : mapping, optional
        E.g. ``{"delta": 1.0}`` for ``"huber"``.
    clip_norm : float, optional
        If given, every step's gradients are rescaled so their global
        norm is at most this (:func:`relu_notes.optim.clip_grad_norm`).
    X_val, Y_val : array_like, optional
        Validation data for ``val_mse``.
    record_every : int
        Record every this many steps (>= 1), plus before the first and
        after the last step.
    seed : int
        Seed of the generator that shuffles the rows (and draws the
        fresh weights of re-initialised units).
    redo_every : int, optional
        Every this many steps, re-initialise the hidden units that are
        dormant on the whole training set (:func:`relu_notes.revival.redo`
        with ``redo_threshold``; 0 means exactly the dead units). A
        network with a normalisation layer (``net.norm``) trains its
        gammas and betas as well.

    Returns
    -------
    History
    """
    if not isinstance(net, MLP):
        raise ValueError(f"net must be an MLP, got {type(net).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise ValueError(
            "optimizer must be an Optimizer from relu_notes.optim, got "
            f"{type(optimizer).__name__}"
        )
    X, Y, X_val, Y_val = _check_data(net, X, Y, X_val, Y_val)
    n = X.shape[0]
    num_epochs = check_count(num_epochs, "num_epochs", 1)
    batch_size = check_batch_size(batch_size, n)
    record_every = check_count(record_every, "record_every", 1)
    seed = check_count(seed, "seed")
    if clip_norm is not None:
        clip_norm = check_positive(clip_norm, "clip_norm")
    if redo_every is not None:
        redo_every = check_count(redo_every, "redo_every", 1)
        redo_threshold = revival._check_threshold(redo_threshold)
    kw = _check_loss(loss, loss_kwargs)

    steps: list[int] = []
    rec_loss: list[float] = []
    rec_val: list[float] = []
    rec_dead: list[Array] = []
    rec_grad: list[Array] = []

    def record(step: int) -> None:
        # compute everything first, so a record that overflows leaves the
        # lists consistent
        t = net._backprop(X, Y, loss, **kw)
        dead = diagnostics.dead_fraction_per_layer(t.pre_activations[:-1])
        grad = diagnostics.grad_norm_summary(t.grads)["layer"]
        val = math.nan
        if X_val is not None:
            r = net.forward(X_val) - Y_val
            val = float(np.mean(r * r))
        steps.append(step)
        rec_loss.append(t.loss)
        rec_dead.append(dead)
        rec_grad.append(grad)
        rec_val.append(val)

    rng = np.random.default_rng(seed)
    step = 0
    num_clipped = 0
    num_reinit = 0
    diverged = False
    try:
        record(0)
        for _ in range(num_epochs):
            order = rng.permutation(n)
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                t = net._backprop(X[idx], Y[idx], loss, **kw)
                grads = t.grads + t.norm_grads
                if clip_norm is not None:
                    grads, norm = clip_grad_norm(grads, clip_norm)
                    num_clipped += norm > clip_norm
                optimizer.step(*net.parameter_lists(), grads)
                step += 1
                if redo_every is not None and step % redo_every == 0:
                    masks = revival.redo(net, X, redo_threshold, seed=rng,
                                         optimizer=optimizer)
                    num_reinit += sum(int(m.sum()) for m in masks)
                if step % record_every == 0:
                    record(step)
        if steps[-1] != step:
            record(step)
    except ValueError as err:
        if "overflow" not in str(err) and "NaN or infinite" not in str(err):
            raise
        diverged = True
    n_hidden = net.num_layers - 1
    return History(
        steps=np.array(steps, dtype=np.int64),
        train_loss=np.array(rec_loss),
        val_mse=np.array(rec_val),
        dead_fraction=np.array(rec_dead).reshape(len(steps), n_hidden),
        grad_norm=np.array(rec_grad).reshape(len(steps), net.num_layers),
        num_clipped=int(num_clipped),
        diverged=diverged,
        num_reinitialised=num_reinit,
    )


def _check_data(
    net: MLP,
    X: ArrayLike,
    Y: ArrayLike,
    X_val: ArrayLike | None,
    Y_val: ArrayLike | None,
) -> tuple[Array, Array, Array | None, Array | None]:
    """The one check of training and validation data, shared by
    :func:`train` and (per network) :func:`train_stacked`."""
    X = net._checked_x(X)
    Y = net._checked_y(Y, X.shape[0])
    if (X_val is None) != (Y_val is None):
        raise ValueError("give both X_val and Y_val, or neither")
    if X_val is not None:
        X_val = net._checked_x(X_val, "X_val")
        Y_val = net._checked_y(Y_val, X_val.shape[0], "Y_val")
    return X, Y, X_val, Y_val


def _check_loss(
    loss: str, loss_kwargs: Mapping[str, float] | None
) -> dict[str, float]:
    """Reject an unknown loss or parameters it does not take, before
    training starts; returns the parameters as a dict."""
    kw = dict(loss_kwargs or {})
    f, df = losses.get(loss)
    try:
        f(0.0, **kw)
        df(0.0, **kw)
    except TypeError:
        raise ValueError(
            f"loss {loss!r} does not take parameters {sorted(kw)}"
        ) from None
    return kw


def _per_slice(A: ArrayLike | None, name: str, k: int):
    """Split stacked data (leading axis: the network) into ``k`` slices."""
    if A is None:
        return [None] * k
    A = as_float_array(A, name)
    if A.ndim < 2 or A.shape[0] != k:
        raise ValueError(
            f"{name} must hold one data set per network, shape ({k}, ...), "
            f"got {A.shape}"
        )
    return list(A)


def _per_net_finite(arrays: list[Array], num: int) -> NDArray[np.bool_]:
    """True for each of ``num`` stacked networks whose slices of every
    array (leading axis: the network) are all finite."""
    ok = np.ones(num, dtype=bool)
    for A in arrays:
        ok &= np.isfinite(A).reshape(num, -1).all(axis=1)
    return ok


def train_stacked(
    nets: list[MLP],
    X: ArrayLike,
    Y: ArrayLike,
    optimizer: Optimizer,
    *,
    seeds: list[int],
    num_epochs: int = 10,
    batch_size: int = 32,
    loss: str = "mse",
    loss_kwargs: Mapping[str, float] | None = None,
    clip_norm: float | None = None,
    X_val: ArrayLike | None = None,
    Y_val: ArrayLike | None = None,
    record_every: int = 50,
    on_step: Callable[[int, NDArray[np.int64], list[Array], list[Array]],
                      None] | None = None,
    final_only: bool = False,
) -> list[History]:
    """:func:`train` for several networks at once, one batched computation.

    Network ``k`` is trained on ``X[k], Y[k]`` with the batch order drawn
    from ``seeds[k]``, exactly as ``train(nets[k], X[k], Y[k], ...,
    seed=seeds[k])`` would train it (up to rounding in the last bits): the
    parameters of all networks are stacked along a leading axis, so each
    step is one forward and backward pass (:func:`relu_notes.mlp.
    backward_arrays`) instead of one per network. A network that
    overflows is marked diverged and frozen while the others go on.

    Parameters
    ----------
    nets : list of MLP
        Networks of the same sizes and activation; changed in place.
    X, Y : array_like
        Shapes ``(k, n, n_in)`` and ``(k, n, n_out)`` (or ``(k, n)``).
    optimizer : Optimizer
        A fresh optimiser; it acts on the stacked parameters, which is
        the same as one optimiser per network for SGD, momentum and
        Adam (their updates are elementwise).
    seeds : list of int
        One shuffling seed per network.
    X_val, Y_val : array_like, optional
        Shapes ``(k, m, n_in)`` and ``(k, m, n_out)`` (or ``(k, m)``).
    on_step : callable, optional
        Called after every optimiser step as ``on_step(step, idx, Ws,
        bs)``: the number of steps taken, the rows of each network's
        batch (shape ``(k, batch)``) and the stacked weights and biases
        (read them, do not change them). Used to follow single units
        step by step (:func:`relu_notes.experiments.step_log`).
    final_only : bool
        If True, record only once, after the last step, and without the
        backward pass: ``grad_norm`` is NaN and every other number is
        the same as with the full records (for tables that need only
        the final dead fraction and validation error).
    Other parameters
        As for :func:`train`; ``clip_norm`` clips each network's global
        gradient norm separately.

    Returns
    -------
    list of History
        One per network.
    """
    if not nets or not all(isinstance(n, MLP) for n in nets):
        raise ValueError("nets must be a non-empty list of MLP")
    first = nets[0]
    for n in nets[1:]:
        if (n.sizes, n.activation, n.activation_kwargs, n.norm) != (
            first.sizes, first.activation, first.activation_kwargs,
            first.norm,
        ):
            raise ValueError(
                "nets must share sizes, activation and norm to be "
                "stacked"
            )
    if not isinstance(optimizer, Optimizer):
        raise ValueError(
            "optimizer must be an Optimizer from relu_notes.optim, got "
            f"{type(optimizer).__name__}"
        )
    k = len(nets)
    if len(seeds) != k:
        raise ValueError(
            f"need one seed per network ({k}), got {len(seeds)}"
        )
    seeds = [check_count(s, f"seeds[{j}]") for j, s in enumerate(seeds)]
    # each network's data pass the same check as in train
    parts = [
        _check_data(first, *data)
        for data in zip(_per_slice(X, "X", k), _per_slice(Y, "Y", k),
                        _per_slice(X_val, "X_val", k),
                        _per_slice(Y_val, "Y_val", k), strict=True)
    ]
    X, Y = np.stack([p[0] for p in parts]), np.stack([p[1] for p in parts])
    if parts[0][2] is not None:
        X_val = np.stack([p[2] for p in parts])
        Y_val = np.stack([p[3] for p in parts])
    n = X.shape[1]
    num_epochs = check_count(num_epochs, "num_epochs", 1)
    batch_size = check_batch_size(batch_size, n)
    record_every = check_count(record_every, "record_every", 1)
    if clip_norm is not None:
        clip_norm = check_positive(clip_norm, "clip_norm")
    kw = _check_loss(loss, loss_kwargs)
    loss_f, loss_df = losses.get(loss)
    f, df = first._f, first._df
    n_layers = first.num_layers
    Ws, bs = stack_parameters(nets)
    norm_kind = first.norm
    Gs = [np.stack([m.gammas[i] for m in nets])
          for i in range(len(first.gammas))]
    Bs = [np.stack([m.betas[i] for m in nets])
          for i in range(len(first.betas))]

    def forward(Xb: Array):
        if norm_kind is None:
            pres, acts = forward_arrays(Ws, bs, f, Xb)
            return pres, acts, []
        return forward_norm_arrays(Ws, bs, Gs, Bs, f, Xb, norm_kind)

    def full_pass(Xb: Array, Yb: Array):
        """Forward and backward pass of every network; per-network
        losses, finiteness, pre-activations and gradients (of the
        weights and biases, and of the gammas and betas)."""
        ngrads: list[tuple[Array, Array]] = []
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            pres, acts, cache = forward(Xb)
            r = acts[-1] - Yb
            value = np.mean(loss_f(r, **kw), axis=(-2, -1))
            delta = loss_df(r, **kw) / (r.shape[-2] * r.shape[-1])
            if norm_kind is None:
                _, grads, back = backward_arrays(Ws, pres, acts, df, delta)
            else:
                _, grads, ngrads, back = backward_norm_arrays(
                    Ws, Gs, pres, acts, cache, df, delta, norm_kind
                )
        flat = [g for pair in grads + ngrads for g in pair]
        ok = np.isfinite(value) & _per_net_finite(
            [*pres, delta, *flat, back], k
        )
        return value, ok, pres, grads, ngrads

    steps: list[list[int]] = [[] for _ in range(k)]
    rec_loss: list[list[float]] = [[] for _ in range(k)]
    rec_val: list[list[float]] = [[] for _ in range(k)]
    rec_dead: list[list[Array]] = [[] for _ in range(k)]
    rec_grad: list[list[Array]] = [[] for _ in range(k)]
    diverged = np.zeros(k, dtype=bool)
    frozen: dict[int, tuple[list[Array], list[Array]]] = {}

    def freeze(bad: NDArray[np.bool_]) -> None:
        for j in np.flatnonzero(bad & ~diverged):
            frozen[j] = ([W[j].copy() for W in Ws + Gs],
                         [b[j].copy() for b in bs + Bs])
        diverged[bad] = True

    def record(step: int) -> None:
        if final_only:
            with np.errstate(over="ignore", invalid="ignore"):
                pres, acts, _ = forward(X)
                r = acts[-1] - Y
                value = np.mean(loss_f(r, **kw), axis=(-2, -1))
            ok = np.isfinite(value) & _per_net_finite(pres, k)
            grads = None
        else:
            value, ok, pres, grads, _ = full_pass(X, Y)
        val = np.full(k, math.nan)
        if X_val is not None:
            with np.errstate(over="ignore", invalid="ignore"):
                out = forward(X_val)[1][-1]
                r = out - Y_val
                val = np.mean(r * r, axis=(-2, -1))
            ok &= np.isfinite(val)
        dead = np.stack([np.all(z <= 0, axis=-2).mean(axis=-1)
                         for z in pres[:-1]], axis=1)
        if grads is None:
            grad = np.full((k, n_layers), math.nan)
        else:
            with np.errstate(over="ignore", invalid="ignore"):
                grad = np.stack([
                    np.hypot(np.sqrt(np.sum(dW * dW, axis=(-2, -1))),
                             np.sqrt(np.sum(db * db, axis=-1)))
                    for dW, db in grads
                ], axis=1)
        freeze(~ok)
        for j in np.flatnonzero(~diverged):
            steps[j].append(step)
            rec_loss[j].append(float(value[j]))
            rec_val[j].append(float(val[j]))
            rec_dead[j].append(dead[j])
            rec_grad[j].append(grad[j])

    rngs = [np.random.default_rng(s) for s in seeds]
    rows = np.arange(k)[:, None]
    num_clipped = np.zeros(k, dtype=np.int64)
    step = 0
    if not final_only:
        record(0)
    for _ in range(num_epochs):
        if diverged.all():
            break
        order = np.stack([rng.permutation(n) for rng in rngs])
        for start in range(0, n, batch_size):
            idx = order[:, start:start + batch_size]
            _, ok, _, grads, ngrads = full_pass(X[rows, idx], Y[rows, idx])
            grads = grads + ngrads
            freeze(~ok)
            if diverged.any():
                for dW, db in grads:
                    dW[diverged] = 0.0
                    db[diverged] = 0.0
            if clip_norm is not None:
                with np.errstate(over="ignore"):
                    sq = sum(np.sum((P * P).reshape(k, -1), axis=1)
                             for pair in grads for P in pair)
                norm = np.sqrt(sq)
                for j in np.flatnonzero(~np.isfinite(norm)):
                    # finite gradients whose squares overflow
                    norm[j] = global_norm([(dW[j], db[j])
                                           for dW, db in grads])
                scale = np.where(norm > clip_norm,
                                 clip_norm / np.where(norm > 0, norm, 1.0),
                                 1.0)
                grads = [
                    tuple(P * scale.reshape((k,) + (1,) * (P.ndim - 1))
                          for P in pair)
                    for pair in grads
                ]
                num_clipped += (norm > clip_norm) & ~diverged
            optimizer.step(Ws + Gs, bs + Bs, grads)
            for j, (Wf, bf) in frozen.items():
                for P, Pf in zip(Ws + Gs, Wf, strict=True):
                    P[j] = Pf
                for P, Pf in zip(bs + Bs, bf, strict=True):
                    P[j] = Pf
            step += 1
            if on_step is not None:
                on_step(step, idx, Ws, bs)
            if step % record_every == 0 and not final_only:
                record(step)
    alive = ~diverged
    if alive.any():
        done = steps[int(np.flatnonzero(alive)[0])]
        if not done or done[-1] != step:
            record(step)
    for j, net in enumerate(nets):
        net.weights = [W[j].copy() for W in Ws]
        net.biases = [b[j].copy() for b in bs]
        net.gammas = [G[j].copy() for G in Gs]
        net.betas = [B[j].copy() for B in Bs]
    n_hidden = n_layers - 1
    return [
        History(
            steps=np.array(steps[j], dtype=np.int64),
            train_loss=np.array(rec_loss[j]),
            val_mse=np.array(rec_val[j]),
            dead_fraction=np.array(rec_dead[j]).reshape(-1, n_hidden),
            grad_norm=np.array(rec_grad[j]).reshape(-1, n_layers),
            num_clipped=int(num_clipped[j]),
            diverged=bool(diverged[j]),
        )
        for j in range(k)
    ]
