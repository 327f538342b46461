"""Prediction from several threads at once on one fitted model.

Training reuses preallocated work arrays from batch to batch; prediction must
not: two threads predicting on the same model at the same time would
otherwise write into each other's activations. numpy releases the GIL inside
matrix products and ufuncs on arrays this size, so the calls below really do
overlap.
"""

import threading

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor

N_THREADS = 4
ROUNDS = 20


def _run_concurrently(functions):
    """Call every function ROUNDS times in its own thread, all starting together."""
    barrier = threading.Barrier(len(functions))
    results = [[] for _ in functions]
    errors = []

    def worker(i, function):
        try:
            barrier.wait()
            for _ in range(ROUNDS):
                results[i].append(function())
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


@pytest.fixture(scope="module")
def classifier_and_data():
    X, y = make_classification(
        n_samples=3000, n_features=30, n_informative=10, n_classes=4, random_state=0
    )
    model = SigmoidMLPClassifier(hidden_layer_sizes=(64, 32), max_iter=3, random_state=0)
    return model.fit(X, y), X


@pytest.fixture(scope="module")
def regressor_and_data():
    X, y = make_regression(n_samples=3000, n_features=30, random_state=0)
    model = SigmoidMLPRegressor(hidden_layer_sizes=(64, 32), max_iter=3, random_state=0)
    return model.fit(X, y / np.abs(y).max()), X


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_classifier_predictions_from_threads_match_sequential(classifier_and_data):
    model, X = classifier_and_data
    # Each thread gets its own rows, so a shared buffer would mix them up.
    parts = np.array_split(X, N_THREADS)
    expected_proba = [model.predict_proba(part) for part in parts]
    expected_labels = [model.predict(part) for part in parts]

    results = _run_concurrently(
        [lambda part=part: model.predict_proba(part) for part in parts]
        + [lambda part=part: model.predict(part) for part in parts]
    )
    for i in range(N_THREADS):
        for proba in results[i]:
            np.testing.assert_array_equal(proba, expected_proba[i])
        for labels in results[N_THREADS + i]:
            np.testing.assert_array_equal(labels, expected_labels[i])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_regressor_predictions_from_threads_match_sequential(regressor_and_data):
    model, X = regressor_and_data
    parts = np.array_split(X, N_THREADS)
    expected = [model.predict(part) for part in parts]

    results = _run_concurrently([lambda part=part: model.predict(part) for part in parts])
    for i in range(N_THREADS):
        for prediction in results[i]:
            np.testing.assert_array_equal(prediction, expected[i])
