"""
=====================================================================
Checking backpropagation, and watching the gradient vanish
=====================================================================

Backpropagation is the chain rule organised layer by layer: the output error
δ⁽ᴸ⁾ is carried back through the weights, δ⁽ˡ⁾ = (δ⁽ˡ⁺¹⁾ W⁽ˡ⁺¹⁾ᵀ) ⊙ σ′(Z⁽ˡ⁾),
and gives ∂C/∂W⁽ˡ⁾ = A⁽ˡ⁻¹⁾ᵀ δ⁽ˡ⁾ / m for every layer at the cost of about two
forward passes. :mod:`sknn.inspection` exposes that gradient, computed by the
very code training uses, and checks it against the slope of the cost measured
the slow way, by central finite differences.

The same tools show why deep stacks of sigmoid units are hard to train: each
layer multiplies δ by σ′ ≤ 1/4, so the gradient shrinks geometrically on its
way back to the first layers.
"""

# %%
# A deep stack of sigmoid layers
# ------------------------------
# Eight hidden layers of 16 sigmoid units on the digits (pixels scaled to
# [0, 1]), trained for a few epochs.

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning

from sknn import SigmoidMLPClassifier
from sknn.inspection import check_gradients, gradients

X, y = load_digits(return_X_y=True)
X = X[:500] / 16
y = y[:500]

n_hidden = 8
deep = SigmoidMLPClassifier(hidden_layer_sizes=(16,) * n_hidden, max_iter=5, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # a few epochs on purpose
    deep.fit(X, y)

# %%
# Backpropagation against finite differences
# ------------------------------------------
# For 300 weights and biases drawn at random, ``check_gradients`` compares
# ∂C/∂θⱼ from backprop with (C(θ + ε eⱼ) − C(θ − ε eⱼ)) / 2ε. A wrong
# equation anywhere would give a relative difference near 1.

difference = check_gradients(deep, X, y, max_params=300, random_state=0)
print(f"largest relative difference, backprop vs finite differences: {difference:.1e}")

# %%
# The two agree to about 1e-4 here, against 1e-7 or so for a shallow network:
# what is left is the rounding noise of the finite differences (about 1e-12)
# measured against the tiny gradients of the first layers, about 1e-8, as the
# next plot shows.

# %%
# The gradient, layer by layer
# ----------------------------
# :class:`~sknn.plotting.GradientDisplay` draws, for each layer l, the mean
# size of ∂C/∂W⁽ˡ⁾ and the mean σ′ = a (1 − a) of the hidden layers, here for
# the deep network and for a network with a single hidden layer trained the
# same way, on one axes. In the deep stack the first layers receive
# gradients orders of magnitude smaller than the last: with one learning
# rate for all layers, they barely learn.

from sknn.plotting import GradientDisplay

shallow = SigmoidMLPClassifier(hidden_layer_sizes=(16,), max_iter=5, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    shallow.fit(X, y)

fig, ax = plt.subplots(figsize=(8, 5))
deep_display = GradientDisplay.from_estimator(deep, X, y, name=f"{n_hidden} hidden layers", ax=ax)
GradientDisplay.from_estimator(shallow, X, y, name="1 hidden layer", ax=ax)
ax.set_title("Gradients vanish towards the input; each layer scales δ by σ′ < 1/4")
plt.show()

# %%
# The display keeps what it drew: ``mean_abs_gradient`` holds the mean
# \|∂C/∂W⁽ˡ⁾\| of every layer, the same numbers as from
# :func:`~sknn.inspection.gradients`.

coef_grads, _ = gradients(deep, X, y)
assert np.allclose(deep_display.mean_abs_gradient, [np.mean(np.abs(g)) for g in coef_grads])
ratio = deep_display.mean_abs_gradient[-1] / deep_display.mean_abs_gradient[0]
print(f"last layer / first layer gradient size in the deep stack: {ratio:.0f}")

# %%
# Every hidden layer's mean σ′ is close to its largest value, 1/4, so the
# units are not saturated: the gradient shrinks because eight factors, each
# below 1/4, multiply on its way back, not because some unit is stuck.
# :ref:`sphx_glr_auto_examples_plot_saturation.py` shows what saturated
# units look like.
