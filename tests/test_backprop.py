"""Backpropagation against central finite differences of the cost C.

DESIGN.md defines the cost of a batch as

    C = (1/m) Σᵢ sᵢ lossᵢ + (α/2m) Σₗ ‖W⁽ˡ⁾‖²,    m = Σᵢ sᵢ,

and ``sknn._backprop.penalised_backprop`` returns C with ∂C/∂W⁽ˡ⁾ and ∂C/∂b⁽ˡ⁾. Here every
parameter is nudged by ±h and (C(θ + h) − C(θ − h)) / 2h is compared with the
analytic gradient, for every output/loss pair the estimators use, with 0, 1
and 2 hidden layers and the smallest shapes (one row, one feature, layers one
unit wide), with and without α and sample weights. The cost used for
the differences is recomputed independently from the forward pass (it does not
reuse ``sknn._losses``), so a wrong cost and a wrong gradient cannot agree.
"""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose

from sknn._backprop import backprop, forward_pass, penalised_backprop
from sknn._finite_differences import central_differences

# (out_activation, loss, n_outputs, target kind)
OUTPUT_LOSS_PAIRS = {
    "identity+squared_error": ("identity", "squared_error", 2, "real"),
    "sigmoid+squared_error": ("logistic", "squared_error", 3, "unit"),
    "sigmoid+binary_log_loss": ("logistic", "log_loss", 1, "binary"),
    "softmax+log_loss": ("softmax", "log_loss", 4, "onehot"),
    "multilabel_sigmoid+log_loss": ("logistic", "log_loss", 3, "multilabel"),
}


def _network(rng, layer_units):
    coefs = [rng.normal(scale=0.8, size=(a, b)) for a, b in zip(layer_units, layer_units[1:])]
    intercepts = [rng.normal(scale=0.5, size=b) for b in layer_units[1:]]
    return coefs, intercepts


def _targets(rng, kind, n_samples, n_outputs):
    if kind == "real":
        return rng.normal(size=(n_samples, n_outputs))
    if kind == "unit":
        return rng.uniform(size=(n_samples, n_outputs))
    if kind == "onehot":
        return np.eye(n_outputs)[rng.randint(n_outputs, size=n_samples)]
    # binary and multilabel: independent 0/1 columns
    return rng.randint(2, size=(n_samples, n_outputs)).astype(float)


def _reference_cost(X, Y, coefs, intercepts, out_activation, loss, alpha, sample_weight):
    """C written out directly from DESIGN.md, independently of sknn._losses."""
    A = X
    for W, b in zip(coefs[:-1], intercepts[:-1]):
        A = 1.0 / (1.0 + np.exp(-(A @ W + b)))
    Z = A @ coefs[-1] + intercepts[-1]
    if out_activation == "identity":
        Y_hat = Z
    elif out_activation == "logistic":
        Y_hat = 1.0 / (1.0 + np.exp(-Z))
    else:
        E = np.exp(Z - Z.max(axis=1, keepdims=True))
        Y_hat = E / E.sum(axis=1, keepdims=True)
    if loss == "squared_error":
        per_sample = 0.5 * ((Y_hat - Y) ** 2).sum(axis=1)
    elif out_activation == "softmax":
        per_sample = -(Y * np.log(Y_hat)).sum(axis=1)
    else:
        per_sample = -(Y * np.log(Y_hat) + (1 - Y) * np.log(1 - Y_hat)).sum(axis=1)
    s = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    m = s.sum()
    return (s @ per_sample) / m + alpha / (2 * m) * sum((W**2).sum() for W in coefs)


def _numerical_gradient(cost_of, params, h=1e-6):
    """Central differences (C(θ + h eⱼ) − C(θ − h eⱼ)) / 2h of every entry of every array."""
    return [central_differences(cost_of, P, h).reshape(P.shape) for P in params]


# (n_samples, n_features, hidden_layer_sizes): a batch of 7 rows through 0, 1 and 2
# hidden layers, and the smallest shapes: one row, one feature, layers one unit wide.
SHAPES = {
    "0hidden": (7, 3, ()),
    "1hidden": (7, 3, (5,)),
    "2hidden": (7, 3, (4, 3)),
    "1row-1feature-width1": (1, 1, (1, 1)),
}


