"""Print the book's timing table.

Usage: ``make bench`` (or ``.venv/bin/python benchmarks/run.py``). Options:
``--quick`` skips the cold build, the rebuild and the test command, which



Rows:

- each notebook under ``chapters/``, executed in a fresh kernel (kernel
  start included), target at most 5 s;
- the micro-benchmarks registered in :mod:`micro` (vectorised sweeps,
  explorer latency, training runs), each with its own target;
- when the website is built (``_build/html``), in Chromium: each page's
  weight on a first visit (KB as served and gzipped; budget
  ``web_metrics.PAGE_BUDGET_GZ_KB`` gzipped) and the outlier explorer's
  recompute-and-redraw time per input event (goal: one frame, 16 ms),
  dragging the size and the learning rate;
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
from datetime import datetime
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))

import micro  # noqa: E402

sys.path.insert(0, str(ROOT / "tests" / "publish"))
import web_metrics  # noqa: E402


def time_notebook(path: Path, cells: int = 0) -> float:
    """Seconds to execute ``path`` in a fresh kernel (kernel start included).

    With ``cells > 0``, also print that many of its slowest cells.
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    if cells > 0:
        timed = []
        for i, cell in enumerate(nb.cells):
            stamps = cell.get("metadata", {}).get("execution", {})
            if "iopub.execute_input" in stamps:
                t0 = datetime.fromisoformat(
                    stamps["iopub.execute_input"].rstrip("Z"))
                t1 = datetime.fromisoformat(
                    stamps["shell.execute_reply"].rstrip("Z"))
                timed.append(((t1 - t0).total_seconds(), i))
        for seconds, i in sorted(timed, reverse=True)[:cells]:
            first = nb.cells[i].source.strip().splitlines()[0][:60]
            print(f"    cell {i:>3}: {seconds:5.2f} s  {first}",
                  file=sys.stderr, flush=True)
    return elapsed


def time_command(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def web_rows(site: Path) -> list[tuple[str, str, str, bool | None]]:
    """Page weights and the explorer's time per input event."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests" / "publish"))
    from book_sources import pages

    budget = web_metrics.PAGE_BUDGET_GZ_KB
    rows = []
    with web_metrics.serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=web_metrics.CHROMIUM,
            args=web_metrics.CHROMIUM_ARGS,
        )
        try:
            for page in pages():
                w = web_metrics.page_weight(browser, f"{base}/{page.html}")
                gz = w["gz"] / 1024
                rows.append((
                    f"page weight {page.docname}",
                    f"{w['raw'] / 1024:.0f} KB ({gz:.0f} KB gzipped, "
                    f"{w['requests']} files)",
                    f"<= {budget} KB gzipped", gz <= budget,
                ))
            t = web_metrics.explorer_timing(
                browser, f"{base}/{web_metrics.EXPLORER_PAGE}")
            frame = web_metrics.FRAME_MS
            for control, name in (("size", "outlier size"),
                                  ("lr", "learning rate")):
                got = t[control]
                # performance.now() ticks in 0.1 ms steps in Chromium
                c = got["compute_median"]
                arith = f"{c:.1f} ms" if c >= 0.1 else "under 0.1 ms"
                rows.append((
                    f"explorer: one input event ({name})",
                    f"{got['median']:.1f} ms median, {got['p95']:.1f} ms "
                    f"p95 (arithmetic {arith})",
                    f"<= {frame:.0f} ms", got["median"] <= frame,
                ))
        finally:
            browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default=None,
                        help="one micro-benchmark, 'web' or 'notebooks'")
    parser.add_argument("--cells", type=int, default=0,
                        help="print each notebook's N slowest cells")
    parser.add_argument("--notebook", default=None,
                        help="time only chapters/NAME.ipynb")
    args = parser.parse_args()

    rows: list[tuple[str, str, str, str]] = []

    def add(name: str, value: str, target: str, ok: bool | None) -> None:
        verdict = "" if ok is None else ("ok" if ok else "OVER")
        rows.append((name, value, target, verdict))
        print(f"  {name}: {value}", file=sys.stderr, flush=True)

    if args.only in (None, "notebooks"):
        pattern = f"{args.notebook}.ipynb" if args.notebook else "*.ipynb"
        for nb in sorted((ROOT / "chapters").glob(pattern)):
            t = time_notebook(nb, args.cells)
            add(f"notebook {nb.name}", f"{t:.2f} s", "<= 5 s", t <= 5)

    for bench in micro.BENCHMARKS:
        if args.only is not None and bench.__name__ != args.only:
            continue
        for row in bench():
            add(*row)

    site = ROOT / "_build" / "html"
    if args.only in (None, "web") and (site / "index.html").exists():
        for row in web_rows(site):
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
    print(f"\n| {'what':<{width}} | measured | target | |")
    print(f"| {'-' * width} | --- | --- | --- |")
    for name, value, target, verdict in rows:
        print(f"| {name:<{width}} | {value} | {target} | {verdict} |")


if __name__ == "__main__":
    main()
