"""relu_notes.book: numbers as the prose shows them, glue, figure
fingerprints and show."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest

from relu_notes import book
from relu_notes.book import GLUE_PREFIX, fingerprint, glue, number, show

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

NB = "\u202f"  # narrow no-break space
M = "\u2212"  # minus sign


@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (-2.5, ".1f", f"{M}2.5"),
        (0.123456, ".3g", "0.123"),
        (-2.5e-14, ".1e", f"{M}2.5 \u00d7 10\u207b\u00b9\u2074"),
        (1500.0, ".1e", "1.5 \u00d7 10\u00b3"),
        (3.0, ".0e", "3"),  # 10^0 is left out
        (2.0e10, ".2g", "2 \u00d7 10\u00b9\u2070"),
        (15800.4, ",.0f", f"15{NB}800"),
        (-1234567, ",d", f"{M}1{NB}234{NB}567"),
        (1234567, None, "1234567"),
        (42, None, "42"),
        (np.int64(-7), None, f"{M}7"),
        (3.0, "d", "3"),
        (np.float64(0.5), ".2f", "0.50"),
        (np.float32(0.25), ".2f", "0.25"),
        (0.256, ".0%", "26%"),
        # negative zero after rounding prints as 0
        (-0.0001, ".2f", "0.00"),
        (-0.0, ".1f", "0.0"),
        (-0.004, ".0%", "0%"),
        (-0.4, ".0f", "0"),
        (-0.6, ".0f", f"{M}1"),
    ],
)
def test_number(value, fmt, text):
    assert number(value, fmt) == text


@pytest.mark.parametrize(
    ("value", "fmt", "match"),
    [
        (math.nan, ".2f", "non-finite"),
        (math.inf, ".2f", "non-finite"),
        (-math.inf, None, "non-finite"),
        (np.float64("nan"), ".3g", "non-finite"),
        (True, None, "int or a float"),
        (np.bool_(False), "d", "int or a float"),
        ("1.5", ".2f", "int or a float"),
        (None, ".2f", "int or a float"),
        (1 + 2j, ".2f", "int or a float"),
        (1.5, None, "needs a format"),
        (1.5, "d", "whole number"),
        (1.0, ".3x", "unsupported format"),
        (1.0, "{:.3f}", "unsupported format"),
        (1.0, ">10.3f", "unsupported format"),
        (1.0, "", "unsupported format"),
        (1.0, 3, "unsupported format"),
    ],
)
def test_number_rejects(value, fmt, match):
    with pytest.raises(ValueError, match=match):
        number(value, fmt)


def test_glue_outside_ipython_does_nothing_but_checks():
    # returns nothing (a cell ending in glue(...) shows nothing), but
    # a bad number or format is refused in a plain script too
    assert not book._in_ipython()
    assert glue("x", 0.123456, ".3g") is None
    assert glue("s", "plain text") is None
    assert glue("obj", [1, 2]) is None
    with pytest.raises(ValueError, match="format"):
        glue("x", 0.5)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("a b", 1), "glue name"),
        (("", 1), "glue name"),
        ((3, 1), "glue name"),
        (("a", "text", ".2f"), "fmt is only for numbers"),
        (("a", math.nan, ".2f"), "non-finite"),
        (("a", 0.5), "needs a format"),
    ],
)
def test_glue_rejects(args, match):
    with pytest.raises(ValueError, match=match):
        glue(*args)


@pytest.fixture
def shell():
    """A live IPython shell, so that glue and show publish outputs."""
    from IPython.core.interactiveshell import InteractiveShell

    sh = InteractiveShell.instance()
    yield sh
    InteractiveShell.clear_instance()


def test_glue_and_show_inside_ipython(shell):
    from IPython.utils.capture import capture_output

    fig = Figure()
    fig.subplots().plot([1.0, 2.0], [3.0, 4.0])
    with capture_output() as cap:
        assert glue("ratio", -0.5, ".2f") is None
        glue("label", "words")
        show(fig)
    first, second, shown = cap.outputs
    assert first.data == {GLUE_PREFIX + "text/plain": repr(f"{M}0.50")}
    assert first.metadata["scrapbook"]["name"] == "ratio"
    assert second.data == {GLUE_PREFIX + "text/plain": "'words'"}
    assert shown.data["text/plain"] == fingerprint(fig)
    assert shown.data["image/png"][:4] == b"\x89PNG"


def test_show_closes_the_current_figure(shell):
    from IPython.utils.capture import capture_output

    fig = plt.figure()
    plt.plot([0.0, 1.0])
    with capture_output():
        show()
    assert fig.number not in plt.get_fignums()


def _figure(y, kind="line"):
    fig = Figure()
    ax = fig.subplots()
    x = np.arange(len(y), dtype=float)
    if kind == "line":
        ax.plot(x, y)
    elif kind == "scatter":
        ax.scatter(x, y)
    elif kind == "bar":
        ax.bar(x, y)
    else:
        ax.imshow(np.outer(y, y))
    return fig


Y = np.array([0.31, 1.7, 2.2, 5.05, 3.3])


@pytest.mark.parametrize("kind", ["line", "scatter", "bar", "image"])
def test_fingerprint_changes_with_the_data(kind):
    base = fingerprint(_figure(Y, kind))
    assert fingerprint(_figure(Y, kind)) == base  # deterministic
    changed = Y.copy()
    changed[2] *= 1.01  # a change a reader could see
    assert fingerprint(_figure(changed, kind)) != base
    # 1e-12 relative: last-bit noise between machines, not a change
    noisy = Y * (1 + 1e-12 * np.array([1, -1, 1, -1, 1]))
    assert fingerprint(_figure(noisy, kind)) == base


def test_fingerprint_counts_artists_and_values():
    fig = Figure()
    ax = fig.subplots()
    ax.plot([0.0, 1.0], [2.0, -3.0])
    ax.plot([0.0, 1.0, 2.0], [np.nan, 1.0, 1.0])  # NaN is not drawn
    text = fingerprint(fig)
    assert text.startswith("figure: 1 axes, 2 lines, 0 collections, "
                           "0 images, 0 bars;")
    # finite values: 4 + 5; sum of |v|: 6 + 5
    assert text.endswith("9 values, sum |v| = 1.100e+01")


@pytest.mark.parametrize("bad", ["fig", None, plt])
def test_fingerprint_rejects_non_figures(bad):
    with pytest.raises(ValueError, match="needs a matplotlib Figure"):
        fingerprint(bad)


def test_number_range():
    from relu_notes.book import number_range

    assert number_range(3602.4, 4162302.0, ".2g") == (
        "3.6 \u00d7 10\u00b3 to 4.2 \u00d7 10\u2076")
    assert number_range(1.6098, 1.6101, ".2f") == "1.61"
    assert number_range(-2, 3) == "\u22122 to 3"
    with pytest.raises(ValueError, match="low <= high"):
        number_range(2.0, 1.0, ".1f")
    with pytest.raises(ValueError, match="non-finite"):
        number_range(float("nan"), 1.0, ".1f")
