"""scikit-learn's callbacks: a fit task with one sub-task per epoch.

The tests of the callback framework need scikit-learn >= 1.9; the last tests
load the fallback that older versions get and train with it.
"""

import importlib.util
import re
import sys
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

import sknn._base
import sknn._callbacks
from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

needs_callbacks = pytest.mark.skipif(
    not sknn._callbacks.CALLBACKS_SUPPORTED, reason="sklearn.callback needs scikit-learn >= 1.9"
)


class RecordingCallback:
    """A FitCallback that writes down every hook call, and can stop training."""

    def __init__(self, stop_after_epoch=None):
        self.stop_after_epoch = stop_after_epoch
        self.events = []

    def setup(self, estimator, context):
        self.events.append(("setup", context.task_name, None))

    def teardown(self, estimator, context):
        self.events.append(("teardown", context.task_name, None))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None, metadata=None):
        self.events.append(("begin", context.task_name, context.task_id))

    def on_fit_task_end(
        self, estimator, context, *, X=None, y=None, metadata=None, fitted_estimator=None
    ):
        self.events.append(("end", context.task_name, context.task_id))
        self.last_data = X, y, metadata
        if context.task_name == "epoch":
            self.epoch_models = getattr(self, "epoch_models", []) + [fitted_estimator]
            return context.task_id + 1 == self.stop_after_epoch
        return False

    def names(self):
        return [(hook, task) for hook, task, _ in self.events]


@pytest.fixture
def iris():
    X, y = load_iris(return_X_y=True)
    return MinMaxScaler().fit_transform(X), y


def _model(**params):
    defaults = dict(hidden_layer_sizes=(5,), max_iter=4, tol=0.0, n_iter_no_change=100, random_state=0)
    return SigmoidMLPClassifier(**{**defaults, **params})


@needs_callbacks
def test_fit_is_a_task_with_one_subtask_per_epoch(iris):
    X, y = iris
    callback = RecordingCallback()
    model = _model().set_callbacks(callback).fit(X, y)
    assert model.n_iter_ == 4
    assert callback.names() == (
        [("setup", "fit"), ("begin", "fit")]
        + [("begin", "epoch"), ("end", "epoch")] * 4
        + [("end", "fit"), ("teardown", "fit")]
    )
    assert [i for hook, task, i in callback.events if task == "epoch"] == [0, 0, 1, 1, 2, 2, 3, 3]
    # The context lives only during fit.
    assert not hasattr(model, "_callback_fit_ctx")


@needs_callbacks
def test_fitted_estimator_of_an_epoch_is_the_model_after_that_epoch(iris):
    # Epoch k of a 4-epoch fit is the same model as a fit with max_iter=k + 1.
    X, y = iris
    callback = RecordingCallback()
    model = _model().set_callbacks(callback).fit(X, y)
    for k, snapshot in enumerate(callback.epoch_models):
        reference = _model(max_iter=k + 1).fit(X, y)
        assert snapshot.n_iter_ == k + 1 and snapshot.loss_curve_ == reference.loss_curve_
        assert_allclose(snapshot.predict_proba(X), reference.predict_proba(X))
    assert_allclose(callback.epoch_models[-1].coefs_[0], model.coefs_[0])


