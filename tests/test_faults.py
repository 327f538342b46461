"""Faults during training: divergence, KeyboardInterrupt, early stopping's best epoch.

A training call is a transaction: when it fails, the weights *and* the
optimizer state (velocity, learning rate, t_, loss_curve_, ...) are exactly
as before the call. Faults are injected by wrapping ``sknn._optimizer.run_epoch``,
the one function the epoch loop calls per epoch.
"""

import copy
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from _state import assert_unchanged, snapshot

import sknn._optimizer
from sknn import DegenerateFitWarning, SigmoidMLPClassifier, SigmoidMLPRegressor
from sknn._parameters import unpack
from sknn._target_scale import TargetScale

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

rng = np.random.RandomState(0)
X = rng.uniform(size=(200, 3))
y_reg = X.sum(axis=1)
y_clf = (X[:, 0] + X[:, 1] > 1).astype(int)


def regressor(**params):
    return SigmoidMLPRegressor(hidden_layer_sizes=(8,), random_state=0, **params)


def classifier(**params):
    return SigmoidMLPClassifier(hidden_layer_sizes=(8,), random_state=0, **params)


def inject(monkeypatch, model, *, at_epoch, fault, record=None):
    """Wrap run_epoch: run it, then ``fault(coefs, intercepts)`` in call number ``at_epoch``.

    ``record`` collects a copy of the weights after every epoch that ran.
    The layers are views into the θ being trained (run_epoch's first
    argument), so writing into them (or reading them) reaches the training
    state; the estimator's coefs_ stay the old ones until the call ends.
    """
    real = sknn._optimizer.run_epoch
    calls = []

    def run_epoch(*args, **kwargs):
        calls.append(1)
        coefs, intercepts = unpack(args[0], kwargs["workspace"].layer_units)
        if fault is KeyboardInterrupt and len(calls) == at_epoch:
            # Half an epoch's damage first, to check it is undone.
            coefs[0][...] += 1.0
            raise KeyboardInterrupt
        result = real(*args, **kwargs)
        if len(calls) == at_epoch and fault is not KeyboardInterrupt:
            fault(coefs, intercepts)
        if record is not None:  # in y's units, as the fitted model will hold them
            coefs, intercepts = copy.deepcopy((coefs, intercepts))
            record.append(TargetScale.of(model).from_training_units(coefs, intercepts))
        return result

    monkeypatch.setattr(sknn._optimizer, "run_epoch", run_epoch)
    return calls


def poison(coefs, intercepts):
    """The weights become non-finite in place, as a diverging update would leave them."""
    coefs[-1][0, 0] = np.inf
    intercepts[0][0] = np.nan


# ----------------------------------------------------------------- divergence


def test_fit_diverging_names_learning_rate_init_and_stops_at_once(monkeypatch):
    model = regressor(learning_rate_init=1e4, max_iter=50)
    calls = inject(monkeypatch, model, at_epoch=0, fault=None)
    with pytest.raises(ValueError, match=r"Training diverged in epoch (\d+).*learning_rate_init=10000.0") as info:
        model.fit(X, y_reg)
    # Detected in the epoch where it happened: no further epoch ran.
    assert int(re.search(r"epoch (\d+)", str(info.value)).group(1)) == len(calls) < 50
    assert not hasattr(model, "coefs_")


def test_failed_fit_of_fitted_model_changes_nothing():
    model = regressor(max_iter=20).fit(X, y_reg)
    before = snapshot(model, exclude={"learning_rate_init"})
    model.set_params(learning_rate_init=1e4)
    with pytest.raises(ValueError, match="learning_rate_init=10000.0"):
        model.fit(X, y_reg)
    assert_unchanged(model, before, exclude={"learning_rate_init"})


def test_partial_fit_diverging_on_its_own_is_a_transaction():
    """A stream that turns bad: the call that diverges changes nothing.

    A linear network (no hidden layer) keeps the η that 'auto' chose for the
    first chunk; a later chunk with inputs 3× larger has 9× the curvature, so
    that η is far past the stable step and the loss explodes in that call.
    """
    model = SigmoidMLPRegressor(hidden_layer_sizes=(), learning_rate="constant", random_state=0)
    for call in range(1, 100):
        before = snapshot(model)
        try:
            model.partial_fit(X if call < 5 else 3 * X, y_reg)
        except ValueError as error:
            assert "Training diverged" in str(error)
            break
    else:
        pytest.fail("this stream was expected to diverge")
    assert call == 5, "the stream was expected to diverge on its first large chunk"
    assert_unchanged(model, before)
    for name in ["coefs_", "intercepts_", "_velocity", "_learning_rate", "t_", "loss_curve_"]:
        assert name in before
    assert all(np.isfinite(W).all() for W in model.coefs_ + model.intercepts_)


