"""One look for every figure of the book.

Call :func:`use` at the top of a chapter. Colours come from the
Okabe-Ito palette, which readers with the common forms of colour
blindness can tell apart; alive and dead also differ in line style and
marker, so no meaning rests on colour alone. Figures get an opaque white
background so that they read in dark mode and in print.
"""

from __future__ import annotations

import math

import matplotlib as mpl

__all__ = [
    "ACTIVATION_COLORS",
    "ALIVE",
    "DEAD",
    "PALETTE",
    "STATE_STYLE",
    "plain_log_ticks",
    "use",
]

#: The Okabe-Ito palette.
PALETTE = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "grey": "#7F7F7F",
}

#: Colour of a living unit (one whose pre-activation is positive somewhere).
ALIVE = PALETTE["blue"]
#: Colour of a dead unit (pre-activation <= 0 on all the data).
DEAD = PALETTE["vermillion"]

#: Line and marker styles for alive and dead, so shape carries the meaning
#: as well as colour. Use as ``ax.plot(x, y, **STATE_STYLE["dead"])``.
STATE_STYLE = {
    "alive": {"color": ALIVE, "linestyle": "-", "marker": "o"},
    "dead": {"color": DEAD, "linestyle": "--", "marker": "x"},
}

#: One colour per activation function, the same in every chapter.
ACTIVATION_COLORS = {
    "relu": PALETTE["blue"],
    "leaky_relu": PALETTE["sky"],
    "elu": PALETTE["green"],
    "gelu": PALETTE["purple"],
    "sigmoid": PALETTE["orange"],
    "tanh": PALETTE["black"],
}

_RC = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 2.0,
    "axes.prop_cycle": mpl.cycler(
        color=[
            PALETTE[c]
            for c in ("blue", "orange", "green", "vermillion", "purple",
                      "sky", "black")
        ]
    ),
    "image.cmap": "cividis",
}


def use() -> None:
    """Apply the book's matplotlib style (fonts, colours, background).

    Also makes the inline backend in Jupyter emit PNG at a resolution
    that stays sharp on high-density screens and in the PDF.
    """
    mpl.rcParams.update(_RC)
    try:  # only inside IPython
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
        mpl.rcParams["figure.dpi"] = 144
    except ImportError:  # pragma: no cover - plain Python
        pass


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3"
                             "\u2074\u2075\u2076\u2077\u2078\u2079")


def _power_of_ten(value: float, _pos: int | None = None) -> str:
    """``10⁻³``-style label in plain Unicode text (no mathtext)."""
    if value <= 0:
        return ""
    exponent = math.log10(value)
    if abs(exponent - round(exponent)) > 1e-9:
        return ""
    return "10" + str(int(round(exponent))).translate(_SUPERSCRIPT)


def plain_log_ticks(ax, which: str = "both") -> None:
    """Label the log-scaled axes of ``ax`` with plain text ``10ⁿ``.

    Matplotlib's default log axis draws eight minor ticks per decade
    and mathtext labels; over ten decades these cost most of a second
    per figure on a slow machine. Plain Unicode labels and no minor ticks
    keep the chapters fast. Call after setting the scale. ``which`` is
    ``"x"``, ``"y"`` or ``"both"``.
    """
    from matplotlib.ticker import FuncFormatter, NullLocator

    from relu_notes._validate import check_choice

    check_choice(which, "axis choice", ("x", "y", "both"))
    axes = {"x": [ax.xaxis], "y": [ax.yaxis],
            "both": [ax.xaxis, ax.yaxis]}[which]
    for axis in axes:
        if axis.get_scale() == "log":
            axis.set_major_formatter(FuncFormatter(_power_of_ten))
            axis.set_minor_locator(NullLocator())
