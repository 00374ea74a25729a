"""Learning to rank: the pairwise logistic loss and NDCG.

Explained in the chapter *Hidden units in a ranking network*
(``chapters/hidden-units-in-a-ranking-network.ipynb``).

A ranking model gives every listing of a search a *score*; the search's
listings are shown in the order of decreasing score. Rows of the arrays
here are listings, and an integer array ``groups`` names the search (the
*group*) each row belongs to; rows of one group need not be adjacent.

The pairwise logistic loss (RankNet's cross-entropy, and LambdaRank's when
its pairs are weighted by the change in NDCG; Burges 2010) looks at every
pair ``(i, j)`` of one group in which listing ``i`` is more relevant than
listing ``j`` and charges ``log(1 + exp(-(s_i - s_j)))``: about
``-(s_i - s_j)`` when the pair is ranked the wrong way round, about 0 when
it is ranked right with a wide margin. Its derivative with respect to a
score is a sum of logistic functions, each between -1 and 1, so however
wrong the scores are, the gradient at the output is bounded by the pair
weights. That bound is what the chapter builds on.

Everything is vectorised: the rows are laid out in a padded matrix of
shape ``(number of groups, largest group)`` and all pairs of all groups
are handled at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from relu_notes._validate import as_finite_array, check_count

__all__ = [
    "WEIGHTS",
    "delta_ndcg_weights",
    "group_layout",
    "ndcg",
    "pairwise_gradient_in_layout",
    "pairwise_logistic_loss",
]

Array = NDArray[np.float64]

#: The pair weightings :func:`pairwise_logistic_loss` accepts.
WEIGHTS = (None, "delta_ndcg")


@dataclass(frozen=True)
class _Padded:
    """Rows laid out group by group: ``rows[g, p]`` is the row index of
    the ``p``-th member of group ``g`` (``valid`` is False on padding)."""

    rows: NDArray[np.int64]
    valid: NDArray[np.bool_]
    sizes: NDArray[np.int64]

    def take(self, values: Array, fill: float = 0.0) -> Array:
        out = values[self.rows]
        return np.where(self.valid, out, fill)


def _inputs(
    scores: ArrayLike, relevance: ArrayLike, groups: ArrayLike
) -> tuple[Array, Array, NDArray[np.int64]]:
    s = as_finite_array(scores, "scores", ndim=1)
    r = as_finite_array(relevance, "relevance", ndim=1)
    g = np.asarray(groups)
    if g.ndim != 1 or g.dtype.kind not in "iu":
        raise ValueError(
            "groups must be a 1-D array of integers naming each row's "
            f"group, got dtype {g.dtype} and shape {g.shape}"
        )
    if not (s.shape == r.shape == g.shape):
        raise ValueError(
            "scores, relevance and groups must have the same shape (n,), "
            f"got {s.shape}, {r.shape} and {g.shape}"
        )
    if s.size == 0:
        raise ValueError("scores must hold at least one row")
    if np.any(r < 0):
        raise ValueError("relevance must be >= 0 (the gain is 2^rel - 1)")
    return s, r, g.astype(np.int64)


def _pad(groups: NDArray[np.int64]) -> _Padded:
    order = np.argsort(groups, kind="stable")
    _, start, sizes = np.unique(
        groups[order], return_index=True, return_counts=True
    )
    width = int(sizes.max())
    pos = np.arange(groups.size) - np.repeat(start, sizes)
    which = np.repeat(np.arange(sizes.size), sizes)
    rows = np.zeros((sizes.size, width), dtype=np.int64)
    valid = np.zeros((sizes.size, width), dtype=bool)
    rows[which, pos] = order
    valid[which, pos] = True
    return _Padded(rows, valid, sizes.astype(np.int64))


def _discounts(width: int, k: int | None) -> Array:
    """``1 / log2(position + 1)`` for positions 1..width, 0 beyond k."""
    d = 1.0 / np.log2(np.arange(2, width + 2, dtype=np.float64))
    if k is not None:
        d[k:] = 0.0
    return d


def _ideal_dcg(gain: Array, valid: NDArray[np.bool_], disc: Array) -> Array:
    best = -np.sort(-np.where(valid, gain, 0.0), axis=1)
    return best @ disc


def _positions(S: Array, valid: NDArray[np.bool_]) -> NDArray[np.int64]:
    """0-based position of every member in its group's ranking by
    decreasing score, ties broken by row order within the group."""
    key = np.where(valid, -S, np.inf)
    order = np.argsort(key, axis=1, kind="stable")
    pos = np.empty_like(order)
    np.put_along_axis(pos, order, np.arange(S.shape[1])[None, :], axis=1)
    return pos


def _check_k(k: int | None) -> int | None:
    return None if k is None else check_count(k, "k", 1)


def ndcg(
    scores: ArrayLike,
    relevance: ArrayLike,
    groups: ArrayLike,
    k: int | None = None,
) -> float:
    """Mean normalised discounted cumulative gain over the groups.

    Within a group the rows are ranked by decreasing score; the row at
    position ``p`` (1-based) earns ``(2^rel - 1) / log2(p + 1)``, and the
    sum over the first ``k`` positions (all when ``k`` is None) is divided
    by the same sum for the best possible order. Groups whose best sum is
    0 (no relevant row) are skipped.

    Tied scores share their positions: each member of a tie that covers
    positions ``a + 1 .. a + t`` gets the mean discount of those
    positions, which is the expected NDCG when ties are broken at random.
    So a network that gives every listing the same score gets exactly the
    NDCG of a random order, whatever the order of the rows.

    Parameters
    ----------
    scores, relevance : array_like, shape (n,)
        Finite; relevance >= 0.
    groups : array_like of int, shape (n,)
        The group (search) of each row.
    k : int, optional
        Cut-off (>= 1).

    Returns
    -------
    float
        Mean NDCG over the groups with a relevant row, in [0, 1].

    Raises
    ------
    ValueError
        On mismatched shapes, NaN, negative relevance, a bad ``k``, or if
        no group holds a relevant row.

    Examples
    --------
    >>> ndcg([2.0, 1.0, 0.0], [0, 1, 0], [7, 7, 7])  # doctest: +ELLIPSIS
    0.63...
    """
    s, r, g = _inputs(scores, relevance, groups)
    k = _check_k(k)
    pad = _pad(g)
    S, valid = pad.take(s), pad.valid
    gain = pad.take(2.0**r - 1.0)
    width = S.shape[1]
    disc = _discounts(width, k)
    ideal = _ideal_dcg(gain, valid, disc)
    keep = ideal > 0
    if not keep.any():
        raise ValueError(
            "no group holds a row with relevance > 0; NDCG is undefined"
        )
    # members ranked strictly above, and members tied (self included)
    above = valid[:, None, :] & (S[:, None, :] > S[:, :, None])
    tied = valid[:, None, :] & (S[:, None, :] == S[:, :, None])
    a = above.sum(axis=2)
    t = tied.sum(axis=2)
    cum = np.concatenate([[0.0], np.cumsum(disc)])
    mean_disc = (cum[np.minimum(a + t, width)] - cum[a]) / np.maximum(t, 1)
    dcg = np.sum(np.where(valid, gain * mean_disc, 0.0), axis=1)
    return float(np.mean(dcg[keep] / ideal[keep]))


def delta_ndcg_weights(
    scores: ArrayLike,
    relevance: ArrayLike,
    groups: ArrayLike,
    k: int | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64], Array]:
    """The pairs of :func:`pairwise_logistic_loss` and LambdaRank's
    weight of each: |change in the group's NDCG| when the two swap places.

    The ranking is by decreasing score, ties broken by row order within
    the group (so that every pair of different relevance has a place to
    swap). Swapping ``i`` and ``j`` at positions ``p_i`` and ``p_j``
    changes the DCG by ``(g_i - g_j) (d(p_j) - d(p_i))``, with gain
    ``g = 2^rel - 1`` and discount ``d(p) = 1 / log2(p + 1)``; dividing
    by the ideal DCG gives the change in NDCG.

    Returns
    -------
    i, j : ndarray of int, shape (number of pairs,)
        Row indices of each pair, ``relevance[i] > relevance[j]``, in the
        same group.
    weight : ndarray, shape (number of pairs,)
        ``|delta NDCG|`` of each pair (0 in a group with no relevant row).
    """
    s, r, g = _inputs(scores, relevance, groups)
    k = _check_k(k)
    pad = _pad(g)
    i, j, w = _pairs(pad, s, r, "delta_ndcg", k)
    return i, j, w


def _pairs(
    pad: _Padded, s: Array, r: Array, weights: str | None, k: int | None
) -> tuple[NDArray[np.int64], NDArray[np.int64], Array]:
    R = pad.take(r, fill=-np.inf)
    gi, pi, pj = _pair_positions(R, pad.valid)
    i, j = pad.rows[gi, pi], pad.rows[gi, pj]
    if weights is None:
        return i, j, np.ones(i.size)
    S = pad.take(s)
    gain = pad.take(2.0**r - 1.0)
    disc = _discounts(S.shape[1], k)
    ideal = _ideal_dcg(gain, pad.valid, disc)
    pos = _positions(S, pad.valid)
    d_i, d_j = disc[pos[gi, pi]], disc[pos[gi, pj]]
    change = np.abs((gain[gi, pi] - gain[gi, pj]) * (d_j - d_i))
    safe = np.where(ideal[gi] > 0, ideal[gi], 1.0)
    return i, j, np.where(ideal[gi] > 0, change / safe, 0.0)


def _pair_positions(
    R: Array, valid: NDArray[np.bool_]
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Group, position of the more relevant member and position of the
    less relevant one, of every pair, in the order of
    ``np.nonzero(R[:, :, None] > R[:, None, :])`` over valid members."""
    G, width = R.shape
    top = np.argmax(R, axis=1)
    below = R < R[np.arange(G), top][:, None]
    if (valid.all() and width > 1
            and np.all(below.sum(axis=1) == width - 1)
            and np.all(np.where(below, R, -np.inf).max(axis=1)
                       == np.where(below, R, np.inf).min(axis=1))):
        # the usual case of a search log (one booking per search, the
        # rest equal): each group's pairs are its top member against
        # every other, the same pairs in the same order as the general
        # case below, found on a (G, width) array, not a (G, width,
        # width) one
        gi, pj = np.nonzero(below)
        return gi, top[gi], pj
    mask = (R[:, :, None] > R[:, None, :]) & valid[:, :, None]
    mask &= valid[:, None, :]
    gi, pi, pj = np.nonzero(mask)
    return gi, pi, pj


