"""relu_notes.explorer: state, update latency path, player, figures."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes import data
from relu_notes.explorer import OutlierExplorer, Setup
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


def test_player_and_small_multiples(explorer):
    html = explorer.player_html(np.logspace(0, 3, 4), 0.01, uid="p1")
    assert 'id="p1"' in html and "__" not in html.replace("__init", "")
    fig = explorer.small_multiples([1.0, 100.0], 0.01)
    assert len(fig.axes) == 4


def test_bad_input(explorer):
    with pytest.raises(ValueError, match="unknown input kind 'x'"):
        explorer.state(1.0, 0.1, "mse", "x")
    with pytest.raises(ValueError, match="lr .* must be a positive"):
        explorer.state(1.0, 0.0)
    with pytest.raises(ValueError, match="setups is empty"):
        OutlierExplorer({})


def test_player_html_escapes_what_it_writes():
    X, y = data.make_data(20, [0.8, 0.5, -0.4], 0.2, "zero_mean", rng=1)
    evil = '</script><script>alert("kind")</script>'
    ex = OutlierExplorer({evil: Setup(Neuron([0.8, 0.5, -0.4], 0.2), X,
                                      X[0], y[0])})
    html = ex.player_html([1.0, 10.0], 0.01, uid="safe-id")
    # the kind's name reaches the page only inside the JSON, escaped
    assert "alert" in html and "<script>alert" not in html
    # "</script" followed by a space or "/" would end the script too
    assert html.lower().count("</script") == 1  # the player's own
    assert html.lower().count("<script") == 1
    for uid in ['x" onload="alert(1)', "a<b", "a b", "", "1st"]:
        with pytest.raises(ValueError, match="uid must be"):
            ex.player_html([1.0], 0.01, uid=uid)
