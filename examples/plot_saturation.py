"""
==================================================
Saturated sigmoid units: the activations per layer
==================================================

A sigmoid unit passes the error back through σ′(z) = a (1 − a). Near a = 0
or a = 1 that factor is almost 0: the unit is *saturated*, the gradient of
every weight into it vanishes, and it stops learning. A network whose hidden
units are all saturated has collapsed: its hidden layer sends the same 0s
and 1s whatever the input, and the output can learn no more than a constant.

:class:`~sknn.plotting.ActivationDisplay` draws the distribution of each
hidden layer's activations over a set of samples, shades the saturated
zones and writes the fraction of activations in each.
"""

# %%
# One step too far
# ----------------
# Friedman's regression problem #1: 10 features in [0, 1], the target
# standardised to mean 0 and variance 1. The same network of 100 sigmoid
# units is trained with two learning rates. With η = 0.1 the first steps are
# so large that they drive every hidden unit deep into a flat tail of σ,
# from where no gradient brings it back.
import matplotlib.pyplot as plt
from sklearn.datasets import make_friedman1
from sklearn.model_selection import train_test_split

from sknn import SigmoidMLPRegressor
from sknn.plotting import ActivationDisplay

X, y = make_friedman1(n_samples=1000, random_state=0)
y = (y - y.mean()) / y.std()
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

models = {}
for eta in [0.03, 0.1]:
    model = SigmoidMLPRegressor(hidden_layer_sizes=(100,), learning_rate_init=eta, random_state=0)
    model.fit(X_train, y_train)
    models[f"η = {eta:g}"] = model
    print(f"η = {eta:<5g} held-out R² = {model.score(X_test, y_test):.3f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
displays = {}
for ax, (name, model) in zip(axes, models.items()):
    displays[name] = ActivationDisplay.from_estimator(model, X_test, ax=ax)
    ax.set_title(name)
fig.tight_layout()
plt.show()

# %%
# With η = 0.03 the activations spread over (0, 1) and almost none is
# saturated; the network explains most of the variance. With η = 0.1
# every activation sits in a saturated zone (the percentages at the ends of
# the row), for every sample: the hidden layer no longer depends on X, and the
# network predicts a constant, R² ≈ 0. A smaller η, or inputs and targets
# scaled to [0, 1] (see the user guide's practical guidance), avoid it.
#
# The fractions are attributes of the display, ``saturated_low`` and
# ``saturated_high``, one number per hidden layer:

for name, display in displays.items():
    saturated = display.saturated_low + display.saturated_high
    print(f"{name:8} saturated fraction of the hidden layer: {saturated[0]:.2f}")
