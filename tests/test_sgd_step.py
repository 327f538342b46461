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
import sklearn
from numpy.testing import assert_allclose
from sklearn.utils.fixes import parse_version

from sknn import SigmoidMLPRegressor
from sknn._backprop import backprop, forward_pass
from sknn._parameters import pack, unpack
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
    )
    assert C == pytest.approx(COST, rel=1e-14)
    for got, expected in zip(coef_grads + intercept_grads, COEF_GRADS + INTERCEPT_GRADS):
        assert_allclose(got, expected, rtol=1e-13)


def test_momentum_step_without_momentum_is_the_textbook_step():
    theta, _, _ = pack(COEFS, INTERCEPTS, np.float64)
    grad, _, _ = pack(COEF_GRADS, INTERCEPT_GRADS, np.float64)
    velocity = np.zeros_like(theta)
    theta, _ = momentum_step(theta, velocity, grad, learning_rate=ETA, momentum=0.0, nesterov=True)
    coefs, intercepts = unpack(theta, [2, 2, 1])
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
            theta, velocity = momentum_step(
                theta, velocity, np.array([g]), learning_rate=0.1, momentum=0.5, nesterov=nesterov
            )
            assert theta[0] == pytest.approx(expected, rel=1e-14)
            assert velocity[0] == pytest.approx(-0.2, rel=1e-14)


# ---------------------------------------------------------------------------
# Equivalence with an independent, per-sample textbook implementation
# ---------------------------------------------------------------------------


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _sigmoid_prime(z):
    return _sigmoid(z) * (1 - _sigmoid(z))


class TextbookNetwork:
    """Nielsen's network.py: column vectors, one sample at a time, quadratic cost.

    ``weights[l]`` has shape (n_out, n_in) and maps a⁽ˡ⁾ to z⁽ˡ⁺¹⁾ = W a + b;
    ``biases[l]`` is a column (n_out, 1). Sigmoid on every layer.
    """

    def __init__(self, weights, biases):
        self.weights = [W.copy() for W in weights]
        self.biases = [b.copy() for b in biases]

    def SGD(self, training_data, epochs, mini_batch_size, eta):
        """Plain mini-batch SGD, in the given order (no shuffling)."""
        n = len(training_data)
        for _ in range(epochs):
            for k in range(0, n, mini_batch_size):
                self.update_mini_batch(training_data[k : k + mini_batch_size], eta)

    def update_mini_batch(self, mini_batch, eta):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        self.weights = [w - (eta / len(mini_batch)) * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - (eta / len(mini_batch)) * nb for b, nb in zip(self.biases, nabla_b)]

    def backprop(self, x, y):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biases, self.weights):
            z = w @ activation + b
            zs.append(z)
            activation = _sigmoid(z)
            activations.append(activation)
        # Quadratic cost: ∂C/∂a = a − y.
        delta = (activations[-1] - y) * _sigmoid_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = delta @ activations[-2].T
        # l counts layers from the end, as in the book: l = 2 is the last hidden layer.
        for l in range(2, len(self.weights) + 1):
            delta = (self.weights[-l + 1].T @ delta) * _sigmoid_prime(zs[-l])
            nabla_b[-l] = delta
            nabla_w[-l] = delta @ activations[-l - 1].T
        return nabla_b, nabla_w


def _textbook_start(rng, layer_units):
    weights = [rng.normal(size=(b, a)) for a, b in zip(layer_units, layer_units[1:])]
    biases = [rng.normal(size=(b, 1)) for b in layer_units[1:]]
    return weights, biases


def _run_textbook_and_sknn(model, X, Y, y_fit, hidden, epochs, batch_size, eta):
    rng = np.random.RandomState(42)
    weights, biases = _textbook_start(rng, [X.shape[1], *hidden, Y.shape[1]])
    net = TextbookNetwork(weights, biases)
    net.SGD([(x[:, None], t[:, None]) for x, t in zip(X, Y)], epochs, batch_size, eta)

    model.partial_fit(X, y_fit)  # set up the model, then start from the textbook's weights
    model.coefs_ = [W.T.copy() for W in weights]
    model.intercepts_ = [b[:, 0].copy() for b in biases]
    for _ in range(epochs):  # one partial_fit call is one epoch
        model.partial_fit(X, y_fit)
    for W_sknn, W_book in zip(model.coefs_, net.weights):
        assert_allclose(W_sknn, W_book.T, rtol=0, atol=1e-10)
    for b_sknn, b_book in zip(model.intercepts_, net.biases):
        assert_allclose(b_sknn, b_book[:, 0], rtol=0, atol=1e-10)
    # ...and training moved the weights (the comparison is not of two starts).
    assert not np.allclose(model.coefs_[0], weights[0].T, atol=1e-3)


TEXTBOOK_SGD = dict(
    momentum=0.0, alpha=0.0, shuffle=False, learning_rate="constant", random_state=0
)


@pytest.mark.parametrize("hidden", [(5,), (5, 4)])
def test_regressor_equals_textbook_network(hidden):
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(23, 3))
    Y = rng.uniform(size=(23, 2))  # sigmoid outputs need targets in [0, 1]
    eta, batch_size = 3.0, 5  # 23 rows: four batches of 5 and a last one of 3
    model = SigmoidMLPRegressor(
        hidden_layer_sizes=hidden, output_activation="sigmoid", learning_rate_init=eta,
        batch_size=batch_size, **TEXTBOOK_SGD,
    )
    _run_textbook_and_sknn(model, X, Y, Y, hidden, epochs=6, batch_size=batch_size, eta=eta)


