"""Every bad input gets a clear error, and a fitted model survives it unchanged.

One table of bad inputs (data, targets, weights, labels) and one of bad
hyperparameters. Each case runs against an already fitted model: the call
must raise an error whose message names the problem, and every attribute of
the model (weights, optimizer state, n_features_in_, classes_, ...) must be
exactly as before.
"""

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from _state import assert_unchanged, snapshot

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

rng = np.random.RandomState(0)
X = rng.uniform(size=(40, 3))
y_clf = (X[:, 0] > 0.5).astype(int)
y_reg = X.sum(axis=1)
y_multi = (3 * X[:, 0]).astype(int)
ones = np.ones(40)


def with_value(A, value, index=(3, 1)):
    A = np.array(A, dtype=float)
    A[index] = value
    return A


def fitted(kind, **params):
    """A model after two partial_fit calls (so it has velocity and a learning rate)."""
    if kind == "clf":
        model = SigmoidMLPClassifier(hidden_layer_sizes=(4,), random_state=0, **params)
        model.partial_fit(X, y_clf, classes=[0, 1]).partial_fit(X, y_clf)
    else:
        model = SigmoidMLPRegressor(hidden_layer_sizes=(4,), random_state=0, **params)
        model.partial_fit(X, y_reg).partial_fit(X, y_reg)
    return model


def fitted32(kind):
    model = SigmoidMLPRegressor(hidden_layer_sizes=(4,), random_state=0)
    return model.fit(X.astype(np.float32), y_reg)


def warns_first(call, match):
    """``call``, which must warn (a UserWarning matching ``match``) before it raises."""
    def checked(model):
        with pytest.warns(UserWarning, match=match):
            call(model)
    return checked


