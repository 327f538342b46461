"""Behaviour of SigmoidMLPClassifier and SigmoidMLPRegressor as scikit-learn estimators.

Small data and small networks throughout: every test here runs in well under a
second or two.
"""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification, make_multilabel_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor

ignore_convergence = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _classification(n_classes=2, n_samples=120, random_state=0, class_sep=1.5):
    X, y = make_classification(
        n_samples=n_samples, n_features=6, n_informative=4, n_redundant=0,
        n_classes=n_classes, n_clusters_per_class=1, class_sep=class_sep,
        random_state=random_state,
    )
    return MinMaxScaler().fit_transform(X), y


def _regression(n_targets=1, n_samples=120):
    X, y = make_regression(
        n_samples=n_samples, n_features=5, n_informative=3, n_targets=n_targets,
        noise=1.0, random_state=0,
    )
    return MinMaxScaler().fit_transform(X), y / np.abs(y).max()


def _weights(model):
    return [a.copy() for a in model.coefs_ + model.intercepts_]


def _assert_same_weights(a, b, atol=0.0):
    assert len(a) == len(b)
    for u, v in zip(a, b):
        assert_allclose(u, v, rtol=0, atol=atol)


def _differ(a, b):
    return any(not np.array_equal(u, v) for u, v in zip(a, b))


# --------------------------------------------------------------------- model selection


