"""Tests for relu_notes.revival (ReDo-style re-initialisation)."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes.mlp import MLP
from relu_notes.optim import SGD, Adam
from relu_notes.revival import dormant_scores, dormant_units, redo
from relu_notes.train import train


def _killed(norm=None):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 3))
    net = MLP([3, 6, 5, 1], seed=1, norm=norm)
    net.biases[0][2] = -100.0  # unit 2 of layer 0: z < 0 on every row
    net.biases[1][4] = -100.0  # unit 4 of layer 1 as well
    if norm is not None:
        net.betas[0][2] = -20.0
        net.betas[1][4] = -20.0
    return net, X


def test_scores_follow_sokar_definition():
    A = np.array([[0.0, 1.0, 3.0], [0.0, -1.0, 1.0]])
    # mean |a|: 0, 1, 2; layer average 1
    np.testing.assert_allclose(dormant_scores(A), [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(dormant_scores(np.zeros((2, 3))), 0.0)


def test_threshold_zero_finds_exactly_the_dead_units():
    net, X = _killed()
    masks = dormant_units(net, X)
    dead = net.dead_units(X)
    for m, d in zip(masks, dead, strict=True):
        np.testing.assert_array_equal(m, d)
    assert masks[0][2] and masks[1][4]
    # a larger threshold also flags live but weak units
    assert sum(m.sum() for m in dormant_units(net, X, 0.5)) >= 2


@pytest.mark.parametrize("norm", [None, "batch"])
def test_redo_revives_and_leaves_the_output_unchanged(norm):
    net, X = _killed(norm)
    out = net.forward(X)
    W2 = net.weights[2].copy()
    masks = redo(net, X, seed=3)
    assert masks[0][2] and masks[1][4]
    # outgoing weights zero, bias zero: the output does not move
    np.testing.assert_array_equal(net.weights[1][2, :], 0.0)
    np.testing.assert_array_equal(net.weights[2][4, :], 0.0)
    assert net.biases[0][2] == 0.0 and net.biases[1][4] == 0.0
    np.testing.assert_allclose(net.forward(X), out, atol=1e-12)
    # untouched rows of the last layer are kept
    np.testing.assert_array_equal(net.weights[2][~masks[1]],
                                  W2[~masks[1]])
    # the fresh unit of the first layer is alive again on these rows
    assert not net.dead_units(X)[0][2]
    if norm is not None:
        assert net.betas[0][2] == 0.0 and net.gammas[0][2] == 1.0


def test_redo_zeroes_the_optimizer_state_of_the_reset_entries():
    net, X = _killed()
    y = X.sum(axis=1)
    opt = Adam(0.01)
    _, grads = net.loss_and_grads(X, y)
    opt.step(*net.parameter_lists(), grads)
    for s in opt.state.values():
        for arr in s.values():
            arr += 1.0  # every entry non-zero
    m0, m1 = redo(net, X, optimizer=opt)
    assert np.all(opt.state[0]["m"][:, 2] == 0)
    assert np.all(opt.state[1]["v"][2] == 0)
    assert np.all(opt.state[2]["m"][2, :] == 0)
    assert np.all(opt.state[2]["m"][:, 4] == 0)  # incoming of layer 1
    # every other entry keeps its state
    keep = np.outer(~m0, ~m1)
    assert np.all(opt.state[2]["m"][keep] != 0)
    assert np.all(opt.state[0]["m"][:, ~m0] != 0)
    assert np.all(opt.state[4]["v"][~m1] != 0)


def test_training_with_redo_ends_with_no_dead_unit():
    net, X = _killed()
    y = X.sum(axis=1)
    plain = net.copy()
    h0 = train(plain, X, y, SGD(0.01), num_epochs=4, batch_size=10)
    h1 = train(net, X, y, SGD(0.01), num_epochs=4, batch_size=10,
               redo_every=3)
    assert h0.final_dead_fraction > 0
    assert h1.num_reinitialised >= 2
    assert h1.dead_fraction[-1].max() == 0


def test_bad_arguments():
    net, X = _killed()
    with pytest.raises(ValueError, match="threshold"):
        redo(net, X, threshold=-1)
    with pytest.raises(ValueError, match="net must be an MLP"):
        redo("net", X)
    with pytest.raises(ValueError, match="shape"):
        dormant_scores(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="redo_every"):
        train(net, X, X[:, 0], SGD(0.1), batch_size=5, redo_every=0)


def test_data_dependent_biases_put_each_unit_on_half_the_rows():
    from relu_notes.bias_init import data_dependent_biases

    rng = np.random.default_rng(0)
    X = np.abs(rng.standard_normal((201, 4)))
    net = data_dependent_biases(MLP([4, 8, 6, 1], seed=0), X)
    for z in net.pre_activations(X)[:-1]:
        np.testing.assert_allclose(np.mean(z > 0, axis=0), 100 / 201)
    assert net.biases[-1][0] == 0.0
    with pytest.raises(ValueError, match="on_fraction"):
        data_dependent_biases(net, X, on_fraction=1.0)
    with pytest.raises(ValueError, match="normalisation"):
        data_dependent_biases(MLP([4, 3, 1], norm="batch"), X)