@pytest.mark.parametrize("make", [regressor, classifier], ids=["regressor", "classifier"])
def test_partial_fit_weights_poisoned_mid_call_restores_everything(monkeypatch, make):
    model = make()
    y = y_reg if isinstance(model, SigmoidMLPRegressor) else y_clf
    kwargs = {} if isinstance(model, SigmoidMLPRegressor) else {"classes": [0, 1]}
    for _ in range(3):
        model.partial_fit(X, y, **kwargs)
    before = snapshot(model)
    inject(monkeypatch, model, at_epoch=1, fault=poison)
    with pytest.raises(ValueError, match="Training diverged in epoch 1"):
        model.partial_fit(X, y)
    assert_unchanged(model, before)
    monkeypatch.undo()
    # The model carries on as if the failed call had never happened.
    expected = copy.deepcopy(model).partial_fit(X, y)
    model.partial_fit(X, y)
    for W, W_expected in zip(model.coefs_, expected.coefs_):
        np.testing.assert_array_equal(W, W_expected)


# ----------------------------------------------------------------- KeyboardInterrupt


@pytest.mark.parametrize("make", [regressor, classifier], ids=["regressor", "classifier"])
@pytest.mark.parametrize("k", [1, 4])
def test_keyboard_interrupt_in_fit_keeps_last_complete_epoch(monkeypatch, make, k):
    model = make(max_iter=10, tol=0.0)
    y = y_reg if isinstance(model, SigmoidMLPRegressor) else y_clf
    inject(monkeypatch, model, at_epoch=k, fault=KeyboardInterrupt)
    with pytest.warns(UserWarning, match="Training interrupted by user"):
        model.fit(X, y)
    monkeypatch.undo()
    assert model.n_iter_ == k - 1
    assert len(model.loss_curve_) == k - 1
    # Exactly the model that k − 1 uninterrupted epochs give (k = 1: the initial weights).
    if k > 1:
        reference = make(max_iter=k - 1, tol=0.0).fit(X, y)
    else:  # a step of 1e-300 leaves every weight at its initial value
        reference = make(max_iter=1, learning_rate_init=1e-300).fit(X, y)
    for W, W_ref in zip(model.coefs_ + model.intercepts_, reference.coefs_ + reference.intercepts_):
        np.testing.assert_array_equal(W, W_ref)
    # ... and a usable one.
    assert model.predict(X).shape == (200,)


def test_keyboard_interrupt_in_partial_fit_keeps_weights(monkeypatch):
    model = classifier().partial_fit(X, y_clf, classes=[0, 1])
    coefs = copy.deepcopy(model.coefs_ + model.intercepts_)
    inject(monkeypatch, model, at_epoch=1, fault=KeyboardInterrupt)
    with pytest.warns(UserWarning, match="Training interrupted by user"):
        model.partial_fit(X, y_clf)
    for W, W_before in zip(model.coefs_ + model.intercepts_, coefs):
        np.testing.assert_array_equal(W, W_before)


# A real Ctrl-C in the middle of a long epoch of the compiled kernel, which
# runs without the GIL: the child process sizes the data so that one epoch
# takes about 5 s here, and reports on the model once the interrupted call
# returns. It runs as a subprocess, so that a hang or a crash fails the test
# (by the timeouts) instead of the run.
ROOT = Path(__file__).resolve().parents[1]
LONG_EPOCH = """
import json, signal, sys, time, warnings
import numpy as np
from sknn import SigmoidMLPRegressor

signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C raises KeyboardInterrupt
mode = sys.argv[1]
rng = np.random.RandomState(0)
model = SigmoidMLPRegressor(hidden_layer_sizes=(1024, 1024), max_iter=3, random_state=0,
                            verbose=mode == "fit")
X = rng.uniform(size=(1000, 100))
model.partial_fit(X, X[:, 0])
start = time.perf_counter()
model.partial_fit(X, X[:, 0])  # an epoch on 1000 rows, to size the long one
per_row = (time.perf_counter() - start) / len(X)
X = rng.uniform(size=(int(min(100_000, max(2000, 5.0 / per_row))), 100))
y = X[:, 0]
before = [a.copy() for a in model.coefs_ + model.intercepts_ + [model._velocity]]
t, loss_curve = model.t_, list(model.loss_curve_)
print("start", flush=True)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    if mode == "fit":
        model.fit(X, y)
    else:
        model.partial_fit(X, y)
print(json.dumps({
    "epoch_s": per_row * len(X),
    "warnings": [str(w.message) for w in caught],
    "n_iter_": model.n_iter_,
    "loss_curve_": model.loss_curve_,
    "unchanged": all(np.array_equal(a, b) for a, b in zip(
        model.coefs_ + model.intercepts_ + [model._velocity], before))
        and model.t_ == t and model.loss_curve_ == loss_curve,
    "finite": all(np.isfinite(a).all() for a in model.coefs_ + model.intercepts_),
}), flush=True)
"""


