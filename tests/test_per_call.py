"""What one call pays for: the checks a stream of small calls skips, and what it keeps.

``partial_fit``, ``predict`` and small fits are paid per call, so a check
that is cheap per epoch can cost more than the arithmetic of a call (issue:
per-call cost). These tests hold the shortcuts to their promise: the same
results as the full checks, and every warning and error still raised.
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.utils._param_validation import InvalidParameterError

import sknn._diagnose
import sknn._divergence
import sknn._fit_loop
from sknn import DegenerateFitWarning, SigmoidMLPClassifier, SigmoidMLPRegressor
from sknn._diagnose import DIAGNOSE_EVERY

rng = np.random.RandomState(0)
X = rng.uniform(size=(400, 5))
y_class = (X[:, 0] + X[:, 1] > 1).astype(int)
y_reg = np.sin(3 * X[:, 0]) + X[:, 1]


def _counting(monkeypatch, module, name):
    calls = []
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_a_healthy_call_never_computes_the_start_cost(monkeypatch):
    calls = _counting(monkeypatch, sknn._fit_loop, "start_cost")
    model = SigmoidMLPRegressor(hidden_layer_sizes=(8,), random_state=0)
    for start in range(0, 400, 40):
        model.partial_fit(X[start:start + 40], y_reg[start:start + 40])
    assert calls == []


def test_divergence_is_still_caught_in_the_call_where_it_happens(monkeypatch):
    calls = _counting(monkeypatch, sknn._fit_loop, "start_cost")
    model = SigmoidMLPRegressor(hidden_layer_sizes=(8,), learning_rate="constant", random_state=0)
    model.partial_fit(X, y_reg)
    model._learning_rate = 50.0  # as if the stream's η had grown too large
    with pytest.raises(ValueError, match="Training diverged in epoch 1"):
        model.partial_fit(X, y_reg)
    assert len(calls) <= 1  # asked once, where the loss was far above the baseline


def test_a_stream_is_diagnosed_on_its_first_call_then_every_DIAGNOSE_EVERY_rows(monkeypatch):
    calls = _counting(monkeypatch, sknn._fit_loop, "diagnose")
    # (A call that a stopping rule ends is diagnosed too: no plateau rule here.)
    model = SigmoidMLPClassifier(hidden_layer_sizes=(8,), n_iter_no_change=np.inf, random_state=0)
    chunk, n_calls = 40, 3 * DIAGNOSE_EVERY // 40
    for i in range(n_calls):
        rows = slice(i * chunk % 400, i * chunk % 400 + chunk)
        model.partial_fit(X[rows], y_class[rows], classes=[0, 1])
    assert len(calls) == 1 + (n_calls - 1) * chunk // DIAGNOSE_EVERY
    model.set_params(max_iter=300).fit(X, y_class)  # every fit is diagnosed
    assert len(calls) == 2 + (n_calls - 1) * chunk // DIAGNOSE_EVERY


def test_an_unscaled_stream_still_warns():
    # X of scale 100 and a fixed step: the units saturate, and the stream's
    # diagnosis (its first call, then every DIAGNOSE_EVERY rows) says so.
    model = SigmoidMLPRegressor(learning_rate_init=0.03, random_state=0)
    with pytest.warns(DegenerateFitWarning, match=r"large scale.*MinMaxScaler"):
        for start in range(0, 400, 100):
            model.partial_fit(100 * X[start:start + 100], y_reg[start:start + 100])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_checked_arrays_give_what_the_full_checks_give(dtype):
    """A plain C-ordered array takes the shortcut; a list or F-ordered copy the full checks."""
    fast = SigmoidMLPClassifier(hidden_layer_sizes=(6,), random_state=0)
    full = SigmoidMLPClassifier(hidden_layer_sizes=(6,), random_state=0)
    Xd = X.astype(dtype)
    for start in range(0, 400, 50):
        rows = slice(start, start + 50)
        fast.partial_fit(Xd[rows], y_class[rows], classes=[0, 1])
        full.partial_fit(np.asfortranarray(Xd[rows]), list(y_class[rows]), classes=[0, 1])
    for a, b in zip(fast.coefs_ + fast.intercepts_, full.coefs_ + full.intercepts_):
        assert a.dtype == dtype
        assert_array_equal(a, b)
    assert_array_equal(fast.predict_proba(Xd), full.predict_proba(Xd.tolist()))


@pytest.mark.parametrize("bad, message", [(np.nan, "Input X contains NaN"),
                                          (np.inf, "Input X contains infinity")])
def test_a_plain_array_with_nan_or_inf_still_fails_clearly(bad, message):
    model = SigmoidMLPRegressor(hidden_layer_sizes=(4,), random_state=0).partial_fit(X, y_reg)
    X_bad = X.copy()
    X_bad[3, 2] = bad
    for call in (lambda: model.partial_fit(X_bad, y_reg), lambda: model.predict(X_bad)):
        with pytest.raises(ValueError, match=message):
            call()
    y_bad = y_reg.copy()
    y_bad[5] = bad
    with pytest.raises(ValueError, match=message.replace("X", "y")):
        model.partial_fit(X, y_bad)


def test_a_stream_validates_parameters_changed_between_calls():
    model = SigmoidMLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    model.partial_fit(X, y_class, classes=[0, 1])
    model.partial_fit(X, y_class)
    model.set_params(alpha=-1.0)
    with pytest.raises(InvalidParameterError, match="'alpha' parameter"):
        model.partial_fit(X, y_class)
    model.set_params(alpha=1e-4, momentum=2.0)
    with pytest.raises(InvalidParameterError, match="'momentum' parameter"):
        model.partial_fit(X, y_class)


def test_labels_of_a_fitted_classifier_take_no_type_check_but_are_still_checked():
    model = SigmoidMLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    model.partial_fit(X, np.where(y_class == 1, "b", "a"), classes=["a", "b"])
    with pytest.raises(ValueError, match=r"y contains labels not in classes_ \['a', 'b'\]: \['c'\]"):
        model.partial_fit(X[:3], np.array(["a", "b", "c"]))
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        SigmoidMLPClassifier().fit(X, y_class).partial_fit(X, y_reg)


def test_a_stream_appends_to_its_curves_instead_of_copying_them():
    # A copy per call would make each call of a long stream pay for its history.
    model = SigmoidMLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    model.partial_fit(X[:50], y_class[:50], classes=[0, 1])
    curve, rates = model.loss_curve_, model.learning_rate_curve_
    for start in range(50, 400, 50):
        model.partial_fit(X[start:start + 50], y_class[start:start + 50])
    assert model.loss_curve_ is curve and model.learning_rate_curve_ is rates
    assert len(curve) == len(rates) == 8


def test_a_call_failing_after_its_epoch_was_recorded_leaves_the_curves_as_they_were(monkeypatch):
    model = SigmoidMLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    model.partial_fit(X, y_class, classes=[0, 1])
    before = list(model.loss_curve_), list(model.learning_rate_curve_), model.t_

    def fail(self, training):
        raise RuntimeError("a rule failed")

    monkeypatch.setattr(sknn._fit_loop.Plateau, "on_epoch_end", fail)  # asked after the record
    with pytest.raises(RuntimeError, match="a rule failed"):
        model.partial_fit(X, y_class)
    assert (model.loss_curve_, model.learning_rate_curve_, model.t_) == before
