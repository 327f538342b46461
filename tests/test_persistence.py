"""Saving and loading: pickle, joblib and skops give the same model, bit for bit.

Also mid-stream: a model saved between partial_fit calls and loaded again
continues exactly as the uninterrupted stream does, because the optimizer
state (velocity, learning rate, t_, the shuffling seed) is part of the saved
state. skops needs only sknn's own estimator types trusted; a model saved with
another sknn version warns on load.
"""

import io
import pickle
import warnings

import joblib
import numpy as np
import pytest
from sklearn.exceptions import InconsistentVersionWarning as SklearnVersionWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

import sknn
from sknn import InconsistentVersionWarning, SigmoidMLPClassifier, SigmoidMLPRegressor

skops_io = pytest.importorskip("skops.io")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# The trusted list documented in README.md ("Saving models") and the class docstrings.
TRUSTED = ["sknn._classifier.SigmoidMLPClassifier", "sknn._regressor.SigmoidMLPRegressor"]

rng = np.random.RandomState(0)
X = rng.uniform(size=(120, 4))
labels = np.array(["cat", "dog", "emu"])[(X[:, 0] * 3).astype(int)]
CASES = {
    "binary": (SigmoidMLPClassifier, X[:, 1] > 0.5),
    "multiclass-strings": (SigmoidMLPClassifier, labels),
    "multilabel": (SigmoidMLPClassifier, np.c_[X[:, 1] > 0.5, X[:, 2] > 0.3].astype(int)),
    "regression": (SigmoidMLPRegressor, X @ [1.0, -2.0, 0.5, 0.0]),
    "multi-output-regression": (SigmoidMLPRegressor, X[:, :2] ** 2),
}


def fitted(case, dtype=np.float64, **params):
    Estimator, y = CASES[case]
    # batch_size 16: with 32, the regression case ends with saturated units (DegenerateFitWarning).
    model = Estimator(hidden_layer_sizes=(6, 5), max_iter=15, batch_size=16, random_state=0, **params)
    return model.fit(X.astype(dtype), y)


def outputs(model, X_new=X):
    out = [model.predict(X_new)]
    if hasattr(model, "predict_proba"):
        out.append(model.predict_proba(X_new))
    return out


def assert_identical(a, b):
    """Same predictions and the same weights, bit for bit (and the same dtype)."""
    for p, q in zip(outputs(a), outputs(b)):
        assert p.dtype == q.dtype
        np.testing.assert_array_equal(p, q)
    est_a = a[-1] if hasattr(a, "steps") else a
    est_b = b[-1] if hasattr(b, "steps") else b
    for W, V in zip(est_a.coefs_ + est_a.intercepts_, est_b.coefs_ + est_b.intercepts_):
        assert W.dtype == V.dtype
        np.testing.assert_array_equal(W, V)


def pickle_round_trip(model):
    return pickle.loads(pickle.dumps(model))


def joblib_round_trip(model):
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


def skops_round_trip(model):
    return skops_io.loads(skops_io.dumps(model), trusted=TRUSTED)


ROUND_TRIPS = [pickle_round_trip, joblib_round_trip, skops_round_trip]