def test_pipeline_in_grid_search_with_two_jobs():
    X, y = _classification(n_classes=3, n_samples=150)
    X = X * 50 - 10  # unscaled: the pipeline's MinMaxScaler has work to do
    pipe = Pipeline(
        [("scale", MinMaxScaler()), ("mlp", SigmoidMLPClassifier(max_iter=30, random_state=0))]
    )
    grid = GridSearchCV(
        pipe,
        {"mlp__hidden_layer_sizes": [(5,), (15,)], "mlp__alpha": [1e-4, 1e-2]},
        cv=3,
        n_jobs=2,
        error_score="raise",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        grid.fit(X, y)
    assert set(grid.cv_results_["params"][0]) == {"mlp__hidden_layer_sizes", "mlp__alpha"}
    assert len(grid.cv_results_["mean_test_score"]) == 4
    assert grid.best_score_ > 0.85
    assert grid.best_estimator_.score(X, y) > 0.85


# --------------------------------------------------------------------- partial_fit


def test_streaming_partial_fit_reaches_the_quality_of_fit():
    X, y = _classification(n_classes=3, n_samples=600, random_state=1, class_sep=2.0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0, stratify=y)
    n_epochs = 20
    params = dict(hidden_layer_sizes=(20,), random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        full = SigmoidMLPClassifier(max_iter=n_epochs, tol=0, n_iter_no_change=np.inf, **params)
        full.fit(X_train, y_train)
    assert full.n_iter_ == n_epochs

    stream = SigmoidMLPClassifier(**params)
    chunks = np.array_split(np.arange(len(y_train)), 4)
    for _ in range(n_epochs):  # the same number of passes over all the data
        for rows in chunks:
            stream.partial_fit(X_train[rows], y_train[rows], classes=[0, 1, 2])
    assert stream.n_iter_ == 1  # n_iter_ counts the epochs of the last call
    fit_score, stream_score = full.score(X_test, y_test), stream.score(X_test, y_test)
    assert fit_score > 0.95
    assert stream_score >= fit_score - 0.02  # three test rows of 150


def test_partial_fit_classes():
    X, y = _classification(n_classes=3)
    model = SigmoidMLPClassifier(hidden_layer_sizes=(4,), random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        model.partial_fit(X, y)
    assert not hasattr(model, "coefs_")

    # A first chunk without class 2 is fine when classes names it.
    first = y != 2
    model.partial_fit(X[first], y[first], classes=[0, 1, 2])
    assert_array_equal(model.classes_, [0, 1, 2])
    assert model.coefs_[-1].shape[1] == 3
    # dask-ml passes classes on every call: the same classes again are accepted...
    model.partial_fit(X, y, classes=np.array([2, 0, 1]))
    model.partial_fit(X, y)  # ...and so is leaving them out
    before = _weights(model)

    with pytest.raises(ValueError, match=r"labels not in classes_ \[0, 1, 2\]: \[7\]"):
        model.partial_fit(X, np.where(y == 2, 7, y))
    with pytest.raises(ValueError, match=r"classes=\[0, 1, 2, 3\] differs.*\[0, 1, 2\]"):
        model.partial_fit(X, y, classes=[0, 1, 2, 3])
    _assert_same_weights(_weights(model), before)  # failed calls changed nothing


def test_partial_fit_rejects_early_stopping():
    X, y = _classification()
    model = SigmoidMLPClassifier(early_stopping=True)
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping=True"):
        model.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="early_stopping"):
        SigmoidMLPRegressor(early_stopping=True).partial_fit(*_regression())


def test_partial_fit_replays_identically_and_reshuffles_each_call():
    X, y = _classification()
    params = dict(hidden_layer_sizes=(5,), batch_size=10, momentum=0.0, random_state=3)

    def stream(model):
        for rows in np.array_split(np.arange(len(y)), 3):
            model.partial_fit(X[rows], y[rows], classes=[0, 1])
        return _weights(model)

    # The same calls on a fresh estimator with the same random_state: the same weights.
    _assert_same_weights(
        stream(SigmoidMLPClassifier(**params)), stream(SigmoidMLPClassifier(**params))
    )

    # Two successive calls on the same data, each started from the same weights:
    # with momentum 0 and a constant step only the order of the rows can make
    # them differ, so different results mean different shuffles.
    model = SigmoidMLPClassifier(**params).partial_fit(X, y, classes=[0, 1])
    start = _weights(model)
    model.partial_fit(X, y)
    after_second = _weights(model)
    n = len(model.coefs_)
    model.coefs_, model.intercepts_ = [a.copy() for a in start[:n]], [a.copy() for a in start[n:]]
    model.partial_fit(X, y)
    assert _differ(_weights(model), after_second)
    # Without shuffling the same start gives the same epoch.
    model.set_params(shuffle=False)
    model.coefs_, model.intercepts_ = [a.copy() for a in start[:n]], [a.copy() for a in start[n:]]
    model.partial_fit(X, y)
    once = _weights(model)
    model.coefs_, model.intercepts_ = [a.copy() for a in start[:n]], [a.copy() for a in start[n:]]
    model.partial_fit(X, y)
    _assert_same_weights(_weights(model), once)


# --------------------------------------------------------------------- training control


def test_early_stopping_restores_the_best_weights():
    X, y = _classification(n_classes=3, n_samples=200)
    model = SigmoidMLPClassifier(
        hidden_layer_sizes=(5,), early_stopping=True, validation_fraction=0.3,
        n_iter_no_change=3, max_iter=200, random_state=0,
    )
    # Record what the model is scored on, and the weights it scores (those
    # being trained) at each score.
    seen = []
    score = model._score

    def recording_score(X_val, Y_val, y_val, sample_weight=None, network=None):
        coefs, intercepts = network
        seen.append((X_val, y_val, [a.copy() for a in coefs + intercepts]))
        return score(X_val, Y_val, y_val, sample_weight, network=network)

    model._score = recording_score
    model.fit(X, y)
    del model._score

    scores = model.validation_scores_
    assert len(scores) == len(seen) == model.n_iter_ < 200
    assert model.best_validation_score_ == max(scores)
    best = int(np.argmax(scores))
    assert best < len(scores) - 1  # training went on past the best epoch...
    X_val, y_val, best_weights = seen[best]
    assert X_val.shape[0] == 60
    _assert_same_weights(_weights(model), best_weights)  # ...and came back to it
    assert _differ(_weights(model), seen[-1][2])
    assert model.score(X_val, y_val) == model.best_validation_score_


@ignore_convergence
def test_warm_start_continues_and_cold_start_reinitialises():
    X, y = _regression()
    # Bit for bit needs y as given: target_std's rescaling of the output layer
    # before and after each call rounds (test_target_std_warm_start_continues).
    params = dict(
        hidden_layer_sizes=(6,), momentum=0.0, shuffle=False, learning_rate="constant",
        tol=0, n_iter_no_change=np.inf, random_state=0, target_std=None,
    )
    ten = SigmoidMLPRegressor(max_iter=10, **params).fit(X, y)
    warm = SigmoidMLPRegressor(max_iter=5, warm_start=True, **params).fit(X, y)
    five = _weights(warm)
    warm.fit(X, y)
    _assert_same_weights(_weights(warm), _weights(ten))
    assert len(warm.loss_curve_) == 10
    assert_allclose(warm.loss_curve_, ten.loss_curve_, rtol=0, atol=0)

    cold = SigmoidMLPRegressor(max_iter=5, **params).fit(X, y)
    cold.fit(X, y)  # starts again from the random_state's initial weights
    _assert_same_weights(_weights(cold), five)
    assert len(cold.loss_curve_) == 5


@ignore_convergence
def test_loss_curve_is_the_cost_of_the_initial_weights():
    """One full-batch epoch without momentum: loss_ is C at the initial weights.

    C = (1/m) Σᵢ sᵢ lossᵢ + (α/2m) Σ‖W‖², computed here from scratch.
    """
    X, y = _classification(n_classes=3, n_samples=40)
    sample_weight = np.linspace(0.5, 2.0, len(y))
    params = dict(hidden_layer_sizes=(4,), alpha=0.3, batch_size=100, momentum=0.0,
                  max_iter=1, random_state=5)
    # η = 1e-300 leaves every weight at its initial value: the initialisation.
    # (init='data' places the start with the sample weights: give init the same.)
    init = SigmoidMLPClassifier(learning_rate_init=1e-300, **params).fit(X, y, sample_weight)
    model = SigmoidMLPClassifier(learning_rate_init=0.5, **params).fit(X, y, sample_weight)

    W1, W2 = init.coefs_
    b1, b2 = init.intercepts_
    A1 = 1 / (1 + np.exp(-(X @ W1 + b1)))
    Z2 = A1 @ W2 + b2
    P = np.exp(Z2) / np.exp(Z2).sum(axis=1, keepdims=True)
    losses = -np.log(P[np.arange(len(y)), y])
    m = sample_weight.sum()
    C = sample_weight @ losses / m + 0.3 / (2 * m) * ((W1**2).sum() + (W2**2).sum())
    assert model.loss_ == pytest.approx(C, rel=1e-12)
    assert model.loss_curve_ == [model.loss_]
    assert _differ(_weights(model), _weights(init))


def test_convergence_warning_when_max_iter_ends_training():
    X, y = _classification()
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\)"):
        SigmoidMLPClassifier(hidden_layer_sizes=(3,), max_iter=3, random_state=0).fit(X, y)


def test_no_convergence_warning_when_the_loss_stalls():
    X, y = _classification()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = SigmoidMLPClassifier(hidden_layer_sizes=(3,), tol=10.0, random_state=0).fit(X, y)
    # Epoch 1 sets the best loss; training stops once more than n_iter_no_change
    # epochs in a row failed to beat it by tol (as scikit-learn's MLP).
    assert model.n_iter_ == model.n_iter_no_change + 2


@ignore_convergence
def test_verbose_prints_one_line_per_epoch(capsys):
    X, y = _classification()
    model = SigmoidMLPClassifier(hidden_layer_sizes=(3,), max_iter=4, verbose=True).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    for epoch, (line, loss) in enumerate(zip(lines, model.loss_curve_), start=1):
        assert line == f"Iteration {epoch}, loss = {loss:.8f}"


def test_non_finite_training_raises_and_leaves_the_model_unchanged():
    X, y = make_regression(n_samples=50, n_features=4, random_state=0)
    X = X * 1000  # unscaled
    model = SigmoidMLPRegressor(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X / 1000, y / 100)
    before = _weights(model)
    # The loss grows by ~10³⁰ per epoch and overflows within a dozen epochs.
    model.set_params(learning_rate_init=1e6, max_iter=100)
    with pytest.raises(ValueError, match=r"diverged.*learning_rate_init=1000000\.0"):
        model.fit(X, y)
    _assert_same_weights(_weights(model), before)
    assert np.isfinite(model.predict(X / 1000)).all()


# --------------------------------------------------------------------- tasks and outputs


@ignore_convergence
def test_binary_uses_one_output_unit():
    X, y = _classification()
    labels = np.array(["no", "yes"])[y]
    model = SigmoidMLPClassifier(hidden_layer_sizes=(5,), random_state=0).fit(X, labels)
    assert model.coefs_[-1].shape == (5, 1)
    assert model.out_activation_ == "logistic"
    proba = model.predict_proba(X)
    assert proba.shape == (len(y), 2)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])
    assert model.score(X, labels) > 0.9
    assert_allclose(model.predict_log_proba(X), np.log(proba))


