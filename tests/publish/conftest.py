"""Fixtures for the publishing tests: the PDF, the built website served on
127.0.0.1, and Debian's Chromium driven by Playwright.

These tests check build outputs, so ``make test`` runs them after the
strict HTML build (``make publish-check``); ``make pytest`` leaves them
out. Screenshots of every page go to ``tests/artifacts/screenshots/``
(ignored by git), for a person to look at after a run.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from book_sources import BUILD, PDF_NAME, ROOT, SITE
from web_metrics import CHROMIUM, CHROMIUM_ARGS, serve

SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def book_pdf() -> Path:
    """Build the PDF once per session (``tools/build_pdf.py``): after the
    HTML build this reuses its environment and executes nothing."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_pdf.py")],
        cwd=ROOT, capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, (
        f"the PDF build failed:\n{result.stdout[-3000:]}\n"
        f"{result.stderr[-3000:]}"
    )
    print(f"\nPDF built in {elapsed:.1f} s", file=sys.stderr)
    return BUILD / PDF_NAME


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    """The built website, served by a local HTTP server on a free port."""
    if not (SITE / "index.html").exists():
        pytest.fail(f"{SITE} is not built: run `make book` first")

    with serve(SITE) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    return SCREENSHOTS


@pytest.fixture
def visit(browser, site_url):
    """Open pages of the served site; ``visit(path)`` returns a
    ``test_browser.Visit``, closed after the test."""
    from test_browser import Visit

    opened = []

    def open_(path: str):
        v = Visit(browser, f"{site_url}/{path}", site_url)
        opened.append(v)
        return v

    yield open_
    for v in opened:
        v.close()
