"""sknn.inspection: activations, gradients and the finite-difference check."""

import copy

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from scipy.special import expit
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression

import sknn.inspection
from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor
from sknn.inspection import _training_weights
from sknn.inspection import activations, check_gradients, gradients

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def data():
    X, y = load_iris(return_X_y=True)
    return X / 8, y


def _case(name, X, y):
    """A fitted network, and the (X, y, sample_weight) it is inspected on."""
    s = np.linspace(0.2, 2.0, len(y))
    common = dict(hidden_layer_sizes=(6, 4), max_iter=10, random_state=0)
    if name == "softmax":
        return SigmoidMLPClassifier(**common).fit(X, y), X, y, None
    if name == "binary":
        return SigmoidMLPClassifier(**common).fit(X, y == 2), X, y == 2, None
    if name == "quadratic":
        return SigmoidMLPClassifier(loss="squared_error", **common).fit(X, y), X, y, s
    if name == "multilabel":
        Y = np.c_[y == 0, y == 1, X[:, 0] > 0.7].astype(int)
        return SigmoidMLPClassifier(**common).fit(X, Y), X, Y, None
    if name == "class_weight":
        model = SigmoidMLPClassifier(class_weight={0: 3.0, 1: 1.0, 2: 0.5}, alpha=0.1, **common)
        return model.fit(X, y, sample_weight=s), X, y, s
    if name == "regressor":
        return SigmoidMLPRegressor(**common).fit(X, X[:, :2]), X, X[:, :2], s
    if name == "sigmoid_regressor":
        model = SigmoidMLPRegressor(output_activation="sigmoid", **common)
        return model.fit(X, X[:, 0]), X, X[:, 0], None
    if name == "sparse":
        X_sparse = sp.csr_matrix(np.where(X > 0.3, X, 0))
        return SigmoidMLPClassifier(**common).fit(X_sparse, y), X_sparse, y, None
    if name == "float32":
        X32 = X.astype(np.float32)
        return SigmoidMLPClassifier(**common).fit(X32, y), X32, y, None
    raise ValueError(name)


CASES = [
    "softmax", "binary", "quadratic", "multilabel", "class_weight",
    "regressor", "sigmoid_regressor", "sparse", "float32",
]


def test_activations_are_the_layers_of_the_network(data):
    X, y = data
    model = _case("softmax", X, y)[0]
    A = activations(model, X)
    assert len(A) == model.n_layers_
    assert_allclose(A[0], X)
    for l, (W, b) in enumerate(zip(model.coefs_[:-1], model.intercepts_[:-1])):
        assert_allclose(A[l + 1], expit(A[l] @ W + b))
    assert_allclose(A[-1], model.predict_proba(X))


def test_activations_output_of_binary_and_regressor(data):
    X, y = data
    binary = _case("binary", X, y)[0]
    assert_allclose(activations(binary, X)[-1][:, 0], binary.predict_proba(X)[:, 1])
    regressor = _case("regressor", X, y)[0]
    assert_allclose(activations(regressor, X)[-1], regressor.predict(X))


@pytest.mark.parametrize("name", CASES)
def test_gradients_are_the_step_sgd_takes(name, data):
    # One more epoch of a single batch, no momentum: θ ← θ − η ∂C/∂θ.
    model, X, y, s = _case(name, *data)
    # In float32, W − η g resolves the step to 1e-4 of itself only if the step
    # is large next to the spacing of float32 numbers near W (init='data'
    # starts with weights of several units).
    eta = 10.0 if name == "float32" else 0.05
    model.set_params(
        batch_size=X.shape[0], momentum=0.0, learning_rate_init=eta, warm_start=True, max_iter=1
    )
    dW, db = gradients(model, X, y, sample_weight=s)
    stepped = copy.deepcopy(model).fit(X, y, sample_weight=s)
    tol = dict(rtol=1e-4, atol=1e-6) if name == "float32" else dict(rtol=1e-9, atol=1e-12)
    # SGD steps in training units (the regressor's output layer scaled for target_std).
    _, *before = _training_weights(model, model.coefs_[0].dtype)
    _, *after = _training_weights(stepped, model.coefs_[0].dtype)
    for W_before, W_after, g in zip(before[0] + before[1], after[0] + after[1], dW + db):
        assert g.shape == W_before.shape and g.dtype == W_before.dtype
        assert_allclose((W_before - W_after) / eta, g, **tol)


@pytest.mark.parametrize("name", CASES)
def test_backprop_agrees_with_finite_differences(name, data):
    model, X, y, s = _case(name, *data)
    # The rounding noise of a central difference is about 1e-16 |C| / ε: the
    # regressor's cost of y scaled to spread target_std is large next to its
    # smallest gradients, so it takes a larger step ε (truncation ~ ε²).
    epsilon = 1e-3 if name == "regressor" else 1e-4
    assert check_gradients(model, X, y, sample_weight=s, epsilon=epsilon) < 1e-5


def test_check_gradients_catches_a_wrong_gradient(data, monkeypatch):
    X, y = data
    model = _case("softmax", X, y)[0]
    correct = sknn.inspection.penalised_backprop

    def off_by_one_percent(*args, **kwargs):
        C, coef_grads, intercept_grads = correct(*args, **kwargs)
        coef_grads[0] *= 1.01  # as if δ⁽¹⁾ lost a little
        return C, coef_grads, intercept_grads

    monkeypatch.setattr(sknn.inspection, "penalised_backprop", off_by_one_percent)
    assert check_gradients(model, X, y) > 1e-3


def test_check_gradients_on_a_subset(data):
    X, y = data
    model = _case("softmax", X, y)[0]
    n_params = sum(W.size for W in model.coefs_ + model.intercepts_)
    subset = check_gradients(model, X, y, max_params=10, random_state=0)
    assert subset == check_gradients(model, X, y, max_params=10, random_state=0)
    assert subset <= check_gradients(model, X, y, max_params=n_params)


def test_inspection_leaves_the_model_unchanged(data):
    X, y = data
    model, X, y, s = _case("class_weight", X, y)
    state = copy.deepcopy(model.__dict__)
    activations(model, X)
    gradients(model, X, y, sample_weight=s)
    check_gradients(model, X, y, sample_weight=s, max_params=5, random_state=0)
    assert state.keys() == model.__dict__.keys()
    for W_before, W_after in zip(state["coefs_"], model.coefs_):
        assert_allclose(W_after, W_before, rtol=0, atol=0)


def test_errors(data):
    X, y = data
    model = _case("softmax", X, y)[0]
    with pytest.raises(NotFittedError):
        activations(SigmoidMLPClassifier(), X)
    with pytest.raises(TypeError, match="must be a fitted SigmoidMLPClassifier"):
        gradients(LogisticRegression().fit(X, y), X, y)
    with pytest.raises(ValueError, match="features"):
        activations(model, X[:, :2])
    with pytest.raises(ValueError, match="labels not in classes_"):
        gradients(model, X, y + 10)
    with pytest.raises(ValueError, match="epsilon must be a positive step"):
        check_gradients(model, X, y, epsilon=0.0)
    with pytest.raises(ValueError, match="max_params must be a positive int"):
        check_gradients(model, X, y, max_params=0)
