"""Unit tests for the build extension tools/book_publish.py (the parts
that do not need a Sphinx build)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from docutils import nodes

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import book_publish as bp  # noqa: E402


@pytest.mark.parametrize("text", [
    "1", "0.003", "−1.054", "15 800", "15\u202f800", "2.5 × 10⁻¹⁴",
    "12 %", "0.763 / 0.769", "12 (9–15)", "~0.5", "42",
])
def test_numbers_are_numeric(text):
    assert bp._NUMERIC.match(text), text


@pytest.mark.parametrize("text", [
    "ReLU", "MSE", "L = 5", "dead", "weight only", "x_i", "1st layer",
])
def test_words_are_not_numeric(text):
    assert not bp._NUMERIC.match(text), text


def _table(rows: list[list[str]]) -> nodes.table:
    table = nodes.table()
    tgroup = nodes.tgroup(cols=len(rows[0]))
    table += tgroup
    tbody = nodes.tbody()
    tgroup += tbody
    for cells in rows:
        row = nodes.row()
        for text in cells:
            entry = nodes.entry()
            entry += nodes.paragraph(text=text)
            row += entry
        tbody += row
    return table


def test_numeric_columns():
    table = _table([["ReLU", "0.25", "—"], ["tanh", "1.0", "3"],
                    ["GELU", "1.13", "x"]])
    assert bp.numeric_columns(table) == [False, True, False]


def test_a_column_of_dashes_is_not_numeric():
    assert bp.numeric_columns(_table([["—"], ["–"]])) == [False]


def test_latex_escape():
    assert bp._latex_escape("50% & $x_1$") == r"50\% \& \$x\_1\$"


def test_title_page_escapes_and_names_the_revision():
    class Config:
        book_subtitle = "One sentence & one neuron"
        book_edition = "First edition"
        book_blurb = "A blurb with 100%."
        book_license = "CC BY 4.0 text, MIT code."
        author = "The authors of Why ReLUs die"
        copyright = "2026"

    tex = bp.title_page(Config(), "Why ReLUs die")
    assert r"One sentence \& one neuron" in tex
    assert r"100\%." in tex
    assert "revision" in tex and "pdftitle={Why ReLUs die}" in tex
    assert "relu_notes" not in tex


def test_author_year_labels():
    from pybtex.database import Entry, Person
    from pybtex.plugin import find_plugin

    bp._register_author_year_style()
    labels = find_plugin("pybtex.style.labels", "authoryear")()

    def entry(authors: list[str], year: str) -> Entry:
        return Entry("article", fields={"year": year, "title": "T"},
                     persons={"author": [Person(a) for a in authors]})

    got = list(labels.format_labels([
        entry(["Haldar, Malay", "Abdool, Mustafa", "Ramanathan, P."],
              "2019"),
        entry(["Glorot, Xavier", "Bengio, Yoshua"], "2010"),
        entry(["Nielsen, Michael"], "2015"),
        entry(["Nielsen, Michael"], "2015"),
    ]))
    assert got == ["Haldar et al. 2019", "Glorot and Bengio 2010",
                   "Nielsen 2015a", "Nielsen 2015b"]
