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
  and the figure; the notebooks keep the code. So is a cell tagged
  ``remove-output`` (in this book, a live widget's cell: its code means
  nothing on paper).
- Cells tagged ``only-notebook`` (code or Markdown) are left out of the
  website and the PDF; the notebook keeps them. Use it for a live
  widget's cell and for sentences such as "the next cell shows live
  controls".
- Equation references written in parentheses, ``({eq}`label`)``, print
  once, "(3.1)", not "((3.1))" (website too).
- Cross-references say where they lead: "(Chapter 5, page 43)".
- Numeric table columns are right-aligned (website too).
- The title page and colophon come from ``book_subtitle``,
  ``book_edition``, ``book_blurb`` and ``book_license`` in ``_config.yml``
  and the source's git revision.
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
            if cell.parent is not None and (
                "tag_hide-cell" in classes
                # a live widget's cell: its code means nothing on paper
                or "tag_remove-output" in classes
            ):
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


#: A cell tagged so is kept in the notebook (a reader who runs it sees
#: it) but left out of the website and the PDF: live widget cells and the
#: sentences that talk about them ("In a running notebook ...").
ONLY_NOTEBOOK = "only-notebook"
_MARK_START = "book_publish:only-notebook-start"
_MARK_END = "book_publish:only-notebook-end"


def _patch_markdown_cells() -> None:
    """Mark the content of Markdown cells tagged ``only-notebook``.

    myst-nb renders a Markdown cell's content straight into the page and
    forgets the cell's tags; two comment nodes around the content let
    :class:`DropNotebookOnly` remove it."""
    from myst_nb.core.render import MditRenderMixin

    original = MditRenderMixin.render_nb_cell_markdown
    if getattr(original, "_book_publish", False):
        return

    def render(self: Any, token: Any) -> None:
        tags = token.meta.get("metadata", {}).get("tags", [])
        if ONLY_NOTEBOOK not in tags:
            original(self, token)
            return
        self.current_node.append(nodes.comment("", _MARK_START))
        original(self, token)
        self.current_node.append(nodes.comment("", _MARK_END))

    render._book_publish = True  # type: ignore[attr-defined]
    MditRenderMixin.render_nb_cell_markdown = render


class DropNotebookOnly(SphinxPostTransform):
    """Leave out cells tagged ``only-notebook`` (website and PDF)."""

    default_priority = 4

    def run(self, **kwargs: Any) -> None:
        for cell in list(self.document.findall(nodes.container)):
            if ("tag_" + ONLY_NOTEBOOK in cell.get("classes", [])
                    and cell.parent is not None):
                cell.parent.remove(cell)
        for start in list(self.document.findall(nodes.comment)):
            if start.astext() != _MARK_START or start.parent is None:
                continue
            parent = start.parent
            i = parent.index(start)
            end = i + 1
            while end < len(parent) and not (
                isinstance(parent[end], nodes.comment)
                and parent[end].astext() == _MARK_END
            ):
                end += 1
            for child in list(parent.children[i:end + 1]):
                parent.remove(child)


class SingleParentheses(SphinxPostTransform):
    """``({eq}`label`)`` in the sources would print "((3.1))": the
    equation reference brings its own parentheses, so the ones around it
    in the text are dropped (website and PDF)."""

    default_priority = 4  # before references are resolved (10)

    def run(self, **kwargs: Any) -> None:
        for ref in list(self.document.findall(addnodes.pending_xref)):
            if ref.get("reftype") != "eq":
                continue
            parent = ref.parent
            if parent is None:
                continue
            i = parent.index(ref)
            if i == 0 or i + 1 >= len(parent):
                continue
            before, after = parent[i - 1], parent[i + 1]
            if not (isinstance(before, nodes.Text)
                    and isinstance(after, nodes.Text)):
                continue
            if before.endswith("(") and after.startswith(")"):
                parent.replace(before, nodes.Text(str(before)[:-1]))
                parent.replace(after, nodes.Text(str(after)[1:]))