def _read_line(process, deadline, startswith=""):
    """The next line of the child's stdout that starts so; fails at the deadline."""
    while True:
        ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
        assert ready, "the child process did not answer in time"
        line = process.stdout.readline()
        assert line, "the child process ended early: " + process.stderr.read()
        if line.startswith(startswith):
            return line


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
@pytest.mark.parametrize("mode", ["partial_fit", "fit"])
def test_ctrl_c_stops_a_long_kernel_epoch_within_a_second(mode):
    """Ctrl-C acts mid-epoch, with the outcome of an interrupt between epochs.

    fit keeps the last complete epoch (the signal comes during the second);
    partial_fit leaves the weights and the optimizer state as they were.
    Before, the kernel ran the epoch to its end first (14.5 s on a large one).
    """
    with subprocess.Popen(
        [sys.executable, "-c", LONG_EPOCH, mode], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
    ) as process:
        try:
            deadline = time.monotonic() + 120
            _read_line(process, deadline, "start")
            if mode == "fit":
                _read_line(process, deadline, "Iteration 1,")  # the first epoch is done
            time.sleep(1.0)  # well into the (next) epoch
            process.send_signal(signal.SIGINT)
            signalled = time.monotonic()
            report = json.loads(_read_line(process, deadline, "{"))
            elapsed = time.monotonic() - signalled
            assert process.wait(timeout=30) == 0, process.stderr.read()
        finally:
            process.kill()
    assert report["epoch_s"] > 3.0, report  # else the test would prove nothing
    assert elapsed < 2.0, (elapsed, report)
    print(f"{mode}: returned {elapsed:.2f} s after SIGINT; an epoch takes about {report['epoch_s']:.1f} s")
    assert any("Training interrupted by user" in w for w in report["warnings"]), report
    assert report["finite"]
    if mode == "fit":
        assert report["n_iter_"] == len(report["loss_curve_"]) == 1, report
    else:
        assert report["unchanged"], report


# ----------------------------------------------------------------- early stopping


def test_early_stopping_restores_best_epoch_when_scores_get_worse(monkeypatch):
    """A step too large makes the validation score fall after its best epoch."""
    model = regressor(
        learning_rate="constant", learning_rate_init=0.5, early_stopping=True, n_iter_no_change=5
    )
    record = []
    inject(monkeypatch, model, at_epoch=0, fault=None, record=record)
    # The large step saturates hidden units, and the fit says so.
    with pytest.warns(DegenerateFitWarning, match="sigmoid units of hidden layer 1 are saturated"):
        model.fit(X, y_reg)
    best = int(np.argmax(model.validation_scores_))
    assert best < len(model.validation_scores_) - 1, "the scores were expected to get worse"
    assert model.best_validation_score_ == model.validation_scores_[best]
    coefs, intercepts = record[best]
    for W, W_best in zip(model.coefs_ + model.intercepts_, coefs + intercepts):
        np.testing.assert_array_equal(W, W_best)


@pytest.mark.parametrize("make", [regressor, classifier], ids=["regressor", "classifier"])
def test_early_stopping_keeps_best_epoch_when_training_diverges(monkeypatch, make):
    model = make(early_stopping=True, n_iter_no_change=50, max_iter=50)
    y = y_reg if isinstance(model, SigmoidMLPRegressor) else y_clf
    record = []
    inject(monkeypatch, model, at_epoch=6, fault=poison, record=record)
    with pytest.warns(UserWarning, match="Training diverged in epoch 6.*Keeping the weights of the best epoch"):
        model.fit(X, y)
    assert model.n_iter_ == 5 == len(model.validation_scores_)
    best = int(np.argmax(model.validation_scores_))
    coefs, intercepts = record[best]
    for W, W_best in zip(model.coefs_ + model.intercepts_, coefs + intercepts):
        np.testing.assert_array_equal(W, W_best)
    assert np.isfinite(model._velocity).all()
    # The model predicts, and a later partial_fit starts from finite state.
    model.set_params(early_stopping=False)
    kwargs = {"classes": [0, 1]} if isinstance(model, SigmoidMLPClassifier) else {}
    model.partial_fit(X, y, **kwargs)
    assert all(np.isfinite(W).all() for W in model.coefs_)


def test_early_stopping_diverging_in_first_epoch_raises(monkeypatch):
    model = regressor(early_stopping=True)
    inject(monkeypatch, model, at_epoch=1, fault=poison)
    with pytest.raises(ValueError, match="Training diverged in epoch 1"):
        model.fit(X, y_reg)
    assert not hasattr(model, "coefs_")


def test_no_runtime_warnings_while_diverging():
    """Overflow inside a diverging fit is detected, not reported as numpy warnings."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(ValueError, match="Training diverged"):
            regressor(learning_rate_init=1e4).fit(X, y_reg)


@pytest.mark.parametrize("method", ["partial_fit", "fit-warm_start"])
def test_training_never_writes_into_arrays_the_estimator_held(method):
    """The transaction's premise: a call trains a copy, so the old arrays stay as they were."""
    model = regressor(max_iter=3, warm_start=True).fit(X, y_reg)
    held = model.coefs_ + model.intercepts_ + [model._velocity]
    copies = [A.copy() for A in held]
    if method == "partial_fit":
        model.partial_fit(X, y_reg)
    else:
        model.fit(X, y_reg)
    assert not np.array_equal(model.coefs_[0], copies[0])  # it did train
    for A, A_copy in zip(held, copies):
        np.testing.assert_array_equal(A, A_copy)
