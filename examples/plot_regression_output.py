"""
=================================================
Regression of a curve: identity vs sigmoid output
=================================================

:class:`~sknn.SigmoidMLPRegressor` has sigmoid hidden units and, by default,
an *identity* output unit, ŷ = z, which can reach any real value. The textbook
network uses a *sigmoid* output, ŷ = σ(z), which only reaches (0, 1): the
targets must then be scaled into [0, 1], which
:class:`~sklearn.compose.TransformedTargetRegressor` does (and undoes at
prediction time).

The sigmoid output also learns more slowly: its output error carries the
factor ŷ (1 − ŷ) ≤ ¼ (the *learning slowdown* of the quadratic cost, see the
user guide) and its scaled targets span [0, 1], so it gets a larger step,
``learning_rate_init=1.0``. The inputs are standardised, which suits this
wide 1-D input better than squeezing it into [0, 1].
"""

# %%

import matplotlib.pyplot as plt
import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from sknn import SigmoidMLPRegressor

rng = np.random.RandomState(0)
X = np.sort(rng.uniform(-3, 3, size=(300, 1)), axis=0)
y = 2 * np.sin(1.5 * X[:, 0]) + 0.5 * X[:, 0] + rng.normal(scale=0.25, size=300)
X_plot = np.linspace(-3.5, 3.5, 400)[:, np.newaxis]

models = {
    "identity output": make_pipeline(
        StandardScaler(), SigmoidMLPRegressor(hidden_layer_sizes=(30,), random_state=0)
    ),
    "sigmoid output, targets scaled to [0, 1]": TransformedTargetRegressor(
        regressor=make_pipeline(
            StandardScaler(),
            SigmoidMLPRegressor(
                hidden_layer_sizes=(30,), output_activation="sigmoid",
                learning_rate_init=1.0, random_state=0,
            ),
        ),
        transformer=MinMaxScaler(),
    ),
}

fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
for ax, (name, model) in zip(axes, models.items()):
    model.fit(X, y)  # both converge: no ConvergenceWarning
    ax.scatter(X[:, 0], y, s=8, color="0.6", label="training data")
    ax.plot(X_plot[:, 0], model.predict(X_plot), color="C3", lw=2, label="prediction")
    ax.axvspan(3, 3.5, color="0.9")
    ax.axvspan(-3.5, -3, color="0.9")
    ax.set(title=f"{name}\nR² = {model.score(X, y):.3f}", xlabel="x")
    ax.legend(loc="upper left")
axes[0].set_ylabel("y")
fig.tight_layout()
plt.show()

# %%
# Both fit the curve inside the training range; the sigmoid output, with its
# slower learning, a little less closely at the peaks. Outside the range
# (shaded) neither has seen any data: the prediction just continues the
# slope of its saturating hidden units. The sigmoid output has one more
# limit: since σ(z) lies in (0, 1), which the target scaler maps back to the
# range of the training targets, it can never predict beyond them.
