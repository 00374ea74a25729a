"""relu_notes.outlier: the formula for z', the critical size, the grid."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes import data, outlier
from relu_notes.neuron import Neuron, train

TEACHER = np.array([0.8, 0.5, -0.4]), 0.2


@pytest.fixture(scope="module")
def settled():
    X, y = data.make_data(150, *TEACHER, kind="nonnegative", noise=0.05,
                          rng=0)
    neuron, _ = train(Neuron([0.1, 0.1, 0.1], 0.1), X, y, 0.1, 400)
    return neuron, X, y


@pytest.mark.parametrize("loss", ["mse", "mae", "huber"])
def test_formula_equals_the_real_step(settled, loss):
    neuron, X, y = settled
    x_o = data.outlier_example(X[0], 0, 250.0)
    new = neuron.step(x_o[None], [y[0]], 0.003, loss)
    z_formula = outlier.pre_activation_after(neuron, X, x_o, y[0], 0.003,
                                             loss)
    np.testing.assert_allclose(z_formula, new.pre_activation(X),
                               rtol=1e-9, atol=1e-9)
    g = outlier.outlier_gradient(neuron, x_o, y[0], loss)
    assert g > 0  # the outlier makes the neuron overshoot


def test_parts_add_up(settled):
    neuron, X, y = settled
    x_o = data.outlier_example(X[0], 0, 40.0)
    z = neuron.pre_activation(X)
    parts = {p: outlier.pre_activation_after(neuron, X, x_o, y[0], 0.01,
                                             part=p) - z
             for p in outlier.PARTS}
    np.testing.assert_allclose(parts["both"],
                               parts["weight"] + parts["bias"])


@pytest.mark.parametrize("loss", ["mse", "mae"])
def test_critical_size_is_the_boundary_of_the_real_grid(settled, loss):
    neuron, X, y = settled
    sizes = np.logspace(0, 5, 40)
    lrs = np.logspace(-4, 0, 30)
    dead = outlier.dead_after_steps(neuron, X, X[0], y[0], 0,
                                    sizes[None, :], lrs[:, None], loss)
    crit = outlier.critical_size(neuron, X, X[0], y[0], 0, lrs, loss)
    np.testing.assert_array_equal(dead, sizes[None, :] >= crit[:, None])
    # the grid equals a loop over Neuron.step
    for i, j in [(0, 0), (5, 20), (29, 39), (12, 33)]:
        x_o = data.outlier_example(X[0], 0, sizes[j])
        n2 = neuron.step(x_o[None], [y[0]], lrs[i], loss)
        assert n2.is_dead(X) == dead[i, j]


def test_bias_alone_kills_only_when_lr_g_exceeds_max_z(settled):
    neuron, X, y = settled
    zmax = neuron.pre_activation(X).max()
    lrs = np.array([0.5 * zmax, 2.0 * zmax])
    crit = outlier.critical_size(neuron, X, X[0], y[0], 0, lrs, "mae",
                                 part="bias")
    # with mae, g = 1: lr * g >= max z decides, whatever the size
    assert crit[0] == np.inf and np.isfinite(crit[1])


def test_bad_input(settled):
    neuron, X, y = settled
    with pytest.raises(ValueError, match="unknown part 'w'"):
        outlier.pre_activation_after(neuron, X, X[0], y[0], 0.1, part="w")
    with pytest.raises(ValueError, match="x_o has shape"):
        outlier.outlier_gradient(neuron, [1.0, 2.0], 0.0)
    with pytest.raises(ValueError, match="lr .* must be positive"):
        outlier.pre_activation_after(neuron, X, X[0], y[0], -0.1)
    with pytest.raises(ValueError, match="bounds must satisfy"):
        outlier.critical_size(neuron, X, X[0], y[0], 0, [0.1],
                              bounds=(10.0, 1.0))
