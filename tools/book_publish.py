"""Sphinx extension that makes the book publishable: PDF and offline site.

Loaded by ``_config.yml`` (``sphinx: local_extensions``). It changes
nothing in the chapters; it adapts what Jupyter Book 1 gives each output.

In the PDF (LaTeX builders):

- The introduction (the root page) becomes an unnumbered chapter with its
  own title; Jupyter Book 1 otherwise drops that title and turns each of
  the introduction's sections into a numbered chapter.
- Each numbered part of ``_toc.yml`` starts with ``\\part{caption}``;
  chapters of unnumbered parts (the back matter) are unnumbered. Chapter
  numbers then agree with the website's.
- Code that the website folds away (cells tagged ``hide-input``,
  ``hide-output``, ``hide-cell``) is left out, so the page shows the idea
  and the figure; the notebooks keep the code.
- An output that would print as a text representation instead of what
  the website shows (a widget, an HTML animation, a bare
  ``<IPython.core.display.HTML object>``) is a build warning, hence an
  error under ``-W``. Tag such a cell ``remove-output`` or show it inside
  ``{only} html``, and give the PDF a static figure.

On the website (HTML builders):

- An output that loads anything from another host (``<script src>``,
  ``<link href>``, ``<img src>`` ...) is a build warning: the site must
  work offline. The Font Awesome stylesheet that matplotlib's
  ``to_jshtml()`` player links from a CDN is removed (the theme already
  provides the icons).
- Thebe is switched off: the book has no live-code button, and its
  configuration named a CDN.
- ``index.html`` redirects to the introduction without making the
  browser ask for a missing ``/favicon.ico``.
- The "Print to PDF" entry of each page's download button becomes a link
  to the whole book's PDF (``book_pdf_name``, copied into the site by
  ``tools/build_pdf.py``).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
# Outputs whose text/plain fallback is only a type name.
_REPR_ONLY = re.compile(
    r"^\s*(<IPython\.core\.display\.\w+ object>"
    r"|<matplotlib\.animation\.\w+ object at 0x[0-9a-f]+>)\s*$"
)
# A tag that makes the browser fetch a URL on another host.
_EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed)\b[^>]*?"
    r"\b(?:src|href)\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)",
    re.IGNORECASE,
)
# The stylesheet matplotlib's jshtml player links from a CDN.
_JSHTML_FONT_AWESOME = re.compile(
    r"<link\b[^>]*font-awesome[^>]*>", re.IGNORECASE
)


# --------------------------------------------------------------------------
# PDF


def _only_excluded(node: nodes.Node, tags: Any) -> bool:
    """True if ``node`` sits inside an ``only`` block that this builder
    drops (``only`` nodes are removed after our checks run)."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.only):
            try:
                if not tags.eval_condition(parent["expr"]):
                    return True
            except Exception:  # noqa: BLE001 - an unparsable expression
                return False
        parent = parent.parent
    return False


class CheckPrintableOutputs(SphinxPostTransform):
    """Warn about outputs that the PDF could only show as text."""

    default_priority = 3  # before myst-nb's SelectMimeType (4)
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        tags = self.app.builder.tags
        for node in list(self.document.findall(nodes.container)):
            if node.get("nb_element") != "mime_bundle":
                continue
            if _only_excluded(node, tags):
                continue
            mimes = {child.get("mime_type") for child in node.children}
            printable = any(
                m and (m.startswith("image/") or m == "text/latex")
                for m in mimes
            )
            plain = "".join(
                child.astext()
                for child in node.children
                if child.get("mime_type") == "text/plain"
            )
            if WIDGET_MIME in mimes:
                what = "an ipywidgets widget"
            elif not printable and _REPR_ONLY.match(plain):
                what = f"an object shown as {plain.strip()!r}"
            elif not printable and (
                "text/html" in mimes or "application/javascript" in mimes
            ):
                what = "an HTML/JavaScript output"
            else:
                continue
            logger.warning(
                "%s would appear in the PDF as its text representation; "
                "tag the cell 'remove-output' or show it inside "
                "'{only} html', and give the PDF a static figure",
                what,
                location=node,
                type="book_publish",
                subtype="pdf_output",
            )


class DropFoldedCode(SphinxPostTransform):
    """Leave out of the PDF what the website folds away."""

    default_priority = 5
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        for cell in list(self.document.findall(nodes.container)):
            classes = cell.get("classes", [])
            if "cell" not in classes:
                continue
            if "tag_hide-cell" in classes and cell.parent is not None:
                cell.parent.remove(cell)
                continue
            drop = set()
            if "tag_hide-input" in classes:
                drop.add("cell_input")
            if "tag_hide-output" in classes:
                drop.add("cell_output")
            for child in list(cell.children):
                if drop & set(child.get("classes", [])):
                    cell.remove(child)


