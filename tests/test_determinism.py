"""The same random_state gives the same weights: in one process, across
processes (a fresh interpreter, joblib's loky workers), inside GridSearchCV
with n_jobs=2, and for a replayed partial_fit stream."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ROOT = Path(__file__).resolve().parents[1]

rng = np.random.RandomState(42)
X = rng.uniform(size=(90, 4))
y_clf = (X[:, 0] * 3).astype(int)
y_reg = X @ [1.0, -1.0, 2.0, 0.5]

MODELS = {
    "classifier": lambda **kw: SigmoidMLPClassifier(hidden_layer_sizes=(7, 5), max_iter=8, random_state=3, **kw),
    "regressor": lambda **kw: SigmoidMLPRegressor(hidden_layer_sizes=(6,), max_iter=8, random_state=3, **kw),
}


def target(name):
    return y_clf if name == "classifier" else y_reg


def weights(model):
    return [W.copy() for W in model.coefs_ + model.intercepts_]


def assert_same_weights(a, b):
    assert len(a) == len(b)
    for W, V in zip(a, b):
        assert W.dtype == V.dtype
        np.testing.assert_array_equal(W, V)


def fit_weights(name, dtype=np.float64, **params):
    """Weights after fit; a module-level function so that workers can run it."""
    return weights(MODELS[name](**params).fit(X.astype(dtype), target(name)))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", MODELS)
def test_same_random_state_same_weights(name, dtype):
    assert_same_weights(fit_weights(name, dtype), fit_weights(name, dtype))
    first, again = (MODELS[name](early_stopping=True).fit(X.astype(dtype), target(name))
                    for _ in range(2))
    assert_same_weights(weights(first), weights(again))
    assert first.validation_scores_ == again.validation_scores_  # the same held-out rows
    # A RandomState instance seeded alike draws what its seed draws.
    seeded = MODELS[name](early_stopping=True).set_params(random_state=np.random.RandomState(3))
    assert_same_weights(weights(seeded.fit(X.astype(dtype), target(name))), weights(first))


@pytest.mark.parametrize("name", MODELS)
def test_other_random_state_other_weights(name):
    """The check above could not pass by accident of a fixed seed."""
    other = weights(MODELS[name]().set_params(random_state=4).fit(X, target(name)))
    assert not np.array_equal(fit_weights(name)[0], other[0])


def test_same_weights_in_a_fresh_interpreter(tmp_path):
    out = tmp_path / "weights.npz"
    script = f"""
import sys, warnings
sys.path.insert(0, {str(ROOT)!r})
sys.path.insert(0, {str(ROOT / "tests")!r})
warnings.simplefilter("ignore")
import numpy as np
from test_determinism import fit_weights
np.savez({str(out)!r}, *fit_weights("classifier"), *fit_weights("regressor", np.float32))
"""
    subprocess.run([sys.executable, "-c", script], check=True, cwd=tmp_path, timeout=300)
    saved = np.load(out)
    arrays = [saved[f"arr_{i}"] for i in range(len(saved.files))]
    expected = fit_weights("classifier") + fit_weights("regressor", np.float32)
    assert_same_weights(arrays, expected)


def test_same_weights_in_loky_workers():
    jobs = [delayed(fit_weights)(name) for name in MODELS for _ in range(2)]
    results = Parallel(n_jobs=2, backend="loky")(jobs)
    for i, name in enumerate(m for m in MODELS for _ in range(2)):
        assert_same_weights(results[i], fit_weights(name))


@pytest.mark.parametrize("name", MODELS)
def test_grid_search_parallel_equals_sequential(name):
    grid = {"alpha": [1e-4, 1e-2], "batch_size": [8, 32]}

    def search(n_jobs):
        cv = KFold(3, shuffle=True, random_state=0)
        return GridSearchCV(MODELS[name](), grid, cv=cv, n_jobs=n_jobs).fit(X, target(name))

    sequential, parallel = search(1), search(2)
    for key in sequential.cv_results_:
        if key.startswith("split") or key in ("mean_test_score", "rank_test_score", "params"):
            assert list(sequential.cv_results_[key]) == list(parallel.cv_results_[key]), key
    assert sequential.best_params_ == parallel.best_params_
    assert_same_weights(weights(sequential.best_estimator_), weights(parallel.best_estimator_))
    assert_same_weights(
        weights(parallel.best_estimator_),
        weights(clone(MODELS[name]()).set_params(**parallel.best_params_).fit(X, target(name))),
    )


@pytest.mark.parametrize("shuffle", [True, False])
@pytest.mark.parametrize("name", MODELS)
def test_replayed_partial_fit_stream(name, shuffle):
    """The same chunks in the same order give the same weights after every call."""
    chunks = np.array_split(np.arange(len(X)), 5)
    y = target(name)
    kwargs = {"classes": np.unique(y_clf)} if name == "classifier" else {}

    def stream():
        model = MODELS[name](shuffle=shuffle)
        for chunk in chunks:
            model.partial_fit(X[chunk], y[chunk], **kwargs)
            yield weights(model)

    for first, replay in zip(stream(), stream()):
        assert_same_weights(first, replay)

