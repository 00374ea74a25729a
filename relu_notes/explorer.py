"""The outlier explorer: one SGD step on one outlier, drawn.

Explained in the chapter *An outlier kills a neuron*
(``chapters/an-outlier-kills-a-neuron.ipynb``).

The explorer has three faces, all drawn by the code here:

- live: :meth:`OutlierExplorer.widget` builds ipywidgets controls
  (outlier size, learning rate, loss, input kind) that redraw a PNG image;
  :meth:`OutlierExplorer.update` is the whole work of one redraw and can
  be timed without a browser (``benchmarks/micro.py`` does);
- computed in the page: :meth:`OutlierExplorer.page_html` is an HTML page
  fragment that holds the ordinary rows and the settled parameters as
  JSON and a small script (``explorer_face.js``, no library) that takes
  the step, finds the critical size and draws SVG charts on every input
  event, with every control of the live face;
- static: :meth:`OutlierExplorer.small_multiples`, a grid of panels.

Each panel is a strip plot on a symmetric-log axis: the pre-activations
``z`` of the ordinary data before the step (upper strip) and after it
(lower strip). Rows where the unit is active (``z > 0``) are drawn as
blue circles, inactive rows as vermillion crosses, so shape carries the
meaning as well as colour.
"""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import dataclass
from importlib import resources

import numpy as np
import PIL.Image
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator
from numpy.typing import NDArray

from relu_notes import style
from relu_notes._validate import check_choice, check_positive
from relu_notes.data import outlier_example
from relu_notes.neuron import Neuron

__all__ = [
    "KIND_LABELS",
    "LOSS_LABELS",
    "OutlierExplorer",
    "OutlierState",
    "Setup",
    "human_number",
]

Array = NDArray[np.float64]

#: Limits of the symmetric-log axis, wide enough for every slider setting.
ZLIM = 1e10
#: Fixed ticks with plain-text labels: symlog's default mathtext labels
#: cost a parser run per tick on every redraw.
_TICKS = [-1e8, -1e4, -1.0, 0.0, 1.0, 1e4, 1e8]
_LABELS = ["\u221210\u2078", "\u221210\u2074", "\u22121", "0", "1",
           "10\u2074", "10\u2078"]

#: Names a reader sees for the input kinds and the losses.
KIND_LABELS = {"nonnegative": "non-negative", "zero_mean": "zero-mean"}
LOSS_LABELS = {"mse": "MSE", "mae": "MAE", "huber": "Huber"}

_SUPERSCRIPT = str.maketrans("-0123456789",
                             "\u207b\u2070\u00b9\u00b2\u00b3\u2074"
                             "\u2075\u2076\u2077\u2078\u2079")


def human_number(x: float, digits: int = 3) -> str:
    """A number as the book's explorer prints it.

    ``digits`` significant digits, trailing zeros kept; a true minus sign
    (U+2212); plain for magnitudes in [0.01, 1000), else
    ``a \u00d7 10\u207f`` with a superscript exponent. The page's script
    (``explorer_face.js``) formats its numbers the same way, so the
    browser tests compare its text with this function's.

    >>> human_number(-15.71), human_number(15899.6), human_number(0.5)
    ('\u221215.7', '1.59 \u00d7 10\u2074', '0.500')
    """
    x = float(x)
    if x == 0:
        return "0"
    if not np.isfinite(x):
        return ("\u2212" if x < 0 else "") + "\u221e"
    sign = "\u2212" if x < 0 else ""
    a = abs(x)
    if 0.01 <= a < 1000:
        text = f"{a:#.{digits}g}".rstrip(".")
        if "e" not in text:
            return sign + text
    mantissa, exp = f"{a:.{digits - 1}e}".split("e")
    return f"{sign}{mantissa} \u00d7 10{str(int(exp)).translate(_SUPERSCRIPT)}"


@dataclass(frozen=True)
class Setup:
    """A settled neuron, its ordinary data, and the example to corrupt.

    ``x`` is an ordinary example whose ``feature`` becomes the outlier;
    ``y_o`` its (ordinary) target.
    """

    neuron: Neuron
    X: Array
    x: Array
    y_o: float
    feature: int = 0