@pytest.mark.parametrize("pair", list(OUTPUT_LOSS_PAIRS))
@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_backprop_matches_finite_differences(pair, shape, alpha, weighted):
    out_activation, loss, n_outputs, kind = OUTPUT_LOSS_PAIRS[pair]
    n_samples, n_features, hidden = SHAPES[shape]
    rng = np.random.RandomState(len(hidden) * 10 + n_outputs + 100 * (n_samples == 1))
    X = rng.normal(size=(n_samples, n_features))
    Y = _targets(rng, kind, n_samples, n_outputs)
    # Weights that are not all 1 and do not sum to the number of rows, so that
    # m = Σ sᵢ ≠ n_samples matters.
    sample_weight = rng.uniform(0.2, 3.0, size=n_samples) if weighted else None
    coefs, intercepts = _network(rng, [n_features, *hidden, n_outputs])

    C, coef_grads, intercept_grads = penalised_backprop(
        X,
        Y,
        coefs,
        intercepts,
        loss=loss,
        out_activation=out_activation,
        alpha=alpha,
        sample_weight=sample_weight,
    )

    def cost_of():
        return _reference_cost(X, Y, coefs, intercepts, out_activation, loss, alpha, sample_weight)

    assert C == pytest.approx(cost_of(), rel=1e-12)
    numeric = _numerical_gradient(cost_of, coefs + intercepts)
    for analytic, expected in zip(coef_grads + intercept_grads, numeric):
        assert analytic.shape == expected.shape
        assert_allclose(analytic, expected, rtol=1e-6, atol=1e-9)


def test_gradients_are_not_trivially_small():
    """Guard for the test above: its tolerance atol=1e-9 must be far below the gradients."""
    rng = np.random.RandomState(0)
    X, Y = rng.normal(size=(7, 3)), rng.normal(size=(7, 2))
    coefs, intercepts = _network(rng, [3, 5, 2])
    _, coef_grads, intercept_grads = backprop(
        X, Y, coefs, intercepts, loss="squared_error", out_activation="identity"
    )
    assert min(np.abs(g).max() for g in coef_grads + intercept_grads) > 1e-3


def test_sample_weight_equals_repeating_rows():
    """A weight of 2 is the same as the row appearing twice, penalty included."""
    rng = np.random.RandomState(1)
    X = rng.normal(size=(5, 3))
    Y = np.eye(3)[[0, 1, 2, 1, 0]]
    coefs, intercepts = _network(rng, [3, 4, 3])
    weights = np.array([2.0, 1.0, 3.0, 1.0, 2.0])
    repeats = weights.astype(int)
    kwargs = dict(loss="log_loss", out_activation="softmax", alpha=0.5)
    C_w, dW_w, db_w = penalised_backprop(X, Y, coefs, intercepts, sample_weight=weights, **kwargs)
    C_r, dW_r, db_r = penalised_backprop(
        np.repeat(X, repeats, axis=0), np.repeat(Y, repeats, axis=0), coefs, intercepts, **kwargs
    )
    assert C_w == pytest.approx(C_r, rel=1e-12)
    for g_w, g_r in zip(dW_w + db_w, dW_r + db_r):
        assert_allclose(g_w, g_r, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_input_gives_the_dense_gradient(fmt):
    rng = np.random.RandomState(2)
    X = rng.normal(size=(6, 4)) * (rng.uniform(size=(6, 4)) < 0.5)
    Y = rng.randint(2, size=(6, 1)).astype(float)
    coefs, intercepts = _network(rng, [4, 3, 1])
    kwargs = dict(loss="log_loss", out_activation="logistic", alpha=0.1)
    C, dW, db = penalised_backprop(X, Y, coefs, intercepts, **kwargs)
    C_sp, dW_sp, db_sp = penalised_backprop(sp.csr_matrix(X).asformat(fmt), Y, coefs, intercepts, **kwargs)
    assert C_sp == pytest.approx(C, rel=1e-12)
    for g_sp, g in zip(dW_sp + db_sp, dW + db):
        assert isinstance(g_sp, np.ndarray)
        assert_allclose(g_sp, g, rtol=1e-12, atol=1e-15)


def test_gradient_is_finite_for_saturated_units():
    """Huge logits saturate σ to exactly 0 or 1; cost and gradient stay finite."""
    X = np.array([[1.0], [-1.0]])
    Y = np.array([[0.0], [1.0]])
    coefs, intercepts = [np.array([[1e4]])], [np.zeros(1)]
    C, dW, db = backprop(
        X, Y, coefs, intercepts, loss="log_loss", out_activation="logistic"
    )
    # Each sample is wrong by a logit of 10⁴: loss log(1 + e^10⁴) ≈ 10⁴ each.
    assert C == pytest.approx(1e4)
    # δ = ŷ − y = (1, −1), so ∂C/∂W = (1·1 + (−1)(−1)) / 2 = 1.
    assert_allclose(dW[0], [[1.0]])
    assert_allclose(db[0], [0.0])


def test_forward_pass_matches_the_textbook_formula():
    rng = np.random.RandomState(4)
    X = rng.normal(size=(5, 3))
    coefs, intercepts = _network(rng, [3, 4, 2])
    A, Z_out = forward_pass(X, coefs, intercepts, "softmax")
    A1 = 1 / (1 + np.exp(-(X @ coefs[0] + intercepts[0])))
    Z2 = A1 @ coefs[1] + intercepts[1]
    assert_allclose(A[1], A1, rtol=1e-14)
    assert_allclose(Z_out, Z2, rtol=1e-14)
    assert_allclose(A[2], np.exp(Z2) / np.exp(Z2).sum(axis=1, keepdims=True), rtol=1e-14)
