"""Unit tests for relu_notes.style."""

from __future__ import annotations

import matplotlib as mpl
from matplotlib.colors import to_rgb

from relu_notes import style


def test_use_sets_an_opaque_white_background():
    style.use()
    assert mpl.rcParams["figure.facecolor"] == "white"
    assert mpl.rcParams["savefig.transparent"] is False


def test_alive_and_dead_differ_in_more_than_colour():
    alive, dead = style.STATE_STYLE["alive"], style.STATE_STYLE["dead"]
    assert to_rgb(alive["color"]) != to_rgb(dead["color"])
    assert alive["linestyle"] != dead["linestyle"]
    assert alive["marker"] != dead["marker"]


def test_alive_and_dead_differ_in_lightness():
    """Also for a reader who sees no hue: a clear difference in luminance
    between the two colours."""

    def luminance(c: str) -> float:
        r, g, b = to_rgb(c)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    assert abs(luminance(style.ALIVE) - luminance(style.DEAD)) > 0.05


def test_every_activation_has_a_distinct_colour():
    from relu_notes.activations import ACTIVATIONS

    assert set(style.ACTIVATION_COLORS) == set(ACTIVATIONS)
    colours = [to_rgb(c) for c in style.ACTIVATION_COLORS.values()]
    assert len(set(colours)) == len(colours)
