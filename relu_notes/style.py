"""One look for every figure of the book.

Call :func:`use` at the top of a chapter. Colours come from the
Okabe-Ito palette, which readers with the common forms of colour
blindness can tell apart; alive and dead also differ in line style and
marker, so no meaning rests on colour alone. Figures get an opaque white
background so that they read in dark mode and in print.

The figure system
-----------------
Every figure is drawn at one of two widths, :data:`TEXT_WIDTH` (the
prose column) or :data:`WIDE_WIDTH` (the full print line, wider than the
prose on the website), in inches, with one set of type sizes in points
(:data:`SIZES`). The size a reader sees is then fixed by two constants:

- in print a figure is placed at its natural size (at most the line,
  :data:`PRINT_LINE_WIDTH`), so a tick label of 9.5 pt is 0.86 of the
  11-pt body text;
- on the website it is shown at :data:`PX_PER_INCH` CSS pixels per inch
  (the width is stored with the picture; the PDF build maps the same
  pixels back to inches), so a text-width figure is about as wide as
  the prose and a 9.5-pt label is 17 px against 16-px body text.

:func:`figure` makes a figure of a standard width; :func:`image` renders
it as PNG at twice the screen resolution together with the width to show
it at and the type sizes it measured (:func:`type_sizes`), which the
publishing tests check. :data:`LABELS` holds the words the figures use
for the book's recurring ideas, so every chapter says "zero-mean" and
"MSE", never ``zero_mean`` or ``mse``.
"""

from __future__ import annotations

import io
import json
import math
import struct
import zlib
from typing import Any

import matplotlib as mpl

__all__ = [
    "ACTIVATION_COLORS",
    "ALIVE",
    "BODY_PT",
    "BODY_PX",
    "DEAD",
    "LABELS",
    "MIN_LEGEND_PT",
    "MIN_TICK_RATIO",
    "PALETTE",
    "PRINT_LINE_WIDTH",
    "PX_PER_INCH",
    "SAVE_DPI",
    "SIZES",
    "STATE_STYLE",
    "TEXT_WIDTH",
    "WIDE_WIDTH",
    "figure",
    "image",
    "label",
    "legend_outside",
    "plain_log_ticks",
    "type_sizes",
    "use",
]

#: Body text of the PDF, in points (``pointsize`` in ``_config.yml``).
BODY_PT = 11.0
#: Body text of the website, in CSS pixels (``_static/typography.css``).
BODY_PX = 16.0
#: Width of the PDF's text block in inches (A4 less two 2.4 cm margins).
PRINT_LINE_WIDTH = (21.0 - 2 * 2.4) / 2.54
#: A figure as wide as the prose column (inches).
TEXT_WIDTH = 5.2
#: A wide figure: the full print line, wider than the prose on the web.
WIDE_WIDTH = 6.3
#: CSS pixels per inch of figure on the website: a text-width figure is
#: then 666 px, a little wider than the prose (59ch, ``typography.css``).
PX_PER_INCH = 128
#: Resolution of the stored PNG: two device pixels per CSS pixel, sharp
#: on high-density screens and 256 dpi on paper.
SAVE_DPI = 2 * PX_PER_INCH
#: Tick labels at least this fraction of the body text, web and print.
MIN_TICK_RATIO = 0.85
#: Legends never smaller than this, in print (points).
MIN_LEGEND_PT = 10.0

#: Type sizes of every figure, in points at the figure's natural size.
SIZES = {
    "ticks": 9.5,
    "labels": 10.5,
    "legend": 10.0,
    "title": 11.0,
    "annotation": 10.0,
}

