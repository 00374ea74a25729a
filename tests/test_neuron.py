"""relu_notes.neuron: gradients, the SGD step, death, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes import losses
from relu_notes.gradcheck import numerical_gradient, relative_error
from relu_notes.neuron import Neuron, train

RNG = np.random.default_rng(3)
X = RNG.normal(size=(7, 3))
Y = RNG.normal(size=7)
W = np.array([0.7, -0.4, 0.25])
B = 0.1


def _loss_of(params, loss, slope=0.0):
    return Neuron(params[:-1], params[-1], slope).loss_and_grads(
        X, Y, loss)[0]


@pytest.mark.parametrize("loss", sorted(losses.LOSSES))
@pytest.mark.parametrize("slope", [0.0, 0.05])
def test_gradients_match_finite_differences(loss, slope):
    neuron = Neuron(W, B, slope)
    z = neuron.pre_activation(X)
    r = neuron.forward(X) - Y
    # stay away from the kinks, where finite differences are not the
    # derivative: relu at z = 0, mae at r = 0, huber at |r| = 1
    assert np.min(np.abs(z)) > 1e-3 and np.min(np.abs(r)) > 1e-3
    assert np.min(np.abs(np.abs(r) - 1)) > 1e-3
    _, dw, db = neuron.loss_and_grads(X, Y, loss)
    num = numerical_gradient(lambda p: _loss_of(p, loss, slope),
                             np.append(W, B))
    assert relative_error(np.append(dw, db), num) < 1e-6


def test_forward_and_mse_by_hand():
    neuron = Neuron([2.0, -1.0], 0.5)
    Xs = np.array([[1.0, 1.0], [0.0, 3.0]])
    np.testing.assert_array_equal(neuron.pre_activation(Xs), [1.5, -2.5])
    np.testing.assert_array_equal(neuron.forward(Xs), [1.5, 0.0])
    loss, dw, db = neuron.loss_and_grads(Xs, [1.0, 1.0])
    # r = (0.5, -1); second row inactive so its gradient is exactly 0
    assert loss == pytest.approx((0.25 + 1.0) / 2)
    np.testing.assert_allclose(dw, [0.5, 0.5])  # mean(2 r relu' x)
    assert db == pytest.approx(0.5)


@pytest.mark.parametrize("loss", sorted(losses.LOSSES))
def test_step_is_the_hand_written_sgd_update(loss):
    neuron = Neuron(W, B)
    lr = 0.037
    f, df = losses.get(loss)
    z = X @ W + B
    g = df(np.maximum(z, 0) - Y) * (z > 0)
    dw = (g[:, None] * X).mean(axis=0)
    db = g.mean()
    new = neuron.step(X, Y, lr, loss)
    np.testing.assert_allclose(new.w, W - lr * dw, rtol=1e-14, atol=1e-15)
    assert new.b == pytest.approx(B - lr * db, rel=1e-14)
    np.testing.assert_array_equal(neuron.w, W)  # the old one is unchanged


def test_only_an_overshoot_pushes_b_down():
    neuron = Neuron([1.0], 0.0)
    x = [[2.0]]  # output 2
    assert neuron.step(x, [0.5], 0.1).b < 0   # overshoot
    assert neuron.step(x, [5.0], 0.1).b > 0   # undershoot
    assert neuron.step(x, [2.0], 0.1).b == 0  # exact


def test_is_dead_constructed_cases():
    Xs = np.array([[1.0, 2.0], [3.0, 0.5]])
    assert Neuron([-1.0, -1.0], 0.0).is_dead(Xs)
    assert Neuron([1.0, 1.0], -4.0).is_dead(Xs)  # z = -1, -0.5
    assert not Neuron([1.0, 1.0], -3.0).is_dead(Xs)  # z = 0, 0.5
    assert Neuron([1.0, 1.0], -3.5).is_dead(Xs)  # z = -0.5, 0: 0 is dead
    assert Neuron([1.0, -1.0], 0.0).active_fraction(Xs) == 0.5


def test_dead_neuron_gets_exactly_zero_gradient():
    dead = Neuron([-1.0, -2.0, -0.5], -1.0)
    Xp = np.abs(X)
    assert dead.is_dead(Xp)
    for loss in losses.LOSSES:
        _, dw, db = dead.loss_and_grads(Xp, Y, loss)
        assert np.all(dw == 0) and db == 0
    after, hist = train(dead, Xp, Y, lr=0.5, num_steps=50, batch_size=3,
                        rng=0)
    np.testing.assert_array_equal(after.w, dead.w)
    assert after.b == dead.b and np.all(hist["grad_norm"] == 0)


def test_train_lowers_the_loss_and_is_seeded():
    Xp = np.abs(X) + 0.1
    y = Neuron([0.5, 0.2, 0.3], 0.1).forward(Xp)
    n, hist = train(Neuron([0.1, 0.1, 0.1], 0.0), Xp, y, 0.1, 300)
    assert hist["loss"][-1] < 1e-3 * hist["loss"][0]
    a, _ = train(Neuron(W, B), X, Y, 0.05, 20, batch_size=2, rng=5)
    b, _ = train(Neuron(W, B), X, Y, 0.05, 20, batch_size=2, rng=5)
    np.testing.assert_array_equal(a.w, b.w)


def test_huge_outlier_gives_finite_answer_or_clear_error():
    neuron = Neuron([1.0, 0.5], 0.0)
    x = np.array([[1e200, 1.0]])
    # the squared error of 1e200 does not fit in float64: a clear error
    with pytest.raises(OverflowError, match="mse loss overflowed"):
        neuron.loss_and_grads(x, [1.0], "mse")
    with pytest.raises(OverflowError, match="overflowed"):
        neuron.step(x, [1.0], 0.1, "mse")
    # bounded losses give finite answers
    for loss in ("mae", "huber"):
        value, dw, db = neuron.loss_and_grads(x, [1.0], loss)
        assert np.isfinite(value) and np.all(np.isfinite(dw))
        new = neuron.step(x, [1.0], 0.1, loss)
        assert np.all(np.isfinite(new.w)) and np.isfinite(new.b)
    with pytest.raises(OverflowError, match="pre-activation"):
        Neuron([1e200], 0.0).pre_activation([[1e200]])


def test_repr_and_read_only():
    neuron = Neuron([1.0, 2.0], 0.5)
    assert repr(neuron) == "Neuron(w=[1., 2.], b=0.5)"
    with pytest.raises(ValueError):
        neuron.w[0] = 3.0


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: Neuron([[1.0, 2.0]], 0.0), "w must have 1 dimension"),
        (lambda: Neuron([], 0.0), "at least one entry"),
        (lambda: Neuron([1.0, np.nan], 0.0), "w holds 1 NaN"),
        (lambda: Neuron([1.0], np.inf), "b holds 1 NaN or infinite"),
        (lambda: Neuron([1.0], [1.0, 2.0]), "b must be a scalar"),
        (lambda: Neuron([1.0], "x"), "b must be a real"),
        (lambda: Neuron([1.0], 0.0, slope=1.5), "slope must be in"),
        (lambda: Neuron(W, B).forward(np.ones((2, 2))),
         "X has 2 column.*3 input"),
        (lambda: Neuron(W, B).forward(np.ones(3)), "X must have 2 dim"),
        (lambda: Neuron(W, B).forward(np.ones((0, 3))), "no rows"),
        (lambda: Neuron(W, B).is_dead([[np.nan, 1.0, 1.0]]), "X holds 1"),
        (lambda: Neuron(W, B).loss_and_grads(X, Y[:3]), "y has 3 entries"),
        (lambda: Neuron(W, B).loss_and_grads(X, Y[:, None]),
         "y must have 1 dim"),
        (lambda: Neuron(W, B).loss_and_grads(X, Y + np.inf), "y holds 7"),
        (lambda: Neuron(W, B).loss_and_grads(X, Y, "l1"),
         "unknown loss 'l1'; valid: 'mse', 'mae', 'huber'"),
        (lambda: Neuron(W, B).step(X, Y, 0.0), "lr .* must be a positive"),
        (lambda: Neuron(W, B).step(X, Y, -1.0), "lr .* must be a positive"),
        (lambda: Neuron(W, B).step(X, Y, np.nan), "lr .* must be a positive"),
        (lambda: train(Neuron(W, B), X, Y, 0.1, -1), "num_steps"),
        (lambda: train(Neuron(W, B), X, Y, 0.1, 1.5), "num_steps"),
        (lambda: train(Neuron(W, B), X, Y, 0.1, 1, batch_size=8),
         r"batch_size must be an integer in \[1, 7\]"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_apply_update_and_fit_with_the_optimisers():
    from relu_notes.neuron import apply_update, fit
    from relu_notes.optim import SGD, Adam, Momentum

    neuron = Neuron(W, B)
    _, dw, db = neuron.loss_and_grads(X, Y)
    by_sgd = apply_update(neuron, SGD(0.05), dw, db)
    by_step = neuron.step(X, Y, 0.05)
    np.testing.assert_allclose(by_sgd.w, by_step.w, rtol=1e-14)
    assert by_sgd.b == pytest.approx(by_step.b, rel=1e-14)
    # momentum keeps state: the second zero-gradient step repeats beta*v
    mom = Momentum(0.1, beta=0.5)
    n1 = apply_update(neuron, mom, dw, db)
    n2 = apply_update(n1, mom, 0 * dw, 0.0)
    np.testing.assert_allclose(n1.w - n2.w, 0.5 * (neuron.w - n1.w))
    # first Adam step moves every parameter by lr in the gradient's sign
    n3 = apply_update(neuron, Adam(0.01), dw, db)
    np.testing.assert_allclose(neuron.w - n3.w, 0.01 * np.sign(dw),
                               rtol=1e-6)
    # clipping bounds the step; weight decay shrinks a dead unit's w
    n4 = apply_update(neuron, SGD(1.0), 1e6 * dw, 1e6 * db, clip=1.0)
    step = np.append(n4.w - neuron.w, n4.b - neuron.b)
    assert np.linalg.norm(step) == pytest.approx(1.0)
    dead = Neuron([-1.0, -2.0, -0.5], -1.0)
    after, hist = fit(dead, SGD(0.1), np.abs(X), Y, 10, weight_decay=0.5)
    np.testing.assert_allclose(after.w, dead.w * 0.95**10)
    assert after.b == dead.b and np.all(hist["active"] == 0)
    with pytest.raises(ValueError, match="weight_decay must be a finite"):
        apply_update(neuron, SGD(0.1), dw, db, weight_decay=-1.0)
    with pytest.raises(ValueError, match="dw has shape"):
        apply_update(neuron, SGD(0.1), dw[:2], db)
    with pytest.raises(ValueError, match="batch_size"):
        fit(neuron, SGD(0.1), X, Y, 1, batch_size=0)


@pytest.mark.parametrize("method", ["sgd", "momentum", "adam"])
def test_train_and_fit_equal_a_loop_of_single_steps(method):
    """The fast loops of train and fit give exactly (bit for bit) what a
    loop over Neuron.step / apply_update with the same batches gives."""
    from relu_notes.neuron import apply_update, fit
    from relu_notes.optim import make

    Xa = np.abs(X)
    got, hist = train(Neuron(W, B, 0.05), Xa, Y, 0.05, 30, "huber",
                      batch_size=3, rng=5)
    gen, nrn = np.random.default_rng(5), Neuron(W, B, 0.05)
    for t in range(30):
        idx = gen.integers(0, len(Xa), size=3)
        value, _, _ = nrn.loss_and_grads(Xa[idx], Y[idx], "huber")
        assert hist["loss"][t] == value
        nrn = nrn.step(Xa[idx], Y[idx], 0.05, "huber")
    np.testing.assert_array_equal(got.w, nrn.w)
    assert got.b == nrn.b
    got, hist = fit(Neuron(W, B), make(method, 0.05), Xa, Y, 30,
                    batch_size=3, rng=5, weight_decay=0.1)
    gen, nrn, opt = np.random.default_rng(5), Neuron(W, B), make(method, 0.05)
    for t in range(30):
        idx = gen.integers(0, len(Xa), size=3)
        _, dw, db = nrn.loss_and_grads(Xa[idx], Y[idx])
        nrn = apply_update(nrn, opt, dw, db, weight_decay=0.1)
        assert hist["b"][t] == nrn.b
        assert hist["active"][t] == nrn.active_fraction(Xa)
    np.testing.assert_array_equal(got.w, nrn.w)
    assert got.b == nrn.b


def test_train_overflow_is_an_error():
    with pytest.raises(OverflowError, match="overflowed"):
        train(Neuron(W, B), [[1e200, 1.0, 1.0]], [0.0], 1.0, 3)
