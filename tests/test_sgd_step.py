"""One SGD step worked out by hand, checked against sknn.

The network is the textbook one: 2 inputs, 2 sigmoid hidden units, 1 sigmoid
output, the quadratic cost C = (1/m) Σᵢ ½ (ŷᵢ − yᵢ)², no penalty. Its weights
are multiples of L = ln 3, chosen so that every weighted input is 0 or ±L and
every activation is an exact fraction:

    σ(0) = 1/2,    σ(L) = 1 / (1 + 1/3) = 3/4,    σ(−L) = 1/4.

Textbook weights (row j = unit j; sknn stores the transposes):

    W¹ = [[3L, −L],     b¹ = [0, L]        W² = [[4L, −4L]]    b² = [0]
          [ L, −L]]

Two samples, one mini-batch (m = 2):  x₁ = (1, 2), y₁ = 1;  x₂ = (0, 0), y₂ = 3/4.

Forward pass
    sample 1: z¹ = (3L − 2L + 0, L − 2L + L) = (L, 0)   a¹ = (3/4, 1/2)
              z² = 4L·3/4 − 4L·1/2 + 0 = L              ŷ₁ = 3/4
    sample 2: z¹ = b¹ = (0, L)                           a¹ = (1/2, 3/4)
              z² = 4L·1/2 − 4L·3/4 = −L                  ŷ₂ = 1/4
    C = ½ [½ (3/4 − 1)² + ½ (1/4 − 3/4)²] = ½ [1/32 + 1/8] = 5/64

Output errors δ² = (ŷ − y) ŷ (1 − ŷ)
    sample 1: (−1/4)(3/4)(1/4) = −3/64
    sample 2: (−1/2)(1/4)(3/4) = −3/32

Hidden errors δ¹ = δ² W² ⊙ a¹ (1 − a¹)
    sample 1: −3/64 · (4L · 3/16, −4L · 1/4) = (−9L/256, 3L/64)
    sample 2: −3/32 · (4L · 1/4, −4L · 3/16) = (−3L/32, 9L/128)

Gradients (the mean over the batch; x₂ = 0 adds nothing to ∂C/∂W¹)
    ∂C/∂W² = ½ [−3/64 (3/4, 1/2) − 3/32 (1/2, 3/4)] = (−21/512, −3/64)
    ∂C/∂b² = ½ [−3/64 − 3/32] = −9/128
    ∂C/∂W¹ = ½ δ¹(sample 1) x₁ᵀ:  unit 1: −9L/512 · (1, 2),  unit 2: 3L/128 · (1, 2)
    ∂C/∂b¹ = ½ [(−9L/256, 3L/64) + (−3L/32, 9L/128)] = (−33L/512, 15L/256)

One step θ ← θ − η ∂C/∂θ with η = 2 (momentum 0):
    W¹ = [[3L + 9L/256, −L + 9L/128],   = [[777L/256, −119L/128],
          [ L − 3L/64,  −L − 3L/32]]       [  61L/64,   −35L/32]]
    b¹ = (33L/256, L − 15L/128) = (33L/256, 113L/128)
    W² = [[4L + 21/256, −4L + 3/32]]
    b² = [9/64]
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sknn import SigmoidMLPRegressor
from sknn._backprop import backprop, forward_pass
from sknn._parameters import pack
from sknn._sgd import momentum_step

L = np.log(3.0)
ETA = 2.0

X = np.array([[1.0, 2.0], [0.0, 0.0]])
y = np.array([1.0, 0.75])

# sknn's layout: coefs_[l] is the transpose of the textbook W, shape (fan_in, fan_out).
COEFS = [np.array([[3 * L, -L], [L, -L]]).T, np.array([[4 * L, -4 * L]]).T]
INTERCEPTS = [np.array([0.0, L]), np.array([0.0])]

COST = 5 / 64
COEF_GRADS = [
    np.array([[-9 * L / 512, 3 * L / 128], [-9 * L / 256, 3 * L / 64]]),  # (input, hidden)
    np.array([[-21 / 512], [-3 / 64]]),
]
INTERCEPT_GRADS = [np.array([-33 * L / 512, 15 * L / 256]), np.array([-9 / 128])]

COEFS_AFTER = [
    np.array([[777 * L / 256, -119 * L / 128], [61 * L / 64, -35 * L / 32]]).T,
    np.array([[4 * L + 21 / 256, -4 * L + 3 / 32]]).T,
]
INTERCEPTS_AFTER = [np.array([33 * L / 256, 113 * L / 128]), np.array([9 / 64])]


def _copies(arrays):
    return [a.copy() for a in arrays]


def test_forward_pass_values():
    A, Z_out = forward_pass(X, COEFS, INTERCEPTS, "logistic")
    assert_allclose(A[1], [[3 / 4, 1 / 2], [1 / 2, 3 / 4]], rtol=1e-14)
    assert_allclose(Z_out, [[L], [-L]], rtol=1e-14)
    assert_allclose(A[2], [[3 / 4], [1 / 4]], rtol=1e-14)


def test_backprop_gradients_by_hand():
    C, coef_grads, intercept_grads = backprop(
        X,
        y[:, np.newaxis],
        COEFS,
        INTERCEPTS,
        loss="squared_error",
        out_activation="logistic",
        alpha=0.0,
    )
    assert C == pytest.approx(COST, rel=1e-14)
    for got, expected in zip(coef_grads + intercept_grads, COEF_GRADS + INTERCEPT_GRADS):
        assert_allclose(got, expected, rtol=1e-13)


def test_momentum_step_without_momentum_is_the_textbook_step():
    theta, coefs, intercepts = pack(COEFS, INTERCEPTS, np.float64)
    grad, _, _ = pack(COEF_GRADS, INTERCEPT_GRADS, np.float64)
    velocity = np.zeros_like(theta)
    momentum_step(theta, velocity, grad, learning_rate=ETA, momentum=0.0, nesterov=True)
    for got, expected in zip(coefs + intercepts, COEFS_AFTER + INTERCEPTS_AFTER):
        assert_allclose(got, expected, rtol=1e-13)


def test_estimator_takes_the_hand_worked_step():
    model = SigmoidMLPRegressor(
        hidden_layer_sizes=(2,),
        output_activation="sigmoid",
        learning_rate="constant",
        learning_rate_init=ETA,
        momentum=0.0,
        alpha=0.0,
        batch_size=2,
        shuffle=False,
        random_state=0,
    )
    model.partial_fit(X, y)  # sets up the fitted model; its random weights are replaced next
    model.coefs_, model.intercepts_ = _copies(COEFS), _copies(INTERCEPTS)
    model.partial_fit(X, y)

    # The reported loss is the cost of the batch before the step.
    assert model.loss_ == pytest.approx(COST, rel=1e-14)
    for got, expected in zip(model.coefs_ + model.intercepts_, COEFS_AFTER + INTERCEPTS_AFTER):
        assert_allclose(got, expected, rtol=1e-13)
    # Predictions use the updated weights: ŷ₂ = σ(W² σ(b¹) + b²).
    a = 1 / (1 + np.exp(-INTERCEPTS_AFTER[0]))
    z = a @ COEFS_AFTER[1][:, 0] + INTERCEPTS_AFTER[1][0]
    assert model.predict(X[1:])[0] == pytest.approx(1 / (1 + np.exp(-z)), rel=1e-14)


def test_momentum_and_nesterov_steps_by_hand():
    """Two steps with η = 0.1, μ = 0.5 from θ = 1, v = 0, gradients 2 then 1.

    classical: v₁ = −0.1·2 = −0.2,        θ₁ = 1 − 0.2 = 0.8
               v₂ = 0.5·(−0.2) − 0.1 = −0.2,  θ₂ = 0.8 − 0.2 = 0.6
    Nesterov:  v₁ = −0.2,  θ₁ = 1 + 0.5·(−0.2) − 0.1·2 = 0.7
               v₂ = −0.2,  θ₂ = 0.7 + 0.5·(−0.2) − 0.1·1 = 0.5
    """
    for nesterov, thetas in [(False, [0.8, 0.6]), (True, [0.7, 0.5])]:
        theta, velocity = np.array([1.0]), np.array([0.0])
        for g, expected in zip([2.0, 1.0], thetas):
            momentum_step(
                theta, velocity, np.array([g]), learning_rate=0.1, momentum=0.5, nesterov=nesterov
            )
            assert theta[0] == pytest.approx(expected, rel=1e-14)
            assert velocity[0] == pytest.approx(-0.2, rel=1e-14)
