"""Tests for relu_notes.mlp: gradients, dead units, shapes, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from relu_notes import activations, losses
from relu_notes.gradcheck import numerical_gradient, relative_error
from relu_notes.mlp import INITS, MLP, Trace, init_std


def _data(sizes, n=7, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, sizes[0]))
    Y = rng.standard_normal((n, sizes[-1]))
    return X, Y


def _numerical_grads(net, X, Y, loss="mse", **kw):
    """Finite-difference gradient of every parameter, perturbing in place."""
    out = []
    for W, b in zip(net.weights, net.biases, strict=True):
        pair = []
        for P in (W, b):
            orig = P.copy()

            def f(v, P=P):
                P[...] = v
                return net.loss_and_grads(X, Y, loss, **kw)[0]

            pair.append(numerical_gradient(f, orig))
            P[...] = orig
        out.append(tuple(pair))
    return out


def _max_err(analytic, numeric):
    """Largest relative error; entries below 1e-4 are compared in absolute
    terms, since finite differences carry an absolute error of ~1e-10."""
    return max(
        relative_error(a, n, floor=1e-4)
        for pa, pn in zip(analytic, numeric, strict=True)
        for a, n in zip(pa, pn, strict=True)
    )


@pytest.mark.parametrize("activation", sorted(activations.ACTIVATIONS))
def test_gradients_match_finite_differences(activation):
    sizes = [3, 5, 4, 2]
    net = MLP(sizes, activation, init="glorot", seed=3, bias_std=0.1)
    X, Y = _data(sizes)
    # keep ReLU-type kinks away from the finite-difference step
    for z in net.pre_activations(X)[:-1]:
        assert np.min(np.abs(z)) > 1e-4
    loss, grads = net.loss_and_grads(X, Y)
    num = _numerical_grads(net, X, Y)
    assert _max_err(grads, num) < 1e-5
    for (dW, db), W, b in zip(grads, net.weights, net.biases, strict=True):
        assert dW.shape == W.shape and db.shape == b.shape


@pytest.mark.parametrize(
    ("activation", "kwargs"),
    [("leaky_relu", {"slope": 0.2}), ("elu", {"alpha": 0.5})],
)
def test_activation_parameters_are_used(activation, kwargs):
    sizes = [2, 6, 1]
    net = MLP(sizes, activation, seed=2, activation_kwargs=kwargs)
    X, Y = _data(sizes)
    z = net.pre_activations(X)[0]
    f, _ = activations.get(activation)
    a = net.trace(X, Y).activations[1]
    np.testing.assert_allclose(a, f(z, **kwargs))
    _, grads = net.loss_and_grads(X, Y)
    assert _max_err(grads, _numerical_grads(net, X, Y)) < 1e-5


@pytest.mark.parametrize("loss", ["huber", "mae"])
def test_other_losses_gradients(loss):
    sizes = [3, 4, 2]
    net = MLP(sizes, "tanh", seed=5)
    X, Y = _data(sizes)
    Y = Y * 3  # residuals on both sides of Huber's delta
    value, grads = net.loss_and_grads(X, Y, loss)
    r = net.forward(X) - Y
    assert value == pytest.approx(np.mean(losses.get(loss)[0](r)))
    assert _max_err(grads, _numerical_grads(net, X, Y, loss)) < 1e-5


def test_huber_delta_is_passed():
    net = MLP([2, 3, 1], seed=0)
    X, Y = _data([2, 3, 1])
    Y = Y * 10
    big = net.loss_and_grads(X, Y, "huber", delta=100.0)[0]
    mse = net.loss_and_grads(X, Y)[0]
    assert big == pytest.approx(mse / 2)


def test_default_loss_is_mean_over_all_entries():
    net = MLP([3, 4, 2], seed=0)
    X, Y = _data([3, 4, 2])
    loss, _ = net.loss_and_grads(X, Y)
    assert loss == pytest.approx(np.mean((net.forward(X) - Y) ** 2))


def test_input_gradient_and_trace():
    sizes = [3, 4, 4, 2]
    net = MLP(sizes, "gelu", seed=0)
    X, Y = _data(sizes, n=3)
    t = net.trace(X, Y)
    assert isinstance(t, Trace)
    assert len(t.pre_activations) == 3 and len(t.activations) == 4
    assert [d.shape for d in t.deltas] == [(3, 4), (3, 4), (3, 2)]
    np.testing.assert_array_equal(t.output, net.forward(X))
    num = numerical_gradient(lambda v: net.trace(v, Y).loss, X)
    assert relative_error(t.input_grad, num, floor=1e-4) < 1e-5
    # loss_and_grads reports exactly what the trace recorded
    loss, grads = net.loss_and_grads(X, Y)
    assert loss == t.loss
    for (a, b), (c, d) in zip(grads, t.grads, strict=True):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)
    np.testing.assert_allclose(
        t.bias_grad_norms(), [np.linalg.norm(db) for _, db in grads]
    )
    assert t.weight_grad_norms().shape == (3,)


def test_forward_shapes_and_linear_output():
    W0 = np.array([[1.0, -1.0]])
    b0 = np.array([0.0, 0.0])
    W1 = np.array([[2.0], [3.0]])
    b1 = np.array([-1.0])
    net = MLP.from_params([W0, W1], [b0, b1])
    X = np.array([[2.0], [-1.0], [0.0]])
    # relu(x) * 2 + relu(-x) * 3 - 1; the output is not rectified
    np.testing.assert_allclose(net.forward(X), [[3.0], [2.0], [-1.0]])
    assert net.sizes == [1, 2, 1] and net.num_layers == 2


def test_dead_units_on_constructed_cases():
    # unit 0 is alive for x > 0, unit 1 is never on (b = -5 on [-1, 1]),
    # unit 2 has z = 0 exactly on every row: <= 0 counts as dead
    W0 = np.array([[1.0, 1.0, 0.0]])
    b0 = np.array([0.0, -5.0, 0.0])
    W1 = np.ones((3, 2))
    b1 = np.array([-1.0, 1.0])
    W2 = np.ones((2, 1))
    net = MLP.from_params([W0, W1, W2], [b0, b1, np.zeros(1)])
    X = np.linspace(-1, 1, 5)[:, None]
    dead = net.dead_units(X)
    assert len(dead) == 2
    np.testing.assert_array_equal(dead[0], [False, True, True])
    # layer 1: z = relu(x) - 1 <= 0 on [-1, 1]; z = relu(x) + 1 > 0
    np.testing.assert_array_equal(dead[1], [True, False])
    assert dead[0].dtype == bool
    # a dead unit's parameters get exactly zero gradient
    Y = np.zeros((5, 1))
    _, grads = net.loss_and_grads(X, Y)
    assert np.all(grads[0][0][:, 1:] == 0) and np.all(grads[0][1][1:] == 0)
    assert grads[1][1][0] == 0.0
    # on inputs where unit 0 is never on it is dead too
    assert net.dead_units(-X[X[:, 0] > 0])[0].all()


def test_born_dead_layer_makes_output_constant():
    net = MLP([1, 3, 3, 1], seed=0)
    net.biases[1][:] = -100.0
    X = np.linspace(-2, 2, 9)[:, None]
    assert net.dead_units(X)[1].all()
    out = net.forward(X)
    np.testing.assert_array_equal(out, np.full_like(out, out[0, 0]))
    _, grads = net.loss_and_grads(X, np.ones((9, 1)))
    for dW, db in grads[:2]:
        assert not dW.any() and not db.any()


def test_seeds_are_reproducible():
    a = MLP([4, 6, 3], seed=11)
    b = MLP([4, 6, 3], seed=11)
    c = MLP([4, 6, 3], seed=12)
    for Wa, Wb in zip(a.weights, b.weights, strict=True):
        np.testing.assert_array_equal(Wa, Wb)
    assert not np.array_equal(a.weights[0], c.weights[0])


@pytest.mark.parametrize("init", sorted(INITS))
def test_named_inits_have_their_variance(init):
    net = MLP([400, 300, 200], init=init, seed=0)
    for W in net.weights:
        n_in, n_out = W.shape
        assert np.std(W) == pytest.approx(
            init_std(init, n_in, n_out), rel=0.02
        )
        assert np.all(net.biases[0] == 0)
    assert init_std("he", 50, 1) == pytest.approx(0.2)
    assert init_std("lecun", 25, 7) == pytest.approx(0.2)
    assert init_std("glorot", 30, 70) == pytest.approx(np.sqrt(0.02))


def test_float_init_and_bias_std():
    net = MLP([300, 300, 1], init=0.5, seed=0, bias_std=2.0)
    assert np.std(net.weights[0]) == pytest.approx(0.5, rel=0.02)
    assert np.std(net.biases[0]) == pytest.approx(2.0, rel=0.2)


def test_step_lowers_the_loss_in_place():
    sizes = [3, 8, 1]
    net = MLP(sizes, seed=0)
    X, Y = _data(sizes, n=20)
    before = net.copy()
    first = net.step(X, Y, lr=0.05)
    assert first == before.loss_and_grads(X, Y)[0]
    assert net.loss_and_grads(X, Y)[0] < first
    assert not np.array_equal(net.weights[0], before.weights[0])


def test_target_vector_accepted_for_one_output():
    net = MLP([2, 3, 1], seed=0)
    X, Y = _data([2, 3, 1])
    assert net.loss_and_grads(X, Y[:, 0])[0] == net.loss_and_grads(X, Y)[0]


def test_repr():
    assert "relu" in repr(MLP([1, 1]))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sizes": [3]}, "at least two"),
        ({"sizes": [3, 0, 1]}, "positive"),
        ({"sizes": [3, 2.5, 1]}, "integer"),
        ({"sizes": "ab"}, "sizes"),
        ({"sizes": [2, 2], "activation": "relu6"}, "valid: 'relu'"),
        ({"sizes": [2, 2], "init": "xavier"}, "valid: 'he'"),
        ({"sizes": [2, 2], "init": -1.0}, ">= 0"),
        ({"sizes": [2, 2], "init": float("nan")}, ">= 0"),
        ({"sizes": [2, 2], "init": None}, "standard deviation"),
        ({"sizes": [2, 2], "bias_std": -1.0}, "bias_std"),
        (
            {"sizes": [2, 2], "activation": "relu",
             "activation_kwargs": {"slope": 0.1}},
            "does not take",
        ),
        (
            {"sizes": [2, 2], "activation": "leaky_relu",
             "activation_kwargs": {"slope": -0.1}},
            "slope",
        ),
    ],
)
def test_bad_construction(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MLP(**kwargs)


def test_bad_inputs():
    net = MLP([3, 4, 2], seed=0)
    X, Y = _data([3, 4, 2])
    with pytest.raises(ValueError, match=r"X must have shape \(n, 3\)"):
        net.forward(X[:, :2])
    with pytest.raises(ValueError, match="X must have 2 dimension"):
        net.forward(X[0])
    with pytest.raises(ValueError, match=r"Y must have shape \(7, 2\)"):
        net.loss_and_grads(X, Y[:3])
    bad = X.copy()
    bad[1, 1] = np.nan
    with pytest.raises(ValueError, match="X holds 1 NaN or infinite"):
        net.forward(bad)
    Yb = Y.copy()
    Yb[0, 0] = np.inf
    with pytest.raises(ValueError, match="Y holds 1 NaN"):
        net.loss_and_grads(X, Yb)
    with pytest.raises(ValueError, match="X must be a real"):
        net.forward([["a", "b", "c"]])
    with pytest.raises(ValueError, match="unknown loss 'l2'; valid"):
        net.loss_and_grads(X, Y, loss="l2")
    with pytest.raises(ValueError, match="lr must be a positive"):
        net.step(X, Y, lr=0.0)


def test_overflow_is_an_error_not_a_nan():
    big = MLP.from_params([np.full((1, 2), 10.0), np.ones((2, 1))],
                          [np.zeros(2), np.zeros(1)])
    with pytest.raises(ValueError, match="layer 0 overflowed"):
        big.forward([[1e308]])
    net = MLP([1, 4, 4, 1], seed=0)
    # a huge but representable outlier gives a finite answer
    loss, grads = net.loss_and_grads([[1e6]], [[0.0]])
    assert np.isfinite(loss)
    assert all(np.all(np.isfinite(g)) for pair in grads for g in pair)
    with pytest.raises(ValueError, match="loss overflowed"):
        net.loss_and_grads([[1e160]], [[0.0]])


def test_from_params_checks_shapes():
    with pytest.raises(ValueError, match="do not fit"):
        MLP.from_params([np.ones((2, 3)), np.ones((2, 1))],
                        [np.zeros(3), np.zeros(1)])
    with pytest.raises(ValueError, match="as many weight"):
        MLP.from_params([np.ones((2, 3))], [])


@pytest.mark.parametrize("activation", sorted(activations.ACTIVATIONS))
def test_huber_gradients_for_every_activation(activation):
    # Part IV trains every activation with the Huber loss too
    sizes = [3, 5, 4, 1]
    net = MLP(sizes, activation, init="glorot", seed=4, bias_std=0.1)
    X, Y = _data(sizes)
    Y = Y * 3  # residuals on both sides of delta
    for z in net.pre_activations(X)[:-1]:
        assert np.min(np.abs(z)) > 1e-4
    _, grads = net.loss_and_grads(X, Y, "huber", delta=0.5)
    num = _numerical_grads(net, X, Y, "huber", delta=0.5)
    assert _max_err(grads, num) < 1e-5


def test_backward_overflow_is_an_error_not_a_warning():
    # finite forward pass, but the backward pass overflows
    net = MLP.from_params(
        [np.full((1, 2), 1e300), np.full((2, 1), 1e-150)],
        [np.zeros(2), np.zeros(1)],
    )
    assert np.isfinite(net.forward([[1.0]])).all()
    with pytest.raises(ValueError, match="gradients overflowed"):
        net.loss_and_grads([[1.0]], [[0.0]])


def test_stack_parameters():
    from relu_notes.mlp import stack_parameters

    nets = [MLP([3, 4, 1], seed=s) for s in range(3)]
    Ws, bs = stack_parameters(nets)
    assert [W.shape for W in Ws] == [(3, 3, 4), (3, 4, 1)]
    assert [b.shape for b in bs] == [(3, 4), (3, 1)]
    np.testing.assert_array_equal(Ws[1][2], nets[2].weights[1])
    Ws[0][0, 0, 0] += 1.0  # a copy: the network is unchanged
    assert Ws[0][0, 0, 0] != nets[0].weights[0][0, 0]
