"""validation_loss_curve_: the training cost C on the early-stopping held-out set."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.datasets import make_regression

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _two_points():
    """Two distinct rows, 10 copies each: any stratified half holds 5 of each."""
    X = np.repeat([[0.2, 0.9], [0.8, 0.1]], 10, axis=0)
    y = np.repeat([0, 1], 10)
    return X, y


@pytest.mark.parametrize("class_weight", [None, {0: 1.0, 1: 3.0}])
def test_value_is_the_cost_of_the_held_out_rows(class_weight):
    # One epoch, so the fitted weights are those the validation loss was taken with.
    X, y = _two_points()
    alpha = 0.3
    model = SigmoidMLPClassifier(
        hidden_layer_sizes=(3,),
        alpha=alpha,
        batch_size=32,
        max_iter=1,
        early_stopping=True,
        validation_fraction=0.5,
        class_weight=class_weight,
        random_state=0,
    ).fit(X, y)
    # Held out: 5 rows of each point, one mini-batch: C = (Σ sᵢ lossᵢ + (α/2) Σ‖W‖²) / Σ sᵢ.
    weights = np.array([1.0, 1.0] if class_weight is None else [1.0, 3.0])
    p = model.predict_proba(X[[0, 10]])
    loss_sum = 5 * (weights[0] * -np.log(p[0, 0]) + weights[1] * -np.log(p[1, 1]))
    penalty = 0.5 * alpha * sum(np.sum(W**2) for W in model.coefs_)
    m = 5 * weights.sum()
    assert_allclose(model.validation_loss_curve_, [(loss_sum + penalty) / m], rtol=1e-10)


def test_penalty_counted_once_per_mini_batch():
    # Same held-out rows, same weights: the batches only change how often the
    # penalty enters (three batches of 4, 4, 2 rows against one of 10).
    X, y = _two_points()
    kwargs = dict(
        hidden_layer_sizes=(3,), max_iter=1, early_stopping=True, validation_fraction=0.5,
        random_state=0, learning_rate_init=1e-12, momentum=0.0,
    )
    one = SigmoidMLPClassifier(alpha=0.0, batch_size=10, **kwargs).fit(X, y)
    for alpha in [0.0, 0.5]:
        big = SigmoidMLPClassifier(alpha=alpha, batch_size=10, **kwargs).fit(X, y)
        small = SigmoidMLPClassifier(alpha=alpha, batch_size=4, **kwargs).fit(X, y)
        penalty = 0.5 * alpha * sum(np.sum(W**2) for W in big.coefs_)
        loss = one.validation_loss_curve_[0]
        assert_allclose(big.validation_loss_curve_[0], loss + penalty / 10, rtol=1e-6)
        assert_allclose(small.validation_loss_curve_[0], loss + 3 * penalty / 10, rtol=1e-6)


@pytest.mark.parametrize(
    "make_model",
    [
        lambda: SigmoidMLPClassifier(hidden_layer_sizes=(8,), early_stopping=True, random_state=0),
        lambda: SigmoidMLPRegressor(hidden_layer_sizes=(8,), early_stopping=True, random_state=0),
    ],
)
def test_one_value_per_epoch_beside_the_scores(make_model):
    X, y = make_regression(200, n_features=4, random_state=0)
    X = (X - X.min()) / (X.max() - X.min())
    if isinstance(make_model(), SigmoidMLPClassifier):
        y = (y > 0).astype(int)
    model = make_model().fit(X, y)
    assert len(model.validation_loss_curve_) == len(model.validation_scores_) == model.n_iter_
    assert np.all(np.isfinite(model.validation_loss_curve_))
    assert min(model.validation_loss_curve_) < model.validation_loss_curve_[0]  # it learns


def test_none_without_early_stopping():
    X, y = _two_points()
    model = SigmoidMLPClassifier(hidden_layer_sizes=(3,), max_iter=3, random_state=0)
    assert model.fit(X, y).validation_loss_curve_ is None
    model.set_params(early_stopping=True, validation_fraction=0.5, warm_start=True).fit(X, y)
    assert len(model.validation_loss_curve_) == model.n_iter_
    # partial_fit (no held-out set) forgets the curve, as it forgets validation_scores_.
    model.set_params(early_stopping=False).partial_fit(X, y)
    assert model.validation_loss_curve_ is None and model.validation_scores_ is None
