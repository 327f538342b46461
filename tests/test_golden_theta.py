"""The fitted θ of a fixed grid of tiny fits, recorded once and refitted on every run.

A change of the code's structure must not change what a fit computes. The
grid covers both estimators, every output/cost pair, classical and Nesterov
momentum and plain SGD, L2, sample and class weights, every learning-rate
schedule, early stopping, warm_start, a ``partial_fit`` stream, float32 and
float64, and the three ways an epoch runs: the compiled kernel (dense numpy
X), the reference (forced for dense X, and sparse X, which always takes it)
and ``array_api_strict`` under array API dispatch. Each case stores θ (all
W⁽ˡ⁾, then all b⁽ˡ⁾, as ``_parameters.pack`` lays them out), ``loss_curve_``,
``validation_scores_`` where there are some, ``n_iter_``, ``t_`` and the
warnings the fit gave (or the error, for a fit that diverges at once).

The comparison is bit for bit (``np.array_equal``, every warning message
word for word) where the platform fingerprint stored with the file matches
this machine's: the CPU features that pick the kernel's instruction-set path
(SSE2, AVX2 or AVX-512), the BLAS library and the architecture it chose, and
the numpy and scipy versions. On another platform the same sums may be added
in another order (another BLAS kernel, another exp in numpy), so θ and the
curves are held to 1e-12 in float64 and 1e-5 in float32 (float32's
rounding, a few epochs deep), relative to each entry or to the largest entry
of its vector, whichever is looser, and warnings by category only.

Regenerate (only on purpose, with a commit that says why)::

    python tests/test_golden_theta.py --regenerate
"""

import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")  # as the root conftest.py, for a run as a script

import contextlib
import json
import platform
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy
import scipy.sparse as sp
from sklearn import config_context

import sknn._base
import sknn._train
from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor
from sknn._array_api import array_api_available, to_numpy

GOLDEN = Path(__file__).parent / "data" / "golden_theta.npz"

rng = np.random.default_rng(19)
X = rng.random((60, 4))
Y_BINARY = (X[:, 0] > X[:, 1]).astype(int)
Y_MULTICLASS = (X[:, 0] + X[:, 1] > X[:, 2] + 0.5).astype(int) + (X[:, 3] > 0.5)
Y_MULTILABEL = np.stack([Y_BINARY, (X[:, 2] > 0.5).astype(int)], axis=1)
Y_REAL = np.sin(3 * X[:, 0]) + X[:, 1] ** 2
WEIGHTS = rng.random(60) + 0.5

# Every output/cost pair: (estimator, its parameters, y).
PAIRS = {
    "identity-squared": (SigmoidMLPRegressor, {}, Y_REAL),
    "identity-squared-raw": (SigmoidMLPRegressor, {"target_std": None}, Y_REAL),
    "sigmoid-squared-regression": (
        SigmoidMLPRegressor, {"output_activation": "sigmoid"}, Y_REAL / 2
    ),
    "binary-log": (SigmoidMLPClassifier, {}, Y_BINARY),
    "binary-squared": (SigmoidMLPClassifier, {"loss": "squared_error"}, Y_BINARY),
    "softmax-log": (SigmoidMLPClassifier, {}, Y_MULTICLASS),
    "multiclass-squared": (SigmoidMLPClassifier, {"loss": "squared_error"}, Y_MULTICLASS),
    "multilabel-log": (SigmoidMLPClassifier, {}, Y_MULTILABEL),
}

BASE = dict(hidden_layer_sizes=(5,), max_iter=4, batch_size=16, random_state=0, alpha=1e-3)

