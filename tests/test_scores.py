"""Early stopping's held-out scores (sknn._scores) are scikit-learn's, bit for bit."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.sparse import csr_matrix
from sklearn.metrics import accuracy_score, r2_score

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor, _early_stopping
from sknn._early_stopping import split_validation
from sknn._scores import accuracy, r2

weights = st.none() | st.integers(2, 30).flatmap(
    lambda n: arrays(np.float64, n, elements=st.floats(0.01, 100))
)


def rows(n, draw_weights):
    return None if draw_weights is None else np.resize(draw_weights, n)


@settings(max_examples=200, deadline=None)
@given(
    labels=st.lists(st.sampled_from(["a", "b", "c"]), min_size=2, max_size=30),
    shift=st.integers(0, 29), draw_weights=weights,
)
def test_accuracy_is_accuracy_score(labels, shift, draw_weights):
    y = np.array(labels)
    y_pred = np.roll(y, shift % len(y))  # right on some rows, wrong on others
    sample_weight = rows(len(y), draw_weights)
    expected = accuracy_score(y, y_pred, sample_weight=sample_weight)
    assert accuracy(y, y_pred, sample_weight) == expected


@settings(max_examples=100, deadline=None)
@given(
    Y=st.tuples(st.integers(2, 30), st.integers(2, 4)).flatmap(
        lambda shape: arrays(np.int64, shape, elements=st.integers(0, 1))
    ),
    flips=st.integers(0, 2**20), draw_weights=weights,
)
def test_multilabel_accuracy_is_accuracy_score(Y, flips, draw_weights):
    # A row counts as right only when every one of its labels is.
    mask = np.random.RandomState(flips).rand(*Y.shape) < 0.2
    Y_pred = np.where(mask, 1 - Y, Y)
    sample_weight = rows(len(Y), draw_weights)
    expected = accuracy_score(Y, Y_pred, sample_weight=sample_weight)
    assert accuracy(Y, Y_pred, sample_weight) == expected
    assert accuracy(csr_matrix(Y), Y_pred, sample_weight) == expected  # a sparse multilabel y


def values(dtype):
    """Few distinct values, so that outputs are often constant or predicted exactly."""
    width = 32 if dtype == np.float32 else 64  # floats the dtype holds exactly
    return st.sampled_from([-2.0, 0.0, 0.5, 3.0]) | st.floats(-1e3, 1e3, width=width)


@settings(max_examples=300, deadline=None)
@given(
    dtype=st.sampled_from([np.float64, np.float32]),
    shape=st.tuples(st.integers(2, 30), st.integers(1, 4)), data=st.data(),
    draw_weights=weights,
)
def test_r2_is_r2_score(dtype, shape, data, draw_weights):
    Y = data.draw(arrays(dtype, shape, elements=values(dtype)))
    Y_hat = data.draw(
        st.sampled_from([Y, Y[::-1], np.zeros_like(Y)])
        | arrays(dtype, shape, elements=values(dtype))
    )
    sample_weight = rows(shape[0], draw_weights)
    assert r2(Y, Y_hat, sample_weight) == r2_score(Y, Y_hat, sample_weight=sample_weight)


@pytest.mark.parametrize("Estimator", [SigmoidMLPClassifier, SigmoidMLPRegressor])
def test_best_validation_score_is_the_fitted_models_score(monkeypatch, Estimator):
    # Early stopping keeps the best epoch's weights: the public `score` (scikit-
    # learn's metric, with all its checks) of the fitted model on the held-out
    # rows is the best score the fit recorded.
    held_out = []

    def spy(*args):
        split = split_validation(*args)
        held_out.append(split[3])
        return split

    monkeypatch.setattr(_early_stopping, "split_validation", spy)
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(300, 3))
    if Estimator is SigmoidMLPClassifier:
        y = np.where(X[:, 0] > X[:, 1], "up", "down")
    else:
        y = 5.0 + 3.0 * (X @ [1.0, -2.0, 0.5])  # training units differ from y's
    weights = rng.uniform(0.5, 2.0, size=300)
    model = Estimator(hidden_layer_sizes=(8,), early_stopping=True, max_iter=30, random_state=0)
    model.fit(X, y, sample_weight=weights)
    X_val, _, y_val, sw_val = held_out[0]
    assert len(model.validation_scores_) == model.n_iter_
    assert model.score(X_val, y_val, sample_weight=sw_val) == pytest.approx(
        model.best_validation_score_, rel=1e-12
    )
