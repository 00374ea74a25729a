"""Execute notebooks in place in a fresh kernel and store their outputs.

Usage: ``python tools/execute.py chapters/*.ipynb`` (or ``make execute``).

Widget state is not stored: the website shows a kernel-free face for each
explorer instead, and stored widget state would make the built pages load
widget JavaScript from a CDN.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def coalesce_streams(outputs: list) -> list:
    """Merge consecutive outputs of the same stream into one.

    The kernel flushes ``stdout`` when it likes, so one ``print`` loop can
    arrive as one output or as several; merged, the stored notebook is the
    same on every run.
    """
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (
            out.get("output_type") == "stream"
            and prev is not None
            and prev.get("output_type") == "stream"
            and prev.get("name") == out.get("name")
        ):
            prev["text"] += out["text"]
        else:
            merged.append(out)
    return merged


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        # True although the state is dropped below: with False, nbclient
        # 0.11 raises KeyError in its output-widget hook as soon as a cell
        # displays ipywidgets.interact (an Output widget).
        store_widget_state=True,
        # No timestamps in the stored notebook: re-running an unchanged
        # chapter then leaves its file unchanged.
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nbformat.write(nb, path)
    return elapsed


def main(paths: list[str]) -> None:
    for p in paths:
        t = execute(Path(p))
        print(f"{p}: {t:.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
