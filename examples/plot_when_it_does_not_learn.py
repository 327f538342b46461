"""
=====================================================
When it does not learn: plateau, collapse, divergence
=====================================================

The textbook network fails in three typical ways, and each has a picture and
a named outcome in sknn:

- a **plateau**: the loss curve lies flat near the loss of a prediction that
  ignores X, because every σ is in its nearly linear middle or all units are
  alike, so the network is a linear model that SGD moves only slowly —
  :class:`~sknn.PlateauWarning` when the stopping rule stops there;
- a **collapse**: the hidden units are thrown into σ's flat tails, where
  σ′ = a (1 − a) ≈ 0, the error δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁺¹⁾ᵀ) ⊙ σ′ vanishes and
  nothing moves them back: the network predicts a constant —
  :class:`~sknn.DegenerateFitWarning`;
- a **divergence**: steps larger than the curvature of the cost allows make
  every step overshoot further, and the loss explodes — ``fit`` raises a
  ``ValueError`` in the epoch it happens.

The defaults avoid all three on the problems below (see "Why the defaults
learn" in the user guide); each picture shows the failure beside its fix.
"""

# %%
# A plateau
# ---------
# Two moons, scaled to [0, 1]. With scikit-learn's start (``init='glorot'``)
# every hidden unit begins in the nearly linear middle of σ, so the network
# starts as a linear model. SGD finds the best straight boundary quickly and
# then the loss barely moves: bending the units takes a gradient that σ's
# slight curvature makes tiny. The stopping rule ends training on that
# plateau, and the warning says it is one (the hidden units are still
# linear). The default start places each unit's step on the data, so the
# network is curved from the first epoch.
import warnings

import matplotlib.pyplot as plt
from sklearn.datasets import load_iris, make_friedman1, make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import MinMaxScaler

from sknn import PlateauWarning, SigmoidMLPClassifier, SigmoidMLPRegressor
from sknn.plotting import ActivationDisplay, LossCurveDisplay

X, y = make_moons(500, noise=0.2, random_state=0)
X = MinMaxScaler().fit_transform(X)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", PlateauWarning)
    stuck = SigmoidMLPClassifier(init="glorot", random_state=0).fit(X, y)
print(caught[0].message)
learns = SigmoidMLPClassifier(random_state=0).fit(X, y)
print(f"accuracy on the plateau {stuck.score(X, y):.3f}, with the defaults {learns.score(X, y):.3f}")

display = LossCurveDisplay.from_estimators(
    {"init='glorot'": stuck, "init='data' (the default)": learns}, log_scale=False
)
display.ax_.axhline(0.6931, color="0.5", ls=":", label="log 2: a constant prediction")
display.ax_.legend()
display.ax_.set_title("a plateau, and the defaults")
plt.show()

# %%
# A collapse
# ----------
# Friedman's problem #1 with X left on a scale of 0 to 100, and a fixed step
# η = 0.03 that suits inputs in [0, 1]. The first layer's gradient
# ∂C/∂W⁽¹⁾ = Xᵀ δ⁽¹⁾ / m grows with x, so the first steps throw nearly every
# unit deep into a flat tail of σ. The activations pile up at 0 and 1 (the
# shaded zones), the units stop learning, and sknn says so and why. Two fixes:
# a :class:`~sklearn.preprocessing.MinMaxScaler` in front, or the default
# ``learning_rate_init='auto'``, whose curvature bound grows with x² too and
# takes a step that many times smaller.
X, y = make_friedman1(1000, random_state=0)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    collapsed = SigmoidMLPRegressor(learning_rate_init=0.03, random_state=0).fit(100 * X, y)
print(caught[0].message)
auto = SigmoidMLPRegressor(random_state=0).fit(100 * X, y)
print(f"R² with η = 0.03: {collapsed.score(100 * X, y):.3f}; with 'auto' "
      f"(η = {auto.learning_rate_init_:.2g}): {auto.score(100 * X, y):.3f}")

fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
ActivationDisplay.from_estimator(collapsed, 100 * X, ax=axes[0])
axes[0].set_title("X on a scale of 100, η = 0.03: collapsed")
ActivationDisplay.from_estimator(auto, 100 * X, ax=axes[1])
axes[1].set_title("X on a scale of 100, η = 'auto'")
fig.tight_layout()
plt.show()

# %%
# A divergence
# ------------
# Iris petal sizes as a regression target. Stepping far beyond the stable
# step 1 / λ_max of the cost, each update overshoots the minimum by more than
# it started from: the loss grows geometrically (here by about 10¹² per
# epoch). ``fit`` raises as soon as an epoch's loss exceeds ten times that of
# a constant prediction, and the model is left as it was. ``'auto'`` takes
# half of 1 / λ̂, with λ̂ a bound on the cost's curvature.
X, y = load_iris(return_X_y=True)
X = X / 8
model = SigmoidMLPRegressor(learning_rate_init=10, random_state=0)
try:
    model.fit(X, y)
except ValueError as error:
    print(error)
print("fitted after the error:", hasattr(model, "coefs_"))

steps = {}
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # 60 epochs on purpose
    auto = SigmoidMLPRegressor(max_iter=60, random_state=0).fit(X, y)
    for factor in [1, 3, 10]:
        eta = factor * auto.learning_rate_init_
        try:
            fit = SigmoidMLPRegressor(learning_rate_init=eta, max_iter=60, random_state=0)
            steps[f"η = {factor} × auto = {eta:.3f}"] = fit.fit(X, y)
        except ValueError as error:
            print(f"η = {factor} × auto: {str(error).split(':')[0]}")

display = LossCurveDisplay.from_estimators(steps)
display.ax_.set_title("larger steps: faster, until they diverge")
plt.show()

# %%
# The loss curves show the other side of the step size: larger steps learn
# faster while they are stable, and the largest stable step is close to the
# point where the output layer's error no longer shrinks from step to step.
# The ``'auto'`` rule stays a factor of two below it, since the hidden
# layers add curvature of their own as the output weights grow.
