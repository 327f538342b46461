"""Scaling out with dask: streaming through partial_fit and parallel grid search.

Every test runs on a real ``distributed.LocalCluster`` of two worker processes
on the loopback interface, started and closed by the module fixture. Skipped,
with the reason, when the ``dask`` extra (dask[distributed], dask-ml) is missing.
"""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.preprocessing import MinMaxScaler

from sknn import DegenerateFitWarning, SigmoidMLPClassifier, SigmoidMLPRegressor

da = pytest.importorskip("dask.array", reason="the dask extra (dask) is not installed")
distributed = pytest.importorskip(
    "distributed", reason="the dask extra (dask[distributed]) is not installed"
)
dask_ml_wrappers = pytest.importorskip(
    "dask_ml.wrappers", reason="the dask extra (dask-ml) is not installed"
)
joblib = pytest.importorskip("joblib")

N_EPOCHS = 20
BLOCK = 250  # rows per dask block: each block is one partial_fit call


@pytest.fixture(scope="module")
def client():
    """A two-process cluster on 127.0.0.1, the default scheduler while the tests run."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        # Port 0: any free port. With None the scheduler still serves its HTTP
        # routes on 8787 and warns where another process holds that port.
        dashboard_address="127.0.0.1:0",
    ) as cluster, distributed.Client(cluster) as client:
        yield client


def _classification():
    X, y = make_classification(
        n_samples=2000, n_features=8, n_informative=5, n_classes=3, class_sep=1.5,
        random_state=0,
    )
    X = MinMaxScaler().fit_transform(X).astype(np.float32)
    return train_test_split(X, y, test_size=0.25, random_state=0)


def _regression():
    X, y = make_regression(n_samples=2000, n_features=8, n_informative=5, noise=5.0, random_state=0)
    X = MinMaxScaler().fit_transform(X).astype(np.float32)
    y = ((y - y.mean()) / y.std()).astype(np.float32)
    return train_test_split(X, y, test_size=0.25, random_state=0)


def _stream(Incremental, estimator, X, y, n_epochs, **fit_params):
    """``n_epochs`` passes of dask-ml's Incremental over (X, y) in blocks of BLOCK rows."""
    X_blocks, y_blocks = da.from_array(X, chunks=(BLOCK, -1)), da.from_array(y, chunks=BLOCK)
    model = Incremental(estimator, shuffle_blocks=True, random_state=0)
    for _ in range(n_epochs):
        model.partial_fit(X_blocks, y_blocks, **fit_params)
    return model.estimator_


def test_incremental_blocks_are_partial_fit_calls_on_the_workers(client):
    """One pass of Incremental = partial_fit on each block, in block order, on the workers.

    The model travels between the two worker processes (pickled), yet ends
    exactly where the same calls made here in this process end: the velocity,
    learning rate and shuffling seed go along with the weights.
    """
    X, _, y, _ = _classification()
    classes = np.unique(y)
    estimator = SigmoidMLPClassifier(hidden_layer_sizes=(16,), random_state=0)
    X_blocks, y_blocks = da.from_array(X, chunks=(BLOCK, -1)), da.from_array(y, chunks=BLOCK)
    streamed = dask_ml_wrappers.Incremental(estimator, shuffle_blocks=False)
    with distributed.get_task_stream(client) as task_stream:
        for _ in range(2):
            streamed.partial_fit(X_blocks, y_blocks, classes=classes)
    on_cluster = streamed.estimator_
    # dask-ml's graph: key ("fit-…", i) is partial_fit on block i (("fit-…", -1) is the model).
    fit_tasks = [
        task
        for task in task_stream.data
        if isinstance(task["key"], tuple) and task["key"][0].startswith("fit-") and task["key"][1] >= 0
    ]
    assert len(fit_tasks) == 2 * X_blocks.numblocks[0]
    assert {task["worker"] for task in fit_tasks} <= set(client.scheduler_info()["workers"])

    local = clone(estimator)
    for _ in range(2):
        for start in range(0, len(X), BLOCK):
            local.partial_fit(X[start : start + BLOCK], y[start : start + BLOCK], classes=classes)

    assert on_cluster.t_ == local.t_ == 2 * len(X)
    for W_cluster, W_local in zip(on_cluster.coefs_, local.coefs_):
        np.testing.assert_allclose(W_cluster, W_local, rtol=1e-5, atol=1e-6)


def test_incremental_classifier_reaches_the_quality_of_fit(client):
    X_train, X_test, y_train, y_test = _classification()
    estimator = SigmoidMLPClassifier(hidden_layer_sizes=(16,), random_state=0)
    streamed = _stream(
        dask_ml_wrappers.Incremental, estimator, X_train, y_train, N_EPOCHS, classes=np.unique(y_train)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = clone(estimator).set_params(max_iter=N_EPOCHS).fit(X_train, y_train)
    fit_score = fitted.score(X_test, y_test)
    assert fit_score > 0.8  # the task is learnable: the comparison means something
    assert streamed.score(X_test, y_test) >= fit_score - 0.03


def test_incremental_regressor_reaches_the_quality_of_fit(client):
    X_train, X_test, y_train, y_test = _regression()
    estimator = SigmoidMLPRegressor(hidden_layer_sizes=(16,), random_state=0)
    streamed = _stream(dask_ml_wrappers.Incremental, estimator, X_train, y_train, N_EPOCHS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        fitted = clone(estimator).set_params(max_iter=N_EPOCHS).fit(X_train, y_train)
    fit_score = fitted.score(X_test, y_test)
    assert fit_score > 0.8
    assert streamed.score(X_test, y_test) >= fit_score - 0.03


def test_grid_search_on_dask_matches_loky(client):
    """GridSearchCV(n_jobs=2) on the cluster finds what it finds with loky, score for score."""
    X, _, y, _ = _classification()
    grid = {"hidden_layer_sizes": [(4,), (16,)], "alpha": [1e-4, 1.0]}
    estimator = SigmoidMLPClassifier(max_iter=15, random_state=0)

    def search(backend):
        with warnings.catch_warnings(), joblib.parallel_config(backend=backend):
            warnings.simplefilter("ignore", ConvergenceWarning)
            # alpha=1 is the candidate that cannot learn, and says so in the workers.
            warnings.simplefilter("ignore", DegenerateFitWarning)
            return GridSearchCV(estimator, grid, cv=3, n_jobs=2).fit(X, y)

    on_dask, on_loky = search("dask"), search("loky")
    assert on_dask.best_params_ == on_loky.best_params_
    np.testing.assert_allclose(
        on_dask.cv_results_["mean_test_score"], on_loky.cv_results_["mean_test_score"]
    )
    # The grid separates its candidates: the best is not a tie broken by order.
    assert np.ptp(on_loky.cv_results_["mean_test_score"]) > 0.05
