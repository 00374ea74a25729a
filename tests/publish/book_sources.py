"""What the book's sources say it contains, read from ``_toc.yml`` and the
pages themselves, so that the publishing tests cover new chapters without
being edited."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / "_build"
SITE = BUILD / "html"
PDF_NAME = "why-relus-die.pdf"

_FENCE = re.compile(r"^\s*(`{3,}|:{3,})")
_FIGURE_DIRECTIVE = re.compile(r"^\s*(`{3,}|:{3,})\s*\{(figure|glue:figure)\}")
_IMAGE_MIMES = ("image/png", "image/jpeg", "image/svg+xml")
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@dataclass(frozen=True)
class Page:
    docname: str  # e.g. "chapters/intro"
    path: Path  # the source file
    part: str | None  # caption of its part in _toc.yml (None: the root)
    numbered: bool  # whether its part is numbered

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix == ".ipynb"

    @property
    def html(self) -> str:
        return f"{self.docname}.html"

    @property
    def markdown(self) -> list[str]:
        """The page's Markdown, one string per cell (one for a .md)."""
        if not self.is_notebook:
            return [self.path.read_text()]
        return [
            "".join(c["source"]) for c in _cells(self.path)
            if c["cell_type"] == "markdown"
        ]

    @property
    def title(self) -> str:
        """The text of the page's first level-1 heading, markup removed."""
        for text in self.markdown:
            in_fence = False
            for line in text.splitlines():
                if _FENCE.match(line):
                    in_fence = not in_fence
                if not in_fence and line.startswith("# "):
                    return strip_markup(line[2:])
        raise AssertionError(f"{self.path}: no '# Title' heading")

    @property
    def figures(self) -> int:
        """Numbered figures: captioned plotting cells plus figure
        directives in the Markdown."""
        count = 0
        for text in self.markdown:
            count += _figure_directives(text)
        if self.is_notebook:
            for cell in _cells(self.path):
                if cell["cell_type"] != "code":
                    continue
                if "figure" not in cell["metadata"].get("mystnb", {}):
                    continue
                count += sum(
                    1 for out in cell.get("outputs", [])
                    if any(m in out.get("data", {}) for m in _IMAGE_MIMES)
                )
        return count

    @property
    def uses_widgets(self) -> bool:
        """True if a stored output is an ipywidgets widget (a live
        explorer; its cell is tagged remove-output)."""
        if not self.is_notebook:
            return False
        return any(
            WIDGET_MIME in out.get("data", {})
            for c in _cells(self.path) if c["cell_type"] == "code"
            for out in c.get("outputs", [])
        )


_ONLY_HTML = re.compile(r"^\s*(`{3,}|:{3,})\s*\{only\}\s*html\s*$")


def _figure_directives(text: str) -> int:
    """Figure directives in Markdown, except those inside an
    ``{only} html`` block (figures of the website alone: the PDF shows
    them as another figure or not at all)."""
    count, closing = 0, None
    for line in text.splitlines():
        if closing is not None:
            if line.strip() == closing:
                closing = None
            continue
        only = _ONLY_HTML.match(line)
        if only:
            closing = only.group(1)
        elif _FIGURE_DIRECTIVE.match(line):
            count += 1
    return count


@cache
def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def _source(docname: str) -> Path:
    for suffix in (".ipynb", ".md"):
        path = ROOT / f"{docname}{suffix}"
        if path.exists():
            return path
    raise AssertionError(f"_toc.yml lists {docname}, which has no source")


def toc() -> dict:
    return yaml.safe_load((ROOT / "_toc.yml").read_text())


def pages() -> list[Page]:
    """Every page of the table of contents, in reading order."""
    data = toc()
    found = [Page(data["root"], _source(data["root"]), None, False)]

    def add(entries: list[dict], caption: str, numbered: bool) -> None:
        for entry in entries:
            found.append(
                Page(entry["file"], _source(entry["file"]), caption, numbered)
            )
            add(entry.get("sections", []), caption, numbered)

    for part in data.get("parts", []):
        add(part.get("chapters", []), part.get("caption"),
            bool(part.get("numbered", False)))
    return found


def parts() -> list[tuple[str, bool]]:
    """(caption, numbered) of every part of ``_toc.yml``."""
    return [
        (p.get("caption", ""), bool(p.get("numbered", False)))
        for p in toc().get("parts", [])
    ]


def strip_markup(text: str) -> str:
    """Heading text as a reader sees it: no roles, emphasis or code ticks
    (math is kept: compare with :func:`loose`)."""
    text = re.sub(r"\{[\w:-]+\}`([^`]*)`", r"\1", text)
    text = re.sub(r"[*_`]", "", text)
    return text.strip()


def loose(text: str) -> str:
    """Letters and digits only, lower case: robust to line breaks,
    hyphenation, typographic quotes and dashes. Math between dollars is
    dropped, since the PDF and the web typeset it differently."""
    text = re.sub(r"\$[^$]*\$", " ", text)
    return "".join(ch for ch in text.lower() if ch.isalnum())
