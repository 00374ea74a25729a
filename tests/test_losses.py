"""relu_notes.losses: closed forms, finite differences, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes import losses
from relu_notes.gradcheck import central_difference, relative_error

R = np.array([-3.0, -1.0, -0.4, 0.25, 0.9, 1.5, 7.0])


def test_closed_forms():
    # R = [-3, -1, -0.4, 0.25, 0.9, 1.5, 7], values written out by hand
    np.testing.assert_allclose(losses.mse(R),
                               [9, 1, 0.16, 0.0625, 0.81, 2.25, 49])
    np.testing.assert_allclose(losses.mse_grad(R),
                               [-6, -2, -0.8, 0.5, 1.8, 3, 14])
    np.testing.assert_allclose(losses.mae(R),
                               [3, 1, 0.4, 0.25, 0.9, 1.5, 7])
    np.testing.assert_array_equal(losses.mae_grad(R),
                                  [-1, -1, -1, 1, 1, 1, 1])
    np.testing.assert_allclose(losses.huber(R),
                               [2.5, 0.5, 0.08, 0.03125, 0.405, 1, 6.5])
    np.testing.assert_array_equal(losses.huber_grad(R),
                                  [-1, -1, -0.4, 0.25, 0.9, 1, 1])
    assert losses.huber(3.0, delta=2.0) == pytest.approx(2.0 * (3.0 - 1.0))
    assert losses.huber_grad(-5.0, delta=2.0) == -2.0


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_derivatives_match_finite_differences(name):
    f, df = losses.get(name)
    num = central_difference(f, R)
    assert relative_error(df(R), num) < 1e-6


@pytest.mark.parametrize("name", sorted(losses.LOSSES))
def test_shape_dtype_and_sign_of_the_error(name):
    f, df = losses.get(name)
    r = np.linspace(-2, 2, 12).reshape(3, 4)
    assert f(r).shape == r.shape and f(r).dtype == np.float64
    assert df(r).shape == r.shape
    # the derivative has the sign of the residual: overshoot -> positive
    assert np.all(np.sign(df(r)) == np.sign(r))
    assert f(0.0) == 0.0 and df(0.0) == 0.0


def test_bounded_and_unbounded_gradients():
    huge = 1e12
    assert losses.mse_grad(huge) == 2e12
    assert losses.mae_grad(huge) == 1.0
    assert losses.huber_grad(huge) == 1.0


def test_huge_residual_is_finite_for_bounded_losses():
    assert np.isfinite(losses.mae(1e300))
    assert np.isfinite(losses.huber(1e300))
    assert losses.huber(np.inf) == np.inf


def test_bad_input():
    with pytest.raises(ValueError, match="unknown loss 'l2'; valid"):
        losses.get("l2")
    with pytest.raises(ValueError, match="real"):
        losses.mse("abc")
    with pytest.raises(ValueError, match="delta must be a positive"):
        losses.huber(1.0, delta=0.0)
    with pytest.raises(ValueError, match="delta must be a positive"):
        losses.huber_grad(1.0, delta=-1.0)
