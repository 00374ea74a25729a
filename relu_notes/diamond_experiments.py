"""Part IV's experiment on real data: predict the log price of a diamond
from its nine recorded attributes, with the table's real data-entry
errors in the training rows.

Explained in the chapter *Dead units on real data*
(``chapters/dead-units-on-real-data.ipynb``).

The rows of :func:`relu_notes.realdata.load_diamonds` split into the
*far* rows, whose width ``y`` or depth ``z`` is over 20 mm (three rows:
a width of 58.9 and of 31.8 mm, a depth of 31.8 mm, where the median is
5.71 and 3.53), the rows with a zero dimension (20 rows: unmeasured),
and the rest. A seed draws ``n_train`` training rows and ``n_val``
validation rows from the rest; with ``include_far`` the three far rows
replace three of the training rows, so every seed trains on them. The
target is the logarithm of the price, standardised with the training
rows' mean and standard deviation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from relu_notes import optim
from relu_notes.experiments import (
    Summary,
    _dead_hidden,
    _is_relu,
    _summary,
    _train_parts,
)
from relu_notes.mlp import MLP, stack_parameters
from relu_notes.realdata import DIAMOND_FEATURES, load_diamonds
from relu_notes.train import train
from relu_notes.transforms import FeatureTransform

__all__ = [
    "DiamondSetup",
    "DeathTrace",
    "far_rows",
    "prepare_diamonds",
    "run_diamonds",
    "trace_deaths",
]

#: A width or depth above this (mm) marks a far row.
FAR_MM = 20.0


@dataclass(frozen=True)
class DiamondSetup:
    """Every choice of one run on the diamonds (defaults: z-scored
    features, the far rows in the training data, SGD at 0.1).

    Attributes mirror :class:`relu_notes.experiments.Setup`;
    ``include_far`` puts the three far rows into every training set.
    """

    n_train: int = 2000
    n_val: int = 2000
    include_far: bool = True
    transform: str = "zscore"
    hidden: tuple[int, ...] = (32, 32)
    init: str = "glorot"
    optimizer: str = "sgd"
    lr: float = 0.1
    loss: str = "mse"
    loss_kwargs: tuple = ()
    clip_norm: float | None = None
    norm: str | None = None
    redo_every: int | None = None
    num_epochs: int = 4
    batch_size: int = 32
    record_every: int = 1000


def far_rows() -> NDArray[np.int64]:
    """Indices (0-based) of the rows with a width or depth over
    :data:`FAR_MM` millimetres."""
    X = load_diamonds().X
    dims = X[:, [DIAMOND_FEATURES.index(c) for c in ("x", "y", "z")]]
    return np.flatnonzero((dims > FAR_MM).any(axis=1))


def _zero_rows(X: NDArray[np.float64]) -> NDArray[np.int64]:
    dims = X[:, [DIAMOND_FEATURES.index(c) for c in ("x", "y", "z")]]
    return np.flatnonzero((dims == 0).any(axis=1))


def prepare_diamonds(setup: DiamondSetup, seed: int):
    """Data and untrained network of one run: ``(net, X, y, X_val,
    y_val, train_rows)``, features transformed, ``train_rows`` the
    table's indices of the training rows (the far rows last)."""
    d = load_diamonds()
    far = far_rows()
    odd = np.union1d(far, _zero_rows(d.X))
    ordinary = np.setdiff1d(np.arange(d.y.size), odd)
    pick = np.random.default_rng(seed).permutation(ordinary)
    n_far = far.size if setup.include_far else 0
    tr = np.concatenate([pick[:setup.n_train - n_far], far[:n_far]])
    va = pick[setup.n_train:setup.n_train + setup.n_val]
    tf = FeatureTransform(setup.transform).fit(d.X[tr])
    log_price = np.log(d.y)
    mu, sd = log_price[tr].mean(), log_price[tr].std()
    net = MLP([len(DIAMOND_FEATURES), *setup.hidden, 1], init=setup.init,
              seed=seed, norm=setup.norm)
    return (net, tf.transform(d.X[tr]), (log_price[tr] - mu) / sd,
            tf.transform(d.X[va]), (log_price[va] - mu) / sd, tr)


