"""init_scale='auto': the bandwidth, the proposal, the verdict, and the race in fit."""

import importlib.util
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils._param_validation import InvalidParameterError

from sknn import PlateauWarning, SigmoidMLPClassifier, SigmoidMLPRegressor
from sknn._quiet import quietly, warn
from sknn._race import MIN_ROWS
from sknn._sharpness import loo_bandwidth, paired_gain, proposed_scale, sharper_wins


def _benchmark_problems():
    """benchmarks/defaults.py, where the spirals of the issue are defined once."""
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "defaults.py"
    spec = importlib.util.spec_from_file_location("defaults_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


spirals = _benchmark_problems()._spirals


def theta(model):
    return np.concatenate([A.ravel() for A in model.coefs_ + model.intercepts_])


# ----------------------------------------------------------------- the equations


def test_bandwidth_is_small_for_a_step_and_large_for_a_line():
    rng = np.random.RandomState(0)
    x = rng.uniform(size=(400, 1))
    noise = rng.normal(scale=0.3, size=x.shape)
    assert loo_bandwidth(x, (x > 0.5) + 0.1 * noise) < 0.1
    assert loo_bandwidth(x, x + noise) >= 0.5  # a gentle slope under noise


def test_bandwidth_is_in_units_of_the_features_spread():
    rng = np.random.RandomState(1)
    X = rng.uniform(size=(300, 2))
    Y = np.sin(8 * X[:, :1]) * np.cos(5 * X[:, 1:])
    assert loo_bandwidth(X, Y) == loo_bandwidth(1000 * X + 7, Y)


def test_bandwidth_of_a_constant_is_the_widest():
    X = np.random.RandomState(2).uniform(size=(100, 2))
    assert loo_bandwidth(X, np.ones((100, 1))) == 2.0


def test_rows_of_weight_zero_are_rows_not_there():
    rng = np.random.RandomState(3)
    X = rng.uniform(size=(300, 1))
    Y = np.sin(12 * X) + rng.normal(scale=0.3, size=X.shape)
    weights = np.ones(300)
    weights[::3] = 0.0
    assert loo_bandwidth(X, Y, weights) == loo_bandwidth(X[weights > 0], Y[weights > 0])


def test_weights_count_in_the_smoother():
    """Weighting the wiggly half up makes h* that half's, down makes it the smooth half's."""
    rng = np.random.RandomState(4)
    x = rng.uniform(size=(600, 1))
    wiggly = x[:, 0] < 0.5
    Y = np.where(wiggly[:, None], np.sin(60 * x), x) + rng.normal(scale=0.2, size=x.shape)
    up, down = np.where(wiggly, 1.0, 1e-6), np.where(wiggly, 1e-6, 1.0)
    assert loo_bandwidth(x, Y, up) < loo_bandwidth(x, Y, down)


def test_proposal_is_clipped_to_base_and_eight_times_base():
    assert proposed_scale(0.25, 1.0) == 4.0
    assert proposed_scale(2.0, 2.0) == 2.0
    assert proposed_scale(0.01, 2.0) == 16.0


def test_verdict_needs_a_significant_gain():
    losses = np.random.RandomState(5).uniform(size=200)
    assert not sharper_wins(*paired_gain(losses, losses))  # equal losses
    base = (np.arange(200) % 3 == 0).astype(float)          # wrong on a third
    assert sharper_wins(*paired_gain(base, np.zeros(200)))  # right everywhere
    noisy = np.random.RandomState(6).permutation(base)      # as wrong, other rows
    assert not sharper_wins(*paired_gain(base, noisy))


def test_paired_gain_weights_count_as_repeated_rows():
    rng = np.random.RandomState(7)
    a, b = rng.uniform(size=50), rng.uniform(size=50)
    weights = rng.randint(1, 4, size=50)
    gain, _ = paired_gain(a, b, weights.astype(float))
    repeated, _ = paired_gain(np.repeat(a, weights), np.repeat(b, weights))
    assert gain == pytest.approx(repeated)


# ----------------------------------------------------------------- the estimators


@pytest.fixture(scope="module")
def spirals_fit():
    """One fold of the benchmark: 800 rows of the 1,000 to train, 200 to test."""
    X, y = spirals()
    X = MinMaxScaler().fit_transform(X)
    train, test = train_test_split(np.arange(1000), test_size=0.2, stratify=y, random_state=0)
    model = SigmoidMLPClassifier(init_scale="auto", random_state=0)
    return X, y, train, test, model.fit(X[train], y[train])


def test_auto_sharpens_the_start_on_spirals(spirals_fit):
    X, y, train, test, model = spirals_fit
    report = model.init_scale_race_
    assert model.init_scale_ == report["proposal"] > 2.0
    assert report["gain"] > 2 * report["se"]
    assert model.score(X[test], y[test]) > 0.9
    plain = SigmoidMLPClassifier(init_scale=2.0, random_state=0)
    # The old default stops on the plateau, and its warning names the remedy.
    with pytest.warns(PlateauWarning, match=r"or use init_scale='auto' \(a sharper start"):
        plain.fit(X[train], y[train])
    assert plain.init_scale_race_ is None
    assert plain.score(X[test], y[test]) < 0.75


def test_same_random_state_same_choice_and_theta(spirals_fit):
    X, y, train, _, model = spirals_fit
    again = SigmoidMLPClassifier(init_scale="auto", random_state=0).fit(X[train], y[train])
    assert again.init_scale_ == model.init_scale_
    assert_array_equal(theta(again), theta(model))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # 20 epochs
def test_smooth_problem_keeps_the_old_start():
    """friedman1: h* is wide, no race, the fit is exactly init_scale=1's."""
    X, y = make_friedman1(400, random_state=0)
    auto = SigmoidMLPRegressor(init_scale="auto", max_iter=20, random_state=0).fit(X, y)
    old = SigmoidMLPRegressor(init_scale=1.0, max_iter=20, random_state=0).fit(X, y)
    assert auto.init_scale_ == 1.0
    assert auto.init_scale_race_["gain"] is None
    assert_array_equal(theta(auto), theta(old))


@pytest.mark.parametrize("case", ["small", "partial_fit", "warm_start", "glorot"])
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # 5 epochs
def test_no_race_gives_exactly_the_base_start(case):
    X, y = spirals(n=MIN_ROWS - 2 if case == "small" else 600)
    params = dict(max_iter=5, random_state=0)
    params.update(warm_start=True) if case == "warm_start" else None
    params.update(init="glorot", learning_rate_init=0.1) if case == "glorot" else None
    auto = SigmoidMLPClassifier(init_scale="auto", **params)
    old = SigmoidMLPClassifier(init_scale=2.0, **params)
    if case == "partial_fit":
        auto.partial_fit(X, y, classes=[0, 1]), old.partial_fit(X, y, classes=[0, 1])
    else:
        auto.fit(X, y), old.fit(X, y)
    assert auto.init_scale_race_ is None and auto.init_scale_ == 2.0
    assert_array_equal(theta(auto), theta(old))


def test_sample_weights_are_the_rows_they_weigh():
    """Weight 0 on half the rows: the same choice as without those rows."""
    X, y = spirals(n=800)
    weights = np.where(np.arange(800) % 2 == 0, 1.0, 0.0)
    weighted = SigmoidMLPClassifier(init_scale="auto", max_iter=5, random_state=0)
    weighted.fit(X, y, sample_weight=weights)
    report = weighted.init_scale_race_
    kept = loo_bandwidth(X[::2], np.eye(2)[y[::2]])
    assert report["bandwidth"] == kept


def test_grid_search_tunes_init_scale():
    X, y = spirals(n=600)  # 300 rows per fit: 'auto' races
    search = GridSearchCV(
        make_pipeline(
            MinMaxScaler(), SigmoidMLPClassifier(init_scale="auto", max_iter=30, random_state=0)
        ),
        {"sigmoidmlpclassifier__init_scale": ["auto", 2.0]}, cv=2,
    )
    with pytest.warns(ConvergenceWarning):  # 30 epochs
        search.fit(X, y)
    assert search.best_params_["sigmoidmlpclassifier__init_scale"] in ("auto", 2.0)
    assert len(search.cv_results_["mean_test_score"]) == 2


@pytest.mark.parametrize("Estimator", [SigmoidMLPClassifier, SigmoidMLPRegressor])
def test_invalid_init_scale_names_the_parameter(Estimator):
    X, y = spirals(n=50)
    with pytest.raises(InvalidParameterError, match="init_scale"):
        Estimator(init_scale="sharp").fit(X, y)
    with pytest.raises(InvalidParameterError, match="init_scale"):
        Estimator(init_scale=0.0).fit(X, y)


def test_verbose_says_what_it_chose(capsys):
    X, y = spirals(n=400)
    with pytest.warns(ConvergenceWarning):  # 10 epochs
        SigmoidMLPClassifier(init_scale="auto", max_iter=10, verbose=True, random_state=0).fit(X, y)
    assert "init_scale='auto': bandwidth h*" in capsys.readouterr().out


def test_regressor_sharpens_on_a_bumpy_surface():
    """MATLAB's peaks (the benchmark's): the base start stays coarse, 'auto' fits it."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, size=(800, 2))
    x, z = X.T
    y = (3 * (1 - x) ** 2 * np.exp(-(x**2) - (z + 1) ** 2)
         - 10 * (x / 5 - x**3 - z**5) * np.exp(-(x**2) - z**2)
         - np.exp(-((x + 1) ** 2) - z**2) / 3) + rng.normal(scale=0.1, size=800)
    X = MinMaxScaler().fit_transform(X)
    model = SigmoidMLPRegressor(init_scale="auto", random_state=0).fit(X[:600], y[:600])
    assert model.init_scale_ > 1.5
    assert model.init_scale_race_["gain"] > 2 * model.init_scale_race_["se"]
    assert model.score(X[600:], y[600:]) > 0.95
    coarse = SigmoidMLPRegressor(init_scale=1.0, random_state=0).fit(X[:600], y[:600])
    assert coarse.score(X[600:], y[600:]) < 0.8


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # 5 epochs
def test_race_takes_sparse_and_multilabel_data():
    import scipy.sparse as sp

    X, y = spirals(n=400)
    Y = np.c_[y, 1 - y, y]
    model = SigmoidMLPClassifier(init_scale="auto", max_iter=5, random_state=0).fit(sp.csr_matrix(X), Y)
    report = model.init_scale_race_
    assert report["gain"] is not None  # the proposal raced
    assert model.init_scale_ in (2.0, report["proposal"])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")  # 5 epochs
def test_a_random_state_instance_draws_the_same_start():
    """The bandwidth's sample of rows (1,200 > 1,000) draws from a copy of the instance."""
    X, y = make_friedman1(1200, random_state=0)
    auto = SigmoidMLPRegressor(
        init_scale="auto", max_iter=5, random_state=np.random.RandomState(0)
    ).fit(X, y)
    old = SigmoidMLPRegressor(
        init_scale=1.0, max_iter=5, random_state=np.random.RandomState(0)
    ).fit(X, y)
    assert auto.init_scale_race_ is not None and auto.init_scale_ == 1.0
    assert_array_equal(theta(auto), theta(old))


def test_the_race_is_quiet_for_itself_alone():
    """The trial fits drop their warnings in their own thread only: a fit in another
    thread meanwhile keeps its ConvergenceWarning (catch_warnings() would swap the
    filters of the whole process)."""
    inside, recording, warned, done = (threading.Event() for _ in range(4))

    def race():
        with quietly():
            inside.set()
            recording.wait(timeout=60)
            warn("the race's own")  # while the other thread records
            warned.set()
            done.wait(timeout=60)

    racer = threading.Thread(target=race)
    racer.start()
    try:
        inside.wait(timeout=60)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            recording.set()
            warned.wait(timeout=60)
            X, y = make_classification(60, random_state=0)
            SigmoidMLPClassifier(max_iter=2, random_state=0).fit(X, y)
            warn("this thread's own")
    finally:
        done.set()
        racer.join()
    assert [str(w.message) for w in caught][-1] == "this thread's own"
    assert caught[-1].filename == __file__  # it points at warn's caller, as warnings.warn would
    assert [type(w.message) for w in caught] == [ConvergenceWarning, UserWarning]