def _raw_latex(text: str) -> nodes.raw:
    return nodes.raw("", text + "\n", format="latex")


class BookStructure(SphinxPostTransform):
    """Give the assembled LaTeX document the book's structure.

    Acts on the single document that the LaTeX builder assembles from the
    root page, whose top section holds the introduction's text and, after
    it, one toctree wrapper per part of ``_toc.yml`` (each holding its
    chapters). The root section's title is the book's title page and is
    not printed again; everything in the root section that is not a part
    moves into a new section titled like the introduction, which the
    writer prints as a chapter. Unnumbered by ``secnumdepth``, it and its
    sections still enter the table of contents.
    """

    default_priority = 900
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        document = self.document
        root_doc = self.config.root_doc
        if document.get("docname") != root_doc:
            return
        top = next(
            (c for c in document.children if isinstance(c, nodes.section)),
            None,
        )
        if top is None or not isinstance(top[0], nodes.title):
            return
        wrappers = [
            c for c in top.children
            if isinstance(c, nodes.compound)
            and "toctree-wrapper" in c.get("classes", [])
        ]
        intro = nodes.section("", ids=list(top["ids"]),
                              names=list(top["names"]))
        top["ids"], top["names"] = [], []
        intro += nodes.title("", "", *top[0].deepcopy().children)
        for child in list(top.children[1:]):
            if child not in wrappers:
                top.remove(child)
                intro += child
        top.insert(1, _raw_latex(
            r"\edef\booksecnumdepth{\the\value{secnumdepth}}"
            r"\setcounter{secnumdepth}{-1}"
        ))
        top.insert(2, intro)

        parts = _toc_parts(self.app)
        for wrapper in wrappers:
            part = _part_of(wrapper, parts)
            if part is not None and part.numbered:
                latex = r"\setcounter{secnumdepth}{\booksecnumdepth}"
                if part.caption:
                    latex += r"\part{" + _latex_escape(part.caption) + "}"
            else:
                latex = r"\setcounter{secnumdepth}{-1}"
            wrapper.parent.insert(
                wrapper.parent.index(wrapper), _raw_latex(latex)
            )


def _toc_parts(app: Sphinx) -> list[Any]:
    site_map = getattr(app.config, "external_site_map", None)
    if site_map is None:
        return []
    return list(site_map[app.config.root_doc].subtrees)


def _part_of(wrapper: nodes.Element, parts: list[Any]) -> Any:
    """The ``_toc.yml`` part whose first chapter opens ``wrapper``."""
    first = next(wrapper.findall(addnodes.start_of_file), None)
    if first is None:
        return None
    for part in parts:
        names = [str(item) for item in part.items]
        if first["docname"] in names:
            return part
    return None


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    **{c: "\\" + c for c in "{}$&#_%"},
}


def _latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(char, char) for char in text)


# --------------------------------------------------------------------------
# Tables (both outputs)

# A cell that holds a number as the prose sets it: a sign, digits with
# thousands separators, a decimal part, a power of ten, a unit.
_NUMERIC = re.compile(
    r"^[\s(]*[~≈<>≤≥±+\-−]?\s*"
    r"(\d[\d\u202f\u2009 ,]*(\.\d+)?|\.\d+)"
    r"(\s*[×x]\s*10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?"
    r"\s*(%|×|x|s|ms|steps?)?[\s)]*$"
)
_BLANK = {"", "-", "\u2013", "\u2014", "\u2212", "n/a"}


def _cell_text(entry: nodes.Element) -> str:
    return " ".join(entry.astext().split())


def numeric_columns(table: nodes.table) -> list[bool]:
    """Which columns of ``table`` hold only numbers in their body rows
    (blank cells and dashes allowed, at least one number)."""
    tgroup = next(table.findall(nodes.tgroup), None)
    tbody = next(table.findall(nodes.tbody), None) if tgroup else None
    if tbody is None:
        return []
    ncols = int(tgroup.get("cols", 0))
    numeric = [True] * ncols
    seen = [False] * ncols
    for row in tbody.findall(nodes.row):
        entries = [e for e in row.children if isinstance(e, nodes.entry)]
        if len(entries) != ncols:  # spanning cells: leave the table alone
            return [False] * ncols
        for i, entry in enumerate(entries):
            text = _cell_text(entry)
            if text.lower() in _BLANK:
                continue
            if _NUMERIC.match(text):
                seen[i] = True
            else:
                numeric[i] = False
    return [n and s for n, s in zip(numeric, seen, strict=True)]