@ignore_convergence
@pytest.mark.parametrize(
    "loss, out_activation", [("log_loss", "softmax"), ("squared_error", "logistic")]
)
def test_multiclass_probabilities_sum_to_one(loss, out_activation):
    X, y = _classification(n_classes=4, n_samples=160)
    model = SigmoidMLPClassifier(hidden_layer_sizes=(8,), loss=loss, random_state=0).fit(X, y)
    assert model.out_activation_ == out_activation
    assert model.coefs_[-1].shape == (8, 4)
    proba = model.predict_proba(X)
    assert proba.shape == (160, 4)
    assert (proba >= 0).all()
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])
    assert model.score(X, y) > 0.8


@ignore_convergence
def test_multilabel_uses_independent_sigmoid_outputs():
    X, Y = make_multilabel_classification(
        n_samples=150, n_features=6, n_classes=3, n_labels=2, random_state=0
    )
    X = MinMaxScaler().fit_transform(X)
    model = SigmoidMLPClassifier(hidden_layer_sizes=(10,), random_state=0).fit(X, Y)
    assert model.out_activation_ == "logistic"
    assert model.coefs_[-1].shape == (10, 3)
    assert_array_equal(model.classes_, [0, 1, 2])
    predicted = model.predict(X)
    assert predicted.shape == Y.shape
    assert set(np.unique(predicted)) <= {0, 1}
    proba = model.predict_proba(X)
    assert proba.shape == Y.shape
    assert ((proba >= 0) & (proba <= 1)).all()
    assert not np.allclose(proba.sum(axis=1), 1.0)  # not normalised: one probability per label
    assert_array_equal(predicted, (proba > 0.5).astype(int))
    assert (predicted == Y).mean() > 0.8


