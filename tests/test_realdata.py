"""Tests for relu_notes.realdata (the diamonds table from plotnine)."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes.realdata import (
    DIAMOND_FEATURES,
    GRADES,
    diamonds_path,
    load_diamonds,
)

HEADER = '"carat","cut","color","clarity","depth","table","price","x","y","z"'


def _write(tmp_path, lines):
    p = tmp_path / "d.csv"
    p.write_text("\n".join([HEADER, *lines]) + "\n")
    return p


def test_small_file_is_parsed_with_grades_coded(tmp_path):
    p = _write(tmp_path, [
        '0.23,"Ideal","E","SI2",61.5,55,326,3.95,3.98,2.43',
        '1.5,"Fair","J","IF",60,58,9000,0,58.9,3.1',
    ])
    d = load_diamonds(p)
    assert d.feature_names == DIAMOND_FEATURES
    np.testing.assert_array_equal(d.y, [326.0, 9000.0])
    np.testing.assert_array_equal(
        d.X[0], [0.23, 4, 5, 1, 61.5, 55, 3.95, 3.98, 2.43])
    np.testing.assert_array_equal(d.X[1, :4], [1.5, 0, 0, 7])
    assert d.X[1, 7] == 58.9 and d.X[1, 6] == 0.0
    np.testing.assert_array_equal(d.rows, [1, 2])


@pytest.mark.parametrize(("line", "match"), [
    ('0.2,"Superb","E","SI2",61,55,326,3.9,3.9,2.4', "unknown cut"),
    ('0.2,"Ideal","E","SI2",61,55,abc,3.9,3.9,2.4', "price is 'abc'"),
    ('0.2,"Ideal","E","SI2",61,55,326,3.9,nan,2.4', "not finite"),
])
def test_bad_lines_name_the_line(tmp_path, line, match):
    p = _write(tmp_path, [line])
    with pytest.raises(ValueError, match=match):
        load_diamonds(p)


def test_missing_column_and_empty_file(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text('"carat","cut"\n0.2,"Ideal"\n')
    with pytest.raises(ValueError, match="lacks the column"):
        load_diamonds(p)
    p.write_text("")
    with pytest.raises(ValueError, match="empty"):
        load_diamonds(p)


def test_the_shipped_table():
    path = diamonds_path()
    assert path.name == "diamonds.csv"
    d = load_diamonds()
    assert d.X.shape == (53_940, 9)
    assert d.y.min() == 326 and d.y.max() == 18_823
    col = {name: d.X[:, i] for i, name in enumerate(DIAMOND_FEATURES)}
    assert col["y"].max() == 58.9 and np.median(col["y"]) == 5.71
    assert np.sort(col["z"])[-1] == 31.8
    assert (col["x"] == 0).sum() == 8  # zero lengths
    for name, grades in GRADES.items():
        assert set(np.unique(col[name])) == set(range(len(grades)))
    # the loader hands out copies
    d.X[0, 0] = -1
    assert load_diamonds().X[0, 0] == 0.23
