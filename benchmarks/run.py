"""Print the book's timing table.

Usage: ``make bench`` (or ``.venv/bin/python benchmarks/run.py``). Options:
``--quick`` skips the cold build, the rebuild and the test command, which
take minutes; ``--only NAME`` runs one micro-benchmark.

Rows:

- each notebook under ``chapters/``, executed in a fresh kernel (kernel
  start included), target at most 5 s;
- the micro-benchmarks registered in :mod:`micro` (vectorised sweeps,
  explorer latency, training runs), each with its own target;
- the cold book build (target 60 s), the rebuild with nothing changed, the
  PDF built right after it (``tools/build_pdf.py``, reusing the HTML
  build's executed notebooks; target 60 s), and the whole ``make test``
  (target 180 s).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

import micro  # noqa: E402


def time_notebook(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def time_command(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default=None)
    args = parser.parse_args()

    rows: list[tuple[str, str, str, str]] = []

    def add(name: str, value: str, target: str, ok: bool | None) -> None:
        verdict = "" if ok is None else ("ok" if ok else "OVER")
        rows.append((name, value, target, verdict))
        print(f"  {name}: {value}", file=sys.stderr, flush=True)

    if args.only is None:
        for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
            t = time_notebook(nb)
            add(f"notebook {nb.name}", f"{t:.2f} s", "<= 5 s", t <= 5)

    for bench in micro.BENCHMARKS:
        if args.only is not None and bench.__name__ != args.only:
            continue
        for row in bench():
            add(*row)

    if not args.quick and args.only is None:
        jb = str(ROOT / ".venv" / "bin" / "jupyter-book")
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "book"
            shutil.copytree(
                ROOT, copy,
                ignore=shutil.ignore_patterns(".venv", "_build", ".git"),
            )
            cold = time_command([jb, "build", ".", "-W", "-n",
                                 "--keep-going"], copy)
            add("cold book build", f"{cold:.1f} s", "<= 60 s", cold <= 60)
            warm = time_command([jb, "build", ".", "-W", "-n",
                                 "--keep-going"], copy)
            add("rebuild, nothing changed", f"{warm:.1f} s", "", None)
            python = str(ROOT / ".venv" / "bin" / "python")
            pdf = time_command([python, "tools/build_pdf.py"], copy)
            add("PDF after the HTML build", f"{pdf:.1f} s", "<= 60 s",
                pdf <= 60)
        t = time_command(["make", "test"], ROOT)
        add("make test (whole)", f"{t:.1f} s", "<= 180 s", t <= 180)

    width = max(len(r[0]) for r in rows)
    print(f"\n| {'what':<{width}} | time | target | |")
    print(f"| {'-' * width} | --- | --- | --- |")
    for name, value, target, verdict in rows:
        print(f"| {name:<{width}} | {value} | {target} | {verdict} |")


if __name__ == "__main__":
    main()
