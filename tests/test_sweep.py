"""relu_notes.sweep: many neurons at once equal the loop over Neuron."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes import losses, sweep
from relu_notes.neuron import Neuron

RNG = np.random.default_rng(11)
M, N, D = 17, 6, 3
W = RNG.normal(size=(M, D))
B = RNG.normal(size=M)
X = RNG.normal(size=(N, D))
XM = RNG.normal(size=(M, N, D))
Y = RNG.normal(size=N)
YM = RNG.normal(size=(M, N))
LR = 10 ** RNG.uniform(-3, 0, size=M)


@pytest.mark.parametrize("loss", sorted(losses.LOSSES))
@pytest.mark.parametrize("per_neuron", [False, True])
@pytest.mark.parametrize("slope", [0.0, 0.1])
def test_vectorised_equals_loop(loss, per_neuron, slope):
    Xs, ys = (XM, YM) if per_neuron else (X, Y)
    L, dW, dB = sweep.loss_and_grads_many(W, B, Xs, ys, loss, slope)
    W2, B2 = sweep.step_many(W, B, Xs, ys, LR, loss, slope)
    for k in range(M):
        xk = Xs[k] if per_neuron else Xs
        yk = ys[k] if per_neuron else ys
        neuron = Neuron(W[k], B[k], slope)
        lk, dwk, dbk = neuron.loss_and_grads(xk, yk, loss)
        assert L[k] == pytest.approx(lk, rel=1e-12)
        np.testing.assert_allclose(dW[k], dwk, rtol=1e-12, atol=1e-15)
        assert dB[k] == pytest.approx(dbk, rel=1e-12, abs=1e-15)
        new = neuron.step(xk, yk, LR[k], loss)
        np.testing.assert_allclose(W2[k], new.w, rtol=1e-12, atol=1e-15)
        assert B2[k] == pytest.approx(new.b, rel=1e-12, abs=1e-15)


def test_dead_and_active_equal_loop(monkeypatch):
    monkeypatch.setattr(sweep, "_CHUNK", 20)  # exercise the chunking
    Wd = W.copy()
    Wd[:5] = -np.abs(Wd[:5])
    Bd = B.copy()
    Bd[:5] = -1.0
    Xp = np.abs(X)
    dead = sweep.is_dead_many(Wd, Bd, Xp)
    frac = sweep.active_fraction_many(Wd, Bd, Xp)
    zmax = sweep.max_pre_activation_many(Wd, Bd, Xp)
    assert dead[:5].all()
    for k in range(M):
        neuron = Neuron(Wd[k], Bd[k])
        assert dead[k] == neuron.is_dead(Xp)
        assert frac[k] == neuron.active_fraction(Xp)
        assert zmax[k] == pytest.approx(neuron.pre_activation(Xp).max(),
                                       rel=1e-12)
    np.testing.assert_allclose(
        sweep.pre_activation_many(Wd, Bd, Xp), Wd @ Xp.T + Bd[:, None])


def test_train_many_equals_repeated_steps():
    W2, B2, hist = sweep.train_many(W, B, X, Y, 0.05, 5, "huber")
    for k in range(M):
        neuron = Neuron(W[k], B[k])
        for t in range(5):
            assert hist[t, k] == pytest.approx(
                neuron.loss_and_grads(X, Y, "huber")[0], rel=1e-12)
            neuron = neuron.step(X, Y, 0.05, "huber")
        np.testing.assert_allclose(W2[k], neuron.w, rtol=1e-12, atol=1e-15)


def test_overflow_is_an_error_not_a_nan():
    with pytest.raises(OverflowError, match="mse loss overflowed"):
        sweep.loss_and_grads_many([[1.0]], [0.0], [[1e200]], [0.0])
    # train_many checks once, at the end: still an error, never a NaN
    with pytest.raises(OverflowError, match="overflowed"):
        sweep.train_many([[1.0]], [0.0], [[1e200]], [0.0], 1.0, 3)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: sweep.step_many(W, B[:3], X, Y, 0.1),
         "W has 17 row.*B has 3"),
        (lambda: sweep.step_many(W[0], B, X, Y, 0.1), "W must have 2"),
        (lambda: sweep.step_many(W, B, X[:, :2], Y, 0.1),
         r"X has shape \(6, 2\); expected"),
        (lambda: sweep.step_many(W, B, XM[:3], Y, 0.1),
         r"X has shape \(3, 6, 3\)"),
        (lambda: sweep.step_many(W, B, X[0], Y, 0.1), "X has shape"),
        (lambda: sweep.step_many(W, B, X, Y[:2], 0.1), "y has shape"),
        (lambda: sweep.step_many(W, B, X, Y, 0.0), "lr .* must be a pos"),
        (lambda: sweep.step_many(W, B, X, Y, -LR), "17 of its entries"),
        (lambda: sweep.step_many(W, B, X, Y, LR[:2]), "lr has shape"),
        (lambda: sweep.step_many(W, B, X, Y, 0.1, "l2"), "unknown loss"),
        (lambda: sweep.step_many(W * np.nan, B, X, Y, 0.1), "W holds"),
        (lambda: sweep.is_dead_many(W, B, X[:0]), "no rows"),
        (lambda: sweep.train_many(W, B, X, Y, 0.1, -2), "num_steps"),
        (lambda: sweep.is_dead_many(W[:, :0], B, X), "at least one col"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_per_neuron_slopes_equal_loop():
    slopes = np.linspace(0.0, 0.5, M)
    W2, B2 = sweep.step_many(W, B, X, Y, LR, "mse", slopes)
    for k in range(M):
        new = Neuron(W[k], B[k], slopes[k]).step(X, Y, LR[k])
        np.testing.assert_allclose(W2[k], new.w, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="slope has shape"):
        sweep.step_many(W, B, X, Y, 0.1, "mse", slopes[:2])
    with pytest.raises(ValueError, match=r"slope must be in \[0, 1\)"):
        sweep.step_many(W, B, X, Y, 0.1, "mse", 1.5)


# --- sgd_many: online SGD on mini-batches for many neurons at once ---

def _sgd_data():
    gen = np.random.default_rng(5)
    X = gen.normal(size=(40, 3))
    y = np.maximum(X @ [0.8, 0.5, -0.4] + 0.2, 0)
    return X, y


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
@pytest.mark.parametrize("slope", [0.0, 0.1])
def test_sgd_many_one_neuron_equals_train(loss, slope):
    from relu_notes.neuron import train

    X, y = _sgd_data()
    n0 = Neuron([-2.0, 0.5, 0.3], 0.4, slope=slope)
    ref, _ = train(n0, X, y, 0.05, 300, loss=loss, batch_size=7, rng=11)
    W, B, hist = sweep.sgd_many(n0.w[None], [n0.b], X, y, 0.05, 300, 7,
                                rng=11, loss=loss, slope=slope)
    np.testing.assert_allclose(W[0], ref.w, rtol=1e-12, atol=1e-12)
    assert abs(B[0] - ref.b) < 1e-12
    assert hist["db"].shape == hist["active"].shape == (300, 1)
    assert hist["active"][-1, 0] == ref.active_fraction(X)


def test_sgd_many_streams_share_batches():
    """Neurons on one stream see the same batches as a lone neuron with
    that stream's draws; different streams differ."""
    X, y = _sgd_data()
    w0 = np.array([[0.5, 0.5, -0.5], [0.4, 0.6, -0.2]])
    W, B, _ = sweep.sgd_many(w0, [0.1, 0.2], X, y, 0.05, 50, 5, rng=3,
                             stream=[0, 0])
    for k in range(2):
        Wk, Bk, _ = sweep.sgd_many(w0[k:k + 1], [[0.1, 0.2][k]], X, y,
                                   0.05, 50, 5, rng=3)
        np.testing.assert_allclose(W[k], Wk[0], rtol=1e-12, atol=1e-12)
    W2, _, _ = sweep.sgd_many(w0[[0, 0]], [0.1, 0.1], X, y, 0.05, 50, 5,
                              rng=3)  # own streams: different batches
    assert not np.allclose(W2[0], W2[1])


