"""
================================================
Speed beside scikit-learn's MLP on the same work
================================================

:class:`~sknn.SigmoidMLPClassifier` trains the same network as
scikit-learn's ``MLPClassifier(activation="logistic", solver="sgd")``, with
the same initial weights for the same ``random_state``. Here both run the
same number of epochs with the same hyperparameters on the digits, for
several batch sizes, and we compare the time per epoch. (Timings come from
the machine that built this page, shared with other work: read the ratios,
not the absolute numbers. The ``benchmarks/`` directory measures this
properly.)
"""

# %%
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import MinMaxScaler
from threadpoolctl import threadpool_limits

from sknn import SigmoidMLPClassifier

X, y = load_digits(return_X_y=True)
X = MinMaxScaler().fit_transform(X)
n_epochs = 5
common = dict(
    hidden_layer_sizes=(100,), alpha=1e-4, learning_rate="constant",
    learning_rate_init=0.1, momentum=0.9, max_iter=n_epochs, tol=0,
    n_iter_no_change=n_epochs, random_state=0,
)


def seconds_per_epoch(model):
    """Best of two fits, divided by the number of epochs."""
    times = []
    for _ in range(2):
        start = time.perf_counter()
        # One BLAS thread for both: on a machine shared with other work,
        # threads fighting over the cores would swamp the comparison.
        with warnings.catch_warnings(), threadpool_limits(1):
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)
        times.append(time.perf_counter() - start)
    return min(times) / n_epochs


batch_sizes = [16, 32, 128, 512]
results = {"sknn": [], "scikit-learn": []}
for batch_size in batch_sizes:
    results["sknn"].append(
        seconds_per_epoch(SigmoidMLPClassifier(batch_size=batch_size, **common))
    )
    results["scikit-learn"].append(
        seconds_per_epoch(
            MLPClassifier(activation="logistic", solver="sgd", batch_size=batch_size, **common)
        )
    )
for batch_size, ours, theirs in zip(batch_sizes, results["sknn"], results["scikit-learn"]):
    print(f"batch_size={batch_size:4d}: sknn {1e3 * ours:6.1f} ms/epoch, "
          f"scikit-learn {1e3 * theirs:6.1f} ms/epoch, ratio {theirs / ours:.1f}x")

# %%
# Time per epoch
# --------------
positions = np.arange(len(batch_sizes))
fig, ax = plt.subplots(figsize=(7.5, 4.5))
for offset, (name, times) in zip([-0.2, 0.2], results.items()):
    ax.bar(positions + offset, 1e3 * np.array(times), width=0.4, label=name)
ax.set_xticks(positions, [str(b) for b in batch_sizes])
ax.set(xlabel="batch_size", ylabel="milliseconds per epoch (1797 digits)",
       title="one epoch of mini-batch SGD, 64-100-10 network")
ax.legend()
plt.show()

# %%
# The matrix products are the same in both; the difference is the fixed
# cost around them — a Python-level call per numpy operation, copies of
# each batch, a fresh array per layer, temporaries in the loss and the
# optimizer. ``sknn`` runs each epoch of dense input in one call of a
# compiled kernel (``sknn/_sgd_fast.pyx``, the same equations as its numpy
# modules), so that fixed cost is gone; it matters most at the small batch
# sizes SGD is usually run with.