# Settings crossed with two pairs (one per estimator).
VARIANTS = {
    "classical": dict(nesterovs_momentum=False, learning_rate_init=0.3),
    "plain-sgd": dict(momentum=0.0, learning_rate_init=0.5, shuffle=False),
    "no-l2": dict(alpha=0.0),
    "strong-l2": dict(alpha=0.5, hidden_layer_sizes=(4, 3)),
    "invscaling": dict(learning_rate="invscaling", learning_rate_init=0.5, power_t=0.3),
    "adaptive-plateau": dict(
        learning_rate="adaptive", max_iter=12, n_iter_no_change=1, tol=0.05
    ),
    "constant-plateau": dict(learning_rate="constant", max_iter=12, n_iter_no_change=1, tol=0.05),
    "glorot": dict(init="glorot", learning_rate_init=0.2),
    "early-stopping": dict(
        early_stopping=True, validation_fraction=0.25, n_iter_no_change=2, max_iter=10
    ),
    "weighted": {"fit": {"sample_weight": WEIGHTS}},
    "weighted-early-stopping": dict(
        early_stopping=True, validation_fraction=0.25, max_iter=6, fit={"sample_weight": WEIGHTS}
    ),
    "warm-start": dict(warm_start=True, calls=("fit", "fit")),
    "partial-fit-stream": dict(calls=("partial_fit",) * 4),
    "diverging": dict(learning_rate_init=1e4, max_iter=3),
    "partial-fit-weighted": dict(
        calls=("partial_fit",) * 3, learning_rate_init=0.3, fit={"sample_weight": WEIGHTS}
    ),
}
VARIANT_PAIRS = ("identity-squared", "softmax-log")
# Divergence after the first epoch with early stopping: the best epoch is kept.
_LATE = dict(early_stopping=True, validation_fraction=0.25, max_iter=8, momentum=0.95)
LATE_DIVERGENCE = {
    "identity-squared": {**_LATE, "learning_rate_init": 2.0},
    "softmax-log": {**_LATE, "learning_rate_init": 20.0},
}
CLASSIFIER_VARIANTS = {
    "class-weight": dict(class_weight="balanced"),
    "class-weight-weighted": dict(class_weight={0: 2.0, 1: 0.5}, fit={"sample_weight": WEIGHTS}),
}

BACKENDS = ("kernel", "reference", "sparse", "array_api_strict")
DTYPES = (np.float64, np.float32)


def _cases():
    """{name: (pair, settings, backend, dtype)} of the whole grid."""
    cases = {}
    for backend in BACKENDS:
        for dtype in DTYPES:
            for pair in PAIRS:
                cases[f"{pair}/base/{backend}/{np.dtype(dtype).name}"] = (pair, {}, backend, dtype)
            if backend == "array_api_strict":
                continue  # the namespace runs the reference's equations: the pairs suffice
            for pair in VARIANT_PAIRS:
                variants = {**VARIANTS, "diverging-late": LATE_DIVERGENCE[pair]}
                for variant, settings in variants.items():
                    name = f"{pair}/{variant}/{backend}/{np.dtype(dtype).name}"
                    cases[name] = (pair, settings, backend, dtype)
            for variant, settings in CLASSIFIER_VARIANTS.items():
                name = f"binary-log/{variant}/{backend}/{np.dtype(dtype).name}"
                cases[name] = ("binary-log", settings, backend, dtype)
    return cases


CASES = _cases()


@contextlib.contextmanager
def _reference_epochs():
    """Every epoch of the block runs in the reference, also for dense numpy X."""
    original = sknn._optimizer.run_epoch
    sknn._optimizer.run_epoch = sknn._train.reference_epoch  # predictions still take the kernel
    try:
        yield
    finally:
        sknn._optimizer.run_epoch = original


def _inputs(backend, dtype, y, fit_params):
    X_ = X.astype(dtype)
    if backend == "sparse":
        return sp.csr_matrix(X_), y, fit_params
    if backend == "array_api_strict":
        import array_api_strict as xp

        return xp.asarray(X_), xp.asarray(y), {k: xp.asarray(v) for k, v in fit_params.items()}
    return X_, y, fit_params


def _fit(pair, settings, backend, dtype):
    """Run one case: the fitted estimator and the warnings its calls gave."""
    estimator, pair_params, y = PAIRS[pair]
    settings = dict(settings)
    calls = settings.pop("calls", ("fit",))
    fit_params = settings.pop("fit", {})
    model = estimator(**{**BASE, **pair_params, **settings})
    X_, y_, fit_params = _inputs(backend, dtype, y, fit_params)
    dispatch = config_context(array_api_dispatch=backend == "array_api_strict")
    force = _reference_epochs() if backend == "reference" else contextlib.nullcontext()
    with dispatch, force, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            _calls(model, calls, X_, y_, y, fit_params)
        except ValueError as error:  # divergence: the model stays as it was
            caught.append(warnings.WarningMessage(error, ValueError, "", 0))
    return model, [f"{w.category.__name__}: {w.message}" for w in caught]


def _calls(model, calls, X_, y_, y, fit_params):
    """``model.fit`` or a stream of ``partial_fit`` calls, as the case says."""
    for i, call in enumerate(calls):
        if call == "fit":
            model.fit(X_, y_, **fit_params)
        else:  # a stream of chunks of 20 rows
            rows = slice(20 * (i % 3), 20 * (i % 3) + 20)
            chunk = {k: v[rows] for k, v in fit_params.items()}
            classifier = isinstance(model, SigmoidMLPClassifier) and y.ndim == 1
            extra = {"classes": np.unique(y)} if classifier else {}
            model.partial_fit(X_[rows], y_[rows], **chunk, **extra)