def _softplus(x: Array) -> Array:
    """``log(1 + exp(x))`` without overflow for any finite ``x``."""
    return np.logaddexp(0.0, x)


def pairwise_logistic_loss(
    scores: ArrayLike,
    relevance: ArrayLike,
    groups: ArrayLike,
    weights: str | None = None,
) -> tuple[float, Array]:
    """Mean pairwise logistic loss over a set of groups, and its gradient.

    For every pair ``(i, j)`` of rows of one group with
    ``relevance[i] > relevance[j]`` the term is
    ``w_ij * log(1 + exp(-(scores[i] - scores[j])))``; the loss is the sum
    of the terms divided by the number of pairs.

    Parameters
    ----------
    scores, relevance : array_like, shape (n,)
        Finite; relevance >= 0.
    groups : array_like of int, shape (n,)
        The group (search) of each row; every group needs at least two
        rows.
    weights : {None, "delta_ndcg"}
        ``None``: ``w_ij = 1`` (RankNet). ``"delta_ndcg"``: ``w_ij`` is
        the change in the group's NDCG if ``i`` and ``j`` swapped places
        in the ranking by the current scores (:func:`delta_ndcg_weights`),
        held constant in the gradient, as LambdaRank does.

    Returns
    -------
    loss : float
        0 when there is no pair (all rows of every group equally
        relevant).
    dscores : ndarray, shape (n,)
        d loss / d scores. Each pair adds ``-w_ij sigma(-(s_i - s_j)) / P``
        to row ``i`` and the opposite to row ``j`` (``P`` pairs,
        ``sigma`` the logistic function), so ``|dscores|`` is at most the
        sum of the weights of a row's pairs over ``P``, however large the
        scores. Finite for any finite scores (no overflow at score gaps
        of 1e6 or more).

    Raises
    ------
    ValueError
        On mismatched shapes, NaN or infinite values, negative relevance,
        an unknown ``weights``, or a group with a single row.

    Examples
    --------
    >>> loss, d = pairwise_logistic_loss([0.0, 0.0], [1, 0], [0, 0])
    >>> round(loss, 4), d.tolist()
    (0.6931, [-0.5, 0.5])
    """
    if weights not in WEIGHTS:
        raise ValueError(
            f"unknown weights {weights!r}; valid: None, 'delta_ndcg'"
        )
    s, r, g = _inputs(scores, relevance, groups)
    pad = _pad(g)
    if np.any(pad.sizes < 2):
        bad = np.unique(g)[pad.sizes < 2][:5].tolist()
        raise ValueError(
            "every group needs at least two rows to form pairs; groups "
            f"with one row: {bad}"
        )
    i, j, w = _pairs(pad, s, r, weights, None)
    if i.size == 0:
        return 0.0, np.zeros_like(s)
    margin = s[i] - s[j]
    loss = float(np.sum(w * _softplus(-margin)) / i.size)
    return loss, _dscores(i, j, w, margin, s.size)