def test_classifier_with_quadratic_cost_equals_textbook_network():
    from sknn import SigmoidMLPClassifier

    rng = np.random.RandomState(1)
    X = rng.uniform(size=(30, 4))
    labels = rng.randint(3, size=30)
    Y = np.eye(3)[labels]  # one sigmoid unit per class, one-hot targets
    eta, batch_size = 2.0, 8
    model = SigmoidMLPClassifier(
        hidden_layer_sizes=(6,), loss="squared_error", learning_rate_init=eta,
        batch_size=batch_size, **TEXTBOOK_SGD,
    )
    model.partial_fit(X, labels, classes=[0, 1, 2])
    assert model.out_activation_ == "logistic"
    _run_textbook_and_sknn(model, X, Y, labels, (6,), epochs=5, batch_size=batch_size, eta=eta)


# ---------------------------------------------------------------------------
# Equivalence with scikit-learn's MLP
# ---------------------------------------------------------------------------

sklearn_mlp = pytest.importorskip("sklearn.neural_network")
ConvergenceWarning = pytest.importorskip("sklearn.exceptions").ConvergenceWarning


def _problem(task):
    rng = np.random.RandomState(3)
    X = rng.uniform(size=(70, 5))
    if task == "binary":
        y = (X[:, 0] + X[:, 1] > 1).astype(int)
    elif task == "multiclass":
        y = np.digitize(X[:, 0] + 0.5 * X[:, 2], [0.5, 0.9])  # three classes
    else:
        y = np.sin(3 * X[:, 0]) + X[:, 1] ** 2
    return X, y


def _pair(task, **params):
    """sknn and scikit-learn with the same hyperparameters.

    scikit-learn's start and targets are sknn's with ``init='glorot'`` and
    (regressor) ``target_std=None``: these two sknn-only settings are what an
    explicit scikit-learn hyperparameter set adds.
    """
    from sknn import SigmoidMLPClassifier

    # scikit-learn's code with the class name changed: activation and solver included.
    params = dict(activation="logistic", solver="sgd", **params)
    if task == "regression":
        return SigmoidMLPRegressor(init="glorot", target_std=None, **params), (
            sklearn_mlp.MLPRegressor(**params)
        )
    return SigmoidMLPClassifier(init="glorot", **params), sklearn_mlp.MLPClassifier(**params)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_initial_weights_equal_scikit_learns(task):
    X, y = _problem(task)
    # One epoch with η = 1e-300 leaves every weight bit-for-bit at its initial
    # value (the step is below half an ulp of any initial weight), so the
    # fitted coefs_ are each library's own initialisation.
    ours, theirs = _pair(
        task, hidden_layer_sizes=(7, 4), random_state=11, max_iter=1,
        learning_rate_init=1e-300, momentum=0.0, shuffle=False,
    )
    ours.fit(X, y)
    theirs.fit(X, y)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        assert a.shape == b.shape
        assert_allclose(a, b, rtol=0, atol=0)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize(
    "task, schedule",
    [
        ("binary", dict(learning_rate="constant", learning_rate_init=0.1, momentum=0.9,
                        nesterovs_momentum=True, alpha=1e-3)),
        ("multiclass", dict(learning_rate="invscaling", learning_rate_init=0.5, power_t=0.3,
                            momentum=0.5, nesterovs_momentum=False, alpha=0.0)),
        ("regression", dict(learning_rate="constant", learning_rate_init=0.05, momentum=0.9,
                            nesterovs_momentum=True, alpha=1e-2)),
    ],
)
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_training_equals_scikit_learns(task, schedule, weighted):
    if weighted and parse_version(sklearn.__version__) < parse_version("1.7"):
        pytest.skip("scikit-learn's MLP takes sample_weight from version 1.7 on")
    X, y = _problem(task)
    sample_weight = np.random.RandomState(5).uniform(0.5, 2.0, size=len(y)) if weighted else None
    params = dict(
        hidden_layer_sizes=(6, 5), random_state=7, max_iter=25, batch_size=16,
        shuffle=False, tol=0.0, n_iter_no_change=1000, **schedule,
    )
    ours, theirs = _pair(task, **params)
    ours.fit(X, y, sample_weight=sample_weight)
    theirs.fit(X, y, **({} if sample_weight is None else {"sample_weight": sample_weight}))

    assert ours.n_iter_ == theirs.n_iter_ == 25
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        assert_allclose(a, b, rtol=0, atol=1e-10)
    if not weighted:
        # Same objective too (single output, so scikit-learn's per-output mean is
        # the same). With sample weights the epoch means differ by design:
        # scikit-learn averages the batch costs by row counts, Σ n_b C_b / n;
        # sknn by batch weights, Σ m_b C_b / Σ m_b with m_b = Σ sᵢ over the batch.
        assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    if task != "regression":
        assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=0, atol=1e-10)
    # Training went somewhere: the weights moved well away from the start.
    assert ours.loss_curve_[-1] < ours.loss_curve_[0]
