"""Tests for relu_notes.searchlogs: shapes, labels, distributions,
outliers, seeding and bad input."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes import listings
from relu_notes.searchlogs import (
    FEATURES,
    TRANSFORMS,
    SearchLog,
    make_search_logs,
)
from relu_notes.transforms import FeatureTransform


def test_shapes_groups_and_one_booking_per_search():
    log = make_search_logs(30, 12, seed=3)
    assert isinstance(log, SearchLog)
    assert log.X.shape == (360, len(FEATURES))
    assert log.num_searches == 30
    np.testing.assert_array_equal(log.groups, np.repeat(np.arange(30), 12))
    assert set(np.unique(log.booked)) == {0.0, 1.0}
    np.testing.assert_array_equal(
        log.booked.reshape(30, 12).sum(axis=1), np.ones(30)
    )
    assert log.outlier_rows.size == 0


def test_feature_distributions():
    X = make_search_logs(400, 25, seed=0).X
    assert np.all(X >= 0)  # every raw feature is non-negative
    price = X[:, 0]
    assert 80 < np.median(price) < 120
    assert price.max() > 5 * np.median(price)  # heavy right tail
    score = X[:, FEATURES.index("review_score")]
    assert score.min() >= 1.0 and score.max() <= 5.0
    match = X[:, FEATURES.index("match_score")]
    assert abs(np.mean(match) - 50) < 1 and abs(np.std(match) - 10) < 1
    assert abs(np.mean(match) - np.median(match)) < 0.5  # symmetric


def test_booking_follows_the_hidden_preference():
    log = make_search_logs(800, 10, seed=1, temperature=0.3)
    u = log.utility.reshape(-1, 10)
    best = np.argmax(u, axis=1)
    chosen = np.argmax(log.booked.reshape(-1, 10), axis=1)
    assert np.mean(best == chosen) > 0.4  # far above 1 in 10
    cold = make_search_logs(300, 10, seed=1, temperature=1e-9)
    np.testing.assert_array_equal(
        np.argmax(cold.booked.reshape(-1, 10), axis=1),
        np.argmax(cold.utility.reshape(-1, 10), axis=1),
    )


def test_utility_uses_the_listing_target_of_clean_features():
    log = make_search_logs(20, 5, seed=2, n_outliers=4)
    clean = make_search_logs(20, 5, seed=2)
    np.testing.assert_array_equal(log.utility, clean.utility)
    base = clean.X[:, : len(listings.FEATURES)]
    extra = (0.6 * (clean.X[:, 6] - 4.4) + 0.04 * (clean.X[:, 7] - 50.0))
    np.testing.assert_allclose(
        clean.utility, listings.target_function(base) + extra
    )


def test_outliers_replace_the_price_only():
    log = make_search_logs(20, 10, seed=5, n_outliers=3, outlier_price=1e5)
    clean = make_search_logs(20, 10, seed=5)
    assert log.outlier_rows.size == 3
    np.testing.assert_array_equal(log.X[log.outlier_rows, 0], 1e5)
    other = np.delete(np.arange(200), log.outlier_rows)
    np.testing.assert_array_equal(log.X[other], clean.X[other])
    np.testing.assert_array_equal(log.X[:, 1:], clean.X[:, 1:])
    np.testing.assert_array_equal(log.booked, clean.booked)


def test_seeded():
    a = make_search_logs(10, 6, seed=9, n_outliers=2)
    b = make_search_logs(10, 6, seed=9, n_outliers=2)
    c = make_search_logs(10, 6, seed=10, n_outliers=2)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.booked, b.booked)
    assert not np.array_equal(a.X, c.X)


def test_paper_transforms_fit_the_features():
    log = make_search_logs(100, 20, seed=0, n_outliers=2)
    tf = FeatureTransform(TRANSFORMS).fit(log.X)
    Z = tf.transform(np.delete(log.X, log.outlier_rows, axis=0))
    # the bulk lies in [-1, 1] with the medians near 0
    assert np.all(np.abs(np.median(Z, axis=0)) < 0.35)
    assert np.mean(np.abs(Z) <= 1.0) > 0.6
    assert len(TRANSFORMS) == len(FEATURES)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(num_searches=0), "num_searches"),
        (dict(num_searches=3, listings_per_search=1), "listings_per_search"),
        (dict(num_searches=3, temperature=0.0), "temperature"),
        (dict(num_searches=3, listings_per_search=2, n_outliers=7),
         "cannot exceed"),
        (dict(num_searches=3, outlier_price=-1.0), "outlier_price"),
        (dict(num_searches=3, n_outliers=1.5), "n_outliers"),
    ],
)
def test_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_search_logs(**kwargs)
