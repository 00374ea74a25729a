"""The website in a real browser: every page of the table of contents.

Explorer faces. The kernel-free face of an explorer is found generically
(:data:`EXPLORER_FACES`): any HTML output of a notebook (``.text_html``,
e.g. a glued ``HTML(anim.to_jshtml())`` or a self-made player of
precomputed frames) that holds an ``<input type="range">``, and any
element with the class ``explorer-face`` (for a face written as raw HTML
in Markdown). A face must not change on its own while nobody touches it,
and moving each of its sliders from one end to the other must change what
it shows: its screenshots, taken with the sliders themselves and any
``<output>`` value echo hidden, must differ. A notebook with an ipywidgets
output (the live face, tagged ``remove-output``) must have a kernel-free
face on its page.
"""

from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest
from book_sources import PDF_NAME, Page, pages

EXPLORER_FACES = ".text_html:has(input[type=range]), .explorer-face"

# Raw TeX that should have been typeset at build time (KaTeX). Code is
# not searched.
RAW_TEX = ("$$", "\\(", "\\)", "\\[", "\\]", "\\begin{", "\\frac")

_PROSE_TEXT = """() => {
  const root = document.querySelector('article') || document.body;
  const copy = root.cloneNode(true);
  copy.querySelectorAll('pre, code, script, style, .katex, textarea,'
                        + ' svg, .highlight').forEach(e => e.remove());
  return copy.textContent;
}"""

_IMAGES = """() => [...document.images].map(i => ({
  src: i.getAttribute('src') || '(no src)', id: i.id,
  ok: i.complete && i.naturalWidth > 0,
  alt: i.getAttribute('alt'),
  inFigure: !!i.closest('figure'),
  inOutput: !!i.closest('.cell_output'),
  inFace: !!i.closest('FACES'),
}))""".replace("FACES", EXPLORER_FACES)

_FIGURES = """() => [...document.querySelectorAll('article figure')]
.map(f => ({
  id: f.id,
  caption: (f.querySelector('figcaption') || {textContent: ''})
           .textContent.trim(),
}))"""

_MATH = """() => [...document.querySelectorAll('.math')].map(m => ({
  rendered: !!m.querySelector('.katex math, .katex .katex-html'),
  text: m.textContent.slice(0, 60),
}))"""

_SET_RANGE = """(el, v) => {
  el.value = v;
  el.dispatchEvent(new Event('input', {bubbles: true}));
  el.dispatchEvent(new Event('change', {bubbles: true}));
}"""


