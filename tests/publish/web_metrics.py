"""Measurements of the built website in Chromium, shared by the browser
tests and the benchmark table (``benchmarks/run.py``).

- :func:`page_weight`: bytes a first visit downloads (cold cache), as
  served and gzipped, per page;
- :func:`explorer_timing`: milliseconds the outlier explorer takes to
  recompute and redraw per input event.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]

#: Budget of one page's first visit, gzipped (what a reader downloads
#: from a server that compresses): text, styles, scripts, fonts, figures.
PAGE_BUDGET_GZ_KB = 600
#: One input event of the explorer must be recomputed and laid out
#: within a frame at 60 Hz.
FRAME_MS = 16.0

EXPLORER_PAGE = "chapters/an-outlier-kills-a-neuron.html"


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port) while in the block."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def page_weight(browser: object, url: str, settle_ms: int = 1500) -> dict:
    """Download size of one page on a first visit (empty cache).

    Every response the page asks for while it loads and settles (scripts
    that load more, fonts, images) is counted once, as served (``raw``)
    and gzipped at level 6 (``gz``), in bytes.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sizes: dict[str, tuple[int, int]] = {}

    def record(response: object) -> None:
        try:
            body = response.body()
        except Exception:  # noqa: BLE001 - a redirect has no body
            return
        sizes[response.url] = (len(body), len(gzip.compress(body, 6)))

    page.on("response", record)
    try:
        page.goto(url, wait_until="load")
        page.wait_for_timeout(settle_ms)
    finally:
        context.close()
    return {
        "raw": sum(v[0] for v in sizes.values()),
        "gz": sum(v[1] for v in sizes.values()),
        "requests": len(sizes),
        "largest": sorted(sizes.items(), key=lambda kv: -kv[1][1])[:5],
    }


_DRIVE = """async ([n, cls, lo, hi]) => {
  const root = document.querySelector('.ox[data-ox-root]');
  const input = root.querySelector('input.' + cls);
  const t = root.oxTiming;
  const times = [], compute = [];
  let previous = null;
  for (let i = 0; i < n; i++) {
    input.value = (lo + (hi - lo) * i / (n - 1)).toFixed(2);
    if (input.value === previous) continue;  // snapped to the same step
    previous = input.value;
    input.dispatchEvent(new Event('input', {bubbles: true}));
    times.push(t.last);
    compute.push(t.compute);
    if (i % 10 === 0) {
      await new Promise(r => requestAnimationFrame(r));
    }
  }
  const at = (a, q) => a.slice().sort((x, y) => x - y)[
    Math.min(a.length - 1, Math.floor(q * a.length))];
  return {median: at(times, 0.5), p95: at(times, 0.95),
          max: Math.max(...times), compute_median: at(compute, 0.5)};
}"""


def explorer_timing(browser: object, url: str, events: int = 200,
                    width: int = 1280) -> dict:
    """Recompute-and-redraw time of the explorer per input event, in ms.

    Drags the size control, then the learning rate, through its range in
    up to ``events`` input events each (one per distinct value of the
    control); the page's own clock
    (``performance.now()``) times each update: the step, both charts and
    the table rebuilt and the layout forced; a change of learning rate
    also recomputes the critical size (a 60-step bisection) and the curve
    of active rows (101 sizes). Returns ``{"size": {...}, "lr": {...}}``
    with the median, 95th percentile and largest time, and the median of
    the arithmetic alone (``compute_median``).
    """
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        page.wait_for_function(
            "() => document.querySelector('.ox[data-ox-root]')?.oxTiming")
        return {
            "size": page.evaluate(_DRIVE, [events, "ox-size", 0.0, 5.0]),
            "lr": page.evaluate(_DRIVE, [events, "ox-lr", -5.0, 0.0]),
        }
    finally:
        context.close()
