"""Tests for relu_notes.train and relu_notes.experiments."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from relu_notes.experiments import (
    BASELINE,
    Setup,
    run,
    run_seeds,
    run_with_network,
)
from relu_notes.mlp import MLP
from relu_notes.optim import SGD, Adam, Momentum
from relu_notes.train import History, train, train_stacked


def _data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    y = X @ np.array([1.0, -0.5, 0.25]) + 0.1 * rng.standard_normal(n)
    return X, y


def test_one_full_batch_epoch_is_hand_written_sgd():
    X, y = _data()
    a = MLP([3, 5, 1], seed=0)
    b = a.copy()
    train(a, X, y, SGD(0.05), num_epochs=3, batch_size=len(X))
    for _ in range(3):
        b.step(X, y, 0.05)
    for Wa, Wb in zip(a.weights, b.weights, strict=True):
        np.testing.assert_allclose(Wa, Wb, rtol=1e-12)


def test_mini_batches_follow_the_seeded_order():
    X, y = _data(n=10)
    a = MLP([3, 4, 1], seed=2)
    b = a.copy()
    train(a, X, y, SGD(0.1), num_epochs=2, batch_size=4, seed=7)
    rng = np.random.default_rng(7)
    for _ in range(2):
        order = rng.permutation(10)
        for start in (0, 4, 8):  # the last batch has 2 rows
            idx = order[start:start + 4]
            b.step(X[idx], y[idx], 0.1)
    np.testing.assert_allclose(a.weights[0], b.weights[0], rtol=1e-12)


def test_history_records_at_the_interval():
    X, y = _data(n=40)
    net = MLP([3, 6, 6, 1], seed=1)
    h = train(net, X, y, Momentum(0.01), num_epochs=3, batch_size=8,
              record_every=4, X_val=X[:10], Y_val=y[:10])
    assert isinstance(h, History)
    # 15 steps: records at 0, 4, 8, 12 and the last step, 15
    np.testing.assert_array_equal(h.steps, [0, 4, 8, 12, 15])
    assert h.dead_fraction.shape == (5, 2) and h.grad_norm.shape == (5, 3)
    assert h.train_loss[-1] < h.train_loss[0]
    r = net.forward(X[:10])[:, 0] - y[:10]
    assert h.val_mse[-1] == pytest.approx(np.mean(r * r))
    assert not h.diverged and h.num_clipped == 0
    np.testing.assert_allclose(
        h.grad_norm[-1],
        [np.hypot(np.linalg.norm(dW), np.linalg.norm(db))
         for dW, db in net.loss_and_grads(X, y)[1]],
    )
    no_val = train(net, X, y, SGD(0.01), num_epochs=1, batch_size=40)
    assert np.isnan(no_val.val_mse).all()


def test_dead_fraction_is_recorded():
    X, y = _data(n=30)
    net = MLP([3, 4, 1], seed=0)
    net.biases[0][:2] = -100.0  # two of four units dead from the start
    h = train(net, X, y, SGD(0.01), num_epochs=2, batch_size=10)
    np.testing.assert_allclose(h.dead_fraction[:, 0], 0.5)
    assert h.final_dead_fraction == 0.5


def test_clipping_caps_every_step():
    X, y = _data()
    y = y * 100  # huge errors: every step's gradient is long
    a = MLP([3, 5, 1], seed=0)
    b = a.copy()
    h = train(a, X, y, SGD(0.01), num_epochs=1, batch_size=len(X),
              clip_norm=0.5)
    assert h.num_clipped == 1
    _, g = b.loss_and_grads(X, y)
    norm = np.sqrt(sum(np.sum(x**2) for pair in g for x in pair))
    np.testing.assert_allclose(
        a.weights[0], b.weights[0] - 0.01 * g[0][0] * 0.5 / norm
    )


def test_huber_loss_is_trained():
    X, y = _data()
    net = MLP([3, 5, 1], seed=0)
    h = train(net, X, y * 10, Adam(0.01), loss="huber",
              loss_kwargs={"delta": 0.5}, num_epochs=2, batch_size=16)
    assert h.train_loss[0] == pytest.approx(
        MLP([3, 5, 1], seed=0).loss_and_grads(X, y * 10, "huber",
                                              delta=0.5)[0]
    )


def test_divergence_is_flagged_not_nan():
    X, y = _data()
    X = X * 1e60
    net = MLP([3, 5, 1], seed=0)
    h = train(net, X, y, SGD(1.0), num_epochs=5, batch_size=8)
    assert h.diverged
    assert np.all(np.isfinite(h.train_loss))
    assert len(h.steps) == len(h.train_loss) == h.dead_fraction.shape[0]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"num_epochs": 0}, "num_epochs must be an integer >= 1"),
        ({"batch_size": 0}, r"batch_size must be an integer in \[1, 48\]"),
        ({"batch_size": 49}, "batch_size"),
        ({"record_every": 1.5}, "record_every"),
        ({"clip_norm": -1.0}, "clip_norm"),
        ({"loss": "l1"}, "unknown loss 'l1'"),
        ({"X_val": np.ones((2, 3))}, "both X_val and Y_val"),
        ({"X_val": np.ones((2, 4)), "Y_val": np.ones(2)}, "X_val must have"),
    ],
)
def test_bad_arguments(kwargs, match):
    X, y = _data()
    with pytest.raises(ValueError, match=match):
        train(MLP([3, 2, 1]), X, y, SGD(0.1), **kwargs)


def test_bad_objects():
    X, y = _data()
    with pytest.raises(ValueError, match="net must be an MLP"):
        train("net", X, y, SGD(0.1))
    with pytest.raises(ValueError, match="optimizer must be an Optimizer"):
        train(MLP([3, 2, 1]), X, y, "sgd")
    with pytest.raises(ValueError, match=r"Y must have shape \(48, 1\)"):
        train(MLP([3, 2, 1]), X, y[:5], SGD(0.1))


def test_experiment_runs_are_reproducible_and_remedies_apply():
    small = replace(BASELINE, n_train=64, n_val=50, num_epochs=1)
    h1, h2 = run(small, 3), run(small, 3)
    np.testing.assert_array_equal(h1.train_loss, h2.train_loss)
    assert h1.dead_fraction.shape[1] == len(BASELINE.hidden)
    s = run_seeds(replace(small, optimizer="adam", lr=1e-3,
                          loss="huber", transform="log_median"), [0, 1])
    assert s.dead.shape == (2,) and s.num_diverged == 0
    assert np.all(np.isfinite(s.val_mse))
    assert Setup() == BASELINE and BASELINE.loss == "mse"
    h3, net, X = run_with_network(small, 3)
    np.testing.assert_array_equal(h3.train_loss, h1.train_loss)
    assert X.shape == (64, 6) and net.sizes == [6, 32, 32, 1]
    s3 = run_seeds(small, [3])  # keeps each seed's network and inputs
    np.testing.assert_array_equal(s3.inputs[0], X)
    np.testing.assert_array_equal(s3.networks[0].weights[0], net.weights[0])
    with pytest.raises(ValueError, match="at least one seed"):
        run_seeds(small, [])


@pytest.mark.parametrize("change", [
    {},
    {"clip_norm": 1.0},
    {"optimizer": "adam", "lr": 0.003, "loss": "huber"},
    {"activation": "gelu", "transform": "log_median"},
    {"init": "he"},  # seed 0 diverges, the others do not
])
def test_stacked_seeds_match_one_run_per_seed(change):
    setup = replace(BASELINE, record_every=20, **change)
    seeds = [0, 1, 2]
    stacked = run_seeds(setup, seeds)
    for s, h in zip(seeds, stacked.histories, strict=True):
        h1, net1, _ = run_with_network(setup, s)
        assert h.diverged == h1.diverged
        np.testing.assert_array_equal(h.steps, h1.steps)
        np.testing.assert_array_equal(h.dead_fraction, h1.dead_fraction)
        np.testing.assert_allclose(h.train_loss, h1.train_loss, rtol=1e-9)
        np.testing.assert_allclose(h.val_mse, h1.val_mse, rtol=1e-9)
        np.testing.assert_allclose(h.grad_norm, h1.grad_norm, rtol=1e-9)
        assert h.num_clipped == h1.num_clipped
        np.testing.assert_allclose(stacked.networks[s].weights[0],
                                   net1.weights[0], rtol=1e-9, atol=1e-12)
    if change.get("init") == "he":
        assert stacked.num_diverged >= 1


def test_train_stacked_rejects_mismatched_networks():
    a = MLP([2, 4, 1], seed=0)
    b = MLP([2, 5, 1], seed=1)
    X = np.zeros((2, 8, 2))
    with pytest.raises(ValueError, match="share sizes"):
        train_stacked([a, b], X, np.zeros((2, 8)), SGD(0.1), seeds=[0, 1])
    with pytest.raises(ValueError, match="one seed per network"):
        train_stacked([a, a.copy()], X, np.zeros((2, 8)), SGD(0.1),
                      seeds=[0])
    with pytest.raises(ValueError, match="X must have shape"):
        train_stacked([a, a.copy()], X[:, :, :1], np.zeros((2, 8)),
                      SGD(0.1), seeds=[0, 1])


# -- step-by-step logging and bootstrap intervals -------------------------

def test_on_step_sees_every_batch_and_the_final_parameters():
    from relu_notes.mlp import MLP as _MLP
    X, y = _data(n=20)
    nets = [_MLP([3, 4, 1], seed=s) for s in (0, 1)]
    seen = []

    def on_step(step, idx, Ws, bs):
        seen.append((step, idx.copy(), Ws[0].copy()))

    train_stacked(nets, np.stack([X, X]), np.stack([y, y]), SGD(0.05),
                  seeds=[3, 4], num_epochs=2, batch_size=8,
                  on_step=on_step)
    assert [s for s, _, _ in seen] == list(range(1, 7))  # 3 batches x 2
    assert seen[0][1].shape == (2, 8) and seen[2][1].shape == (2, 4)
    rng = np.random.default_rng(3)
    np.testing.assert_array_equal(seen[0][1][0], rng.permutation(20)[:8])
    np.testing.assert_array_equal(seen[-1][2][1], nets[1].weights[0])


def test_step_log_matches_run_seeds_and_counts_deaths():
    from relu_notes.experiments import step_log
    from relu_notes.listings import make_listings
    setup = replace(BASELINE, n_train=64, n_val=16, num_epochs=2,
                    batch_size=16, hidden=(6, 5), lr=0.7)
    log = step_log(setup, [0, 1])
    ref = run_seeds(setup, [0, 1])
    assert log.dead.shape == (2, 9, 11)
    np.testing.assert_array_equal(log.layer, [1] * 6 + [2] * 5)
    # the last record of the log agrees with the training history
    for j, h in enumerate(ref.histories):
        frac = [log.dead[j, -1, log.layer == i].mean() for i in (1, 2)]
        np.testing.assert_allclose(frac, h.dead_fraction[-1])
    # a death is an alive -> dead transition, a revival the reverse
    d, r = log.deaths, log.revivals
    assert not (d & r).any()
    np.testing.assert_array_equal(
        log.dead[:, -1].astype(int) - log.dead[:, 0],
        d.sum(axis=1) - r.sum(axis=1))
    # outlier flags: recompute the first step's batch of seed 0 by hand
    rows = make_listings(64, seed=0, n_outliers=setup.n_outliers).outlier_rows
    first = np.random.default_rng(0).permutation(64)[:16]
    assert log.outlier_in_batch[0, 0] == np.isin(first, rows).any()
    # SGD: the first step's size is lr times the first gradient's norm
    assert log.update_norm.shape == (2, 8)
    assert log.first_layer_update.shape == (2, 8, 6, 6)
    assert np.all(log.update_norm >= 0)


def test_step_log_rejects_no_seeds():
    from relu_notes.experiments import step_log
    with pytest.raises(ValueError, match="at least one seed"):
        step_log(BASELINE, [])


def test_bootstrap_interval_oracles():
    from relu_notes.experiments import bootstrap_interval
    est, lo, hi = bootstrap_interval([2.0, 2.0, 2.0])
    assert (est, lo, hi) == (2.0, 2.0, 2.0)
    # NaN (diverged runs) is left out
    est, lo, hi = bootstrap_interval([1.0, np.nan, 3.0], "median")
    assert est == 2.0 and 1.0 <= lo <= hi <= 3.0
    assert all(np.isnan(bootstrap_interval([np.nan, np.nan])))
    # large normal sample: close to mean +- 1.645 standard errors
    x = np.random.default_rng(1).standard_normal(400)
    est, lo, hi = bootstrap_interval(x, level=0.9, num_resamples=4000)
    se = x.std() / np.sqrt(x.size)
    assert abs(est - x.mean()) < 1e-12
    np.testing.assert_allclose([lo, hi], [est - 1.645 * se,
                                          est + 1.645 * se], atol=0.3 * se)
    # deterministic for a given seed
    assert bootstrap_interval(x, seed=5) == bootstrap_interval(x, seed=5)


@pytest.mark.parametrize("kwargs, match", [
    (dict(values=[[1.0, 2.0]]), "one-dimensional"),
    (dict(values=[1.0], statistic="mode"), "statistic"),
    (dict(values=[1.0], level=1.0), "level"),
    (dict(values=[1.0], num_resamples=0), "num_resamples"),
    (dict(values=["a"]), "values"),
])
def test_bootstrap_interval_bad_input(kwargs, match):
    from relu_notes.experiments import bootstrap_interval
    with pytest.raises(ValueError, match=match):
        bootstrap_interval(**kwargs)


def test_runs_share_read_only_cached_data():
    a = run_seeds(replace(BASELINE, n_train=64, n_val=16, num_epochs=1),
                  [0])
    b = run_seeds(replace(BASELINE, n_train=64, n_val=16, num_epochs=1,
                          loss="huber"), [0])
    assert a.inputs[0] is b.inputs[0]
    assert not a.inputs[0].flags.writeable
    # a list of transforms is accepted like a tuple
    c = run_seeds(replace(BASELINE, n_train=64, n_val=16, num_epochs=1,
                          transform=["zscore"] * 6), [0])
    np.testing.assert_array_equal(c.inputs[0], a.inputs[0])


def test_prepare_is_the_start_of_run():
    from relu_notes.experiments import prepare

    setup = replace(BASELINE, n_train=64, n_val=16, num_epochs=1)
    net, X, y, X_val, y_val = prepare(setup, 3)
    assert X.shape == (64, 6) and X_val.shape == (16, 6)
    assert y.shape[0] == 64 and y_val.shape[0] == 16
    assert [W.shape for W in net.weights] == [(6, 32), (32, 32), (32, 1)]
    # the same seed gives the same data and the same untrained network
    net2, X2, *_ = prepare(setup, 3)
    np.testing.assert_array_equal(X, X2)
    for W, W2 in zip(net.weights, net2.weights, strict=True):
        np.testing.assert_array_equal(W, W2)
    with pytest.raises(ValueError, match="setup"):
        prepare("baseline", 0)


def test_final_only_gives_the_same_final_numbers():
    setup = replace(BASELINE, n_train=64, n_val=16, num_epochs=2,
                    batch_size=16, hidden=(6, 5), lr=0.7,
                    activation="gelu")
    full = run_seeds(setup, [0, 1, 2])
    last = run_seeds(setup, [0, 1, 2], final_only=True)
    np.testing.assert_array_equal(full.dead, last.dead)
    np.testing.assert_array_equal(full.val_mse, last.val_mse)
    for a, b in zip(full.histories, last.histories, strict=True):
        assert b.steps.tolist() == [8]
        assert np.isnan(b.grad_norm).all()
        np.testing.assert_array_equal(a.train_loss[-1], b.train_loss[-1])
    with pytest.raises(ValueError, match="redo_every"):
        run_seeds(replace(setup, redo_every=2), [0], final_only=True)


def test_dead_curve_matches_the_records():
    from relu_notes.experiments import dead_curve
    setup = replace(BASELINE, n_train=64, n_val=16, num_epochs=2,
                    batch_size=16, hidden=(6, 5), lr=0.7)
    ref = run_seeds(replace(setup, record_every=2), [0, 1])
    steps, frac, summary = dead_curve(setup, [0, 1], 2)
    assert steps.tolist() == [0, 2, 4, 6, 8]
    assert frac.shape == (2, 5, 2)
    for j, h in enumerate(ref.histories):
        np.testing.assert_array_equal(frac[j], h.dead_fraction)
    np.testing.assert_array_equal(summary.dead, ref.dead)
    with pytest.raises(ValueError, match="every"):
        dead_curve(setup, [0], 0)
