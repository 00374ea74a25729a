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

Needs the Debian packages listed in the README (XeLaTeX and fonts).
"""

from __future__ import annotations

import os
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


def main() -> None:
    start = time.perf_counter()
    build_latex()
    typeset()
    shutil.copyfile(LATEX / f"{NAME}.pdf", PDF)
    if SITE_PDF.parent.is_dir():
        shutil.copyfile(PDF, SITE_PDF)
    elapsed = time.perf_counter() - start
    print(f"{PDF.relative_to(ROOT)} built in {elapsed:.0f} s")


if __name__ == "__main__":
    main()
