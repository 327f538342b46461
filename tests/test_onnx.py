"""ONNX export: onnxruntime must predict what sknn predicts.

Skipped, with the reason, when the ``onnx`` extra (skl2onnx, onnxruntime) is missing.
"""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor

skl2onnx = pytest.importorskip("skl2onnx", reason="the onnx extra (skl2onnx) is not installed")
onnxruntime = pytest.importorskip(
    "onnxruntime", reason="the onnx extra (onnxruntime) is not installed"
)

from sknn.onnx import register, to_onnx  # noqa: E402  (after the skips)

ATOL = 1e-5  # float32 graphs: probabilities and values agree to this


def _run(onx, X):
    """Every output of the ONNX model on X, by onnxruntime."""
    session = onnxruntime.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {session.get_inputs()[0].name: X})


def _data(n_samples=120, n_features=4, dtype=np.float32):
    """Inputs in [-2, 3]: a MinMaxScaler in front of the network has work to do."""
    rng = np.random.RandomState(0)
    return (5 * rng.uniform(size=(n_samples, n_features)) - 2).astype(dtype)


def _targets(kind, X):
    """Targets of each kind the estimators support, learnable from X (at any scale)."""
    rng = np.random.RandomState(1)
    s = X[:, 0] + X[:, 1] - 0.5 * X[:, 2]
    above = s > np.median(s)
    if kind == "binary":
        return np.where(above, "yes", "no")
    if kind == "multiclass":
        quartile = np.digitize(s, np.quantile(s, [0.25, 0.5, 0.75]))
        return quartile * 10 - 7  # labels -7, 3, 13, 23
    if kind == "multilabel-2":  # two labels: skl2onnx's own MLP converter gets this wrong
        return np.column_stack([above, X[:, 3] > np.median(X[:, 3])]).astype(int)
    if kind == "multilabel-3":
        return np.column_stack([above, X[:, 3] > np.median(X[:, 3]), X[:, 1] < np.median(X[:, 1])]).astype(int)
    if kind == "regression":
        return np.sin(s) + 0.1 * rng.normal(size=len(s))
    if kind == "regression-01":
        return 1 / (1 + np.exp(-s))
    if kind == "multi-output":
        return np.column_stack([np.sin(s), X[:, 3] ** 2, -X[:, 0]])
    raise AssertionError(kind)


CASES = {
    "binary": (SigmoidMLPClassifier(hidden_layer_sizes=(12,)), "binary"),
    "binary-squared": (SigmoidMLPClassifier(hidden_layer_sizes=(12,), loss="squared_error"), "binary"),
    "multiclass-log": (SigmoidMLPClassifier(hidden_layer_sizes=(12, 6)), "multiclass"),
    "multiclass-squared": (
        SigmoidMLPClassifier(hidden_layer_sizes=(12,), loss="squared_error"),
        "multiclass",
    ),
    "multilabel-2": (SigmoidMLPClassifier(hidden_layer_sizes=(12,)), "multilabel-2"),
    "multilabel-3": (SigmoidMLPClassifier(hidden_layer_sizes=(12, 6)), "multilabel-3"),
    "regression": (SigmoidMLPRegressor(hidden_layer_sizes=(12,)), "regression"),
    "regression-sigmoid": (
        SigmoidMLPRegressor(hidden_layer_sizes=(12,), output_activation="sigmoid"),
        "regression-01",
    ),
    # momentum 0.5: with 0.9, 60 epochs saturate units of layer 2 (DegenerateFitWarning).
    "multi-output": (SigmoidMLPRegressor(hidden_layer_sizes=(12, 6), momentum=0.5), "multi-output"),
}


def _fit(estimator, kind, X):
    """A fresh clone of ``estimator`` fitted on targets of ``kind``."""
    y = _targets(kind, X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clone(estimator).set_params(random_state=0, max_iter=60).fit(X, y)


def _check_same_predictions(model, onx, X, atol=ATOL):
    outputs = _run(onx, X)
    if hasattr(model, "predict_proba"):
        label, proba = outputs
        assert proba.dtype == X.dtype
        assert proba.shape == (len(X), len(model[-1].classes_ if hasattr(model, "steps") else model.classes_))
        np.testing.assert_allclose(proba, model.predict_proba(X), rtol=0, atol=atol)
        expected = model.predict(X)
        assert label.shape == expected.shape
        np.testing.assert_array_equal(label, expected)
    else:
        (variable,) = outputs
        expected = model.predict(X)
        assert variable.dtype == X.dtype
        assert variable.shape == (len(X), 1 if expected.ndim == 1 else expected.shape[1])
        np.testing.assert_allclose(variable.reshape(expected.shape), expected, rtol=0, atol=atol)


@pytest.mark.parametrize("case", CASES)
def test_to_onnx_matches_sknn(case):
    """sknn.onnx.to_onnx on the bare estimator, float32 all through."""
    estimator, kind = CASES[case]
    X = MinMaxScaler().fit_transform(_data())
    model = _fit(estimator, kind, X)
    _check_same_predictions(model, to_onnx(model, X[:1]), X)


@pytest.mark.parametrize("case", CASES)
def test_skl2onnx_pipeline_matches_sknn(case):
    """skl2onnx.to_onnx itself, on Pipeline(MinMaxScaler, sknn estimator), once registered."""
    register()
    estimator, kind = CASES[case]
    X = _data()
    model = make_pipeline(MinMaxScaler(), clone(estimator).set_params(random_state=0, max_iter=60))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, _targets(kind, X))
    options = {SigmoidMLPClassifier: {"zipmap": False}}
    onx = skl2onnx.to_onnx(model, X[:1], options=options)
    _check_same_predictions(model, onx, X)


