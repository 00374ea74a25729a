"""Build the book as one PDF and put it into the website (``make pdf``).

Usage: ``python tools/build_pdf.py`` from the book's root.

1. ``jupyter-book build . --builder latex -W -n --keep-going`` writes
   ``_build/latex/why-relus-die.tex``. It shares Sphinx's environment
   (``_build/.doctrees``) with the HTML build: right after ``make book``
   or the strict build of ``make test`` nothing is re-read and no notebook
   is executed again. On a fresh clone the notebooks execute once, here.
2. ``latexmk -xelatex`` typesets it, without stopping for input; on an
   error the end of the LaTeX log is printed.
3. The PDF is copied to ``_build/why-relus-die.pdf`` and, when the
   website exists, to ``_build/html/why-relus-die.pdf``, which every
   page's download button links to.
4. Each numbered chapter is also cut out of the book as its own PDF,
   ``_build/pdf/<chapter>.pdf`` (and ``_build/html/pdf/``), which the
   chapter's download button offers next to the whole book. The pages are
   the book's own, with the book's page numbers; links to other chapters
   do not work in a cut-out chapter.

Needs the Debian packages listed in the README (XeLaTeX and fonts).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
LATEX = BUILD / "latex"
NAME = "why-relus-die"
PDF = BUILD / f"{NAME}.pdf"
SITE_PDF = BUILD / "html" / f"{NAME}.pdf"
CHAPTER_PDFS = BUILD / "pdf"
SITE_CHAPTER_PDFS = BUILD / "html" / "pdf"


def run(cmd: list[str], cwd: Path) -> int:
    print("+", " ".join(cmd), flush=True)
    # Sphinx's latexmkrc reads these two variables.
    env = {"LATEXOPTS": "", "XINDYOPTS": "", **os.environ}
    return subprocess.run(
        cmd, cwd=cwd, stdin=subprocess.DEVNULL, env=env
    ).returncode


def build_latex() -> None:
    jb = Path(sys.executable).parent / "jupyter-book"
    code = run(
        [str(jb), "build", ".", "--builder", "latex", "-W", "-n",
         "--keep-going", "-q"],
        ROOT,
    )
    if code != 0:
        sys.exit(f"the LaTeX build failed (exit {code})")


def typeset() -> None:
    for tool in ("latexmk", "xelatex"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found: install the packages in README.md")
    tex = LATEX / f"{NAME}.tex"
    if not tex.exists():
        sys.exit(f"{tex} missing: latex_documents targetname changed?")
    code = run(
        ["latexmk", "-xelatex", "-silent", "-interaction=nonstopmode",
         "-halt-on-error", "-file-line-error", tex.name],
        LATEX,
    )
    if code != 0:
        log = LATEX / f"{NAME}.log"
        if log.exists():
            lines = log.read_text(errors="replace").splitlines()
            print("\n".join(lines[-40:]), file=sys.stderr)
        sys.exit(f"XeLaTeX failed (exit {code}); full log: {log}")


def numbered_chapters() -> list[str]:
    """Docnames of the numbered chapters in book order (``_toc.yml``)."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [
        chapter["file"]
        for part in toc.get("parts", [])
        if part.get("numbered")
        for chapter in part.get("chapters", [])
    ]


def page_texts(pdf: Path) -> list[str]:
    """The text of every page (pdftotext, one page per form feed)."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True, text=True, check=True,
    ).stdout
    return out.split("\f")


def chapter_ranges(pdf: Path) -> dict[str, tuple[int, int]]:
    """First and last page (1-based) of each numbered chapter.

    A chapter opens on a page whose first line is "Chapter N"; it ends
    before the next chapter, part or unnumbered chapter (a page without
    a running head whose first line is not "Chapter N")."""
    texts = page_texts(pdf)
    starts: dict[int, int] = {}
    breaks: list[int] = []
    for i, text in enumerate(texts, start=1):
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        if not lines:
            continue
        match = re.fullmatch(r"Chapter (\d+)", lines[0])
        if match:
            starts[int(match.group(1))] = i
            breaks.append(i)
        elif re.fullmatch(r"Part [IVX]+", lines[0]) or lines[0] in (
            "References", "Contents"
        ):
            breaks.append(i)
    breaks.append(len(texts) + 1)
    ranges = {}
    for number, docname in enumerate(numbered_chapters(), start=1):
        if number not in starts:
            continue
        first = starts[number]
        last = min(b for b in breaks if b > first) - 1
        ranges[docname] = (first, last)
    return ranges


def split_chapters(pdf: Path) -> int:
    """Write one PDF per numbered chapter (with pypdf); return how many."""
    try:
        from pypdf import PdfReader, PdfWriter
    except ImportError:
        print("pypdf missing (requirements-build.txt): no chapter PDFs")
        return 0
    ranges = chapter_ranges(pdf)
    texts = page_texts(pdf)
    shutil.rmtree(CHAPTER_PDFS, ignore_errors=True)
    CHAPTER_PDFS.mkdir(parents=True)
    reader = PdfReader(pdf)
    book = (reader.metadata or {}).get("/Title", "Why ReLUs die")
    for number, (docname, (first, last)) in enumerate(
        ranges.items(), start=1
    ):
        lines = [ln.strip() for ln in texts[first - 1].splitlines()
                 if ln.strip()]
        title = lines[1] if len(lines) > 1 else docname
        writer = PdfWriter()
        for i in range(first - 1, last):
            writer.add_page(reader.pages[i])
        writer.add_metadata({
            "/Title": f"Chapter {number}. {title} ({book})",
            "/Author": (reader.metadata or {}).get("/Author", ""),
        })
        target = CHAPTER_PDFS / f"{Path(docname).name}.pdf"
        with target.open("wb") as handle:
            writer.write(handle)
    if SITE_PDF.parent.is_dir():
        shutil.rmtree(SITE_CHAPTER_PDFS, ignore_errors=True)
        shutil.copytree(CHAPTER_PDFS, SITE_CHAPTER_PDFS)
    return len(ranges)


def main() -> None:
    start = time.perf_counter()
    build_latex()
    typeset()
    shutil.copyfile(LATEX / f"{NAME}.pdf", PDF)
    if SITE_PDF.parent.is_dir():
        shutil.copyfile(PDF, SITE_PDF)
    chapters = split_chapters(PDF)
    print(f"{chapters} chapter PDFs in {CHAPTER_PDFS.relative_to(ROOT)}")
    elapsed = time.perf_counter() - start
    print(f"{PDF.relative_to(ROOT)} built in {elapsed:.0f} s")


if __name__ == "__main__":
    main()
