"""
=====================================================
Running on a GPU: a whole Pipeline on PyTorch tensors
=====================================================

With ``sklearn.config_context(array_api_dispatch=True)``, scikit-learn's
array-API estimators compute in the namespace of their input, on its device.
``MinMaxScaler`` is one; sknn's estimators are too. So a pipeline fed torch
tensors scales, trains and predicts with torch, on the GPU when the tensors
are there, and returns tensors.

This example uses CUDA when PyTorch finds a GPU, PyTorch on the CPU
otherwise, and the strict reference namespace ``array_api_strict`` (pure
numpy underneath) where PyTorch is not installed: the code is the same.
"""

# %%
# SciPy must be imported with ``SCIPY_ARRAY_API=1`` for scikit-learn to
# dispatch: set it before the first import of scipy or sklearn (or in the
# shell).
import os

os.environ.setdefault("SCIPY_ARRAY_API", "1")

import matplotlib.pyplot as plt
import numpy as np
from sklearn import config_context
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from sknn import SigmoidMLPClassifier, model_to_numpy

try:
    import torch

    xp, device = torch, "cuda" if torch.cuda.is_available() else "cpu"
    where = f"torch on {device}"
except ImportError:  # the strict reference namespace: numpy underneath
    import array_api_strict as xp

    device, where = None, "array_api_strict"

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)


def on_device(A):
    """A numpy array as an array of ``xp`` on ``device``."""
    return xp.asarray(A, device=device)


# %%
# Fit, score and predict on the device
# ------------------------------------
# The pipeline is the one for numpy; only the inputs change.
with config_context(array_api_dispatch=True):
    pipe = make_pipeline(MinMaxScaler(), SigmoidMLPClassifier(random_state=0))
    pipe.fit(on_device(X_train), on_device(y_train))
    accuracy = pipe.score(on_device(X_test), on_device(y_test))
    proba = pipe.predict_proba(on_device(X_test))

model = pipe[-1]
print(f"trained with {where}: {model.n_iter_} epochs, test accuracy {accuracy:.3f}")
print(f"predict_proba returned {type(proba).__module__}.{type(proba).__name__} on {proba.device}")
print(f"coefs_[0] is a {type(model.coefs_[0]).__name__} on {model.coefs_[0].device}")

# %%
# One seed, one model, on every namespace
# ---------------------------------------
# The initial weights and the shuffles are drawn with numpy and moved to the
# device, so the same ``random_state`` gives the same network. On numpy the
# fit runs in sknn's compiled kernel, on the device through the reference
# equations; in float64 they agree to rounding (a float64 GPU, or the CPU).
reference = make_pipeline(MinMaxScaler(), SigmoidMLPClassifier(random_state=0))
reference.fit(X_train, y_train)
on_cpu = model_to_numpy(model)  # numpy copies of every fitted array
gap = max(np.abs(a - b).max() for a, b in zip(on_cpu.coefs_, reference[-1].coefs_))
print(f"largest difference of the weights from the numpy fit: {gap:.1e}")

fig, ax = plt.subplots(figsize=(6.5, 4))
ax.plot(reference[-1].loss_curve_, lw=4, alpha=0.4, label="numpy (compiled kernel)")
ax.plot(model.loss_curve_, "k--", lw=1, label=where)
ax.set(xlabel="epoch", ylabel="training loss", yscale="log", title="The same training, two namespaces")
ax.legend()
plt.show()

# %%
# Taking the model elsewhere
# --------------------------
# A model fitted on CUDA tensors keeps its weights on the GPU, predicts
# tensors there, and refuses numpy input with an error that says how to
# convert it. :func:`sknn.model_to_numpy` gives a numpy copy: pickle that for
# a machine without the GPU, export it to ONNX, or inspect it with
# :mod:`sknn.inspection`. (For the whole pipeline, scikit-learn >= 1.9 has
# ``sklearn.utils._array_api.move_estimator_to``.)
print(on_cpu.predict(MinMaxScaler().fit(X_train).transform(X_test))[:10])
