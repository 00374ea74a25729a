"""Tests for relu_notes.diagnostics on constructed activation matrices."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes import diagnostics as dg
from relu_notes.mlp import MLP


def _matrix():
    # unit 0 on in 2 of 4 rows, unit 1 never on (zeros), unit 2 never on
    # (negative), unit 3 always on
    return np.array([
        [1.0, 0.0, -1.0, 2.0],
        [0.0, 0.0, -3.0, 1.0],
        [2.0, 0.0, -0.5, 1.0],
        [0.0, 0.0, -2.0, 5.0],
    ])


def test_activation_rate_and_dead_mask():
    A = _matrix()
    np.testing.assert_allclose(dg.activation_rate(A), [0.5, 0, 0, 1])
    np.testing.assert_array_equal(dg.dead_mask(A), [False, True, True,
                                                    False])
    assert dg.dead_fraction(A) == 0.5
    # with a threshold, "on" means above it
    np.testing.assert_allclose(dg.activation_rate(A, 1.5), [0.25, 0, 0, .5])
    assert dg.dead_fraction(A, threshold=-5.0) == 0.0


def test_relu_outputs_and_pre_activations_agree():
    rng = np.random.default_rng(0)
    Z = rng.standard_normal((50, 20)) + 1.0
    Z[:, :5] -= 10  # five units off on every row
    A = np.maximum(Z, 0)
    np.testing.assert_array_equal(dg.dead_mask(Z), dg.dead_mask(A))
    assert dg.dead_fraction(A) == 0.25


def test_per_layer_matches_mlp_dead_units():
    net = MLP([3, 10, 10, 1], seed=0, bias_std=1.0)
    net.biases[0][:4] = -50.0
    X = np.random.default_rng(1).standard_normal((30, 3))
    pres = net.pre_activations(X)[:-1]
    got = dg.dead_fraction_per_layer(pres)
    want = [np.mean(d) for d in net.dead_units(X)]
    np.testing.assert_allclose(got, want)
    assert got[0] >= 0.4


def test_grad_norm_summary():
    dW0 = np.array([[3.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    db0 = np.array([4.0, 0.0, 1.0])
    dW1 = np.array([[0.0], [0.0], [2.0]])
    db1 = np.array([0.0])
    s = dg.grad_norm_summary([(dW0, db0), (dW1, db1)])
    np.testing.assert_allclose(s["weight"], [3.0, 2.0])
    np.testing.assert_allclose(s["bias"], [np.sqrt(17), 0.0])
    np.testing.assert_allclose(s["layer"], [np.sqrt(26), 2.0])
    assert s["total"] == pytest.approx(np.sqrt(30))
    # layer 0: unit 1 has an all-zero column and zero bias gradient
    np.testing.assert_allclose(s["zero_units"], [1 / 3, 0.0])


def test_dead_units_have_zero_gradient_in_summary():
    net = MLP([2, 6, 1], seed=3)
    net.biases[0][[1, 4]] = -100.0
    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, 2))
    _, grads = net.loss_and_grads(X, rng.standard_normal((20, 1)))
    s = dg.grad_norm_summary(grads)
    assert s["zero_units"][0] == pytest.approx(2 / 6)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: dg.dead_fraction(np.ones(3)), "matrix of shape"),
        (lambda: dg.dead_fraction(np.ones((0, 3))), "n_examples"),
        (lambda: dg.activation_rate([[np.nan, 1.0]]), "NaN"),
        (lambda: dg.activation_rate([[1.0]], threshold="x"), "threshold"),
        (lambda: dg.dead_mask([[1.0]], threshold=np.inf), "threshold"),
        (lambda: dg.dead_fraction_per_layer([]), "at least one"),
        (
            lambda: dg.dead_fraction_per_layer([np.ones((3, 2)),
                                                np.ones((4, 2))]),
            "same examples",
        ),
        (lambda: dg.grad_norm_summary([]), "at least one"),
        (
            lambda: dg.grad_norm_summary([(np.ones((2, 3)), np.ones(2))]),
            r"expected \(3,\)",
        ),
        (lambda: dg.grad_norm_summary([(np.ones((2, 3)),)]), "pair"),
    ],
)
def test_bad_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()
