"""Mutation testing of the unit tests: does ``tests/`` catch real bugs?

Each mutant is one realistic single-point change of ``relu_notes`` (a
comparison flipped at an exact zero, an off-by-one, a sign error, a wrong
constant, a forgotten term). For each, this script writes the change,
runs ``pytest tests -x -q`` (the unit tests only, not the notebooks) and
restores the file, in a ``finally`` block, so the source is never left
mutated, even on Ctrl-C or an error. A mutant is *killed* when the tests
fail, and *survives* when they pass.

Usage (from the repository root; not part of ``make test``)::

    python tools/mutate.py            # every mutant
    python tools/mutate.py --list     # list them
    python tools/mutate.py 1 5 12     # only these (numbers from --list)

Exit status 0 when every mutant is killed, 1 otherwise. It takes a few
minutes: the suite stops at the first failure, so a killed mutant is
usually quick, and a survivor costs a full run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "relu_notes"

#: (file, original text, mutated text, what the bug is). The original
#: text must occur exactly once in the file.
MUTANTS: list[tuple[str, str, str, str]] = [
    # -- comparisons at an exact zero (the three from issue 9 first)
    ("sweep.py", "return max_pre_activation_many(W, B, X) <= 0",
     "return max_pre_activation_many(W, B, X) < 0",
     "is_dead_many: z < 0 instead of z <= 0"),
    ("activations.py", "return _out(np.where(x > 0, 1.0, slope), x)",
     "return _out(np.where(x >= 0, 1.0, slope), x)",
     "leaky_relu_grad(0) returns 1 instead of the slope"),
    ("neuron.py", "return float(np.mean(self.pre_activation(X) > 0))",
     "return float(np.mean(self.pre_activation(X) >= 0))",
     "Neuron.active_fraction counts z >= 0"),
    ("neuron.py", "return bool(np.all(self.pre_activation(X) <= 0))",
     "return bool(np.all(self.pre_activation(X) < 0))",
     "Neuron.is_dead: z < 0"),
    ("activations.py", "return _out(x > 0, x)", "return _out(x >= 0, x)",
     "relu_grad(0) returns 1"),
    ("mlp.py", "return [np.all(z <= 0, axis=0) for z in pres[:-1]]",
     "return [np.all(z < 0, axis=0) for z in pres[:-1]]",
     "MLP.dead_units: z < 0"),
    ("diagnostics.py", "return np.all(A <= _threshold(threshold), axis=0)",
     "return np.all(A < _threshold(threshold), axis=0)",
     "dead_mask: value < threshold"),
    ("sweep.py", "out[sl] = np.mean(_z(W[sl], B[sl], X) > 0, axis=1)",
     "out[sl] = np.mean(_z(W[sl], B[sl], X) >= 0, axis=1)",
     "active_fraction_many counts z >= 0"),
    ("neuron.py", "    z = X @ w + b\n    active = z > 0\n",
     "    z = X @ w + b\n    active = z >= 0\n",
     "Neuron gradient: relu'(0) = 1"),
    ("sweep.py", "    n = X.shape[-2]\n    active = z > 0\n",
     "    n = X.shape[-2]\n    active = z >= 0\n",
     "loss_and_grads_many: relu'(0) = 1"),
    ("losses.py", "return np.sign(r)", "return np.where(r >= 0, 1.0, -1.0)",
     "mae_grad(0) = 1"),
    ("theory.py", "dead = (z <= 0).all(axis=(1, 2))",
     "dead = (z < 0).all(axis=(1, 2))",
     "first_dead_layer: z < 0"),
    ("train.py", "dead = np.stack([np.all(z <= 0, axis=-2)",
     "dead = np.stack([np.all(z < 0, axis=-2)",
     "train_stacked records z < 0 as dead"),
    ("outlier.py", "return np.max(z_new, axis=-1) <= 0",
     "return np.max(z_new, axis=-1) < 0",
     "critical_size: dead when max z' < 0"),
    ("explorer.py", "return bool(np.all(self.z_after <= 0))",
     "return bool(np.all(self.z_after < 0))",
     "explorer verdict: dead when z < 0"),
    ("neuron.py", 'np.count_nonzero(X @ w + b > 0) / n',
     'np.count_nonzero(X @ w + b >= 0) / n',
     "fit records z >= 0 as active"),
    # -- wrong constants and forgotten factors
    ("losses.py", "return np.clip(r, -delta, delta)",
     "return np.clip(r, -1.0, 1.0)", "huber_grad ignores delta"),
    ("losses.py", "delta * (a - 0.5 * delta)", "delta * (a - delta)",
     "huber: wrong constant in the linear part"),
    ("losses.py", "return 2.0 * r", "return r", "mse_grad forgets the 2"),
    ("activations.py",
     "return _out(np.where(x > 0, 1.0, alpha * np.exp(neg)), x)",
     "return _out(np.where(x > 0, 1.0, np.exp(neg)), x)",
     "elu_grad ignores alpha"),
    ("activations.py", "return _out(e / ((1.0 + e) * (1.0 + e)), x)",
     "return _out(e / (1.0 + e), x)", "sigmoid_grad: wrong formula"),
    ("mlp.py", '"he": lambda n_in, n_out: math.sqrt(2.0 / n_in)',
     '"he": lambda n_in, n_out: math.sqrt(1.0 / n_in)',
     "He initialisation with variance 1 / fan_in"),
    ("theory.py", "W *= math.sqrt(2.0 / fan_in)",
     "W *= math.sqrt(1.0 / fan_in)",
     "first_dead_layer: wrong weight scale (matters only with biases)"),
    ("theory.py", "width = 2.0 / safe * np.log((1.0 + r) / (1.0 - r))",
     "width = 1.0 / safe * np.log((1.0 + r) / (1.0 - r))",
     "narrow window: half the width"),
    ("optim.py", "s[\"v\"] = self.beta * s[\"v\"] + g",
     "s[\"v\"] = self.beta * s[\"v\"] + (1.0 - self.beta) * g",
     "momentum: damped gradient"),
    ("gradcheck.py", "return (up - down) / (2.0 * h)",
     "return (up - down) / h", "central difference: wrong step"),
    ("book.py", "{total:.3e}", "{total:.1e}",
     "fingerprint keeps two digits: blind to small data changes"),
    # -- sign errors and forgotten terms
    ("activations.py", "return _out(_std_normal_cdf(x) + x_pdf, x)",
     "return _out(_std_normal_cdf(x) - x_pdf, x)",
     "gelu_grad: sign error"),
    ("neuron.py", "            b = b - lr * db\n",
     "            b = b + lr * db\n", "neuron.train: bias moves uphill"),
    ("sweep.py", "            B = B - lr * dB\n",
     "            B = B + lr * dB\n", "train_many: bias moves uphill"),
    ("outlier.py", "return z - coef * (dot + 1.0)", "return z - coef * dot",
     "z after the step forgets the bias part"),
    ("diagnostics.py", "silent = np.all(dW == 0, axis=0) & (db == 0)",
     "silent = np.all(dW == 0, axis=0) | (db == 0)",
     "zero_units: or instead of and"),
    ("transforms.py",
     "out[:, j] = np.log1p(X[:, j]) - np.log1p(self.median_[j])",
     "out[:, j] = np.log(X[:, j]) - np.log1p(self.median_[j])",
     "log-median transform: log instead of log1p"),
    ("book.py", 'if re.fullmatch(r"-0(\\.0*)?%?", text):',
     'if re.fullmatch(r"-0%?", text):',
     "number: '-0.00' keeps its minus sign"),
    # -- off by one
    ("mlp.py", "grads.append((acts[i].swapaxes(-1, -2) @ delta, "
     "delta.sum(axis=-2)))",
     "grads.append((acts[i].swapaxes(-1, -2) @ delta, "
     "delta.mean(axis=-2)))",
     "bias gradient averaged twice"),
    ("optim.py", "v_hat = s[\"v\"] / (1.0 - self.beta2**t)",
     "v_hat = s[\"v\"] / (1.0 - self.beta2 ** (t + 1))",
     "Adam: bias correction one step late"),
    ("theory.py", "return -np.expm1(depth * np.log1p(-(2.0 ** -width)))",
     "return -np.expm1((depth + 1) * np.log1p(-(2.0 ** -width)))",
     "born_dead_probability: one layer too many"),
    ("train.py", "                if step % record_every == 0:\n"
     "                    record(step)\n        if steps",
     "                if step % record_every == 1:\n"
     "                    record(step)\n        if steps",
     "train records one step late"),
    ("_validate.py", "and -size <= int(value) < size",
     "and -size <= int(value) <= size", "index check lets size through"),
    ("_validate.py", "ok = not isinstance(value, bool) and int(value) == "
     "value >= minimum",
     "ok = not isinstance(value, bool) and int(value) == value > minimum",
     "count check refuses the minimum"),
    ("sweep.py", "if np.any((a < 0) | (a >= 1)):",
     "if np.any((a < 0) | (a > 1)):", "slope 1 accepted"),
    ("optim.py", "scale = min(1.0, max_norm / norm) if norm > 0 else 1.0",
     "scale = max_norm / norm if norm > 0 else 1.0",
     "clip_grad_norm also lengthens short gradients"),
    # -- the overflow guards and checks of issue 9
    ("optim.py", "need = np.maximum(k, np.frexp(g)[1] - 500)",
     "need = np.maximum(k, np.frexp(g)[1] - 600)",
     "Adam: scaled gradient still overflows when squared"),
    ("_validate.py", "return float(np.float64(big) * math.sqrt(total))",
     "return math.sqrt(total)", "scaled norm not scaled back"),
    ("transforms.py", "std[j] = col.std() * big", "std[j] = col.std()",
     "z-score near 1e300: standard deviation not scaled back"),
    ("train.py", 'Y_val = net._checked_y(Y_val, X_val.shape[0], "Y_val")',
     'Y_val = np.asarray(Y_val, dtype=float)',
     "validation targets not checked"),
    ("explorer.py", r'payload = (payload.replace("<", "\\u003c")',
     'payload = (payload.replace("</", "</")',
     "player: '<' written into the script unescaped"),
]


def run_tests(timeout: float) -> tuple[bool, float]:
    """Run the unit tests; True if they pass. Times out as a failure."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "tests", "-x", "-q",
             "-p", "no:cacheprovider"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, timeout=timeout, check=False,
        )
        passed = proc.returncode == 0
    except subprocess.TimeoutExpired:
        passed = False
    return passed, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("which", nargs="*", type=int,
                        help="mutant numbers (default: all)")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--timeout", type=float, default=600.0)
    args = parser.parse_args()
    chosen = args.which or list(range(1, len(MUTANTS) + 1))
    if args.list:
        for i, (f, _, _, what) in enumerate(MUTANTS, 1):
            print(f"{i:3d}  {f:15s} {what}")
        return 0
    # check every mutant applies before changing anything
    for i in chosen:
        f, old, _, what = MUTANTS[i - 1]
        count = (PKG / f).read_text().count(old)
        if count != 1:
            print(f"mutant {i} ({what}): its text occurs {count} times "
                  f"in {f}; update tools/mutate.py", file=sys.stderr)
            return 2
    survivors = []
    for i in chosen:
        f, old, new, what = MUTANTS[i - 1]
        path = PKG / f
        original = path.read_text()
        try:
            path.write_text(original.replace(old, new))
            passed, secs = run_tests(args.timeout)
        finally:
            path.write_text(original)
        verdict = "SURVIVED" if passed else "killed"
        print(f"{i:3d} {verdict:8s} {secs:5.0f} s  {f}: {what}", flush=True)
        if passed:
            survivors.append(i)
    killed = len(chosen) - len(survivors)
    print(f"\nkilled {killed} / {len(chosen)} mutants; survivors: "
          f"{survivors or 'none'}")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
