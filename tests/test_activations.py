"""Unit tests for relu_notes.activations."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from relu_notes import activations as act
from relu_notes.gradcheck import central_difference

NAMES = list(act.ACTIVATIONS)
finite = st.floats(-30, 30, allow_nan=False, allow_infinity=False)


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


CLOSED_FORMS = {
    "relu": lambda x: max(0.0, x),
    "leaky_relu": lambda x: x if x > 0 else 0.01 * x,
    "elu": lambda x: x if x > 0 else math.expm1(x),
    "gelu": lambda x: x * _phi(x),
    "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)),
    "tanh": math.tanh,
}


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=200, deadline=None)
@given(x=finite)
def test_closed_form(name, x):
    f, _ = act.get(name)
    assert float(f(x)) == pytest.approx(CLOSED_FORMS[name](x), rel=1e-12,
                                        abs=1e-14)


@pytest.mark.parametrize("name", NAMES)
def test_derivative_matches_finite_difference(name):
    f, df = act.get(name)
    # many points, none within h of a kink at 0
    x = np.linspace(-8, 8, 4001)
    x = x[np.abs(x) > 1e-3]
    num = central_difference(f, x, h=1e-6)
    np.testing.assert_allclose(df(x), num, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=100, deadline=None)
@given(x=finite.filter(lambda v: abs(v) > 1e-4))
def test_derivative_matches_finite_difference_random(name, x):
    f, df = act.get(name)
    num = central_difference(f, np.array([x]), h=1e-7)
    # rounding in f(x +- h) limits the difference to ~eps |f| / h
    floor = 1e-8 * max(1.0, abs(float(f(x))))
    assert float(df(x)) == pytest.approx(float(num[0]), rel=1e-5,
                                         abs=floor)


_GELU_ROOT = -0.7517915  # gelu'(x) = 0 here: compare away from it

#: Each derivative by an independent formula of the math module.
DERIVATIVES = {
    "relu": lambda x: 1.0 if x > 0 else 0.0,
    "leaky_relu": lambda x: 1.0 if x > 0 else 0.01,
    "elu": lambda x: 1.0 if x > 0 else math.exp(x),
    "gelu": lambda x: (0.5 * math.erfc(-x / math.sqrt(2.0))
                       + x * math.exp(-0.5 * x * x)
                       / math.sqrt(2.0 * math.pi)),
    # sigmoid'(x) = 1 / (4 cosh(x/2)^2), tanh'(x) = 1 / cosh(x)^2
    "sigmoid": lambda x: 0.25 / math.cosh(0.5 * x) ** 2,
    "tanh": lambda x: 1.0 / math.cosh(x) ** 2,
}


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=200, deadline=None)
@given(x=st.floats(-350, 350).filter(
    lambda v: abs(v - _GELU_ROOT) > 1e-3))
def test_derivative_in_the_tails_to_relative_accuracy(name, x):
    """Relative tolerance everywhere: in the tails of sigmoid and tanh the
    derivative is as small as 1e-300, and an absolute tolerance would
    accept 0 (which 1 - tanh(x)**2 gives from |x| near 19)."""
    _, df = act.get(name)
    expected = DERIVATIVES[name](x)
    rel = 1e-9 if name == "gelu" else 1e-12
    tiny = 1e-290 if name == "gelu" else 0.0  # gelu' is subnormal < -37
    assert float(df(x)) == pytest.approx(expected, rel=rel, abs=tiny)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=40, deadline=None)
@given(a=hnp.arrays(np.float64, hnp.array_shapes(max_dims=3, max_side=5),
                    elements=st.floats(-1e6, 1e6)))
def test_arrays_equal_entry_by_entry(name, a):
    for fn in act.get(name):
        out = fn(a)
        assert out.shape == a.shape
        for idx in np.ndindex(a.shape):
            assert out[idx] == fn(a[idx])


def test_relu_grad_at_zero_is_zero_by_convention():
    assert act.relu_grad(0) == 0.0
    assert act.relu_grad(-0.0) == 0.0
    # the central difference at the kink gives the average slope 1/2
    assert float(central_difference(act.relu, 0.0)) == pytest.approx(0.5)


def test_sigmoid_grad_is_at_most_a_quarter():
    x = np.linspace(-20, 20, 100001)
    assert act.sigmoid_grad(x).max() == pytest.approx(0.25)
    assert act.sigmoid_grad(x).max() <= 0.25


def test_keyword_parameters():
    assert act.leaky_relu(-2.0, slope=0.1) == pytest.approx(-0.2)
    assert act.leaky_relu_grad(-2.0, slope=0.1) == pytest.approx(0.1)
    assert act.elu(-1.0, alpha=2.0) == pytest.approx(2.0 * math.expm1(-1))
    assert act.elu_grad(-1.0, alpha=2.0) == pytest.approx(2.0 * math.exp(-1))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "x", [1.5, 2, True, np.float32(0.5), [1.0, -2.0], np.ones((3, 4), int)]
)
def test_shape_and_dtype(name, x):
    for fn in act.get(name):
        y = fn(x)
        assert isinstance(y, np.ndarray)
        assert y.dtype == np.float64
        assert y.shape == np.shape(x)


@pytest.mark.parametrize("name", NAMES)
def test_does_not_modify_input(name):
    x = np.array([-1.0, 0.0, 2.0])
    for fn in act.get(name):
        fn(x)
    np.testing.assert_array_equal(x, [-1.0, 0.0, 2.0])


LIMITS = {
    # name: (f(-inf), f(inf), f'(-inf), f'(inf))
    "relu": (0.0, math.inf, 0.0, 1.0),
    "leaky_relu": (-math.inf, math.inf, 0.01, 1.0),
    "elu": (-1.0, math.inf, 0.0, 1.0),
    "gelu": (0.0, math.inf, 0.0, 1.0),
    "sigmoid": (0.0, 1.0, 0.0, 0.0),
    "tanh": (-1.0, 1.0, 0.0, 0.0),
}


@pytest.mark.parametrize("name", NAMES)
def test_infinities_give_the_limits_without_warnings(name):
    f, df = act.get(name)
    x = np.array([-np.inf, np.inf, -1e300, 1e300, -800.0, 800.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y, dy = f(x), df(x)
    lo, hi, dlo, dhi = LIMITS[name]
    assert y[0] == lo and y[1] == hi
    assert dy[0] == dlo and dy[1] == dhi
    assert np.all(np.isfinite(dy))


@pytest.mark.parametrize("name", NAMES)
def test_nan_propagates(name):
    for fn in act.get(name):
        y = fn(np.array([np.nan, 1.0]))
        assert np.isnan(y[0]) and not np.isnan(y[1])


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad", ["1.0", None, [1, "a"], 1 + 2j, object()])
def test_non_numeric_input_raises(name, bad):
    for fn in act.get(name):
        with pytest.raises(ValueError, match="real number"):
            fn(bad)


def test_ragged_input_raises():
    with pytest.raises(ValueError, match="real number"):
        act.relu([[1.0, 2.0], [3.0]])


def test_unknown_activation_lists_valid_names():
    with pytest.raises(ValueError, match="'relu'.*'tanh'"):
        act.get("swish")


def test_gelu_tails_are_accurate():
    # Phi in the left tail through erfc: relative accuracy, not absolute
    for x in (-3.0, -6.0, -10.0, -20.0):
        expected = x * 0.5 * math.erfc(-x / math.sqrt(2.0))
        assert float(act.gelu(x)) == pytest.approx(expected, rel=1e-11)


def test_erf_matches_math_erf():
    a = np.linspace(0, 27, 20001)
    erf, erfc = act._erf_erfc(a)
    np.testing.assert_allclose(erf, [math.erf(v) for v in a], atol=2e-15)
    ref = np.array([math.erfc(v) for v in a])
    ok = ref > 1e-300
    np.testing.assert_allclose(erfc[ok], ref[ok], rtol=1e-11)