def _simple(table: nodes.table) -> bool:
    """A table that Sphinx sets with tabulary: few rows, one paragraph
    per cell, no code, no given widths."""
    if "colwidths-given" in table.get("classes", []):
        return False
    rows = list(table.findall(nodes.row))
    if len(rows) > 30:
        return False
    for entry in table.findall(nodes.entry):
        kids = list(entry.children)
        if len(kids) > 1 or any(
            not isinstance(k, nodes.paragraph) for k in kids
        ):
            return False
    return True


class AlignNumbers(SphinxPostTransform):
    """Right-align the columns of a table that hold only numbers.

    On the website each cell of such a column gets the class ``numeric``
    (``_static/typography.css`` aligns it right, with tabular figures);
    in the PDF a simple table gets a column specification with ``R``
    for those columns (the preamble sets table figures tabular)."""

    default_priority = 200

    def run(self, **kwargs: Any) -> None:
        latex = self.app.builder.format == "latex"
        for table in list(self.document.findall(nodes.table)):
            columns = numeric_columns(table)
            if not any(columns):
                continue
            for row in table.findall(nodes.row):
                entries = [e for e in row.children
                           if isinstance(e, nodes.entry)]
                for entry, num in zip(entries, columns, strict=False):
                    if num:
                        entry["classes"].append("numeric")
            if latex and _simple(table) and table.parent is not None:
                spec = "".join("R" if n else "T" for n in columns)
                table.parent.insert(
                    table.parent.index(table),
                    addnodes.tabular_col_spec(spec=spec),
                )


# --------------------------------------------------------------------------
# Website


def check_offline(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Remove the jshtml player's CDN stylesheet; warn about any other
    resource that an output would load from another host."""
    if app.builder.format != "html":
        return
    for raw in list(doctree.findall(nodes.raw)):
        if "html" not in raw.get("format", "").split():
            continue
        text = raw.astext()
        if "x-thebe-config" in text or text.startswith("<script>kernelName"):
            raw.parent.remove(raw)  # sphinx-thebe's per-page configuration
            continue
        cleaned = _JSHTML_FONT_AWESOME.sub("", text)
        for match in _EXTERNAL.finditer(cleaned):
            logger.warning(
                "output loads %s from another host; the website must work "
                "offline (bundle the resource or drop it)",
                match.group(1),
                location=raw,
                type="book_publish",
                subtype="external",
            )
        if cleaned != text:
            raw.replace_self(
                nodes.raw("", cleaned, format=raw["format"],
                          classes=raw.get("classes", []))
            )


def _is_thebe(asset: Any) -> bool:
    name = str(getattr(asset, "filename", "") or "")
    body = getattr(asset, "attributes", {}).get("body", "")
    return "thebe" in name or "THEBE_JS_URL" in body


def page_context(
    app: Sphinx, pagename: str, templatename: str, context: dict,
    doctree: Any,
) -> None:
    """Drop thebe's assets; point the download button at the book PDF."""
    for key in ("script_files", "css_files"):
        if key in context:
            context[key][:] = [a for a in context[key] if not _is_thebe(a)]
    pathto = context.get("pathto")
    if pathto is None:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        for i, button in enumerate(group["buttons"]):
            if button.get("label") == "download-pdf-button":
                group["buttons"][i] = {
                    "type": "link",
                    "url": pathto(app.config.book_pdf_name, 1),
                    "text": "book .pdf",
                    "tooltip": "Download the whole book as a PDF",
                    "icon": "fas fa-file-pdf",
                    "label": "download-pdf-button",
                }


def write_index(app: Sphinx, exception: Exception | None) -> None:
    """Write ``index.html``, the redirect to the introduction.

    sphinx-external-toc writes a bare redirect (only when the file is
    missing), for which the browser asks for ``/favicon.ico``, a 404; an
    icon link to a file would be cut off by the redirect. An empty data
    URL as icon asks for nothing."""
    if exception is not None or app.builder.name != "html":
        return
    target = f"{app.config.root_doc}.html"
    title = html.escape(app.config.html_title or app.config.project)
    (Path(app.outdir) / "index.html").write_text(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
        "<meta charset=\"utf-8\">\n"
        f"<title>{title}</title>\n"
        '<link rel="icon" href="data:,">\n'
        f'<meta http-equiv="Refresh" content="0; url={target}">\n'
        f'</head>\n<body><p><a href="{target}">{title}</a></p></body>\n'
        "</html>\n",
        encoding="utf-8",
    )


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("book_pdf_name", "why-relus-die.pdf", "html")
    app.add_post_transform(CheckPrintableOutputs)
    app.add_post_transform(DropFoldedCode)
    app.add_post_transform(BookStructure)
    app.add_post_transform(AlignNumbers)
    app.connect("doctree-resolved", check_offline, priority=900)
    # after sphinx-book-theme's add_header_buttons (501)
    app.connect("html-page-context", page_context, priority=900)
    # before sphinx-external-toc's bare redirect (500)
    app.connect("build-finished", write_index, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