def _dscores(
    i: NDArray[np.int64],
    j: NDArray[np.int64],
    w: Array,
    margin: Array,
    n: int,
) -> Array:
    """d loss / d scores of :func:`pairwise_logistic_loss` from its
    pairs, their weights and margins ``s_i - s_j`` (``n`` rows)."""
    # d/d margin of softplus(-margin) is -sigma(-margin) = -exp(-sp(m))
    pull = w * np.exp(-_softplus(margin)) / i.size
    return np.bincount(j, pull, n) - np.bincount(i, pull, n)


def pairwise_gradient_in_layout(
    layout: _Padded, scores: Array, relevance: Array, weights: str | None
) -> Array:
    """The ``dscores`` of :func:`pairwise_logistic_loss`, without checks,
    for groups already laid out by :func:`group_layout`.

    For a training loop whose batches keep the same groups step after
    step (:func:`relu_notes.ranktrain.train_rankers`): the layout is
    computed once, and the result is the same, bit for bit, as
    ``pairwise_logistic_loss(scores, relevance, groups, weights)[1]``.
    ``scores`` and ``relevance`` must be finite float64 arrays of shape
    ``(n,)`` and every group must hold a pair.
    """
    i, j, w = _pairs(layout, scores, relevance, weights, None)
    return _dscores(i, j, w, scores[i] - scores[j], scores.size)


def group_layout(groups: ArrayLike) -> _Padded:
    """The rows of each group, laid out for
    :func:`pairwise_gradient_in_layout`.

    Raises
    ------
    ValueError
        If ``groups`` is not a 1-D integer array, or a group has one row.
    """
    g = np.asarray(groups)
    if g.ndim != 1 or g.dtype.kind not in "iu" or g.size == 0:
        raise ValueError(
            "groups must be a non-empty 1-D array of integers, got dtype "
            f"{g.dtype} and shape {g.shape}"
        )
    pad = _pad(g.astype(np.int64))
    if np.any(pad.sizes < 2):
        raise ValueError("every group needs at least two rows")
    return pad
