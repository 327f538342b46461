"""
=====================================================
Tuning hidden_layer_sizes and alpha with GridSearchCV
=====================================================

The estimators follow scikit-learn's conventions, so
:class:`~sklearn.model_selection.GridSearchCV` can tune them inside a
pipeline. Here: the width of the hidden layer against the strength α of the
L2 penalty, scored by 3-fold cross-validation on the digits.
"""

# %%
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from sknn import SigmoidMLPClassifier

X, y = load_digits(return_X_y=True)
pipeline = make_pipeline(
    MinMaxScaler(), SigmoidMLPClassifier(max_iter=15, random_state=0)
)
widths = [(4,), (16,), (64,)]
alphas = [1e-4, 1e-2, 1.0, 10.0]
search = GridSearchCV(
    pipeline,
    {"sigmoidmlpclassifier__hidden_layer_sizes": widths, "sigmoidmlpclassifier__alpha": alphas},
    cv=3,
)
with warnings.catch_warnings():
    # 15 epochs are enough to rank the settings; silence "max_iter reached".
    warnings.simplefilter("ignore", ConvergenceWarning)
    search.fit(X, y)
print("best:", search.best_params_, f"accuracy {search.best_score_:.3f}")

# %%
# The heat map of mean cross-validated accuracy
# ----------------------------------------------
# ``cv_results_`` lists the settings in the grid's order (parameters sorted
# by name, the last one varying fastest), so the scores reshape into a
# table with one row per α and one column per width.
scores = search.cv_results_["mean_test_score"].reshape(len(alphas), len(widths))

fig, ax = plt.subplots(figsize=(6, 4.5))
image = ax.imshow(scores, cmap="viridis", vmin=scores.min(), vmax=1)
for i in range(len(alphas)):
    for j in range(len(widths)):
        color = "k" if scores[i, j] > scores.mean() else "w"
        ax.text(j, i, f"{scores[i, j]:.3f}", ha="center", va="center", color=color)
ax.set_xticks(range(len(widths)), [str(w[0]) for w in widths])
ax.set_yticks(range(len(alphas)), [f"{a:g}" for a in alphas])
ax.set(xlabel="hidden units", ylabel="alpha (L2 penalty)", title="mean 3-fold CV accuracy")
fig.colorbar(image, ax=ax)
fig.tight_layout()
plt.show()

# %%
# Four hidden units are too few for ten classes; wider layers do better. A
# small penalty costs nothing, but a large α pulls every weight towards zero
# and the network underfits.
