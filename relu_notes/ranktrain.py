"""Train ranking networks side by side, and find the step that killed
each hidden unit.

Explained in the chapter *Hidden units in a ranking network*
(``chapters/hidden-units-in-a-ranking-network.ipynb``).

:func:`train_rankers` trains ``k`` networks of one hidden ReLU layer at
once, network ``r`` on its own search log (the parameters are stacked
along a leading axis, as in :func:`relu_notes.train.train_stacked`, so a
step is one forward and one backward pass for all of them). Each step
takes the listings of ``searches_per_batch`` searches and minimises one
of three losses of the paper's models:

- ``"mse"``: the squared error on booked = 1 / not booked = 0
  (SimpleNN);
- ``"pairwise"``: the pairwise logistic loss of
  :func:`relu_notes.ranking.pairwise_logistic_loss` with unit weights;
- ``"lambdarank"``: the same loss with delta-NDCG weights
  (LambdaRankNN).

The first layer's parameters are stored after every step. For a
first-layer unit this is enough to settle its fate exactly: its inputs
are the features, which never change, so once its pre-activation is
``<= 0`` on every training row it gets a gradient of exactly 0 from every
later batch, and plain SGD never moves it again. :func:`trace_kills`
finds, for every unit that was alive at the start and dead at the end,
the step that killed it, the batch of that step, the feature whose weight
change pushed hardest, and whether the weight part or the bias part of
the step alone would have killed it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relu_notes._validate import (
    as_finite_array,
    check_choice,
    check_count,
    check_positive,
)
from relu_notes.mlp import MLP, stack_parameters
from relu_notes.ranking import (
    group_layout,
    pairwise_gradient_in_layout,
)

__all__ = ["LOSSES", "Kills", "RankRun", "trace_kills", "train_rankers"]

Array = NDArray[np.float64]

#: The training losses, by name.
LOSSES = ("mse", "pairwise", "lambdarank")


@dataclass(frozen=True)
class RankRun:
    """What :func:`train_rankers` recorded.

    Attributes
    ----------
    W1 : ndarray, shape (k, num_steps + 1, d, h)
        First-layer weights of each network before the first step
        (index 0) and after every step.
    b1 : ndarray, shape (k, num_steps + 1, h)
        First-layer biases, likewise.
    batches : ndarray of int, shape (k, num_steps, searches_per_batch)
        The searches of each step's batch.
    steps : ndarray of int, shape (r,)
        Steps at which the dead fraction was recorded.
    dead_fraction : ndarray, shape (k, r)
        Fraction of hidden units off on every training row.
    nets : list of MLP
        The trained networks.
    diverged : ndarray of bool, shape (k,)
        Networks whose numbers overflowed (frozen from then on).
    listings_per_search : int
    """

    W1: Array
    b1: Array
    batches: NDArray[np.int64]
    steps: NDArray[np.int64]
    dead_fraction: Array
    nets: list[MLP]
    diverged: NDArray[np.bool_]
    listings_per_search: int

    def score(self, r: int, X: ArrayLike) -> Array:
        """The scores that trained network ``r`` gives the listings ``X``.

        The same numbers, bit for bit, as ``nets[r].forward(X)[:, 0]``,
        in a fraction of the time (no per-call checks beyond the shape,
        and ``max(z, 0)`` for the ReLU).

        Parameters
        ----------
        r : int
            The network, ``0 <= r < k``.
        X : array_like, shape (n, d)
            Finite features.

        Returns
        -------
        ndarray, shape (n,)
        """
        if not 0 <= r < len(self.nets):
            raise ValueError(
                f"r must name one of the {len(self.nets)} networks, got {r}"
            )
        X = as_finite_array(X, "X", ndim=2)
        (W0, W1), (b0, b1) = self.nets[r].weights, self.nets[r].biases
        if X.shape[1] != W0.shape[0]:
            raise ValueError(
                f"X must have {W0.shape[0]} features, got {X.shape[1]}"
            )
        a = np.maximum(X @ W0 + b0, 0.0)
        return (a @ W1 + b1)[:, 0]


def _search_layout(groups: ArrayLike, n: int) -> tuple[int, int]:
    g = np.asarray(groups)
    if g.ndim != 1 or g.shape[0] != n or g.dtype.kind not in "iu":
        raise ValueError(
            f"groups must be an integer array of shape ({n},), got "
            f"{g.dtype} {g.shape}"
        )
    num = int(g.max()) + 1
    m = n // num
    if num * m != n or not np.array_equal(
        g, np.repeat(np.arange(num), m)
    ):
        raise ValueError(
            "groups must list searches 0, 1, ... of equal size with "
            "adjacent rows, as make_search_logs writes them"
        )
    return num, m


def train_rankers(
    X: ArrayLike,
    booked: ArrayLike,
    groups: ArrayLike,
    *,
    loss: str,
    seeds: list[int],
    lr: float | ArrayLike,
    num_epochs: int = 5,
    searches_per_batch: int = 10,
    hidden: int = 32,
    init: str | float = "glorot",
    record_every: int = 10,
) -> RankRun:
    """Train ``k`` one-hidden-layer ReLU rankers side by side by SGD.

    Parameters
    ----------
    X : array_like, shape (k, n, d)
        Features of each network's training log.
    booked : array_like, shape (k, n)
        Labels, 1 for the booked listing of a search, else 0.
    groups : array_like of int, shape (n,)
        The search of each row, the same layout for every network
        (searches ``0, 1, ...`` of equal size, rows adjacent). With a
        pairwise loss, every search must hold the same number of pairs
        (for example one booking each), so that each network's batch
        holds the same number of pairs.
    loss : {"mse", "pairwise", "lambdarank"}
    seeds : list of int
        One per network: seeds its initial weights and its batch order.
    lr : float or array_like of shape (k,)
        SGD learning rate (> 0), one for all networks or one each.
    num_epochs : int
        Passes over the searches (>= 1).
    searches_per_batch : int
        Searches per step.
    hidden : int
        Hidden ReLU units (the paper's SimpleNN has 32).
    init : str or float
        Weight initialisation of :class:`relu_notes.mlp.MLP`.
    record_every : int
        Record the dead fraction every this many steps (and at the end).

    Returns
    -------
    RankRun
    """
    check_choice(loss, "loss", LOSSES)
    X = as_finite_array(X, "X", ndim=3)
    Y = as_finite_array(booked, "booked", ndim=2)
    k, n, d = X.shape
    if Y.shape != (k, n):
        raise ValueError(f"booked must have shape {(k, n)}, got {Y.shape}")
    if len(seeds) != k:
        raise ValueError(f"need one seed per network ({k}), got {len(seeds)}")
    num, m = _search_layout(groups, n)
    lrs = np.broadcast_to(np.asarray(lr, dtype=np.float64), (k,))
    for v in lrs:
        check_positive(v, "lr")
    num_epochs = check_count(num_epochs, "num_epochs", 1)
    B = check_count(searches_per_batch, "searches_per_batch", 1)
    if B > num:
        raise ValueError(
            f"searches_per_batch ({B}) exceeds the number of searches "
            f"({num})"
        )
    record_every = check_count(record_every, "record_every", 1)
    hidden = check_count(hidden, "hidden", 1)
    if loss != "mse":
        pos = Y.reshape(k, num, m).sum(axis=2)
        pairs = pos * (m - pos)  # binary labels: booked x not booked
        if np.any(np.isin(Y, (0.0, 1.0), invert=True)) or np.any(
            pairs != pairs.flat[0]
        ):
            raise ValueError(
                "pairwise training needs 0/1 labels and the same number "
                "of booked listings in every search"
            )
    nets = [MLP([d, hidden, 1], init=init, seed=s) for s in seeds]
    Ws, bs = stack_parameters(nets)
    weights = "delta_ndcg" if loss == "lambdarank" else None
    per_epoch = num // B
    num_steps = num_epochs * per_epoch
    W1 = np.empty((k, num_steps + 1, d, hidden))
    b1 = np.empty((k, num_steps + 1, hidden))
    W1[:, 0], b1[:, 0] = Ws[0], bs[0]
    batches = np.empty((k, num_steps, B), dtype=np.int64)
    rngs = [np.random.default_rng(s) for s in seeds]
    diverged = np.zeros(k, dtype=bool)
    rec_steps: list[int] = []
    rec_dead: list[Array] = []
    nets_axis = np.arange(k)[:, None]
    local = np.repeat(np.arange(B), m)
    offsets = np.arange(B * m) % m
    # every batch has the same layout: search b of network r is group
    # r * B + b, so the pairs' layout is computed once
    layout = group_layout((np.arange(k)[:, None] * B + local).ravel())

    # Work arrays reused at every step: a fresh array of this size for
    # every intermediate costs more in page faults than the arithmetic.
    rows_per_batch = B * m
    X_flat = X.reshape(k * n, d)
    Xb = np.empty((k, rows_per_batch, d))
    z = np.empty((k, rows_per_batch, hidden))
    a = np.empty_like(z)
    delta = np.empty_like(z)
    on = np.empty(z.shape, dtype=bool)
    z_all = np.empty((n, hidden))

    def record(step: int) -> None:
        dead = np.empty(k)
        with np.errstate(over="ignore", invalid="ignore"):
            for r in range(k):
                np.matmul(X[r], Ws[0][r], out=z_all)
                np.add(z_all, bs[0][r], out=z_all)
                dead[r] = np.all(z_all <= 0, axis=0).mean()
        rec_steps.append(step)
        rec_dead.append(dead)

    record(0)
    step = 0
    for _ in range(num_epochs):
        order = np.stack([r.permutation(num) for r in rngs])
        for start in range(0, per_epoch * B, B):
            searches = order[:, start:start + B]
            batches[:, step] = searches
            rows = np.repeat(searches, m, axis=1) * m + offsets
            np.take(X_flat, (nets_axis * n + rows).ravel(), axis=0,
                    out=Xb.reshape(-1, d))
            yb = Y[nets_axis, rows]
            with np.errstate(over="ignore", invalid="ignore"):
                # the forward and backward passes of
                # relu_notes.mlp.forward_arrays and backward_arrays for
                # one hidden layer, the same operations in the same
                # order (so the same numbers, bit for bit), in the work
                # arrays, and without the gradient with respect to X
                np.matmul(Xb, Ws[0], out=z)
                z += bs[0][..., None, :]
                np.maximum(z, 0.0, out=a)  # relu(z), NaN kept
                out = (a @ Ws[1] + bs[1][..., None, :])[..., 0]
                if loss == "mse":
                    dout = 2.0 * (out - yb) / out.shape[1]
                else:
                    ok_out = np.isfinite(out)
                    safe = np.where(ok_out, out, 0.0)
                    ds = pairwise_gradient_in_layout(
                        layout, safe.ravel(), yb.ravel(), weights
                    )
                    # the loss averages over every network's pairs
                    # (equal counts); each network's own mean is k times
                    dout = k * ds.reshape(k, -1)
                    dout[~ok_out] = np.nan
                d_out = dout[..., None]
                grads = [(a.swapaxes(-1, -2) @ d_out, d_out.sum(axis=-2))]
                # the outer product d_out v^T (one product per entry,
                # as the matrix product of backward_arrays computes it)
                np.multiply(d_out, Ws[1].swapaxes(-1, -2), out=delta)
                # times relu'(z); where z is NaN its row's output, and so
                # delta, is NaN already
                np.greater(z, 0.0, out=on)
                delta *= on
                grads.insert(0, (Xb.swapaxes(-1, -2) @ delta,
                                 delta.sum(axis=-2)))
            flat = [g.reshape(k, -1) for pair in grads for g in pair]
            ok = np.all([np.isfinite(g).all(axis=1) for g in flat], axis=0)
            diverged |= ~ok
            for W, b, (dW, db) in zip(Ws, bs, grads, strict=True):
                dW[diverged] = 0.0
                db[diverged] = 0.0
                W -= lrs[:, None, None] * dW
                b -= lrs[:, None] * db
            step += 1
            W1[:, step], b1[:, step] = Ws[0], bs[0]
            if step % record_every == 0:
                record(step)
    if rec_steps[-1] != step:
        record(step)
    for r, net in enumerate(nets):
        net.weights = [W[r].copy() for W in Ws]
        net.biases = [b[r].copy() for b in bs]
    return RankRun(
        W1=W1,
        b1=b1,
        batches=batches,
        steps=np.array(rec_steps, dtype=np.int64),
        dead_fraction=np.array(rec_dead).T,
        nets=nets,
        diverged=diverged,
        listings_per_search=m,
    )


@dataclass(frozen=True)
class Kills:
    """One entry per unit that was alive before training and dead after.

    Attributes
    ----------
    net, unit, step : ndarray of int
        The network, the hidden unit, and the step (1-based) after which
        the unit was off on every training row for good.
    outlier_in_batch : ndarray of bool
        Whether that step's batch held an outlier row.
    feature : ndarray of int
        The feature whose weight change lowered the unit's pre-activation
        most, on average over the training rows on which the unit was on
        before the step.
    weight_alone, bias_alone : ndarray of bool
        Whether the step's weight change alone (bias kept) or its bias
        change alone (weights kept) would have left the unit off on every
        training row.
    weight_change, bias_change : ndarray
        How the step moved the pre-activation: the weight part
        ``x . dw`` averaged over the training rows on which the unit was
        on before the step, and the bias part ``db``.
    """

    net: NDArray[np.int64]
    unit: NDArray[np.int64]
    step: NDArray[np.int64]
    outlier_in_batch: NDArray[np.bool_]
    feature: NDArray[np.int64]
    weight_alone: NDArray[np.bool_]
    bias_alone: NDArray[np.bool_]
    weight_change: Array
    bias_change: Array

    def __len__(self) -> int:
        return int(self.net.size)


def trace_kills(
    run: RankRun, X: ArrayLike, outlier_rows: list[ArrayLike] | None = None
) -> Kills:
    """Find the step that killed each unit of each network of ``run``.

    Parameters
    ----------
    run : RankRun
    X : array_like, shape (k, n, d)
        The training features each network saw.
    outlier_rows : list of array_like of int, optional
        Per network, the rows that hold an outlier.

    Returns
    -------
    Kills
    """
    X = as_finite_array(X, "X", ndim=3)
    k, n, d = X.shape
    if run.W1.shape[0] != k or run.W1.shape[2] != d:
        raise ValueError("X does not match the networks of run")
    m = run.listings_per_search
    cols: dict[str, list] = {key: [] for key in Kills.__dataclass_fields__}
    for r in range(k):
        Xr = X[r]
        z0 = Xr @ run.W1[r, 0] + run.b1[r, 0]
        zT = Xr @ run.W1[r, -1] + run.b1[r, -1]
        killed = np.flatnonzero((z0 > 0).any(axis=0) & (zT <= 0).all(axis=0))
        out = np.zeros(n, dtype=bool)
        if outlier_rows is not None:
            out[np.asarray(outlier_rows[r], dtype=np.int64)] = True
        if killed.size == 0:
            continue
        # Dead on every training row is for good (see the module notes),
        # so "alive after step t" is monotone in t: bisect for the first
        # step after which each unit is dead, all units at once.
        lo = np.zeros(killed.size, dtype=np.int64)  # alive here
        hi = np.full(killed.size, run.W1.shape[1] - 1)  # dead here
        while np.any(hi - lo > 1):
            mid = (lo + hi) // 2
            w = run.W1[r, mid, :, killed]  # (units, d)
            z = Xr @ w.T + run.b1[r, mid, killed]
            alive = (z > 0).any(axis=0)
            lo = np.where(alive, mid, lo)
            hi = np.where(alive, hi, mid)
        for j, t in zip(killed, hi, strict=True):
            w, b = run.W1[r, t - 1, :, j], run.b1[r, t - 1, j]
            dw = run.W1[r, t, :, j] - w
            db = run.b1[r, t, j] - b
            on = Xr @ w + b > 0
            contrib = (Xr[on] * dw).mean(axis=0)
            rows = (run.batches[r, t - 1][:, None] * m
                    + np.arange(m)).ravel()
            cols["net"].append(r)
            cols["unit"].append(int(j))
            cols["step"].append(int(t))
            cols["outlier_in_batch"].append(bool(out[rows].any()))
            cols["feature"].append(int(np.argmin(contrib)))
            cols["weight_alone"].append(bool(np.all(Xr @ (w + dw) + b <= 0)))
            cols["bias_alone"].append(bool(np.all(Xr @ w + b + db <= 0)))
            cols["weight_change"].append(float(np.mean(Xr[on] @ dw)))
            cols["bias_change"].append(float(db))
    return Kills(
        net=np.array(cols["net"], dtype=np.int64),
        unit=np.array(cols["unit"], dtype=np.int64),
        step=np.array(cols["step"], dtype=np.int64),
        outlier_in_batch=np.array(cols["outlier_in_batch"], dtype=bool),
        feature=np.array(cols["feature"], dtype=np.int64),
        weight_alone=np.array(cols["weight_alone"], dtype=bool),
        bias_alone=np.array(cols["bias_alone"], dtype=bool),
        weight_change=np.array(cols["weight_change"]),
        bias_change=np.array(cols["bias_change"]),
    )
