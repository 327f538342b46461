"""The compiled kernel (sknn._sgd_fast) against the numpy reference.

One epoch of the kernel and one of ``_train.reference_epoch`` from the same θ,
velocity and batch order must give the same θ, velocity, cost and total
weight, to rounding (1e-12 in float64, 1e-5 in float32), for every
output/cost pair, with and without sample weights, momentum and Nesterov,
batch sizes that do and do not divide n. The kernel's e^x is held within 2 ulp
of the exact value over its whole range, with numpy's results for NaN, ±∞,
overflow and underflow, and its σ to the reference's; its gradient is checked
by finite differences; and the estimators, which now train through the
kernel for dense input, must train as through the reference (sparse input).
"""

import pickle
import threading
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor
from sknn import _dispatch, _sgd_fast, _train
from sknn._activations import sigmoid
from sknn._backprop import forward_pass
from sknn._predict import reference_predict_output
from sknn._dispatch import predict_output
from sknn._evaluate import batch_cost
from sknn._parameters import unpack

# (loss, output activation, number of outputs): every pair the estimators train.
PAIRS = [
    ("log_loss", "softmax", 3),  # multiclass
    ("log_loss", "logistic", 1),  # binary
    ("log_loss", "logistic", 3),  # multilabel
    ("squared_error", "identity", 2),  # regression
    ("squared_error", "logistic", 2),  # the textbook network
]
TOL = {np.float64: 1e-12, np.float32: 1e-5}
N_SAMPLES, N_FEATURES, HIDDEN = 37, 6, (5, 4)


def _problem(pair, dtype, weighted, seed=0):
    """Data, targets (as the estimators pass them), weights, a start θ and velocity."""
    loss, activation, n_out = pair
    rng = np.random.default_rng(seed)
    X = rng.random((N_SAMPLES, N_FEATURES)).astype(dtype)
    if activation == "softmax":
        Y = np.eye(n_out, dtype=bool)[rng.integers(n_out, size=N_SAMPLES)]
    elif activation == "logistic":
        Y = rng.random((N_SAMPLES, n_out)) < 0.5
    else:
        Y = rng.standard_normal((N_SAMPLES, n_out)).astype(dtype)
    units = [N_FEATURES, *HIDDEN, n_out]
    n_params = sum(a * b + b for a, b in zip(units, units[1:]))
    theta = rng.uniform(-1, 1, n_params).astype(dtype)
    velocity = rng.uniform(-0.1, 0.1, n_params).astype(dtype)
    sample_weight = (2 * rng.random(N_SAMPLES)).astype(dtype) if weighted else None
    return X, Y, sample_weight, units, theta, velocity, rng.permutation(N_SAMPLES)


def _epoch(epoch, X, Y, sample_weight, units, theta, velocity, **settings):
    """θ, v and (weighted cost, total weight) after one epoch of ``epoch``."""
    theta, velocity = theta.copy(), velocity.copy()
    batch_size = settings.pop("batch_size")
    workspace = _train.Workspace(units)
    result = epoch(
        theta, velocity, X, Y, sample_weight,
        workspace=workspace, batch_size=batch_size, **settings,
    )
    return theta, velocity, result


def _kernel_epoch(theta, velocity, X, Y, sample_weight, **settings):
    """run_epoch, asserting that it takes the kernel."""
    assert _dispatch.kernel_applies(X, theta.dtype)
    return _dispatch.run_epoch(theta, velocity, X, Y, sample_weight, **settings)


def _assert_same_epoch(reference, kernel, dtype):
    (theta_r, v_r, (cost_r, weight_r)), (theta_k, v_k, (cost_k, weight_k)) = reference, kernel
    tol = TOL[dtype]
    assert_allclose(theta_k, theta_r, rtol=0, atol=tol)
    assert_allclose(v_k, v_r, rtol=0, atol=tol)
    assert cost_k == pytest.approx(cost_r, rel=tol)
    assert weight_k == pytest.approx(weight_r, rel=tol)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("batch_size", [8, 37, 10], ids=["8", "all", "10-remainder-7"])
