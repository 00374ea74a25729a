"""Tests for the normalisation layers of relu_notes.mlp (norm="batch" or
"layer"): finite differences, the exact facts the chapter shows, and
training."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes.gradcheck import numerical_gradient, relative_error
from relu_notes.mlp import MLP, NORM_EPS, normalize
from relu_notes.optim import SGD, Adam
from relu_notes.train import train, train_stacked


def _data(sizes, n=9, seed=1):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, sizes[0])),
            rng.standard_normal((n, sizes[-1])))


def _net(norm, sizes=(3, 5, 4, 2), seed=3):
    net = MLP(list(sizes), init="glorot", seed=seed, bias_std=0.1,
              norm=norm)
    rng = np.random.default_rng(seed + 100)
    net.gammas = [1.0 + 0.3 * rng.standard_normal(g.shape)
                  for g in net.gammas]
    net.betas = [0.2 * rng.standard_normal(b.shape) for b in net.betas]
    return net


def _numerical(net, X, Y):
    out = []
    for W, b in zip(*net.parameter_lists(), strict=True):
        pair = []
        for P in (W, b):
            orig = P.copy()

            def f(v, P=P):
                P[...] = v
                return net.loss_and_grads(X, Y)[0]

            pair.append(numerical_gradient(f, orig))
            P[...] = orig
        out.append(tuple(pair))
    return out


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_gradients_match_finite_differences(norm):
    sizes = (3, 5, 4, 2)
    net = _net(norm, sizes)
    X, Y = _data(sizes)
    for z in net.pre_activations(X)[:-1]:
        assert np.min(np.abs(z)) > 1e-4  # away from the ReLU kink
    loss, grads = net.loss_and_grads(X, Y)
    # (dW, db) per layer, then (dgamma, dbeta) per hidden layer
    assert len(grads) == 3 + 2
    num = _numerical(net, X, Y)
    for pa, pn in zip(grads, num, strict=True):
        for a, n in zip(pa, pn, strict=True):
            assert a.shape == n.shape
            assert relative_error(a, n, floor=1e-4) < 1e-5


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_normalize_matches_its_definition(norm):
    rng = np.random.default_rng(0)
    z = 3.0 + 2.0 * rng.standard_normal((6, 4))
    zhat, inv = normalize(z, norm)
    axis = 0 if norm == "batch" else 1
    mean = z.mean(axis=axis, keepdims=True)
    var = ((z - mean) ** 2).sum(axis=axis, keepdims=True) / z.shape[axis]
    np.testing.assert_allclose(zhat, (z - mean) / np.sqrt(var + NORM_EPS))
    np.testing.assert_allclose(zhat.mean(axis=axis), 0.0, atol=1e-12)
    np.testing.assert_allclose(inv, 1.0 / np.sqrt(var + NORM_EPS))


def test_defaults_are_identity_scale_and_zero_shift():
    net = MLP([2, 3, 3, 1], norm="layer")
    assert [g.tolist() for g in net.gammas] == [[1.0] * 3] * 2
    assert [b.tolist() for b in net.betas] == [[0.0] * 3] * 2
    assert MLP([2, 3, 1]).gammas == []
    assert "norm='layer'" in repr(net)


def test_bias_before_batch_norm_gets_no_gradient_and_no_effect():
    sizes = (3, 6, 1)
    net = _net("batch", sizes)
    X, Y = _data(sizes, n=20)
    _, grads = net.loss_and_grads(X, Y)
    dW0, db0 = grads[0]
    assert np.max(np.abs(db0)) < 1e-14 * max(1.0, np.max(np.abs(dW0)))
    out = net.forward(X)
    net.biases[0] += 5.0
    np.testing.assert_allclose(net.forward(X), out, atol=1e-12)
    # layer norm does not cancel a per-unit bias
    ln = _net("layer", sizes)
    assert np.max(np.abs(ln.loss_and_grads(X, Y)[1][0][1])) > 1e-6


def test_dead_units_are_judged_after_normalisation():
    # with batch norm a unit is re-centred: only beta (and gamma) can kill
    net = MLP([2, 3, 1], norm="batch", seed=0)
    X = np.random.default_rng(1).standard_normal((50, 2))
    net.biases[0][:] = -100.0  # would kill every unit without the norm
    assert not any(m.any() for m in net.dead_units(X))
    net.betas[0][1] = -10.0  # beta below -max(zhat) * gamma kills it
    assert net.dead_units(X)[0].tolist() == [False, True, False]
    net.betas[0][1] = 0.0
    net.gammas[0][2] = 0.0  # gamma = 0: u = beta = 0 on every row
    assert net.dead_units(X)[0].tolist() == [False, False, True]


def test_copy_and_from_params_keep_the_norm_parameters():
    net = _net("batch")
    other = net.copy()
    assert other.norm == "batch"
    X, Y = _data((3, 5, 4, 2))
    np.testing.assert_array_equal(other.forward(X), net.forward(X))
    other.gammas[0][0] = 7.0
    assert net.gammas[0][0] != 7.0
    with pytest.raises(ValueError, match="gammas must have shapes"):
        MLP.from_params(net.weights, net.biases, norm="batch",
                        gammas=[np.ones(2), np.ones(4)])
    with pytest.raises(ValueError, match="need norm"):
        MLP.from_params(net.weights, net.biases, betas=[np.zeros(5)])


def test_bad_norm_name():
    with pytest.raises(ValueError, match="norm"):
        MLP([2, 3, 1], norm="group")


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_step_and_train_update_gamma_and_beta(norm):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    y = np.abs(X[:, 0]) - X[:, 1]
    a = MLP([3, 6, 1], seed=2, norm=norm)
    b = a.copy()
    train(a, X, y, SGD(0.05), num_epochs=2, batch_size=len(X))
    for _ in range(2):
        b.step(X, y, 0.05)
    np.testing.assert_allclose(a.gammas[0], b.gammas[0], rtol=1e-12)
    np.testing.assert_allclose(a.betas[0], b.betas[0], rtol=1e-12)
    assert not np.allclose(a.gammas[0], 1.0)
    before = a.loss_and_grads(X, y)[0]
    h = train(a, X, y, Adam(0.01), num_epochs=30, batch_size=8)
    assert h.train_loss[-1] < before


@pytest.mark.parametrize("norm", ["batch", "layer"])
def test_stacked_training_matches_one_run_per_seed(norm):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((2, 30, 3))
    Y = X[..., 0] - 0.5 * X[..., 2]
    nets = [MLP([3, 5, 5, 1], seed=s, norm=norm) for s in (0, 1)]
    single = [n.copy() for n in nets]
    hs = train_stacked(nets, X, Y, Adam(0.01), seeds=[3, 4],
                       num_epochs=3, batch_size=7, record_every=5,
                       clip_norm=0.5, X_val=X, Y_val=Y)
    for j, net in enumerate(single):
        h = train(net, X[j], Y[j], Adam(0.01), num_epochs=3, batch_size=7,
                  record_every=5, clip_norm=0.5, seed=3 + j,
                  X_val=X[j], Y_val=Y[j])
        np.testing.assert_allclose(hs[j].train_loss, h.train_loss,
                                   rtol=1e-9)
        assert hs[j].num_clipped == h.num_clipped
        np.testing.assert_allclose(nets[j].gammas[1], net.gammas[1],
                                   rtol=1e-9)
        np.testing.assert_allclose(nets[j].betas[0], net.betas[0],
                                   rtol=1e-9, atol=1e-12)


def test_stacking_needs_the_same_norm():
    X = np.zeros((2, 8, 2))
    nets = [MLP([2, 4, 1], norm="batch"), MLP([2, 4, 1])]
    with pytest.raises(ValueError, match="norm"):
        train_stacked(nets, X, X[..., 0], SGD(0.1), seeds=[0, 1])
