"""A first fit learns, or says why not.

The defaults learn on small curved problems where the textbook network used
to return a straight line or a constant, and every failure mode has a named
outcome: divergence raises, a collapsed or saturated network warns with
DegenerateFitWarning, a plateau the stopping rule stopped at warns with
PlateauWarning, and ConvergenceWarning means the loss was still improving.
The full table over 5 folds and 3 seeds is benchmarks/defaults.py; here one
split per seed keeps the suite quick.
"""

import re
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
import scipy.sparse as sp
from _state import assert_unchanged, snapshot
from numpy.testing import assert_allclose
from sklearn.datasets import (
    load_diabetes, load_iris, make_friedman1, make_moons, make_regression,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from sknn import DegenerateFitWarning, PlateauWarning, SigmoidMLPClassifier, SigmoidMLPRegressor
from sknn._backprop import weighted_input
from sknn._curvature import jacobian_bound
from sknn._finite_differences import central_differences
from sknn._parameters import pack
from sknn._plateau import TrainingLoss
from sknn._sgd import auto_learning_rate


def _sin3x(n=500, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.uniform(-2, 2, size=(n, 1))
    return x, np.sin(3 * x[:, 0]) + rng.normal(scale=0.1, size=n)


def _held_out_score(estimator, X, y, seed):
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=seed)
    if "random_state" in estimator.get_params():
        estimator.set_params(random_state=seed)
    model = make_pipeline(MinMaxScaler(), estimator)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(X_train, y_train)
    sknn_warnings = [w for w in caught if issubclass(w.category, (ConvergenceWarning, UserWarning))]
    return model.score(X_test, y_test), sknn_warnings


# ----------------------------------------------------------------- defaults that learn


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_default_regressor_fits_a_curve(seed):
    """sin(3x): the old defaults scored R² 0.12 (a nearly straight line)."""
    score, caught = _held_out_score(SigmoidMLPRegressor(), *_sin3x(seed=seed), seed)
    assert score > 0.9
    assert not [w for w in caught if issubclass(w.category, DegenerateFitWarning)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_default_classifier_bends_around_the_moons(seed):
    """make_moons: the old defaults stopped on a straight line (accuracy 0.86)."""
    X, y = make_moons(500, noise=0.2, random_state=0)
    score, caught = _held_out_score(SigmoidMLPClassifier(), X, y, seed)
    assert score > 0.93
    assert not caught  # converged: no warning of any kind


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_default_regressor_learns_large_targets(seed):
    """diabetes (y from 25 to 346): the old defaults predicted a constant (R² −0.03).

    A noisy, nearly linear problem: the network must do about as well as a
    linear model on the same split, neither a constant nor an over-fit.
    """
    X, y = load_diabetes(return_X_y=True)
    score, caught = _held_out_score(SigmoidMLPRegressor(), X, y, seed)
    linear, _ = _held_out_score(Ridge(alpha=1e-3), X, y, seed)
    assert score > linear - 0.05
    assert not [w for w in caught if issubclass(w.category, DegenerateFitWarning)]


# 30 epochs compare the two fits; they need not converge.
@pytest.mark.filterwarnings("ignore:Stochastic Optimizer:sklearn.exceptions.ConvergenceWarning")
def test_target_std_predicts_in_the_units_of_y():
    """Training on y or on 1000 y + 5 is the same fit, mapped to y's units."""
    X, y = _sin3x(n=200)
    X = MinMaxScaler().fit_transform(X)
    params = dict(hidden_layer_sizes=(10,), max_iter=30, random_state=0)
    small = SigmoidMLPRegressor(**params).fit(X, y)
    large = SigmoidMLPRegressor(**params).fit(X, 1000 * y + 5)
    assert_allclose(large.predict(X), 1000 * small.predict(X) + 5, rtol=1e-6)
    assert_allclose(large.loss_curve_, small.loss_curve_, rtol=1e-6)  # in units of Var(y)
    # Without rescaling, the identity output learns the two differently.
    plain = SigmoidMLPRegressor(target_std=None, **params)
    with pytest.warns(DegenerateFitWarning, match="predictions do not depend on X"):
        plain.fit(X, 1000 * y + 5)
    assert not np.allclose(plain.predict(X), 1000 * plain.fit(X, y).predict(X) + 5, rtol=1e-2)


# A fixed number of epochs (tol=0, n_iter_no_change=inf) is the point here.
@pytest.mark.filterwarnings("ignore:Stochastic Optimizer:sklearn.exceptions.ConvergenceWarning")
def test_target_std_warm_start_continues():
    """Rescaling the output layer before and after each call loses only rounding."""
    X, y = _sin3x(n=200)
    X = MinMaxScaler().fit_transform(X)
    # (momentum 0: a fit, warm or not, restarts the velocity, as scikit-learn's.)
    params = dict(hidden_layer_sizes=(6,), shuffle=False, learning_rate="constant",
                  momentum=0.0, tol=0, n_iter_no_change=np.inf, random_state=0)
    ten = SigmoidMLPRegressor(max_iter=10, **params).fit(X, y)
    warm = SigmoidMLPRegressor(max_iter=5, warm_start=True, **params).fit(X, y)
    warm.set_params(max_iter=5).fit(X, y)
    for a, b in zip(warm.coefs_ + warm.intercepts_, ten.coefs_ + ten.intercepts_):
        assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert warm.learning_rate_init_ == ten.learning_rate_init_  # 'auto' of the first fit


# The fits at the end train 2 or 3 epochs to check η; they need not converge.
@pytest.mark.filterwarnings("ignore:Stochastic Optimizer:sklearn.exceptions.ConvergenceWarning")
def test_auto_learning_rate_follows_the_curvature():
    """η = 1/(2λ̂), λ̂ = κ E[λ_max(J Jᵀ)]: the bound is the curvature along the worst direction."""
    assert auto_learning_rate(26.0, "squared_error", "identity") == pytest.approx(0.5 / 26)
    assert auto_learning_rate(26.0, "log_loss", "logistic") == pytest.approx(2 / 26)
    # The bound against the curvature itself: a linear model's Hessian of the
    # squared error is E[x̃ x̃ᵀ]; the bound lies above its largest eigenvalue.
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(200, 3))
    X_tilde = np.c_[X, np.ones(200)]
    hessian = X_tilde.T @ X_tilde / 200
    bound = jacobian_bound(X, [np.zeros((3, 1))], [np.zeros(1)], "identity")
    assert np.linalg.eigvalsh(hessian)[-1] <= bound <= 2 * np.linalg.eigvalsh(hessian)[-1]
    # A hidden layer: the bound is E λ_max(J Jᵀ) of the Jacobian by finite differences.
    coefs = [rng.normal(size=(3, 4)), rng.normal(size=(4, 2))]
    intercepts = [rng.normal(size=4), rng.normal(size=2)]
    theta, views_W, views_b = pack(coefs, intercepts, np.float64)

    def z_out(x):
        return weighted_input(1 / (1 + np.exp(-(x @ views_W[0] + views_b[0]))), views_W[1], views_b[1])

    lambdas = []
    for x in X[:20]:
        J = central_differences(lambda: z_out(x[None])[0], theta, 1e-6).T  # 2 × len(θ)
        lambdas.append(np.linalg.eigvalsh(J @ J.T)[-1])
    assert jacobian_bound(X[:20], coefs, intercepts, "softmax") == pytest.approx(
        np.mean(lambdas), rel=1e-6
    )
    # The estimator trains with the η it reports, from its first epoch on.
    X, y = make_moons(200, noise=0.2, random_state=0)
    model = SigmoidMLPClassifier(max_iter=3, random_state=0).fit(MinMaxScaler().fit_transform(X), y)
    assert model.learning_rate_curve_ == [model.learning_rate_init_] * 3
    explicit = SigmoidMLPClassifier(learning_rate_init=0.2, max_iter=2, random_state=0)
    assert explicit.fit(X, y).learning_rate_init_ == 0.2


def test_auto_step_is_stable_on_unscaled_inputs():
    """X up to 1e3 and a tiny network: the first layer's curvature sets the step."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(40, 3)) * 1e3
    y = (X[:, 0] > 0).astype(int)
    for hidden in [(1,), (2,), (3, 2)]:
        model = SigmoidMLPClassifier(hidden_layer_sizes=hidden, batch_size=1, max_iter=4,
                                     random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X, y)  # used to raise "Training diverged" with the output layer's step
        assert np.isfinite(model.loss_curve_).all()


def test_data_init_places_units_on_the_data_at_any_scale():
    """init='data': every hidden unit's z has spread init_scale over the rows, and crosses 0."""
    X, y = make_friedman1(300, random_state=0)
    for scale in (1.0, 1000.0):
        model = SigmoidMLPRegressor(max_iter=1, learning_rate_init=1e-300, random_state=0)
        model.fit(X * scale, y)  # a step of 1e-300 leaves the initial weights
        Z = X * scale @ model.coefs_[0] + model.intercepts_[0]
        assert_allclose(Z.std(axis=0), 1.0, rtol=1e-6)  # init_scale of the regressor
        assert ((Z > 0).any(axis=0) & (Z < 0).any(axis=0)).all()  # each step lies in the data
    glorot = SigmoidMLPRegressor(init="glorot", max_iter=1, learning_rate_init=1e-300,
                                 random_state=0).fit(X, y)
    # Glorot's start: z barely varies over the rows, σ is nearly linear.
    assert (X @ glorot.coefs_[0]).std(axis=0).max() < 0.5


# Rows that do not vary: all alike, or a single row of positive weight (the
# weighted mean of one row is the row only to rounding).
_one_weighted_row = np.zeros(30)
_one_weighted_row[4] = 0.3
ROWS_THAT_DO_NOT_VARY = {
    "all-alike": (np.full((50, 3), 0.3), None),
    "one-weighted-row": (np.random.RandomState(1).uniform(size=(30, 3)), _one_weighted_row),
}


@pytest.mark.parametrize("hidden", [(5,), (5, 4)])
@pytest.mark.parametrize("Estimator", [SigmoidMLPClassifier, SigmoidMLPRegressor])
@pytest.mark.parametrize("rows", list(ROWS_THAT_DO_NOT_VARY))
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # 5 epochs
def test_data_init_on_rows_that_do_not_vary(rows, Estimator, hidden):
    """No spread to place the steps on: the weights stay the unscaled draw, not 1e16.

    The spread along a direction is then a rounding residue of the mean; taken
    for a spread, it gave weights of 1e16, training diverged, and the kernel
    and the reference (sparse X) told different stories.
    """
    X, sample_weight = ROWS_THAT_DO_NOT_VARY[rows]
    y = np.arange(len(X)) % 2 if Estimator is SigmoidMLPClassifier else np.linspace(0, 1, len(X))

    def fit(X, **params):
        model = Estimator(hidden_layer_sizes=hidden, max_iter=5, random_state=0, **params)
        if rows != "all-alike":
            return model.fit(X, y, sample_weight=sample_weight)
        with pytest.warns(DegenerateFitWarning, match="predictions do not depend on X"):
            return model.fit(X, y, sample_weight=sample_weight)

    start = fit(X, learning_rate_init=1e-300)  # a step of 1e-300 leaves the initial weights
    # The unscaled draw: init_scale × N(0, 1) / max|x| (and |a| ≤ 1 in deeper layers).
    bound = 10 * start.init_scale / np.abs(X).max()
    assert max(np.abs(W).max() for W in start.coefs_[:-1]) < bound
    dense, reference = fit(X), fit(sp.csr_matrix(X))  # the kernel, the reference
    for W, W_ref in zip(dense.coefs_ + dense.intercepts_, reference.coefs_ + reference.intercepts_):
        assert_allclose(W, W_ref, rtol=1e-10, atol=1e-12)
    assert max(np.abs(W).max() for W in dense.coefs_) < 1e3


# ----------------------------------------------------------------- failure modes


def test_finite_divergence_raises_within_a_few_epochs():
    """The issue's case: the loss went 6e11, 1.8e24, ... and fit 'ended normally'."""
    X, y = load_iris(return_X_y=True)
    model = SigmoidMLPRegressor(learning_rate_init=10, random_state=0)
    with pytest.raises(ValueError, match=r"Training diverged in epoch [1-3]: the loss .* exploded"):
        model.fit(X / 8, y)
    assert not hasattr(model, "coefs_")
    # partial_fit stays a transaction: the fitted model is unchanged.
    model = SigmoidMLPRegressor(learning_rate="constant", random_state=0).partial_fit(X / 8, y)
    model._learning_rate = 10.0  # as if the stream's η had grown too large
    before = snapshot(model)
    with pytest.raises(ValueError, match="Training diverged in epoch 1"):
        model.partial_fit(X / 8, y)
    assert_unchanged(model, before)


def test_collapse_to_a_constant_warns():
    """Unscaled X (friedman1 × 100) with the old fixed step: a constant, and sknn says so."""
    X, y = make_friedman1(500, random_state=0)
    with pytest.warns(DegenerateFitWarning, match=r"large scale.*MinMaxScaler"):
        model = SigmoidMLPRegressor(learning_rate_init=0.03, random_state=0).fit(X * 100, y)
    assert model.score(X * 100, y) < 0.6  # the warning is true
    # 'auto' sees the first layer's curvature grow with x² and steps accordingly;
    # scaled, the same defaults learn too.
    with warnings.catch_warnings():
        warnings.simplefilter("error", DegenerateFitWarning)
        unscaled = SigmoidMLPRegressor(random_state=0).fit(X * 100, y)
        scaled = make_pipeline(MinMaxScaler(), SigmoidMLPRegressor(random_state=0)).fit(X, y)
    assert unscaled.score(X * 100, y) > 0.95 and scaled.score(X, y) > 0.95
    assert unscaled.learning_rate_init_ < scaled[-1].learning_rate_init_ / 10


def test_saturated_hidden_units_warn():
    """friedman1, standardised y, η = 0.1: the first epochs throw the units into σ's tails."""
    X, y = make_friedman1(500, random_state=0)
    X = MinMaxScaler().fit_transform(X)
    y = (y - y.mean()) / y.std()
    with pytest.warns(DegenerateFitWarning, match=r"of the 100 sigmoid units of hidden layer 1 "
                      r"are saturated.*learning_rate_init"):
        model = SigmoidMLPRegressor(learning_rate_init=0.1, random_state=0).fit(X, y)
    A1 = 1 / (1 + np.exp(-(X @ model.coefs_[0] + model.intercepts_[0])))
    assert (A1 * (1 - A1) < 1e-4).mean(axis=0).mean() > 0.5  # the warning is true


def test_saturation_under_auto_says_to_step_below_the_step_it_chose():
    """Three units: the 'auto' step (η ≈ 0.26) throws them into σ's tails; half of it learns."""
    X, Y = make_regression(120, n_features=5, n_informative=3, n_targets=2, noise=1.0,
                           random_state=0)
    X, y = MinMaxScaler().fit_transform(X), Y[:, 0] / np.abs(Y[:, 0]).max()
    model = SigmoidMLPRegressor(hidden_layer_sizes=(3,), max_iter=200, random_state=4)
    with pytest.warns(DegenerateFitWarning, match=r"below the step 'auto' chose for this fit "
                      r"\(η = 0\.26\d\)") as record:
        model.fit(X, y)
    assert "use learning_rate_init='auto'" not in str(record[0].message)  # it does already
    assert model.score(X, y) < 0.1  # the warning is true
    lower = SigmoidMLPRegressor(hidden_layer_sizes=(3,), max_iter=200, random_state=4,
                                learning_rate_init=model.learning_rate_init_ / 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert lower.fit(X, y).score(X, y) > 0.95  # and so is its advice


def test_plateau_stop_is_told_apart_from_convergence():
    X, y = make_moons(300, noise=0.2, random_state=0)
    X = MinMaxScaler().fit_transform(X)
    # Glorot's near-linear start and a tiny step: the loss sits at log 2.
    stuck = SigmoidMLPClassifier(init="glorot", learning_rate_init=1e-4, n_iter_no_change=5,
                                 random_state=0)
    with pytest.warns(PlateauWarning, match=r"stopped on a plateau after \d+ epochs.*0\.69"):
        stuck.fit(X, y)
    assert stuck.n_iter_ < stuck.max_iter and stuck.loss_ > 0.65
    # The moons: a straight line, stopped on the plateau of the linear fit.
    with pytest.warns(PlateauWarning, match="nearly linear middle of σ"):
        line = SigmoidMLPClassifier(init="glorot", random_state=0).fit(X, y)
    assert line.n_iter_ < line.max_iter and line.score(X, y) < 0.9
    # The defaults converge on the same data: the rule stops them with no warning.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        converged = SigmoidMLPClassifier(random_state=0).fit(X, y)
    assert converged.n_iter_ < converged.max_iter and converged.loss_ < 0.3
    assert converged.score(X, y) > 0.95


@pytest.mark.parametrize("y_value", [0.0, 3.0, -1e6])
def test_constant_y_has_nothing_to_learn_and_no_plateau(y_value):
    # A constant prediction is already exact: a stop of the rule is convergence.
    X = np.random.RandomState(0).uniform(size=(50, 3))
    y = np.full(50, y_value)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = SigmoidMLPRegressor(random_state=0).fit(X, y)
    assert model.n_iter_ < model.max_iter
    np.testing.assert_allclose(model.predict(X), y_value, atol=0.05 * max(1.0, abs(y_value)))


def test_convergence_warning_means_still_improving():
    X, y = make_moons(300, noise=0.2, random_state=0)
    X = MinMaxScaler().fit_transform(X)
    with pytest.warns(ConvergenceWarning, match=r"improved by [\d.e-]+ in the last 2 epochs"):
        SigmoidMLPClassifier(max_iter=20, random_state=0).fit(X, y)
    # Separable classes: the log-loss creeps down forever as the weights grow,
    # by far less than 1 % of its gain per 10 epochs: no warning at max_iter.
    X_sep = np.r_[np.zeros((20, 2)), np.ones((20, 2))]
    y_sep = np.r_[np.zeros(20), np.ones(20)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = SigmoidMLPClassifier(tol=0, n_iter_no_change=10, max_iter=300,
                                     random_state=0).fit(X_sep, y_sep)
    assert model.n_iter_ == 300 and model.loss_curve_[-1] < model.loss_curve_[-11]


def test_slow_steady_descent_is_not_taken_for_convergence():
    """Each epoch gains less than tol, ten of them many times tol: training goes on."""
    model = SigmoidMLPClassifier(tol=1e-4, n_iter_no_change=3)
    model.best_loss_ = model._reference_loss = np.inf
    model._no_improvement_count = 0
    monitor = TrainingLoss(model)
    for loss in 1.0 - 6e-5 * np.arange(40):  # 0.6 tol per epoch
        monitor.on_epoch_end(SimpleNamespace(estimator=model, epoch_loss=loss))
        assert model._no_improvement_count <= 1
    count = model._no_improvement_count
    for _ in range(4):  # a real stall: every epoch counts
        monitor.on_epoch_end(SimpleNamespace(estimator=model, epoch_loss=loss))
    assert model._no_improvement_count == count + 4


# ----------------------------------------------------------------- found by scikit-learn's MLP tests


# The first fit trains 5 epochs only to have a fitted model to refuse with.
@pytest.mark.filterwarnings("ignore:Stochastic Optimizer:sklearn.exceptions.ConvergenceWarning")
def test_warm_start_fit_refuses_other_classes():
    X, y = load_iris(return_X_y=True)
    model = SigmoidMLPClassifier(hidden_layer_sizes=(5,), max_iter=5, warm_start=True,
                                 random_state=0).fit(X / 8, y)
    # scikit-learn's test_warm_start matches this very text.
    message = ("warm_start can only be used where `y` has the same classes as in the "
               "previous call to fit. Previously got [0 1 2], `y` has ")
    with pytest.raises(ValueError, match=re.escape(message + "[0 1]") + "$"):
        model.fit(X[y < 2] / 8, y[y < 2])
    with pytest.raises(ValueError, match=re.escape(message + "[0 1 7]") + "$"):
        model.fit(X / 8, np.where(y == 2, 7, y))


def test_early_stopping_on_small_multiclass_data_falls_back_to_a_random_split():
    X, y = load_iris(return_X_y=True)
    rows = np.r_[0:6, 50:56, 100:106]  # 18 rows, 3 classes: 2 validation rows
    with pytest.warns(UserWarning, match="could not stratify the validation split"):
        model = SigmoidMLPClassifier(early_stopping=True, max_iter=5, random_state=0)
        model.fit(X[rows] / 8, y[rows])
    assert len(model.validation_scores_) == model.n_iter_ > 0


def test_rows_of_weight_zero_take_no_part_in_the_start():
    """Mostly weight-0 rows: the data-placed start and 'auto' see only the weighted rows."""
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(3000, 3))
    y = (X[:, 0] > 0.5).astype(int)
    w = np.zeros(3000)
    w[rng.choice(3000, 12, replace=False)] = rng.uniform(0.5, 2, 12)
    keep = w > 0
    params = dict(max_iter=1, learning_rate_init=1e-300, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = SigmoidMLPClassifier(**params).fit(X, y, sample_weight=w)
        subset = SigmoidMLPClassifier(**params).fit(X[keep], y[keep], sample_weight=w[keep])
        auto = [SigmoidMLPClassifier(max_iter=1, random_state=0).fit(X_, y_, sample_weight=w_)
                for X_, y_, w_ in [(X, y, w), (X[keep], y[keep], w[keep])]]
    for a, b in zip(weighted.coefs_ + weighted.intercepts_, subset.coefs_ + subset.intercepts_):
        assert_allclose(a, b, rtol=0, atol=0)
    assert auto[0].learning_rate_init_ == auto[1].learning_rate_init_