@dataclass(frozen=True)
class OutlierState:
    """Everything the explorer shows for one setting."""

    kind: str
    size: float
    lr: float
    loss: str
    before: Neuron
    after: Neuron
    z_before: Array
    z_after: Array
    g: float

    @property
    def active_before(self) -> float:
        """Fraction of ordinary rows with ``z > 0`` before the step."""
        return float(np.mean(self.z_before > 0))

    @property
    def active_after(self) -> float:
        """Fraction of ordinary rows with ``z > 0`` after the step."""
        return float(np.mean(self.z_after > 0))

    @property
    def dead(self) -> bool:
        """True when ``z <= 0`` on every ordinary row after the step."""
        return bool(np.all(self.z_after <= 0))

    def summary(self) -> str:
        """Two lines of text: the new parameters and the verdict."""
        w = ", ".join(f"{v:.3g}" for v in self.after.w)
        verdict = "DEAD" if self.dead else "alive"
        return (
            f"g = {self.g:.3g};  after: w = ({w}), b = {self.after.b:.3g}\n"
            f"active on {self.active_before:.0%} of rows before, "
            f"{self.active_after:.0%} after: {verdict}"
        )


class OutlierExplorer:
    """Compute and draw one outlier step for each input kind.

    Parameters
    ----------
    setups : dict
        Input kind (e.g. ``"nonnegative"``) mapped to its :class:`Setup`.
    """

    def __init__(self, setups: dict[str, Setup]) -> None:
        if not setups:
            raise ValueError("setups is empty; give at least one kind")
        self.setups = dict(setups)
        self._z_before = {
            k: s.neuron.pre_activation(s.X) for k, s in self.setups.items()
        }
        self._fig: Figure | None = None
        self._artists: dict | None = None

    @property
    def kinds(self) -> tuple[str, ...]:
        """The input kinds, in the order given."""
        return tuple(self.setups)

    # -- computation ----------------------------------------------------------
    def state(
        self, size: float, lr: float, loss: str = "mse", kind: str = ""
    ) -> OutlierState:
        """The step for one setting; ``kind`` defaults to the first."""
        kind = kind or self.kinds[0]
        check_choice(kind, "input kind", self.kinds)
        lr = check_positive(lr, "lr (the learning rate)")
        s = self.setups[kind]
        x_o = outlier_example(s.x, s.feature, float(size))
        after = s.neuron.step(x_o[None, :], [s.y_o], lr, loss)
        _, _, db = s.neuron.loss_and_grads(x_o[None, :], [s.y_o], loss)
        return OutlierState(
            kind=kind, size=float(size), lr=lr, loss=loss,
            before=s.neuron, after=after,
            z_before=self._z_before[kind],
            z_after=after.pre_activation(s.X),
            g=float(db),  # with one example, dL/db is g itself
        )

    # -- drawing --------------------------------------------------------------
    @staticmethod
    def _setup_scales(ax: Axes, ticks: list[float],
                      labels: list[str]) -> None:
        """Scales, limits and ticks; once per group of shared axes."""
        ax.set_xscale("symlog", linthresh=1.0)
        ax.set_xlim(-ZLIM, ZLIM)
        ax.set_xticks(ticks, labels)
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_ylim(-0.6, 1.6)
        ax.set_yticks([0, 1], ["after", "before"])

    @staticmethod
    def _setup_axes(ax: Axes, n: int, scales: bool = True) -> dict:
        if scales:
            OutlierExplorer._setup_scales(ax, _TICKS, _LABELS)
            ax.set_xlabel("pre-activation z (symmetric log scale)")
        ax.axvline(0.0, color=style.PALETTE["black"], linewidth=1)
        ax.grid(axis="y", visible=False)
        rng = np.random.default_rng(0)
        jitter = rng.uniform(-0.25, 0.25, n)
        arts = {"jitter": jitter}
        for row in ("before", "after"):
            for st in ("alive", "dead"):
                sty = style.STATE_STYLE[st]
                (arts[row, st],) = ax.plot(
                    [], [], linestyle="none", marker=sty["marker"],
                    color=sty["color"], markersize=4, alpha=0.6,
                    markerfacecolor="none" if st == "alive" else None,
                    label=(f"{st} row (z {'>' if st == 'alive' else '<='}"
                           " 0)") if row == "before" else None,
                )
        arts["title"] = ax.set_title("")
        return arts

    @staticmethod
    def _draw_state(arts: dict, st: OutlierState) -> None:
        jitter = arts["jitter"]
        for row, z, base in (("before", st.z_before, 1.0),
                             ("after", st.z_after, 0.0)):
            alive = z > 0
            arts[row, "alive"].set_data(z[alive], base + jitter[alive])
            arts[row, "dead"].set_data(z[~alive], base + jitter[~alive])

    def draw(self, ax: Axes, st: OutlierState, title: str = "",
             scales: bool = True) -> dict:
        """Draw one state into ``ax``; returns the artists to update.

        ``scales=False`` leaves the scales, limits, ticks and axis label
        alone (for axes that share them with one already set up).
        """
        arts = self._setup_axes(ax, st.z_before.size, scales)
        self._draw_state(arts, st)
        arts["title"].set_text(title)
        return arts

    def figure(self) -> Figure:
        """The explorer's figure (created once, reused by updates).

        The static parts (axes, ticks, legend) are drawn once and kept as
        a background bitmap; an update redraws only the moving artists
        on top of it (blitting), which keeps it well under 100 ms.
        """
        if self._fig is None:
            fig = Figure(figsize=(7.0, 3.6), dpi=80, layout="constrained")
            FigureCanvasAgg(fig)
            ax = fig.add_subplot()
            n = next(iter(self._z_before.values())).size
            arts = self._setup_axes(ax, n)
            ax.legend(loc="upper left", fontsize=8, ncols=2)
            arts["text"] = fig.text(0.01, 0.005, "", fontsize=9,
                                    va="bottom", family="monospace")
            fig.get_layout_engine().set(h_pad=0.35)
            arts["title"].set_text("title placeholder")
            # lay out once (no rendering needed), then freeze the layout
            fig.get_layout_engine().execute(fig)
            fig.set_layout_engine("none")
            moving = [arts[k] for k in arts if isinstance(k, tuple)]
            moving += [arts["title"], arts["text"]]
            for a in moving:
                a.set_animated(True)
            fig.canvas.draw()
            arts["background"] = fig.canvas.copy_from_bbox(fig.bbox)
            arts["moving"] = moving
            self._fig, self._artists = fig, arts
        return self._fig

    def update(
        self, size: float, lr: float, loss: str = "mse", kind: str = ""
    ) -> bytes:
        """Compute one setting, redraw the figure, return it as PNG bytes.

        This is all the work of one widget update, so timing it measures
        the explorer's latency without a browser.
        """
        st = self.state(size, lr, loss, kind)
        fig = self.figure()
        arts = self._artists
        self._draw_state(arts, st)
        arts["title"].set_text(
            f"{KIND_LABELS.get(st.kind, st.kind)} inputs, outlier "
            f"{human_number(st.size)}, learning rate {human_number(st.lr)}, "
            f"{LOSS_LABELS.get(st.loss, st.loss)}"
        )
        arts["text"].set_text(st.summary())
        canvas = fig.canvas
        canvas.restore_region(arts["background"])
        for a in arts["moving"]:
            fig.draw_artist(a)
        rgba = np.asarray(canvas.buffer_rgba())
        buf = io.BytesIO()
        PIL.Image.fromarray(rgba).save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def widget(self):  # pragma: no cover - needs a kernel front end
        """Live ipywidgets controls and the image they redraw."""
        import ipywidgets as widgets

        size = widgets.FloatLogSlider(value=100, base=10, min=0, max=5,
                                      step=0.05, description="outlier")
        lr = widgets.FloatLogSlider(value=0.01, base=10, min=-5, max=0,
                                    step=0.1, description="lr")
        loss = widgets.Dropdown(options=[(v, k) for k, v in
                                         LOSS_LABELS.items()],
                                value="mse", description="loss")
        kind = widgets.ToggleButtons(options=[(KIND_LABELS.get(k, k), k)
                                              for k in self.kinds],
                                     description="inputs")
        image = widgets.Image(format="png")

        def redraw(_=None) -> None:
            image.value = self.update(size.value, lr.value, loss.value,
                                      kind.value)

        for c in (size, lr, loss, kind):
            c.observe(redraw, names="value")
        redraw()
        return widgets.VBox([widgets.HBox([size, lr]),
                             widgets.HBox([loss, kind]), image])

    def small_multiples(
        self, sizes: list[float], lr: float, loss: str = "mse"
    ) -> Figure:
        """Rows: input kinds; columns: outlier sizes (static face).

        All panels share their axes, so scales and ticks are set once,
        and the margins are fixed (no layout engine): drawing it costs
        little more than drawing its markers.
        """
        nr, nc = len(self.kinds), len(sizes)
        # Sized so that the page shows it near its natural size: the
        # fonts then read like those of the book's other figures.
        row_h = 1.9
        height = row_h * nr + 0.6
        width = style.WIDE_WIDTH  # the book's wide figure
        fig = Figure(figsize=(width, height))
        axes = fig.subplots(
            nr, nc, sharex=True, sharey=True, squeeze=False,
            gridspec_kw={"left": 0.6 / width, "right": 0.98,
                         "wspace": 0.08,
                         "top": 1 - 0.6 / height,
                         "bottom": 0.85 / height,
                         "hspace": 0.85 * row_h / height},
        )
        self._setup_scales(axes[0, 0], [-1e6, 0.0, 1e6],
                           ["\u221210\u2076", "0", "10\u2076"])
        for i, kind in enumerate(self.kinds):
            for j, s in enumerate(sizes):
                st = self.state(s, lr, loss, kind)
                ax = axes[i, j]
                verdict = "dead" if st.dead else "alive"
                self.draw(ax, st, f"{KIND_LABELS.get(kind, kind)}, "
                          f"size {s:g}:\n"
                          f"{st.active_after:.0%} active, {verdict}",
                          scales=False)
                ax.title.set_fontsize(10)
                ax.tick_params(labelsize=10)
        for ax in axes[-1]:
            ax.set_xlabel("$z$ (symmetric log)", fontsize=10)
        handles, _ = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles[:2], ["active row ($z > 0$)",
                                 "inactive row ($z \\leq 0$)"],
                   loc="lower center", ncols=2, fontsize=10)
        return fig

    def page_data(self, digits: int = 6) -> dict:
        """What the page's script needs, as plain JSON-ready data.

        Per input kind: the settled ``w`` and ``b``, the ordinary rows
        ``X``, the example ``x`` that becomes the outlier, its target
        ``y_o`` and the broken ``feature``; numbers rounded to ``digits``
        significant digits (the page computes with these, so the stored
        page is the same on every CPU; the browser tests compute their
        expectations from the same rounded numbers). Also three rows per
        kind to follow through the step: the most active row, a median
        row and the row with the smallest value of the broken feature.
        """
        digits = int(digits)
        if not 2 <= digits <= 17:
            raise ValueError(f"digits must be in [2, 17], got {digits}")

        def r(a):
            out = np.asarray(a, dtype=np.float64)
            return [float(f"{v:.{digits}g}") for v in out.ravel()]

        setups, highlight = {}, []
        for kind, s in self.setups.items():
            X = np.asarray(s.X, dtype=np.float64)
            setups[kind] = {
                "w": r(s.neuron.w), "b": r([s.neuron.b])[0],
                "X": [r(row) for row in X], "x": r(s.x),
                "y_o": r([s.y_o])[0], "feature": int(s.feature),
            }
            z = self._z_before[kind]
            order = np.argsort(z, kind="stable")
            rows = [int(order[-1]), int(order[z.size // 2]),
                    int(np.argmin(X[:, s.feature]))]
            highlight.append(list(dict.fromkeys(rows)))
        return {
            "kinds": list(self.kinds),
            "kindLabels": {k: KIND_LABELS.get(k, k) for k in self.kinds},
            "lossLabels": LOSS_LABELS,
            "setups": setups,
            "highlight": highlight,
            "letters": ["A", "B", "C"],
            "why": ["most active", "median", "smallest outlier feature"],
            "delta": 1.0,  # the Huber loss's delta (relu_notes.losses)
            # outlier.critical_size's search interval and steps
            "bounds": [1e-3, 1e12], "iters": 60,
        }

    def page_html(
        self, uid: str = "outlier-explorer", size: float = 1000.0,
        lr: float = 0.01, loss: str = "mse", kind: str = "",
    ) -> str:
        """The explorer computed in the page (no kernel, no network).

        An HTML fragment: the data of :meth:`page_data` as JSON, the
        controls of the live face (outlier size and learning rate on
        log scales with labelled stops, loss, input kind), two SVG charts,
        a table of three rows followed through the step, the numbers
        that matter, a live region, and the script ``explorer_face.js``
        inlined. ``size``, ``lr``, ``loss``, ``kind`` are the starting
        setting. ``uid`` must be an HTML id (letters, digits, ``-``,
        ``_``).
        """
        if not re.fullmatch(r"[A-Za-z][\w-]*", uid):
            raise ValueError(f"uid must be an HTML id, got {uid!r}")
        size = check_positive(size, "size (the outlier size)")
        lr = check_positive(lr, "lr (the learning rate)")
        check_choice(loss, "loss", tuple(LOSS_LABELS))
        kind = kind or self.kinds[0]
        check_choice(kind, "input kind", self.kinds)
        s0 = self.setups[self.kinds[0]]
        data = self.page_data()
        # JSON inside <script>: no "<" at all, so no "</script>" either.
        payload = json.dumps(data, separators=(",", ":")).replace(
            "<", "\\u003c")
        e = html.escape
        d = s0.neuron.d
        w_cells = ", ".join(
            f'<span data-ox="w{j}"></span>' for j in range(d))
        size_stops = "".join(
            f'<span data-v="{k}">{_decade(k)}</span>' for k in range(6))
        lr_stops = "".join(
            f'<span data-v="{k}">{_decade(k)}</span>'
            for k in range(-5, 1))
        losses_html = "".join(
            f'<label><input type="radio" class="ox-loss" '
            f'name="{uid}-loss" value="{k}"'
            f'{" checked" if k == loss else ""}> {e(v)}</label>'
            for k, v in LOSS_LABELS.items())
        kinds_html = "".join(
            f'<label><input type="radio" class="ox-kind" '
            f'name="{uid}-kind" value="{e(k)}"'
            f'{" checked" if k == kind else ""}> '
            f"{e(KIND_LABELS.get(k, k))}</label>"
            for k in self.kinds)
        x_f = np.asarray(s0.X)[:, s0.feature]
        return (_PAGE_TEMPLATE
                .replace("__UID__", uid)
                .replace("__DATA__", payload)
                .replace("__SIZE__", f"{np.log10(size):.2f}")
                .replace("__LR__", f"{np.log10(lr):.1f}")
                .replace("__SIZE_STOPS__", size_stops)
                .replace("__LR_STOPS__", lr_stops)
                .replace("__LOSSES__", losses_html)
                .replace("__KINDS__", kinds_html)
                .replace("__W__", w_cells)
                .replace("__FEATURE__", str(int(s0.feature)))
                .replace("__N__", str(int(np.asarray(s0.X).shape[0])))
                .replace("__RANGE__", f"{human_number(x_f.min())} to "
                                      f"{human_number(x_f.max())}")
                .replace("__CSS__", _PAGE_CSS)
                .replace("__JS__", _page_script()))


def _decade(k: int) -> str:
    """Label of the power of ten 10**k: 1, 10, 100, 0.1, 0.01, else 10^k
    with a superscript exponent."""
    plain = {0: "1", 1: "10", 2: "100", -1: "0.1", -2: "0.01"}
    return plain.get(k, "10" + str(k).translate(_SUPERSCRIPT))


def _page_script() -> str:
    js = resources.files("relu_notes").joinpath(
        "explorer_face.js").read_text(encoding="utf-8")
    if "</script" in js.lower():
        raise ValueError("explorer_face.js must not contain '</script'")
    return js


_PAGE_CSS = """
.ox{--ox-fg:var(--pst-color-text-base,#222);
--ox-muted:var(--pst-color-text-muted,#5f5f5f);
--ox-bg:var(--pst-color-background,#fff);
--ox-line:var(--pst-color-border,#ccc);
--ox-alive:#0072B2;--ox-dead:#D55E00;--ox-bias:#E69F00;
--ox-weight:#CC79A7;--ox-thumb:16px;
color:var(--ox-fg);background:var(--ox-bg);margin:0 0 .5em;
font-size:1rem;line-height:1.45;text-align:left}
html[data-theme=dark] .ox{--ox-alive:#56B4E9;--ox-dead:#F07E3C;
--ox-weight:#E3A2C7}
.ox *{box-sizing:border-box}
.ox-controls{display:grid;gap:.6em 1.6em;
grid-template-columns:repeat(auto-fit,minmax(min(100%,16em),1fr))}
.ox-ctl{min-width:0;border:0;margin:0;padding:0}
.ox-ctl>label,.ox-ctl>legend{font-weight:600;display:block;
padding:0;margin:0 0 .1em;font-size:1rem}
.ox-ctl output{font-weight:400;font-variant-numeric:tabular-nums}
.ox-track{position:relative;padding-bottom:1.5em}
.ox-track input[type=range]{width:100%;margin:.35em 0 0;
accent-color:var(--pst-color-primary,#0a7d91);position:relative;z-index:1}
.ox-stops span{position:absolute;bottom:0;transform:translateX(-50%);
font-size:.85em;color:var(--ox-muted);white-space:nowrap}
.ox-killzone{position:absolute;top:.55em;height:1.1em;
right:calc(var(--ox-thumb)/2);border-radius:2px;
background:repeating-linear-gradient(135deg,var(--ox-dead) 0 2px,
transparent 2px 6px);opacity:.55}
.ox-sstar-mark{position:absolute;top:-.2em;transform:translateX(-50%);
font-size:.85em;color:var(--ox-dead);font-weight:600}
.ox-choices{display:flex;flex-wrap:wrap;gap:.2em 1em}
.ox-choices label{white-space:nowrap;cursor:pointer}
.ox-sweep{margin-top:.3em;font:inherit;font-size:.9em;
padding:.15em .7em;border:1px solid var(--ox-line);border-radius:.3em;
background:transparent;color:inherit;cursor:pointer}
.ox :focus-visible{outline:2px solid var(--pst-color-primary,#0a7d91);
outline-offset:2px}
.ox-values{display:grid;
grid-template-columns:minmax(7em,max-content) minmax(0,1fr);
gap:.1em 1em;margin:.8em 0 .4em;font-variant-numeric:tabular-nums}
.ox-values dt{color:var(--ox-muted);font-weight:400}
.ox-values dd{margin:0;overflow-wrap:anywhere}
.ox-verdict{font-weight:600;color:var(--ox-alive)}
.ox-is-dead .ox-verdict{color:var(--ox-dead)}
.ox-strips,.ox-curve{width:100%;min-width:0;contain:layout paint}
.ox-strips{min-height:300px}.ox-curve{min-height:200px}
.ox svg{display:block;max-width:100%;height:auto;overflow:visible}
.ox svg text{fill:var(--ox-fg);font-size:13px;font-family:inherit}
.ox svg .ox-tick{fill:var(--ox-muted);font-size:12px}
.ox svg .ox-letter{font-weight:700;font-size:13px}
.ox-alive{fill:none;stroke:var(--ox-alive);stroke-width:1.3;opacity:.75}
.ox-dead{fill:none;stroke:var(--ox-dead);stroke-width:1.3;opacity:.75}
.ox-hl{stroke-width:2.4;opacity:1}
.ox-zero{stroke:var(--ox-fg);stroke-width:1}
.ox-axis{stroke:var(--ox-muted);stroke-width:1}
.ox-gridline{stroke:var(--ox-line);stroke-width:1}
.ox-guide{stroke:var(--ox-muted);stroke-width:1;stroke-dasharray:2 3}
.ox-bias{stroke:var(--ox-bias);stroke-width:4}
.ox-weight{stroke:var(--ox-weight);stroke-width:4;stroke-dasharray:7 3}
.ox-line{fill:none;stroke:var(--ox-alive);stroke-width:2}
.ox-cursor{stroke:var(--ox-fg);stroke-width:1.5}
.ox-cursor-dot{fill:var(--ox-bg);stroke:var(--ox-fg);stroke-width:2}
.ox-sstar{stroke:var(--ox-dead);stroke-width:1.5;stroke-dasharray:4 3}
.ox-deadzone{fill:var(--ox-dead);opacity:.12}
.ox-lower{display:flex;flex-wrap:wrap;gap:.5em 1.5em;align-items:flex-start}
.ox-lower>*{flex:1 1 18em;min-width:0}
.ox-lower>table{flex-basis:27em}
.ox-rows td{white-space:nowrap}
.ox-key{font-size:.9em;color:var(--ox-muted);margin:.2em 0 .6em}
.ox-key b{font-weight:600}
.ox-sw{display:inline-block;width:1.6em;height:0;vertical-align:middle;
border-top:4px solid var(--ox-bias);margin-right:.25em}
.ox-sw-w{border-top:4px dashed var(--ox-weight)}
.ox-rows{width:100%;border-collapse:collapse;font-size:.9em;
font-variant-numeric:tabular-nums}
.ox-rows th,.ox-rows td{padding:.2em .4em;text-align:right;
border-bottom:1px solid var(--ox-line)}
.ox-rows th[scope=row],.ox-rows thead th:first-child{text-align:left;
font-weight:600}
.ox-rows caption{caption-side:top;text-align:left;color:var(--ox-muted);
font-size:.95em}
@media (max-width:599.98px){.ox-values{grid-template-columns:1fr}
.ox-values dt{font-size:.85em;margin-top:.25em}
.ox-rows thead{display:none}
.ox-rows tr{display:grid;grid-template-columns:1fr 1fr;
border-bottom:1px solid var(--ox-line);padding:.3em 0}
.ox-rows th,.ox-rows td{border:0;text-align:left}
.ox-rows th[scope=row]{grid-column:1/-1}
.ox-rows td::before{content:attr(data-label);display:block;
font-size:.8em;color:var(--ox-muted)}}
.ox-status{position:absolute;width:1px;height:1px;overflow:hidden;
clip:rect(0 0 0 0);white-space:nowrap}
"""

_PAGE_TEMPLATE = r"""<div class="ox" id="__UID__" data-ox-root>
<style>__CSS__</style>
<script type="application/json" class="ox-data">__DATA__</script>
<div class="ox-controls">
<div class="ox-ctl">
<label for="__UID__-size">Outlier size
<output data-ox="size" for="__UID__-size"></output></label>
<div class="ox-track">
<div class="ox-killzone" hidden title="sizes that kill in one step"></div>
<div class="ox-sstar-mark" hidden aria-hidden="true">s*&#x25BE;</div>
<input type="range" class="ox-size" id="__UID__-size" min="0" max="5"
step="0.01" value="__SIZE__" aria-describedby="__UID__-sstar">
<div class="ox-stops" aria-hidden="true">__SIZE_STOPS__</div>
</div>
<button type="button" class="ox-sweep" aria-pressed="false">Sweep the
size</button>
</div>
<div class="ox-ctl">
<label for="__UID__-lr">Learning rate
<output data-ox="lr" for="__UID__-lr"></output></label>
<div class="ox-track">
<input type="range" class="ox-lr" id="__UID__-lr" min="-5" max="0"
step="0.1" value="__LR__">
<div class="ox-stops" aria-hidden="true">__LR_STOPS__</div>
</div>
</div>
<fieldset class="ox-ctl"><legend>Loss</legend>
<div class="ox-choices">__LOSSES__</div></fieldset>
<fieldset class="ox-ctl"><legend>Inputs</legend>
<div class="ox-choices">__KINDS__</div></fieldset>
</div>
<dl class="ox-values">
<dt>gradient at the ReLU, g</dt><dd data-ox="g"></dd>
<dt>new weights w&#x2032;</dt><dd>(__W__)</dd>
<dt>new bias b&#x2032;</dt><dd data-ox="b"></dd>
<dt>rows active</dt><dd><span data-ox="active-before"></span> before,
<span data-ox="active-after"></span> after</dd>
<dt>after the step</dt><dd class="ox-verdict" data-ox="verdict"></dd>
<dt id="__UID__-sstar">critical size s*</dt><dd data-ox="sstar"></dd>
</dl>
<div class="ox-strips"></div>
<p class="ox-key">Each mark is one of the __N__ ordinary rows: circles
are active (z&nbsp;&gt;&nbsp;0), crosses inactive (z&nbsp;&#x2264;&nbsp;0).
Rows A, B, C move from z to z&#x2032; in two parts:
<span class="ox-sw"></span><b>bias part</b> &#x2212;&#x3B7;g, then
<span class="ox-sw ox-sw-w"></span><b>weight part</b>
&#x2212;&#x3B7;g&#x2009;x<sub>o</sub>&#x2009;&#xB7;&#x2009;x.
The outlier is feature __FEATURE__ set to the size s (its ordinary
values run from __RANGE__).</p>
<div class="ox-lower">
<div class="ox-curve"></div>
<table class="ox-rows">
<caption>Three rows through the step</caption>
<thead><tr><th scope="col">row</th><th scope="col">z before</th>
<th scope="col">bias part</th><th scope="col">weight part</th>
<th scope="col">z after</th></tr></thead>
<tbody></tbody></table>
</div>
<p class="ox-status" role="status" aria-live="polite"></p>
<noscript><p>This figure computes in the page and needs JavaScript; the
small multiples below show the same step for a few sizes.</p></noscript>
</div>
<script>__JS__</script>
"""
