"""Closed forms of relu_notes.theory against their numerical twins.

Monte Carlo comparisons use a fixed seed and a tolerance of four
standard errors (a fair comparison fails with probability about 6e-5).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from relu_notes import theory
from relu_notes.mlp import MLP


@pytest.mark.parametrize("b", [0.0, 2.5])
def test_narrow_window_closed_form_matches_grid(b):
    w = np.array([-9.0, 4.5, 5.0, 6.9, 12.0, 30.0])
    closed = theory.narrow_window_width(w)
    grid = theory.narrow_window_width_numeric(w, b=b, num=200_001)
    spacing = 8.0 / 200_000
    np.testing.assert_allclose(grid, closed, atol=2 * spacing)


def test_narrow_window_is_empty_below_four():
    np.testing.assert_array_equal(
        theory.narrow_window_width([0.0, 1.0, -3.9, 4.0]), 0.0
    )
    assert theory.narrow_window_width_numeric(3.9) == 0.0


def test_narrow_window_peak():
    w_star, width_star = theory.narrow_window_peak()
    # Nielsen (2015, ch. 5): the width peaks near |w| = 6.9 at about 0.45
    assert w_star == pytest.approx(6.9, abs=0.01)
    assert width_star == pytest.approx(0.45, abs=0.005)
    grid = np.linspace(4.01, 20, 20_000)
    widths = theory.narrow_window_width(grid)
    assert grid[np.argmax(widths)] == pytest.approx(w_star, abs=1e-3)
    assert widths.max() <= width_star + 1e-12


def test_relu_mean_square_formula():
    np.testing.assert_allclose(
        theory.relu_mean_square([1, 2, 11], gain=1.0, q1=3.0),
        [3.0, 1.5, 3.0 / 1024],
    )
    np.testing.assert_allclose(
        theory.relu_mean_square([1, 30], gain=2.0), [1.0, 1.0]
    )


@pytest.mark.parametrize(("init", "gain"), [("lecun", 1.0), ("he", 2.0)])
def test_relu_mean_square_matches_networks(init, gain):
    depth, width, num_nets = 10, 128, 30
    rng = np.random.default_rng(0)
    X = rng.standard_normal((8, width))
    sums = np.zeros(depth)
    for seed in range(num_nets):
        net = MLP([width] * (depth + 1) + [1], init=init, seed=seed)
        pres = net.pre_activations(X)[:-1]
        sums += [np.mean(z**2) for z in pres]
    measured = sums / num_nets
    q1 = gain * np.mean(X**2)
    expected = theory.relu_mean_square(np.arange(1, depth + 1), gain, q1)
    np.testing.assert_allclose(measured, expected, rtol=0.15)


@pytest.mark.parametrize("width", [1, 2, 3, 5])
def test_born_dead_monte_carlo_matches_closed_form(width):
    depth, num_nets = 20, 20_000
    p, se = theory.born_dead_monte_carlo(width, depth, num_nets, seed=1)
    exact = theory.born_dead_probability(width, np.arange(1, depth + 1))
    tol = 4 * np.sqrt(exact * (1 - exact) / num_nets) + 1e-12
    assert np.all(np.abs(p - exact) <= tol)
    assert p.shape == se.shape == (depth,)
    # the standard error of a fraction of num_nets independent draws
    i = depth // 2
    assert se[i] == pytest.approx(math.sqrt(p[i] * (1 - p[i]) / num_nets))


def test_born_dead_closed_form_values():
    assert theory.born_dead_probability(1, 3) == pytest.approx(7 / 8)
    assert theory.born_dead_probability(3, 0) == 0.0
    assert theory.born_dead_probability(50, 10) == pytest.approx(
        10 * 2.0**-50, rel=1e-6
    )
    d = theory.depth_to_die([1, 2, 6])
    p = theory.born_dead_probability([1, 2, 6], d)
    p_before = theory.born_dead_probability([1, 2, 6], d - 1)
    assert np.all(p >= 0.5) and np.all(p_before < 0.5)


def test_zero_bias_networks_are_homogeneous():
    a = theory.first_dead_layer(3, 15, [[1.0]], 500, seed=4)
    b = theory.first_dead_layer(3, 15, [[7.5]], 500, seed=4)
    np.testing.assert_array_equal(a, b)
    # dead on [-1, 1] exactly when dead at -1 and at 1 (same draws, since
    # the same networks die at the same layers)
    X = np.linspace(-1, 1, 21)[:, None]
    whole = theory.first_dead_layer(3, 15, X, 500, seed=4)
    ends = theory.first_dead_layer(3, 15, [[-1.0], [1.0]], 500, seed=4)
    np.testing.assert_array_equal(whole, ends)
    plus = theory.first_dead_layer(3, 15, [[1.0]], 500, seed=4)
    assert np.mean(whole <= 15) <= np.mean(plus <= 15)


@pytest.mark.parametrize(("scale", "width"), [(1.0, 1), (10.0, 1),
                                              (0.3, 2)])
def test_first_dead_layer_with_biases_depends_on_the_weight_scale(
    scale, width
):
    """One layer, inputs +c and -c, biases with standard deviation 1.

    A unit is off on both inputs when ``b <= -|w| c``; with ``w`` normal
    of standard deviation ``s_w = sqrt(2)`` (He, fan-in 1) and ``b``
    standard normal the probability is the angle of that wedge,
    ``arctan(1 / (c s_w)) / pi``, and all ``width`` units (independent)
    must be off. The input's scale ``c`` stands in for the weights'
    scale, which with zero biases would not matter at all.
    """
    num_nets = 20_000
    X = [[scale], [-scale]]
    first = theory.first_dead_layer(width, 1, X, num_nets, seed=3,
                                    bias_std=1.0)
    p_unit = math.atan(1.0 / (scale * math.sqrt(2.0))) / math.pi
    exact = p_unit**width
    measured = np.mean(first == 1)
    assert abs(measured - exact) <= 4 * math.sqrt(
        exact * (1 - exact) / num_nets)
    # zero biases: never dead on inputs of both signs
    assert np.all(theory.first_dead_layer(width, 1, X, 200, seed=3) == 2)


def test_biases_change_the_answer_but_not_the_trend():
    p0, _ = theory.born_dead_monte_carlo(4, 40, 4000, seed=2)
    p1, _ = theory.born_dead_monte_carlo(4, 40, 4000, seed=2, bias_std=0.5)
    assert not np.allclose(p0, p1)
    assert np.all(np.diff(p1) >= 0) and p1[-1] > p1[0]


def test_latch():
    w = 2.0
    a_star = theory.latch_fixed_point(w)
    assert a_star == pytest.approx(w * math.tanh(a_star), rel=1e-14)
    slope = theory.latch_slope(w)
    grads = theory.latch_gradient(w, a_star, 30)
    np.testing.assert_allclose(grads, slope ** np.arange(31), rtol=1e-10)
    # from another start the product approaches the same rate
    far = theory.latch_gradient(w, 0.3, 60)
    assert far[-1] / far[-2] == pytest.approx(slope, rel=1e-8)
    for w in (1.05, 1.5, 3.0, 10.0):
        assert 0 < theory.latch_slope(w) < 1


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: theory.narrow_window_width("x"), "w must be a real"),
        (lambda: theory.narrow_window_width(np.nan), "NaN"),
        (lambda: theory.relu_mean_square(0, 2.0), "depth must hold whole"),
        (lambda: theory.relu_mean_square(1, -1.0), "gain must be"),
        (lambda: theory.born_dead_probability(0, 3), "width must hold"),
        (lambda: theory.depth_to_die(3, p=1.0), "p must be in"),
        (lambda: theory.first_dead_layer(0, 3, [[1.0]], 10), ">= 1"),
        (lambda: theory.first_dead_layer(2, 3, [1.0], 10), "dimension"),
        (
            lambda: theory.first_dead_layer(2, 3, [[1.0]], 10, bias_std=-1),
            "bias_std",
        ),
        (lambda: theory.latch_fixed_point(0.5), "w must be > 1"),
        (lambda: theory.latch_gradient(-1.0, 0.1, 3), "w must be a pos"),
    ],
)
def test_bad_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()
