"""The outlier explorer computed in the page, checked against relu_notes.

The page's script takes the step itself from the data the chapter
exported (JSON in the page). For a grid of control settings, the numbers
it shows (new weights and bias, rows active, the critical size s*) must
equal what relu_notes computes from the same data, printed the same way
(:func:`relu_notes.explorer.human_number`). Every control must change
the figure; the keyboard, the live region and reduced motion work; and
screenshots at 390 px and 1280 px, light and dark, are saved.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from web_metrics import EXPLORER_PAGE, FRAME_MS, explorer_timing

from relu_notes import outlier
from relu_notes.explorer import OutlierExplorer, Setup, human_number
from relu_notes.neuron import Neuron

_SET = """([size, lr, loss, kind]) => {
  const root = document.querySelector('.ox[data-ox-root]');
  const fire = (el, type) => el.dispatchEvent(
    new Event(type, {bubbles: true}));
  const s = root.querySelector('input.ox-size'); s.value = size;
  fire(s, 'input');
  const r = root.querySelector('input.ox-lr'); r.value = lr;
  fire(r, 'input');
  const l = root.querySelector(`input.ox-loss[value="${loss}"]`);
  l.checked = true; fire(l, 'change');
  const k = root.querySelector(`input.ox-kind[value="${kind}"]`);
  k.checked = true; fire(k, 'change');
  const shown = {};
  root.querySelectorAll('[data-ox]').forEach(e => {
    shown[e.getAttribute('data-ox')] = e.textContent;
  });
  return shown;
}"""

_HIDE_CONTROLS = """(root, hide) => root.querySelectorAll(
  'input, output, .ox-stops, .ox-choices, .ox-sweep, .ox-sstar-mark,'
  + ' .ox-killzone').forEach(e => {
    e.style.visibility = hide ? 'hidden' : ''; })"""

SIZES = ["0.00", "1.00", "1.50", "2.00", "3.00", "5.00"]
LRS = ["-5.0", "-2.0", "-0.5", "0.0"]
LOSSES = ["mse", "mae", "huber"]


@pytest.fixture
def explorer_page(browser, site_url):
    contexts = []

    def open_(width=1280, **kw):
        context = browser.new_context(
            viewport={"width": width, "height": 900}, **kw)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{site_url}/{EXPLORER_PAGE}", wait_until="load")
        page.wait_for_function(
            "() => document.querySelector('.ox[data-ox-root]')?.oxTiming")
        page.errors = errors
        return page

    yield open_
    for c in contexts:
        c.close()


def _data(page) -> dict:
    return json.loads(page.locator(".ox script.ox-data").text_content())


def _expected(data: dict, size: str, lr: str, loss: str,
              kind: str) -> dict:
    """What the page must show, computed by relu_notes from the page's
    own data."""
    S = data["setups"][kind]
    neuron = Neuron(S["w"], S["b"])
    X = np.array(S["X"])
    x = np.array(S["x"])
    ex = OutlierExplorer({kind: Setup(neuron, X, x, S["y_o"],
                                      S["feature"])})
    s, eta = 10.0 ** float(size), 10.0 ** float(lr)
    st = ex.state(s, eta, loss, kind)
    crit = outlier.critical_size(neuron, X, x, S["y_o"], S["feature"],
                                 [eta], loss)[0]
    n = X.shape[0]
    want = {
        "size": human_number(s), "lr": human_number(eta),
        "g": human_number(st.g), "b": human_number(st.after.b),
        "active-before": f"{int(np.sum(st.z_before > 0))} of {n}",
        "active-after": f"{int(np.sum(st.z_after > 0))} of {n}",
        "sstar": (human_number(crit) if np.isfinite(crit) else
                  "none: no size up to 1.00 \u00d7 10\u00b9\u00b2 kills "
                  "in one step"),
    }
    want.update({f"w{j}": human_number(v)
                 for j, v in enumerate(st.after.w)})
    return want


@pytest.mark.parametrize("kind", ["nonnegative", "zero_mean"])
def test_numbers_match_relu_notes(explorer_page, kind) -> None:
    page = explorer_page()
    data = _data(page)
    bad = []
    for size, lr, loss in itertools.product(SIZES, LRS, LOSSES):
        shown = page.evaluate(_SET, [size, lr, loss, kind])
        want = _expected(data, size, lr, loss, kind)
        for key, value in want.items():
            if shown.get(key) != value:
                bad.append(f"size 10^{size}, lr 10^{lr}, {loss}: {key} "
                           f"shows {shown.get(key)!r}, relu_notes "
                           f"{value!r}")
    assert not bad, f"{len(bad)} mismatches:\n" + "\n".join(bad[:20])
    assert not page.errors, page.errors


def _shot(page) -> bytes:
    root = page.locator(".ox[data-ox-root]")
    root.evaluate(_HIDE_CONTROLS, True)
    try:
        return root.screenshot(animations="disabled")
    finally:
        root.evaluate(_HIDE_CONTROLS, False)


def test_every_control_changes_the_picture(explorer_page) -> None:
    page = explorer_page()
    base = ["0.00", "-1.0", "mse", "nonnegative"]
    changes = {
        "outlier size": (0, "3.00"), "learning rate": (1, "-3.0"),
        "loss MAE": (2, "mae"), "loss Huber": (2, "huber"),
        "input kind zero-mean": (3, "zero_mean"),
    }
    page.evaluate(_SET, base)
    page.wait_for_timeout(100)
    before = _shot(page)
    assert _shot(page) == before, "the figure changes by itself"
    for name, (i, value) in changes.items():
        setting = list(base)
        setting[i] = value
        page.evaluate(_SET, setting)
        page.wait_for_timeout(100)
        assert _shot(page) != before, f"changing the {name} changes " \
            "nothing on screen"
        page.evaluate(_SET, base)
    # s* follows the learning rate on the size control
    left = []
    for lr in ("-3.0", "-1.0"):
        page.evaluate(_SET, ["0.00", lr, "mse", "nonnegative"])
        left.append(page.locator(".ox-sstar-mark").evaluate(
            "e => e.getBoundingClientRect().left"))
    assert left[0] > left[1], "a larger learning rate lowers s*"
    assert not page.errors, page.errors


def test_keyboard_and_live_region(explorer_page) -> None:
    page = explorer_page()
    page.evaluate(_SET, ["2.00", "-2.0", "mse", "nonnegative"])
    size = page.locator(".ox input.ox-size")
    size.focus()
    page.keyboard.press("ArrowRight")
    assert size.input_value() == "2.01"
    assert page.locator(".ox [data-ox=size]").text_content() == \
        human_number(10 ** 2.01)
    page.keyboard.press("Tab")  # on to the sweep button
    page.keyboard.press("Tab")  # the learning rate
    page.keyboard.press("End")
    assert page.locator(".ox input.ox-lr").input_value() == "0"
    status = page.locator(".ox .ox-status")
    assert status.get_attribute("aria-live") == "polite"
    page.wait_for_function(
        "() => document.querySelector('.ox .ox-status').textContent"
        ".includes('learning rate 1.00')", timeout=3_000)
    assert status.text_content().startswith("non-negative inputs, MSE")


def test_reduced_motion_sweeps_in_steps(explorer_page) -> None:
    page = explorer_page(reduced_motion="reduce")
    page.locator(".ox button.ox-sweep").click()
    seen = set()
    for _ in range(6):
        page.wait_for_timeout(250)
        seen.add(page.locator(".ox input.ox-size").input_value())
    assert seen <= {"0", "1", "2", "3", "4", "5"}, seen
    page.locator(".ox button.ox-sweep").click()  # stop


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_and_fit(explorer_page, screenshots, width,
                             scheme) -> None:
    page = explorer_page(width=width, color_scheme=scheme)
    page.evaluate("(m) => { document.documentElement.dataset.theme = m; }",
                  scheme)
    page.evaluate(_SET, ["1.50", "-2.0", "mse", "nonnegative"])
    figure = page.locator("figure:has(.ox)")
    figure.scroll_into_view_if_needed()
    page.wait_for_timeout(200)
    figure.screenshot(path=screenshots /
                      f"explorer__{width}px__{scheme}.png")
    got = page.evaluate(
        "() => [document.documentElement.scrollWidth,"
        " document.documentElement.clientWidth]")
    assert got[0] <= got[1], f"the explorer makes the page {got[0]} px"
    # text at reading size, in CSS pixels (no scaled bitmap)
    smallest = page.evaluate(
        "() => Math.min(...[...document.querySelectorAll('.ox svg text')]"
        ".map(t => parseFloat(getComputedStyle(t).fontSize)))")
    assert smallest >= 12, f"chart text of {smallest} px"
    if scheme == "dark":
        bg = page.locator(".ox").evaluate(
            "e => getComputedStyle(e).backgroundColor")
        assert bg != "rgb(255, 255, 255)", "white box in dark mode"


def test_recompute_within_a_frame(browser, site_url) -> None:
    """The arithmetic of one input event (step, s*, curve) takes well
    under a frame; with the charts redrawn and laid out, the median
    stays within a frame on an idle machine (the benchmark table gives
    the measured numbers)."""
    got = explorer_timing(browser, f"{site_url}/{EXPLORER_PAGE}", 60)
    for control, t in got.items():
        assert t["compute_median"] < FRAME_MS, (control, t)
        assert t["median"] < 4 * FRAME_MS, (control, t)
