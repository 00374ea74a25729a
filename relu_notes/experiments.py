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

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from relu_notes import optim
from relu_notes._validate import check_count
from relu_notes.listings import FEATURES, make_listings
from relu_notes.mlp import MLP
from relu_notes.train import History, train, train_stacked
from relu_notes.transforms import FeatureTransform

__all__ = [
    "BASELINE",
    "Setup",
    "Summary",
    "run",
    "run_seeds",
    "run_with_network",
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


#: The unprotected baseline of Part IV.
BASELINE = Setup()


def _check_setup(setup) -> None:
    if not isinstance(setup, Setup):
        raise ValueError(
            f"setup must be a Setup, got {type(setup).__name__}"
        )


def _prepare(setup: Setup, seed: int):
    """Data, transform and untrained network of one run: ``(net, X, y,
    X_val, y_val)`` with the features transformed."""
    tr = make_listings(
        setup.n_train,
        seed=seed,
        n_outliers=setup.n_outliers,
        outlier_feature=setup.outlier_feature,
        outlier_factor=setup.outlier_factor,
    )
    va = make_listings(setup.n_val, seed=VAL_SEED_OFFSET + seed)
    tf = FeatureTransform(setup.transform).fit(tr.X)
    net = MLP(
        [len(FEATURES), *setup.hidden, 1],
        setup.activation,
        init=setup.init,
        seed=seed,
        activation_kwargs=setup.activation_kwargs,
    )
    return net, tf.transform(tr.X), tr.y, tf.transform(va.X), va.y


def _train_kwargs(setup: Setup) -> dict:
    return dict(
        num_epochs=setup.num_epochs,
        batch_size=setup.batch_size,
        loss=setup.loss,
        loss_kwargs=setup.loss_kwargs,
        clip_norm=setup.clip_norm,
        record_every=setup.record_every,
    )


def run_with_network(
    setup: Setup, seed: int
) -> tuple[History, MLP, NDArray[np.float64]]:
    """Like :func:`run`, but also return the trained network and the
    transformed training inputs, for looking inside the network."""
    _check_setup(setup)
    seed = check_count(seed, "seed")
    net, X, y, X_val, y_val = _prepare(setup, seed)
    history = train(
        net,
        X,
        y,
        optim.make(setup.optimizer, setup.lr),
        X_val=X_val,
        Y_val=y_val,
        seed=seed,
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


def run_seeds(setup: Setup, seeds: Iterable[int]) -> Summary:
    """:func:`run` for each seed, with the final numbers collected.

    The seeds are trained side by side as one stacked computation
    (:func:`relu_notes.train.train_stacked`), which gives the same runs
    as calling :func:`run` for each seed, only faster.
    """
    _check_setup(setup)
    seeds = [check_count(s, "seed") for s in seeds]
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    parts = [_prepare(setup, s) for s in seeds]
    nets = [p[0] for p in parts]
    inputs = [p[1] for p in parts]
    histories = train_stacked(
        nets,
        np.stack(inputs),
        np.stack([p[2] for p in parts]),
        optim.make(setup.optimizer, setup.lr),
        seeds=seeds,
        X_val=np.stack([p[3] for p in parts]),
        Y_val=np.stack([p[4] for p in parts]),
        **_train_kwargs(setup),
    )
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
