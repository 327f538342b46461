"""Quick start: sknn beside scikit-learn's MLP on a bundled dataset.

Run ``python -m sknn`` (or ``python -m sknn.quickstart``); ``--help`` lists
the options. It trains ``Pipeline(MinMaxScaler, SigmoidMLPClassifier)`` and
scikit-learn's ``MLPClassifier(activation="logistic", solver="sgd")`` with
the same network, batch size, schedule, momentum and stopping rule on the
same split and prints the held-out accuracy and fit time of each
(scikit-learn's MLP keeps its own ``learning_rate_init``: it has no
``'auto'``). ``--dataset diabetes`` does the same for regression with
:class:`~sknn.SigmoidMLPRegressor` and ``MLPRegressor``, scored by R²; the
scikit-learn model gets its targets scaled to [0, 1] by a
``TransformedTargetRegressor`` (sknn scales them itself, ``target_std``).
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import sys
import time
import warnings

from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler

from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor

__all__ = ["main", "models", "parse_args"]

# dataset name → (loader, task, what a sample is)
DATASETS = {
    "digits": (load_digits, "classification", "images"),
    "breast_cancer": (load_breast_cancer, "classification", "tumours"),
    "diabetes": (load_diabetes, "regression", "patients"),
}

# The hyperparameters both libraries share, copied from sknn's model to
# scikit-learn's (not learning_rate_init: scikit-learn has no 'auto').
SHARED = (
    "hidden_layer_sizes", "alpha", "batch_size", "learning_rate",
    "max_iter", "momentum", "tol", "n_iter_no_change",
)


def parse_args(argv=None):
    """The command line options.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments, without the program name; None reads ``sys.argv``.

    Returns
    -------
    argparse.Namespace
        ``dataset``, ``max_iter`` and ``random_state``.

    Examples
    --------
    >>> from sknn.quickstart import parse_args
    >>> parse_args(["--dataset", "diabetes", "--max-iter", "50"])
    Namespace(dataset='diabetes', max_iter=50, random_state=0)
    """
    parser = argparse.ArgumentParser(
        prog="python -m sknn",
        description=(
            "Train sknn's sigmoid MLP (backpropagation and mini-batch SGD) and "
            "scikit-learn's MLP(activation='logistic', solver='sgd') with the same "
            "hyperparameters on the same split of a dataset bundled with scikit-learn, "
            "and print the held-out score and the fit time of each."
        ),
        epilog=(
            "Classification datasets are scored by accuracy, diabetes (regression) "
            "by R². The inputs are scaled to [0, 1] by MinMaxScaler in a pipeline."
        ),
    )
    parser.add_argument(
        "--dataset",
        choices=list(DATASETS),
        default="digits",
        help="the dataset (default: %(default)s)",
    )
    parser.add_argument(
        "--max-iter",
        type=_positive_int,
        default=None,
        metavar="N",
        help="largest number of epochs (default: the estimator's own max_iter)",
    )
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="SEED",
        help="seed of the split and of both models (default: %(default)s)",
    )
    return parser.parse_args(argv)


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def models(task, *, max_iter=None, random_state=0):
    """Build sknn's estimator and scikit-learn's MLP with the hyperparameters both take.

    Parameters
    ----------
    task : {'classification', 'regression'}
        Which pair of estimators.
    max_iter : int, default=None
        Largest number of epochs; None keeps sknn's default.
    random_state : int, default=0
        Seed of both models.

    Returns
    -------
    list of (str, estimator)
        The two pipelines, named: ``MinMaxScaler`` then the network (and, for
        scikit-learn's regressor, the targets scaled to [0, 1] by a
        :class:`~sklearn.compose.TransformedTargetRegressor`).

    Examples
    --------
    >>> from sknn.quickstart import models
    >>> [name for name, _ in models("regression", max_iter=5)]
    ['sknn.SigmoidMLPRegressor', 'sklearn MLPRegressor(logistic, sgd)']
    """
    sknn_class, sklearn_class = {
        "classification": (SigmoidMLPClassifier, MLPClassifier),
        "regression": (SigmoidMLPRegressor, MLPRegressor),
    }[task]
    extra = {} if max_iter is None else {"max_iter": max_iter}
    sknn_model = sknn_class(random_state=random_state, **extra)
    same = {name: sknn_model.get_params()[name] for name in SHARED}
    sklearn_model = sklearn_class(
        activation="logistic", solver="sgd", random_state=random_state, **same
    )
    pairs = []
    for name, estimator in [
        (f"sknn.{sknn_class.__name__}", sknn_model),
        (f"sklearn {sklearn_class.__name__}(logistic, sgd)", sklearn_model),
    ]:
        model = make_pipeline(MinMaxScaler(), estimator)
        if task == "regression" and estimator is sklearn_model:
            model = TransformedTargetRegressor(regressor=model, transformer=MinMaxScaler())
        pairs.append((name, model))
    return pairs


def _network(model):
    """The network at the end of a quick-start pipeline (fitted)."""
    if isinstance(model, TransformedTargetRegressor):
        model = model.regressor_
    return model[-1]


def main(argv=None):
    """Train both models on the chosen dataset and print score and fit time.

    Parameters
    ----------
    argv : list of str, default=None
        Command line arguments (see :func:`parse_args`); None reads ``sys.argv``.
    """
    args = parse_args(argv)
    load, task, samples = DATASETS[args.dataset]
    X, y = load(return_X_y=True)
    stratify = y if task == "classification" else None
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=stratify, random_state=args.random_state
    )
    score_name = "accuracy" if task == "classification" else "R²"

    print(f"{args.dataset}: {len(X_train)} training and {len(X_test)} held-out {samples}\n")
    print(f"{'model':<48}{score_name:>10}{'fit time':>11}{'epochs':>8}")
    caught = []
    for name, model in models(task, max_iter=args.max_iter, random_state=args.random_state):
        with warnings.catch_warnings(record=True) as records:
            warnings.simplefilter("always")
            start = time.perf_counter()
            model.fit(X_train, y_train)
            seconds = time.perf_counter() - start
        caught += [(name, record) for record in records]
        score = model.score(X_test, y_test)
        print(f"{name:<48}{score:>10.4f}{seconds:>10.2f}s{_network(model).n_iter_:>8}")
    _print_warnings(caught)


def _print_warnings(caught):
    """Both models' warnings, alike, after the table (on stderr, as warnings go)."""
    if not caught:
        return
    sys.stdout.flush()
    print("\nwarnings:", file=sys.stderr)
    for name, record in caught:
        print(f"  {name}: {record.category.__name__}: {record.message}", file=sys.stderr)


if __name__ == "__main__":
    main()
