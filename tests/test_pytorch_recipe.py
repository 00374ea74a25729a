"""Run the PyTorch code of chapters/checking-your-own-model.md and check
that each block prints what the page shows below it.

The page's ```python blocks run in order in one namespace; a ```text
block that follows a python block directly (blank lines between are
allowed) is that block's expected output, compared exactly after
stripping trailing spaces. Skipped when torch is not installed: the book
does not need it, CI installs it (requirements-torch.txt).
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

PAGE = (Path(__file__).resolve().parents[1] / "chapters"
        / "checking-your-own-model.md")

FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.S | re.M)


def blocks(text: str) -> list[tuple[str, str | None]]:
    """(code, expected output or None) for every python block."""
    found = [(m.group(1), m.group(2), m.start(), m.end())
             for m in FENCE.finditer(text)]
    out = []
    for i, (lang, body, _, end) in enumerate(found):
        if lang != "python":
            continue
        expected = None
        if i + 1 < len(found):
            nxt_lang, nxt_body, nxt_start, _ = found[i + 1]
            if nxt_lang == "text" and not text[end:nxt_start].strip():
                expected = nxt_body
        out.append((body, expected))
    return out


def _norm(s: str) -> str:
    return "\n".join(line.rstrip() for line in s.strip().splitlines())


def test_the_page_has_checked_blocks():
    found = blocks(PAGE.read_text())
    assert len(found) >= 5
    assert sum(e is not None for _, e in found) >= 4


def test_page_code_runs_and_prints_what_the_page_shows():
    pytest.importorskip("torch")
    namespace: dict = {"__name__": "checking_your_own_model"}
    for i, (code, expected) in enumerate(blocks(PAGE.read_text())):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            exec(compile(code, f"{PAGE.name} block {i}", "exec"), namespace)
        if expected is not None:
            assert _norm(buf.getvalue()) == _norm(expected), (
                f"block {i} printed:\n{buf.getvalue()}"
            )
