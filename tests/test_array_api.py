"""The estimators on other array namespaces: array_api_strict always, PyTorch where installed.

With ``array_api_dispatch=True`` a model fitted on arrays of a namespace
trains in it (the reference modules, written with ``xp``), keeps its fitted
arrays in it and predicts in it. The initial weights and the shuffles are
drawn with numpy, so that one seed gives one model on every namespace: the
checks below compare θ after several epochs with the numpy fit (which runs
in the compiled kernel). scikit-learn's own array API checks run in
``test_common.py`` (``check_estimator``).
"""

import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn import clone, config_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

import sknn
import sknn._array_api
import sknn._dispatch
import sknn.inspection
from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor, model_to_numpy
from sknn._array_api import array_api_available

if not array_api_available():
    pytest.skip(
        "scikit-learn cannot dispatch to other array namespaces here (it needs SciPy >= 1.14 "
        "imported with SCIPY_ARRAY_API=1; the root conftest.py sets it)",
        allow_module_level=True,
    )

strict = pytest.importorskip(
    "array_api_strict", reason="the array-api extra (array_api_strict) is not installed"
)


def _torch():
    return pytest.importorskip(
        "torch", reason="PyTorch is not installed (optional; pip install torch, the CPU build)"
    )


# θ after the same epochs: float64 to rounding, float32 to float32's.
TOL = {np.float64: 1e-10, np.float32: 2e-4}

rng = np.random.default_rng(0)
X = rng.random((120, 6))
y_multiclass = (X[:, 0] + X[:, 1] > X[:, 2] + 0.5).astype(int) + (X[:, 3] > 0.5)
y_binary = (X[:, 0] > X[:, 1]).astype(int)
y_multilabel = np.stack([y_binary, (X[:, 2] > 0.5).astype(int)], axis=1)
y_continuous = np.sin(3 * X[:, 0]) + X[:, 1] ** 2
weights = rng.random(120) + 0.5

CASES = {
    "multiclass": (lambda **kw: SigmoidMLPClassifier(hidden_layer_sizes=(7,), **kw), y_multiclass),
    "binary-squared": (
        lambda **kw: SigmoidMLPClassifier(hidden_layer_sizes=(5,), loss="squared_error", **kw),
        y_binary,
    ),
    "multilabel": (lambda **kw: SigmoidMLPClassifier(hidden_layer_sizes=(5,), **kw), y_multilabel),
    "regressor": (lambda **kw: SigmoidMLPRegressor(hidden_layer_sizes=(6, 4), **kw), y_continuous),
    "regressor-sigmoid": (
        lambda **kw: SigmoidMLPRegressor(
            hidden_layer_sizes=(4,), output_activation="sigmoid", target_std=None, **kw
        ),
        y_continuous / 2,
    ),
}


NAMESPACES = [
    pytest.param(strict, None, id="array_api_strict"),
    pytest.param("torch", "cpu", id="torch-cpu"),
]


def _xp(xp):
    return _torch() if xp == "torch" else xp