class Visit:
    """One page load with everything the browser reported."""

    def __init__(self, browser: object, url: str, base: str) -> None:
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}
        )
        self.page = self.context.new_page()
        self.base = base
        self.problems: list[str] = []
        page = self.page
        page.on("request", self._request)
        page.on("requestfailed", lambda r: self.problems.append(
            f"request failed: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.problems
                .append(f"HTTP {r.status}: {r.url}"))
        page.on("console", lambda m: m.type == "error" and self.problems
                .append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(
            f"JavaScript error: {e}"))
        page.goto(url, wait_until="load")

    def _request(self, request: object) -> None:
        url = request.url
        if url.startswith(("data:", "blob:", "about:")):
            return
        if urlparse(url).netloc != urlparse(self.base).netloc:
            self.problems.append(f"request to another host: {url}")

    def wait_for_math(self) -> None:
        """The mathematics is typeset at build time: only its fonts load."""
        self.page.evaluate("() => document.fonts.ready.then(() => 1)")

    def wait_for_images(self) -> None:
        self.page.wait_for_function(
            "() => [...document.images].every(i => i.complete)",
            timeout=15_000,
        )

    def close(self) -> None:
        self.context.close()


def _check_math(v: Visit) -> list[str]:
    v.wait_for_math()
    bad = [
        f"math not typeset (no KaTeX output): {m['text']!r}"
        for m in v.page.evaluate(_MATH) if not m["rendered"]
    ]
    prose = v.page.evaluate(_PROSE_TEXT)
    bad += [f"raw TeX {s!r} left in the text" for s in RAW_TEX if s in prose]
    return bad


def _check_images_and_figures(v: Visit) -> list[str]:
    v.wait_for_images()
    bad = []
    for img in v.page.evaluate(_IMAGES):
        name = img["src"] if img["src"] != "(no src)" else f"#{img['id']}"
        if not img["ok"]:
            bad.append(f"image not loaded: {name}")
        if img["inOutput"] and not img["inFace"] and not img["inFigure"]:
            bad.append(f"output image without a numbered, captioned figure "
                       f"(mystnb figure metadata): {name}")
        if img["inFigure"] and not (img["alt"] or "").strip():
            bad.append(f"figure image without alt text: {name}")
    for fig in v.page.evaluate(_FIGURES):
        if not fig["caption"]:
            bad.append(f"figure without a caption: #{fig['id']}")
    return bad


# Outermost faces only (a face inside a face is tested with it), each
# marked so that Playwright can find it again.
_MARK_FACES = """(sel) => {
  const all = [...document.querySelectorAll(sel)];
  const outer = all.filter(f => !all.some(o => o !== f && o.contains(f)));
  outer.forEach((f, i) => f.setAttribute('data-face-test', i));
  return outer.length;
}"""

_HIDE_INPUTS = """(face, hide) => face.querySelectorAll('input, output')
  .forEach(i => { i.style.visibility = hide ? 'hidden' : ''; })"""


def _face_shot(face: object) -> bytes:
    """What the face shows, without its controls (a moved slider's thumb
    alone must not count as a change)."""
    face.scroll_into_view_if_needed()
    face.evaluate(_HIDE_INPUTS, True)
    try:
        return face.screenshot(animations="disabled")
    finally:
        face.evaluate(_HIDE_INPUTS, False)


def _check_explorers(v: Visit, page: Page) -> list[str]:
    count = v.page.evaluate(_MARK_FACES, EXPLORER_FACES)
    bad = []
    if page.uses_widgets and count == 0:
        bad.append(
            "the notebook has an ipywidgets output but the page has no "
            f"kernel-free explorer face ({EXPLORER_FACES})"
        )
    for i in range(count):
        face = v.page.locator(f"[data-face-test='{i}']")
        sliders = face.locator("input[type=range]")
        if sliders.count() == 0:
            bad.append(f"explorer face {i} has no slider")
            continue
        for j in range(sliders.count()):
            slider = sliders.nth(j)
            low = slider.get_attribute("min") or "0"
            high = slider.get_attribute("max") or "100"
            slider.evaluate(_SET_RANGE, low)
            v.page.wait_for_timeout(200)
            before = _face_shot(face)
            v.page.wait_for_timeout(300)
            if _face_shot(face) != before:
                bad.append(f"explorer face {i} changes by itself")
                continue
            slider.evaluate(_SET_RANGE, high)
            v.page.wait_for_timeout(300)
            if _face_shot(face) == before:
                bad.append(
                    f"explorer face {i}: moving slider {j} from {low} to "
                    f"{high} changes nothing on screen"
                )
    return bad


def _check_downloads(v: Visit, page: Page) -> list[str]:
    links = v.page.evaluate(
        "() => [...document.querySelectorAll("
        "'.dropdown-download-buttons a')].map(a => a.href)"
    )
    wanted = [PDF_NAME] + ([".ipynb"] if page.is_notebook else [])
    bad = []
    for suffix in wanted:
        hits = [u for u in links if u.endswith(suffix)]
        if not hits:
            bad.append(f"download button offers no {suffix}: {links}")
            continue
        response = v.context.request.get(hits[0])
        if response.status != 200:
            bad.append(f"download {hits[0]}: HTTP {response.status}")
        elif suffix == PDF_NAME and not response.body().startswith(b"%PDF"):
            bad.append(f"download {hits[0]} is not a PDF")
        elif suffix == ".ipynb" and "cells" not in json.loads(
            response.body()
        ):
            bad.append(f"download {hits[0]} is not a notebook")
    return bad


@pytest.mark.parametrize("page", pages(), ids=lambda p: p.docname)
def test_page(page: Page, visit, screenshots, book_pdf) -> None:
    v = visit(page.html)
    problems = []
    problems += _check_math(v)
    problems += _check_images_and_figures(v)
    v.page.screenshot(
        path=screenshots / f"{page.docname.replace('/', '__')}.png",
        full_page=True,
    )
    problems += _check_explorers(v, page)
    problems += _check_downloads(v, page)
    problems = v.problems + problems  # what the browser reported first
    assert not problems, f"{page.html}:\n  " + "\n  ".join(problems)


def test_search_finds_dead(visit, screenshots) -> None:
    v = visit("search.html?q=dead")
    results = v.page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=15_000)
    v.page.screenshot(path=screenshots / "search.png", full_page=True)
    assert results.count() > 0
    assert not v.problems, "\n".join(v.problems)


def test_index_opens_the_introduction(visit) -> None:
    v = visit("index.html")
    v.page.wait_for_url(f"**/{pages()[0].html}", timeout=10_000)
    assert not v.problems, "\n".join(v.problems)
