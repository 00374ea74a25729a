"""Tests for relu_notes.seedstats.mean_interval."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes.seedstats import mean_interval


def test_interval_holds_the_mean_and_is_deterministic():
    v = np.random.default_rng(0).standard_normal(10)
    m, lo, hi = mean_interval(v)
    assert m == pytest.approx(v.mean())
    assert lo < m < hi
    assert (m, lo, hi) == mean_interval(v)


def test_constant_values_give_a_point():
    assert mean_interval([0.3, 0.3, 0.3]) == (0.3, 0.3, 0.3)


def test_width_shrinks_like_one_over_root_n():
    rng = np.random.default_rng(1)
    small = mean_interval(rng.standard_normal(10))
    large = mean_interval(rng.standard_normal(1000))
    assert (large[2] - large[1]) < 0.25 * (small[2] - small[1])
    # about 2 * 1.96 / sqrt(1000) for a unit normal
    assert large[2] - large[1] == pytest.approx(0.124, rel=0.15)


def test_higher_level_is_wider():
    v = np.arange(12.0)
    a = mean_interval(v, 0.5)
    b = mean_interval(v, 0.99)
    assert b[1] < a[1] and a[2] < b[2]


@pytest.mark.parametrize(
    "args, kw, match",
    [
        (([1.0],), {}, "at least two"),
        (([1.0, np.nan],), {}, "NaN"),
        (([[1.0, 2.0]],), {}, "dimension"),
        (([1.0, 2.0], 1.0), {}, "level"),
        (([1.0, 2.0],), {"num_resamples": 5}, "num_resamples"),
    ],
)
def test_bad_input(args, kw, match):
    with pytest.raises(ValueError, match=match):
        mean_interval(*args, **kw)


def test_interval_text():
    from relu_notes.seedstats import bootstrap_interval, interval_text

    v = [0.1, 0.2, 0.4, 0.3]
    m, lo, hi = bootstrap_interval(np.asarray(v) * 100)
    text = interval_text(v, 100, ".1f")
    assert text == f"{m:.1f}\u00a0[{lo:.1f},\u00a0{hi:.1f}]"
    assert interval_text([np.nan, np.nan]) == "\u2013"
    assert interval_text([-2.0, -3.0], fmt=".0f").startswith("\u22122")
    assert "[\u22123,\u00a0\u22122]" in interval_text([-2.0, -3.0],
                                                       fmt=".0f")


def test_interval_text_of_the_median():
    from relu_notes.seedstats import interval_text

    # the median of 1, 2, 100 is 2: far from the mean, 34.3
    assert interval_text([1.0, 2.0, 100.0], fmt=".0f",
                         statistic="median").startswith("2\u00a0[")
    assert interval_text([1.0, 2.0, 100.0], fmt=".0f").startswith(
        "34\u00a0[")
    with pytest.raises(ValueError, match="statistic"):
        interval_text([1.0, 2.0], statistic="mode")


def test_format_interval():
    from relu_notes.seedstats import format_interval

    assert format_interval((0.5, 0.25, 0.75), ".0f", 100) == (
        "50\u00a0[25,\u00a075]")
    assert format_interval((np.nan, np.nan, np.nan)) == "\u2013"
    with pytest.raises(ValueError, match="estimate, low, high"):
        format_interval((1.0, 2.0))


def test_format_interval_without_spread_is_one_number():
    from relu_notes.seedstats import format_interval, interval_text

    assert format_interval((0.0, 0.0, 0.0), ".0f") == "0"
    assert interval_text([1.0, 1.0, 1.0], 100, ".1f") == "100.0"
    # equal only after rounding: still one number
    assert format_interval((2.0, 1.96, 2.04), ".1f") == "2.0"
