"""Project-wide pytest hooks.

When notebooks are tested (``--nbval``), fail the session if any notebook
under ``chapters/`` was not collected, so that a notebook can never drop
out of the test run unnoticed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).parent


def pytest_collection_finish(session: pytest.Session) -> None:
    if not session.config.getoption("nbval", default=False):
        return
    args = [Path(a).resolve() for a in session.config.args]
    if (ROOT / "chapters").resolve() not in args:
        return  # a partial run of chosen files
    collected = {Path(item.path).resolve() for item in session.items}
    missing = sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "chapters").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts and p.resolve() not in collected
    )
    if missing:
        raise pytest.UsageError(
            "notebooks under chapters/ not collected by nbval: "
            + ", ".join(missing)
        )