# Nesterov's step with μ = 0 is plain SGD, bit for bit, as classical momentum's is:
# one case for μ = 0, both updates for μ = 0.9.
@pytest.mark.parametrize(
    "momentum, nesterov", [(0.0, False), (0.9, False), (0.9, True)],
    ids=["no-momentum", "classical", "nesterov"],
)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[1]}-{p[0]}-{p[2]}")
def test_epoch_equals_reference(pair, weighted, momentum, nesterov, batch_size, dtype):
    X, Y, s, units, theta, velocity, order = _problem(pair, dtype, weighted)
    settings = dict(
        batch_size=batch_size, order=order, loss=pair[0], out_activation=pair[1],
        alpha=1e-2, learning_rate=0.3, momentum=momentum, nesterov=nesterov,
    )
    reference = _epoch(_train.reference_epoch, X, Y, s, units, theta, velocity, **settings)
    kernel = _epoch(_kernel_epoch, X, Y, s, units, theta, velocity, **settings)
    assert not np.allclose(reference[0], theta), "the epoch must move θ"
    _assert_same_epoch(reference, kernel, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[1]}-{p[0]}-{p[2]}")
def test_epoch_in_given_order_without_penalty_equals_reference(pair, dtype):
    """order=None (shuffle=False: batches are views of X) and α = 0."""
    X, Y, s, units, theta, velocity, _ = _problem(pair, dtype, weighted=True, seed=1)
    settings = dict(
        batch_size=10, order=None, loss=pair[0], out_activation=pair[1], alpha=0.0,
        learning_rate=0.1, momentum=0.5, nesterov=True,
    )
    reference = _epoch(_train.reference_epoch, X, Y, s, units, theta, velocity, **settings)
    kernel = _epoch(_kernel_epoch, X, Y, s, units, theta, velocity, **settings)
    _assert_same_epoch(reference, kernel, dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_batch_of_zero_weights_is_skipped_as_in_reference(dtype):
    """A batch whose weights are all 0 carries no information: no step, no cost."""
    X, Y, s, units, theta, velocity, _ = _problem(PAIRS[0], dtype, weighted=True)
    s[10:20] = 0  # the second batch of 10
    settings = dict(batch_size=10, order=None, loss="log_loss", out_activation="softmax",
                    alpha=1e-2, learning_rate=0.3, momentum=0.9, nesterov=False)
    reference = _epoch(_train.reference_epoch, X, Y, s, units, theta, velocity, **settings)
    kernel = _epoch(_kernel_epoch, X, Y, s, units, theta, velocity, **settings)
    _assert_same_epoch(reference, kernel, dtype)
    assert kernel[2][1] == pytest.approx(float(s.sum()), rel=TOL[dtype])


# ------------------------------------------------------------------ non-finite values


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("poison", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[1]}-{p[0]}-{p[2]}")
def test_non_finite_theta_stops_the_epoch_at_the_first_batch(pair, poison, dtype):
    """A NaN or ±∞ weight makes the first batch's cost non-finite: NaN, θ untouched."""
    X, Y, s, units, theta, velocity, order = _problem(pair, dtype, weighted=False)
    theta[0] = poison  # W⁽¹⁾[0, 0]: feeds every row's first hidden unit
    settings = dict(batch_size=8, order=order, loss=pair[0], out_activation=pair[1],
                    alpha=1e-2, learning_rate=0.3, momentum=0.9, nesterov=True)
    for epoch in (_train.reference_epoch, _kernel_epoch):
        with np.errstate(over="ignore", invalid="ignore"):  # as the estimator runs epochs
            theta_after, velocity_after, (cost, weight) = _epoch(
                epoch, X, Y, s, units, theta, velocity, **settings
            )
        assert np.isnan(cost) and weight == 0.0
        assert_array_equal(theta_after, theta)
        assert_array_equal(velocity_after, velocity)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_diverging_epoch_stops_where_the_reference_stops(dtype):
    """A learning rate far too large: both return NaN after the same steps."""
    X, Y, s, units, theta, velocity, order = _problem(PAIRS[3], dtype, weighted=False)
    Y = Y * 1e6
    settings = dict(batch_size=2, order=order, loss="squared_error",
                    out_activation="identity", alpha=0.0, learning_rate=1e12,
                    momentum=0.9, nesterov=False)
    with np.errstate(over="ignore", invalid="ignore"):  # as the estimator runs epochs
        reference = _epoch(_train.reference_epoch, X, Y, s, units, theta, velocity, **settings)
    kernel = _epoch(_kernel_epoch, X, Y, s, units, theta, velocity, **settings)
    assert np.isnan(reference[2][0]) and np.isnan(kernel[2][0])
    assert 0 < kernel[2][1] == reference[2][1] < N_SAMPLES  # stopped after the same batches
    assert_array_equal(np.isfinite(kernel[0]), np.isfinite(reference[0]))


def test_estimator_on_overflowing_data_raises_divergence():
    """Through the estimator: the kernel's NaN becomes the usual divergence error."""
    X = np.random.default_rng(0).random((40, 3))
    model = SigmoidMLPRegressor(hidden_layer_sizes=(4,), learning_rate_init=1e3,
                                random_state=0, max_iter=50)
    with pytest.raises(ValueError, match="Training diverged"):
        model.fit(X, 1e6 * X[:, 0])


# ------------------------------------------------------------------ e^x and σ


@pytest.mark.parametrize(
    "dtype, low, high", [(np.float64, -750.0, 712.0), (np.float32, -106.0, 90.0)]
)
def test_exp_within_two_ulp_over_the_whole_range(dtype, low, high):
    # An odd length, so that both the vector body and the scalar tail run.
    x = np.linspace(low, high, 400_001).astype(dtype)
    x = np.concatenate([x, np.random.default_rng(0).uniform(-2, 2, 10_001).astype(dtype)])
    got = x.copy()
    _sgd_fast._exp(got)
    with np.errstate(over="ignore", under="ignore"):
        exact = np.exp(x.astype(np.longdouble))
        expected = exact.astype(dtype)
    # Overflow to ∞ and underflow to 0 at exactly the same inputs as the correctly rounded e^x.
    assert_array_equal(np.isinf(got), np.isinf(expected))
    assert_array_equal(got == 0, expected == 0)
    finite = np.isfinite(expected) & (expected != 0)
    ulps = np.abs(got[finite].astype(np.longdouble) - exact[finite]) / np.spacing(
        expected[finite]
    ).astype(np.longdouble)
    assert float(ulps.max()) <= 2.0


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_exp_special_values_are_libms(dtype):
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30, 1.0], dtype)
    got = x.copy()
    _sgd_fast._exp(got)
    with np.errstate(over="ignore"):
        expected = np.exp(x)
    assert_array_equal(got[:-1], expected[:-1])  # NaN compares equal to NaN here
    assert got[-1] == pytest.approx(np.e, rel=2 * float(np.finfo(dtype).eps))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_equals_reference_for_every_input(dtype):
    rng = np.random.default_rng(0)
    Z = np.concatenate(
        [rng.uniform(-800, 800, (50, 7)), rng.uniform(-5, 5, (50, 7))]
    ).astype(dtype)
    Z[0, :5] = [np.nan, np.inf, -np.inf, 1e30, -1e30]
    b = rng.uniform(-1, 1, 7).astype(dtype)
    got = Z.copy()
    _sgd_fast._sigmoid(got, b)
    expected = sigmoid(Z + b)
    assert_allclose(got, expected, rtol=4 * np.finfo(dtype).eps, atol=0)
    assert np.isnan(got[0, 0]) and got[0, 1] == 1 and got[0, 2] == 0
    assert got[0, 3] == 1 and got[0, 4] == 0
    assert ((got[1:] >= 0) & (got[1:] <= 1)).all()


