"""Tests for relu_notes.diamond_experiments."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from relu_notes.diamond_experiments import (
    DiamondSetup,
    far_rows,
    prepare_diamonds,
    run_diamonds,
    trace_deaths,
)
from relu_notes.realdata import load_diamonds

SMALL = DiamondSetup(n_train=200, n_val=100, num_epochs=1, hidden=(8,))


def test_far_rows_are_the_three_oversized_dimensions():
    far = far_rows()
    X = load_diamonds().X
    assert far.tolist() == [24067, 48410, 49189]
    assert sorted(X[far][:, 6:9].max(axis=1).tolist()) == [31.8, 31.8, 58.9]


def test_split_and_target():
    net, X, y, X_val, y_val, rows = prepare_diamonds(SMALL, 3)
    assert X.shape == (200, 9) and X_val.shape == (100, 9)
    assert rows[-3:].tolist() == far_rows().tolist()
    assert abs(y.mean()) < 1e-12 and abs(y.std() - 1) < 1e-12
    no_far = prepare_diamonds(replace(SMALL, include_far=False), 3)[5]
    assert not np.isin(no_far, far_rows()).any()
    d = load_diamonds()
    np.testing.assert_allclose(
        y * np.log(d.y[rows]).std() + np.log(d.y[rows]).mean(),
        np.log(d.y[rows]))


def test_step_size_is_the_norm_of_the_parameter_change():
    t = trace_deaths(replace(SMALL, num_epochs=1, batch_size=200), [0])
    net = prepare_diamonds(SMALL, 0)[0]
    p0 = np.concatenate([w.ravel() for w in net.weights + net.biases])
    n = t.summary.networks[0]
    p1 = np.concatenate([w.ravel() for w in n.weights + n.biases])
    np.testing.assert_allclose(t.step_size[0, 0], np.linalg.norm(p1 - p0))


def test_runs_and_trace_agree():
    s = run_diamonds(SMALL, [0, 1])
    t = trace_deaths(SMALL, [0, 1])
    np.testing.assert_allclose(t.summary.dead, s.dead)
    assert t.far_in_batch.shape == (2, 7)  # 200 rows in batches of 32
    dead_end = t.died_at >= 0
    np.testing.assert_allclose(dead_end.mean(axis=1), s.dead)
    hits = t.far_in_batch[t.far_in_batch >= 0]
    assert np.isin(hits, far_rows()).all() and hits.size >= 1
    assert t.step_size.shape == (2, 7) and (t.step_size > 0).all()
    with pytest.raises(ValueError, match="plain"):
        trace_deaths(replace(SMALL, norm="batch"), [0])
    r = run_diamonds(replace(SMALL, redo_every=2), [0])
    assert r.histories[0].num_reinitialised >= 0
