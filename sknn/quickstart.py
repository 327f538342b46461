"""Quick start: sknn beside scikit-learn's MLP on the digits dataset.

Run ``python -m sknn.quickstart``. It trains ``Pipeline(MinMaxScaler,
SigmoidMLPClassifier)`` and scikit-learn's ``MLPClassifier(activation="logistic",
solver="sgd")`` with the same hyperparameters on the same split and prints the
held-out accuracy and fit time of each.
"""

# SPDX-License-Identifier: BSD-3-Clause

import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from sknn import SigmoidMLPClassifier


def main():
    """Train both models on digits and print accuracy and fit time."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    sknn_model = SigmoidMLPClassifier(random_state=0)
    # scikit-learn's MLP with the same network, cost and optimizer settings.
    same = {
        name: sknn_model.get_params()[name]
        for name in (
            "hidden_layer_sizes", "alpha", "batch_size", "learning_rate",
            "learning_rate_init", "max_iter", "momentum", "tol", "n_iter_no_change",
        )
    }
    sklearn_model = MLPClassifier(activation="logistic", solver="sgd", random_state=0, **same)

    print(f"digits: {len(X_train)} training and {len(X_test)} held-out images\n")
    print(f"{'model':<48}{'accuracy':>10}{'fit time':>11}{'epochs':>8}")
    for name, estimator in [
        ("sknn.SigmoidMLPClassifier", sknn_model),
        ('sklearn MLPClassifier(logistic, sgd)', sklearn_model),
    ]:
        model = make_pipeline(MinMaxScaler(), estimator)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            start = time.perf_counter()
            model.fit(X_train, y_train)
            seconds = time.perf_counter() - start
        accuracy = model.score(X_test, y_test)
        print(f"{name:<48}{accuracy:>10.4f}{seconds:>10.2f}s{estimator.n_iter_:>8}")


if __name__ == "__main__":
    main()
