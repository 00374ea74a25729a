"""The table of contents and the chapters folder agree."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            files.append(chapter["file"])
            files.extend(s["file"] for s in chapter.get("sections", []))
    return files


def _chapter_files() -> set[str]:
    found = set()
    for pattern in ("*.ipynb", "*.md"):
        for p in CHAPTERS.rglob(pattern):
            if ".ipynb_checkpoints" in p.parts:
                continue
            found.add(str(p.relative_to(ROOT).with_suffix("")))
    return found


def test_every_chapter_file_is_in_the_toc():
    missing = _chapter_files() - set(_toc_files())
    assert not missing, f"not listed in _toc.yml: {sorted(missing)}"


def test_every_toc_entry_exists():
    absent = [f for f in _toc_files() if f not in _chapter_files()]
    assert not absent, f"listed in _toc.yml but missing: {absent}"


def test_toc_has_no_duplicates():
    files = _toc_files()
    assert len(files) == len(set(files))


def test_notebooks_are_stored_executed():
    """nbval strict mode only checks what is stored: an unexecuted
    notebook would pass trivially."""
    import nbformat

    for p in CHAPTERS.rglob("*.ipynb"):
        nb = nbformat.read(p, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        unrun = [i for i, c in enumerate(code) if c.execution_count is None]
        assert not unrun, f"{p.name}: code cells {unrun} not executed"
        assert "widgets" not in nb.metadata, (
            f"{p.name} stores widget state; run tools/execute.py"
        )