# (id, model kind, the bad call, exception, pattern the message must match)
BAD_INPUTS = [
    # non-finite values
    ("X-nan-fit", "clf", lambda m: m.fit(with_value(X, np.nan), y_clf), ValueError, "Input X contains NaN"),
    ("X-inf-fit", "reg", lambda m: m.fit(with_value(X, np.inf), y_reg), ValueError, "Input X contains infinity"),
    ("X-neginf-partial_fit", "reg", lambda m: m.partial_fit(with_value(X, -np.inf), y_reg), ValueError, "Input X contains infinity"),
    ("X-nan-sparse-fit", "clf", lambda m: m.fit(sp.csr_matrix(with_value(X, np.nan)), y_clf), ValueError, "Input X contains NaN"),
    ("X-nan-predict", "clf", lambda m: m.predict(with_value(X, np.nan)), ValueError, "Input X contains NaN"),
    ("X-inf-predict_proba", "clf", lambda m: m.predict_proba(with_value(X, np.inf)), ValueError, "Input X contains infinity"),
    ("y-nan-regressor-fit", "reg", lambda m: m.fit(X, with_value(y_reg, np.nan, 5)), ValueError, "Input y contains NaN"),
    ("y-inf-regressor-partial_fit", "reg", lambda m: m.partial_fit(X, with_value(y_reg, np.inf, 5)), ValueError, "Input y contains infinity"),
    ("y-nan-classifier-fit", "clf", lambda m: m.fit(X, with_value(y_clf, np.nan, 5)), ValueError, "Input y contains NaN"),
    ("sample_weight-nan", "reg", lambda m: m.fit(X, y_reg, sample_weight=with_value(ones, np.nan, 2)), ValueError, "sample_weight contains NaN"),
    ("sample_weight-inf", "clf", lambda m: m.partial_fit(X, y_clf, sample_weight=with_value(ones, np.inf, 2)), ValueError, "sample_weight contains infinity"),
    # the wrong number of features after fit
    ("n_features-predict", "clf", lambda m: m.predict(X[:, :2]), ValueError, "X has 2 features, but SigmoidMLPClassifier is expecting 3"),
    ("n_features-predict_proba", "clf", lambda m: m.predict_proba(np.hstack([X, X])), ValueError, "X has 6 features, but SigmoidMLPClassifier is expecting 3"),
    ("n_features-partial_fit", "reg", lambda m: m.partial_fit(X[:, :2], y_reg), ValueError, "X has 2 features, but SigmoidMLPRegressor is expecting 3"),
    # shapes and types of X
    ("X-empty-fit", "reg", lambda m: m.fit(X[:0], y_reg[:0]), ValueError, r"Found array with 0 sample\(s\)"),
    ("X-empty-predict", "clf", lambda m: m.predict(X[:0]), ValueError, r"Found array with 0 sample\(s\)"),
    ("X-no-features-fit", "reg", lambda m: m.fit(X[:, :0], y_reg), ValueError, r"0 feature\(s\)"),
    ("X-1d-fit", "clf", lambda m: m.fit(X[:, 0], y_clf), ValueError, "Expected 2D array, got 1D array"),
    ("X-1d-predict", "reg", lambda m: m.predict(X[0]), ValueError, "Expected 2D array, got 1D array"),
    ("X-3d-fit", "reg", lambda m: m.fit(X[:, :, np.newaxis], y_reg), ValueError, "Found array with dim 3"),
    ("X-3d-predict", "clf", lambda m: m.predict(X[:, :, np.newaxis]), ValueError, "Found array with dim 3"),
    ("X-complex-fit", "reg", lambda m: m.fit(X + 1j, y_reg), ValueError, "Complex data not supported"),
    ("X-complex-predict", "clf", lambda m: m.predict(X + 1j), ValueError, "Complex data not supported"),
    ("X-strings-fit", "clf", lambda m: m.fit(np.full(X.shape, "a"), y_clf), ValueError, r"X must be numeric \(could not convert string to float: .*\)\. Encode text"),
    ("X-strings-regressor-fit", "reg", lambda m: m.fit(np.full(X.shape, "a"), y_reg), ValueError, r"X must be numeric \(could not convert string"),
    ("X-strings-partial_fit", "clf", lambda m: m.partial_fit(np.full(X.shape, "a"), y_clf), ValueError, r"X must be numeric \(could not convert string"),
    ("X-strings-predict", "reg", lambda m: m.predict(np.full(X.shape, "a")), ValueError, r"X must be numeric \(could not convert string"),
    ("X-strings-pandas-predict_proba", "clf", lambda m: m.predict_proba(pd.DataFrame(np.full(X.shape, "a"))), ValueError, r"X must be numeric \(could not convert string"),
    ("y-strings-regressor-fit", "reg", lambda m: m.fit(X, np.full(40, "a")), ValueError, r"y must be numeric \(could not convert string"),
    ("X-and-y-objects-regressor-fit", "reg", lambda m: m.fit(np.full(X.shape, "a", dtype=object), np.full(40, "b", dtype=object)), ValueError, r"X must be numeric \(could not convert string to float: 'a'\)"),
    ("y-objects-regressor-fit", "reg", lambda m: m.fit(X, np.full(40, "b", dtype=object)), ValueError, r"y must be numeric \(could not convert string to float: 'b'\)"),
    ("y-strings-regressor-partial_fit", "reg", lambda m: m.partial_fit(X, np.full(40, "a")), ValueError, r"y must be numeric \(could not convert string"),
    ("X-objects-fit", "reg", lambda m: m.fit(np.full(X.shape, object()), y_reg), TypeError, "must be a string or a real number"),
    # y and sample_weight that do not match X
    ("y-length", "reg", lambda m: m.fit(X, y_reg[:-1]), ValueError, r"inconsistent numbers of samples: \[40, 39\]"),
    ("y-length-partial_fit", "clf", lambda m: m.partial_fit(X[:-1], y_clf), ValueError, r"inconsistent numbers of samples: \[39, 40\]"),
    ("y-columns-partial_fit", "reg", lambda m: m.partial_fit(X, np.c_[y_reg, y_reg]), ValueError, "y has 2 target columns but the model was fitted on 1"),
    ("y-continuous-classifier", "clf", lambda m: m.fit(X, y_reg), ValueError, "Unknown label type: continuous"),
    ("y-outside-0-1-sigmoid-output", "reg", lambda m: m.set_params(output_activation="sigmoid").fit(X, y_reg), ValueError, r"output_activation='sigmoid' needs targets in \[0, 1\]"),
    ("sample_weight-length", "reg", lambda m: m.fit(X, y_reg, sample_weight=ones[:-1]), ValueError, r"sample_weight.shape == \(39,\), expected \(40,\)"),
    ("sample_weight-2d", "clf", lambda m: m.fit(X, y_clf, sample_weight=np.ones((40, 2))), ValueError, "Sample weights must be 1D array or scalar"),
    ("sample_weight-negative", "reg", lambda m: m.fit(X, y_reg, sample_weight=with_value(ones, -1.0, 0)), ValueError, "Negative values in data passed to `sample_weight`"),
    ("sample_weight-negative-partial_fit", "clf", lambda m: m.partial_fit(X, y_clf, sample_weight=-ones), ValueError, "Negative values in data passed to `sample_weight`"),
    ("sample_weight-all-zero", "clf", lambda m: m.fit(X, y_clf, sample_weight=0 * ones), ValueError, "Sample weights must contain at least one non-zero number|sample_weight sums to zero"),
    # classes
    ("single-class-fit", "clf", lambda m: m.fit(X, np.zeros(40)), ValueError, "needs samples of at least 2 classes, but the data contain only one class: 0.0"),
    ("single-class-strings", "clf", lambda m: m.fit(X, np.full(40, "cat")), ValueError, "only one class: 'cat'"),
    ("labels-outside-classes-partial_fit", "clf", lambda m: m.partial_fit(X, y_clf + 5), ValueError, r"y contains labels not in classes_ \[0, 1\]: \[5, 6\]"),
    ("classes-change-partial_fit", "clf", lambda m: m.partial_fit(X, y_clf, classes=[0, 1, 2]), ValueError, r"classes=\[0, 1, 2\] differs from the classes of the first call, \[0, 1\]"),
    ("multilabel-after-binary", "clf", lambda m: m.partial_fit(X, np.c_[y_clf, 1 - y_clf]), ValueError, "y is 'multilabel-indicator' but the model was fitted on 'binary'"),
    # values a float32 model cannot hold
    ("float32-model-X-1e300-predict", "reg32", lambda m: m.predict(X * 1e300), ValueError, "X has values too large for float32"),
    ("float32-model-X-1e300-partial_fit", "reg32", lambda m: m.partial_fit(X * 1e300, y_reg), ValueError, "X has values too large for float32"),
    ("float32-model-y-1e300-partial_fit", "reg32", lambda m: m.partial_fit(X, y_reg * 1e300), ValueError, "y has values too large for float32"),
    # X so extreme that the 'auto' step or the data-placed start cannot be computed
    ("X-1e300-auto-multiclass", "clf", lambda m: m.fit(with_value(X, 1e300), y_multi), ValueError, r"learning_rate_init='auto'.*X.*Scale X \(e\.g\. MinMaxScaler\)"),
    ("X-minus-1e300-auto-multiclass", "clf", lambda m: m.fit(with_value(X, -1e300), y_multi), ValueError, r"learning_rate_init='auto'.*X.*Scale X \(e\.g\. MinMaxScaler\)"),
    ("X-1e300-auto-binary", "clf", lambda m: m.fit(with_value(X, 1e300), y_clf), ValueError, r"learning_rate_init='auto'.*X.*Scale X \(e\.g\. MinMaxScaler\)"),
    ("X-1e300-auto-regressor", "reg", lambda m: m.fit(with_value(X, 1e300), y_reg), ValueError, r"learning_rate_init='auto'.*X.*Scale X \(e\.g\. MinMaxScaler\)"),
    ("X-subnormal-init-data-multiclass", "clf", lambda m: m.fit(X * 1e-310, y_multi), ValueError, r"init='data'.*X.*Scale X \(e\.g\. MinMaxScaler\)"),
    ("X-subnormal-init-data-regressor", "reg", lambda m: m.fit(X * 1e-310, y_reg), ValueError, r"init='data'.*X.*Scale X \(e\.g\. MinMaxScaler\)"),
    # targets and weights whose squares or sums overflow (not the learning rate's fault)
    ("y-1e200-regressor-fit", "reg", lambda m: m.fit(X, y_reg * 1e200), ValueError, r"y has values too large for float64.*\|y\| must stay below 1\.06e\+153"),
    ("y-1e160-regressor-partial_fit", "reg", lambda m: m.partial_fit(X, y_reg * 1e160), ValueError, r"y has values too large for float64.*\|y\| must stay below"),
    ("y-1e200-no-target_std-fit", "reg", lambda m: m.set_params(target_std=None).fit(X, y_reg * 1e200), ValueError, r"y has values too large for float64.*Scale y"),
    ("y-1e25-float32-model-partial_fit", "reg32", lambda m: m.partial_fit(X, y_reg * 1e25), ValueError, r"y has values too large for float32.*\|y\| must stay below 1\.46e\+18"),
    ("sample_weight-1e307-regressor-fit", "reg", lambda m: m.fit(X, y_reg, sample_weight=ones * 1e307), ValueError, r"sample_weight sums to inf.*at most 1\.8e\+302.*Divide sample_weight"),
    ("sample_weight-1e307-classifier-partial_fit", "clf", lambda m: m.partial_fit(X, y_clf, sample_weight=ones * 1e307), ValueError, r"sample_weight sums to inf.*at most 1\.8e\+302"),
    ("sample_weight-1e37-float32-model", "reg32", lambda m: m.partial_fit(X, y_reg, sample_weight=ones * 1e37), ValueError, r"sample_weight sums to 4e\+38.*at most 3\.4e\+32"),
    # fit resets n_features_in_ / feature_names_in_ before it fails: the transaction restores them
    ("n_features_in_-reset-then-fail", "clf", lambda m: m.fit(X[:, :2], np.zeros(40)), ValueError, "only one class"),
    ("feature_names_in_-reset-then-fail", "clf_df", lambda m: m.fit(X, np.zeros(40)), ValueError, "only one class"),
    ("feature_names-predict", "clf_df", lambda m: m.predict(pd.DataFrame(X, columns=["c", "b", "a"])), ValueError, "feature names should match"),
    # hyperparameters that do not fit the data or the call
    ("early_stopping-partial_fit", "reg", lambda m: m.set_params(early_stopping=True).partial_fit(X, y_reg), ValueError, "partial_fit does not support early_stopping=True"),
    # 1 validation row cannot hold both classes: no stratified split, and no random one either.
    ("validation_fraction-too-small", "clf", warns_first(lambda m: m.set_params(early_stopping=True, validation_fraction=0.01).fit(X, y_clf), "could not stratify"), ValueError, "validation set is too small.*validation_fraction"),
    ("warm_start-new-architecture", "reg", lambda m: m.set_params(warm_start=True, hidden_layer_sizes=(5,)).fit(X, y_reg), ValueError, "hidden_layer_sizes and the data need.*warm_start=False"),
    ("hidden_layer_sizes-partial_fit", "clf", lambda m: m.set_params(hidden_layer_sizes=(5,)).partial_fit(X, y_clf), ValueError, "hidden_layer_sizes and the data need"),
]


