"""scikit-learn MLP parameters sknn does not take: a TypeError that explains."""

import inspect
import pickle

import pytest
from sklearn.base import clone
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor
from sknn._sklearn_names import MLP_ONLY

ESTIMATORS = [SigmoidMLPClassifier, SigmoidMLPRegressor]


def test_the_names_are_exactly_what_sklearn_has_and_sknn_lacks():
    pairs = [(SigmoidMLPClassifier, MLPClassifier), (SigmoidMLPRegressor, MLPRegressor)]
    for ours, theirs in pairs:
        assert set(theirs().get_params()) - set(ours().get_params()) == set(MLP_ONLY)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize(
    "params, advice",
    [
        ({"activation": "relu"}, "hidden units are always sigmoid"),
        ({"solver": "adam"}, "The one solver is SGD: tune it with learning_rate"),
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
    with pytest.raises(TypeError, match=r"loss= \('log_loss', 'squared_error'\)"):
        SigmoidMLPClassifier(activation="tanh")
    with pytest.raises(TypeError, match=r"output_activation= \('identity', 'sigmoid'\)"):
        SigmoidMLPRegressor(activation="tanh")


def test_what_sknn_always_does_is_named_so():
    with pytest.raises(TypeError, match="activation='logistic' and solver='sgd' are what sknn"):
        SigmoidMLPClassifier(activation="logistic", solver="sgd")
    with pytest.raises(TypeError) as error:
        SigmoidMLPClassifier(solver="adam")
    assert "always does" not in str(error.value)


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
