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


# --------------------------------------------------------------------------
# The figure system


def _png_record(png: bytes) -> dict:
    import io
    import json

    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        return json.loads(img.text["relu_notes"])


def _sample(width: str):
    import matplotlib.pyplot as plt

    style.use()
    fig, ax = style.figure(width)
    ax.plot([1, 2, 3], [1, 4, 9], label=style.label("zero_mean"))
    ax.set_xlabel("step")
    ax.legend()
    png, metadata = style.image(fig)
    plt.close(fig)
    return png, metadata


def test_standard_sizes_meet_the_minimums_in_print_and_on_the_web():
    """Tick labels >= 0.85 of the body text, legends >= 10 pt, for both
    widths, computed from the type sizes and the display rules alone."""
    for inches in (style.TEXT_WIDTH, style.WIDE_WIDTH):
        scale = min(1.0, style.PRINT_LINE_WIDTH / inches)
        ticks = style.SIZES["ticks"]
        assert ticks * scale / style.BODY_PT >= style.MIN_TICK_RATIO
        assert (ticks / 72 * style.PX_PER_INCH / style.BODY_PX
                >= style.MIN_TICK_RATIO)
        assert style.SIZES["legend"] * scale >= style.MIN_LEGEND_PT
    assert style.WIDE_WIDTH <= style.PRINT_LINE_WIDTH
    assert style.TEXT_WIDTH < style.WIDE_WIDTH


def test_text_figure_is_about_the_prose_width():
    # typography.css sets the prose measure to 59ch, about 600 px; a
    # text-width figure may be a little wider, never narrower.
    assert 600 <= style.TEXT_WIDTH * style.PX_PER_INCH <= 700


def test_image_records_width_and_type_sizes():
    for width, inches in (("text", style.TEXT_WIDTH),
                          ("wide", style.WIDE_WIDTH)):
        png, metadata = _sample(width)
        record = _png_record(png)
        # bbox "tight" crops or grows the figure by a few percent only.
        assert abs(record["width_in"] - inches) < 0.15 * inches
        assert metadata["width"] == round(
            record["width_in"] * style.PX_PER_INCH)
        assert record["ticks_pt"] == style.SIZES["ticks"]
        assert record["legend_pt"] == style.SIZES["legend"]
        assert record["ticks_print_ratio"] >= style.MIN_TICK_RATIO
        assert record["ticks_web_ratio"] >= style.MIN_TICK_RATIO
        # a wide figure still fits the print line: type is not shrunk
        assert record["width_in"] <= style.PRINT_LINE_WIDTH
        assert (record["legend_pt"] * record["print_scale"]
                >= style.MIN_LEGEND_PT)


def test_image_is_twice_the_screen_resolution():
    import io

    from PIL import Image

    png, metadata = _sample("text")
    with Image.open(io.BytesIO(png)) as img:
        assert img.width == 2 * metadata["width"] or abs(
            img.width - 2 * metadata["width"]) <= 2


def test_image_is_a_palette_of_at_most_256_colours():
    import io

    import numpy as np
    from PIL import Image

    for smooth in (False, True):
        fig, ax = style.figure("text")
        x = np.linspace(0, 1, 200)
        if smooth:  # a colour map: median cut
            ax.imshow(np.outer(x, x))
        else:       # lines only: octree
            ax.plot(x, x ** 2)
        assert style._has_colour_maps(fig) is smooth
        png, _ = style.image(fig)
        with Image.open(io.BytesIO(png)) as img:
            assert img.mode == "P"
            assert len(img.getcolors(256)) <= 256


def test_type_sizes_finds_a_small_label():
    import math

    import matplotlib.pyplot as plt

    style.use()
    fig, ax = style.figure("text")
    ax.text(0.5, 0.5, "tiny", fontsize=6)
    sizes = style.type_sizes(fig)
    plt.close(fig)
    assert sizes["other"] == 6
    assert sizes["ticks"] == style.SIZES["ticks"]
    assert math.isnan(sizes["legend"])


def test_labels_are_words_not_identifiers():
    for key, text in style.LABELS.items():
        assert "_" not in text.replace(r"\eta", ""), (key, text)
    assert style.label("mse") == "MSE"
    assert style.label("zero_mean") == "zero-mean"
    assert style.label("non_negative") == "non-negative"


def test_bad_input_is_refused():
    import pytest

    with pytest.raises(ValueError, match="valid"):
        style.label("zero mean")
    with pytest.raises(ValueError, match="'text', 'wide'"):
        style.figure("half")
    with pytest.raises(ValueError, match="aspect"):
        style.figure("text", aspect=0)
    with pytest.raises(ValueError, match="Figure"):
        style.image("not a figure")
