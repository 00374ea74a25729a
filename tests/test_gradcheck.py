"""Unit tests for relu_notes.gradcheck."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes.gradcheck import (
    central_difference,
    numerical_gradient,
    relative_error,
)


def test_central_difference_of_a_cubic():
    x = np.linspace(-2, 2, 9)
    np.testing.assert_allclose(
        central_difference(lambda t: t**3, x), 3 * x**2, atol=1e-8
    )


def test_numerical_gradient_of_a_quadratic_form():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 4))
    x = rng.normal(size=4)
    grad = numerical_gradient(lambda v: v @ A @ v, x)
    np.testing.assert_allclose(grad, (A + A.T) @ x, rtol=1e-7)


def test_numerical_gradient_leaves_input_unchanged():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    numerical_gradient(lambda v: float(np.sum(v**2)), x)
    np.testing.assert_array_equal(x, [[1.0, 2.0], [3.0, 4.0]])


def test_relative_error():
    assert relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert relative_error([1.0], [1.1]) == pytest.approx(0.1 / 1.1)
    assert relative_error(np.zeros(0), np.zeros(0)) == 0.0


@pytest.mark.parametrize("h", [0, -1e-6, np.nan, "small"])
def test_bad_step_raises(h):
    with pytest.raises(ValueError, match="h must be a positive number"):
        central_difference(np.sin, 1.0, h=h)


def test_non_finite_point_raises():
    with pytest.raises(ValueError, match="NaN or infinite"):
        numerical_gradient(np.sum, [1.0, np.inf])


def test_shape_mismatch_raises():
    with pytest.raises(ValueError, match="shapes differ"):
        relative_error([1.0, 2.0], [1.0])