#: The words (or math) that figures use for the book's recurring ideas.
#: Use ``label("zero_mean")`` rather than typing the words, so that every
#: chapter names a thing the same way.
LABELS = {
    "zero_mean": "zero-mean",
    "non_negative": "non-negative",
    "mse": "MSE",
    "huber": "Huber",
    "mae": "MAE",
    "s_star": r"$s^*(\eta)$",
    "eta": r"$\eta$",
    "inactive": "inactive",  # a row of data on which z <= 0
    "inactive_rows": "inactive rows",
    "dead": "dead",  # a unit whose z <= 0 on every row
    "dead_units": "dead units",
    "alive": "alive",
    "sgd": "SGD",
    "momentum": "momentum",
    "adam": "Adam",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "elu": "ELU",
    "gelu": "GELU",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "batch_norm": "batch norm",
    "layer_norm": "layer norm",
    "closed_form": "closed form",
}

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
    "figure.figsize": (TEXT_WIDTH, TEXT_WIDTH * 0.62),
    "figure.dpi": 100,
    "savefig.dpi": SAVE_DPI,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "font.size": SIZES["labels"],
    "axes.titlesize": SIZES["title"],
    "axes.labelsize": SIZES["labels"],
    "xtick.labelsize": SIZES["ticks"],
    "ytick.labelsize": SIZES["ticks"],
    "legend.fontsize": SIZES["legend"],
    "legend.title_fontsize": SIZES["legend"],
    "figure.titlesize": SIZES["title"],
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
        mpl.rcParams["figure.dpi"] = PX_PER_INCH
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


def label(key: str) -> str:
    """The book's words for a recurring idea (see :data:`LABELS`).

    Raises
    ------
    ValueError
        For a key that is not in :data:`LABELS` (the message lists them).
    """
    try:
        return LABELS[key]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown label {key!r}; valid: {', '.join(sorted(LABELS))}"
        ) from None


def figure(
    width: str = "text",
    aspect: float = 0.62,
    nrows: int = 1,
    ncols: int = 1,
    **kwargs: Any,
):
    """A figure of one of the book's two standard widths.

    Parameters
    ----------
    width : {"text", "wide"}
        ``"text"`` (:data:`TEXT_WIDTH`, as wide as the prose) or
        ``"wide"`` (:data:`WIDE_WIDTH`, the full print line; use it for
        side-by-side panels).
    aspect : float
        Height over width.
    nrows, ncols : int
        The grid of axes, as in ``plt.subplots``.
    **kwargs
        Passed to ``plt.subplots`` (``sharex``, ``sharey``, ...).

    Returns
    -------
    (Figure, Axes or array of Axes)
        As ``plt.subplots`` returns them, with constrained layout on.
    """
    import matplotlib.pyplot as plt

    widths = {"text": TEXT_WIDTH, "wide": WIDE_WIDTH}
    if width not in widths:
        raise ValueError(
            f"unknown figure width {width!r}; valid: 'text', 'wide'"
        )
    if not (isinstance(aspect, (int, float)) and 0.1 <= aspect <= 3):
        raise ValueError(f"aspect must be in [0.1, 3], got {aspect!r}")
    kwargs.setdefault("layout", "constrained")
    inches = widths[width]
    return plt.subplots(
        nrows, ncols, figsize=(inches, inches * aspect), **kwargs
    )


def legend_outside(ax, **kwargs: Any):
    """A legend to the right of ``ax``, out of the data."""
    kwargs.setdefault("loc", "center left")
    kwargs.setdefault("bbox_to_anchor", (1.01, 0.5))
    return ax.legend(**kwargs)