def test_sgd_many_dead_neuron_exactly_unchanged():
    X, y = _sgd_data()
    X = np.abs(X)
    W, B, hist = sweep.sgd_many([[-1.0, -1.0, -1.0]], [-0.5], X, y, 0.1,
                                100, 10, rng=0)
    assert np.array_equal(W, [[-1.0, -1.0, -1.0]]) and B[0] == -0.5
    assert np.all(hist["db"] == 0) and np.all(hist["active"] == 0)


@pytest.mark.parametrize(
    "kwargs, match",
    [({"batch_size": 0}, "batch_size"),
     ({"batch_size": 41}, "batch_size"),
     ({"lr": -0.1}, "lr"),
     ({"num_steps": -1}, "num_steps"),
     ({"stream": [0, 1, 2]}, "stream"),
     ({"stream": [-1, 0]}, "stream"),
     ({"stream": [0.0, 1.0]}, "stream"),
     ({"loss": "hinge"}, "hinge"),
     ({"y": np.zeros((2, 40))}, "shared targets")],
)
def test_sgd_many_bad_input(kwargs, match):
    X, y = _sgd_data()
    args = {"W": np.zeros((2, 3)), "B": np.zeros(2), "X": X, "y": y,
            "lr": 0.1, "num_steps": 5, "batch_size": 4}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        sweep.sgd_many(**args)
