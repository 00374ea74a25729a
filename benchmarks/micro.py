"""Micro-benchmarks for ``benchmarks/run.py``.

Each benchmark is a function with no arguments that returns rows
``(name, value, target, ok)``: ``value`` and ``target`` are display
strings, ``ok`` is True, False, or None when there is no target. Register
a benchmark by adding it to :data:`BENCHMARKS`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

Row = tuple[str, str, str, bool | None]


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """Shortest wall time of ``repeat`` calls of ``fn``, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def activations_throughput() -> list[Row]:
    """All six activations and derivatives on 10**6 points."""
    from relu_notes import activations

    x = np.linspace(-10, 10, 1_000_000)

    def run() -> None:
        for f, df in activations.ACTIVATIONS.values():
            f(x)
            df(x)

    t = best_of(run, repeat=3)
    return [("activations + grads, 1e6 points", f"{t * 1e3:.0f} ms",
             "", None)]


def mlp_forward_backward() -> list[Row]:
    """One forward and backward pass of Nielsen's [784, 30, 30, 30, 30, 10]
    sigmoid network on a batch of 1000 rows (Part III)."""
    from relu_notes.mlp import MLP

    rng = np.random.default_rng(0)
    X = rng.random((1000, 784))
    Y = rng.random((1000, 10))
    net = MLP([784, 30, 30, 30, 30, 10], "sigmoid", init="lecun")
    t = best_of(lambda: net.trace(X, Y), repeat=5)
    return [("MLP forward+backward, [784,30x4,10], 1000 rows",
             f"{t * 1e3:.1f} ms", "<= 50 ms", t <= 0.05)]


def born_dead_table() -> list[Row]:
    """The heaviest Monte Carlo of Part III: the born-dead table of the
    chapter on dead units (widths 2-8, depth 50, 4000 networks each, at a
    point and on 33 points of [-1, 1]; the chapter itself now uses 9
    points, which by homogeneity give the same answer, so this is the
    heavier case)."""
    from relu_notes import theory

    interval = np.linspace(-1, 1, 33)[:, None]

    def run() -> None:
        for i, width in enumerate([2, 3, 4, 6, 8]):
            theory.born_dead_monte_carlo(width, 50, 4000, seed=i)
            theory.first_dead_layer(width, 50, interval, 4000, seed=i)

    t = best_of(run, repeat=3)
    return [("born-dead Monte Carlo table (Part III)", f"{t:.2f} s",
             "<= 2 s", t <= 2)]


def training_run() -> list[Row]:
    """One training run of Part IV's baseline (640 listings, [6, 32, 32,
    1] ReLU network, 80 SGD steps), in a child process with one BLAS
    thread, as the chapters run it (see their first cell)."""
    code = (
        "import time\n"
        "from relu_notes.experiments import BASELINE, run\n"
        "run(BASELINE, 0)\n"
        "t = []\n"
        "for s in range(5):\n"
        "    t0 = time.perf_counter(); run(BASELINE, s)\n"
        "    t.append(time.perf_counter() - t0)\n"
        "print(min(t))\n"
    )
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True,
        capture_output=True, text=True,
    )
    t = float(out.stdout.split()[-1])
    return [("Part IV training run (baseline, 80 steps)",
             f"{t * 1e3:.0f} ms", "<= 1 s", t <= 1.0)]


BENCHMARKS: list[Callable[[], list[Row]]] = [
    activations_throughput,
    mlp_forward_backward,
    born_dead_table,
    training_run,
]


def _settled_setup(kind: str = "nonnegative"):
    """The chapter's settled neuron, data and outlier example."""
    from relu_notes import data
    from relu_notes.neuron import Neuron, train

    X, y = data.make_data(200, [0.8, 0.5, -0.4], 0.2, kind, noise=0.05,
                          rng=0)
    neuron, _ = train(Neuron([0.1, 0.1, 0.1], 0.1), X, y, 0.1, 1000)
    return neuron, X, y


def outlier_sweep_speedup() -> list[Row]:
    """200 x 200 (outlier size x learning rate) sweep of one SGD step and
    the death test: vectorised vs a plain loop over ``Neuron.step``."""
    from relu_notes import outlier

    neuron, X, y = _settled_setup()
    sizes = np.logspace(0, 5, 200)
    lrs = np.logspace(-5, 0, 200)
    S, L = np.meshgrid(sizes, lrs)

    def vectorised() -> object:
        return outlier.dead_after_steps(neuron, X, X[0], y[0], 0, S, L)

    t_vec = best_of(vectorised, repeat=3)
    sub = 40  # the loop runs on every 40th setting: 1000 of 40 000
    pairs = list(zip(S.ravel()[::sub], L.ravel()[::sub], strict=True))

    def loop() -> None:
        for s, lr in pairs:
            x_o = X[0].copy()
            x_o[0] = s
            neuron.step(x_o[None, :], [y[0]], lr).is_dead(X)

    t_loop = best_of(loop, repeat=1) * sub
    speedup = t_loop / t_vec
    return [
        ("200x200 outlier sweep, vectorised", f"{t_vec * 1e3:.0f} ms",
         "", None),
        ("200x200 outlier sweep, loop over Neuron.step (1/40 timed, x40)",
         f"{t_loop:.1f} s", "", None),
        ("outlier sweep speed-up (loop / vectorised)", f"{speedup:.0f}x",
         ">= 50x", speedup >= 50),
    ]


def explorer_latency() -> list[Row]:
    """Median time of one explorer update (compute, redraw, PNG), the
    work behind every widget change, over 15 updates."""
    import matplotlib

    matplotlib.use("Agg")
    from relu_notes.explorer import OutlierExplorer, Setup

    setups = {}
    for kind in ("nonnegative", "zero_mean"):
        neuron, X, y = _settled_setup(kind)
        setups[kind] = Setup(neuron, X, X[0], float(y[0]))
    ex = OutlierExplorer(setups)
    ex.update(100.0, 0.01)  # first call builds the figure
    times = []
    for i, s in enumerate(np.logspace(0, 5, 15)):
        kind = ex.kinds[i % 2]
        loss = ("mse", "mae", "huber")[i % 3]
        start = time.perf_counter()
        ex.update(float(s), 10 ** (-1 - i % 4), loss, kind)
        times.append(time.perf_counter() - start)
    med = float(np.median(times))
    return [("explorer update latency (median of 15)",
             f"{med * 1e3:.0f} ms", "< 100 ms", med < 0.1)]


BENCHMARKS += [outlier_sweep_speedup, explorer_latency]


def figure() -> list[Row]:
    """Rendering one wide three-panel figure the way the book stores it
    (:func:`relu_notes.style.image`: PNG at twice the screen resolution,
    reduced to a 256-colour palette)."""
    from relu_notes import style

    style.use()
    fig, axes = style.figure("wide", aspect=0.5, ncols=3)
    x = np.linspace(0, 10, 500)
    for ax in axes.flat:
        for k in range(4):
            ax.plot(x, np.sin(k * x) + k)
        ax.set_title("a panel")
        ax.set_xlabel("step")
    t = best_of(lambda: style.image(fig), repeat=3)
    kb = len(style.image(fig)[0]) / 1024
    return [("figure: wide, three panels, stored PNG",
             f"{t * 1e3:.0f} ms, {kb:.0f} KB", "<= 500 ms", t <= 0.5)]


BENCHMARKS += [figure]
