"""Numbers and figures as the book shows them.

Every chapter stores its outputs, and the tests compare them with what
the code produces today (nbval in strict mode). Two things would make that
comparison brittle or blind, and this module handles both:

- A number that the prose quotes is *formatted once, here*, at the
  precision the prose states, and only that text is stored. The last bits
  of a float differ between CPUs (BLAS kernels and SIMD loops), so a
  17-digit oracle fails on one machine and passes on another; the stated
  digits are the same everywhere, and a bug that changes them still fails
  the test. :func:`glue` does this; :func:`number` is the formatter, which
  sets numbers as a typesetter would: a true minus sign, ``2.5 × 10⁻¹⁴``
  rather than ``2.5e-14``, narrow spaces between thousands.
- A figure is stored as a PNG, which nbval does not compare. :func:`show`
  stores, beside the picture, a short text *fingerprint* of the data the
  figure draws (how many lines, points and images; a checksum of their
  values to four significant digits), so a change in a figure's data fails
  the test too.

Neither needs Sphinx or myst-nb: :func:`glue` writes the same output that
``myst_nb.glue`` writes, and outside IPython it does nothing, so a chapter's
code also runs as a plain script.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Any

import numpy as np

__all__ = ["fingerprint", "glue", "number", "number_range", "show"]

#: The MIME prefix under which myst-nb looks for glued values.
GLUE_PREFIX = "application/papermill.record/"

MINUS = "\u2212"
TIMES = "\u00d7"
#: Narrow no-break space: the thousands separator of print.
THOUSANDS = "\u202f"
_SUPERSCRIPT = str.maketrans(
    "-0123456789",
    "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079",
)
_SPEC = re.compile(r"^(,)?(\.\d+)?([defg%])?$")


def number(value: Any, fmt: str | None = None) -> str:
    """Format a number for the prose, at a stated precision.

    Parameters
    ----------
    value : int or float
        The number. NaN and infinities are refused: the prose never quotes
        them as numbers.
    fmt : str, optional
        A Python format specification from the subset ``[,][.N][d|e|f|g|%]``
        (``".3f"``, ``".2g"``, ``".1e"``, ``",d"``). Required for a float,
        since a float has no natural precision; an integer defaults to
        ``"d"``.

    Returns
    -------
    str
        The number with a true minus sign (U+2212), powers of ten written
        as ``a × 10ⁿ`` and, with ``,`` in ``fmt``, narrow no-break spaces
        between thousands. ``-0`` is printed as ``0``.

    Examples
    --------
    >>> number(-2.5e-14, ".1e")
    '−2.5 × 10⁻¹⁴'
    >>> number(15800.4, ",.0f")
    '15 800'
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, numbers.Real
    ):
        raise ValueError(
            f"number() needs an int or a float, got {type(value).__name__}"
        )
    if not math.isfinite(float(value)):
        raise ValueError(f"number() cannot format the non-finite {value!r}")
    if fmt is None:
        if not isinstance(value, (numbers.Integral, np.integer)):
            raise ValueError(
                "a float needs a format such as '.3f' or '.2g': the "
                "precision the prose states"
            )
        fmt = "d"
    spec = _SPEC.match(fmt) if isinstance(fmt, str) else None
    if spec is None or not (spec.group(2) or spec.group(3)):
        # "" or "," would print a float with all of its 17 digits
        raise ValueError(
            f"unsupported format {fmt!r}: use [,][.N][d|e|f|g|%], "
            "for example '.3f', '.2g', '.1e' or ',d'"
        )
    if fmt.endswith("d"):
        if float(value) != int(value):
            raise ValueError(f"format 'd' needs a whole number, got {value!r}")
        value = int(value)
    text = format(value, fmt)
    if re.fullmatch(r"-0(\.0*)?%?", text):  # rounding gave a negative zero
        text = text[1:]
    mantissa, _, exponent = text.partition("e")
    if exponent:
        power = int(exponent)
        if power == 0:
            text = mantissa
        else:
            text = f"{mantissa} {TIMES} 10" + str(power).translate(
                _SUPERSCRIPT
            )
    return text.replace(",", THOUSANDS).replace("-", MINUS)


def number_range(low: Any, high: Any, fmt: str | None = None) -> str:
    """``"low to high"`` for the prose, each end formatted by :func:`number`;
    only one number when the two ends agree at this precision (a range
    such as "1.61 to 1.61" says less than "1.61").

    Examples
    --------
    >>> number_range(3602.4, 4162302.0, ".2g")
    '3.6 × 10³ to 4.2 × 10⁶'
    >>> number_range(1.6098, 1.6101, ".2f")
    '1.61'
    """
    lo, hi = number(low, fmt), number(high, fmt)
    if float(low) > float(high):
        raise ValueError(
            f"number_range needs low <= high, got {low!r} > {high!r}"
        )
    return lo if lo == hi else f"{lo} to {hi}"


def _in_ipython() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is always there
        return False
    return get_ipython() is not None


