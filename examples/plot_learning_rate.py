"""
==============================================
Learning rate and batch size: the loss curves
==============================================

Gradient descent steps downhill on the cost surface,
θ ← θ − η ∂C/∂θ. The learning rate η sets the length of each step and the
batch size how noisy its direction is. First the classic picture on a model
small enough to draw, then the loss curves of a real network.
"""

# %%
# Stepping downhill
# -----------------
# A network with no hidden layer and one sigmoid output is logistic
# regression with two parameters, a weight w and a bias b, so its cost
# C(w, b) can be drawn as a contour map. Each call to ``partial_fit`` with
# the whole data set as one batch and no momentum takes exactly one
# gradient step; we record where each step lands.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sknn import SigmoidMLPClassifier

rng = np.random.RandomState(0)
x = rng.uniform(0, 1, size=(200, 1))
y = (x[:, 0] + rng.normal(scale=0.15, size=200) > 0.5).astype(int)


def cost(w, b):
    """The log-loss C(w, b) of the one-unit network, on a grid."""
    z = np.multiply.outer(w, x[:, 0]) + b[..., np.newaxis]
    return np.mean(np.logaddexp(0, z) - y * z, axis=-1)


W, B = np.meshgrid(np.linspace(-1, 20, 150), np.linspace(-13, 2, 150))
fig, ax = plt.subplots(figsize=(7.5, 5))
contours = ax.contour(W, B, cost(W, B), levels=np.geomspace(0.3, 3, 12), cmap="viridis")
ax.clabel(contours, fontsize=7, fmt="%.2f")

for eta, color in [(2.0, "C0"), (8.0, "C1"), (25.0, "C3")]:
    model = SigmoidMLPClassifier(
        hidden_layer_sizes=(), batch_size=len(x), learning_rate_init=eta,
        momentum=0.0, alpha=0.0, shuffle=False, random_state=0,
    )
    model.partial_fit(x, y, classes=[0, 1])
    model.coefs_ = [np.array([[0.0]])]  # start every run from (w, b) = (0, 0)
    model.intercepts_ = [np.array([0.0])]
    path = [(0.0, 0.0)]
    for _ in range(50):
        model.partial_fit(x, y)
        path.append((model.coefs_[0][0, 0], model.intercepts_[0][0]))
    path = np.array(path)
    ax.plot(path[:, 0], path[:, 1], "o-", ms=3, color=color, label=f"η = {eta:g}")
i, j = np.unravel_index(np.argmin(cost(W, B)), W.shape)
ax.plot(W[i, j], B[i, j], "k*", ms=12, label="minimum of C")
ax.set(xlabel="weight w", ylabel="bias b", title="50 gradient steps from (0, 0)")
ax.legend()
plt.show()

# %%
# The valley is long and narrow. A small η creeps down its slope; a larger
# one gets much further in the same number of steps; a too large one
# overshoots the valley floor at every step and zig-zags across it. (The first ``partial_fit`` call only sets up the model;
# assigning ``coefs_`` and ``intercepts_`` then puts it at the start.)
#
# Loss curves of a real network
# -----------------------------
# On the digits, ``loss_curve_`` holds the training cost after each epoch.
# Left: several learning rates at batch size 32 (without momentum, so that η
# is the whole step). Right: several batch sizes at η = 0.5.
from sklearn.datasets import load_digits
from sklearn.preprocessing import MinMaxScaler

X, y = load_digits(return_X_y=True)
X = MinMaxScaler().fit_transform(X)


def fitted(**params):
    model = SigmoidMLPClassifier(
        hidden_layer_sizes=(32,), momentum=0.0, max_iter=20, n_iter_no_change=20,
        random_state=0, **params,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


# %%
# :meth:`~sknn.plotting.LossCurveDisplay.from_estimators` draws the
# ``loss_curve_`` of several fits on one axes and names each curve by the
# parameters in which the fits differ; the cost goes on a log scale, where the
# slow late descent stays visible beside the fast first epochs.
from sknn.plotting import LossCurveDisplay

fig, (ax_eta, ax_batch) = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
LossCurveDisplay.from_estimators(
    [fitted(learning_rate_init=eta, batch_size=32) for eta in [0.01, 0.1, 0.5, 2.0]], ax=ax_eta
)
LossCurveDisplay.from_estimators(
    [fitted(learning_rate_init=0.5, batch_size=b) for b in [16, 64, 256, 1024]], ax=ax_batch
)
ax_eta.set_title("batch size 32")
ax_batch.set_title("η = 0.5")
fig.tight_layout()
plt.show()

# %%
# Too small an η barely moves in 20 epochs; the largest ones drop fast but
# stay noisier. Per epoch, small batches win: an epoch of 16-row batches
# takes 113 steps, one of 1024-row batches only 2 — the larger batch's more
# accurate direction does not make up for that at a fixed η.

# %%
# The adaptive schedule
# ---------------------
# With ``learning_rate='adaptive'`` (the regressor's default), η stays put
# while the training cost improves by ``tol``, and is divided by 5 after
# ``n_iter_no_change`` epochs without improvement; training stops once η
# falls below 1e-6. The display marks each change with a dotted line and the
# new η, from the η of every epoch the estimator records
# (``learning_rate_curve_``). Here the cost levels off after about fifteen
# epochs, and from then on every few epochs take η down by another factor 5,
# until training stops.
from sklearn.datasets import make_friedman1

from sknn import SigmoidMLPRegressor

X_f, y_f = make_friedman1(n_samples=1000, random_state=0)
y_f = (y_f - y_f.min()) / (y_f.max() - y_f.min())
adaptive = SigmoidMLPRegressor(
    hidden_layer_sizes=(32,), learning_rate="adaptive", learning_rate_init=0.1,
    n_iter_no_change=3, tol=1e-4, max_iter=80, random_state=0,
)
adaptive.fit(X_f, y_f)
display = LossCurveDisplay.from_estimator(adaptive, name="friedman1")
display.ax_.set_title("learning_rate='adaptive': η ÷ 5 whenever the cost stalls")
plt.show()
