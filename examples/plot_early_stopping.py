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
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
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
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    # The same network trained for a fixed number of epochs, for comparison.
    full = SigmoidMLPClassifier(max_iter=150, tol=0, n_iter_no_change=150, **params)
    full.fit(X_train, y_train)

best = int(np.argmax(early.validation_scores_))
print(f"early stopping: {early.n_iter_} epochs, best at epoch {best + 1}, "
      f"test accuracy {early.score(X_test, y_test):.3f}")
print(f"150 epochs:     test accuracy {full.score(X_test, y_test):.3f}")

# %%
# The curves
# ----------
epochs = np.arange(1, early.n_iter_ + 1)
fig, ax_val = plt.subplots(figsize=(8, 5.2), layout="constrained")
ax_val.plot(epochs, early.validation_scores_, "o-", ms=3, color="C0",
            label="validation accuracy (validation_scores_)")
ax_val.axvline(best + 1, color="C0", ls=":", label=f"best epoch ({best + 1}): weights kept")
ax_val.axvline(early.n_iter_, color="k", ls="--", label="training stops")
ax_val.set(xlabel="epoch", ylabel="validation accuracy")
ax_loss = ax_val.twinx()
ax_loss.plot(epochs, early.loss_curve_, color="C1", label="training cost (loss_curve_)")
ax_loss.set(ylabel="training cost C", yscale="log")
lines = ax_val.get_legend_handles_labels()
more = ax_loss.get_legend_handles_labels()
fig.legend(lines[0] + more[0], lines[1] + more[1], loc="outside lower center", ncols=2)
ax_val.set_title("early stopping on 400 digits")
plt.show()

# %%
# The training cost keeps falling, but the validation accuracy stops
# improving after a few epochs: from then on the network learns the
# training set, not the digits. Early stopping ends training there,
# saving the epochs, and keeps the best weights, not the last.
