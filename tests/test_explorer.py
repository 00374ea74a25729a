"""relu_notes.explorer: state, update latency path, page face, figures."""

from __future__ import annotations

import json

import numpy as np
import pytest

from relu_notes import data
from relu_notes.explorer import OutlierExplorer, Setup, human_number
from relu_notes.neuron import Neuron


@pytest.fixture(scope="module")
def explorer():
    setups = {}
    for kind in ("nonnegative", "zero_mean"):
        X, y = data.make_data(60, [0.8, 0.5, -0.4], 0.2, kind, rng=1)
        setups[kind] = Setup(Neuron([0.8, 0.5, -0.4], 0.2), X, X[0], y[0])
    return OutlierExplorer(setups)


def test_state_matches_neuron_step(explorer):
    st = explorer.state(1000.0, 0.01, "mse", "nonnegative")
    s = explorer.setups["nonnegative"]
    x_o = data.outlier_example(s.x, 0, 1000.0)
    new = s.neuron.step(x_o[None], [s.y_o], 0.01)
    np.testing.assert_array_equal(st.after.w, new.w)
    assert st.dead and st.active_before == 1.0 and st.active_after == 0.0
    assert "DEAD" in st.summary()
    alive = explorer.state(1000.0, 0.01, "mse", "zero_mean")
    assert not alive.dead


def test_update_returns_png(explorer):
    png = explorer.update(50.0, 0.1, "huber", "zero_mean")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert explorer.update(5.0, 0.1) != png


def test_page_html_and_small_multiples(explorer):
    html = explorer.page_html(uid="p1", size=100.0, lr=0.1, loss="mae",
                              kind="zero_mean")
    assert 'id="p1"' in html and "__" not in html
    assert 'value="2.00"' in html and 'value="-1.0"' in html
    assert 'value="mae" checked' in html and "zero-mean" in html
    # the JSON never closes the script element it sits in
    start = html.index('class="ox-data">') + len('class="ox-data">')
    payload = html[start:html.index("</script>", start)]
    assert "<" not in payload
    data_ = json.loads(payload)
    assert data_["kinds"] == ["nonnegative", "zero_mean"]
    assert len(data_["setups"]["zero_mean"]["X"]) == 60
    fig = explorer.small_multiples([1.0, 100.0], 0.01)
    assert len(fig.axes) == 4


def test_page_data_rounds_and_highlights(explorer):
    d = explorer.page_data(digits=3)
    w = d["setups"]["nonnegative"]["w"]
    assert w == [0.8, 0.5, -0.4]
    x0 = d["setups"]["nonnegative"]["X"][0]
    assert all(len(f"{abs(v):.3g}") <= 5 for v in x0)
    assert all(1 <= len(rows) <= 3 for rows in d["highlight"])
    with pytest.raises(ValueError, match="digits"):
        explorer.page_data(digits=1)


@pytest.mark.parametrize("value, text", [
    (0.0, "0"), (-15.71, "\u221215.7"), (15899.6, "1.59 \u00d7 10\u2074"),
    (0.5, "0.500"), (100.0, "100"), (999.6, "1.00 \u00d7 10\u00b3"),
    (0.0123, "0.0123"), (3.16e-3, "3.16 \u00d7 10\u207b\u00b3"),
    (-2e12, "\u22122.00 \u00d7 10\u00b9\u00b2"), (np.inf, "\u221e"),
])
def test_human_number(value, text):
    assert human_number(value) == text


def test_page_html_bad_input(explorer):
    with pytest.raises(ValueError, match="uid must be letters"):
        explorer.page_html(uid='x" onload="alert(1)')
    with pytest.raises(ValueError, match="unknown loss"):
        explorer.page_html(loss="hinge")
    with pytest.raises(ValueError, match="size .* must be a positive"):
        explorer.page_html(size=-1.0)


def test_bad_input(explorer):
    with pytest.raises(ValueError, match="unknown input kind 'x'"):
        explorer.state(1.0, 0.1, "mse", "x")
    with pytest.raises(ValueError, match="lr .* must be a positive"):
        explorer.state(1.0, 0.0)
    with pytest.raises(ValueError, match="setups is empty"):
        OutlierExplorer({})


def test_page_html_escapes_what_it_writes():
    X, y = data.make_data(20, [0.8, 0.5, -0.4], 0.2, "zero_mean", rng=1)
    evil = '</script><script>alert("kind")</script>'
    ex = OutlierExplorer({evil: Setup(Neuron([0.8, 0.5, -0.4], 0.2), X,
                                      X[0], y[0])})
    html = ex.page_html(uid="safe-id", kind=evil)
    # the kind's name reaches the page only escaped
    assert "alert" in html and "<script>alert" not in html
    assert html.lower().count("</script") == html.lower().count("<script")
    for uid in ['x" onload="alert(1)', "a<b", "a b", "", "1st"]:
        with pytest.raises(ValueError, match="uid must be"):
            ex.page_html(uid=uid)
