"""Prediction from several threads at once on one fitted model, and while it trains.

Training reuses preallocated work arrays from batch to batch; prediction must
not: two threads predicting on the same model at the same time would
otherwise write into each other's activations. numpy releases the GIL inside
matrix products and ufuncs on arrays this size, so the calls below really do
overlap.

A thread that predicts while another streams ``partial_fit`` calls into the
model (the compiled epoch runs without the GIL) must see the model of before
or after a call, never the weights being trained (the regressor's are in its
standardised training units) nor new weights with old biases. That runs in a
subprocess with a timeout, so that a hang or a crash fails the test and not
the run.
"""

import json
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

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


ROOT = Path(__file__).resolve().parents[1]

# Stream chunks into a model while a second thread predicts on fixed rows; each
# prediction must be bit for bit that of one of the models between the calls.
PREDICT_WHILE_STREAMING = """
import json, sys, threading, warnings
import numpy as np
warnings.simplefilter("error")
from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor

kind = sys.argv[1]
rng = np.random.RandomState(0)
X = rng.uniform(size=(4000, 20))
if kind == "regressor":  # y of about 1000 to 1100; training units are a spread of 5
    y = 1000 + 100 * X[:, :3].mean(axis=1)
    model, first = SigmoidMLPRegressor(hidden_layer_sizes=(64,), random_state=0), {}
    predict = model.predict
else:
    y = (X[:, 0] + X[:, 1] > 1).astype(int) + (X[:, 2] > 0.5)
    model, first = SigmoidMLPClassifier(hidden_layer_sizes=(64,), random_state=0), {"classes": [0, 1, 2]}
    predict = model.predict_proba
X_new = X[:50]
model.partial_fit(X[:500], y[:500], **first)
models = [predict(X_new)]  # the model before the first call of the stream, then after each
seen, in_call, done = [], [False], threading.Event()

def serve():
    while not done.is_set():
        during = in_call[0]
        seen.append((predict(X_new), during and in_call[0]))

server = threading.Thread(target=serve)
server.start()
try:
    for _ in range(int(sys.argv[2])):
        in_call[0] = True
        model.partial_fit(X, y)
        in_call[0] = False
        models.append(predict(X_new))
finally:
    done.set()
    server.join()
matches = [any(np.array_equal(p, m) for m in models) for p, _ in seen]
print(json.dumps({
    "predictions": len(seen),
    "during_calls": sum(during for _, during in seen),
    "mismatches": matches.count(False),
    "worst": float(max((np.abs(p - models[-1]).max() for p, _ in seen), default=0.0)),
}))
"""


@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_predict_while_partial_fit_sees_a_whole_model(kind):
    result = subprocess.run(
        [sys.executable, "-c", PREDICT_WHILE_STREAMING, kind, "12"],
        capture_output=True, text=True, timeout=240, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts["during_calls"] > 10, counts  # the threads did overlap
    assert counts["mismatches"] == 0, counts
