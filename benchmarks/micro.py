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


BENCHMARKS: list[Callable[[], list[Row]]] = [activations_throughput]