@pytest.mark.parametrize("round_trip", ROUND_TRIPS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("case", CASES)
def test_round_trip_predicts_identically(case, round_trip):
    model = fitted(case)
    loaded = round_trip(model)
    assert type(loaded) is type(model)
    assert_identical(model, loaded)
    # The loaded model goes on training exactly as the one saved after its fit.
    _, y = CASES[case]
    assert_identical(model.partial_fit(X, y), loaded.partial_fit(X, y))


@pytest.mark.parametrize("round_trip", ROUND_TRIPS, ids=lambda f: f.__name__)
def test_round_trip_keeps_float32(round_trip):
    model = fitted("binary", dtype=np.float32)
    loaded = round_trip(model)
    assert loaded.coefs_[0].dtype == np.float32
    assert loaded.predict_proba(X.astype(np.float32)).dtype == np.float32
    assert_identical(model, loaded)


@pytest.mark.parametrize("round_trip", ROUND_TRIPS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("case", ["multiclass-strings", "regression"])
def test_saved_mid_stream_continues_exactly(case, round_trip):
    """Save after some partial_fit calls, load, continue: the same as never stopping."""
    Estimator, y = CASES[case]
    chunks = np.array_split(np.arange(len(X)), 6)
    kwargs = {"classes": np.unique(labels)} if Estimator is SigmoidMLPClassifier else {}

    def stream(model, chunk_ids):
        for i in chunk_ids:
            model.partial_fit(X[chunks[i]], y[chunks[i]], **kwargs)
        return model

    def new():
        return Estimator(hidden_layer_sizes=(5,), random_state=0)

    uninterrupted = stream(new(), range(6))
    resumed = stream(round_trip(stream(new(), range(3))), range(3, 6))
    assert_identical(uninterrupted, resumed)
    assert resumed.t_ == uninterrupted.t_ == len(X)
    assert resumed.loss_curve_ == uninterrupted.loss_curve_
    np.testing.assert_array_equal(resumed._velocity, uninterrupted._velocity)


@pytest.mark.parametrize("round_trip", ROUND_TRIPS, ids=lambda f: f.__name__)
def test_pipeline_round_trip(round_trip):
    model = make_pipeline(MinMaxScaler(), SigmoidMLPClassifier(max_iter=10, random_state=0))
    model.fit(X * 10, labels)
    loaded = round_trip(model)
    for p, q in zip(outputs(model, X * 10), outputs(loaded, X * 10)):
        np.testing.assert_array_equal(p, q)


# ----------------------------------------------------------------- skops trust


SKOPS_MODELS = {
    "classifier": lambda: fitted("multiclass-strings"),
    "regressor-early-stopping": lambda: fitted("regression", early_stopping=True),
    "float32": lambda: fitted("binary", dtype=np.float32),
    "pipeline": lambda: make_pipeline(MinMaxScaler(), SigmoidMLPRegressor(max_iter=5)).fit(X, X[:, 0]),
}


@pytest.mark.parametrize("make", SKOPS_MODELS.values(), ids=SKOPS_MODELS.keys())
def test_skops_needs_only_sknn_types_trusted(make):
    model = make()
    data = skops_io.dumps(model)
    untrusted = skops_io.get_untrusted_types(data=data)
    estimator = model[-1] if hasattr(model, "steps") else model
    assert untrusted == [f"{type(estimator).__module__}.{type(estimator).__name__}"]
    assert set(untrusted) <= set(TRUSTED)
    with pytest.raises(skops_io.exceptions.UntrustedTypesFoundException):
        skops_io.loads(data)
    skops_io.loads(data, trusted=TRUSTED)  # the documented list is enough


def test_skops_file_round_trip(tmp_path):
    model = fitted("multiclass-strings")
    path = tmp_path / "model.skops"
    skops_io.dump(model, path)
    assert_identical(model, skops_io.load(path, trusted=TRUSTED))


# ----------------------------------------------------------------- versions


@pytest.mark.parametrize("round_trip", ROUND_TRIPS, ids=lambda f: f.__name__)
def test_same_version_loads_silently(round_trip):
    model = fitted("binary")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = round_trip(model)
    assert "_sknn_version" not in vars(loaded)  # the stamp is not an attribute


@pytest.mark.parametrize("dumps, loads", [
    (pickle.dumps, pickle.loads),
    (skops_io.dumps, lambda data: skops_io.loads(data, trusted=TRUSTED)),
], ids=["pickle", "skops"])
def test_other_version_warns(monkeypatch, dumps, loads):
    model = fitted("binary")
    monkeypatch.setattr(sknn, "__version__", "0.0.1")
    data = dumps(model)
    monkeypatch.undo()
    with pytest.warns(InconsistentVersionWarning, match=r"saved with sknn 0.0.1 when using sknn " + sknn.__version__) as record:
        loaded = loads(data)
    # A subclass of scikit-learn's warning: filters on that one cover sknn too.
    assert issubclass(record[0].category, SklearnVersionWarning)
    assert record[0].message.original_sknn_version == "0.0.1"
    assert_identical(model, loaded)


def test_state_without_version_warns():
    """A state saved before the stamp existed (no ``_sknn_version``) warns too."""
    model = fitted("regression")
    state = model.__getstate__()
    del state["_sknn_version"]
    loaded = SigmoidMLPRegressor.__new__(SigmoidMLPRegressor)
    with pytest.warns(InconsistentVersionWarning, match="saved with sknn unknown"):
        loaded.__setstate__(state)
    assert_identical(model, loaded)


def test_stamp_extends_scikit_learn_state():
    """sknn's stamp is added to BaseEstimator's state, not a replacement of it."""
    model = fitted("binary")
    state = model.__getstate__()
    assert state["_sknn_version"] == sknn.__version__
    assert {k: v for k, v in state.items() if k != "_sknn_version"}.keys() == vars(model).keys()
    # scikit-learn's own stamp on its estimators (here the Pipeline) is untouched.
    pipeline = make_pipeline(MinMaxScaler(), model)
    assert "_sklearn_version" in pipeline.__getstate__()
    with pytest.warns(SklearnVersionWarning, match="Pipeline"):
        state = pipeline.__getstate__()
        state["_sklearn_version"] = "0.1"
        type(pipeline).__new__(type(pipeline)).__setstate__(state)