@needs_callbacks
def test_callback_can_stop_training(iris):
    X, y = iris
    callback = RecordingCallback(stop_after_epoch=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # a requested stop is no failure
        model = _model().set_callbacks(callback).fit(X, y)
    assert model.n_iter_ == 2
    assert_allclose(model.coefs_[0], _model(max_iter=2).fit(X, y).coefs_[0])
    assert callback.names()[-2:] == [("end", "fit"), ("teardown", "fit")]


@needs_callbacks
def test_partial_fit_is_a_task_with_one_epoch(iris):
    X, y = iris
    callback = RecordingCallback()
    model = _model().set_callbacks(callback)
    for _ in range(2):
        model.partial_fit(X, y, classes=[0, 1, 2])
    one_call = [("setup", "fit"), ("begin", "fit"), ("begin", "epoch"), ("end", "epoch"),
                ("end", "fit"), ("teardown", "fit")]
    assert callback.names() == one_call * 2
    assert callback.epoch_models[1].t_ == 2 * len(y)


@needs_callbacks
def test_callbacks_see_the_data_and_the_callers_weights(iris):
    X, y = iris
    s = np.linspace(0.5, 1.5, len(y))
    callback = RecordingCallback()
    _model(class_weight={0: 2.0, 1: 1.0, 2: 1.0}).set_callbacks(callback).fit(X, y, sample_weight=s)
    X_seen, y_seen, metadata = callback.last_data
    assert_array_equal(X_seen, X)
    assert_array_equal(y_seen, y)
    assert_array_equal(metadata["sample_weight"], s)  # not multiplied by class_weight


@needs_callbacks
def test_failed_fit_tears_down_and_leaves_the_model(iris):
    X, y = iris
    callback = RecordingCallback()
    model = _model().set_callbacks(callback).fit(X, y)
    coefs = [W.copy() for W in model.coefs_]
    callback.events.clear()
    with pytest.raises(ValueError):
        model.partial_fit(X[:, :2], y)  # wrong number of features
    assert callback.names()[0] == ("setup", "fit") and callback.names()[-1] == ("teardown", "fit")
    assert not hasattr(model, "_callback_fit_ctx")
    assert_allclose(model.coefs_[0], coefs[0])


@needs_callbacks
def test_scoring_monitor_records_a_score_per_epoch(iris):
    from sklearn.callback import ScoringMonitor

    X, y = iris
    monitor = ScoringMonitor(scoring="accuracy")
    model = _model().set_callbacks(monitor).fit(X, y)
    rows = monitor.get_logs().data
    epochs = [row for row in rows if row["task_name"] == "epoch"]
    assert len(epochs) == model.n_iter_ == 4
    for k, row in enumerate(epochs):
        expected = accuracy_score(y, _model(max_iter=k + 1).fit(X, y).predict(X))
        assert row["accuracy"] == pytest.approx(expected)
    (fit_row,) = [row for row in rows if row["task_name"] == "fit"]
    assert fit_row["accuracy"] == pytest.approx(model.score(X, y))


@needs_callbacks
def test_scoring_monitor_in_a_grid_search_of_a_pipeline():
    from sklearn.callback import ScoringMonitor

    X, y = load_iris(return_X_y=True)
    monitor = ScoringMonitor(scoring="accuracy")
    model = _model(max_iter=3).set_callbacks(monitor)
    search = GridSearchCV(
        make_pipeline(MinMaxScaler(), model), {"sigmoidmlpclassifier__alpha": [1e-4, 1e-2]}, cv=2
    ).fit(X, y)
    rows = monitor.get_logs().data  # one run: the search
    # 2 candidates × 2 folds + the refit = 5 fits of 3 epochs, all scored.
    assert sum(row["task_name"] == "fit" for row in rows) == 5
    assert sum(row["task_name"] == "epoch" for row in rows) == 15
    assert all(0 <= row["accuracy"] <= 1 for row in rows)
    assert search.best_estimator_[-1].n_iter_ == 3


@needs_callbacks
@pytest.mark.filterwarnings("ignore:The estimator MinMaxScaler does not support callbacks")
@pytest.mark.parametrize("wrap", ["pipeline", "grid_search"])
def test_progress_bar_propagates_to_the_network(wrap, capsys):
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    X, y = load_iris(return_X_y=True)
    model = make_pipeline(MinMaxScaler(), _model(max_iter=3))
    if wrap == "grid_search":
        model = GridSearchCV(model, {"sigmoidmlpclassifier__alpha": [1e-4]}, cv=2)
    model.set_callbacks(ProgressBar(max_propagation_depth=None)).fit(X, y)
    out = capsys.readouterr().out
    assert re.search(r"SigmoidMLPClassifier - fit", out)
    assert re.search(r"100%", out) and not re.search(r"\b[0-9]{1,2}%", out)


@needs_callbacks
def test_regressor_and_early_stopping(iris):
    X, y = iris
    callback = RecordingCallback()
    model = SigmoidMLPRegressor(
        hidden_layer_sizes=(4,), max_iter=30, early_stopping=True, n_iter_no_change=2, random_state=0
    ).set_callbacks(callback).fit(X, X[:, 0])
    assert sum(name == ("end", "epoch") for name in callback.names()) == model.n_iter_
    last = callback.epoch_models[-1]
    assert last.validation_loss_curve_ == model.validation_loss_curve_


@needs_callbacks
def test_set_callbacks_rejects_non_callbacks():
    with pytest.raises(TypeError, match="FitCallback protocol"):
        _model().set_callbacks(object())


def _load_without_sklearn_callback(monkeypatch):
    """A fresh copy of sknn._callbacks as an older scikit-learn would import it."""
    monkeypatch.setitem(sys.modules, "sklearn.callback", None)  # import raises ImportError
    spec = importlib.util.spec_from_file_location("_old_callbacks", sknn._callbacks.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_older_scikit_learn_set_callbacks_says_what_is_needed(monkeypatch):
    old = _load_without_sklearn_callback(monkeypatch)
    assert not old.CALLBACKS_SUPPORTED

    class Estimator(old.CallbackSupport):
        pass

    with pytest.raises(ImportError, match=r"set_callbacks needs scikit-learn >= 1\.9"):
        Estimator().set_callbacks(RecordingCallback())


def test_older_scikit_learn_trains_the_same_without_callbacks(monkeypatch, iris):
    X, y = iris
    reference = _model().fit(X, y)
    old = _load_without_sklearn_callback(monkeypatch)
    monkeypatch.setattr(sknn._base, "fit_task", old.fit_task)
    model = _model().fit(X, y)
    assert not hasattr(model, "_callback_fit_ctx")
    assert_allclose(model.coefs_[0], reference.coefs_[0])
    model.partial_fit(X, y)
    assert model.n_iter_ == 1