# ------------------------------------------------------------------ gradient


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: f"{p[1]}-{p[0]}-{p[2]}")
def test_kernel_gradient_agrees_with_finite_differences(pair, weighted):
    """One plain step over one batch, θ' = θ − η g, gives the kernel's g; compare ∂C/∂θ."""
    loss, activation, _ = pair
    X, Y, s, units, theta, velocity, _ = _problem(pair, np.float64, weighted)
    Yf = Y.astype(np.float64)
    alpha, eta = 0.1, 1.0
    theta_after, _, _ = _epoch(
        _kernel_epoch, X, Y, s, units, theta, np.zeros_like(theta), batch_size=N_SAMPLES,
        order=None, loss=loss, out_activation=activation, alpha=alpha,
        learning_rate=eta, momentum=0.0, nesterov=False,
    )
    gradient = (theta - theta_after) / eta

    def cost(t):
        coefs, intercepts = unpack(t, units)
        return batch_cost(X, Yf, coefs, intercepts, loss=loss, out_activation=activation,
                            alpha=alpha, sample_weight=s)

    h = 1e-6
    numeric = np.empty_like(theta)
    for j in range(theta.size):
        step = np.zeros_like(theta)
        step[j] = h
        numeric[j] = (cost(theta + step) - cost(theta - step)) / (2 * h)
    assert_allclose(gradient, numeric, rtol=1e-6, atol=1e-8)


