"""The benchmark's flat numpy loop trains exactly as sknn does.

``benchmarks/bench.py`` reports how close sknn comes to a "flat" loop: the
same epoch with every function inlined. That comparison only means something
if the loop does the same work, so it is checked here against the estimators:
one epoch from the same weights, in the same order, gives the same θ.
"""

# SPDX-License-Identifier: BSD-3-Clause

import importlib
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor
from sknn._parameters import pack

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def bench():
    """The cases of benchmarks/bench.py (benchmarks/_cases), imported as bench.py does."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        return SimpleNamespace(
            flat_epoch=importlib.import_module("_cases.floors").flat_epoch,
            compare_array_api=importlib.import_module("_cases.array_api").compare_array_api,
            per_call=importlib.import_module("_cases.per_call"),
        )
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_bench_command_line_imports_its_cases():
    """``python benchmarks/bench.py`` finds its case modules from any working directory."""
    out = subprocess.run([sys.executable, str(BENCHMARKS / "bench.py"), "--help"],
                         capture_output=True, text=True, cwd=BENCHMARKS.parent / "docs")
    assert out.returncode == 0, out.stderr
    assert "--cases CASES" in out.stdout and "--write-docs" in out.stdout


# The case's fits run a few epochs on purpose (it times calls, not convergence).
@pytest.mark.filterwarnings("ignore:Stochastic Optimizer:sklearn.exceptions.ConvergenceWarning")
def test_case_I_times_both_libraries_per_call(bench):
    """The per-call case: a stream's row and a prediction's row, each a positive ratio."""
    X, y = bench.per_call.data_A(2048)
    stream = bench.per_call._stream_rows(X, y, 256, repeats=1)
    assert stream["call"] == "partial_fit, chunks of 256 rows"
    assert stream["sknn"] > 0 and stream["sklearn"] > 0
    assert stream["ratio"] == pytest.approx(stream["sknn"] / stream["sklearn"])
    predict = bench.per_call._predict_rows(X, y, 1, repeats=1, log=print)
    assert predict["call"] == "predict_proba, 1 row" and predict["ratio"] > 0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_flat_loop_takes_the_estimators_steps(bench, kind, dtype):
    rng = np.random.default_rng(0)
    X = rng.random((64, 6)).astype(dtype)
    if kind == "classifier":
        y = rng.integers(0, 3, 64)  # three classes: a softmax output
        Y = np.eye(3, dtype=dtype)[y]
        Estimator = SigmoidMLPClassifier
    else:
        y = X @ rng.random(6)
        Y = y.reshape(-1, 1).astype(dtype)
        Estimator = lambda **p: SigmoidMLPRegressor(target_std=None, **p)  # noqa: E731
    # The settings the flat loop hard-codes: α = 1e-4, Nesterov with μ = 0.9.
    model = Estimator(
        hidden_layer_sizes=(7, 5), batch_size=16, learning_rate="constant",
        learning_rate_init=0.1, momentum=0.9, nesterovs_momentum=True, alpha=1e-4,
        max_iter=1, shuffle=False, tol=0.0, random_state=0,
    )
    model.fit(X, y)  # one epoch, to start the check from weights that are not the init
    theta, _, _ = pack(model.coefs_, model.intercepts_, X.dtype)
    theta, start = theta.copy(), theta.copy()
    # fit with warm_start continues from these weights with a fresh velocity,
    # as the flat loop starts.
    model.set_params(warm_start=True).fit(X, y)
    _, flat_theta = bench.flat_epoch(
        X, Y, [6, 7, 5, Y.shape[1]], 16, 0.1, kind == "classifier", theta=theta,
        shuffle=False,
    )
    expected, _, _ = pack(model.coefs_, model.intercepts_, X.dtype)
    assert np.abs(flat_theta - start).max() > 1e-3  # the epoch moved θ: not a trivial match
    rtol = 1e-10 if dtype == np.float64 else 1e-4
    assert_allclose(flat_theta, expected, rtol=rtol, atol=rtol * 1e-2)


def test_case_G_trains_the_same_network_on_the_kernel_and_on_torch(bench):
    """Case G times the kernel against torch: the same fit, so the same loss."""
    pytest.importorskip("torch", reason="PyTorch is not installed (optional; pip install torch)")
    from sknn._array_api import array_api_available

    if not array_api_available():
        pytest.skip("scikit-learn cannot dispatch to torch here (SciPy >= 1.14, SCIPY_ARRAY_API=1)")
    rows = bench.compare_array_api(n=256, epochs=1, repeats=1, threads=1, log=lambda line: None)
    by_backend = {row["backend"]: row for row in rows}
    assert {"kernel", "torch cpu"} <= by_backend.keys()
    assert by_backend["torch cpu"]["loss"] == pytest.approx(by_backend["kernel"]["loss"], rel=1e-5)
