"""relu_notes.data: distributions, seeding, outliers, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes import data
from relu_notes.neuron import Neuron


def test_kinds_have_the_stated_sign_structure():
    Xn = data.ordinary_inputs(4000, 2, "nonnegative", rng=0)
    Xc = data.ordinary_inputs(4000, 2, "counts", rng=0)
    Xz = data.ordinary_inputs(4000, 2, "zero_mean", rng=0)
    assert Xn.shape == (4000, 2) and np.all(Xn > 0)
    assert np.median(Xn) == pytest.approx(1.0, abs=0.05)
    assert np.all(Xc >= 0) and np.all(Xc == np.round(Xc))
    assert Xc.mean() == pytest.approx(3.0, abs=0.1)
    assert abs(Xz.mean()) < 0.05 and Xz.std() == pytest.approx(1, abs=0.05)


def test_seeding_is_reproducible():
    a = data.make_data(5, [1.0, -1.0], 0.1, noise=0.1, rng=7)
    b = data.make_data(5, [1.0, -1.0], 0.1, noise=0.1, rng=7)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    gen = np.random.default_rng(1)
    assert not np.array_equal(data.ordinary_inputs(3, 1, rng=gen),
                              data.ordinary_inputs(3, 1, rng=gen))


def test_teacher_targets():
    X = data.ordinary_inputs(10, 3, "zero_mean", rng=2)
    y = data.teacher_targets(X, [1.0, 0.5, -0.2], 0.1)
    np.testing.assert_array_equal(
        y, Neuron([1.0, 0.5, -0.2], 0.1).forward(X))


def test_outliers():
    X = np.ones((3, 2))
    Xo = data.with_outlier(X, 1, 0, 1e6)
    assert Xo[1, 0] == 1e6 and X[1, 0] == 1.0 and Xo.sum() == 1e6 + 5
    E = data.outlier_example([1.0, 2.0], 1, [10.0, 100.0])
    np.testing.assert_array_equal(E, [[1.0, 10.0], [1.0, 100.0]])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: data.ordinary_inputs(0, 2), "n must be an integer >= 1"),
        (lambda: data.ordinary_inputs(2, 1.5), "d must be an integer"),
        (lambda: data.ordinary_inputs(2, 2, "prices"),
         "unknown input kind 'prices'; valid"),
        (lambda: data.teacher_targets(np.ones((2, 2)), [1.0], 0.0),
         "X has 2 column"),
        (lambda: data.teacher_targets(np.ones((2, 1)), [1.0], 0.0, -1.0),
         "noise must be a finite number >= 0"),
        (lambda: data.with_outlier(np.ones((2, 2)), 5, 0, 1.0),
         "row 5 is not a whole number in range"),
        (lambda: data.with_outlier(np.ones((2, 2)), 0, 2, 1.0),
         "feature 2 is not a whole number in range"),
        (lambda: data.with_outlier(np.ones((2, 2)), 0, 0, np.inf),
         "value must be finite"),
        (lambda: data.outlier_example([1.0], 3, [1.0]), "feature 3"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()