def test_hand_worked_step_in_the_kernel():
    """tests/test_sgd_step.py's textbook step, by the kernel called directly."""
    from test_sgd_step import (
        COEFS, COEFS_AFTER, COST, ETA, INTERCEPTS, INTERCEPTS_AFTER, X, y,
    )
    from sknn._parameters import pack

    theta, coefs, intercepts = pack(COEFS, INTERCEPTS, np.float64)
    velocity = np.zeros_like(theta)
    cost, weight = _sgd_fast.sgd_epoch(
        theta, velocity, X, y[:, None].copy(), None, None, [2, 2, 1], 2, "squared_error",
        "logistic", 0.0, ETA, 0.0, False,
    )
    assert weight == 2 and cost / weight == pytest.approx(COST, rel=1e-14)
    for got, expected in zip(coefs + intercepts, COEFS_AFTER + INTERCEPTS_AFTER):
        assert_allclose(got, expected, rtol=1e-13)


# ------------------------------------------------------------------ prediction


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", ["identity", "logistic", "softmax"])
@pytest.mark.parametrize("chunk_rows", [1, 64, 1000])
def test_predict_equals_reference_forward_pass(activation, chunk_rows, dtype):
    rng = np.random.default_rng(0)
    units = [6, 7, 5, 3]
    theta = rng.uniform(-2, 2, sum(a * b + b for a, b in zip(units, units[1:]))).astype(dtype)
    coefs, intercepts = unpack(theta, units)
    X = rng.random((301, 6)).astype(dtype)
    assert _dispatch.kernel_applies(X, dtype)
    got = predict_output(X, coefs, intercepts, activation, chunk_rows=chunk_rows)
    A, _ = forward_pass(X, coefs, intercepts, activation)
    reference = reference_predict_output(X, coefs, intercepts, activation, chunk_rows=chunk_rows)
    assert got.dtype == reference.dtype == dtype
    assert_allclose(got, A[-1], rtol=0, atol=TOL[dtype])
    assert_allclose(reference, A[-1], rtol=0, atol=TOL[dtype])


def test_predict_of_non_contiguous_weights_equals_contiguous():
    """Weights that are not views of one θ (as after unpickling), F-ordered even."""
    rng = np.random.default_rng(0)
    coefs = [np.asfortranarray(rng.standard_normal((4, 3))), rng.standard_normal((3, 2))]
    intercepts = [rng.standard_normal(3), rng.standard_normal(2)]
    X = rng.random((20, 4))
    A, _ = forward_pass(X, [np.ascontiguousarray(W) for W in coefs], intercepts, "softmax")
    assert_allclose(predict_output(X, coefs, intercepts, "softmax"), A[-1], atol=1e-15)


@pytest.mark.parametrize(
    "change", ["none", "read-only", "replace W", "misplaced view", "shifted view", "dtype"]
)
def test_predict_reads_the_weights_given_not_the_vector_they_once_viewed(change):
    """The kernel uses the θ that coefs_ and intercepts_ view only where every one of them
    views it at its own place; weights replaced, misplaced or re-cast are read as they are."""
    rng = np.random.default_rng(1)
    units = [4, 5, 3]
    theta = rng.uniform(-2, 2, sum(a * b + b for a, b in zip(units, units[1:])))
    coefs, intercepts = unpack(theta, units)
    if change == "read-only":  # θ in shared or memory-mapped memory: read, never written
        theta.flags.writeable = False
    elif change == "replace W":  # model.coefs_[0] = 2 * model.coefs_[0]
        coefs[0] = 2 * coefs[0]
    elif change == "misplaced view":  # b⁽²⁾ views θ, but W⁽¹⁾'s first entries
        intercepts[1] = theta[:3]
    elif change == "shifted view":  # b⁽¹⁾ views θ, one entry off
        intercepts[0] = theta[36:41]
    elif change == "dtype":
        coefs = [W.astype(np.float32) for W in coefs]
        intercepts = [b.astype(np.float32) for b in intercepts]
    X = rng.random((7, 4)).astype(coefs[0].dtype)
    copies = [np.array(A) for A in coefs], [np.array(b) for b in intercepts]
    got = _sgd_fast.predict(X, coefs, intercepts, "softmax", 8)
    assert_array_equal(got, _sgd_fast.predict(X, *copies, "softmax", 8))
    A, _ = forward_pass(X, *copies, "softmax")
    assert_allclose(got, A[-1], atol=TOL[got.dtype.type])


def test_predict_raises_on_weights_that_do_not_fit():
    with pytest.raises(ValueError, match="do not match"):
        _sgd_fast.predict(np.ones((2, 3)), [np.ones((4, 2))], [np.ones(2)], "identity", 8)


