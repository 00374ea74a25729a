"""Tests for relu_notes.ranktrain: stacked training equals one network at
a time, kills are traced to the right step, bad input is refused."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes.mlp import MLP
from relu_notes.ranking import pairwise_logistic_loss
from relu_notes.ranktrain import trace_kills, train_rankers
from relu_notes.searchlogs import make_search_logs


def _logs(k=2, num=12, m=6, n_outliers=0):
    logs = [make_search_logs(num, m, seed=40 + r, n_outliers=n_outliers)
            for r in range(k)]
    X = np.stack([log.X for log in logs])
    Y = np.stack([log.booked for log in logs])
    return logs, X, Y


@pytest.mark.parametrize("loss", ["mse", "pairwise", "lambdarank"])
def test_stacked_training_equals_one_network_at_a_time(loss):
    logs, X, Y = _logs()
    # scale the raw features down so that a few steps stay moderate
    X = X / np.array([100, 10, 100, 1, 3, 2, 4, 50])
    run = train_rankers(X, Y, logs[0].groups, loss=loss, seeds=[3, 4],
                        lr=[0.05, 0.02], num_epochs=2,
                        searches_per_batch=3, hidden=5)
    m = 6
    weights = "delta_ndcg" if loss == "lambdarank" else None
    for r, (seed, lr) in enumerate(zip([3, 4], [0.05, 0.02], strict=True)):
        net = MLP([8, 5, 1], init="glorot", seed=seed)
        for searches in run.batches[r]:
            rows = (searches[:, None] * m + np.arange(m)).ravel()
            y, grp = Y[r, rows], logs[r].groups[rows]
            if loss == "mse":
                t = net.trace(X[r, rows], y)
            else:
                t = net.trace_loss(
                    X[r, rows],
                    lambda out, y=y, grp=grp: pairwise_logistic_loss(
                        out[:, 0], y, grp, weights),
                )
            for W, b, (dW, db) in zip(net.weights, net.biases, t.grads,
                                      strict=True):
                W -= lr * dW
                b -= lr * db
        for a, b in zip(net.weights + net.biases,
                        run.nets[r].weights + run.nets[r].biases,
                        strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(run.W1[r, -1], net.weights[0],
                                   rtol=1e-10, atol=1e-13)


def test_kills_are_traced_to_the_step_that_made_them_permanent():
    logs, X, Y = _logs(k=3, num=16, m=8, n_outliers=3)
    run = train_rankers(X, Y, logs[0].groups, loss="lambdarank",
                        seeds=[0, 1, 2], lr=0.3, num_epochs=3,
                        searches_per_batch=4, hidden=16, record_every=1)
    kills = trace_kills(run, X, [log.outlier_rows for log in logs])
    assert len(kills) > 0
    for r, j, t, wa, ba, ob in zip(kills.net, kills.unit, kills.step,
                                   kills.weight_alone, kills.bias_alone,
                                   kills.outlier_in_batch, strict=True):
        z = X[r] @ run.W1[r, :, :, j].T + run.b1[r, :, j]
        alive = (z > 0).any(axis=0)
        assert alive[t - 1] and not alive[t:].any()  # dead for good
        # after death the parameters never move again
        assert np.all(run.W1[r, t:, :, j] == run.W1[r, t, :, j])
        w, b = run.W1[r, t - 1, :, j], run.b1[r, t - 1, j]
        dw, db = run.W1[r, t, :, j] - w, run.b1[r, t, j] - b
        assert wa == bool(np.all(X[r] @ (w + dw) + b <= 0))
        assert ba == bool(np.all(X[r] @ w + b + db <= 0))
        rows = (run.batches[r, t - 1][:, None] * 8 + np.arange(8)).ravel()
        assert ob == bool(np.isin(rows, logs[r].outlier_rows).any())
    on = [X[r] @ run.W1[r, t - 1, :, j] + run.b1[r, t - 1, j] > 0
          for r, j, t in zip(kills.net, kills.unit, kills.step, strict=True)]
    for a, (r, j, t) in enumerate(zip(kills.net, kills.unit, kills.step,
                                      strict=True)):
        dw = run.W1[r, t, :, j] - run.W1[r, t - 1, :, j]
        assert kills.weight_change[a] == pytest.approx(
            np.mean(X[r][on[a]] @ dw))
        assert kills.bias_change[a] == (run.b1[r, t, j]
                                        - run.b1[r, t - 1, j])
    # the dead fraction recorded every step agrees with the kill table
    z0 = np.einsum("knd,kdh->knh", X, run.W1[:, 0]) + run.b1[:, 0, None]
    born = (z0 <= 0).all(axis=1).sum(axis=1)
    for r in range(3):
        steps = kills.step[kills.net == r]
        curve = (born[r] + (steps[None, :] <= run.steps[:, None]).sum(1))
        np.testing.assert_allclose(run.dead_fraction[r], curve / 16)


def test_born_dead_units_never_move():
    logs, X, Y = _logs(k=1, num=8, m=5)
    run = train_rankers(X, Y, logs[0].groups, loss="pairwise", seeds=[1],
                        lr=0.01, num_epochs=2, searches_per_batch=2,
                        hidden=12)
    z0 = X[0] @ run.W1[0, 0] + run.b1[0, 0]
    born = (z0 <= 0).all(axis=0)
    assert born.any()  # raw non-negative features: some are born dead
    np.testing.assert_array_equal(run.W1[0, -1][:, born],
                                  run.W1[0, 0][:, born])


@pytest.mark.parametrize(
    "change, match",
    [
        (dict(loss="hinge"), "unknown loss"),
        (dict(seeds=[0]), "one seed per network"),
        (dict(lr=0.0), "lr"),
        (dict(searches_per_batch=99), "exceeds"),
        (dict(groups=np.arange(48) % 8), "adjacent"),
        (dict(num_epochs=0), "num_epochs"),
    ],
)
def test_bad_input(change, match):
    logs, X, Y = _logs(k=2, num=8, m=6)
    kw = dict(loss="pairwise", seeds=[0, 1], lr=0.1, groups=logs[0].groups)
    kw.update(change)
    groups = kw.pop("groups")
    with pytest.raises(ValueError, match=match):
        train_rankers(X, Y, groups, **kw)


def test_pairwise_needs_equal_bookings():
    logs, X, Y = _logs(k=2, num=8, m=6)
    Y = Y.copy()
    Y[0, :6] = [1, 1, 0, 0, 0, 0]  # two bookings in one search
    with pytest.raises(ValueError, match="same number of booked"):
        train_rankers(X, Y, logs[0].groups, loss="lambdarank",
                      seeds=[0, 1], lr=0.1, searches_per_batch=2)
    # the squared error does not need it
    train_rankers(X, Y, logs[0].groups, loss="mse", seeds=[0, 1], lr=1e-7,
                  searches_per_batch=2)


def test_score_is_the_networks_forward_pass_bit_for_bit():
    logs, X, Y = _logs(k=2, num=12, m=6, n_outliers=1)
    run = train_rankers(X, Y, logs[0].groups, loss="lambdarank",
                        seeds=[0, 1], lr=0.01, num_epochs=1,
                        searches_per_batch=3)
    held_out = make_search_logs(5, 6, seed=9).X
    for r in range(2):
        fast = run.score(r, held_out)
        assert fast.tobytes() == run.nets[r].forward(held_out)[:, 0].tobytes()
    with pytest.raises(ValueError, match="r must name"):
        run.score(2, held_out)
    with pytest.raises(ValueError, match="features"):
        run.score(0, held_out[:, :3])