def type_sizes(fig) -> dict[str, float]:
    """The smallest type of each kind in ``fig``, in points as drawn.

    Returns
    -------
    dict
        ``{"ticks": ..., "legend": ..., "other": ...}``: the smallest font
        size of the visible tick labels, legend texts (entries and title)
        and all other texts (``nan`` when there is none of a kind).
    """
    from matplotlib.text import Text

    ticks: set[int] = set()
    legend: set[int] = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            ticks.update(map(id, axis.get_ticklabels(which="both")))
    legends = list(fig.legends)
    legends += [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    for leg in legends:
        legend.update(map(id, leg.get_texts()))
        legend.add(id(leg.get_title()))
    found: dict[str, list[float]] = {"ticks": [], "legend": [], "other": []}
    for text in fig.findobj(Text):
        if not (text.get_visible() and text.get_text().strip()):
            continue
        kind = ("ticks" if id(text) in ticks
                else "legend" if id(text) in legend else "other")
        found[kind].append(float(text.get_fontsize()))
    return {k: (min(v) if v else math.nan) for k, v in found.items()}


def image(fig) -> tuple[bytes, dict[str, Any]]:
    """Render ``fig`` the way the book shows it.

    The figure is saved as PNG at :data:`SAVE_DPI`, cropped to its
    content. With it comes the width to show it at on the website
    (:data:`PX_PER_INCH` CSS pixels per inch; the PDF maps the pixels
    back to inches) and, in the PNG's text chunk ``relu_notes``, the
    figure's width and smallest type sizes as a reader sees them in print
    and on the web, which the publishing tests check.

    Returns
    -------
    (bytes, dict)
        The PNG and its display metadata ``{"width": css_pixels}``.
    """
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise ValueError(
            f"image() needs a matplotlib Figure, got {type(fig).__name__}"
        )
    buf = io.BytesIO()
    # A narrow margin round the cropped content: matplotlib's default
    # (0.1 in each side) would make a wide figure wider than the print
    # line, which then scales its type below the minimums.
    # Uncompressed: this PNG is only read back by _palette_png, and
    # compressing it would cost a tenth of the figure's time for nothing.
    fig.savefig(buf, format="png", dpi=SAVE_DPI, bbox_inches="tight",
                pad_inches=0.04, facecolor="white",
                pil_kwargs={"compress_level": 0})
    png = _palette_png(buf.getvalue(), smooth=_has_colour_maps(fig))
    sizes = type_sizes(fig)  # after drawing: layout is final
    width_px = struct.unpack(">I", png[16:20])[0]  # from the IHDR chunk
    inches = width_px / SAVE_DPI
    print_scale = min(1.0, PRINT_LINE_WIDTH / inches)
    record: dict[str, Any] = {
        "width_in": round(inches, 3),
        "print_scale": round(print_scale, 3),
    }
    for kind, v in sizes.items():
        known = not math.isnan(v)
        record[f"{kind}_pt"] = v if known else None
        record[f"{kind}_print_ratio"] = (
            round(v * print_scale / BODY_PT, 3) if known else None
        )
        record[f"{kind}_web_ratio"] = (
            round(v / 72 * PX_PER_INCH / BODY_PX, 3) if known else None
        )
    return _with_text(png, "relu_notes", json.dumps(record, sort_keys=True)), {
        "width": round(inches * PX_PER_INCH)
    }


def _has_colour_maps(fig) -> bool:
    """Whether ``fig`` draws an image or a mesh through a colour map."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.lines import Line2D

    for ax in fig.axes:
        for artist in [*ax.images, *ax.collections]:
            if (isinstance(artist, ScalarMappable)
                    and not isinstance(artist, Line2D)
                    and artist.get_array() is not None):
                return True
    return False


def _palette_png(png: bytes, smooth: bool = False) -> bytes:
    """``png`` with at most 256 colours (no dithering).

    A plot is a few flat colours and their anti-aliased edges, so a
    palette keeps it visually the same at about a third of the bytes of
    full colour, which keeps the pages light on a phone. Line plots use
    the fast octree, which takes a fifth of median cut's time for files
    about 10 % smaller (``benchmarks/micro.py``, ``figure``); ``smooth``
    figures (colour maps) use median cut, which bands their gradients
    less.
    """
    from PIL import Image

    method = (Image.Quantize.MEDIANCUT if smooth
              else Image.Quantize.FASTOCTREE)
    with Image.open(io.BytesIO(png)) as img:
        paletted = img.convert("RGB").quantize(
            colors=256, method=method, dither=Image.Dither.NONE
        )
    out = io.BytesIO()
    paletted.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def _with_text(png: bytes, key: str, text: str) -> bytes:
    """``png`` with a tEXt chunk ``key: text`` after its header (no
    re-encoding: the image data are left as they are)."""
    data = key.encode("latin-1") + b"\0" + text.encode("latin-1")
    chunk = (struct.pack(">I", len(data)) + b"tEXt" + data
             + struct.pack(">I", zlib.crc32(b"tEXt" + data) & 0xFFFFFFFF))
    header_end = 8 + 4 + 4 + 13 + 4  # signature, IHDR length/type/data/CRC
    return png[:header_end] + chunk + png[header_end:]