def make(kind):
    if kind == "clf_df":
        model = SigmoidMLPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
        model = model.fit(pd.DataFrame(X, columns=["a", "b", "c"]), y_clf)
        assert list(model.feature_names_in_) == ["a", "b", "c"]
        return model
    return fitted32(kind) if kind == "reg32" else fitted(kind)


@pytest.mark.parametrize(
    "kind, call, error, message", [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS]
)
def test_bad_input_raises_and_leaves_model_unchanged(kind, call, error, message):
    model = make(kind)
    params = set(model.get_params())  # set_params in a case may change these
    before = snapshot(model, exclude=params)
    X_before = X.copy()
    with pytest.raises(error, match=message):
        call(model)
    assert_unchanged(model, before, exclude=params)
    np.testing.assert_array_equal(X, X_before)  # the input is not modified either


def test_partial_fit_first_call_needs_classes():
    model = SigmoidMLPClassifier()
    with pytest.raises(ValueError, match="classes must be passed on the first call to partial_fit"):
        model.partial_fit(X, y_clf)
    assert not hasattr(model, "coefs_")


def test_partial_fit_with_one_class_in_classes_blames_classes():
    y = np.where(y_clf == 1, "b", "a")
    model = SigmoidMLPClassifier()
    with pytest.raises(ValueError) as error:
        model.partial_fit(X, y, classes=["a"])
    message = str(error.value)
    assert message.startswith("classes=['a'] names only one class, but SigmoidMLPClassifier")
    assert "y holds ['a', 'b']" in message
    assert "the data contain" not in message
    assert not hasattr(model, "coefs_")


