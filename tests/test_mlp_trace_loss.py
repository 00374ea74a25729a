"""Tests for MLP.trace_loss: one backward pass for any loss of the output
(here the pairwise ranking loss), checked against finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes.gradcheck import numerical_gradient
from relu_notes.mlp import MLP
from relu_notes.ranking import pairwise_logistic_loss


def _ranking_case():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((12, 3))
    rel = np.tile([1.0, 0.0, 0.0, 0.0], 3)
    groups = np.repeat(np.arange(3), 4)
    return X, rel, groups


def test_pairwise_gradients_match_finite_differences():
    X, rel, groups = _ranking_case()
    net = MLP([3, 6, 1], seed=2, bias_std=0.5)

    def loss_fn(out):
        return pairwise_logistic_loss(out[:, 0], rel, groups)

    t = net.trace_loss(X, loss_fn)
    assert t.loss == pytest.approx(loss_fn(net.forward(X))[0])
    for P, (dW, db) in zip(zip(net.weights, net.biases, strict=True),
                           t.grads, strict=True):
        for param, grad in zip(P, (dW, db), strict=True):
            orig = param.copy()

            def f(v, param=param):
                param[...] = v
                return loss_fn(net.forward(X))[0]

            num = numerical_gradient(f, orig)
            param[...] = orig
            np.testing.assert_allclose(grad, num, atol=1e-8)


def test_squared_error_through_trace_loss_equals_trace():
    rng = np.random.default_rng(1)
    X, Y = rng.standard_normal((9, 4)), rng.standard_normal((9, 2))
    net = MLP([4, 5, 2], seed=3)
    t = net.trace_loss(X, lambda out: (np.mean((out - Y) ** 2),
                                       2.0 * (out - Y) / Y.size))
    ref = net.trace(X, Y)
    assert t.loss == pytest.approx(ref.loss)
    for (a, b), (c, d) in zip(t.grads, ref.grads, strict=True):
        np.testing.assert_allclose(a, c)
        np.testing.assert_allclose(b, d)


def test_a_vector_gradient_is_accepted_for_one_output():
    X, rel, groups = _ranking_case()
    net = MLP([3, 4, 1], seed=0)
    t = net.trace_loss(
        X, lambda out: pairwise_logistic_loss(out[:, 0], rel, groups)
    )
    assert t.deltas[-1].shape == (12, 1)


def test_bad_gradient_shape_or_values():
    X, _, _ = _ranking_case()
    net = MLP([3, 4, 1], seed=0)
    with pytest.raises(ValueError, match="shape"):
        net.trace_loss(X, lambda out: (0.0, np.zeros((12, 2))))
    with pytest.raises(ValueError, match="NaN"):
        net.trace_loss(X, lambda out: (0.0, np.full((12, 1), np.nan)))
