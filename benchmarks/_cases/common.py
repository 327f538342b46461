"""Data, hyperparameters and the timer that several cases share."""

# SPDX-License-Identifier: BSD-3-Clause

import time

import numpy as np
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor


# ---------------------------------------------------------------- data


def data_A(n=20_000, dtype=np.float64, seed=0):
    """n × 64 in [0, 1], 10 classes."""
    X, y = make_classification(
        n_samples=n, n_features=64, n_informative=32, n_redundant=8, n_classes=10,
        n_clusters_per_class=1, random_state=seed,
    )
    X -= X.min(axis=0)
    X /= X.max(axis=0)
    return X.astype(dtype, copy=False), y


def data_B(n=20_000, seed=0):
    """Digits upscaled 3× to 24 × 24 with a little noise, float32 in [0, 1]."""
    rng = np.random.default_rng(seed)
    digits, labels = load_digits(return_X_y=True)
    idx = rng.integers(len(digits), size=n)
    images = (digits[idx] / 16.0).reshape(n, 8, 8).astype(np.float32)
    images = images.repeat(3, axis=1).repeat(3, axis=2).reshape(n, 576)
    images += rng.normal(0, 0.05, images.shape).astype(np.float32)
    np.clip(images, 0, 1, out=images)
    return images, labels[idx]


def data_C(n=50_000, seed=0):
    """Regression: n × 20 in [0, 1], a smooth non-linear target, standardised."""
    X, y = make_regression(n_samples=n, n_features=20, n_informative=10, noise=1.0,
                           random_state=seed)
    y = y + 0.02 * (X[:, 0] * X[:, 1]) * np.abs(y).mean()
    X -= X.min(axis=0)
    X /= X.max(axis=0)
    return X, (y - y.mean()) / y.std()


# ---------------------------------------------------------------- hyperparameters


def params(hidden, batch_size, epochs, learning_rate_init):
    """The same settings for both libraries, so that both run ``epochs`` epochs."""
    return dict(
        hidden_layer_sizes=hidden, batch_size=batch_size, learning_rate="constant",
        learning_rate_init=learning_rate_init, momentum=0.9, nesterovs_momentum=True,
        alpha=1e-4, max_iter=epochs, tol=0.0, n_iter_no_change=epochs + 10,
        shuffle=True, early_stopping=False, random_state=0,
    )


def make_pair(kind, p):
    # sknn with scikit-learn's start (Glorot) and y as given: the same work.
    if kind == "classifier":
        return (SigmoidMLPClassifier(init="glorot", **p),
                MLPClassifier(activation="logistic", solver="sgd", **p))
    return (SigmoidMLPRegressor(init="glorot", target_std=None, **p),
            MLPRegressor(activation="logistic", solver="sgd", **p))


# ---------------------------------------------------------------- timing


def timed(fn):
    """CPU seconds of ``fn()`` (and its result).

    Process CPU time, not wall time: on a shared machine a wall clock also
    counts the time slices other programs took, which no ratio cancels. With
    BLAS on one thread (the default ``--blas-threads 1``) CPU time is the work
    done; with threaded BLAS it adds up the work of all threads.
    """
    t0 = time.process_time()
    result = fn()
    return time.process_time() - t0, result
