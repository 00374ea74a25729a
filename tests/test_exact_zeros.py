"""Exact zeros: ``z == 0`` on a row, at the threshold of every "is it
dead?" question, and in the vectorised-versus-loop comparisons.

A ReLU's derivative at exactly 0 is a convention (0 here), and "dead"
means ``z <= 0`` on every row, so every comparison with 0 in the package
must be ``> 0`` or ``<= 0``, never ``>= 0`` or ``< 0``. Random continuous
data never hit 0, so these tests use integer-valued data and parameters,
for which ``X @ w + b`` is exact and lands on 0 often. The expected values
are written down by hand (or computed by plain Python loops over rows),
not by calling the code under test a second time.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from relu_notes import activations as act
from relu_notes import diagnostics, losses, sweep, theory
from relu_notes.explorer import OutlierExplorer, Setup
from relu_notes.mlp import MLP
from relu_notes.neuron import Neuron, fit, train
from relu_notes.optim import SGD
from relu_notes.train import train as train_mlp
from relu_notes.train import train_stacked

# integer data: z = X @ w + b is exact
XI = np.array([[1.0, 2.0], [2.0, 1.0], [0.0, 0.0], [3.0, 0.0]])
YI = np.array([1.0, 0.0, 2.0, -1.0])


# -- activations at 0 ---------------------------------------------------------
@pytest.mark.parametrize("slope", [0.01, 0.25, 0.0, 0.5])
def test_leaky_relu_at_zero_uses_the_slope(slope):
    assert act.leaky_relu_grad(0.0, slope=slope) == slope
    assert act.leaky_relu_grad(-0.0, slope=slope) == slope
    assert act.leaky_relu(0.0, slope=slope) == 0.0
    np.testing.assert_array_equal(
        act.leaky_relu_grad([-2, 0, 3], slope=slope), [slope, slope, 1.0])


def test_default_leaky_slope_at_zero():
    assert act.leaky_relu_grad(0) == 0.01


def test_relu_and_friends_at_zero():
    assert act.relu_grad(0) == 0.0
    assert act.relu_grad(-0.0) == 0.0
    assert act.relu(0) == 0.0
    np.testing.assert_array_equal(act.relu_grad([-1, 0, 1]), [0, 0, 1])
    assert act.elu_grad(0.0, alpha=0.5) == 0.5  # alpha * exp(0)
    assert act.elu(0.0, alpha=3.0) == 0.0
    assert act.gelu(0.0) == 0.0
    assert act.gelu_grad(0.0) == 0.5  # Phi(0) + 0
    assert act.sigmoid(0.0) == 0.5
    assert act.sigmoid_grad(0.0) == 0.25
    assert act.tanh_grad(0.0) == 1.0
    # one step to either side: the one-sided slopes, by hand
    assert act.relu_grad(5e-324) == 1.0
    assert act.relu_grad(-5e-324) == 0.0


# integer arrays that always contain 0
int_arrays = hnp.arrays(
    np.int64, hnp.array_shapes(min_dims=1, max_dims=2, max_side=6),
    elements=st.integers(-3, 3),
).map(lambda a: np.append(a.ravel(), 0).reshape(-1))


@settings(max_examples=60, deadline=None)
@given(a=int_arrays, slope=st.sampled_from([0.0, 0.01, 0.125, 0.5]))
def test_relu_family_on_integer_arrays(a, slope):
    # oracle: a plain loop over the entries with the stated convention
    relu_d = [1.0 if v > 0 else 0.0 for v in a.tolist()]
    leaky_d = [1.0 if v > 0 else slope for v in a.tolist()]
    leaky = [v if v > 0 else slope * v for v in a.tolist()]
    np.testing.assert_array_equal(act.relu_grad(a), relu_d)
    np.testing.assert_array_equal(act.leaky_relu_grad(a, slope), leaky_d)
    np.testing.assert_array_equal(act.leaky_relu(a, slope), leaky)
    np.testing.assert_array_equal(act.relu(a), [max(v, 0) for v in a])


# -- losses at 0 and at the Huber kink ----------------------------------------
def test_loss_gradients_by_hand():
    r = [-3.0, -1.0, -0.5, 0.0, 0.25, 1.0, 2.0]
    np.testing.assert_array_equal(losses.mae_grad(r),
                                  [-1, -1, -1, 0, 1, 1, 1])
    np.testing.assert_array_equal(losses.huber_grad(r),
                                  [-1, -1, -0.5, 0, 0.25, 1, 1])
    np.testing.assert_array_equal(losses.huber_grad([-5.0, 1.5, 3.0], 2.0),
                                  [-2.0, 1.5, 2.0])
    np.testing.assert_array_equal(losses.mse_grad([-1.5, 0.0, 2.0]),
                                  [-3.0, 0.0, 4.0])
    # values at the kink |r| = delta: both branches give delta^2 / 2
    assert losses.huber(2.0, delta=2.0) == 2.0
    assert losses.huber(-1.0) == 0.5
    assert losses.huber(3.0, delta=2.0) == 4.0  # 2 * (3 - 1)
    assert losses.mae(-2.5) == 2.5 and losses.mae(0.0) == 0.0


@settings(max_examples=60, deadline=None)
@given(r=st.floats(-50, 50).filter(lambda v: abs(v) > 1e-3
                                   and abs(abs(v) - 1.5) > 1e-3))
def test_loss_gradients_against_finite_differences(r):
    # the oracle is the loss itself, differenced; away from the kinks
    h = 1e-6
    for name, kw in (("mse", {}), ("mae", {}), ("huber", {"delta": 1.5})):
        f, df = losses.get(name)
        num = (float(f(r + h, **kw)) - float(f(r - h, **kw))) / (2 * h)
        assert float(df(r, **kw)) == pytest.approx(num, rel=1e-6, abs=1e-6)


# -- one neuron: a row with z == 0 ---------------------------------------
def test_neuron_with_z_exactly_zero_on_a_row():
    # z = x0 - x1 + 0 -> [-1, 1, 0, 3]; then shift the bias by -1
    n = Neuron([1.0, -1.0], 0.0)
    np.testing.assert_array_equal(n.pre_activation(XI), [-1, 1, 0, 3])
    assert n.active_fraction(XI) == 0.5  # rows 1 and 3; z == 0 is off
    np.testing.assert_array_equal(n.forward(XI), [0, 1, 0, 3])
    edge = Neuron([1.0, -1.0], -3.0)  # z = [-4, -2, -3, 0]: max is 0
    assert edge.is_dead(XI)
    assert edge.active_fraction(XI) == 0.0
    alive = Neuron([1.0, -1.0], -2.0)  # z = [-3, -1, -2, 1]
    assert not alive.is_dead(XI) and alive.active_fraction(XI) == 0.25


def test_a_row_at_z_zero_passes_no_gradient():
    # z = [0, 0, ...]: one row at z == 0 and target above the output
    n = Neuron([1.0, -1.0], -3.0)  # z = [-4, -2, -3, 0]
    for loss in losses.LOSSES:
        _, dw, db = n.loss_and_grads(XI, YI, loss)
        assert np.all(dw == 0) and db == 0
    # with a leaky slope the z == 0 row counts with the slope:
    # r = out - y = 0 - (-1) = 1 on row 3, g = 2 r * slope = 0.5
    leaky = Neuron([1.0, -1.0], -3.0, slope=0.25)
    value, dw, db = leaky.loss_and_grads(XI[3:], YI[3:])
    assert value == 1.0 and db == 0.5
    np.testing.assert_array_equal(dw, [1.5, 0.0])  # g * x = 0.5 * (3, 0)


def test_fit_counts_z_zero_as_inactive():
    dead = Neuron([1.0, -1.0], -3.0)
    _, hist = fit(dead, SGD(0.1), XI, YI, 3)
    np.testing.assert_array_equal(hist["active"], 0.0)
    np.testing.assert_array_equal(hist["grad_norm"], 0.0)
    after, hist = train(dead, XI, YI, 0.1, 3)
    assert after.b == -3.0 and np.all(hist["grad_norm"] == 0)


# -- many neurons on integer data: vectorised equals the loop ------------
RNG = np.random.default_rng(5)
WI = RNG.integers(-2, 3, size=(40, 2)).astype(float)
BI = RNG.integers(-3, 4, size=40).astype(float)
XM = RNG.integers(-2, 3, size=(40, 4, 2)).astype(float)
YM = RNG.integers(-1, 2, size=(40, 4)).astype(float)


def test_integer_sweep_hits_zero_often():
    z = WI @ XI.T + BI[:, None]
    assert np.count_nonzero(z == 0) >= 10
    assert np.count_nonzero(z.max(axis=1) == 0) >= 2  # dead at the edge


def _loop_z(w, b, X):
    """z by a plain loop over rows and weights (exact for integers)."""
    return [sum(wi * xi for wi, xi in zip(w, row, strict=True)) + b
            for row in X.tolist()]


def test_dead_and_active_on_integer_data_equal_loops(monkeypatch):
    monkeypatch.setattr(sweep, "_CHUNK", 12)  # several chunks
    dead = sweep.is_dead_many(WI, BI, XI)
    frac = sweep.active_fraction_many(WI, BI, XI)
    zmax = sweep.max_pre_activation_many(WI, BI, XI)
    for k in range(len(WI)):
        z = _loop_z(WI[k], BI[k], XI)
        assert dead[k] == all(v <= 0 for v in z)
        assert frac[k] == sum(v > 0 for v in z) / len(z)
        assert zmax[k] == max(z)
        n = Neuron(WI[k], BI[k])
        assert dead[k] == n.is_dead(XI)
        assert frac[k] == n.active_fraction(XI)


@pytest.mark.parametrize("loss", sorted(losses.LOSSES))
@pytest.mark.parametrize("slope", [0.0, 0.25])
@pytest.mark.parametrize("per_neuron", [False, True])
def test_integer_gradients_equal_the_loop(loss, slope, per_neuron):
    Xs, ys = (XM, YM) if per_neuron else (XI, YI)
    L, dW, dB = sweep.loss_and_grads_many(WI, BI, Xs, ys, loss, slope)
    _, df = losses.get(loss)
    for k in range(len(WI)):
        X = Xs[k] if per_neuron else Xs
        y = ys[k] if per_neuron else ys
        # oracle: the chain rule row by row, with relu'(0) = slope
        gw, gb = np.zeros(2), 0.0
        for row, z, t in zip(X, _loop_z(WI[k], BI[k], X), y, strict=True):
            out = z if z > 0 else slope * z
            g = float(df(out - t)) * (1.0 if z > 0 else slope)
            gw += g * row
            gb += g
        np.testing.assert_allclose(dW[k], gw / len(X), rtol=1e-14,
                                   atol=1e-15)
        assert dB[k] == pytest.approx(gb / len(X), rel=1e-14, abs=1e-15)
        lk, dwk, dbk = Neuron(WI[k], BI[k], slope).loss_and_grads(X, y, loss)
        assert L[k] == pytest.approx(lk, rel=1e-14)
        np.testing.assert_array_equal(dW[k], dwk)


def test_integer_train_many_equals_repeated_steps():
    W2, B2, hist = sweep.train_many(WI, BI, XI, YI, 0.125, 4, "mae", 0.25)
    for k in range(len(WI)):
        n = Neuron(WI[k], BI[k], 0.25)
        for t in range(4):
            assert hist[t, k] == n.loss_and_grads(XI, YI, "mae")[0]
            n = n.step(XI, YI, 0.125, "mae")
        np.testing.assert_array_equal(W2[k], n.w)
        assert B2[k] == n.b


# -- diagnostics and the network at z == 0 -----------------------------------
def test_dead_mask_threshold_is_inclusive():
    A = np.array([[0.0, 1.0, -1.0], [0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(diagnostics.dead_mask(A),
                                  [True, False, False])
    np.testing.assert_array_equal(diagnostics.activation_rate(A),
                                  [0.0, 0.5, 0.5])
    np.testing.assert_array_equal(diagnostics.dead_mask(A, 1.0),
                                  [True, True, False])
    assert diagnostics.dead_fraction_per_layer([A, -A]).tolist() == [
        1 / 3, 2 / 3]


def _edge_net():
    # hidden unit 0: z = x0 - x1 (0 on row 2, >0 on rows 1 and 3)
    # hidden unit 1: z = x0 - x1 - 3 (max exactly 0 on row 3): dead
    # hidden unit 2: z = 0 on every row: dead
    W0 = np.array([[1.0, 1.0, 0.0], [-1.0, -1.0, 0.0]])
    b0 = np.array([0.0, -3.0, 0.0])
    return MLP.from_params([W0, np.ones((3, 1))], [b0, np.zeros(1)])


def test_mlp_dead_units_at_z_zero():
    net = _edge_net()
    np.testing.assert_array_equal(net.dead_units(XI)[0],
                                  [False, True, True])
    # the z == 0 units get exactly zero gradient
    _, grads = net.loss_and_grads(XI, YI)
    assert np.all(grads[0][0][:, 1:] == 0) and np.all(grads[0][1][1:] == 0)
    assert grads[0][1][0] != 0


def test_training_records_z_zero_units_as_dead():
    # a learning rate small enough that one step cannot lift a unit
    h = train_mlp(_edge_net(), XI, YI, SGD(1e-3), num_epochs=1,
                  batch_size=4, record_every=1)
    np.testing.assert_array_equal(h.dead_fraction[:, 0], 2 / 3)
    [hs, _] = train_stacked([_edge_net(), _edge_net()], np.stack([XI, XI]),
                            np.stack([YI, YI]), SGD(1e-3), seeds=[0, 1],
                            num_epochs=1, batch_size=4, record_every=1)
    np.testing.assert_array_equal(hs.dead_fraction, h.dead_fraction)


def test_explorer_state_at_z_zero():
    n = Neuron([1.0, -1.0], -3.0)  # z = [-4, -2, -3, 0] on XI
    ex = OutlierExplorer({"k": Setup(n, XI, XI[0], 0.0)})
    st = ex.state(1.0, 1e-9, "mse")  # a negligible step on an off row
    assert st.active_before == 0.0
    assert st.dead


def test_first_dead_layer_with_z_exactly_zero():
    # zero input and zero biases: every z is exactly 0, so every network
    # is dead at its first layer
    first = theory.first_dead_layer(2, 3, [[0.0]], 50, seed=0)
    np.testing.assert_array_equal(first, 1)


def test_outlier_step_that_lands_exactly_on_zero():
    # w = 1, b = 0, rows x = 0 and 2; outlier x_o = 1.5 with target 0 and
    # the MAE loss (g = 1), lr = 0.5: w' = 0.25, b' = -0.5, so
    # z'(2) = 0.5 - 0.5 = 0 exactly: dead
    from relu_notes import outlier

    n = Neuron([1.0], 0.0)
    X = np.array([[0.0], [2.0]])
    z_after = outlier.pre_activation_after(n, X, [1.5], 0.0, 0.5, "mae")
    np.testing.assert_array_equal(z_after, [-0.5, 0.0])
    dead = outlier.dead_after_steps(n, X, [1.0], 0.0, 0, [1.4, 1.5, 1.6],
                                    0.5, "mae")
    np.testing.assert_array_equal(dead, [False, True, True])
    # bias part only: z' = z - lr * g = [0, 2] - 2 = [-2, 0] whatever the
    # size, so every size kills and the smallest one is returned
    crit = outlier.critical_size(n, X, [1.0], 0.0, 0, [2.0, 1.5], "mae",
                                 part="bias", bounds=(0.5, 100.0))
    np.testing.assert_array_equal(crit, [0.5, np.inf])
