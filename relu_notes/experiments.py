"""Part IV's experiment, set up in one place: listings with outliers, a
feature transform, a small ReLU network and a training run, repeated
over seeds.

Explained in the chapters *Dead units in a trained network*
(``chapters/dead-units-in-a-trained-network.ipynb``) and *What prevents
dead units, measured* (``chapters/preventing-dead-units.ipynb``).

A :class:`Setup` holds every choice of one run; its defaults are the
*unprotected baseline* of Part IV. A remedy is a change of one field,
for example ``replace(BASELINE, loss="huber")``. :func:`run` trains one
seed and :func:`run_seeds` several; the seed draws the training data,
the outlier rows, the initial weights and the batch order, so seeds
differ in everything random.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from relu_notes import optim
from relu_notes._validate import check_count
from relu_notes.bias_init import data_dependent_biases
from relu_notes.listings import FEATURES, make_listings
from relu_notes.mlp import MLP, stack_parameters
from relu_notes.seedstats import bootstrap_interval
from relu_notes.train import History, train, train_stacked
from relu_notes.transforms import FeatureTransform

__all__ = [
    "BASELINE",
    "Setup",
    "StepLog",
    "Summary",
    "bootstrap_interval",
    "dead_curve",
    "prepare",
    "run",
    "run_seeds",
    "run_with_network",
    "step_log",
]

#: Seed offset of the validation sets, so they never equal a training set.
VAL_SEED_OFFSET = 10_000


@dataclass(frozen=True)
class Setup:
    """Every choice of one training run (defaults: the baseline).

    Attributes
    ----------
    n_train, n_val : int
        Rows of training and (clean) validation listings.
    n_outliers, outlier_feature, outlier_factor
        Outliers in the training data, see
        :func:`relu_notes.listings.make_listings`.
    transform : {"zscore", "log_median", "identity"} or tuple of str
        Feature transform, fitted on the training rows (outliers
        included) and applied to the validation rows.
    hidden : tuple of int
        Widths of the hidden layers.
    activation : str
        Hidden activation; ``activation_kwargs`` its parameters.
    init : str or float
        Weight initialisation of :class:`relu_notes.mlp.MLP`.
    optimizer : {"sgd", "momentum", "adam"}
        With learning rate ``lr``.
    loss : str
        Training objective; ``loss_kwargs`` its parameters.
    clip_norm : float or None
        Gradient-norm clipping threshold.
    num_epochs, batch_size, record_every
        See :func:`relu_notes.train.train`.
    norm : {None, "batch", "layer"}
        Normalisation layer of :class:`relu_notes.mlp.MLP`.
    bias_init : float or "data"
        Every hidden bias starts at this value (0 by default; CS231n
        suggests 0.01 for ReLU units), or, with ``"data"``, at the value
        that puts each unit's threshold at the median of its
        pre-activations on the training rows
        (:func:`relu_notes.bias_init.data_dependent_biases`).
    redo_every, redo_threshold
        Re-initialisation of dormant units, see
        :func:`relu_notes.train.train`.
    """

    n_train: int = 640
    n_val: int = 1000
    n_outliers: int = 5
    outlier_feature: str = "price"
    outlier_factor: float = 100.0
    transform: str | tuple[str, ...] = "zscore"
    hidden: tuple[int, ...] = (32, 32)
    activation: str = "relu"
    activation_kwargs: dict = field(default_factory=dict)
    init: str | float = "glorot"
    optimizer: str = "sgd"
    lr: float = 0.5
    loss: str = "mse"
    loss_kwargs: dict = field(default_factory=dict)
    clip_norm: float | None = None
    num_epochs: int = 4
    batch_size: int = 32
    record_every: int = 1000
    norm: str | None = None
    bias_init: float | str = 0.0
    redo_every: int | None = None
    redo_threshold: float = 0.0


#: The unprotected baseline of Part IV.
BASELINE = Setup()


@functools.lru_cache(maxsize=256)
def _data(
    n_train: int,
    n_val: int,
    n_outliers: int,
    outlier_feature: str,
    outlier_factor: float,
    transform: str | tuple[str, ...],
    seed: int,
):
    """Transformed training and validation data of one seed, and the
    outlier rows: ``(X, y, X_val, y_val, outlier_rows)``.

    Cached, since the remedies of a table share their data; the arrays
    are read-only so that no run can change another's data.
    """
    tr = make_listings(
        n_train,
        seed=seed,
        n_outliers=n_outliers,
        outlier_feature=outlier_feature,
        outlier_factor=outlier_factor,
    )
    va = make_listings(n_val, seed=VAL_SEED_OFFSET + seed)
    tf = FeatureTransform(transform).fit(tr.X)
    arrays = (tf.transform(tr.X), tr.y.copy(), tf.transform(va.X),
              va.y.copy(), np.array(tr.outlier_rows))
    for a in arrays:
        a.flags.writeable = False
    return arrays


def _setup_data(setup: Setup, seed: int):
    return _data(
        setup.n_train,
        setup.n_val,
        setup.n_outliers,
        setup.outlier_feature,
        float(setup.outlier_factor),
        setup.transform if isinstance(setup.transform, str)
        else tuple(setup.transform),
        int(seed),
    )


def _check_setup(setup) -> None:
    if not isinstance(setup, Setup):
        raise ValueError(
            f"setup must be a Setup, got {type(setup).__name__}"
        )


def prepare(setup: Setup, seed: int) -> tuple:
    """Data, transform and untrained network of one run: ``(net, X, y,
    X_val, y_val)`` with the features transformed (the start of
    :func:`run`, for chapters that train the run their own way, such as
    *Adam, weight decay and bringing units back*)."""
    _check_setup(setup)
    X, y, X_val, y_val, _ = _setup_data(setup, seed)
    net = MLP(
        [len(FEATURES), *setup.hidden, 1],
        setup.activation,
        init=setup.init,
        seed=seed,
        activation_kwargs=setup.activation_kwargs,
        norm=setup.norm,
    )
    if setup.bias_init == "data":
        data_dependent_biases(net, X)
    else:
        for b in net.biases[:-1]:
            b += float(setup.bias_init)
    return net, X, y, X_val, y_val


def _train_kwargs(setup: Setup) -> dict:
    return dict(
        num_epochs=setup.num_epochs,
        batch_size=setup.batch_size,
        loss=setup.loss,
        loss_kwargs=setup.loss_kwargs,
        clip_norm=setup.clip_norm,
        record_every=setup.record_every,
    )


def _train_parts(parts: list[tuple], optimizer, seeds: list[int],
                 **kwargs) -> list[History]:
    """Train the untrained networks of ``parts``, each ``(net, X, y,
    X_val, y_val, ...)`` as :func:`prepare` returns it, side by side
    (:func:`relu_notes.train.train_stacked`); ``kwargs`` are passed on.
    Shared by the experiments here and on the diamonds."""
    return train_stacked(
        [p[0] for p in parts],
        np.stack([p[1] for p in parts]),
        np.stack([p[2] for p in parts]),
        optimizer,
        seeds=seeds,
        X_val=np.stack([p[3] for p in parts]),
        Y_val=np.stack([p[4] for p in parts]),
        **kwargs,
    )


def run_with_network(
    setup: Setup, seed: int
) -> tuple[History, MLP, NDArray[np.float64]]:
    """Like :func:`run`, but also return the trained network and the
    transformed training inputs, for looking inside the network."""
    _check_setup(setup)
    seed = check_count(seed, "seed")
    net, X, y, X_val, y_val = prepare(setup, seed)
    history = train(
        net,
        X,
        y,
        optim.make(setup.optimizer, setup.lr),
        X_val=X_val,
        Y_val=y_val,
        seed=seed,
        redo_every=setup.redo_every,
        redo_threshold=setup.redo_threshold,
        **_train_kwargs(setup),
    )
    return history, net, X


def run(setup: Setup, seed: int) -> History:
    """Train one network under ``setup`` with ``seed``; return its
    :class:`relu_notes.train.History`."""
    return run_with_network(setup, seed)[0]


@dataclass(frozen=True)
class Summary:
    """End-of-training results of several seeds.

    Attributes
    ----------
    dead : ndarray, shape (num_seeds,)
        Final fraction of hidden units off on every training row (mean
        over hidden layers); NaN for a diverged run.
    val_mse : ndarray, shape (num_seeds,)
        Final validation mean squared error; NaN for a diverged run.
    num_diverged : int
    histories : list of History
    networks : list of MLP
        The trained network of each seed (as far as it got, if diverged).
    inputs : list of ndarray
        The transformed training inputs of each seed, for looking inside
        its network (e.g. ``networks[0].pre_activations(inputs[0])``).
    """

    dead: NDArray[np.float64]
    val_mse: NDArray[np.float64]
    num_diverged: int
    histories: list[History]
    networks: list[MLP] = field(default_factory=list)
    inputs: list[NDArray[np.float64]] = field(default_factory=list)


def run_seeds(
    setup: Setup,
    seeds: Iterable[int],
    *,
    final_only: bool = False,
    on_step=None,
) -> Summary:
    """:func:`run` for each seed, with the final numbers collected.

    The seeds are trained side by side as one stacked computation
    (:func:`relu_notes.train.train_stacked`), which gives the same runs
    as calling :func:`run` for each seed, only faster; with
    re-initialisation (``redo_every``) they are trained one by one.
    ``final_only`` and ``on_step`` are passed to
    :func:`~relu_notes.train.train_stacked` (with ``final_only`` the
    histories hold only the final record, without gradient norms).
    """
    _check_setup(setup)
    seeds = [check_count(s, "seed") for s in seeds]
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    if setup.redo_every is not None:
        if final_only or on_step is not None:
            raise ValueError(
                "final_only and on_step need stacked training, which "
                "re-initialisation (redo_every) does not use"
            )
        runs = [run_with_network(setup, s) for s in seeds]
        histories = [r[0] for r in runs]
        return _summary(histories, [r[1] for r in runs],
                        [r[2] for r in runs])
    parts = [prepare(setup, s) for s in seeds]
    histories = _train_parts(
        parts, optim.make(setup.optimizer, setup.lr), seeds,
        final_only=final_only, on_step=on_step, **_train_kwargs(setup),
    )
    return _summary(histories, [p[0] for p in parts],
                    [p[1] for p in parts])


def _dead_hidden(
    Ws: list[NDArray[np.float64]],
    bs: list[NDArray[np.float64]],
    f,
    X: NDArray[np.float64],
    is_relu: bool,
) -> NDArray[np.bool_]:
    """``(k, U)``: which hidden units of each stacked network are off
    (pre-activation ``<= 0``) on every row of ``X``. Only the hidden
    layers are evaluated; for ReLU the activation is applied in place
    (``np.maximum``, which differs from :func:`relu_notes.activations.
    relu` only in the sign of a zero, and so gives the same units)."""
    dead = []
    a = X
    n_hidden = len(Ws) - 1
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(n_hidden):
            z = a @ Ws[i]
            z += bs[i][..., None, :]
            dead.append(z.max(axis=-2) <= 0)
            if i < n_hidden - 1:
                a = np.maximum(z, 0.0, out=z) if is_relu else f(z)
    return np.concatenate(dead, axis=-1)


def _is_relu(net: MLP) -> bool:
    return net.activation == "relu" and net.norm is None


def dead_curve(
    setup: Setup, seeds: Iterable[int], every: int
) -> tuple[NDArray[np.int64], NDArray[np.float64], Summary]:
    """:func:`run_seeds`, recording every ``every`` steps (and at the
    start) the fraction of dead units in each hidden layer.

    Cheaper than ``record_every``: each record is one forward pass
    through the hidden layers on the training rows, without the backward
    pass and the validation set. Used for the curves of *Dead units in a
    trained network*. Without a normalisation layer only.

    Returns
    -------
    steps : ndarray of int, shape (r,)
    fractions : ndarray, shape (k, r, number of hidden layers)
        For a run that diverged, the rows after the divergence hold its
        frozen network.
    summary : Summary
    """
    every = check_count(every, "every", 1)
    seeds = [check_count(s, "seed") for s in seeds]
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    if setup.norm is not None:
        raise ValueError("dead_curve needs a network without norm")
    if setup.redo_every is not None:
        raise ValueError(
            "dead_curve needs stacked training, which re-initialisation "
            "(redo_every) does not use"
        )
    parts = [prepare(setup, s) for s in seeds]
    X = np.stack([p[1] for p in parts])
    nets = [p[0] for p in parts]
    f, is_relu = nets[0]._f, _is_relu(nets[0])
    bounds = np.cumsum(setup.hidden)[:-1]
    steps: list[int] = []
    rows: list[NDArray[np.float64]] = []

    def note(step, Ws, bs) -> None:
        dead = _dead_hidden(Ws, bs, f, X, is_relu)
        steps.append(step)
        rows.append(np.stack([d.mean(axis=-1) for d in
                              np.split(dead, bounds, axis=-1)], axis=-1))

    note(0, *stack_parameters(nets))

    def on_step(step, idx, Ws, bs) -> None:
        if step % every == 0:
            note(step, Ws, bs)

    histories = _train_parts(parts, optim.make(setup.optimizer, setup.lr),
                             seeds, on_step=on_step, **_train_kwargs(setup))
    return (np.array(steps, dtype=np.int64), np.stack(rows, axis=1),
            _summary(histories, nets, [p[1] for p in parts]))


def _summary(histories, nets, inputs) -> Summary:
    dead = np.array([
        np.nan if h.diverged else h.final_dead_fraction for h in histories
    ])
    val = np.array([
        np.nan if h.diverged else float(h.val_mse[-1]) for h in histories
    ])
    return Summary(
        dead,
        val,
        sum(h.diverged for h in histories),
        histories,
        nets,
        inputs,
    )


@dataclass(frozen=True)
class StepLog:
    """Step-by-step record of several seeds' training, from
    :func:`step_log`; ``k`` seeds, ``T`` steps, ``U`` hidden units (all
    hidden layers, in order).

    Attributes
    ----------
    dead : ndarray of bool, shape (k, T + 1, U)
        ``dead[j, t, u]``: after ``t`` steps (``t = 0``: at
        initialisation), unit ``u`` of seed ``j`` has a pre-activation
        ``<= 0`` on every training row.
    layer : ndarray of int, shape (U,)
        The hidden layer (1-based) of each unit.
    outlier_in_batch : ndarray of bool, shape (k, T)
        True where the batch of step ``t + 1`` held an outlier row.
    update_norm : ndarray, shape (k, T)
        Norm of the change of all parameters together at each step.
    first_layer_update : ndarray, shape (k, T, n_in, n_units)
        Size of the change of each first-layer weight (from input
        feature ``i`` to unit ``u``) at each step.
    histories : list of History
        As from :func:`run_seeds`; after a run diverges its rows above
        hold the frozen network.
    """

    dead: NDArray[np.bool_]
    layer: NDArray[np.int64]
    outlier_in_batch: NDArray[np.bool_]
    update_norm: NDArray[np.float64]
    first_layer_update: NDArray[np.float64]
    histories: list[History]

    @property
    def deaths(self) -> NDArray[np.bool_]:
        """``(k, T, U)``: True where a unit alive before step ``t + 1``
        is dead after it."""
        return self.dead[:, 1:] & ~self.dead[:, :-1]

    @property
    def revivals(self) -> NDArray[np.bool_]:
        """``(k, T, U)``: True where a unit dead before step ``t + 1`` is
        alive after it (possible only above the first hidden layer,
        whose inputs change)."""
        return ~self.dead[:, 1:] & self.dead[:, :-1]


def step_log(setup: Setup, seeds: Iterable[int]) -> StepLog:
    """Train like :func:`run_seeds` and record, after every step, which
    hidden units are dead, whether the batch held an outlier and how far
    the parameters moved.

    Explained in *Dead units in a trained network*
    (``chapters/dead-units-in-a-trained-network.ipynb``), which traces
    which batch killed which unit, and used in *What prevents dead
    units, measured* for the size of Adam's steps. Each step costs one
    extra forward pass over the whole training set.
    """
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    parts = [prepare(setup, s) for s in seeds]
    nets = [p[0] for p in parts]
    X = np.stack([p[1] for p in parts])
    k = len(seeds)
    is_outlier = np.zeros(X.shape[:2], dtype=bool)
    for j, s in enumerate(seeds):
        is_outlier[j, _setup_data(setup, s)[4]] = True
    f = nets[0]._f
    is_relu = _is_relu(nets[0])

    def dead_now(Ws, bs) -> NDArray[np.bool_]:
        # the hidden layers only: the output layer cannot be dead
        return _dead_hidden(Ws, bs, f, X, is_relu)

    Ws0, bs0 = stack_parameters(nets)
    dead = [dead_now(Ws0, bs0)]
    prev = [a.copy() for a in (*Ws0, *bs0)]
    in_batch: list[NDArray[np.bool_]] = []
    norms: list[NDArray[np.float64]] = []
    first: list[NDArray[np.float64]] = []
    row_of = np.arange(k)[:, None]

    def on_step(step, idx, Ws, bs) -> None:
        dead.append(dead_now(Ws, bs))
        in_batch.append(is_outlier[row_of, idx].any(axis=1))
        cur = [*Ws, *bs]
        with np.errstate(over="ignore", invalid="ignore"):
            sq = sum(
                np.sum((c - p) ** 2, axis=tuple(range(1, c.ndim)))
                for c, p in zip(cur, prev, strict=True)
            )
            first.append(np.abs(Ws[0] - prev[0]))
        norms.append(np.sqrt(sq))
        prev[:] = [c.copy() for c in cur]

    histories = _train_parts(parts, optim.make(setup.optimizer, setup.lr),
                             seeds, on_step=on_step, **_train_kwargs(setup))
    layer = np.repeat(np.arange(1, len(setup.hidden) + 1), setup.hidden)
    return StepLog(
        dead=np.stack(dead, axis=1),
        layer=layer,
        outlier_in_batch=np.stack(in_batch, axis=1),
        update_norm=np.stack(norms, axis=1),
        first_layer_update=np.stack(first, axis=1),
        histories=histories,
    )
