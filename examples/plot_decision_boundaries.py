"""
================================================
Decision boundaries as the hidden layer grows
================================================

A single sigmoid unit draws a straight line; every hidden unit adds one more
line that the output unit can combine. On the two interleaved half-moons a
network needs enough hidden units before its boundary can bend around the
classes.

Two practical points show up on this small problem. A sigmoid network first
learns the linear part of the problem and then sits on a plateau for many
epochs before the hidden units specialise; the default stopping rule (no
improvement of ``tol`` for ``n_iter_no_change`` epochs) takes that plateau
for convergence, so here every network trains for a fixed 400 epochs
(``tol=0``). And the two features are standardised: squeezed into [0, 1] the
moons are so close together that bending the boundary needs very large
weights.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import SigmoidMLPClassifier

X, y = make_moons(n_samples=300, noise=0.2, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

# A grid over the plane on which to evaluate P(class 1).
xx, yy = np.meshgrid(np.linspace(-1.7, 2.7, 200), np.linspace(-1.3, 1.8, 200))
grid = np.c_[xx.ravel(), yy.ravel()]

widths = [(), (2,), (5,), (10,), (20,), (50,)]
fig, axes = plt.subplots(2, 3, figsize=(11, 6.5), sharex=True, sharey=True)
for ax, hidden in zip(axes.ravel(), widths):
    model = make_pipeline(
        StandardScaler(),
        SigmoidMLPClassifier(
            hidden_layer_sizes=hidden, max_iter=400, tol=0, n_iter_no_change=400,
            random_state=0,
        ),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # 400 epochs on purpose
        model.fit(X_train, y_train)
    proba = model.predict_proba(grid)[:, 1].reshape(xx.shape)
    ax.contourf(xx, yy, proba, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.8)
    ax.contour(xx, yy, proba, levels=[0.5], colors="k", linewidths=1)
    ax.scatter(X_train[:, 0], X_train[:, 1], c=y_train, cmap="RdBu_r", edgecolors="k", linewidths=0.3, s=15)
    name = "no hidden layer" if not hidden else f"{hidden[0]} hidden unit" + "s" * (hidden[0] > 1)
    ax.set_title(f"{name}: test accuracy {model.score(X_test, y_test):.2f}")
fig.tight_layout()
plt.show()

# %%
# With no hidden layer the network is logistic regression and its boundary is
# a line. Narrow hidden layers barely bend it within 400 epochs — their few
# units are still on the plateau of the linear solution — while a layer of
# 10 or more units escapes it and its boundary follows the moons.