@ignore_convergence
@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_sparse_multilabel_y_trains_as_the_dense_indicator_matrix(fmt, early_stopping):
    """A sparse indicator matrix y (scikit-learn's MLPClassifier accepts it) is the dense one."""
    X, Y = make_multilabel_classification(
        n_samples=120, n_features=5, n_classes=3, n_labels=2, random_state=0
    )
    X = MinMaxScaler().fit_transform(X)
    params = dict(hidden_layer_sizes=(6,), max_iter=5, early_stopping=early_stopping, random_state=0)
    dense = SigmoidMLPClassifier(**params).fit(X, Y)
    sparse = SigmoidMLPClassifier(**params).fit(X, sp.csr_matrix(Y).asformat(fmt))
    for W, W_dense in zip(_weights(sparse), _weights(dense)):
        assert_array_equal(W, W_dense)
    assert_array_equal(sparse.classes_, dense.classes_)
    assert_array_equal(sparse.predict(X), dense.predict(X))
    if early_stopping:
        assert sparse.validation_scores_ == dense.validation_scores_
    if not early_stopping:  # and a stream of sparse chunks as the dense stream
        streams = []
        for chunk in (lambda A: A, lambda A: sp.csr_matrix(A).asformat(fmt)):
            model = SigmoidMLPClassifier(hidden_layer_sizes=(6,), random_state=0)
            for rows in np.array_split(np.arange(len(X)), 3):
                model.partial_fit(X[rows], chunk(Y[rows]), classes=[0, 1, 2])
            streams.append(model)
        for W, W_dense in zip(_weights(streams[1]), _weights(streams[0])):
            assert_array_equal(W, W_dense)


