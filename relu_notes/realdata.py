"""A real data set with heavy tails and genuine data-entry errors:
ggplot2's ``diamonds``, read from the copy that the ``plotnine`` wheel
ships.

Explained in the chapter *Dead units on real data*
(``chapters/dead-units-on-real-data.ipynb``).

The table holds the prices and attributes of 53,940 round-cut diamonds.
It is distributed with R's ggplot2 and, as the CSV file
``plotnine/data/diamonds.csv``, inside the ``plotnine`` package from
PyPI (pinned in ``requirements.txt``), so nothing is downloaded at run
time. The file is located through the package's installed-file record
(:mod:`importlib.metadata`) and parsed with the :mod:`csv` module:
plotnine itself (and pandas) is never imported.

Three ordered grades are coded as integers, worst = 0: ``cut`` (Fair,
Good, Very Good, Premium, Ideal), ``color`` (J, I, H, G, F, E, D) and
``clarity`` (I1, SI2, SI1, VS2, VS1, VVS2, VVS1, IF).
"""

from __future__ import annotations

import csv
import functools
import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DIAMOND_FEATURES",
    "GRADES",
    "RealData",
    "diamonds_path",
    "load_diamonds",
]

#: Feature columns of :func:`load_diamonds`, in order (price is the
#: target).
DIAMOND_FEATURES = (
    "carat", "cut", "color", "clarity", "depth", "table", "x", "y", "z",
)

#: The ordered grades, worst first; a grade's code is its position.
GRADES = {
    "cut": ("Fair", "Good", "Very Good", "Premium", "Ideal"),
    "color": ("J", "I", "H", "G", "F", "E", "D"),
    "clarity": ("I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"),
}


@dataclass(frozen=True)
class RealData:
    """A table of numeric features and a target.

    Attributes
    ----------
    X : ndarray, shape (n, d)
        Features, columns as in ``feature_names``.
    y : ndarray, shape (n,)
        The target (for diamonds: the price in US dollars).
    feature_names : tuple of str
    rows : ndarray of int, shape (n,)
        Each row's number in the source file (1 = first data line), so
        that a row can be named and looked up.
    """

    X: NDArray[np.float64]
    y: NDArray[np.float64]
    feature_names: tuple[str, ...]
    rows: NDArray[np.int64]


def diamonds_path() -> Path:
    """Where the installed ``plotnine`` keeps ``diamonds.csv``.

    Raises
    ------
    FileNotFoundError
        If plotnine is not installed (``pip install -r requirements.txt``
        installs the pinned version).
    """
    try:
        dist = importlib.metadata.distribution("plotnine")
    except importlib.metadata.PackageNotFoundError:
        raise FileNotFoundError(
            "the diamonds table comes with the plotnine package; install "
            "it with `pip install -r requirements.txt`"
        ) from None
    path = Path(dist.locate_file("plotnine/data/diamonds.csv"))
    if not path.is_file():
        raise FileNotFoundError(f"plotnine has no diamonds.csv at {path}")
    return path


def load_diamonds(path: str | Path | None = None) -> RealData:
    """Read the diamonds table: nine features and the price.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file with ggplot2's columns (default: plotnine's copy,
        :func:`diamonds_path`).

    Returns
    -------
    RealData
        ``X`` has the columns of :data:`DIAMOND_FEATURES`, grades coded
        as in :data:`GRADES`; ``y`` is the price in dollars.

    Raises
    ------
    ValueError
        If a column is missing, a grade is unknown or a number does not
        parse, naming the line.
    """
    path = diamonds_path() if path is None else Path(path)
    X, y = _parse(str(path), path.stat().st_mtime_ns)
    n = y.shape[0]
    return RealData(X.copy(), y.copy(), DIAMOND_FEATURES,
                    np.arange(1, n + 1, dtype=np.int64))


@functools.lru_cache(maxsize=4)
def _parse(path: str, mtime: int) -> tuple[NDArray, NDArray]:
    with open(path, newline="", encoding="utf-8") as fh:
        records = list(csv.reader(fh))
    if not records:
        raise ValueError(f"{path} is empty")
    header, body = records[0], records[1:]
    missing = [c for c in (*DIAMOND_FEATURES, "price") if c not in header]
    if missing:
        raise ValueError(f"{path} lacks the column(s) {missing}")
    if not body:
        raise ValueError(f"{path} has no data rows")
    columns = list(zip(*body, strict=True))
    out = []
    for name in (*DIAMOND_FEATURES, "price"):
        col = columns[header.index(name)]
        if name in GRADES:
            code = {g: i for i, g in enumerate(GRADES[name])}
            try:
                out.append(np.array([code[v] for v in col], dtype=float))
            except KeyError as err:
                line = col.index(err.args[0]) + 2
                raise ValueError(
                    f"line {line}: unknown {name} grade {err.args[0]!r}; "
                    f"expected one of {GRADES[name]}"
                ) from None
        else:
            try:
                values = np.array(col, dtype=np.float64)
            except ValueError:
                values = np.array([_number(v, name, k + 2)
                                   for k, v in enumerate(col)])
            bad = np.flatnonzero(~np.isfinite(values))
            if bad.size:
                k = int(bad[0])
                raise ValueError(
                    f"line {k + 2}: {name} is {col[k]!r}, not finite"
                )
            out.append(values)
    return np.column_stack(out[:-1]), out[-1]


def _number(text: str, name: str, line: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(
            f"line {line}: {name} is {text!r}, not a number"
        ) from None
    return value
