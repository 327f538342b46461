"""
==========================================
Early stopping and the validation curve
==========================================

With ``early_stopping=True`` the estimator holds out ``validation_fraction``
of the training data, scores the model on it after every epoch
(``validation_scores_``), stops once the score has not improved by ``tol``
for ``n_iter_no_change`` epochs, and keeps the weights of the best epoch.
"""

# %%

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler

from sknn import SigmoidMLPClassifier

X, y = load_digits(return_X_y=True)
X = MinMaxScaler().fit_transform(X)
# A small training set makes over-fitting easy to see.
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=400, stratify=y, random_state=0
)

params = dict(hidden_layer_sizes=(100,), alpha=0.0, random_state=0)
early = SigmoidMLPClassifier(
    early_stopping=True, validation_fraction=0.2, n_iter_no_change=15, **params
).fit(X_train, y_train)
# The same network trained for a fixed number of epochs, for comparison (it
# has converged by then: no ConvergenceWarning).
full = SigmoidMLPClassifier(max_iter=150, tol=0, n_iter_no_change=150, **params)
full.fit(X_train, y_train)

best = int(np.argmax(early.validation_scores_))
print(f"early stopping: {early.n_iter_} epochs, best at epoch {best + 1}, "
      f"test accuracy {early.score(X_test, y_test):.3f}")
print(f"150 epochs:     test accuracy {full.score(X_test, y_test):.3f}")

# %%
# The curves
# ----------
# :class:`~sknn.plotting.LossCurveDisplay` draws ``loss_curve_`` and, since
# early stopping ran, the cost on the held-out rows
# (``validation_loss_curve_``) and their accuracy (``validation_scores_``, on
# the right axis). The display's axes take more lines: the best epoch, whose
# weights are kept, and the epoch where training stopped.
from sknn.plotting import LossCurveDisplay

fig, ax = plt.subplots(figsize=(8, 5.2), layout="constrained")
display = LossCurveDisplay.from_estimator(early, ax=ax)
display.ax_.axvline(best + 1, color="k", ls=":", label=f"best epoch ({best + 1}): weights kept")
display.ax_.axvline(early.n_iter_, color="k", ls="--", label="training stops")
display.ax_.legend(
    *[a + b for a, b in zip(display.ax_.get_legend_handles_labels(),
                            display.ax_score_.get_legend_handles_labels())],
    fontsize="small", loc="center right",
)
display.ax_.set_title("early stopping on 400 digits")
plt.show()

# %%
# Against a fixed number of epochs
# --------------------------------
# :meth:`~sknn.plotting.LossCurveDisplay.from_estimators` puts several fits on
# one axes, named by the parameters in which they differ (or by a dict's keys).
display = LossCurveDisplay.from_estimators({"early stopping": early, "150 epochs": full})
display.ax_.set_title("training cost of both networks")
plt.show()

# %%
# The training cost keeps falling, but the validation accuracy stops
# improving after a few epochs: from then on the network learns the
# training set, not the digits. Early stopping ends training there,
# saving the epochs, and keeps the best weights, not the last.
#
# Early stopping is not free, though: it trains on 80 % of the rows. On a
# training set this small the held-out fifth is missed, and the network
# trained on all 400 rows for 150 epochs scores a little higher on the test
# set. Early stopping pays where epochs are expensive, or where longer
# training over-fits more than the held-out rows cost.