def _fit_both(make, y, xp, device, dtype, fit_params=None, **params):
    """The same model fitted on numpy and on ``xp``; warnings (max_iter) silenced."""
    xp = _xp(xp)
    fit_params = fit_params or {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = make(**params).fit(X.astype(dtype), y, **fit_params)
        with config_context(array_api_dispatch=True):
            on_xp = make(**params).fit(
                xp.asarray(X.astype(dtype), device=device),
                xp.asarray(y, device=device),
                **{k: xp.asarray(v, device=device) for k, v in fit_params.items()},
            )
    return reference, on_xp


def _assert_same_weights(reference, on_xp, dtype):
    for expected, got in zip(reference.coefs_ + reference.intercepts_, on_xp.coefs_ + on_xp.intercepts_):
        got = sknn._array_api.to_numpy(got)
        assert got.dtype == np.dtype(dtype)
        assert_allclose(got, expected, rtol=0, atol=TOL[dtype])


@pytest.mark.parametrize("xp, device", NAMESPACES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case", CASES)
def test_fit_on_another_namespace_gives_the_numpy_fit(case, dtype, xp, device):
    make, y = CASES[case]
    params = dict(max_iter=6, random_state=0, alpha=1e-3, batch_size=16)
    reference, on_xp = _fit_both(make, y, xp, device, dtype, {"sample_weight": weights}, **params)
    _assert_same_weights(reference, on_xp, dtype)
    assert on_xp.n_iter_ == reference.n_iter_ == 6
    assert on_xp.loss_curve_ == pytest.approx(reference.loss_curve_, rel=TOL[dtype])
    assert on_xp.learning_rate_init_ == pytest.approx(reference.learning_rate_init_, rel=1e-12)


@pytest.mark.parametrize("xp, device", NAMESPACES)
@pytest.mark.parametrize(
    "params",
    [
        dict(momentum=0.0, shuffle=False),
        dict(nesterovs_momentum=False, learning_rate="invscaling", learning_rate_init=0.5),
        dict(early_stopping=True, validation_fraction=0.25, n_iter_no_change=3),
        dict(learning_rate="adaptive", n_iter_no_change=2, tol=1e-2, init="glorot"),
    ],
    ids=["plain-sgd", "classical-invscaling", "early-stopping", "adaptive-glorot"],
)
def test_every_schedule_and_momentum_agrees_with_numpy(params, xp, device):
    make, y = CASES["multiclass"]
    reference, on_xp = _fit_both(
        make, y, xp, device, np.float64, max_iter=12, random_state=1, **params
    )
    _assert_same_weights(reference, on_xp, np.float64)
    assert on_xp.loss_curve_ == pytest.approx(reference.loss_curve_, rel=1e-10)
    if params.get("early_stopping"):
        assert on_xp.validation_scores_ == pytest.approx(reference.validation_scores_)
        assert on_xp.validation_loss_curve_ == pytest.approx(reference.validation_loss_curve_)


@pytest.mark.parametrize("xp, device", NAMESPACES)
def test_fitted_attributes_and_results_stay_in_the_namespace(xp, device):
    xp = _xp(xp)
    make, y = CASES["multiclass"]
    reference, model = _fit_both(make, y, xp, device, np.float64, max_iter=5, random_state=0)
    X_xp = xp.asarray(X, device=device)
    namespace = type(X_xp)
    arrays = {k: v for k, v in vars(model).items() if sknn._array_api.is_array(v)}
    assert {"classes_", "_velocity"} <= set(arrays)
    assert all(isinstance(v, namespace) for v in arrays.values())
    assert all(isinstance(W, namespace) for W in model.coefs_ + model.intercepts_)
    with config_context(array_api_dispatch=True):
        labels = model.predict(X_xp)
        proba = model.predict_proba(X_xp)
        log_proba = model.predict_log_proba(X_xp)
        score = model.score(X_xp, xp.asarray(y, device=device))
    for result in (labels, proba, log_proba):
        assert isinstance(result, namespace)
    assert_allclose(sknn._array_api.to_numpy(proba), reference.predict_proba(X), rtol=1e-10)
    assert_allclose(sknn._array_api.to_numpy(log_proba), reference.predict_log_proba(X), rtol=1e-10)
    np.testing.assert_array_equal(sknn._array_api.to_numpy(labels), reference.predict(X))
    assert score == pytest.approx(reference.score(X, y), abs=1e-6)


@pytest.mark.parametrize("xp, device", NAMESPACES)
def test_string_labels_stay_numpy_and_predictions_are_labels(xp, device):
    xp = _xp(xp)
    y = np.array(["cat", "dog", "eel"])[y_multiclass]
    with config_context(array_api_dispatch=True), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = SigmoidMLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0).fit(
            xp.asarray(X, device=device), y
        )
        labels = model.predict(xp.asarray(X, device=device))
    assert isinstance(model.classes_, np.ndarray) and model.classes_.tolist() == ["cat", "dog", "eel"]
    assert set(labels.tolist()) <= {"cat", "dog", "eel"}


@pytest.mark.parametrize("xp, device", NAMESPACES)
def test_partial_fit_stream_matches_numpy(xp, device):
    xp = _xp(xp)
    make, y = CASES["multiclass"]
    reference = make(random_state=0)
    model = make(random_state=0)
    classes = np.unique(y)
    for chunk in np.array_split(np.arange(len(X)), 4):
        reference.partial_fit(X[chunk], y[chunk], classes=classes)
        with config_context(array_api_dispatch=True):
            model.partial_fit(
                xp.asarray(X[chunk], device=device), xp.asarray(y[chunk], device=device),
                classes=classes,
            )
    assert model.t_ == reference.t_ == len(X)
    _assert_same_weights(reference, model, np.float64)


@pytest.mark.parametrize("make, y", [CASES["multiclass"], CASES["regressor"]], ids=["classifier", "regressor"])
def test_pipeline_after_minmaxscaler_runs_on_torch(make, y):
    torch = _torch()
    X_t, y_t = torch.asarray(X * 50 - 7), torch.asarray(y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = make_pipeline(MinMaxScaler(), make(max_iter=8, random_state=0)).fit(X * 50 - 7, y)
        with config_context(array_api_dispatch=True):
            pipe = make_pipeline(MinMaxScaler(), make(max_iter=8, random_state=0)).fit(X_t, y_t)
            prediction = pipe.predict(X_t)
    assert isinstance(prediction, torch.Tensor)
    assert_allclose(prediction.numpy(), reference.predict(X * 50 - 7), rtol=1e-9, atol=1e-9)


def test_model_to_numpy_gives_a_numpy_model_that_predicts_the_same():
    torch = _torch()
    make, y = CASES["regressor"]
    _, model = _fit_both(make, y, "torch", "cpu", np.float64, max_iter=4, random_state=0)
    converted = model_to_numpy(model)
    assert all(isinstance(v, np.ndarray) for v in converted.coefs_ + converted.intercepts_)
    assert isinstance(converted._y_shift, np.ndarray) and isinstance(converted._velocity, np.ndarray)
    assert isinstance(model.coefs_[0], torch.Tensor)  # the original is unchanged
    with config_context(array_api_dispatch=True):
        expected = model.predict(torch.asarray(X)).numpy()
    assert_allclose(converted.predict(X), expected, rtol=1e-12)
    # The numpy copy pickles for a machine without the device, and trains on.
    restored = pickle.loads(pickle.dumps(converted))
    assert_allclose(restored.predict(X), expected, rtol=1e-12)
    restored.partial_fit(X, y)


def test_torch_model_pickles_with_its_tensors():
    torch = _torch()
    make, y = CASES["multiclass"]
    _, model = _fit_both(make, y, "torch", "cpu", np.float32, max_iter=3, random_state=0)
    restored = pickle.loads(pickle.dumps(model))
    assert isinstance(restored.coefs_[0], torch.Tensor)
    with config_context(array_api_dispatch=True):
        X_t = torch.asarray(X.astype(np.float32))
        assert torch.equal(restored.predict_proba(X_t), model.predict_proba(X_t))


@pytest.mark.parametrize("xp, device", NAMESPACES)
def test_inputs_from_another_namespace_than_the_fit_are_refused(xp, device):
    xp = _xp(xp)
    make, y = CASES["binary-squared"]
    _, model = _fit_both(make, y, xp, device, np.float64, max_iter=2, random_state=0)
    with config_context(array_api_dispatch=True):
        with pytest.raises(ValueError, match=r"predict_proba\(\) must use the same namespace.*model_to_numpy"):
            model.predict_proba(X)
        with pytest.raises(ValueError, match=r"partial_fit\(\) must use the same namespace"):
            model.partial_fit(X, y)
    # Without dispatch the model cannot take numpy either, and says how to convert it.
    with pytest.raises(ValueError, match=r"array API dispatch is off.*model_to_numpy"):
        model.predict(X)
    # A numpy model refuses another namespace too.
    numpy_model = clone(model).set_params(max_iter=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        numpy_model.fit(X, y)
    with config_context(array_api_dispatch=True):
        with pytest.raises(ValueError, match=r"predict\(\) must use the same namespace"):
            numpy_model.predict(xp.asarray(X, device=device))


def test_a_failed_call_on_torch_leaves_the_model_unchanged():
    torch = _torch()
    make, y = CASES["multiclass"]
    _, model = _fit_both(make, y, "torch", "cpu", np.float64, max_iter=3, random_state=0)
    before = {k: v for k, v in vars(model).items()}
    coefs = [W.clone() for W in model.coefs_]
    X_bad = torch.asarray(X, copy=True)  # not a view of the module's X
    X_bad[0, 0] = float("nan")
    with config_context(array_api_dispatch=True), pytest.raises(ValueError, match="NaN"):
        model.partial_fit(X_bad, torch.asarray(y))
    assert vars(model).keys() == before.keys()
    assert all(torch.equal(a, b) for a, b in zip(model.coefs_, coefs))


def test_divergence_is_detected_on_torch():
    torch = _torch()
    model = SigmoidMLPClassifier(learning_rate_init=1e4, momentum=0.99, max_iter=30, random_state=0)
    with config_context(array_api_dispatch=True), pytest.raises(ValueError, match="Training diverged"):
        model.fit(torch.asarray(X * 100), torch.asarray(y_multiclass))
    assert not hasattr(model, "coefs_")


def test_numpy_input_with_dispatch_still_trains_in_the_kernel(monkeypatch):
    def no_reference(*args, **kwargs):
        raise AssertionError("the numpy reference ran instead of the kernel")

    monkeypatch.setattr(sknn._dispatch, "reference_epoch", no_reference)
    make, y = CASES["multiclass"]
    with config_context(array_api_dispatch=True), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = make(max_iter=3, random_state=0).fit(X, y)
    assert isinstance(model.coefs_[0], np.ndarray)


def test_float32_only_device_trains_in_float32(monkeypatch):
    """Where the device has no float64 (Apple's MPS), float64 X computes in float32."""
    torch = _torch()
    monkeypatch.setattr(sknn._array_api, "_max_precision_float_dtype", lambda xp, device: xp.float32)
    make, y = CASES["multiclass"]
    with config_context(array_api_dispatch=True), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = make(max_iter=3, random_state=0).fit(torch.asarray(X), torch.asarray(y))
        proba = model.predict_proba(torch.asarray(X))
    assert model.coefs_[0].dtype == torch.float32 and proba.dtype == torch.float32


def test_onnx_export_and_inspection_of_a_torch_model():
    torch = _torch()
    make, y = CASES["multiclass"]
    _, model = _fit_both(make, y, "torch", "cpu", np.float32, max_iter=3, random_state=0)
    with pytest.raises(TypeError, match=r"model_to_numpy"):
        sknn.inspection.activations(model, X)
    A = sknn.inspection.activations(model_to_numpy(model), X.astype(np.float32))
    assert len(A) == 3
    onnx = pytest.importorskip("sknn.onnx", reason="the onnx extra is not installed")
    pytest.importorskip("onnxruntime", reason="the onnx extra (onnxruntime) is not installed")
    import onnxruntime

    graph = onnx.to_onnx(model, X[:2].astype(np.float32))
    session = onnxruntime.InferenceSession(graph.SerializeToString(), providers=["CPUExecutionProvider"])
    _, proba = session.run(None, {"X": X.astype(np.float32)})
    with config_context(array_api_dispatch=True):
        expected = model.predict_proba(torch.asarray(X.astype(np.float32))).numpy()
    assert_allclose(proba, expected, rtol=1e-4, atol=1e-5)


def test_grid_search_on_torch_scores_as_on_numpy():
    from sklearn.model_selection import GridSearchCV

    torch = _torch()
    make, y = CASES["multiclass"]
    grid = {"sigmoidmlpclassifier__alpha": [1e-4, 1e-2]}

    def search():
        pipe = make_pipeline(MinMaxScaler(), make(max_iter=10, random_state=0))
        return GridSearchCV(pipe, grid, cv=3)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reference = search().fit(X, y)
        with config_context(array_api_dispatch=True):
            on_torch = search().fit(torch.asarray(X), torch.asarray(y))
    assert_allclose(
        on_torch.cv_results_["mean_test_score"], reference.cv_results_["mean_test_score"], atol=1e-6
    )
    assert isinstance(on_torch.best_estimator_[-1].coefs_[0], torch.Tensor)
