"""Micro-benchmarks for ``benchmarks/run.py``.

Each benchmark is a function with no arguments that returns rows
``(name, value, target, ok)``: ``value`` and ``target`` are display
strings, ``ok`` is True, False, or None when there is no target. Register
a benchmark by adding it to :data:`BENCHMARKS`.
"""

from __future__ import annotations

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
    point and on 33 points of [-1, 1])."""
    from relu_notes import theory

    interval = np.linspace(-1, 1, 33)[:, None]

    def run() -> None:
        for i, width in enumerate([2, 3, 4, 6, 8]):
            theory.born_dead_monte_carlo(width, 50, 4000, seed=i)
            theory.first_dead_layer(width, 50, interval, 4000, seed=i)

    t = best_of(run, repeat=3)
    return [("born-dead Monte Carlo table (Part III)", f"{t:.2f} s",
             "<= 2 s", t <= 2)]


BENCHMARKS: list[Callable[[], list[Row]]] = [
    activations_throughput,
    mlp_forward_backward,
    born_dead_table,
]
