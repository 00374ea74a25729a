"""The website on every screen: navigation on phones and tablets, no
sideways scrolling on a 390 px phone, tables as cards, page weight.

Screenshots of every page at 390 px go beside the desktop ones in
``tests/artifacts/screenshots/`` (``<page>__390px.png``).
"""

from __future__ import annotations

import pytest
from book_sources import pages
from web_metrics import PAGE_BUDGET_GZ_KB, page_weight

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 800, "height": 1000}
CHAPTER = "chapters/an-outlier-kills-a-neuron.html"

_OVERFLOW = """() => {
  const doc = document.documentElement;
  const wide = [...document.querySelectorAll('article *')].filter(e => {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.right <= doc.clientWidth + 1) return false;
    // inside a box that scrolls on its own (code, a formula): fine
    for (let p = e.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden'].includes(s.overflowX)) return false;
    }
    return true;
  }).slice(0, 5).map(e => e.tagName.toLowerCase() + '.' +
    [...e.classList].join('.') + ' ' + Math.round(
      e.getBoundingClientRect().right) + 'px');
  return {scroll: doc.scrollWidth, client: doc.clientWidth, wide};
}"""


_SCROLLING_FORMULAS = """() => [...document.querySelectorAll(
    '.katex-display > .katex > .katex-html')].filter(
      e => e.scrollWidth > e.clientWidth + 2).map(e => [
      e.scrollWidth, e.clientWidth,
      (e.closest('div.math') || e.closest('[id]') || {}).id || ''])"""


def _open(browser, site_url, path, viewport, **kw):
    context = browser.new_context(viewport=viewport, **kw)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(
        m.text))
    page.goto(f"{site_url}/{path}", wait_until="load")
    return context, page, errors


@pytest.mark.parametrize("viewport", [PHONE, TABLET],
                         ids=["390px", "800px"])
def test_menu_and_contents_open(browser, site_url, screenshots,
                                viewport) -> None:
    """The menu button opens the list of parts and chapters, the contents
    button the sections of the page, and a chapter link there works."""
    context, page, errors = _open(browser, site_url, CHAPTER, viewport)
    try:
        menu = page.locator(".primary-toggle:visible")
        assert menu.count() == 1, "one visible menu button"
        menu.click()
        drawer = page.locator("#pst-primary-sidebar-modal")
        drawer.wait_for(state="visible", timeout=5_000)
        chapter = drawer.get_by_role("link", name="Is death permanent?")
        assert chapter.is_visible(), "the chapter list is in the drawer"
        assert drawer.get_by_text("Death by an outlier").is_visible()
        page.screenshot(path=screenshots /
                        f"nav-menu__{viewport['width']}px.png")
        page.keyboard.press("Escape")
        drawer.wait_for(state="hidden", timeout=5_000)

        contents = page.locator(".secondary-toggle:visible")
        assert contents.count() == 1, "one visible contents button"
        contents.click()
        toc = page.locator("#pst-secondary-sidebar-modal")
        toc.wait_for(state="visible", timeout=5_000)
        assert toc.get_by_role("link", name="The exact condition").first \
            .is_visible()
        page.screenshot(path=screenshots /
                        f"nav-contents__{viewport['width']}px.png")
        page.keyboard.press("Escape")
        toc.wait_for(state="hidden", timeout=5_000)

        menu.click()
        drawer.wait_for(state="visible", timeout=5_000)
        chapter.click()
        page.wait_for_url("**/is-death-permanent.html", timeout=10_000)
        assert not errors, errors
    finally:
        context.close()


def test_one_search_box_on_desktop(browser, site_url) -> None:
    context, page, errors = _open(browser, site_url, CHAPTER,
                                  {"width": 1280, "height": 900})
    try:
        assert page.locator("#pst-header button").count() == 0
        assert page.locator("#pst-header").evaluate(
            "e => e.getBoundingClientRect().height") == 0, "no empty top bar"
        assert page.locator(".search-button-field:visible").count() == 1
        assert page.locator(".primary-toggle").count() == 1
        assert page.locator(".secondary-toggle").count() == 1
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("page_", pages(), ids=lambda p: p.docname)
def test_no_sideways_scroll_on_a_phone(browser, site_url, screenshots,
                                       page_) -> None:
    """At 390 px the page is as wide as the screen: prose, outputs,
    figures and tables fit; code and long formulas scroll in their own
    boxes."""
    context, page, errors = _open(browser, site_url, page_.html, PHONE)
    try:
        page.wait_for_timeout(500)
        got = page.evaluate(_OVERFLOW)
        page.screenshot(
            path=screenshots / f"{page_.docname.replace('/', '__')}"
                               "__390px.png",
            full_page=True,
        )
        assert got["scroll"] <= got["client"], (
            f"{page_.html} is {got['scroll']} px wide on a "
            f"{got['client']} px screen; too wide: {got['wide']}")
        assert not got["wide"], got["wide"]
        # a display formula may scroll in its own box, but none needs to:
        # the long ones are set on several lines (aligned or gathered)
        scrolling = page.evaluate(_SCROLLING_FORMULAS)
        assert not scrolling, (
            f"{page_.html}: formulas wider than a phone (px wide, px "
            f"shown, id): {scrolling}")
        assert not errors, errors
    finally:
        context.close()


def test_wide_tables_become_cards(browser, site_url) -> None:
    path = "chapters/a-taxonomy-of-vanishing-gradients.html"
    context, page, _ = _open(browser, site_url, path, PHONE)
    try:
        table = page.locator("article table.table").first
        assert "cards" in (table.get_attribute("class") or "")
        cell = table.locator("tbody td").nth(1)
        assert cell.get_attribute("data-label"), "cells know their column"
        assert cell.evaluate("e => getComputedStyle(e).display") == "block"
    finally:
        context.close()


def test_card_labels_typeset_their_formulas(browser, site_url) -> None:
    """A column header with a formula labels its cards with the typeset
    formula, not with KaTeX's hidden copies of it ("residual rrr")."""
    path = "chapters/one-neuron-backprop.html"
    context, page, _ = _open(browser, site_url, path, PHONE)
    try:
        cell = page.locator("[id='tbl-g-large'] tbody td").first
        assert cell.get_attribute("data-label") == "residual r"
        label = cell.locator(".card-label")
        assert label.evaluate("e => getComputedStyle(e).display") == "block"
        assert label.locator(".katex").count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("page_", pages(), ids=lambda p: p.docname)
def test_page_weight(browser, site_url, page_) -> None:
    """A first visit stays within the budget (gzipped) and never loads
    the Font Awesome script."""
    got = page_weight(browser, f"{site_url}/{page_.html}")
    names = [url for url, _ in got["largest"]]
    assert not any("fontawesome.js" in u for u in names), names
    assert got["gz"] <= PAGE_BUDGET_GZ_KB * 1024, (
        f"{page_.html}: {got['gz'] / 1024:.0f} KB gzipped on a first "
        f"visit, over the budget of {PAGE_BUDGET_GZ_KB} KB; largest: "
        + ", ".join(f"{u.rsplit('/', 1)[-1]} {s[1] / 1024:.0f} KB"
                    for u, s in got["largest"]))
