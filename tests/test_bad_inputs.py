"""Bad input to every public function and class of relu_notes.

Each case is a call with one bad argument (NaN or a negative
hyperparameter, a wrong-shaped second argument, an empty array, a
non-integer index or count, values that overflow, a huge learning rate)
and what it must end in:

- ``raise_("regex")``: a :class:`ValueError` whose message matches the
  regex, which names the argument or the problem;
- ``overflow("regex")``: an :class:`OverflowError` that says what
  overflowed (the single-neuron code of Part II raises these);
- ``FINITE``: a finite answer (the input is legal, if extreme, and the
  answer is right: never a NaN, an inf or an obscure numpy error).

Anything else (a TypeError, IndexError, ZeroDivisionError, a numpy
broadcasting error, a RuntimeWarning, a silent NaN) fails the test.
``test_case_count`` prints how many cases there are of each kind.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from relu_notes import activations as act
from relu_notes import (
    book,
    data,
    diagnostics,
    gradcheck,
    listings,
    losses,
    optim,
    outlier,
    seedstats,
    style,
    sweep,
    theory,
    transforms,
)
from relu_notes import mlp as mlp_mod
from relu_notes.experiments import BASELINE, Setup, run, run_seeds
from relu_notes.explorer import OutlierExplorer
from relu_notes.explorer import Setup as ExplorerSetup
from relu_notes.mlp import MLP
from relu_notes.neuron import Neuron, apply_update, fit, train
from relu_notes.train import train as mlp_train
from relu_notes.train import train_stacked

NAN, INF = math.nan, math.inf

X3 = np.array([[1.0, 2.0, 0.5], [0.5, 1.0, 1.0], [2.0, 0.0, 1.0],
               [1.0, 1.0, 1.0]])
Y3 = np.array([1.0, 0.5, 2.0, 1.0])
W3, B3 = np.array([0.5, -0.25, 1.0]), 0.25
NEURON = Neuron(W3, B3)
E0 = np.zeros((0, 3))  # an empty data set: zero rows


def _net():
    return MLP([3, 4, 1], seed=0)


def _grads():
    net = _net()
    return net.loss_and_grads(X3, Y3)[1], net


def _explorer():
    return OutlierExplorer({"k": ExplorerSetup(NEURON, X3, X3[0], 1.0)})


EXPLORER = _explorer()


def raise_(regex: str) -> tuple[str, str]:
    return ("raise", regex)


def overflow(regex: str) -> tuple[str, str]:
    return ("overflow", regex)


FINITE = ("finite", "")


def _short(kw):
    """A readable id for keyword arguments that may hold arrays."""
    return ",".join(
        f"{k}={v.shape}" if isinstance(v, np.ndarray) else f"{k}={v}"
        for k, v in kw.items()
    )

# (id, call, expected); ids are unique and name the function.
CASES: list[tuple[str, object, tuple[str, str]]] = []


def case(name, call, expect):
    CASES.append((name, call, expect))


# -- activations ---------------------------------------------------------
for nm in ("leaky_relu", "leaky_relu_grad"):
    f = getattr(act, nm)
    case(f"{nm}-slope-nan", lambda f=f: f(1.0, slope=NAN), raise_("slope"))
    case(f"{nm}-slope-neg", lambda f=f: f(1.0, slope=-0.1), raise_("slope"))
    case(f"{nm}-slope-str", lambda f=f: f(1.0, slope="a"), raise_("slope"))
    case(f"{nm}-slope-bool", lambda f=f: f(1.0, slope=True),
         raise_("slope"))
    case(f"{nm}-slope-array", lambda f=f: f(1.0, slope=[0.1, 0.2]),
         raise_("slope"))
for nm in ("elu", "elu_grad"):
    f = getattr(act, nm)
    case(f"{nm}-alpha-nan", lambda f=f: f(1.0, alpha=NAN), raise_("alpha"))
    case(f"{nm}-alpha-neg", lambda f=f: f(-1.0, alpha=-1.0),
         raise_("alpha"))
    case(f"{nm}-alpha-inf", lambda f=f: f(-1.0, alpha=INF),
         raise_("alpha"))
for nm in sorted(act.ACTIVATIONS):
    for fn in act.get(nm):
        case(f"{fn.__name__}-string", lambda fn=fn: fn("1"),
             raise_("real number"))
        case(f"{fn.__name__}-complex", lambda fn=fn: fn(1j),
             raise_("real number"))
        case(f"{fn.__name__}-empty", lambda fn=fn: fn([]), FINITE)
        case(f"{fn.__name__}-huge", lambda fn=fn: fn([1e308, -1e308]),
             FINITE)
case("activations.get-unknown", lambda: act.get("swish"),
     raise_("unknown activation 'swish'"))
case("activations.get-none", lambda: act.get(None),
     raise_("unknown activation"))

# -- losses ---------------------------------------------------------------
for nm in ("huber", "huber_grad"):
    f = getattr(losses, nm)
    for bad in (NAN, -1.0, 0.0, INF, "a"):
        case(f"{nm}-delta-{bad}", lambda f=f, bad=bad: f(1.0, delta=bad),
             raise_("delta must be a positive"))
for nm in ("mse", "mse_grad", "mae", "mae_grad"):
    f = getattr(losses, nm)
    case(f"{nm}-string", lambda f=f: f("x"), raise_("r must be a real"))
    case(f"{nm}-empty", lambda f=f: f([]), FINITE)
case("losses.get-unknown", lambda: losses.get("l1"),
     raise_("unknown loss 'l1'"))
case("mae-huge", lambda: losses.mae(1e308), FINITE)
case("huber-huge", lambda: losses.huber(1e308, delta=1.0), FINITE)

# -- neuron ---------------------------------------------------------------
case("Neuron-w-nan", lambda: Neuron([NAN], 0.0), raise_("w holds 1 NaN"))
case("Neuron-w-empty", lambda: Neuron([], 0.0), raise_("at least one"))
case("Neuron-w-2d", lambda: Neuron([[1.0]], 0.0), raise_("w must have 1"))
case("Neuron-b-nan", lambda: Neuron([1.0], NAN), raise_("b holds"))
case("Neuron-b-vector", lambda: Neuron([1.0], [1.0, 2.0]),
     raise_("b must be a scalar"))
case("Neuron-slope-nan", lambda: Neuron([1.0], 0.0, NAN), raise_("slope"))
case("Neuron-slope-neg", lambda: Neuron([1.0], 0.0, -0.1),
     raise_("slope must be in"))
case("Neuron-slope-one", lambda: Neuron([1.0], 0.0, 1.0),
     raise_("slope must be in"))
case("Neuron-slope-vector", lambda: Neuron([1.0], 0.0, [0.1, 0.2]),
     raise_("slope must be a scalar"))
for meth in ("pre_activation", "forward", "is_dead", "active_fraction"):
    case(f"Neuron.{meth}-zero-rows",
         lambda m=meth: getattr(NEURON, m)(E0), raise_("X has no rows"))
    case(f"Neuron.{meth}-wrong-cols",
         lambda m=meth: getattr(NEURON, m)(X3[:, :2]),
         raise_("X has 2 column"))
    case(f"Neuron.{meth}-1d", lambda m=meth: getattr(NEURON, m)(W3),
         raise_("X must have 2 dimension"))
    case(f"Neuron.{meth}-nan",
         lambda m=meth: getattr(NEURON, m)(X3 * NAN), raise_("X holds 12"))
case("Neuron.pre_activation-overflow",
     lambda: Neuron([1e200], 0.0).pre_activation([[1e200]]),
     overflow("pre-activation"))
case("Neuron.loss_and_grads-y-short",
     lambda: NEURON.loss_and_grads(X3, Y3[:2]), raise_("y has 2 entries"))
case("Neuron.loss_and_grads-y-2d",
     lambda: NEURON.loss_and_grads(X3, Y3[:, None]),
     raise_("y must have 1 dim"))
case("Neuron.loss_and_grads-y-nan",
     lambda: NEURON.loss_and_grads(X3, Y3 * NAN), raise_("y holds 4"))
case("Neuron.loss_and_grads-loss",
     lambda: NEURON.loss_and_grads(X3, Y3, "l2"), raise_("unknown loss"))
case("Neuron.loss_and_grads-overflow",
     lambda: NEURON.loss_and_grads([[1e200, 0.0, 0.0]], [0.0]),
     overflow("mse loss overflowed"))
case("Neuron.loss_and_grads-huber-huge",
     lambda: NEURON.loss_and_grads([[1e200, 0.0, 0.0]], [0.0], "huber"),
     FINITE)
for bad in (0.0, -1.0, NAN, INF, "a", None):
    case(f"Neuron.step-lr-{bad}", lambda bad=bad: NEURON.step(X3, Y3, bad),
         raise_("lr .*must be a positive"))
case("Neuron.step-lr-huge", lambda: NEURON.step(X3, Y3 + 100, 1e308),
     overflow("updated"))
case("train-neuron-type", lambda: train("n", X3, Y3, 0.1, 1),
     raise_("neuron must be a Neuron"))
case("train-num_steps-float", lambda: train(NEURON, X3, Y3, 0.1, 2.5),
     raise_("num_steps"))
case("train-num_steps-neg", lambda: train(NEURON, X3, Y3, 0.1, -1),
     raise_("num_steps"))
case("train-batch-0.9",
     lambda: train(NEURON, X3, Y3, 0.1, 1, batch_size=0.9),
     raise_("batch_size"))
case("train-batch-too-big",
     lambda: train(NEURON, X3, Y3, 0.1, 1, batch_size=5),
     raise_("batch_size"))
case("train-y-short", lambda: train(NEURON, X3, Y3[:3], 0.1, 1),
     raise_("y has 3 entries"))
case("train-zero-rows", lambda: train(NEURON, E0, Y3[:0], 0.1, 1),
     raise_("no rows"))
case("train-lr-huge", lambda: train(NEURON, X3, Y3, 1e308, 3),
     overflow("overflowed"))
case("apply_update-optimizer", lambda: apply_update(NEURON, "sgd", W3, 0.0),
     raise_("optimizer must be an Optimizer"))
case("apply_update-dw-shape",
     lambda: apply_update(NEURON, optim.SGD(0.1), W3[:2], 0.0),
     raise_("dw has shape"))
case("apply_update-db-vector",
     lambda: apply_update(NEURON, optim.SGD(0.1), W3, [0.0, 1.0]),
     raise_("db must be a scalar"))
case("apply_update-decay-nan",
     lambda: apply_update(NEURON, optim.SGD(0.1), W3, 0.0, NAN),
     raise_("weight_decay"))
case("apply_update-clip-neg",
     lambda: apply_update(NEURON, optim.SGD(0.1), W3, 0.0, clip=-1.0),
     raise_("max_norm"))
case("apply_update-huge-adam",
     lambda: apply_update(NEURON, optim.Adam(0.1), W3 * 1e300, 1e300),
     FINITE)
case("fit-optimizer", lambda: fit(NEURON, None, X3, Y3, 1),
     raise_("optimizer must be"))
case("fit-decay-neg",
     lambda: fit(NEURON, optim.SGD(0.1), X3, Y3, 1, weight_decay=-1),
     raise_("weight_decay"))
case("fit-num_steps-float",
     lambda: fit(NEURON, optim.SGD(0.1), X3, Y3, 0.5),
     raise_("num_steps"))
case("fit-y-wrong", lambda: fit(NEURON, optim.SGD(0.1), X3, Y3[:1], 1),
     raise_("y has 1 entries"))

# -- sweep ------------------------------------------------------------------
WM, BM = np.stack([W3, -W3]), np.array([0.0, 1.0])
for nm in ("pre_activation_many", "max_pre_activation_many",
           "is_dead_many", "active_fraction_many"):
    f = getattr(sweep, nm)
    case(f"{nm}-zero-rows", lambda f=f: f(WM, BM, E0), raise_("no rows"))
    case(f"{nm}-B-short", lambda f=f: f(WM, BM[:1], X3),
         raise_("B has 1"))
    case(f"{nm}-X-cols", lambda f=f: f(WM, BM, X3[:, :2]),
         raise_("X has shape"))
    case(f"{nm}-W-nan", lambda f=f: f(WM * NAN, BM, X3), raise_("W holds"))
case("loss_and_grads_many-y-shape",
     lambda: sweep.loss_and_grads_many(WM, BM, X3, Y3[:2]),
     raise_("y has shape"))
case("loss_and_grads_many-slope-nan",
     lambda: sweep.loss_and_grads_many(WM, BM, X3, Y3, slope=NAN),
     raise_("slope holds"))
case("loss_and_grads_many-slope-shape",
     lambda: sweep.loss_and_grads_many(WM, BM, X3, Y3, slope=[0.1] * 3),
     raise_("slope has shape"))
case("loss_and_grads_many-slope-one",
     lambda: sweep.loss_and_grads_many(WM, BM, X3, Y3, slope=1.0),
     raise_(r"slope must be in \[0, 1\)"))
case("step_many-lr-neg", lambda: sweep.step_many(WM, BM, X3, Y3, -0.1),
     raise_("lr"))
case("step_many-lr-shape",
     lambda: sweep.step_many(WM, BM, X3, Y3, [0.1, 0.1, 0.1]),
     raise_("lr has shape"))
case("step_many-lr-huge",
     lambda: sweep.step_many(WM, BM, X3, Y3 + 100, 1e308),
     overflow("updated"))
case("train_many-steps-float",
     lambda: sweep.train_many(WM, BM, X3, Y3, 0.1, 1.5),
     raise_("num_steps"))
case("train_many-overflow",
     lambda: sweep.train_many(WM, BM, X3, Y3, 1e300, 3),
     overflow("overflowed"))

# -- mlp ------------------------------------------------------------------
case("MLP-sizes-float", lambda: MLP([3, 2.5, 1]), raise_("sizes"))
case("MLP-sizes-zero", lambda: MLP([3, 0, 1]), raise_("sizes"))
case("MLP-sizes-one", lambda: MLP([3]), raise_("at least two"))
case("MLP-init-neg", lambda: MLP([3, 1], init=-1.0), raise_("init"))
case("MLP-init-nan", lambda: MLP([3, 1], init=NAN), raise_("init"))
case("MLP-bias_std-nan", lambda: MLP([3, 1], bias_std=NAN),
     raise_("bias_std"))
case("MLP-seed-float", lambda: MLP([3, 1], seed=0.5), raise_("seed"))
case("MLP-activation", lambda: MLP([3, 1], "relu6"),
     raise_("unknown activation"))
case("MLP-kwargs-nan",
     lambda: MLP([3, 1], "leaky_relu", activation_kwargs={"slope": NAN}),
     raise_("slope"))
case("MLP-kwargs-unknown",
     lambda: MLP([3, 1], "tanh", activation_kwargs={"slope": 0.1}),
     raise_("does not take"))
case("MLP.from_params-mismatch",
     lambda: MLP.from_params([np.ones((3, 2)), np.ones((3, 1))],
                             [np.zeros(2), np.zeros(1)]),
     raise_("do not fit"))
case("MLP.from_params-nan",
     lambda: MLP.from_params([np.full((3, 1), NAN)], [np.zeros(1)]),
     raise_(r"weights\[0\] holds"))
for meth in ("forward", "pre_activations", "dead_units"):
    case(f"MLP.{meth}-zero-rows", lambda m=meth: getattr(_net(), m)(E0),
         raise_("X has no rows"))
    case(f"MLP.{meth}-wrong-cols",
         lambda m=meth: getattr(_net(), m)(X3[:, :2]),
         raise_("X has 2 column"))
    case(f"MLP.{meth}-nan", lambda m=meth: getattr(_net(), m)(X3 * NAN),
         raise_("X holds"))
case("MLP.forward-overflow",
     lambda: MLP.from_params([np.full((3, 1), 1e300)], [np.zeros(1)])
     .forward(X3 * 1e10),
     raise_("overflowed"))
for meth in ("trace", "loss_and_grads"):
    case(f"MLP.{meth}-Y-short", lambda m=meth: getattr(_net(), m)(X3, Y3[:2]),
         raise_(r"Y must have shape \(4, 1\)"))
    case(f"MLP.{meth}-Y-nan", lambda m=meth: getattr(_net(), m)(X3, Y3 * NAN),
         raise_("Y holds"))
    case(f"MLP.{meth}-loss", lambda m=meth: getattr(_net(), m)(X3, Y3, "l2"),
         raise_("unknown loss"))
    case(f"MLP.{meth}-delta", lambda m=meth: getattr(_net(), m)(
        X3, Y3, "huber", delta=-1.0), raise_("delta"))
    case(f"MLP.{meth}-zero-rows",
         lambda m=meth: getattr(_net(), m)(E0, Y3[:0]), raise_("no rows"))
for bad in (0.0, -1.0, NAN, "a"):
    case(f"MLP.step-lr-{bad}", lambda bad=bad: _net().step(X3, Y3, bad),
         raise_("lr must be a positive"))
case("MLP.step-lr-huge", lambda: _net().step(X3, Y3 * 100, 1e307),
     raise_("updated parameters overflowed"))
case("init_std-scheme", lambda: mlp_mod.init_std("xavier", 2, 2),
     raise_("unknown init"))
case("init_std-fan-in-zero", lambda: mlp_mod.init_std("he", 0, 2),
     raise_("n_in"))
case("init_std-fan-in-float", lambda: mlp_mod.init_std("lecun", 2.5, 2),
     raise_("n_in"))
case("init_std-bool", lambda: mlp_mod.init_std(True, 2, 2), raise_("init"))

# -- optim ------------------------------------------------------------------
for cls in (optim.SGD, optim.Momentum, optim.Adam):
    for bad in (0.0, -0.1, NAN, INF, "x"):
        case(f"{cls.__name__}-lr-{bad}", lambda cls=cls, bad=bad: cls(bad),
             raise_("lr must be a positive"))
for kw in ({"beta": NAN}, {"beta": -0.1}, {"beta": 1.0}):
    case(f"Momentum-{kw}", lambda kw=kw: optim.Momentum(0.1, **kw),
         raise_("beta"))
for kw in ({"beta1": NAN}, {"beta2": 1.0}, {"eps": 0.0}, {"eps": NAN},
           {"beta1": "a"}):
    case(f"Adam-{kw}", lambda kw=kw: optim.Adam(0.1, **kw),
         raise_(next(iter(kw))))
case("make-unknown", lambda: optim.make("rmsprop", 0.1),
     raise_("unknown optimizer"))
case("make-kwarg", lambda: optim.make("sgd", 0.1, beta=0.5),
     raise_("does not take"))
for bad in (0.0, -1.0, NAN, INF):
    case(f"clip_grad_norm-max-{bad}",
         lambda bad=bad: optim.clip_grad_norm(_grads()[0], bad),
         raise_("max_norm"))
case("clip_grad_norm-nan",
     lambda: optim.clip_grad_norm([(np.full((1, 1), NAN), np.zeros(1))], 1),
     raise_("NaN or infinite"))
case("clip_grad_norm-1e200",
     lambda: optim.clip_grad_norm([(np.full((2, 2), 1e200),
                                    np.full(2, -1e200))], 1.0),
     FINITE)
case("global_norm-1e200",
     lambda: optim.global_norm([(np.full((2, 2), 1e200), np.ones(2))]),
     FINITE)


def _step(opt, scale=1.0, shape_bug=False, nan=False):
    grads, net = _grads()
    grads = [(dW * scale, db * scale) for dW, db in grads]
    if shape_bug:
        grads[0] = (grads[0][0][:, :2], grads[0][1])
    if nan:
        grads[1] = (grads[1][0] * NAN, grads[1][1])
    opt.step(net.weights, net.biases, grads)
    return net.weights


for name in sorted(optim.OPTIMIZERS):
    case(f"{name}.step-shape", lambda n=name: _step(optim.make(n, 0.1),
                                                    shape_bug=True),
         raise_(r"gradient of weights\[0\] has shape"))
    case(f"{name}.step-nan", lambda n=name: _step(optim.make(n, 0.1),
                                                  nan=True),
         raise_(r"gradient of weights\[1\] holds NaN"))
    case(f"{name}.step-layers",
         lambda n=name: optim.make(n, 0.1).step([], [np.zeros(1)], []),
         raise_("must match"))
case("adam.step-1e200", lambda: _step(optim.Adam(0.01), 1e200), FINITE)
case("adam.step-1e300", lambda: _step(optim.Adam(0.01), 1e300), FINITE)

# -- train ------------------------------------------------------------------
XT = np.random.default_rng(0).standard_normal((16, 3))
YT = XT @ np.array([1.0, -1.0, 0.5])


def _train(**kw):
    kw.setdefault("batch_size", 8)
    return mlp_train(_net(), XT, YT, optim.SGD(0.01), **kw)

for kw, match in [
    ({"num_epochs": 0}, "num_epochs"),
    ({"num_epochs": 1.5}, "num_epochs"),
    ({"batch_size": 0.9}, "batch_size"),
    ({"batch_size": 17}, "batch_size"),
    ({"record_every": 0}, "record_every"),
    ({"clip_norm": NAN}, "clip_norm"),
    ({"clip_norm": -1.0}, "clip_norm"),
    ({"loss": "l2"}, "unknown loss"),
    ({"loss": "mse", "loss_kwargs": {"delta": 1.0}}, "does not take"),
    ({"loss": "huber", "loss_kwargs": {"delta": NAN}}, "delta"),
    ({"seed": 0.5}, "seed"),
    ({"X_val": XT}, "both X_val and Y_val"),
    ({"X_val": XT, "Y_val": YT[:3]}, r"Y_val must have shape \(16, 1\)"),
    ({"X_val": XT[:, :2], "Y_val": YT}, "X_val has 2 column"),
    ({"X_val": E0, "Y_val": YT[:0]}, "X_val has no rows"),
    ({"X_val": XT * NAN, "Y_val": YT}, "X_val holds"),
]:
    case(f"train-mlp-{_short(kw)}",
         lambda kw=kw: _train(**kw), raise_(match))
case("train-mlp-net", lambda: mlp_train(None, XT, YT, optim.SGD(0.1)),
     raise_("net must be an MLP"))
case("train-mlp-opt", lambda: mlp_train(_net(), XT, YT, 0.1),
     raise_("optimizer must be"))
case("train-mlp-Y-short", lambda: mlp_train(_net(), XT, YT[:5],
                                            optim.SGD(0.1)),
     raise_("Y must have shape"))
case("train-mlp-zero-rows", lambda: mlp_train(_net(), E0, YT[:0],
                                              optim.SGD(0.1)),
     raise_("X has no rows"))
case("train-mlp-huge-lr-diverges",
     lambda: [mlp_train(_net(), XT, YT, optim.SGD(1e300),
                        batch_size=16).diverged or math.nan],
     FINITE)

XS, YS = np.stack([XT, XT]), np.stack([YT, YT])


def _stacked(**kw):
    nets = [_net(), _net()]
    args = {"seeds": [0, 1], "batch_size": 8}
    args.update(kw)
    X = args.pop("X", XS)
    Y = args.pop("Y", YS)
    return train_stacked(nets, X, Y, optim.SGD(0.01), **args)


for kw, match in [
    ({"Y_val": YS[:, :5], "X_val": XS}, r"Y_val must have shape \(16, 1\)"),
    ({"Y_val": YS, "X_val": XS[:, :5]}, r"Y_val must have shape \(5, 1\)"),
    ({"Y_val": YS[:1], "X_val": XS}, "Y_val must hold one data set"),
    ({"Y_val": YS[0], "X_val": XS}, "Y_val must hold one data set"),
    ({"X_val": XS}, "both X_val and Y_val"),
    ({"X_val": XS[:, :, :2], "Y_val": YS}, "X_val has 2 column"),
    ({"X_val": XS * NAN, "Y_val": YS}, "X_val holds"),
    ({"Y": YS[:, :5]}, r"Y must have shape \(16, 1\)"),
    ({"Y": YS * NAN}, "Y holds"),
    ({"X": XS[:, :0]}, "X has no rows"),
    ({"X": XS[:1]}, "X must hold one data set"),
    ({"seeds": [0]}, "one seed per network"),
    ({"seeds": [0, 0.5]}, r"seeds\[1\]"),
    ({"loss": "l2"}, "unknown loss"),
    ({"loss": "mae", "loss_kwargs": {"delta": 2.0}}, "does not take"),
    ({"num_epochs": 0}, "num_epochs"),
    ({"batch_size": 0.9}, "batch_size"),
    ({"record_every": -1}, "record_every"),
    ({"clip_norm": 0.0}, "clip_norm"),
]:
    case(f"train_stacked-{_short(kw)}",
         lambda kw=kw: _stacked(**kw), raise_(match))
case("train_stacked-nets-empty",
     lambda: train_stacked([], XS, YS, optim.SGD(0.1), seeds=[]),
     raise_("nets must be a non-empty list"))
case("train_stacked-opt", lambda: train_stacked([_net(), _net()], XS, YS,
                                                "sgd", seeds=[0, 1]),
     raise_("optimizer must be"))

# -- data and listings -------------------------------------------------
case("ordinary_inputs-n-float", lambda: data.ordinary_inputs(2.5, 2),
     raise_("n must be an integer"))
case("ordinary_inputs-d-zero", lambda: data.ordinary_inputs(2, 0),
     raise_("d must be an integer"))
case("ordinary_inputs-kind", lambda: data.ordinary_inputs(2, 2, "x"),
     raise_("unknown input kind"))
case("teacher_targets-noise-nan",
     lambda: data.teacher_targets(X3, W3, 0.0, NAN), raise_("noise"))
case("teacher_targets-noise-neg",
     lambda: data.teacher_targets(X3, W3, 0.0, -1.0), raise_("noise"))
case("teacher_targets-w-short",
     lambda: data.teacher_targets(X3, W3[:2], 0.0), raise_("X has 3 col"))
case("teacher_targets-zero-rows",
     lambda: data.teacher_targets(E0, W3, 0.0), raise_("no rows"))
case("make_data-n-zero", lambda: data.make_data(0, W3, 0.0),
     raise_("n must be"))
case("make_data-w-2d", lambda: data.make_data(3, [W3], 0.0),
     raise_("w must have 1"))
case("make_data-b-nan", lambda: data.make_data(3, W3, NAN), raise_("b "))
for nm, args in [("row", (0.9, 0)), ("feature", (0, 0.9)),
                 ("row", (4, 0)), ("feature", (0, -4)),
                 ("row", ("a", 0)), ("feature", (0, True))]:
    case(f"with_outlier-{nm}-{args}",
         lambda args=args: data.with_outlier(X3, *args, 1e6),
         raise_(f"{nm} .* is not a whole number"))
case("with_outlier-value-nan", lambda: data.with_outlier(X3, 0, 0, NAN),
     raise_("value must be finite"))
case("with_outlier-value-vector",
     lambda: data.with_outlier(X3, 0, 0, [1.0, 2.0]),
     raise_("value must be a scalar"))
case("outlier_example-feature-0.9",
     lambda: data.outlier_example(W3, 0.9, [1.0]), raise_("feature 0.9"))
case("outlier_example-sizes-nan",
     lambda: data.outlier_example(W3, 0, [NAN]), raise_("sizes holds"))
case("outlier_example-x-2d",
     lambda: data.outlier_example(X3, 0, [1.0]), raise_("x must have 1"))
case("make_listings-n-float", lambda: listings.make_listings(2.5),
     raise_("n must be"))
case("make_listings-outliers-too-many",
     lambda: listings.make_listings(3, n_outliers=4), raise_("n_outliers"))
case("make_listings-outliers-float",
     lambda: listings.make_listings(3, n_outliers=0.5), raise_("n_outliers"))
case("make_listings-noise-nan",
     lambda: listings.make_listings(3, noise=NAN), raise_("noise"))
case("make_listings-noise-str",
     lambda: listings.make_listings(3, noise="x"), raise_("noise"))
case("make_listings-factor-neg",
     lambda: listings.make_listings(3, outlier_factor=-1.0),
     raise_("outlier_factor"))
case("make_listings-feature",
     lambda: listings.make_listings(3, outlier_feature="size"),
     raise_("unknown outlier_feature"))
case("make_listings-seed-float", lambda: listings.make_listings(3, 0.5),
     raise_("seed"))
case("target_function-cols",
     lambda: listings.target_function(np.ones((2, 5))), raise_("6 columns"))
case("target_function-neg",
     lambda: listings.target_function(-np.ones((2, 6))),
     raise_("non-negative"))
case("target_function-nan",
     lambda: listings.target_function(np.full((2, 6), NAN)),
     raise_("X holds"))

# -- transforms ------------------------------------------------------------
FT = transforms.FeatureTransform
case("FeatureTransform-method", lambda: FT("log"), raise_("unknown method"))
case("FeatureTransform-methods-empty", lambda: FT([]),
     raise_("at least one"))
case("FeatureTransform.fit-zero-rows", lambda: FT().fit(E0),
     raise_("n >= 1"))
case("FeatureTransform.fit-1d", lambda: FT().fit(W3), raise_("X must have"))
case("FeatureTransform.fit-constant", lambda: FT().fit(np.ones((3, 1))),
     raise_("constant"))
case("FeatureTransform.fit-methods-count",
     lambda: FT(["zscore"] * 2).fit(X3), raise_("2 methods given for 3"))
case("FeatureTransform.fit-log-domain",
     lambda: FT("log_median").fit(-2 * np.ones((3, 1))), raise_("<= -1"))
case("FeatureTransform.transform-unfitted",
     lambda: FT().transform(X3), raise_("call fit"))
case("FeatureTransform.transform-cols",
     lambda: FT().fit(X3).transform(X3[:, :2]), raise_("3 columns"))
case("FeatureTransform.transform-nan",
     lambda: FT().fit(X3).transform(X3 * NAN), raise_("X holds"))
case("FeatureTransform.fit-1e300",
     lambda: FT().fit_transform([[1e300], [-1e300], [0.0]]), FINITE)
case("FeatureTransform.fit-1.7e308",
     lambda: FT(["zscore", "log_median"]).fit_transform(
         [[1.7e308, 1.7e308], [1e308, 1e308]]), FINITE)
case("FeatureTransform.transform-overflow",
     lambda: FT().fit([[-1.5e308], [-1e308]]).transform([[1.7e308]]),
     raise_("z-score overflowed"))

# -- diagnostics ---------------------------------------------------------
for nm in ("activation_rate", "dead_mask", "dead_fraction"):
    f = getattr(diagnostics, nm)
    case(f"{nm}-zero-rows", lambda f=f: f(E0), raise_("n_examples"))
    case(f"{nm}-1d", lambda f=f: f(W3), raise_("matrix"))
    case(f"{nm}-threshold-nan", lambda f=f: f(X3, NAN),
         raise_("threshold"))
    case(f"{nm}-threshold-str", lambda f=f: f(X3, "a"),
         raise_("threshold"))
case("dead_fraction_per_layer-empty",
     lambda: diagnostics.dead_fraction_per_layer([]), raise_("at least"))
case("dead_fraction_per_layer-rows",
     lambda: diagnostics.dead_fraction_per_layer([X3, X3[:2]]),
     raise_("same examples"))
case("grad_norm_summary-empty",
     lambda: diagnostics.grad_norm_summary([]), raise_("at least one"))
case("grad_norm_summary-db-shape",
     lambda: diagnostics.grad_norm_summary([(X3, W3[:2])]),
     raise_("db has shape"))
case("grad_norm_summary-triple",
     lambda: diagnostics.grad_norm_summary([(X3, W3, W3)]),
     raise_("must be a pair"))
case("grad_norm_summary-1e200",
     lambda: diagnostics.grad_norm_summary([(X3 * 1e200, W3 * 1e200)]),
     FINITE)

# -- gradcheck ---------------------------------------------------------------
for nm in ("central_difference", "numerical_gradient"):
    f = getattr(gradcheck, nm)
    case(f"{nm}-h-zero", lambda f=f: f(np.sin, [1.0], h=0.0), raise_("h"))
    case(f"{nm}-h-nan", lambda f=f: f(np.sin, [1.0], h=NAN), raise_("h"))
    case(f"{nm}-x-nan", lambda f=f: f(np.sin, [NAN]), raise_("x holds"))
case("relative_error-shapes",
     lambda: gradcheck.relative_error([1.0], [1.0, 2.0]),
     raise_("shapes differ"))
case("relative_error-floor-zero",
     lambda: gradcheck.relative_error([0.0], [0.0], floor=0.0),
     raise_("floor"))
case("relative_error-floor-nan",
     lambda: gradcheck.relative_error([0.0], [0.0], floor=NAN),
     raise_("floor"))
case("relative_error-empty", lambda: gradcheck.relative_error([], []),
     FINITE)

# -- outlier ------------------------------------------------------------------
case("outlier_gradient-neuron",
     lambda: outlier.outlier_gradient(None, W3, 1.0),
     raise_("neuron must be a Neuron"))
case("outlier_gradient-x_o-short",
     lambda: outlier.outlier_gradient(NEURON, W3[:2], 1.0),
     raise_("x_o has shape"))
case("outlier_gradient-y_o-shape",
     lambda: outlier.outlier_gradient(NEURON, X3, [1.0, 2.0]),
     raise_(r"y_o has shape \(2,\)"))
case("outlier_gradient-y_o-nan",
     lambda: outlier.outlier_gradient(NEURON, W3, NAN), raise_("y_o holds"))
case("pre_activation_after-lr-shape",
     lambda: outlier.pre_activation_after(NEURON, X3, X3, Y3, [0.1, 0.2]),
     raise_(r"lr has shape \(2,\)"))
case("pre_activation_after-lr-neg",
     lambda: outlier.pre_activation_after(NEURON, X3, W3, 1.0, -0.1),
     raise_("lr"))
case("pre_activation_after-part",
     lambda: outlier.pre_activation_after(NEURON, X3, W3, 1.0, 0.1,
                                          part="all"),
     raise_("unknown part"))
case("pre_activation_after-X-cols",
     lambda: outlier.pre_activation_after(NEURON, X3[:, :2], W3, 1.0, 0.1),
     raise_("X has 2 column"))
case("outlier_steps-feature-0.9",
     lambda: outlier.outlier_steps(NEURON, W3, 1.0, 0.9, [10.0], [0.1]),
     raise_("feature 0.9"))
case("outlier_steps-grid",
     lambda: outlier.outlier_steps(NEURON, W3, 1.0, 0, [1.0, 2.0],
                                   [0.1, 0.2, 0.3]),
     raise_("do not broadcast"))
case("outlier_steps-y_o-vector",
     lambda: outlier.outlier_steps(NEURON, W3, [1.0, 2.0], 0, [1.0], [0.1]),
     raise_("y_o must be a scalar"))
case("outlier_steps-lr-zero",
     lambda: outlier.outlier_steps(NEURON, W3, 1.0, 0, [1.0], [0.0]),
     raise_("lr"))
CS = (NEURON, np.abs(X3), np.abs(W3), 1.0, 0)
case("critical_size-bounds-order",
     lambda: outlier.critical_size(*CS, [0.1], bounds=(10.0, 1.0)),
     raise_("bounds must satisfy"))
case("critical_size-bounds-nan",
     lambda: outlier.critical_size(*CS, [0.1], bounds=(NAN, 1.0)),
     raise_("bounds"))
case("critical_size-bounds-triple",
     lambda: outlier.critical_size(*CS, [0.1], bounds=(1.0, 2.0, 3.0)),
     raise_("bounds must be a pair"))
case("critical_size-iters-float",
     lambda: outlier.critical_size(*CS, [0.1], iters=2.5), raise_("iters"))
case("critical_size-lrs-neg",
     lambda: outlier.critical_size(*CS, [-0.1]), raise_("lr"))
case("critical_size-feature-0.9",
     lambda: outlier.critical_size(NEURON, X3, W3, 1.0, 0.9, [0.1]),
     raise_("feature 0.9"))
case("critical_size-x-short",
     lambda: outlier.critical_size(NEURON, X3, W3[:2], 1.0, 0, [0.1]),
     raise_("x has 2 entries"))
case("dead_after_steps-X-cols",
     lambda: outlier.dead_after_steps(NEURON, X3[:, :2], W3, 1.0, 0,
                                      [1.0], [0.1]),
     raise_("X has shape"))

# -- theory -----------------------------------------------------------------
case("narrow_window_width-nan", lambda: theory.narrow_window_width(NAN),
     raise_("w holds"))
case("narrow_window_width_numeric-b-nan",
     lambda: theory.narrow_window_width_numeric(6.0, b=NAN), raise_("b "))
case("narrow_window_width_numeric-num-1",
     lambda: theory.narrow_window_width_numeric(6.0, num=1), raise_("num"))
case("narrow_window_width_numeric-num-float",
     lambda: theory.narrow_window_width_numeric(6.0, num=10.5),
     raise_("num"))
case("narrow_window_width_numeric-span-neg",
     lambda: theory.narrow_window_width_numeric(6.0, span=-1.0),
     raise_("span"))
for bad in (-1.0, 0.0, NAN):
    case(f"narrow_window_peak-tol-{bad}",
         lambda bad=bad: theory.narrow_window_peak(tol=bad), raise_("tol"))
case("narrow_window_peak-tol-tiny",
     lambda: theory.narrow_window_peak(tol=1e-300), FINITE)
case("relu_mean_square-q1-nan",
     lambda: theory.relu_mean_square(1, 2.0, NAN), raise_("q1"))
case("relu_mean_square-q1-neg",
     lambda: theory.relu_mean_square(1, 2.0, -1.0), raise_("q1"))
case("relu_mean_square-depth-float",
     lambda: theory.relu_mean_square(1.5, 2.0), raise_("depth"))
case("relu_mean_square-gain-nan",
     lambda: theory.relu_mean_square(1, NAN), raise_("gain"))
case("born_dead_probability-width-float",
     lambda: theory.born_dead_probability(2.5, 3), raise_("width"))
case("born_dead_probability-depth-neg",
     lambda: theory.born_dead_probability(2, -1), raise_("depth"))
case("born_dead_probability-nan",
     lambda: theory.born_dead_probability(NAN, 1), raise_("width holds"))
case("depth_to_die-width-zero", lambda: theory.depth_to_die(0),
     raise_("width"))
case("depth_to_die-p-nan", lambda: theory.depth_to_die(2, NAN),
     raise_("p must be"))
case("depth_to_die-p-str", lambda: theory.depth_to_die(2, "a"),
     raise_("p must be"))
for nm, kw in [("width", {"width": 2.5}), ("depth", {"depth": 0}),
               ("num_nets", {"num_nets": 0.5}), ("seed", {"seed": -1}),
               ("bias_std", {"bias_std": NAN}),
               ("bias_std", {"bias_std": -1.0})]:
    args = {"width": 2, "depth": 3, "X": [[1.0]], "num_nets": 10}
    args.update(kw)
    case(f"first_dead_layer-{kw}",
         lambda args=args: theory.first_dead_layer(**args), raise_(nm))
case("first_dead_layer-zero-rows",
     lambda: theory.first_dead_layer(2, 3, np.zeros((0, 1)), 10),
     raise_("at least one row"))
case("born_dead_monte_carlo-depth-float",
     lambda: theory.born_dead_monte_carlo(2, 2.5, 10), raise_("depth"))
case("latch_fixed_point-w-small", lambda: theory.latch_fixed_point(0.5),
     raise_("w must be > 1"))
case("latch_fixed_point-w-nan", lambda: theory.latch_fixed_point(NAN),
     raise_("w must be"))
case("latch_fixed_point-tol-neg",
     lambda: theory.latch_fixed_point(2.0, tol=-1.0), raise_("tol"))
case("latch_slope-w-one", lambda: theory.latch_slope(1.0),
     raise_("w must be > 1"))
case("latch_gradient-steps-float",
     lambda: theory.latch_gradient(2.0, 0.1, 2.5), raise_("num_steps"))
case("latch_gradient-a0-nan", lambda: theory.latch_gradient(2.0, NAN, 2),
     raise_("a0"))

# -- experiments --------------------------------------------------------
case("run-setup", lambda: run("baseline", 0), raise_("setup must be"))
case("run-seed-float", lambda: run(BASELINE, 0.5), raise_("seed"))
case("run_seeds-seed-float", lambda: run_seeds(BASELINE, [0, 1.5]),
     raise_("seed"))
case("run_seeds-empty", lambda: run_seeds(BASELINE, []),
     raise_("at least one seed"))
case("run-n_train-zero", lambda: run(Setup(n_train=0), 0),
     raise_("n must be"))
case("run-lr-nan", lambda: run(Setup(n_train=8, n_val=4, lr=NAN), 0),
     raise_("lr"))
case("run-optimizer", lambda: run(Setup(n_train=8, n_val=4,
                                        optimizer="rmsprop"), 0),
     raise_("unknown optimizer"))
case("run-transform", lambda: run(Setup(n_train=8, n_val=4,
                                        transform="minmax"), 0),
     raise_("unknown method"))
case("run-batch-float", lambda: run(Setup(n_train=8, n_val=4,
                                          batch_size=2.5), 0),
     raise_("batch_size"))

# -- explorer -------------------------------------------------------------
case("explorer.Setup-neuron", lambda: ExplorerSetup(None, X3, W3, 1.0),
     raise_("neuron must be"))
case("explorer.Setup-X-cols",
     lambda: ExplorerSetup(NEURON, X3[:, :2], W3, 1.0),
     raise_("X has 2 column"))
case("explorer.Setup-x-short",
     lambda: ExplorerSetup(NEURON, X3, W3[:2], 1.0), raise_("x has 2"))
case("explorer.Setup-y_o-nan",
     lambda: ExplorerSetup(NEURON, X3, W3, NAN), raise_("y_o"))
case("explorer.Setup-feature-0.9",
     lambda: ExplorerSetup(NEURON, X3, W3, 1.0, 0.9), raise_("feature"))
case("OutlierExplorer-empty", lambda: OutlierExplorer({}),
     raise_("setups is empty"))
case("OutlierExplorer-value", lambda: OutlierExplorer({"k": 1}),
     raise_("setups must map"))
case("OutlierExplorer.state-size-nan", lambda: EXPLORER.state(NAN, 0.1),
     raise_("size"))
case("OutlierExplorer.state-size-str", lambda: EXPLORER.state("a", 0.1),
     raise_("size"))
case("OutlierExplorer.state-lr-neg", lambda: EXPLORER.state(1.0, -0.1),
     raise_("lr"))
case("OutlierExplorer.state-kind", lambda: EXPLORER.state(1.0, 0.1,
                                                         kind="z"),
     raise_("unknown input kind"))
case("OutlierExplorer.state-loss", lambda: EXPLORER.state(1.0, 0.1, "l2"),
     raise_("unknown loss"))
for uid in ('"><script>alert(1)</script>', "a b", "", "1abc", None):
    case(f"page_html-uid-{uid!r}",
         lambda uid=uid: EXPLORER.page_html(uid=uid),
         raise_("uid must be"))
case("page_html-size-negative",
     lambda: EXPLORER.page_html(size=-1.0), raise_("size"))
case("page_html-lr-nan",
     lambda: EXPLORER.page_html(lr=NAN), raise_("lr"))
case("page_html-loss-unknown",
     lambda: EXPLORER.page_html(loss="hinge"), raise_("loss"))
case("page_html-kind-unknown",
     lambda: EXPLORER.page_html(kind="uniform"), raise_("kind"))
case("small_multiples-sizes-nan",
     lambda: EXPLORER.small_multiples([NAN], 0.1), raise_("sizes holds"))
case("small_multiples-sizes-empty",
     lambda: EXPLORER.small_multiples([], 0.1), raise_("sizes is empty"))
case("small_multiples-lr-zero",
     lambda: EXPLORER.small_multiples([1.0], 0.0), raise_("lr"))

# -- style and book -------------------------------------------------------


def _ticks(which):
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    ax.set_xscale("log")
    style.plain_log_ticks(ax, which)


case("plain_log_ticks-which", lambda: _ticks("z"), raise_("axis choice"))
for value, fmt, match in [
    (NAN, ".3g", "non-finite"),
    (INF, ".3g", "non-finite"),
    (True, None, "int or a float"),
    ("1.0", None, "int or a float"),
    (1.5, None, "needs a format"),
    (1.5, "d", "whole number"),
    (1.0, ".3x", "unsupported format"),
    (1.0, "{:.3f}", "unsupported format"),
    (1.0, 3, "unsupported format"),
]:
    case(f"number-{value!r}-{fmt!r}",
         lambda value=value, fmt=fmt: book.number(value, fmt),
         raise_(match))
case("stack_parameters-empty", lambda: mlp_mod.stack_parameters([]),
     raise_("non-empty list of MLP"))
case("stack_parameters-not-mlp",
     lambda: mlp_mod.stack_parameters(["net"]),
     raise_("non-empty list of MLP"))
case("stack_parameters-shapes",
     lambda: mlp_mod.stack_parameters([MLP([2, 3, 1]), MLP([2, 4, 1])]),
     raise_("networks of one shape"))
case("number_range-reversed", lambda: book.number_range(2.0, 1.0, ".1f"),
     raise_("low <= high"))
case("number_range-nan", lambda: book.number_range(NAN, 1.0, ".1f"),
     raise_("non-finite"))
case("number_range-string", lambda: book.number_range("1", 2),
     raise_("int or a float"))
case("format_interval-short", lambda: seedstats.format_interval((1.0,)),
     raise_("estimate, low, high"))
case("glue-name", lambda: book.glue("a b", 1), raise_("glue name"))
case("glue-fmt-on-string", lambda: book.glue("a", "text", ".3f"),
     raise_("fmt is only for numbers"))
case("glue-nan", lambda: book.glue("a", NAN, ".2f"), raise_("non-finite"))
case("fingerprint-not-figure", lambda: book.fingerprint("fig"),
     raise_("needs a matplotlib Figure"))


IDS = [c[0] for c in CASES]
assert len(IDS) == len(set(IDS)), [i for i in IDS if IDS.count(i) > 1]


def _all_finite(value) -> bool:
    if isinstance(value, (str, bytes, bool)) or value is None:
        return True
    if isinstance(value, dict):
        return all(_all_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_all_finite(v) for v in value)
    if isinstance(value, (Neuron, MLP)):
        return _all_finite([value.w, value.b] if isinstance(value, Neuron)
                           else [value.weights, value.biases])
    arr = np.asarray(value)
    if arr.dtype.kind in "biuf":
        return bool(np.all(np.isfinite(arr)))
    return True


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(("call", "expect"), [c[1:] for c in CASES],
                         ids=IDS)
def test_bad_input(call, expect):
    kind, regex = expect
    if kind == "raise":
        with pytest.raises(ValueError, match=regex) as info:
            call()
        # a clear error is raised by relu_notes, not deep inside numpy
        assert "relu_notes" in str(info.traceback[-1].path)
    elif kind == "overflow":
        with pytest.raises(OverflowError, match=regex):
            call()
    else:
        assert kind == "finite"
        assert _all_finite(call())


def test_case_count(capsys):
    counts = Counter(c[2][0] for c in CASES)
    with capsys.disabled():
        print(f"\nbad-input cases: {len(CASES)}: {dict(counts)}")
    assert len(CASES) >= 300