@ignore_convergence
def test_multi_output_regression():
    X, Y = _regression(n_targets=2)
    model = SigmoidMLPRegressor(hidden_layer_sizes=(10,), random_state=0).fit(X, Y)
    assert model.coefs_[-1].shape == (10, 2)
    assert model.n_outputs_ == 2
    assert model.predict(X).shape == (len(X), 2)
    assert model.score(X, Y) > 0.9
    single = SigmoidMLPRegressor(hidden_layer_sizes=(3,), max_iter=5, random_state=0).fit(
        X, Y[:, 0]
    )
    assert single.predict(X).shape == (len(X),)


# --------------------------------------------------------------------- input handling


@ignore_convergence
def test_float32_in_float32_out():
    X, y = _classification(n_classes=3)
    X32 = X.astype(np.float32)
    clf = SigmoidMLPClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0).fit(X32, y)
    assert all(a.dtype == np.float32 for a in _weights(clf))
    assert clf.predict_proba(X32).dtype == np.float32
    X_r, y_r = _regression()
    reg = SigmoidMLPRegressor(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
    reg.fit(X_r.astype(np.float32), y_r.astype(np.float32))
    assert all(a.dtype == np.float32 for a in _weights(reg))
    assert reg.predict(X_r.astype(np.float32)).dtype == np.float32
    # float32 training follows the float64 one closely.
    reg64 = SigmoidMLPRegressor(hidden_layer_sizes=(5,), max_iter=5, random_state=0).fit(X_r, y_r)
    _assert_same_weights(_weights(reg), _weights(reg64), atol=1e-4)


@ignore_convergence
def test_dataframe_input_sets_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = _classification()
    columns = [f"f{i}" for i in range(X.shape[1])]
    df = pd.DataFrame(X, columns=columns)
    model = SigmoidMLPClassifier(hidden_layer_sizes=(3,), max_iter=3).fit(df, pd.Series(y))
    assert_array_equal(model.feature_names_in_, columns)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        model.predict(df)
    with pytest.warns(UserWarning, match="feature names"):
        model.predict(X)


@ignore_convergence
def test_clear_errors_for_bad_input():
    X, y = _classification()
    model = SigmoidMLPClassifier(hidden_layer_sizes=(3,), max_iter=2).fit(X, y)
    with pytest.raises(
        ValueError, match="X has 5 features, but SigmoidMLPClassifier is expecting 6"
    ):
        model.predict(X[:, :5])
    X_nan = X.copy()
    X_nan[3, 2] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        SigmoidMLPClassifier().fit(X_nan, y)
    with pytest.raises(ValueError, match=r"at least 2 classes.*only one class: 1\.$"):
        SigmoidMLPClassifier().fit(X, np.ones(len(y), dtype=int))
    with pytest.raises(ValueError, match="Unknown label type"):
        SigmoidMLPClassifier().fit(X, np.linspace(0, 1, len(y)))
    with pytest.raises(ValueError, match="output_activation='sigmoid' needs targets in"):
        SigmoidMLPRegressor(output_activation="sigmoid").fit(X, 2.0 * y)
    # Newer scikit-learn rejects all-zero weights itself; 1.6 and 1.7 leave it to sknn.
    with pytest.raises(ValueError, match="[Ss]ample weights|sample_weight sums to zero"):
        SigmoidMLPClassifier().fit(X, y, sample_weight=np.zeros(len(y)))
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        SigmoidMLPClassifier(hidden_layer_sizes=(3, 0)).fit(X, y)
    # A failed call leaves a fitted model as it was.
    before = _weights(model)
    with pytest.raises(ValueError):
        model.partial_fit(X_nan, y)
    _assert_same_weights(_weights(model), before)
