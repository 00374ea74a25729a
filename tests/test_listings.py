"""Tests for relu_notes.listings and relu_notes.transforms."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes.listings import FEATURES, make_listings, target_function
from relu_notes.transforms import FeatureTransform


def test_shapes_seeds_and_non_negative_heavy_tails():
    a = make_listings(2000, seed=3)
    b = make_listings(2000, seed=3)
    np.testing.assert_array_equal(a.X, b.X)
    assert a.X.shape == (2000, len(FEATURES)) and a.y.shape == (2000,)
    assert np.all(a.X >= 0) and a.outlier_rows.size == 0
    assert not np.array_equal(a.X, make_listings(2000, seed=4).X)
    price, reviews = a.X[:, 0], a.X[:, 1]
    # log-normal price with median near 100; long right tails
    assert 85 < np.median(price) < 115
    assert np.mean(price) > np.median(price)
    assert np.max(reviews) > 10 * np.median(reviews)
    assert np.all(reviews == np.round(reviews))  # counts
    assert np.all(a.X[:, 2] <= 365)


def test_target_is_known_function_plus_noise():
    d = make_listings(3000, seed=0, noise=0.1)
    resid = d.y - target_function(d.X)
    assert abs(np.std(resid) - 0.1) < 0.01
    exact = make_listings(50, seed=0, noise=0.0)
    np.testing.assert_allclose(exact.y, target_function(exact.X))


def test_target_function_by_hand():
    # every term zero except the price term: u = log(2), 0.6u - 0.8(u-.5)
    X = np.array([[200.0, np.e**2.4 - 1, 0.4 * 365, 1.7,
                   np.e**1.3 - 1, 2.5]])
    u = np.log(2.0)
    assert target_function(X)[0] == pytest.approx(0.6 * u - 0.8 * (u - .5))


def test_outliers_are_controlled():
    clean = make_listings(500, seed=1)
    dirty = make_listings(500, seed=1, n_outliers=4,
                          outlier_feature="reviews", outlier_factor=1000.0)
    rows = dirty.outlier_rows
    assert rows.size == 4 and np.all(np.diff(rows) > 0)
    col = FEATURES.index("reviews")
    np.testing.assert_allclose(dirty.X[rows, col], 1000 * clean.X[rows, col])
    other = np.setdiff1d(np.arange(500), rows)
    np.testing.assert_array_equal(dirty.X[other], clean.X[other])
    np.testing.assert_array_equal(np.delete(dirty.X[rows], col, axis=1),
                                  np.delete(clean.X[rows], col, axis=1))
    # the target stays the clean listing's target
    np.testing.assert_array_equal(dirty.y, clean.y)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": 0}, "n must be an integer >= 1"),
        ({"n": 2.5}, "n must be an integer"),
        ({"n": 5, "n_outliers": 6}, "cannot exceed"),
        ({"n": 5, "n_outliers": -1}, "n_outliers"),
        ({"n": 5, "noise": -0.1}, "noise"),
        ({"n": 5, "outlier_feature": "rating"}, "valid: 'price'"),
        ({"n": 5, "outlier_factor": 0.0}, "outlier_factor"),
    ],
)
def test_bad_generator_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_listings(**kwargs)


def test_target_function_bad_input():
    with pytest.raises(ValueError, match="6 columns"):
        target_function(np.ones((2, 3)))
    with pytest.raises(ValueError, match="non-negative"):
        target_function(-np.ones((1, 6)))


def test_zscore_and_log_median_by_hand():
    X = np.array([[1.0, 0.0], [3.0, 3.0], [5.0, 8.0]])
    z = FeatureTransform("zscore").fit_transform(X)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-15)
    np.testing.assert_allclose(z.std(axis=0), 1)
    lm = FeatureTransform("log_median").fit_transform(X)
    np.testing.assert_allclose(lm[:, 1], np.log((1 + X[:, 1]) / 4.0))
    assert lm[1, 0] == 0.0 and lm[1, 1] == 0.0  # the median maps to 0


def test_zscore_of_values_near_the_float64_limit():
    # mean 0, standard deviation sqrt(2/3) 1e300: z = +-sqrt(3/2), 0
    # (the squares overflow; the z-scores must not collapse to 0)
    X = np.array([[1e300, 3.0], [-1e300, 1.0], [0.0, 2.0]])
    tf = FeatureTransform("zscore").fit(X)
    z = tf.transform(X)
    np.testing.assert_allclose(z[:, 0], [1.5**0.5, -(1.5**0.5), 0.0],
                               rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(z[:, 1], z[:, 0] / 1e300 * 1e300)
    assert tf.std_[0] == pytest.approx((2 / 3) ** 0.5 * 1e300, rel=1e-14)
    # a median of two values near the limit does not overflow either
    lm = FeatureTransform("log_median").fit([[1.7e308], [1.5e308]])
    assert lm.median_[0] == pytest.approx(1.6e308, rel=1e-15)


def test_per_column_methods():
    X = np.array([[1.0, 10.0, 7.0], [2.0, 100.0, 8.0], [4.0, 1.0, 9.0]])
    out = FeatureTransform(("zscore", "log_median", "identity")).fit(X)
    T = out.transform(X)
    np.testing.assert_array_equal(T[:, 2], X[:, 2])
    np.testing.assert_allclose(T[:, 1], np.log1p(X[:, 1]) - np.log1p(10))


def test_fitted_on_train_only_and_applied_to_new_data():
    train = make_listings(400, seed=0).X
    new = make_listings(100, seed=1, n_outliers=5).X
    tf = FeatureTransform("zscore").fit(train)
    stats = (tf.mean_.copy(), tf.std_.copy(), tf.median_.copy())
    T = tf.transform(new)
    # transforming new data does not refit
    np.testing.assert_array_equal(tf.mean_, stats[0])
    np.testing.assert_allclose(T, (new - stats[0]) / stats[1])
    # and the new data's own statistics are not the ones used
    assert not np.allclose(T.mean(axis=0), 0, atol=0.05)
    lm = FeatureTransform("log_median").fit(train)
    np.testing.assert_allclose(
        lm.transform(new), np.log((1 + new) / (1 + np.median(train, 0)))
    )


def test_log_median_tames_outliers_zscore_does_not():
    d = make_listings(1000, seed=2, n_outliers=1, outlier_factor=100.0)
    row = d.outlier_rows[0]
    z = FeatureTransform("zscore").fit_transform(d.X)[:, 0]
    lm = FeatureTransform("log_median").fit_transform(d.X)[:, 0]
    assert abs(z[row]) > 20  # about sqrt(n) standard deviations out
    assert abs(lm[row]) < 8  # log(100) plus an ordinary value
    assert np.mean(np.abs(lm) < 1) > 0.85  # mostly in [-1, 1]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: FeatureTransform("minmax"), "valid: 'zscore'"),
        (lambda: FeatureTransform(()), "at least one"),
        (lambda: FeatureTransform().transform([[1.0]]), "call fit"),
        (lambda: FeatureTransform().fit([[1.0], [1.0]]), "constant"),
        (lambda: FeatureTransform().fit([1.0, 2.0]), r"shape \(n, d\)"),
        (lambda: FeatureTransform().fit([[np.nan], [1.0]]), "NaN"),
        (
            lambda: FeatureTransform("log_median").fit([[-2.0], [1.0]]),
            "needs x > -1",
        ),
        (
            lambda: FeatureTransform("log_median").fit([[0.0], [1.0]])
            .transform([[-1.5]]),
            "column 0 holds values <= -1",
        ),
        (
            lambda: FeatureTransform().fit([[0.0], [1.0]])
            .transform([[1.0, 2.0]]),
            "1 columns",
        ),
        (
            lambda: FeatureTransform(("zscore",)).fit([[0.0, 1], [1, 2]]),
            "1 methods given for 2 columns",
        ),
    ],
)
def test_bad_transform_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_repr():
    assert "log_median" in repr(FeatureTransform("log_median"))
