"""The PDF: it builds, and it is the whole book, typeset.

Titles, parts and the number of figures are read from ``_toc.yml`` and the
sources (:mod:`book_sources`), so a new chapter is checked without editing
this file.
"""

from __future__ import annotations

import re
import subprocess
from functools import cache
from pathlib import Path

import pytest
from book_sources import BUILD, Page, loose, pages, parts

LATEX = BUILD / "latex"
TEX = LATEX / "why-relus-die.tex"
LOG = LATEX / "why-relus-die.log"

# How a widget or a display object prints when it has nothing better: a
# widget's repr names its traits (code that builds one does not), a display
# object prints its type. The stray matplotlib warning is there too.
WIDGET_TEXT = re.compile(
    r"\b[A-Z]\w*\((?:value|children|description|options|outputs|layout)="
    r"|\binteractive\(children="
    r"|<IPython\.core\.display\.\w+ object>"
    r"|<matplotlib\.animation\.\w+ object"
    r"|Animation size has reached"
)


@cache
def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout


def test_pdf_builds(book_pdf: Path) -> None:
    info = subprocess.run(
        ["pdfinfo", str(book_pdf)], capture_output=True, text=True,
        check=True,
    ).stdout
    pages_ = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages_ > len(pages())
    assert re.search(r"^Title:\s+Why ReLUs die", info, re.M), info


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.docname)
def test_every_page_title_is_in_the_pdf(page: Page, book_pdf: Path) -> None:
    assert loose(page.title) in loose(_text(book_pdf)), (
        f"{page.title!r} ({page.docname}) is not in the PDF"
    )


def test_numbered_parts_are_parts(book_pdf: Path) -> None:
    text = loose(_text(book_pdf))
    for number, (caption, _) in enumerate(
        [p for p in parts() if p[1]], start=1
    ):
        roman = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii"][number - 1]
        assert loose(f"Part {roman} {caption}") in text, caption


def test_references_are_resolved(book_pdf: Path) -> None:
    assert "??" not in _text(book_pdf), "unresolved reference (??) in PDF"
    log = LOG.read_text(errors="replace")
    for pattern in (
        r"LaTeX Warning: Reference .* undefined",
        r"LaTeX Warning: Citation .* undefined",
        r"There were undefined references",
        r"LaTeX Warning: Hyper reference .* undefined",
    ):
        found = re.findall(pattern, log)
        assert not found, found[:5]


def test_every_character_has_a_glyph(book_pdf: Path) -> None:
    missing = sorted(set(re.findall(
        r"Missing character: There is no (.+?) in font",
        LOG.read_text(errors="replace"),
    )))
    assert not missing, f"characters the fonts lack: {missing}"


def _prose_latex() -> str:
    """The LaTeX source without code blocks and inline code."""
    tex = TEX.read_text()
    tex = re.sub(
        r"\\begin\{sphinxVerbatim\}.*?\\end\{sphinxVerbatim\}", "", tex,
        flags=re.S,
    )
    return re.sub(r"\\sphinxcode\{\\sphinxupquote\{.*?\}\}", "", tex)


def test_no_raw_latex(book_pdf: Path) -> None:
    """Math that was not parsed reaches LaTeX escaped: a backslash as
    \\textbackslash{} before a command name, dollars as \\$."""
    prose = _prose_latex()
    leaked = re.findall(r"\\textbackslash\{\}[A-Za-z]+", prose)
    leaked += re.findall(r"\\\$\s*\\\$", prose)
    assert not leaked, f"raw LaTeX printed as text: {leaked[:5]}"
    text = _text(book_pdf)
    for raw in ("$$", "\\begin{", "\\end{"):
        assert raw not in text, f"{raw!r} printed in the PDF"


def _outputs_latex() -> str:
    """The text of every cell output in the LaTeX source, unescaped."""
    tex = TEX.read_text()
    outputs = re.findall(
        r"\\begin\{sphinxuseclass\}\{cell_output\}(.*?)"
        r"\\end\{sphinxuseclass\}", tex, flags=re.S,
    )
    text = " ".join(outputs)
    for name, char in (("lt", "<"), ("gt", ">"), ("us", "_"), ("hy", "-"),
                       ("sq", "'"), ("dq", '"'), ("lb", "["), ("rb", "]"),
                       ("ob", "{"), ("cb", "}"), ("bs", "\\")):
        text = text.replace(f"\\PYGZ{name}{{}}", char)
    return re.sub(r"\s+", " ", text)


def test_no_widget_representation(book_pdf: Path) -> None:
    """No output prints as a widget's or display object's repr (code that
    builds a widget may of course name it)."""
    found = WIDGET_TEXT.findall(_outputs_latex())
    found += re.findall(r"<IPython\.core\.display\.\w+ object>",
                        _text(book_pdf))
    assert not found, (
        f"the PDF prints {found[:5]}: tag the widget cell remove-output, or "
        "wrap the kernel-free face in {only} html"
    )


def test_at_least_one_image_per_figure(book_pdf: Path) -> None:
    listing = subprocess.run(
        ["pdfimages", "-list", str(book_pdf)], capture_output=True,
        text=True, check=True,
    ).stdout.splitlines()[2:]
    images = [row for row in listing if row.split()[2] == "image"]
    figures = sum(p.figures for p in pages())
    assert len(images) >= figures, (
        f"{len(images)} images in the PDF, {figures} figures in the book"
    )
    captions = re.findall(r"Fig\. \d+\.\d+:", _text(book_pdf))
    assert len(captions) >= figures, (
        f"{len(captions)} figure captions in the PDF, {figures} figures"
    )


def test_nothing_sticks_out_of_the_page(book_pdf: Path) -> None:
    """An overfull line more than a few points wide runs into the margin.

    Code and outputs always wrap (``verbatimforcewraps``): Sphinx first
    sets each long verbatim line whole, which logs an overfull box in the
    mono font, then breaks it. Those trial boxes are not counted."""
    log = LOG.read_text(errors="replace")
    wide = [
        (float(pt), lines)
        for pt, lines, box in re.findall(
            r"Overfull \\hbox \((\d+\.?\d*)pt too wide\) .*?lines? "
            r"(\d+(?:--\d+)?)\n(.*)", log,
        )
        if float(pt) > 5 and not box.startswith("|\\TU/DejaVuSansMono")
    ]
    assert not wide, (
        f"overfull lines (pt, lines of {TEX.name}): {wide[:10]}"
    )