def glue(name: str, value: Any, fmt: str | None = None) -> None:
    """Store a value under ``name`` for the prose, as myst-nb's glue does.

    Numbers are formatted by :func:`number` first, so what is stored,
    shown and regression-tested is exactly the text the reader sees, and
    the Markdown refers to it as ``{glue:text}`name```, with no format of
    its own. Strings are stored as they are; any other object (a Markdown
    table, an HTML player) is stored with all of its representations.

    Parameters
    ----------
    name : str
        The key, unique in the chapter.
    value : int, float, str or any displayable object
        What to store.
    fmt : str, optional
        The number format (see :func:`number`); only for numbers.

    Notes
    -----
    Outside IPython nothing is stored (a chapter then runs as a plain
    script). Nothing is returned, so that a cell ending in ``glue(...)``
    shows nothing.
    """
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
        raise ValueError(
            f"glue name must be letters, digits, '-' or '_', got {name!r}"
        )
    if isinstance(value, (numbers.Real, np.generic)) and not isinstance(
        value, str
    ):
        bundle: dict[str, Any] = {"text/plain": repr(number(value, fmt))}
    elif fmt is not None:
        raise ValueError(
            f"fmt is only for numbers, not {type(value).__name__}"
        )
    elif isinstance(value, str):
        bundle = {"text/plain": repr(value)}
    else:
        bundle = None
    if not _in_ipython():
        return
    from IPython.core.formatters import format_display_data
    from IPython.display import display

    if bundle is None:
        bundle, _ = format_display_data(value)
    display(
        {GLUE_PREFIX + k: v for k, v in bundle.items()},
        raw=True,
        metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}},
    )


def _artist_arrays(fig) -> tuple[dict[str, int], list[np.ndarray]]:
    """Count the data-carrying artists of ``fig`` and collect their data."""
    from matplotlib.collections import Collection
    from matplotlib.image import AxesImage
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    counts = {"axes": 0, "lines": 0, "collections": 0, "images": 0, "bars": 0}
    arrays: list[np.ndarray] = []
    for ax in fig.axes:
        counts["axes"] += 1
        for child in ax.get_children():
            if isinstance(child, Line2D):
                counts["lines"] += 1
                arrays.append(np.asarray(child.get_xydata(), dtype=float))
            elif isinstance(child, Collection):
                counts["collections"] += 1
                arrays.append(np.asarray(child.get_offsets(), dtype=float))
                arr = child.get_array()
                if arr is not None:
                    arrays.append(np.asarray(arr, dtype=float))
                for path in child.get_paths()[:1000]:
                    arrays.append(np.asarray(path.vertices, dtype=float))
            elif isinstance(child, AxesImage):
                counts["images"] += 1
                arrays.append(np.asarray(child.get_array(), dtype=float))
            elif isinstance(child, Rectangle) and child is not ax.patch:
                counts["bars"] += 1
                arrays.append(np.array(
                    [child.get_x(), child.get_y(), child.get_width(),
                     child.get_height()], dtype=float))
    return counts, arrays


def fingerprint(fig) -> str:
    """A short text that changes when the data a figure draws change.

    It counts the axes, lines, collections (scatter points, filled
    areas), images and bars of ``fig``, the number of finite values they
    hold, and the sum of the absolute finite values, to four significant
    digits. Four digits are far above the last-bit differences between
    machines and far below any change a reader could see.

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    str
        For example ``"figure: 2 axes, 5 lines, 1 collections, 0 images,
        0 bars; 1204 values, sum |v| = 3.412e+03"``.
    """
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise ValueError(
            "fingerprint() needs a matplotlib Figure, got "
            f"{type(fig).__name__}"
        )
    counts, arrays = _artist_arrays(fig)
    values = (np.concatenate([np.ravel(np.ma.filled(a, np.nan))
                              for a in arrays])
              if arrays else np.zeros(0))
    finite = values[np.isfinite(values)]
    total = float(np.sum(np.abs(finite)))
    parts = ", ".join(f"{v} {k}" for k, v in counts.items())
    return f"figure: {parts}; {finite.size} values, sum |v| = {total:.3e}"


class _Shown:
    """A figure's picture with its fingerprint as the text form."""

    def __init__(self, png: bytes, text: str,
                 metadata: dict | None = None) -> None:
        self._png = png
        self._text = text
        self._metadata = metadata or {}

    def _repr_png_(self) -> tuple[bytes, dict]:
        return self._png, self._metadata

    def __repr__(self) -> str:
        return self._text


def show(fig=None) -> None:
    """Show a figure with its data fingerprint, then close it.

    Use instead of ``plt.show()``. The notebook stores the PNG (what the
    reader sees) and, as its text form, :func:`fingerprint` (what the tests
    compare). Outside IPython the figure is shown by matplotlib as usual.

    Parameters
    ----------
    fig : matplotlib.figure.Figure, optional
        The figure; by default the current one.
    """
    import matplotlib.pyplot as plt

    if fig is None:
        fig = plt.gcf()
    text = fingerprint(fig)
    if not _in_ipython():  # pragma: no cover - plain Python
        plt.show()
        return
    from IPython.display import display

    from relu_notes.style import image

    # PNG at twice the screen resolution, shown at the figure system's
    # width (relu_notes.style), with its type sizes recorded for the tests.
    png, metadata = image(fig)
    plt.close(fig)
    display(_Shown(png, text, metadata))