def test_float64_model_in_float32_graph():
    """A model trained in float64 runs in a float graph, to float32 accuracy."""
    X = MinMaxScaler().fit_transform(_data(dtype=np.float64))
    model = _fit(SigmoidMLPClassifier(hidden_layer_sizes=(12,)), "multiclass", X)
    assert model.coefs_[0].dtype == np.float64
    X32 = X.astype(np.float32)
    label, proba = _run(to_onnx(model, X32[:1]), X32)
    assert proba.dtype == np.float32
    np.testing.assert_allclose(proba, model.predict_proba(X), rtol=0, atol=ATOL)
    np.testing.assert_array_equal(label, model.predict(X))


@pytest.mark.parametrize("case", ["multiclass-squared", "multi-output", "multilabel-3"])
def test_float64_sample_gives_a_double_graph(case):
    """X_sample in float64: the graph computes in double, as sknn does."""
    estimator, kind = CASES[case]
    X = MinMaxScaler().fit_transform(_data(dtype=np.float64))
    model = _fit(estimator, kind, X)
    _check_same_predictions(model, to_onnx(model, X[:1]), X, atol=1e-12)


def test_squared_error_all_zero_rows_get_uniform_probabilities():
    """Where every sigmoid output is exactly 0, predict_proba is 1/K, in ONNX too."""
    X = MinMaxScaler().fit_transform(_data())
    model = _fit(CASES["multiclass-squared"][0], "multiclass", X)
    model.intercepts_[-1][:] = -1e4  # σ underflows to exactly 0 for every class
    assert np.all(model.predict_proba(X) == 0.25)
    label, proba = _run(to_onnx(model, X[:1]), X)
    assert np.all(proba == np.float32(0.25))
    np.testing.assert_array_equal(label, model.predict(X))


def test_zipmap_gives_dicts_of_probabilities():
    """skl2onnx's default ZipMap output: one {label: probability} per row."""
    X = MinMaxScaler().fit_transform(_data())
    model = _fit(CASES["multiclass-log"][0], "multiclass", X)
    label, dicts = _run(to_onnx(model, X[:1], zipmap=True), X[:5])
    proba = model.predict_proba(X[:5])
    np.testing.assert_array_equal(label, model.predict(X[:5]))
    for row, expected in zip(dicts, proba):
        assert sorted(row) == list(model.classes_)
        np.testing.assert_allclose([row[c] for c in model.classes_], expected, atol=ATOL)


def test_integer_valued_float_labels_become_int64():
    X = MinMaxScaler().fit_transform(_data())
    y = _targets("multiclass", X).astype(np.float64)
    model = SigmoidMLPClassifier(hidden_layer_sizes=(12,), max_iter=60, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    label, _ = _run(to_onnx(model, X[:1]), X)
    assert label.dtype == np.int64
    np.testing.assert_array_equal(label, model.predict(X))


def test_unsupported_labels_raise():
    """Labels ONNX cannot hold (int64 or string) fail the export with the reason.

    scikit-learn refuses such labels in fit, so the classes are set by hand here.
    """
    X = MinMaxScaler().fit_transform(_data())
    model = _fit(CASES["multiclass-log"][0], "multiclass", X)
    model.classes_ = model.classes_ / 2  # -3.5, 1.5, 6.5, 11.5
    with pytest.raises(ValueError, match="integers, integer-valued floats or strings"):
        to_onnx(model, X[:1])


@pytest.mark.parametrize("estimator", [SigmoidMLPClassifier(), SigmoidMLPRegressor()])
def test_unfitted_estimator_raises(estimator):
    with pytest.raises(NotFittedError):
        to_onnx(estimator, _data()[:1])


def test_sample_with_wrong_number_of_features_raises():
    X = MinMaxScaler().fit_transform(_data())
    model = _fit(CASES["regression"][0], "regression", X)
    with pytest.raises(ValueError, match="X has 3 features, but SigmoidMLPRegressor is expecting 4"):
        to_onnx(model, X[:1, :3])
