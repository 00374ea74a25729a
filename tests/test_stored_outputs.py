"""The stored outputs are what nbval can compare on any CPU.

nbval (strict) compares each cell's text outputs with what the code
produces today. These tests keep the stored outputs in a form for which
that comparison is both portable and meaningful:

- no stored text holds a float printed to eight or more significant
  digits: its last digits differ between machines (BLAS kernels, SIMD
  loops), so it would fail on some CPUs for no reason;
- every figure carries the data fingerprint of :func:`relu_notes.book.show`
  as its text, so a change in what a figure draws fails nbval too;
- every glued value goes through :func:`relu_notes.book.glue`, which stores
  the text the prose shows.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(
    p for p in (ROOT / "chapters").rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)
GLUE = "application/papermill.record/"
# A float with eight or more digits after the point and leading zeros,
# e.g. 0.70243354 or 1.2345678e-05 (an integer such as 123456789 is
# exact and therefore allowed).
LONG_FLOAT = re.compile(r"(?<![\w.])\d*\.0*([1-9]\d{7,})")


def _texts(nb):
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                yield index, out, out.text
            elif "data" in out:
                for mime, value in out.data.items():
                    if mime.endswith("text/plain"):
                        yield index, out, value


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_stored_float_has_machine_dependent_digits(path):
    nb = nbformat.read(path, as_version=4)
    found = [
        (index, m.group(0))
        for index, _, text in _texts(nb)
        for m in LONG_FLOAT.finditer(text)
    ]
    assert not found, (
        f"{path.name}: floats stored at full precision (cell, value): "
        f"{found[:5]}; print or glue them at the precision the prose states"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_has_a_data_fingerprint(path):
    nb = nbformat.read(path, as_version=4)
    bare = [
        index
        for index, cell in enumerate(nb.cells)
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if "image/png" in out.get("data", {})
        and not out.data.get("text/plain", "").startswith("figure:")
    ]
    assert not bare, (
        f"{path.name}: cells {bare} show a figure without a fingerprint; "
        "end the cell with relu_notes.book.show()"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_glued_numbers_are_stored_as_text(path):
    """A number glued directly (myst_nb.glue) is stored at full precision
    and formatted by the Markdown role; relu_notes.book.glue stores text."""
    nb = nbformat.read(path, as_version=4)
    raw = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            value = out.get("data", {}).get(GLUE + "text/plain")
            if value is not None and re.fullmatch(r"-?[\d.e+-]+", value):
                raw.append((index, value))
    assert not raw, (
        f"{path.name}: numbers glued without formatting: {raw[:5]}; "
        "use relu_notes.book.glue(name, value, fmt)"
    )


def test_markdown_roles_carry_no_format_spec():
    """The format lives in the code (glue's fmt), once."""
    bad = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                bad += re.findall(r"\{glue:text\}`[^`]*:[^`]*`", cell.source)
    assert not bad, f"glue roles with a format spec: {bad[:5]}"


def _glued_names(nb) -> set[str]:
    return {
        out.get("metadata", {}).get("scrapbook", {}).get("name")
        for cell in nb.cells if cell.cell_type == "code"
        for out in cell.get("outputs", [])
    } - {None}


_ROLE = re.compile(r"\{glue(?::\w+)?\}`([^`]+)`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_glue_role_has_a_stored_value(path):
    """Each {glue:text}`name` of a chapter (prose, tables, figure
    captions) names a value its stored outputs hold; otherwise only the
    book build notices."""
    nb = nbformat.read(path, as_version=4)
    names = _glued_names(nb)
    texts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    texts += [c.metadata.get("mystnb", {}).get("figure", {}).get(
        "caption", "") for c in nb.cells]
    missing = sorted({key for text in texts for key in _ROLE.findall(text)
                      if "::" not in key and key not in names})
    assert not missing, f"{path.name}: no stored value for {missing}"


def test_glue_from_another_chapter_exists():
    """A Markdown page may quote a chapter's value as
    {glue:text}`chapter.ipynb::name:s`; that chapter must store it."""
    bad = []
    for page in sorted((ROOT / "chapters").glob("*.md")):
        for ref in re.findall(r"\{glue:text\}`([^`]+)::([^`:]+)(?::\w*)?`",
                              page.read_text()):
            source = ROOT / "chapters" / ref[0]
            if not source.exists() or ref[1] not in _glued_names(
                    nbformat.read(source, as_version=4)):
                bad.append((page.name, *ref))
    assert not bad, f"glued values that do not exist: {bad}"


def _figure_records(nb):
    """The type-size record of relu_notes.style.image in each stored PNG."""
    import base64
    import io
    import json

    from PIL import Image

    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get("image/png")
            if data is None:
                continue
            raw = base64.b64decode(data)
            with Image.open(io.BytesIO(raw)) as img:
                text = getattr(img, "text", {}).get("relu_notes")
            yield index, json.loads(text) if text else None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_figure_type_is_large_enough(path):
    """Tick labels at least 0.85 of the body text in print and on the web
    (at natural size) and legends at least 10 pt in print, as recorded by
    relu_notes.style.image (the publish tests check the shown size)."""
    from relu_notes import style

    nb = nbformat.read(path, as_version=4)
    bad = []
    for index, rec in _figure_records(nb):
        if rec is None:
            bad.append(f"cell {index}: no type record (use show())")
            continue
        for where in ("print", "web"):
            ratio = rec.get(f"ticks_{where}_ratio")
            if ratio is not None and ratio < style.MIN_TICK_RATIO:
                bad.append(f"cell {index}: ticks {ratio:.2f} of the text "
                           f"({where}, {rec['width_in']:.1f} in wide)")
        if rec.get("legend_pt") is not None:
            pt = rec["legend_pt"] * rec["print_scale"]
            if pt < style.MIN_LEGEND_PT:
                bad.append(f"cell {index}: legend {pt:.1f} pt in print")
    assert not bad, f"{path.name}:\n" + "\n".join(bad)
