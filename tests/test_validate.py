"""Unit tests for the shared input checks in relu_notes._validate."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes._validate import (
    as_finite_array,
    as_float_array,
    check_batch_size,
    check_choice,
    check_count,
    check_positive,
)


def test_as_float_array_converts_and_rejects():
    assert as_float_array([1, 2]).dtype == np.float64
    with pytest.raises(ValueError, match="x must be a real number"):
        as_float_array(["a"])


def test_as_finite_array_counts_bad_values_and_checks_ndim():
    with pytest.raises(ValueError, match="X holds 2 NaN or infinite"):
        as_finite_array([[np.nan, 1.0], [np.inf, 2.0]], "X")
    with pytest.raises(ValueError, match="must have 2 dimension"):
        as_finite_array([1.0, 2.0], "X", ndim=2)


@pytest.mark.parametrize("good", [0, 3, 5.0, np.int64(7)])
def test_check_count_accepts_whole_numbers(good):
    assert check_count(good, "num_steps") == int(good)


@pytest.mark.parametrize("bad", [-1, 1.5, True, "ten", None, np.nan, np.inf])
def test_check_count_rejects(bad):
    with pytest.raises(ValueError, match="num_steps must be an integer >= 0"):
        check_count(bad, "num_steps")


@pytest.mark.parametrize("bad", [0, 11, 2.5, False, "4", None])
def test_check_batch_size_rejects(bad):
    with pytest.raises(ValueError, match=r"batch_size .* \[1, 10\]"):
        check_batch_size(bad, 10)


def test_check_batch_size_accepts():
    assert check_batch_size(10, 10) == 10
    assert check_batch_size(1.0, 10) == 1


@pytest.mark.parametrize("bad", [0, -1e-3, np.nan, np.inf, "x", None])
def test_check_positive_rejects(bad):
    with pytest.raises(ValueError, match="lr must be a positive number"):
        check_positive(bad, "lr")


def test_check_choice_lists_valid_names():
    with pytest.raises(ValueError, match="unknown loss 'l2'; valid: 'a', 'b'"):
        check_choice("l2", "loss", ("a", "b"))
