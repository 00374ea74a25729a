"""The outlier explorer: one SGD step on one outlier, drawn.

Explained in the chapter *An outlier kills a neuron*
(``chapters/an-outlier-kills-a-neuron.ipynb``).

The explorer has three faces, all drawn by the code here:

- live: :meth:`OutlierExplorer.widget` builds ipywidgets controls
  (outlier size, learning rate, loss, input kind) that redraw a PNG image;
  :meth:`OutlierExplorer.update` is the whole work of one redraw and can
  be timed without a browser (``benchmarks/micro.py`` does);
- moving without a kernel: :meth:`OutlierExplorer.player_html` is an HTML
  page fragment with a slider (and a play button) over frames computed
  in Python, drawn by a few lines of JavaScript on a canvas;
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
from dataclasses import dataclass

import numpy as np
import PIL.Image
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator
from numpy.typing import NDArray

from relu_notes import style
from relu_notes._validate import (
    as_finite_array,
    check_choice,
    check_count,
    check_finite_scalar,
    check_html_id,
    check_index,
    check_positive,
)
from relu_notes.data import outlier_example
from relu_notes.neuron import Neuron

__all__ = ["OutlierExplorer", "OutlierState", "Setup"]

Array = NDArray[np.float64]

#: Limits of the symmetric-log axis, wide enough for every slider setting.
ZLIM = 1e10
#: Fixed ticks with plain-text labels: symlog's default mathtext labels
#: cost a parser run per tick on every redraw.
_TICKS = [-1e8, -1e4, -1.0, 0.0, 1.0, 1e4, 1e8]
_LABELS = ["\u221210\u2078", "\u221210\u2074", "\u22121", "0", "1",
           "10\u2074", "10\u2078"]


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

    def __post_init__(self) -> None:
        if not isinstance(self.neuron, Neuron):
            raise ValueError(
                f"neuron must be a Neuron, got {type(self.neuron).__name__}"
            )
        self.neuron._check_inputs(self.X)
        x = as_finite_array(self.x, "x", ndim=1)
        if x.size != self.neuron.d:
            raise ValueError(
                f"x has {x.size} entries; the neuron has {self.neuron.d} "
                "weights"
            )
        check_finite_scalar(self.y_o, "y_o")
        check_index(self.feature, "feature", self.neuron.d)


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
        for k, s in dict(setups).items():
            if not isinstance(k, str) or not isinstance(s, Setup):
                raise ValueError(
                    "setups must map input kinds (str) to Setup, got "
                    f"{k!r}: {type(s).__name__}"
                )
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
        size = check_finite_scalar(size, "size")
        s = self.setups[kind]
        x_o = outlier_example(s.x, s.feature, size)
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
            f"{st.kind} inputs, outlier {st.size:.3g}, lr {st.lr:.3g}, "
            f"{st.loss}"
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
        loss = widgets.Dropdown(options=["mse", "mae", "huber"],
                                value="mse", description="loss")
        kind = widgets.ToggleButtons(options=list(self.kinds),
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
        sizes = _sizes(sizes)
        nr, nc = len(self.kinds), len(sizes)
        # Sized so that the page shows it near its natural size: the
        # fonts then read like those of the book's other figures.
        row_h = 1.9
        height = row_h * nr + 0.6
        fig = Figure(figsize=(2.15 * nc + 0.5, height))
        axes = fig.subplots(
            nr, nc, sharex=True, sharey=True, squeeze=False,
            gridspec_kw={"left": 0.6 / (2.15 * nc + 0.5), "right": 0.98,
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
                self.draw(ax, st, f"{kind}, size {s:g}:\n"
                          f"{st.active_after:.0%} active, {verdict}",
                          scales=False)
                ax.title.set_fontsize(10)
                ax.tick_params(labelsize=10)
        for ax in axes[-1]:
            ax.set_xlabel("z (symmetric log)", fontsize=10)
        handles, labels = axes[0, 0].get_legend_handles_labels()
        fig.legend(handles[:2], labels[:2], loc="lower center",
                   ncols=2, fontsize=10)
        return fig

    def player_html(
        self, sizes: Array, lr: float, loss: str = "mse", rows: int = 120,
        uid: str = "outlier-player",
    ) -> str:
        """A kernel-free player: an HTML slider over precomputed frames.

        Every frame (one per outlier size) is computed here in Python;
        the page only draws the stored pre-activations on a ``<canvas>``
        with a few lines of JavaScript, so it needs no kernel and no
        network. ``rows`` ordinary rows per input kind are shown.
        ``uid`` is the HTML id of the player (letters, digits, '-', '_');
        everything written into the page is escaped.
        """
        uid = html.escape(check_html_id(uid), quote=True)
        rows = check_count(rows, "rows", 1)
        frames = []
        for s in _sizes(sizes):
            per_kind = {}
            for kind in self.kinds:
                st = self.state(float(s), lr, loss, kind)
                per_kind[kind] = {
                    "z": [float(f"{v:.4g}") for v in st.z_after[:rows]],
                    "w": [float(f"{v:.4g}") for v in st.after.w],
                    "b": float(f"{st.after.b:.4g}"),
                    "active": round(st.active_after, 3),
                    "dead": st.dead,
                }
            frames.append({"size": float(f"{s:.4g}"), "kinds": per_kind})
        before = {k: [float(f"{v:.4g}") for v in z[:rows]]
                  for k, z in self._z_before.items()}
        payload = json.dumps({
            "frames": frames, "before": before, "kinds": list(self.kinds),
            "lr": lr, "loss": loss,
            "alive": style.ALIVE, "dead": style.DEAD,
        }, separators=(",", ":"))
        # JSON inside <script>: "</script>" in a string must not end it
        payload = (payload.replace("<", "\\u003c").replace(">", "\\u003e")
                   .replace("&", "\\u0026"))
        return (_PLAYER_TEMPLATE
                .replace("__UID__", uid)
                .replace("__DATA__", payload)
                .replace("__LAST__", str(len(frames) - 1)))


def _sizes(sizes) -> Array:
    """Outlier sizes as a non-empty 1-d array of finite numbers."""
    sizes = as_finite_array(sizes, "sizes", ndim=1)
    if sizes.size == 0:
        raise ValueError("sizes is empty; give at least one outlier size")
    return sizes


_PLAYER_TEMPLATE = r"""
<div id="__UID__" style="font-family:sans-serif;max-width:760px">
<canvas width="760" height="330" style="width:100%;background:#fff;
border:1px solid #ddd" role="img" aria-label="Pre-activations of ordinary
data before and after one SGD step on an outlier; use the slider to change
the outlier size"></canvas>
<div style="display:flex;align-items:center;gap:0.6em;margin-top:0.3em">
<button type="button">&#9654; play</button>
<label>outlier size
<input type="range" min="0" max="__LAST__" value="0" step="1"
style="width:20em;vertical-align:middle"></label>
<output></output></div>
<pre style="font-size:0.8em;margin:0.3em 0;white-space:pre-wrap"></pre>
</div>
<script>
(function () {
  var D = __DATA__;
  var root = document.getElementById("__UID__");
  var cv = root.querySelector("canvas"), cx = cv.getContext("2d");
  var slider = root.querySelector("input"), out = root.querySelector(
    "output"), pre = root.querySelector("pre"), btn = root.querySelector(
    "button");
  var W = cv.width, H = cv.height, nk = D.kinds.length;
  var pw = W / nk, L = 10;   /* symlog axis from -1e10 to 1e10 */
  function sl(z) {           /* symmetric log, linear for |z| < 1 */
    var a = Math.abs(z);
    var t = a < 1 ? a : 1 + Math.log10(a);
    return z < 0 ? -t : t;
  }
  function px(k, z) {
    var x0 = k * pw + 20, x1 = (k + 1) * pw - 10;
    return x0 + (sl(z) + (L + 1)) / (2 * (L + 1)) * (x1 - x0);
  }
  function jit(i) { var s = Math.sin(i * 12.9898) * 43758.5453;
    return (s - Math.floor(s)) - 0.5; }
  function mark(x, y, alive, col) {
    cx.strokeStyle = col; cx.lineWidth = 1.2; cx.beginPath();
    if (alive) { cx.arc(x, y, 3.2, 0, 2 * Math.PI); }
    else { cx.moveTo(x - 3, y - 3); cx.lineTo(x + 3, y + 3);
           cx.moveTo(x - 3, y + 3); cx.lineTo(x + 3, y - 3); }
    cx.stroke();
  }
  function draw(f) {
    var F = D.frames[f];
    cx.fillStyle = "#fff"; cx.fillRect(0, 0, W, H);
    cx.font = "13px sans-serif"; cx.textAlign = "center";
    var lines = [];
    for (var k = 0; k < nk; k++) {
      var kind = D.kinds[k], S = F.kinds[kind];
      var yb = 95, ya = 215;
      cx.fillStyle = "#000";
      cx.fillText(kind + " inputs: " + Math.round(100 * S.active) +
        "% of rows active, " + (S.dead ? "DEAD" : "alive"),
        k * pw + pw / 2, 22);
      cx.strokeStyle = "#000"; cx.lineWidth = 1; cx.beginPath();
      cx.moveTo(px(k, 0), 35); cx.lineTo(px(k, 0), 275); cx.stroke();
      cx.font = "11px sans-serif"; cx.fillStyle = "#444";
      [-8, -4, 0, 4, 8].forEach(function (e) {
        var z = e === 0 ? 0 : (e < 0 ? -1 : 1) * Math.pow(10, Math.abs(e));
        var lab = e === 0 ? "0" : (e < 0 ? "\u2212" : "") + "1e" +
          Math.abs(e);
        cx.fillText(lab, px(k, z), 292);
      });
      cx.fillText("pre-activation z (symmetric log)", k * pw + pw / 2, 312);
      cx.textAlign = "left"; cx.fillText("before", k * pw + 22, 50);
      cx.fillText("after", k * pw + 22, 170); cx.textAlign = "center";
      var zb = D.before[kind];
      for (var i = 0; i < zb.length; i++) {
        var a1 = zb[i] > 0, a2 = S.z[i] > 0;
        mark(px(k, zb[i]), yb + 50 * jit(i), a1, a1 ? D.alive : D.dead);
        mark(px(k, S.z[i]), ya + 50 * jit(i), a2, a2 ? D.alive : D.dead);
      }
      cx.font = "13px sans-serif";
      lines.push(kind + ": w = (" + S.w.join(", ") + "), b = " + S.b);
    }
    out.textContent = F.size.toPrecision(3) + "  (lr " + D.lr + ", " +
      D.loss + ")";
    pre.textContent = "after the step:\n" + lines.join("\n") +
      "\ncircles: z > 0 (active); crosses: z <= 0 (inactive)";
  }
  var timer = null;
  function stop() { clearInterval(timer); timer = null;
    btn.innerHTML = "&#9654; play"; }
  btn.addEventListener("click", function () {
    if (timer) { stop(); return; }
    btn.innerHTML = "&#10074;&#10074; pause";
    timer = setInterval(function () {
      var v = (+slider.value + 1) % (+slider.max + 1);
      slider.value = v; draw(v);
    }, 300);
  });
  slider.addEventListener("input", function () { stop();
    draw(+slider.value); });
  draw(0);
})();
</script>
"""
