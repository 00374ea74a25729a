"""Sphinx extension: a light website. Icons from a font of a few
kilobytes, and the stylesheet and fonts of the mathematics, which
sphinxcontrib-katex renders at build time (no MathJax in the page).

Loaded by ``_config.yml`` (``sphinx: local_extensions``), HTML only.

Mathematics. ``_config.yml`` has sphinxcontrib-katex pre-render every
formula to HTML and MathML with Node.js and KaTeX (Debian's
``libjs-katex``), so a page carries no typesetting script. The page still
needs KaTeX's stylesheet and the fonts it names; they are copied from the
same KaTeX (``KATEX_DIR``, the directory of ``katex_js_path``) into
``_static/katex/`` (WOFF2 only: every current browser reads it), so the
stylesheet, the fonts and the pre-renderer are of one version.

Icons.
The theme draws its icons (menu, contents, search, download,
light and dark mode, admonition marks ...) with the Font Awesome webfont
``fa-solid-900.woff2``: 153 KB for the two dozen glyphs the book shows.
(The theme's 1.5 MB ``fontawesome.js``, which would turn the same icons
into inline SVG, is left out by ``_templates/layout.html``.)

After the build this extension collects the icons the site can show:
every ``fa-NAME`` class in the written pages, mapped to its code point by
the theme's stylesheet, and every icon character the stylesheets put in
``content`` themselves. It subsets the theme's own font files to those
glyphs with fontTools (installed with matplotlib) and writes
``_static/icons/`` with the subsets (WOFF) and ``icons.css``, whose
``@font-face`` rules, coming after the theme's, take precedence: the
browser downloads the subset only. The theme's version is the only
source of glyphs, so an upgrade of the theme needs no change here.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

WEBFONTS = Path("_static") / "vendor" / "fontawesome" / "webfonts"
OUT = Path("_static") / "icons"
#: (font file in the theme, weight of its @font-face rule)
FONTS = [("fa-solid-900.ttf", 900), ("fa-regular-400.ttf", 400)]

_CLASS = re.compile(r"\bfa-([a-z0-9-]+)")
_RULE = re.compile(r"([^{}]+)\{content:\"\\(f[0-9a-f]{3})\"\}")
_PUA = re.compile("[\ue000-\uf8ff]")
_ESCAPE = re.compile(r"content:\s*\"\\(f[0-9a-f]{3})\"")


def used_codepoints(outdir: Path) -> set[int]:
    """Code points of the icons that the written site can show."""
    styles = list((outdir / "_static").rglob("*.css"))
    by_class: dict[str, int] = {}
    loose: set[int] = set()
    for css in styles:
        text = css.read_text(encoding="utf-8", errors="replace")
        loose.update(ord(c) for c in _PUA.findall(text))
        for selectors, code in _RULE.findall(text):
            for sel in selectors.split(","):
                m = re.fullmatch(r"\s*\.fa-([a-z0-9-]+):(?::)?before\s*",
                                 sel)
                if m:
                    by_class[m.group(1)] = int(code, 16)
        if "pydata-sphinx-theme" not in css.name:
            # icons another stylesheet draws in content itself
            loose.update(int(c, 16) for c in _ESCAPE.findall(text))
    names: set[str] = set()
    for page in outdir.rglob("*.html"):
        names.update(_CLASS.findall(page.read_text(encoding="utf-8",
                                                   errors="replace")))
    return loose | {by_class[n] for n in names if n in by_class}


def write_icons(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from fontTools import subset

    outdir = Path(app.outdir)
    codes = used_codepoints(outdir)
    (outdir / OUT).mkdir(parents=True, exist_ok=True)
    faces = []
    for name, weight in FONTS:
        source = outdir / WEBFONTS / name
        if not source.exists():
            logger.warning("web_assets: %s missing; icons keep the "
                           "theme's full font", source,
                           type="web_assets", subtype="font")
            return
        target = outdir / OUT / name.replace(".ttf", ".subset.woff")
        options = subset.Options()
        options.flavor = "woff"
        options.layout_features = []
        options.name_IDs = ["*"]
        options.notdef_outline = True
        font = subset.load_font(str(source), options)
        sub = subset.Subsetter(options)
        sub.populate(unicodes=sorted(codes))
        sub.subset(font)
        subset.save_font(font, str(target), options)
        faces.append(
            "@font-face{font-family:\"Font Awesome 6 Free\";"
            f"font-style:normal;font-weight:{weight};font-display:block;"
            f"src:url({target.name}) format(\"woff\")}}"
        )
    (outdir / OUT / "icons.css").write_text(
        "/* Written by tools/web_assets.py: the theme's icon font, subset "
        f"to the {len(codes)} icons this site shows. */\n"
        + "\n".join(faces) + "\n",
        encoding="utf-8",
    )


def copy_katex(app: Sphinx, exception: Exception | None) -> None:
    """KaTeX's stylesheet with WOFF2 fonts only, into _static/katex/."""
    if exception is not None or app.builder.format != "html":
        return
    js = getattr(app.config, "katex_js_path", "")
    css = getattr(app.config, "katex_css_path", "")
    if not (js and css.startswith("katex/")):
        return
    source = Path(js).parent
    text = (source / "katex.min.css").read_text(encoding="utf-8")
    # keep the woff2 source of each @font-face, drop the woff and ttf
    text = re.sub(
        r"src:url\((fonts/[\w-]+\.woff2)\) format\(['\"]woff2['\"]\)"
        r"[^;}]*",
        r"src:url(\1) format('woff2')", text)
    target = Path(app.outdir) / "_static" / "katex"
    (target / "fonts").mkdir(parents=True, exist_ok=True)
    (target / "katex.min.css").write_text(text, encoding="utf-8")
    for font in sorted(set(re.findall(r"fonts/[\w-]+\.woff2", text))):
        shutil.copyfile(source / font, target / font)


def setup(app: Sphinx) -> dict[str, Any]:
    # after the theme's stylesheets, so these @font-face rules win
    app.add_css_file("icons/icons.css", priority=900)
    app.connect("build-finished", write_icons)
    app.connect("build-finished", copy_katex)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
