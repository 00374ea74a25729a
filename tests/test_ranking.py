"""Tests for relu_notes.ranking: the pairwise loss, its gradient, NDCG and
the delta-NDCG weights, against independent oracles."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from relu_notes.gradcheck import numerical_gradient
from relu_notes.ranking import (
    delta_ndcg_weights,
    group_layout,
    ndcg,
    pairwise_gradient_in_layout,
    pairwise_logistic_loss,
)


def _case(seed=0, n=17, groups=4, levels=3):
    rng = np.random.default_rng(seed)
    s = rng.standard_normal(n)
    r = rng.integers(0, levels, n).astype(float)
    g = rng.permutation(np.arange(n) % groups)  # rows of a group scattered
    return s, r, g


def _dcg_of_order(gain, order, k=None):
    """DCG of rows listed in ``order`` (best first), by a plain loop."""
    total = 0.0
    for pos, row in enumerate(order, start=1):
        if k is not None and pos > k:
            break
        total += gain[row] / np.log2(pos + 1)
    return total


def _ndcg_one_group(scores, rel, k=None):
    """NDCG of one group, ties broken in every possible way and averaged
    (brute force over permutations; small groups only)."""
    gain = 2.0**rel - 1.0
    ideal = _dcg_of_order(gain, np.argsort(-gain, kind="stable"), k)
    orders = [
        p for p in itertools.permutations(range(len(scores)))
        if all(scores[p[a]] >= scores[p[a + 1]]
               for a in range(len(p) - 1))
    ]
    return np.mean([_dcg_of_order(gain, p, k) for p in orders]) / ideal


def _loop_loss(s, r, g, w=None):
    """The loss and gradient by a double loop over rows."""
    total, count = 0.0, 0
    grad = np.zeros_like(s)
    for i in range(len(s)):
        for j in range(len(s)):
            if g[i] == g[j] and r[i] > r[j]:
                wij = 1.0 if w is None else w[(i, j)]
                m = s[i] - s[j]
                total += wij * np.log1p(np.exp(-m))
                sig = 1.0 / (1.0 + np.exp(m))
                grad[i] -= wij * sig
                grad[j] += wij * sig
                count += 1
    return total / count, grad / count


# -- pairwise logistic loss -------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_loss_and_gradient_match_double_loop(seed):
    s, r, g = _case(seed)
    loss, d = pairwise_logistic_loss(s, r, g)
    loss_ref, d_ref = _loop_loss(s, r, g)
    assert loss == pytest.approx(loss_ref, rel=1e-12)
    np.testing.assert_allclose(d, d_ref, rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("weights", [None, "delta_ndcg"])
def test_gradient_matches_finite_differences(weights):
    s, r, g = _case(3)
    _, d = pairwise_logistic_loss(s, r, g, weights)
    # the delta-NDCG weights are held constant: fix them at s
    i, j, w = delta_ndcg_weights(s, r, g)
    wmap = dict(zip(zip(i.tolist(), j.tolist(), strict=True), w, strict=True))

    def f(x):
        if weights is None:
            return pairwise_logistic_loss(x, r, g)[0]
        return _loop_loss(x, r, g, wmap)[0]

    np.testing.assert_allclose(d, numerical_gradient(f, s), atol=1e-8)


def test_delta_ndcg_loss_matches_double_loop():
    s, r, g = _case(4)
    i, j, w = delta_ndcg_weights(s, r, g)
    wmap = dict(zip(zip(i.tolist(), j.tolist(), strict=True), w, strict=True))
    loss, d = pairwise_logistic_loss(s, r, g, "delta_ndcg")
    loss_ref, d_ref = _loop_loss(s, r, g, wmap)
    assert loss == pytest.approx(loss_ref, rel=1e-12)
    np.testing.assert_allclose(d, d_ref, rtol=1e-10, atol=1e-15)


def test_tied_scores_give_log2_and_half_pull():
    loss, d = pairwise_logistic_loss([3.0, 3.0], [2, 0], [5, 5])
    assert loss == pytest.approx(np.log(2.0))
    np.testing.assert_allclose(d, [-0.5, 0.5])


def test_tied_relevance_forms_no_pair():
    loss, d = pairwise_logistic_loss([1.0, -4.0, 2.0], [1, 1, 1], [0, 0, 0])
    assert loss == 0.0
    assert np.all(d == 0.0)


def test_pairs_only_within_groups():
    # rows 0 and 1 differ in relevance but sit in different groups
    s, r = np.array([0.0, 5.0, 1.0, 2.0]), np.array([1.0, 0.0, 0.0, 0.0])
    g = np.array([0, 1, 0, 1])
    loss, d = pairwise_logistic_loss(s, r, g)
    assert loss == pytest.approx(np.log1p(np.exp(1.0)))  # only (0, 2)
    assert d[1] == 0.0 and d[3] == 0.0


@pytest.mark.parametrize("gap", [1e6, 1e12, 1e300])
@pytest.mark.parametrize("weights", [None, "delta_ndcg"])
def test_huge_score_gaps_stay_finite(gap, weights):
    # wrong way round by gap, and right way round by gap
    for sign in (1.0, -1.0):
        loss, d = pairwise_logistic_loss(
            [0.0, sign * gap], [1, 0], [0, 0], weights
        )
        assert np.isfinite(loss) and np.all(np.isfinite(d))
        if sign > 0:  # wrong way: loss = gap * w, pull = w
            w = 1.0 if weights is None else 1.0 - 1.0 / np.log2(3.0)
            assert loss == pytest.approx(w * gap)
            np.testing.assert_allclose(d, [-w, w])
        else:
            assert loss == 0.0
            np.testing.assert_allclose(d, [0.0, 0.0], atol=0.0)


def test_output_gradient_is_bounded_by_pair_weights():
    rng = np.random.default_rng(7)
    s = 1e8 * rng.standard_normal(60)
    r = rng.integers(0, 2, 60).astype(float)
    g = np.repeat(np.arange(6), 10)
    loss, d = pairwise_logistic_loss(s, r, g)
    i, j, _ = delta_ndcg_weights(s, r, g)
    per_row = np.bincount(i, minlength=60) + np.bincount(j, minlength=60)
    assert np.all(np.abs(d) <= per_row / i.size + 1e-15)


def test_single_row_group_is_rejected():
    with pytest.raises(ValueError, match="at least two rows"):
        pairwise_logistic_loss([0.0, 1.0, 2.0], [1, 0, 1], [0, 0, 1])


@pytest.mark.parametrize(
    "args, match",
    [
        (([0.0, 1.0], [1, 0], [0]), "same shape"),
        (([0.0, np.nan], [1, 0], [0, 0]), "NaN"),
        (([0.0, 1.0], [1, np.inf], [0, 0]), "NaN"),
        (([0.0, 1.0], [1, -1], [0, 0]), ">= 0"),
        (([0.0, 1.0], [1, 0], [0.5, 0.5]), "integers"),
        (([[0.0, 1.0]], [1, 0], [0, 0]), "dimension"),
        (([], [], np.array([], dtype=int)), "at least one row"),
    ],
)
def test_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        pairwise_logistic_loss(*args)
    with pytest.raises(ValueError, match=match):
        ndcg(*args)


def test_unknown_weights():
    with pytest.raises(ValueError, match="unknown weights"):
        pairwise_logistic_loss([0.0, 1.0], [1, 0], [0, 0], "ndcg")


# -- NDCG --------------------------------------------------------------


def test_ndcg_hand_computed():
    # one relevant row ranked second of three: 1 / log2(3)
    assert ndcg([2.0, 1.0, 0.0], [0, 1, 0], [0, 0, 0]) == pytest.approx(
        1.0 / np.log2(3.0)
    )
    # graded: relevances 2, 0, 1 ranked in that order
    dcg = 3.0 / 1.0 + 0.0 + 1.0 / 2.0
    ideal = 3.0 + 1.0 / np.log2(3.0)
    assert ndcg([3.0, 2.0, 1.0], [2, 0, 1], [0, 0, 0]) == pytest.approx(
        dcg / ideal
    )
    # perfect order, and the mean over two groups
    assert ndcg([1.0, 0.0], [1, 0], [0, 0]) == 1.0
    both = ndcg([1.0, 0.0, 0.0, 1.0], [1, 0, 1, 0], [0, 0, 1, 1])
    assert both == pytest.approx(0.5 * (1.0 + 1.0 / np.log2(3.0)))


def test_ndcg_cutoff():
    # the relevant row at position 3 is cut off by k = 2
    assert ndcg([3.0, 2.0, 1.0], [0, 0, 1], [0, 0, 0], k=2) == 0.0
    assert ndcg([3.0, 2.0, 1.0], [0, 0, 1], [0, 0, 0], k=3) == pytest.approx(
        0.5
    )


@pytest.mark.parametrize("seed", range(4))
def test_ndcg_with_ties_is_mean_over_tie_orders(seed):
    rng = np.random.default_rng(seed)
    s = rng.integers(0, 3, 6).astype(float)  # many ties
    r = rng.integers(0, 3, 6).astype(float)
    r[0] = 2.0
    for k in (None, 3):
        assert ndcg(s, r, np.zeros(6, dtype=int), k=k) == pytest.approx(
            _ndcg_one_group(s, r, k)
        )


def test_constant_scores_give_random_order_ndcg():
    n = 5
    expected = np.mean(1.0 / np.log2(np.arange(2, n + 2)))
    for booked in range(n):
        r = np.zeros(n)
        r[booked] = 1.0
        assert ndcg(np.zeros(n), r, np.zeros(n, dtype=int)) == pytest.approx(
            expected
        )


def test_groups_without_relevant_rows_are_skipped():
    value = ndcg([1.0, 0.0, 5.0, 1.0], [1, 0, 0, 0], [0, 0, 1, 1])
    assert value == 1.0
    with pytest.raises(ValueError, match="no group"):
        ndcg([1.0, 0.0], [0, 0], [0, 0])


def test_bad_k():
    with pytest.raises(ValueError, match="k must be"):
        ndcg([1.0, 0.0], [1, 0], [0, 0], k=0)


# -- delta-NDCG weights --------------------------------------------------


@pytest.mark.parametrize("k", [None, 3])
@pytest.mark.parametrize("seed", range(3))
def test_delta_ndcg_matches_brute_force_swaps(seed, k):
    s, r, g = _case(seed, n=14, groups=3)
    s = np.round(s, 1)  # a few ties, broken by row order
    r[g == 0] = 0.0  # one group with nothing relevant: weights 0
    r[np.flatnonzero(g == 1)[:2]] = [2.0, 1.0]
    i, j, w = delta_ndcg_weights(s, r, g, k=k)
    assert np.all(r[i] > r[j]) and np.all(g[i] == g[j])
    for a, b, wab in zip(i, j, w, strict=True):
        rows = np.flatnonzero(g == g[a])
        order = list(rows[np.argsort(-s[rows], kind="stable")])
        gain = 2.0**r - 1.0
        ideal = _dcg_of_order(gain, sorted(rows, key=lambda x: -gain[x]),
                              k)
        before = _dcg_of_order(gain, order, k)
        pa, pb = order.index(a), order.index(b)
        order[pa], order[pb] = b, a
        after = _dcg_of_order(gain, order, k)
        ref = 0.0 if ideal == 0 else abs(after - before) / ideal
        assert wab == pytest.approx(ref, abs=1e-14)
    # every pair of different relevance in a group is listed once
    expected = sum(
        1 for a in range(len(s)) for b in range(len(s))
        if g[a] == g[b] and r[a] > r[b]
    )
    assert i.size == expected


@pytest.mark.parametrize("weights", [None, "delta_ndcg"])
def test_gradient_in_a_fixed_layout_is_the_loss_gradient_bit_for_bit(
    weights,
):
    rng = np.random.default_rng(5)
    groups = np.repeat(np.arange(6), 7)
    relevance = rng.integers(0, 3, groups.size).astype(float)
    scores = 30.0 * rng.standard_normal(groups.size)
    layout = group_layout(groups)
    fast = pairwise_gradient_in_layout(layout, scores, relevance, weights)
    _, slow = pairwise_logistic_loss(scores, relevance, groups, weights)
    assert fast.tobytes() == slow.tobytes()


@pytest.mark.parametrize(
    "groups, match",
    [([0.0, 0.0], "integers"), ([[0, 0]], "integers"), ([], "integers"),
     ([0, 0, 1], "two rows")],
)
def test_group_layout_rejects(groups, match):
    with pytest.raises(ValueError, match=match):
        group_layout(np.array(groups))


@pytest.mark.parametrize("booked_per_group", [1, 2])
def test_pairs_of_one_booking_per_search_match_the_general_rule(
    booked_per_group,
):
    # one booking per group takes a shortcut; it must list the same pairs
    # in the same order as the general rule (two bookings do not)
    from relu_notes.ranking import _pair_positions

    rng = np.random.default_rng(2)
    R = np.zeros((9, 6))
    for g in range(9):
        R[g, rng.choice(6, booked_per_group, replace=False)] = 1.0
    valid = np.ones(R.shape, dtype=bool)
    expected = np.nonzero(R[:, :, None] > R[:, None, :])
    for got, want in zip(_pair_positions(R, valid), expected, strict=True):
        np.testing.assert_array_equal(got, want)
