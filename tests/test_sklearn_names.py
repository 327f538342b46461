"""scikit-learn's MLP parameters: activation and solver are real, the other solvers' settings explain."""

import inspect
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.utils._param_validation import InvalidParameterError

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor
from sknn._sklearn_names import MLP_CHOICES, MLP_ONLY

ESTIMATORS = [SigmoidMLPClassifier, SigmoidMLPRegressor]
PAIRS = [(SigmoidMLPClassifier, MLPClassifier), (SigmoidMLPRegressor, MLPRegressor)]


def test_the_names_are_exactly_what_sklearn_has_and_sknn_lacks():
    for ours, theirs in PAIRS:
        assert set(theirs().get_params()) - set(ours().get_params()) == set(MLP_ONLY)
        assert {name: ours().get_params()[name] for name in MLP_CHOICES} == MLP_CHOICES


@pytest.mark.parametrize("ours, theirs", PAIRS)
def test_sklearn_code_runs_with_only_the_class_name_changed(ours, theirs):
    # scikit-learn's signature order: hidden_layer_sizes and activation positional.
    params = dict(
        solver="sgd", learning_rate_init=0.1, momentum=0.5, batch_size=10,
        max_iter=3, shuffle=False, random_state=0,
    )
    model = ours((5,), "logistic", **params)
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(30, 2))
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\) reached"):
        model.fit(X, (X[:, 0] > 0.5).astype(int))
    assert model.n_iter_ == 3
    assert model.get_params()["activation"] == "logistic"
    assert model.get_params()["solver"] == "sgd"
    assert clone(model).get_params() == model.get_params()
    assert set(model.get_params()) - set(theirs((5,), "logistic", **params).get_params()) <= {
        "init", "init_scale", "loss", "class_weight", "output_activation", "target_std"
    }


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_grid_search_over_the_choices(Estimator):
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(40, 3))
    y = (X[:, 0] > 0.5).astype(int)
    grid = {"activation": ["logistic"], "solver": ["sgd"], "alpha": [1e-4, 1e-2]}
    search = GridSearchCV(Estimator(hidden_layer_sizes=(3,), max_iter=200, random_state=0), grid, cv=2)
    search.fit(X, y)
    assert search.best_params_["solver"] == "sgd"
    assert search.best_estimator_.activation == "logistic"


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "params, advice",
    [
        ({"activation": "relu"}, "The hidden units are always sigmoid"),
        ({"activation": "tanh"}, "The hidden units are always sigmoid"),
        ({"solver": "adam"}, "The one solver is SGD: tune it with learning_rate"),
        ({"solver": "lbfgs"}, "The one solver is SGD: tune it with learning_rate"),
    ],
)
def test_another_choice_fails_at_fit_in_sklearn_style(Estimator, params, advice):
    model = Estimator(hidden_layer_sizes=(3,), **params)  # construction validates nothing
    ((name, value),) = params.items()
    assert model.get_params()[name] == value
    expected = (
        f"The '{name}' parameter of {Estimator.__name__} must be a str among "
        f"{{'{MLP_CHOICES[name]}'}}. Got '{value}' instead. sknn is the textbook network"
    )
    X, y = [[0.0, 1.0], [1.0, 0.0]], [0, 1]
    for call in ("fit", "partial_fit"):
        with pytest.raises(InvalidParameterError) as error:
            getattr(model, call)(X, y)
        message = str(error.value)
        assert message.startswith(expected)
        assert advice in message
    assert not hasattr(model, "coefs_")


def test_other_invalid_parameters_keep_sklearn_s_message():
    with pytest.raises(InvalidParameterError) as error:
        SigmoidMLPClassifier(alpha=-1.0).fit([[0.0], [1.0]], [0, 1])
    assert "sknn is the textbook" not in str(error.value)
    assert str(error.value).startswith("The 'alpha' parameter of SigmoidMLPClassifier")


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "params, advice",
    [
        ({"beta_1": 0.8, "beta_2": 0.99}, "beta_1, beta_2 belong to the 'adam' solver"),
        ({"epsilon": 1e-7}, "epsilon belongs to the 'adam' solver"),
        ({"max_fun": 100}, "max_iter bounds the epochs"),
    ],
)
def test_mlp_only_parameter_says_what_sknn_is(Estimator, params, advice):
    with pytest.raises(TypeError) as error:
        Estimator(hidden_layer_sizes=(3,), **params)
    message = str(error.value)
    assert message.startswith(f"{Estimator.__name__} does not take scikit-learn's MLP parameters")
    assert "sigmoid hidden units trained by backpropagation and mini-batch SGD" in message
    assert advice in message
    for name, value in params.items():
        assert f"{name}={value!r}" in message


def test_the_advice_fits_the_estimator():
    X, y = [[0.0], [1.0]], [0, 1]
    with pytest.raises(InvalidParameterError, match=r"loss= \('log_loss', 'squared_error'\)"):
        SigmoidMLPClassifier(activation="tanh").fit(X, y)
    with pytest.raises(InvalidParameterError, match=r"output_activation= \('identity', 'sigmoid'\)"):
        SigmoidMLPRegressor(activation="tanh").fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_other_errors_are_python_s(Estimator):
    with pytest.raises(TypeError, match="unexpected keyword argument 'learning_rate_int'"):
        Estimator(learning_rate_int=0.1)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_introspection_sees_the_real_signature(Estimator):
    parameters = inspect.signature(Estimator).parameters
    assert "hidden_layer_sizes" in parameters and "momentum" in parameters
    assert not set(MLP_ONLY) & set(parameters)
    model = Estimator(hidden_layer_sizes=(4,), alpha=0.5)
    assert model.get_params()["alpha"] == 0.5
    assert clone(model).get_params() == model.get_params()
    assert pickle.loads(pickle.dumps(model)).get_params() == model.get_params()