# ------------------------------------------------------------------ the estimators


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "make, target",
    [
        (lambda: SigmoidMLPClassifier(hidden_layer_sizes=(6,), max_iter=3, random_state=0),
         "multiclass"),
        (lambda: SigmoidMLPClassifier(hidden_layer_sizes=(6,), max_iter=3, random_state=0,
                                      loss="squared_error"), "binary"),
        (lambda: SigmoidMLPRegressor(hidden_layer_sizes=(5, 4), max_iter=3, random_state=0),
         "continuous"),
    ],
    ids=["classifier", "classifier-squared", "regressor"],
)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_dense_fit_through_kernel_equals_sparse_fit_through_reference(make, target, dtype, fmt):
    rng = np.random.default_rng(0)
    X = rng.random((90, 5)).astype(dtype)
    X[X < 0.4] = 0  # a sparse matrix with zeros to skip
    y = {"multiclass": rng.integers(3, size=90), "binary": rng.integers(2, size=90),
         "continuous": X @ rng.standard_normal(5)}[target]
    w = rng.random(90)
    X_sparse = sp.csr_matrix(X).asformat(fmt)
    with pytest.warns(ConvergenceWarning):  # after 3 epochs
        dense = make().fit(X, y, sample_weight=w)
    with pytest.warns(ConvergenceWarning):
        sparse = make().fit(X_sparse, y, sample_weight=w)
    for got, expected in zip(dense.coefs_ + dense.intercepts_,
                             sparse.coefs_ + sparse.intercepts_):
        assert_allclose(got, expected, rtol=0, atol=TOL[dtype])
    assert dense.loss_curve_ == pytest.approx(sparse.loss_curve_, rel=TOL[dtype])
    # Sparse input predicts (through the reference) what dense input predicts (the kernel).
    assert_allclose(sparse.predict(X_sparse), dense.predict(X), rtol=0, atol=TOL[dtype])


def test_fortran_ordered_input_trains_as_c_ordered(monkeypatch):
    """F-ordered X (a DataFrame's usual layout) is made C-ordered once: the kernel trains it."""
    rng = np.random.default_rng(0)
    X, y = rng.random((60, 4)), rng.integers(2, size=60)
    make = lambda: SigmoidMLPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0)  # noqa: E731
    with pytest.warns(ConvergenceWarning):
        c_fit = make().fit(X, y)

    def no_reference(*args, **kwargs):
        raise AssertionError("the numpy reference ran instead of the kernel")

    monkeypatch.setattr(_dispatch, "reference_epoch", no_reference)
    with pytest.warns(ConvergenceWarning):
        f_fit = make().fit(np.asfortranarray(X), y)
    assert_allclose(np.concatenate([W.ravel() for W in c_fit.coefs_]),
                    np.concatenate([W.ravel() for W in f_fit.coefs_]), atol=1e-12)


def test_training_in_threads_equals_training_in_turn():
    """The kernel shares nothing between calls: concurrent fits give the sequential result."""
    rng = np.random.default_rng(0)
    X, y = rng.random((400, 8)), rng.integers(3, size=400)
    seeds = range(4)
    make = lambda seed: SigmoidMLPClassifier(hidden_layer_sizes=(16,), max_iter=5,  # noqa: E731
                                             random_state=seed, tol=0)
    with pytest.warns(ConvergenceWarning):
        expected = [make(seed).fit(X, y).coefs_[0] for seed in seeds]
    results = {}

    def fit(seed):
        results[seed] = make(seed).fit(X, y).coefs_[0]

    threads = [threading.Thread(target=fit, args=(seed,)) for seed in seeds]
    with warnings.catch_warnings():  # the filters are global: set them around all threads
        warnings.simplefilter("ignore", ConvergenceWarning)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    for seed in seeds:
        assert_array_equal(results[seed], expected[seed])


def test_pickled_model_predicts_and_continues_through_kernel():
    rng = np.random.default_rng(0)
    X, y = rng.random((50, 4)), rng.integers(2, size=50)
    model = SigmoidMLPClassifier(hidden_layer_sizes=(3,), random_state=0)
    model.partial_fit(X, y, classes=[0, 1])
    loaded = pickle.loads(pickle.dumps(model))
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    model.partial_fit(X, y)
    loaded.partial_fit(X, y)
    for got, expected in zip(loaded.coefs_ + loaded.intercepts_,
                             model.coefs_ + model.intercepts_):
        assert_array_equal(got, expected)