def _kwargs(setup: DiamondSetup) -> dict:
    return dict(num_epochs=setup.num_epochs, batch_size=setup.batch_size,
                loss=setup.loss, loss_kwargs=dict(setup.loss_kwargs),
                clip_norm=setup.clip_norm, record_every=setup.record_every)


def run_diamonds(setup: DiamondSetup, seeds: Iterable[int]) -> Summary:
    """Train one network per seed under ``setup``; like
    :func:`relu_notes.experiments.run_seeds`."""
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    parts = [prepare_diamonds(setup, s) for s in seeds]
    nets = [p[0] for p in parts]
    if setup.redo_every is not None:
        hs = [
            train(p[0], p[1], p[2], optim.make(setup.optimizer, setup.lr),
                  X_val=p[3], Y_val=p[4], seed=s,
                  redo_every=setup.redo_every, **_kwargs(setup))
            for p, s in zip(parts, seeds, strict=True)
        ]
    else:
        hs = _train_parts(parts, optim.make(setup.optimizer, setup.lr),
                          seeds, **_kwargs(setup))
    return _summary(hs, nets, [p[1] for p in parts])


@dataclass(frozen=True)
class DeathTrace:
    """Which step killed which unit, and what the batch held.

    Attributes
    ----------
    died_at : ndarray of int, shape (k, U)
        Per seed and hidden unit (all hidden layers in order), the step
        after which the unit was dead and stayed dead to the end; -1 for
        a unit alive at the end, 0 for a unit dead from the start.
    far_in_batch : ndarray of int, shape (k, T)
        The table index of the far row in the batch of each step, or -1.
    summary : Summary
    step_size : ndarray of float, shape (k, T)
        The size of each step: the Euclidean norm of the change of all
        weights and biases of the network.
    """

    died_at: NDArray[np.int64]
    far_in_batch: NDArray[np.int64]
    summary: Summary
    step_size: NDArray[np.float64]


def trace_deaths(setup: DiamondSetup, seeds: Iterable[int]) -> DeathTrace:
    """Train like :func:`run_diamonds` (without re-initialisation) and
    record after every step which units are dead on the training rows,
    to trace each death to the batch that caused it."""
    seeds = [int(s) for s in seeds]
    if setup.redo_every is not None or setup.norm is not None:
        raise ValueError("trace_deaths traces plain networks without "
                         "re-initialisation")
    parts = [prepare_diamonds(setup, s) for s in seeds]
    nets = [p[0] for p in parts]
    X = np.stack([p[1] for p in parts])
    rows = np.stack([p[5] for p in parts])
    far = far_rows()
    f = nets[0]._f
    dead: list[NDArray[np.bool_]] = []
    far_in: list[NDArray[np.int64]] = []
    k = len(seeds)

    def dead_now(Ws, bs):
        return _dead_hidden(Ws, bs, f, X, _is_relu(nets[0]))

    Ws0, bs0 = stack_parameters(nets)
    dead.append(dead_now(Ws0, bs0))

    def flat(Ws, bs):
        return np.concatenate([P.reshape(k, -1) for P in Ws + bs], axis=1)

    last = [flat(Ws0, bs0)]
    sizes: list[NDArray[np.float64]] = []

    def on_step(step, idx, Ws, bs):
        dead.append(dead_now(Ws, bs))
        now = flat(Ws, bs)
        with np.errstate(over="ignore", invalid="ignore"):
            sizes.append(np.linalg.norm(now - last[0], axis=1))
        last[0] = now
        table = rows[np.arange(k)[:, None], idx]
        hit = np.where(np.isin(table, far), table, -1)
        far_in.append(hit.max(axis=1))

    hs = _train_parts(parts, optim.make(setup.optimizer, setup.lr), seeds,
                      on_step=on_step, **_kwargs(setup))
    D = np.stack(dead, axis=1)  # (k, T + 1, U)
    T = D.shape[1] - 1
    # last step at which the unit was alive; it died right after it
    alive_steps = np.where(~D, np.arange(T + 1)[None, :, None], -1)
    last_alive = alive_steps.max(axis=1)
    died_at = np.where(D[:, -1], last_alive + 1, -1)
    return DeathTrace(died_at.astype(np.int64),
                      np.stack(far_in, axis=1).astype(np.int64),
                      _summary(hs, nets, [p[1] for p in parts]),
                      np.stack(sizes, axis=1))