@pytest.mark.parametrize(
    "Estimator, call",
    [
        (SigmoidMLPClassifier, lambda m: m.fit(X, np.zeros(40))),
        (SigmoidMLPClassifier, lambda m: m.partial_fit(X, y_clf + 5, classes=[0, 1])),
        (SigmoidMLPRegressor, lambda m: m.fit(X, y_reg, sample_weight=-ones)),
        (SigmoidMLPRegressor, lambda m: m.set_params(learning_rate_init=1e4).fit(X, y_reg)),
    ],
    ids=["single-class", "labels-outside-classes", "negative-weights", "diverges"],
)
def test_failed_first_call_leaves_no_fitted_attributes(Estimator, call):
    """A first call that fails leaves a model that is still unfitted, not half fitted."""
    model = Estimator(hidden_layer_sizes=(3,), random_state=0)
    before = snapshot(model)
    with pytest.raises(ValueError):
        call(model)
    assert set(vars(model)) == set(before)


# ----------------------------------------------------------------- hyperparameters

# (parameter, bad value, pattern of the message); each names the parameter.
BAD_PARAMS = [
    ("hidden_layer_sizes", 0, "'hidden_layer_sizes' parameter"),
    ("hidden_layer_sizes", (0,), r"hidden_layer_sizes must hold positive integers .* got \(0,\)"),
    ("hidden_layer_sizes", (5, -2), r"hidden_layer_sizes must hold positive integers .* got \(5, -2\)"),
    ("hidden_layer_sizes", (5, 2.5), "hidden_layer_sizes must hold positive integers"),
    ("hidden_layer_sizes", (True,), "hidden_layer_sizes must hold positive integers"),
    ("hidden_layer_sizes", "10", "'hidden_layer_sizes' parameter"),
    ("alpha", -1.0, "'alpha' parameter"),
    ("alpha", np.nan, "'alpha' parameter"),
    ("alpha", np.inf, "'alpha' parameter"),
    ("alpha", "0.1", "'alpha' parameter"),
    ("batch_size", 0, "'batch_size' parameter"),
    ("batch_size", 1.5, "'batch_size' parameter"),
    ("batch_size", "auto", "'batch_size' parameter"),
    ("learning_rate", "optimal", "'learning_rate' parameter"),
    ("learning_rate_init", 0.0, "'learning_rate_init' parameter"),
    ("learning_rate_init", -0.1, "'learning_rate_init' parameter"),
    ("learning_rate_init", np.inf, "'learning_rate_init' parameter"),
    ("learning_rate_init", np.nan, "'learning_rate_init' parameter"),
    ("power_t", -0.5, "'power_t' parameter"),
    ("max_iter", 0, "'max_iter' parameter"),
    ("max_iter", 2.5, "'max_iter' parameter"),
    ("shuffle", "yes", "'shuffle' parameter"),
    ("random_state", "seed", "'random_state' parameter"),
    ("random_state", -1, "'random_state' parameter"),
    ("tol", -1e-4, "'tol' parameter"),
    ("tol", np.nan, "'tol' parameter"),
    ("verbose", -1, "'verbose' parameter"),
    ("warm_start", "no", "'warm_start' parameter"),
    ("momentum", 1.5, "'momentum' parameter"),
    ("momentum", -0.1, "'momentum' parameter"),
    ("nesterovs_momentum", 2, "'nesterovs_momentum' parameter"),
    ("early_stopping", "yes", "'early_stopping' parameter"),
    ("validation_fraction", 0.0, "'validation_fraction' parameter"),
    ("validation_fraction", 1.0, "'validation_fraction' parameter"),
    ("n_iter_no_change", 0, "'n_iter_no_change' parameter"),
    ("n_iter_no_change", 2.5, "'n_iter_no_change' parameter"),
    ("n_iter_no_change", -np.inf, "'n_iter_no_change' parameter"),
    ("loss", "hinge", "'loss' parameter"),
]
BAD_REGRESSOR_PARAMS = [
    ("loss", "log_loss", "'loss' parameter"),
    ("output_activation", "relu", "'output_activation' parameter"),
]


