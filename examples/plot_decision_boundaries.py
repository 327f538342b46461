"""
================================================
Decision boundaries as the hidden layer grows
================================================

A single sigmoid unit draws a straight line; every hidden unit adds one more
line that the output unit can combine. On the two interleaved half-moons a
network needs a few hidden units before its boundary can bend around the
classes.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from sknn import SigmoidMLPClassifier

X, y = make_moons(n_samples=300, noise=0.2, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

# A grid over the plane on which to evaluate P(class 1).
xx, yy = np.meshgrid(np.linspace(-1.7, 2.7, 200), np.linspace(-1.3, 1.8, 200))
grid = np.c_[xx.ravel(), yy.ravel()]

widths = [(), (1,), (2,), (3,), (5,), (20,)]
fig, axes = plt.subplots(2, 3, figsize=(11, 6.5), sharex=True, sharey=True)
for ax, hidden in zip(axes.ravel(), widths):
    model = make_pipeline(
        MinMaxScaler(),
        SigmoidMLPClassifier(hidden_layer_sizes=hidden, max_iter=300, random_state=0),
    ).fit(X_train, y_train)
    proba = model.predict_proba(grid)[:, 1].reshape(xx.shape)
    ax.contourf(xx, yy, proba, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.8)
    ax.contour(xx, yy, proba, levels=[0.5], colors="k", linewidths=1)
    ax.scatter(X_train[:, 0], X_train[:, 1], c=y_train, cmap="RdBu_r", edgecolors="k", s=15)
    name = "no hidden layer" if not hidden else f"{hidden[0]} hidden unit" + "s" * (hidden[0] > 1)
    ax.set_title(f"{name}: test accuracy {model.score(X_test, y_test):.2f}")
fig.tight_layout()
plt.show()

# %%
# With no hidden layer the network is logistic regression and its boundary is
# a line. One or two hidden units already bend it; from about five units on
# the boundary follows the moons and the test accuracy stops improving.
