"""Closed forms behind vanishing gradients, each with a numerical twin.

Explained in Part III, *The broader meaning of vanishing gradients*:

- the sigmoid's narrow window (Nielsen 2015, ch. 5) in the chapter
  *Saturation and the product of derivatives*
  (``chapters/saturation-and-products.ipynb``);
- the scale of signals through ReLU layers (He et al. 2015) in
  *Scale: initialisation* (``chapters/initialisation-and-scale.ipynb``);
- born-dead ReLU networks (Lu et al. 2020) in *Exact zeros: dead units
  and born-dead networks*
  (``chapters/dead-units-and-born-dead-networks.ipynb``);
- the one-neuron latch of Bengio, Simard & Frasconi (1994) in
  *A taxonomy of vanishing gradients*
  (``chapters/a-taxonomy-of-vanishing-gradients.ipynb``).

Every closed form here has a counterpart computed without the formula
(a grid count, a Monte Carlo simulation or an explicit product of
derivatives), and the tests check that the two agree.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relu_notes._validate import (
    as_finite_array,
    check_count,
    check_finite_scalar,
    check_nonnegative,
    check_positive,
)
from relu_notes.activations import sigmoid_grad, tanh

__all__ = [
    "born_dead_monte_carlo",
    "born_dead_probability",
    "depth_to_die",
    "first_dead_layer",
    "latch_fixed_point",
    "latch_gradient",
    "latch_slope",
    "narrow_window_peak",
    "narrow_window_width",
    "narrow_window_width_numeric",
    "relu_mean_square",
]

Array = NDArray[np.float64]


# -- the sigmoid's narrow window ----------------------------------------


def narrow_window_width(w: ArrayLike) -> Array:
    """Width of the set of inputs ``a`` with ``|w * sigmoid'(w a + b)| >= 1``.

    The set is an interval whatever ``b`` is (``b`` only shifts it). With
    ``s = sigmoid(w a + b)`` the condition reads ``s (1 - s) >= 1/|w|``,
    so it is empty for ``|w| < 4`` and otherwise ``s`` lies between the
    roots ``s_pm = (1 +- r) / 2`` with ``r = sqrt(1 - 4/|w|)``. Mapping
    back through the logit gives the width

    ``(2 / |w|) * log(s_plus / s_minus)
    = (2 / |w|) * log(|w| (1 + r) / 2 - 1)``,

    which is the expression of Nielsen (2015, ch. 5, problem on the
    narrow window).

    Parameters
    ----------
    w : array_like
        Weights (any sign).

    Returns
    -------
    ndarray of float64
        The width, 0 where ``|w| <= 4``.
    """
    w = np.abs(as_finite_array(w, "w"))
    safe = np.where(w > 4.0, w, 8.0)  # any value > 4 avoids log(0) and /0
    r = np.sqrt(1.0 - 4.0 / safe)
    width = 2.0 / safe * np.log((1.0 + r) / (1.0 - r))
    return np.where(w > 4.0, width, 0.0)


def narrow_window_width_numeric(
    w: ArrayLike, b: float = 0.0, num: int = 400_001, span: float = 4.0
) -> Array:
    """The narrow window's width measured on a grid, without the formula.

    Counts the grid points ``a`` in ``[-b/w - span, -b/w + span]`` where
    ``|w * sigmoid'(w a + b)| >= 1`` and multiplies by the spacing; the
    error is at most two grid spacings (``4 span / (num - 1)``).
    """
    w = as_finite_array(w, "w")
    b = check_finite_scalar(b, "b")
    num = check_count(num, "num", 3)
    span = check_positive(span, "span")
    a = np.linspace(-span, span, num)
    step = a[1] - a[0]
    w_col = w.reshape(-1, 1)
    # centre the grid on the window, a = -b / w (where w a + b = 0)
    centre = np.where(w_col != 0, -b / np.where(w_col != 0, w_col, 1), 0)
    inside = np.abs(w_col * sigmoid_grad(w_col * (a + centre) + b)) >= 1.0
    return (inside.sum(axis=1) * step).reshape(w.shape)


def narrow_window_peak(tol: float = 1e-10) -> tuple[float, float]:
    """The weight ``|w|`` at which the narrow window is widest, and that
    width, by golden-section search on :func:`narrow_window_width`.

    ``tol`` (> 0) is the width of the final bracket; below about 1e-14
    the bracket cannot shrink further in float64, and the search stops
    after a bounded number of steps with the best bracket it has.

    Returns
    -------
    (w_star, width_star) : tuple of float
    """
    tol = check_positive(tol, "tol")
    lo, hi = 4.0, 20.0
    g = (math.sqrt(5.0) - 1.0) / 2.0

    def width(x: float) -> float:
        return float(narrow_window_width(x))

    c, d = hi - g * (hi - lo), lo + g * (hi - lo)
    # 16 * g**100 is about 1e-19: 100 steps reach any tol float64 can
    for _ in range(100):
        if hi - lo <= tol:
            break
        if width(c) > width(d):
            hi, d = d, c
            c = hi - g * (hi - lo)
        else:
            lo, c = c, d
            d = lo + g * (hi - lo)
    w_star = (lo + hi) / 2.0
    return w_star, width(w_star)


def _whole(x: ArrayLike, name: str, minimum: int) -> Array:
    """``x`` as a float array if every entry is a whole number >=
    ``minimum`` (a depth of 2.5 layers is refused, not rounded)."""
    arr = as_finite_array(x, name)
    if np.any(arr < minimum) or np.any(arr != np.round(arr)):
        raise ValueError(
            f"{name} must hold whole numbers >= {minimum}, got {x!r}"
        )
    return arr


# -- scale through ReLU layers ------------------------------------------


def relu_mean_square(
    depth: ArrayLike, gain: float, q1: float = 1.0
) -> Array:
    """Expected mean square of a ReLU layer's pre-activations at depth l.

    With weights drawn independently with mean 0 and variance
    ``gain / fan_in`` and zero biases, each pre-activation of layer
    ``l + 1`` has ``E[z^2] = gain * E[relu(z_l)^2] = (gain / 2) E[z_l^2]``
    (``z_l`` is symmetric, so ReLU keeps half its second moment). Hence

    ``E[z_l^2] = q1 * (gain / 2) ** (l - 1)``,

    where ``q1`` is the mean square in the first layer. ``gain = 2`` (He)
    keeps it constant; ``gain = 1`` (LeCun, or Glorot for equal widths)
    halves it at every layer. This holds for any width; only the
    fluctuation around the mean grows as the width shrinks.

    Parameters
    ----------
    depth : array_like of int
        Layer index ``l >= 1``.
    gain : float
        ``fan_in * Var(w)``, > 0.
    q1 : float
        ``E[z_1^2]``.
    """
    gain = check_positive(gain, "gain")
    q1 = check_nonnegative(q1, "q1")
    depth = _whole(depth, "depth", 1)
    return q1 * (gain / 2.0) ** (depth - 1.0)


# -- born-dead ReLU networks --------------------------------------------


def born_dead_probability(width: ArrayLike, depth: ArrayLike) -> Array:
    """Probability that a ReLU network is dead at a given input ``x != 0``
    at initialisation: ``1 - (1 - 2**-width) ** depth``.

    Assumptions: ``depth`` hidden layers of ``width`` ReLU units each;
    weights independent, symmetric about 0 and with no atom at 0 (normal
    weights qualify, whatever their variance); biases exactly 0.

    Derivation. Let ``h`` be the (non-zero) input of a layer. Its
    pre-activations ``z_j = sum_i h_i W_ij`` use disjoint columns of
    ``W``, so they are independent, and each is symmetric with
    ``P(z_j = 0) = 0``; so all ``width`` of them are <= 0 with probability
    ``2**-width``, whatever ``h`` is. If that happens the layer outputs 0,
    and with zero biases every later layer outputs 0 too: the network's
    output is its last bias and every gradient with respect to the hidden
    parameters is exactly 0 at ``x``. The layers are independent, so the
    network survives ``depth`` layers with probability
    ``(1 - 2**-width) ** depth``.

    Lu, Shin, Su & Karniadakis (2020) call a network *born dead* when it
    is constant on the whole input domain, and prove that the probability
    of this tends to 1 as the depth grows for symmetric weights *and*
    biases. Their depth counts the output layer too (their ``L`` is
    ``depth + 1`` here). Death at one input is necessary for their event,
    so this probability is an upper bound on theirs; see the chapter
    *Exact zeros: dead units and born-dead networks*.
    """
    width = _whole(width, "width", 1)
    depth = _whole(depth, "depth", 0)
    return -np.expm1(depth * np.log1p(-(2.0 ** -width)))


def depth_to_die(width: ArrayLike, p: float = 0.5) -> Array:
    """Smallest depth at which :func:`born_dead_probability` reaches ``p``
    (about ``2**width * log(1 / (1 - p))`` for large width)."""
    width = _whole(width, "width", 1)
    p_val = check_finite_scalar(p, "p")
    if not 0.0 < p_val < 1.0:
        raise ValueError(f"p must be in (0, 1), got {p!r}")
    p = p_val
    return np.ceil(np.log1p(-p) / np.log1p(-(2.0 ** -width)))


def first_dead_layer(
    width: int,
    depth: int,
    X: ArrayLike,
    num_nets: int,
    seed: int = 0,
    bias_std: float = 0.0,
) -> NDArray[np.int64]:
    """Monte Carlo: for ``num_nets`` random ReLU networks, the first hidden
    layer whose units are all <= 0 on every row of ``X`` (1-based), or
    ``depth + 1`` if no layer is.

    A layer dead on all of ``X`` outputs 0 there, so the network is
    constant on ``X`` and passes no gradient to the layers below it: the
    network is *born dead* on ``X``. Weights are He-normal (variance
    ``2 / fan_in``); biases normal with standard deviation ``bias_std``.
    All networks are simulated at once, one batched matrix product per
    layer.

    Parameters
    ----------
    width, depth : int
        Units per hidden layer and number of hidden layers.
    X : array_like, shape (n, d)
        The inputs (rows) on which death is checked.
    num_nets : int
        Number of independent networks.
    seed : int
        Seed of the generator.
    bias_std : float
        Standard deviation of the biases (0: zero biases).
    """
    X = as_finite_array(X, "X", ndim=2)
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(
            f"X must have at least one row and one column, got {X.shape}"
        )
    width = check_count(width, "width", 1)
    depth = check_count(depth, "depth", 1)
    num_nets = check_count(num_nets, "num_nets", 1)
    seed = check_count(seed, "seed")
    bias_std = check_nonnegative(bias_std, "bias_std")
    rng = np.random.default_rng(seed)
    h = np.broadcast_to(X, (num_nets, *X.shape))
    first = np.full(num_nets, depth + 1, dtype=np.int64)
    alive = np.arange(num_nets)  # networks with no dead layer yet
    for layer in range(1, depth + 1):
        fan_in = h.shape[-1]
        # weights are drawn only for the networks still alive: the later
        # layers of a dead one cannot change its first dead layer
        W = rng.standard_normal((alive.size, fan_in, width))
        W *= math.sqrt(2.0 / fan_in)
        z = h @ W
        if bias_std > 0:
            z += bias_std * rng.standard_normal((alive.size, 1, width))
        dead = (z <= 0).all(axis=(1, 2))
        if dead.any():
            first[alive[dead]] = layer
            keep = ~dead
            alive, z = alive[keep], z[keep]
            if not alive.size:
                break
        h = np.maximum(z, 0.0)
    return first


def born_dead_monte_carlo(
    width: int,
    depth: int,
    num_nets: int,
    seed: int = 0,
    X: ArrayLike | None = None,
    bias_std: float = 0.0,
) -> tuple[Array, Array]:
    """Fraction of random networks dead on ``X`` by each depth 1..depth,
    and its standard error ``sqrt(p (1 - p) / num_nets)``.

    ``X`` defaults to the single input ``[[1.0]]``; with zero biases the
    answer is the same for every ``x != 0`` (a ReLU network without
    biases is positively homogeneous). See :func:`first_dead_layer`.
    """
    if X is None:
        X = np.ones((1, 1))
    first = first_dead_layer(width, depth, X, num_nets, seed, bias_std)
    counts = np.bincount(first, minlength=depth + 2)[1 : depth + 1]
    p = np.cumsum(counts) / num_nets
    return p, np.sqrt(p * (1.0 - p) / num_nets)


# -- the latch of Bengio, Simard & Frasconi (1994) ----------------------


def latch_fixed_point(w: float, tol: float = 1e-15) -> float:
    """The positive stable fixed point ``a*`` of ``a -> w tanh(a)``.

    For ``w > 1`` the map has three fixed points, ``-a*``, 0 (unstable)
    and ``a*``; a unit with this recurrence can store one bit, the sign
    of its state. Solved by Newton's method from ``a = w``.
    """
    w = check_positive(w, "w")
    tol = check_positive(tol, "tol")
    if w <= 1.0:
        raise ValueError(f"w must be > 1 for two stable states, got {w}")
    a = w
    for _ in range(100):
        t = math.tanh(a)
        step = (a - w * t) / (1.0 - w * (1.0 - t * t))
        a -= step
        if abs(step) < tol * a:
            break
    return a


def latch_slope(w: float) -> float:
    """``d a_t / d a_{t-1}`` at the stable state: ``w (1 - tanh(a*)**2)``.

    It is below 1 for every ``w > 1``: the stable state attracts, which
    is what makes the memory robust to small noise, and the same factor
    multiplies the gradient once per time step, so the gradient with
    respect to an input ``T`` steps back shrinks like ``slope ** T``.
    """
    t = math.tanh(latch_fixed_point(w))
    return w * (1.0 - t * t)


def latch_gradient(w: float, a0: float, num_steps: int) -> Array:
    """``d a_t / d a_0`` for ``t = 0..num_steps`` along the trajectory of
    ``a_t = w tanh(a_{t-1})`` from ``a0``, as an explicit product of the
    one-step derivatives (no closed form used)."""
    w = check_positive(w, "w")
    a = check_finite_scalar(a0, "a0")
    num_steps = check_count(num_steps, "num_steps")
    grads = np.empty(num_steps + 1)
    grads[0] = 1.0
    for t in range(1, num_steps + 1):
        th = float(tanh(a))
        grads[t] = grads[t - 1] * w * (1.0 - th * th)
        a = w * th
    return grads