def _patch_latex_pagerefs() -> None:
    """Cross-references in the PDF say where they lead.

    With ``latex_show_pagerefs`` Sphinx adds ``(page 43)`` after a
    reference's text; here it becomes ``(Chapter 5, page 43)`` or
    ``(Section 5.2, page 44)`` through ``\bookpageref`` (defined in the
    preamble with hyperref's ``\autoref``). A numbered reference to a
    figure, table or equation in another chapter gets ``, page 43``."""
    from sphinx.writers.latex import LaTeXTranslator

    if getattr(LaTeXTranslator.hyperpageref, "_book_publish", False):
        return

    def hyperpageref(self: Any, id: str) -> str:
        doc = id.split(":", 1)[0]
        unnumbered = getattr(self.builder, "_book_unnumbered", set())
        macro = "bookpageonly" if doc in unnumbered else "bookpageref"
        return f"\\{macro}{{{self.idescape(id)}}}"

    hyperpageref._book_publish = True  # type: ignore[attr-defined]
    LaTeXTranslator.hyperpageref = hyperpageref

    original = LaTeXTranslator.visit_number_reference

    def visit_number_reference(self: Any, node: nodes.Element) -> None:
        try:
            original(self, node)
        except nodes.SkipNode:
            uri = node.get("refuri", "")
            if not node.get("refid") and uri.startswith("%"):
                target = uri[1:].replace("#", ":")
                if target.split(":", 1)[0] != self.curfilestack[-1]:
                    ref = self.idescape(target)
                    self.body.append(f", page~\\pageref*{{{ref}}}")
            raise

    LaTeXTranslator.visit_number_reference = visit_number_reference


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
# thousands separators, a decimal part, a power of ten, a unit; or a few
# such numbers ("0.76 / 0.77", "12 (9–15)").
_NUM = (
    r"[~≈<>≤≥±+\-−]?\s*(?:\d[\d\u202f\u2009 ,]*(?:\.\d+)?|\.\d+)"
    r"(?:\s*[×x]\s*10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?\s*(?:%|×|s|ms)?"
)
_NUMERIC = re.compile(
    rf"^\s*{_NUM}(?:\s*(?:/|–|—|±|to)\s*{_NUM})*"
    rf"(?:\s*[(\[]\s*{_NUM}(?:\s*(?:–|-|−|,|to)\s*{_NUM})?\s*[)\]])?"
    r"\s*$"
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
                if pagename in _numbered_chapters(app):
                    # cut out of the book by tools/build_pdf.py
                    name = Path(pagename).name
                    group["buttons"].insert(i + 1, {
                        "type": "link",
                        "url": pathto(f"pdf/{name}.pdf", 1),
                        "text": "chapter .pdf",
                        "tooltip": "Download this chapter as a PDF",
                        "icon": "fas fa-file-pdf",
                        "label": "download-chapter-pdf-button",
                    })
                break


def _numbered_chapters(app: Sphinx) -> set[str]:
    return {
        str(item)
        for part in _toc_parts(app)
        if part.numbered
        for item in part.items
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


# --------------------------------------------------------------------------
# Bibliography


def _register_author_year_style() -> None:
    """An author-year bibliography: each entry labelled as the text cites
    it ("Haldar et al. 2019"), sorted by author and year, with the URL of
    a web source. Registered as the pybtex style ``authoryear``."""
    from collections import Counter

    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.plain import Style as Plain
    from pybtex.style.labels import BaseLabelStyle
    from pybtex.style.sorting.author_year_title import (
        SortingStyle as AuthorYearTitle,
    )

    def surname(person: Any) -> str:
        return " ".join(
            "".join(str(part) for part in person.prelast_names
                    + person.last_names).split()
        ).replace("{", "").replace("}", "")

    class AuthorYearLabels(BaseLabelStyle):
        def format_label(self, entry: Any) -> str:
            people = (entry.persons.get("author")
                      or entry.persons.get("editor") or [])
            year = entry.fields.get("year", "n.d.")
            if not people:
                names = entry.fields.get("title", entry.key)[:20]
            elif len(people) == 1:
                names = surname(people[0])
            elif len(people) == 2:
                names = f"{surname(people[0])} and {surname(people[1])}"
            else:
                names = f"{surname(people[0])} et al."
            return f"{names} {year}"

        def format_labels(self, sorted_entries: Any) -> Any:
            labels = [self.format_label(e) for e in sorted_entries]
            count, seen = Counter(labels), Counter()
            for label in labels:
                if count[label] == 1:
                    yield label
                else:
                    yield label + chr(ord("a") + seen[label])
                    seen[label] += 1

    class AuthorYear(Plain):
        default_label_style = AuthorYearLabels
        default_sorting_style = AuthorYearTitle

    for kind, name, cls in (
        ("pybtex.style.labels", "authoryear", AuthorYearLabels),
        ("pybtex.style.formatting", "authoryear", AuthorYear),
    ):
        try:
            register_plugin(kind, name, cls)
        except Exception:  # noqa: BLE001 - registered by an earlier build
            pass


def _mark_unnumbered(app: Sphinx) -> None:
    """Remember the documents that are unnumbered chapters in the PDF
    (the introduction and the back matter): a reference to them gives
    the page only."""
    unnumbered = {app.config.root_doc}
    for part in _toc_parts(app):
        if not part.numbered:
            unnumbered.update(str(item) for item in part.items)
    app.builder._book_unnumbered = unnumbered  # type: ignore[attr-defined]


def _git(*args: str) -> str:
    import subprocess

    try:
        return subprocess.run(
            ["git", *args], capture_output=True, text=True, check=True,
            cwd=Path(__file__).resolve().parents[1],
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def source_revision() -> str:
    """The source's git revision: short hash, date, and "+ changes" when
    the working tree differs from it."""
    rev = _git("rev-parse", "--short=10", "HEAD")
    if not rev:
        return "unknown revision"
    date = _git("log", "-1", "--format=%cd", "--date=short")
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return f"{rev} ({date}){' + local changes' if dirty else ''}"


def title_page(config: Any, title: str) -> str:
    """The PDF's title page and its back (colophon), in LaTeX."""
    esc = _latex_escape
    plain_title = title
    title = esc(title)
    subtitle = esc(config.book_subtitle)
    edition = esc(config.book_edition)
    blurb = esc(config.book_blurb)
    author = esc(config.author)
    licence = esc(config.book_license)
    revision = esc(source_revision())
    return rf"""
\hypersetup{{pdftitle={{{esc(plain_title)}}}}}
\begin{{titlepage}}
\raggedright\hyphenpenalty=10000
\vspace*{{0.16\textheight}}
\rule{{\textwidth}}{{2.5pt}}\par
\vspace{{18pt}}
{{\sffamily\bfseries\fontsize{{34}}{{40}}\selectfont {title}\par}}
\vspace{{14pt}}
{{\sffamily\Large {subtitle}\par}}
\vspace{{14pt}}
\rule{{\textwidth}}{{0.6pt}}\par
\vspace{{28pt}}
{{\large {author}\par}}
\vspace{{6pt}}
{{\normalsize {edition}\par}}
\vfill
\begin{{minipage}}{{0.82\textwidth}}
\setlength{{\parskip}}{{4pt}}
{blurb}
\end{{minipage}}
\vspace*{{0.06\textheight}}
\end{{titlepage}}
\thispagestyle{{empty}}
\begingroup\footnotesize\raggedright
\vspace*{{\fill}}
\textbf{{{title}}}: {subtitle}\par
{edition}\par\medskip
Text \textcopyright\ {esc(config.copyright)} {author}.
{licence}\par\medskip
Typeset from the book's sources, revision {revision}, with Jupyter
Book, Sphinx and XeLaTeX in TeX Gyre Pagella. Every figure, table and
number in this book was computed by the code printed with it when the
book was built.\par
\endgroup
\clearpage
"""


def set_latex_title(app: Sphinx) -> None:
    """Give the PDF its title page and colophon (once the configuration
    is complete: Jupyter Book sets the project's name late)."""
    context = getattr(app.builder, "context", None)
    if app.builder.format == "latex" and isinstance(context, dict):
        # Jupyter Book passes the title as latex_documents and html_title;
        # ``project`` is not yet set when the builder starts.
        documents = app.config.latex_documents or []
        title = next(
            (t for t in (
                documents[0][2] if documents and len(documents[0]) > 2
                else "",
                app.config.html_title,
            ) if t and "not set" not in t),
            app.config.project,
        )
        context["maketitle"] = title_page(app.config, title)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("book_pdf_name", "why-relus-die.pdf", "html")
    app.add_config_value("book_subtitle", "", "env")
    app.add_config_value("book_edition", "", "env")
    app.add_config_value("book_blurb", "", "env")
    app.add_config_value("book_license", "", "env")
    app.connect("builder-inited", set_latex_title)
    app.add_post_transform(CheckPrintableOutputs)
    app.add_post_transform(DropFoldedCode)
    app.add_post_transform(BookStructure)
    app.add_post_transform(AlignNumbers)
    app.add_post_transform(DropNotebookOnly)
    app.add_post_transform(SingleParentheses)
    _patch_markdown_cells()
    _register_author_year_style()
    _patch_latex_pagerefs()
    app.connect("builder-inited", _mark_unnumbered)
    app.connect("doctree-resolved", check_offline, priority=900)
    # after sphinx-book-theme's add_header_buttons (501)
    app.connect("html-page-context", page_context, priority=900)
    # before sphinx-external-toc's bare redirect (500)
    app.connect("build-finished", write_index, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
