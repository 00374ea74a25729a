"""The chapters' Markdown says what its authors meant.

A line break inside inline math is harmless, unless the next line then
starts with a character that Markdown reads as the start of a block: a
list item (``+ 1)$``), a block quote (``> 0$``) or a heading. The formula
is then torn in two and printed as raw TeX.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(
    p for p in (ROOT / "chapters").rglob("*")
    if p.suffix in (".ipynb", ".md") and ".ipynb_checkpoints" not in p.parts
)
BLOCK_START = re.compile(r"\s{0,3}([+*>#-]|\d+[.)])(\s|$)")
DOLLAR = re.compile(r"(?<![\\$])\$(?!\$)")


def _markdown(path: Path) -> list[str]:
    if path.suffix == ".md":
        return [path.read_text()]
    nb = nbformat.read(path, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def torn_formulas(text: str) -> list[str]:
    """Lines that start a Markdown block while inline math is open."""
    found = []
    in_math = in_display = False
    for line in text.split("\n"):
        if line.strip().startswith("$$") or line.strip().endswith("$$"):
            if line.strip().count("$$") == 1:
                in_display = not in_display
            continue
        if in_display:
            continue
        if in_math and BLOCK_START.match(line):
            found.append(line)
        if len(DOLLAR.findall(line)) % 2:
            in_math = not in_math
    return found


def test_the_check_finds_a_torn_formula():
    assert torn_formulas("by $a \\cdot x\n+ 1)$, where") == ["+ 1)$, where"]
    assert torn_formulas("is $s\n> 0$ here") == ["> 0$ here"]
    assert torn_formulas("by $a + b$ and\n- an item") == []


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_formula_is_torn_by_a_line_break(path):
    torn = [line for text in _markdown(path) for line in torn_formulas(text)]
    assert not torn, f"{path.name}: inline math broken before {torn}"
