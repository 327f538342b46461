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
from sknn.inspection import activations, check_gradients, gradients

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
# The mean size of ∂C/∂W⁽ˡ⁾ for each layer l, for the deep network and for a
# network with a single hidden layer trained the same way. In the deep stack
# the first layers receive gradients thousands of times smaller than the
# last: with one learning rate for all layers, they barely learn.

shallow = SigmoidMLPClassifier(hidden_layer_sizes=(16,), max_iter=5, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    shallow.fit(X, y)


def mean_gradient(model):
    coef_grads, _ = gradients(model, X, y)
    return [np.mean(np.abs(g)) for g in coef_grads]


def mean_sigmoid_slope(model):
    """Mean σ′ = a (1 − a) of each hidden layer: the factor δ is scaled by."""
    return [np.mean(A * (1 - A)) for A in activations(model, X)[1:-1]]


fig, (ax_grad, ax_slope) = plt.subplots(1, 2, figsize=(10, 4))
for model, name in [(deep, f"{n_hidden} hidden layers"), (shallow, "1 hidden layer")]:
    layers = np.arange(1, model.n_layers_)
    ax_grad.semilogy(layers, mean_gradient(model), "o-", label=name)
ax_grad.set_xlabel("layer l (1 = first hidden, last = output)")
ax_grad.set_ylabel("mean |∂C/∂W⁽ˡ⁾|")
ax_grad.set_title("Gradients vanish towards the input")
ax_grad.legend()

slopes = mean_sigmoid_slope(deep)
ax_slope.bar(np.arange(1, n_hidden + 1), slopes)
ax_slope.axhline(0.25, color="k", linestyle="--", label="largest σ′ = 1/4")
ax_slope.set_xlabel("hidden layer l")
ax_slope.set_ylabel("mean σ′(Z⁽ˡ⁾) = a (1 − a)")
ax_slope.set_title("Each layer scales δ by σ′ < 1/4")
ax_slope.legend()
fig.tight_layout()
plt.show()

ratio = mean_gradient(deep)[-1] / mean_gradient(deep)[0]
print(f"last layer / first layer gradient size in the deep stack: {ratio:.0f}")
