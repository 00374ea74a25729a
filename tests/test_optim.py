"""Tests for relu_notes.optim: updates against hand-written formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest

from relu_notes.mlp import MLP
from relu_notes.optim import (
    OPTIMIZERS,
    SGD,
    Adam,
    Momentum,
    clip_grad_norm,
    global_norm,
    make,
)


def _params():
    W = [np.array([[1.0, -2.0], [0.5, 0.0]]), np.array([[3.0], [-1.0]])]
    b = [np.array([0.1, -0.1]), np.array([0.0])]
    return W, b


def _grads(scale=1.0):
    return [
        (scale * np.array([[0.2, 0.4], [-0.6, 1.0]]),
         scale * np.array([0.5, -0.5])),
        (scale * np.array([[2.0], [0.0]]), scale * np.array([-1.0])),
    ]


def test_sgd_is_p_minus_lr_g():
    W, b = _params()
    W0 = [w.copy() for w in W]
    b0 = [x.copy() for x in b]
    g = _grads()
    SGD(0.1).step(W, b, g)
    for i in range(2):
        np.testing.assert_allclose(W[i], W0[i] - 0.1 * g[i][0])
        np.testing.assert_allclose(b[i], b0[i] - 0.1 * g[i][1])


def test_momentum_by_hand_over_three_steps():
    W, b = _params()
    w = W[0][0, 1]  # follow one entry by hand
    opt = Momentum(0.1, beta=0.5)
    v = 0.0
    for k, scale in enumerate([1.0, -2.0, 0.5]):
        g = _grads(scale)
        opt.step(W, b, g)
        v = 0.5 * v + g[0][0][0, 1]
        w = w - 0.1 * v
        assert W[0][0, 1] == pytest.approx(w), k
    assert opt.num_steps == 3


def test_adam_by_hand_over_three_steps():
    W, b = _params()
    p = b[1][0]
    opt = Adam(0.01, beta1=0.9, beta2=0.99, eps=1e-8)
    m = v = 0.0
    for t, scale in enumerate([1.0, 3.0, -0.5], start=1):
        g = _grads(scale)
        opt.step(W, b, g)
        gi = g[1][1][0]
        m = 0.9 * m + 0.1 * gi
        v = 0.99 * v + 0.01 * gi * gi
        m_hat = m / (1 - 0.9**t)
        v_hat = v / (1 - 0.99**t)
        p = p - 0.01 * m_hat / (math.sqrt(v_hat) + 1e-8)
        assert b[1][0] == pytest.approx(p, rel=1e-12)


def test_adam_first_step_has_size_lr_whatever_the_gradient():
    for scale in (1e-3, 1.0, 1e6):
        W, b = _params()
        W0 = W[0].copy()
        Adam(0.01).step(W, b, _grads(scale))
        step = np.abs(W0 - W[0])
        nonzero = _grads()[0][0] != 0
        np.testing.assert_allclose(step[nonzero], 0.01, rtol=1e-4)
        assert np.all(step[~nonzero] == 0)


def test_zero_gradient_leaves_parameters_unchanged():
    # a dead unit's column gets zero gradient: no optimiser moves it
    for opt in (SGD(0.1), Momentum(0.1), Adam(0.1)):
        W, b = _params()
        W0 = W[0].copy()
        g = _grads()
        g[0][0][:, 1] = 0.0
        opt.step(W, b, g)
        np.testing.assert_array_equal(W[0][:, 1], W0[:, 1])


def test_step_trains_an_mlp():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((64, 3))
    Y = X @ np.array([[1.0], [-2.0], [0.5]])
    for name in OPTIMIZERS:
        net = MLP([3, 8, 1], seed=1)
        opt = make(name, 0.01)
        first = net.loss_and_grads(X, Y)[0]
        for _ in range(50):
            _, g = net.loss_and_grads(X, Y)
            opt.step(net.weights, net.biases, g)
        assert net.loss_and_grads(X, Y)[0] < first, name


def test_clip_grad_norm():
    g = _grads()
    norm = global_norm(g)
    by_hand = math.sqrt(sum(np.sum(a**2) for pair in g for a in pair))
    assert norm == pytest.approx(by_hand)
    clipped, before = clip_grad_norm(g, norm / 4)
    assert before == pytest.approx(norm)
    assert global_norm(clipped) == pytest.approx(norm / 4)
    # the direction is kept
    np.testing.assert_allclose(clipped[1][0], g[1][0] / 4)
    # below the threshold nothing changes, and the input is not modified
    same, _ = clip_grad_norm(g, norm * 2)
    np.testing.assert_array_equal(same[0][0], g[0][0])
    zero = [(np.zeros((2, 2)), np.zeros(2))]
    assert clip_grad_norm(zero, 1.0)[1] == 0.0


def test_repr_and_make():
    assert repr(SGD(0.1)) == "SGD(lr=0.1)"
    assert "beta=0.9" in repr(make("momentum", 0.1))
    assert "Adam(lr=0.001" in repr(Adam())


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: SGD(0.0), "lr must be a positive"),
        (lambda: SGD(float("nan")), "lr must be a positive"),
        (lambda: Momentum(0.1, beta=1.0), r"beta must be in \[0, 1\)"),
        (lambda: Adam(beta2=-0.1), "beta2"),
        (lambda: Adam(beta1="x"), "beta1 must be a number"),
        (lambda: Adam(eps=0), "eps"),
        (lambda: make("rmsprop", 0.1), "valid: 'sgd'"),
        (lambda: make("sgd", 0.1, beta=0.9), "does not take"),
        (lambda: clip_grad_norm(_grads(), 0.0), "max_norm"),
        (
            lambda: clip_grad_norm([(np.array([[np.inf]]), np.zeros(1))],
                                   1.0),
            "overflowed",
        ),
    ],
)
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_bad_steps():
    W, b = _params()
    with pytest.raises(ValueError, match="must match"):
        SGD(0.1).step(W, b, _grads()[:1])
    bad = _grads()
    bad[1] = (np.ones((3, 1)), bad[1][1])
    with pytest.raises(ValueError, match=r"weights\[1\] has shape \(3, 1\)"):
        SGD(0.1).step(W, b, bad)
    bad = _grads()
    bad[0][1][0] = np.nan
    with pytest.raises(ValueError, match=r"biases\[0\] holds NaN"):
        SGD(0.1).step(W, b, bad)
    np.testing.assert_array_equal(W[0], _params()[0][0])  # untouched


def test_adamw_is_adam_plus_decoupled_decay_of_the_weights():
    from relu_notes.optim import Adam, AdamW

    rng = np.random.default_rng(0)
    W, b = rng.standard_normal((3, 2)), rng.standard_normal(2)
    g = [(rng.standard_normal((3, 2)), rng.standard_normal(2))]
    W1, b1 = W.copy(), b.copy()
    W2, b2 = W.copy(), b.copy()
    Adam(0.1).step([W1], [b1], g)
    AdamW(0.1, weight_decay=0.5).step([W2], [b2], g)
    np.testing.assert_allclose(W2, W1 - 0.1 * 0.5 * W, rtol=1e-12)
    np.testing.assert_array_equal(b2, b1)  # biases do not decay
    # a parameter with zero gradient shrinks by (1 - lr * wd) per step
    W3, b3 = W.copy(), b.copy()
    opt = AdamW(0.1, weight_decay=0.5, decay_biases=True)
    zero = [(np.zeros((3, 2)), np.zeros(2))]
    for _ in range(3):
        opt.step([W3], [b3], zero)
    np.testing.assert_allclose(W3, W * 0.95**3, rtol=1e-12)
    np.testing.assert_allclose(b3, b * 0.95**3, rtol=1e-12)
    with pytest.raises(ValueError, match="weight_decay"):
        AdamW(0.1, weight_decay=-1)
    assert "AdamW" in repr(opt)


def _adam_by_hand(gs, lr=0.01, b1=0.9, b2=0.999, eps=1e-8):
    """Adam on one parameter in decimal arithmetic, which has no
    overflow at g**2 = 1e400."""
    from decimal import Decimal, getcontext

    getcontext().prec = 40
    D = Decimal
    p = m = v = D(0)
    for t, g in enumerate(gs, start=1):
        g = D(repr(g))
        m = D(repr(b1)) * m + (1 - D(repr(b1))) * g
        v = D(repr(b2)) * v + (1 - D(repr(b2))) * g * g
        m_hat = m / (1 - D(repr(b1)) ** t)
        v_hat = v / (1 - D(repr(b2)) ** t)
        p -= D(repr(lr)) * m_hat / (v_hat.sqrt() + D(repr(eps)))
    return float(p)


@pytest.mark.parametrize("gs", [
    [1e200, 1.0, -3e180],
    [1.0, 1e300, 1e300, -1.0],
    [1e160, -1e160],
    [0.5, -2.0, 1.5],  # the ordinary path, for comparison
])
def test_adam_matches_exact_arithmetic_for_huge_gradients(gs):
    W = [np.zeros((1, 2))]
    b = [np.zeros(1)]
    opt = Adam(0.01)
    for g in gs:
        # entry 0 sees the sequence, entry 1 a constant small gradient
        opt.step(W, b, [(np.array([[g, 0.25]]), np.array([g]))])
    expected = _adam_by_hand(gs)
    assert W[0][0, 0] == pytest.approx(expected, rel=1e-12)
    assert b[0][0] == pytest.approx(expected, rel=1e-12)
    # a huge gradient in one entry does not disturb its neighbour
    assert W[0][0, 1] == pytest.approx(_adam_by_hand([0.25] * len(gs)),
                                       rel=1e-12)


def test_adam_first_step_is_lr_for_gradients_above_1e154():
    for scale in (1e154, 1e200, 1e300, 5e307):
        W, b = _params()
        W0 = W[0].copy()
        Adam(0.01).step(W, b, _grads(scale))
        nonzero = _grads()[0][0] != 0
        np.testing.assert_allclose(np.abs(W0 - W[0])[nonzero], 0.01,
                                   rtol=1e-6)


def test_clip_grad_norm_of_finite_huge_gradients():
    g = [(np.full((2, 2), 3e200), np.full(2, -4e200))]
    clipped, norm = clip_grad_norm(g, 2.0)
    # |g|^2 = 4 * 9e400 + 2 * 16e400 = 68e400
    assert norm == pytest.approx(math.sqrt(68) * 1e200, rel=1e-14)
    assert global_norm(clipped) == pytest.approx(2.0, rel=1e-14)
    np.testing.assert_allclose(clipped[0][1] / clipped[0][0][0, 0],
                               [-4 / 3, -4 / 3])