def _param_cases():
    for name, value, message in BAD_PARAMS:
        for kind in ["clf"] + (["reg"] if name != "loss" else []):
            yield pytest.param(kind, name, value, message, id=f"{kind}-{name}={value!r}")
    for name, value, message in BAD_REGRESSOR_PARAMS:
        yield pytest.param("reg", name, value, message, id=f"reg-{name}={value!r}")


@pytest.mark.parametrize("method", ["constructor+fit", "set_params+fit", "set_params+partial_fit"])
@pytest.mark.parametrize("kind, name, value, message", list(_param_cases()))
def test_bad_hyperparameter(kind, name, value, message, method):
    y = y_clf if kind == "clf" else y_reg
    if method == "constructor+fit":
        Estimator = SigmoidMLPClassifier if kind == "clf" else SigmoidMLPRegressor
        model = Estimator(**{name: value})
        with pytest.raises((ValueError, TypeError), match=message):
            model.fit(X, y)
        assert not hasattr(model, "coefs_")
        return
    model = fitted(kind)
    params = set(model.get_params())
    before = snapshot(model, exclude=params)
    model.set_params(**{name: value})
    with pytest.raises((ValueError, TypeError), match=message):
        if method == "set_params+fit":
            model.fit(X, y)
        else:
            model.partial_fit(X, y)
    assert_unchanged(model, before, exclude=params)