def _record(model, messages):
    """The arrays and values of one fitted case, as stored in the file."""
    layers = getattr(model, "coefs_", []) + getattr(model, "intercepts_", [])
    theta = np.concatenate([to_numpy(A).ravel() for A in layers] or [np.zeros(0)])
    scores = getattr(model, "validation_scores_", None)
    facts = {
        "n_iter_": getattr(model, "n_iter_", None),
        "t_": getattr(model, "t_", None),
        "theta_dtype": str(theta.dtype),
        "warnings": messages,
    }
    return {
        "theta": theta,
        # loss_curve_, then validation_scores_ (their floats, exactly)
        "curves": np.asarray(
            [*getattr(model, "loss_curve_", []), np.inf, *([] if scores is None else scores)],
            dtype=np.float64,
        ),
        "facts": facts,
    }


def fingerprint():
    """What decides the rounding of a fit on this machine (see the module docstring)."""
    from threadpoolctl import threadpool_info

    try:
        from numpy._core._multiarray_umath import __cpu_features__ as cpu
    except ImportError:  # numpy < 2
        from numpy.core._multiarray_umath import __cpu_features__ as cpu

    blas = sorted(
        f"{info.get('internal_api')} {info.get('version')} {info.get('architecture')}"
        for info in threadpool_info()
        if info.get("user_api") == "blas"
    )
    return {
        "machine": platform.machine(),
        "kernel_path": "x86-64-v4 (AVX-512)" if cpu.get("AVX512F") else (
            "x86-64-v3 (AVX2, FMA)" if cpu.get("AVX2") and cpu.get("FMA3") else "default"
        ),
        "blas": blas,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }


def regenerate():
    """Fit the whole grid and write :data:`GOLDEN`."""
    arrays, facts = {}, {}
    for name, case in CASES.items():
        record = _record(*_fit(*case))
        facts[name] = record.pop("facts")
        arrays.update({f"{name}:{key}": value for key, value in record.items()})
    arrays["fingerprint"] = np.asarray(json.dumps(fingerprint(), sort_keys=True))
    arrays["facts"] = np.asarray(json.dumps(facts, ensure_ascii=False))
    GOLDEN.parent.mkdir(exist_ok=True)
    np.savez_compressed(GOLDEN, **arrays)
    return len(CASES)


@pytest.fixture(scope="module")
def golden():
    with np.load(GOLDEN) as data:
        stored = {key: data[key] for key in data.files}
    same_platform = json.loads(str(stored.pop("fingerprint"))) == fingerprint()
    return stored, json.loads(str(stored.pop("facts"))), same_platform


def test_the_file_holds_the_whole_grid(golden):
    stored, facts, _ = golden
    assert {key.rsplit(":", 1)[0] for key in stored} == set(CASES) == set(facts)


@pytest.mark.parametrize("name", CASES)
def test_fit_reproduces_the_recorded_theta(name, golden):
    pair, settings, backend, dtype = CASES[name]
    if backend == "array_api_strict":
        pytest.importorskip("array_api_strict")
        if not array_api_available():
            pytest.skip("scikit-learn cannot dispatch to array_api_strict here")
    stored, stored_facts, same_platform = golden
    got = _record(*_fit(pair, settings, backend, dtype))
    facts, expected_facts = got.pop("facts"), dict(stored_facts[name])
    expected = {key: stored[f"{name}:{key}"] for key in got}
    messages, expected_messages = facts.pop("warnings"), expected_facts.pop("warnings")
    assert facts == expected_facts
    if same_platform:
        for key in got:
            assert np.array_equal(got[key], expected[key]), f"{key} differs"
        assert messages == expected_messages
    else:
        # Rounding differences grow with the terms summed, not with each entry:
        # a weight near 0 differs by as much as the others (float32, other
        # BLAS kernels: up to 1.6e-6 where max |θ| is 2 to 7), so the bound is
        # relative to the vector's largest entry.
        rtol = 1e-12 if dtype == np.float64 else 1e-5
        for key in got:
            finite = np.abs(expected[key][np.isfinite(expected[key])])
            scale = float(np.max(finite, initial=0.0))
            np.testing.assert_allclose(
                got[key], expected[key], rtol=rtol, atol=rtol * scale, err_msg=key
            )
        assert [w.split(":")[0] for w in messages] == [w.split(":")[0] for w in expected_messages]


if __name__ == "__main__":
    if sys.argv[1:] != ["--regenerate"]:
        sys.exit(f"usage: python {sys.argv[0]} --regenerate")
    print(f"{regenerate()} cases written to {GOLDEN.name}")
