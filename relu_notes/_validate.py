"""Input checks shared by every module of ``relu_notes``.

Each check raises :class:`ValueError` with a message that names the
argument and says what is wrong, so that a reader who passes bad input to
a helper learns what to fix instead of getting a silent NaN.
"""

from __future__ import annotations

import math
import re

import numpy as np
from numpy.typing import ArrayLike, NDArray


def as_float_array(x: ArrayLike, name: str = "x") -> NDArray[np.float64]:
    """Convert ``x`` to a float64 array, rejecting non-numeric input.

    Parameters
    ----------
    x : array_like
        A real scalar or array (bool, integer or float).
    name : str
        The argument's name, used in the error message.

    Returns
    -------
    ndarray of float64
        A new array (or a view) with the shape of ``x``.

    Raises
    ------
    ValueError
        If ``x`` is not real-valued numeric data (strings, objects,
        complex numbers, ragged lists).
    """
    try:
        arr = np.asarray(x)
    except ValueError as err:  # ragged nested sequences
        raise ValueError(
            f"{name} must be a real number or array: {err}"
        ) from None
    if arr.dtype.kind not in "biuf":
        raise ValueError(
            f"{name} must be a real number or array of real numbers, "
            f"got dtype {arr.dtype}"
        )
    return arr.astype(np.float64, copy=False)


def as_finite_array(
    x: ArrayLike, name: str = "x", ndim: int | None = None
) -> NDArray[np.float64]:
    """Like :func:`as_float_array`, but also require finite values.

    Parameters
    ----------
    x : array_like
        Real numeric data.
    name : str
        The argument's name, used in error messages.
    ndim : int, optional
        The number of dimensions ``x`` must have.

    Raises
    ------
    ValueError
        If ``x`` is not numeric, has the wrong number of dimensions, or
        holds NaN or infinite values.
    """
    arr = as_float_array(x, name)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(
            f"{name} must have {ndim} dimension(s), got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(
            f"{name} holds {bad} NaN or infinite value(s); "
            "clean or clip the data first"
        )
    return arr


def check_positive(value: float, name: str) -> float:
    """Return ``value`` as a float if it is finite and > 0, else raise."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a positive number, got {value!r}"
        ) from None
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return v


def check_choice(value: str, name: str, choices: tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``choices``, else raise."""
    if value not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise ValueError(f"unknown {name} {value!r}; valid: {valid}")
    return value


def check_count(value: int, name: str, minimum: int = 0) -> int:
    """Return ``value`` as an int if it is a whole number >= ``minimum``.

    Accepts integral floats such as ``1000.0``; rejects booleans, NaN and
    non-numbers with a :class:`ValueError` naming the argument.
    """
    try:
        ok = not isinstance(value, bool) and int(value) == value >= minimum
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise ValueError(
            f"{name} must be an integer >= {minimum}, got {value!r}"
        )
    return int(value)


def check_batch_size(batch_size: int, n: int) -> int:
    """Return ``batch_size`` as an int if it lies in ``[1, n]``, else raise.

    ``n`` is the number of rows it is drawn from.
    """
    try:
        ok = (
            not isinstance(batch_size, bool)
            and int(batch_size) == batch_size
            and 1 <= batch_size <= n
        )
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise ValueError(
            f"batch_size must be an integer in [1, {n}] (the number of "
            f"rows of X), got {batch_size!r}"
        )
    return int(batch_size)


def check_nonnegative(value: float, name: str) -> float:
    """Return ``value`` as a float if it is finite and >= 0, else raise.

    Booleans are refused: ``True`` is not a hyperparameter.
    """
    try:
        ok = not isinstance(value, (bool, np.bool_))
        v = float(value) if ok else math.nan
    except (TypeError, ValueError):
        v = math.nan
    if not math.isfinite(v) or v < 0:
        raise ValueError(
            f"{name} must be a finite number >= 0, got {value!r}"
        )
    return v


def check_finite_scalar(value: float, name: str) -> float:
    """Return ``value`` as a float if it is one finite real number."""
    arr = as_float_array(value, name)
    if arr.ndim != 0:
        raise ValueError(f"{name} must be a scalar, got shape {arr.shape}")
    v = float(arr)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


def check_index(value: int, name: str, size: int) -> int:
    """Return ``value`` as an int if it indexes an axis of length ``size``.

    Whole numbers only (``0.9`` is refused rather than truncated to 0);
    negative indices count from the end, as in numpy.
    """
    try:
        ok = (
            not isinstance(value, (bool, np.bool_))
            and int(value) == value
            and -size <= int(value) < size
        )
    except (TypeError, ValueError, OverflowError):
        ok = False
    if not ok:
        raise ValueError(
            f"{name} {value!r} is not a whole number in range for "
            f"{size} entries (valid: -{size} to {size - 1})"
        )
    return int(value)


def check_rows(
    X: ArrayLike, d: int, owner: str, name: str = "X"
) -> NDArray[np.float64]:
    """Finite inputs of shape ``(n, d)`` with ``n >= 1``, else raise.

    The one input check of :class:`relu_notes.neuron.Neuron` and
    :class:`relu_notes.mlp.MLP`; ``owner`` names what has ``d`` inputs
    ("the neuron", "the network") in the message.
    """
    X = as_finite_array(X, name, ndim=2)
    if X.shape[1] != d:
        raise ValueError(
            f"{name} has {X.shape[1]} column(s) but {owner} has {d} "
            f"input(s); {name} must have shape (n, {d})"
        )
    if X.shape[0] == 0:
        raise ValueError(
            f"{name} has no rows; need at least one example"
        )
    return X


def scaled_norm(arrays) -> float:
    """Euclidean norm of all entries of ``arrays`` taken together.

    Exactly ``sqrt(sum of squares)`` when the squares fit in float64;
    otherwise computed on the entries divided by the largest magnitude,
    so that finite gradients of size 1e200 have a finite norm (1e200
    squared overflows). The result is ``inf`` only if the norm itself
    exceeds the largest float64, or an entry is not finite.
    """
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    with np.errstate(over="ignore"):
        total = 0.0
        for a in arrays:
            total += float(np.sum(np.square(a)))
    if math.isfinite(total):
        return math.sqrt(total)
    big = max((float(np.max(np.abs(a))) for a in arrays if a.size),
              default=0.0)
    if not math.isfinite(big):
        return math.inf
    total = 0.0
    for a in arrays:
        total += float(np.sum(np.square(a / big)))
    with np.errstate(over="ignore"):
        return float(np.float64(big) * math.sqrt(total))


def check_html_id(value: str, name: str = "uid") -> str:
    """Return ``value`` if it is a safe HTML id (letters, digits, '-',
    '_', starting with a letter), else raise. Anything else written
    into a page could carry markup or script into it."""
    if not isinstance(value, str) or not re.fullmatch(
        r"[A-Za-z][A-Za-z0-9_\-]{0,63}", value
    ):
        raise ValueError(
            f"{name} must be letters, digits, '-' or '_' starting with a "
            f"letter (an HTML id), got {value!r}"
        )
    return value