# ----------------------------------------------------------------- huge values


@pytest.mark.parametrize("scale", [1e100, 1e300])
@pytest.mark.parametrize("kind", ["clf", "reg"])
def test_huge_X_trains_or_fails_clearly(kind, scale):
    """Values like 1e300 either train to finite weights and predictions or raise."""
    Estimator = SigmoidMLPClassifier if kind == "clf" else SigmoidMLPRegressor
    y = y_clf if kind == "clf" else y_reg
    model = Estimator(hidden_layer_sizes=(4,), max_iter=20, random_state=0)
    try:
        model.fit(X * scale, y)
    except ValueError as error:
        assert "scale" in str(error).lower()
        assert not hasattr(model, "coefs_")
        return
    assert np.isfinite(model.loss_curve_).all()
    assert all(np.isfinite(W).all() for W in model.coefs_ + model.intercepts_)
    for X_new in (X * scale, X, -X * scale):
        out = model.predict_proba(X_new) if kind == "clf" else model.predict(X_new)
        assert np.isfinite(out).all()


@pytest.mark.parametrize("kind", ["clf", "reg"])
def test_predict_on_overflowing_input_raises_instead_of_nan(kind, monkeypatch):
    """An input that overflows the forward pass (∞ − ∞ in Z) raises, never returns NaN."""
    model = make(kind)
    # Weights of opposite signs on two huge inputs overflow Z⁽¹⁾. Whether the
    # product is ∞ − ∞ = NaN or ±∞ depends on how the BLAS sums (with fused
    # multiply-adds one product is never rounded to ∞): predict must raise on
    # NaN and may return only finite values otherwise.
    model.coefs_[0][0], model.coefs_[0][1] = 10.0, -10.0
    X_bad = np.array([[1e308, 1e308, 0.0]])
    with np.errstate(over="ignore", invalid="ignore"):
        Z = X_bad @ model.coefs_[0]
    assert not np.isfinite(Z).all(), "the example must overflow for this test to mean anything"
    predict = model.predict_proba if kind == "clf" else model.predict
    try:
        out = predict(X_bad)
    except ValueError as error:
        assert "output is not finite: X has values too large" in str(error)
    else:
        assert np.isfinite(out).all()
    # Where the forward pass does give NaN, predict raises: force it to.
    import sknn._base

    monkeypatch.setattr(sknn._base, "predict_output", lambda X, *a, **k: np.full((len(X), 1), np.nan))
    with pytest.raises(ValueError, match="output is not finite: X has values too large"):
        model.predict(X_bad)
