"""Do the defaults learn? sknn's and scikit-learn's default MLPs on small problems.

Run from the repository root (it imports the ``sknn`` of this tree):

    python benchmarks/defaults.py                  # the table of issue #11, 3 seeds
    python benchmarks/defaults.py --more           # and further problems (2-10 features),
                                                   # spirals, checkerboard and peaks among them
    python benchmarks/defaults.py --problems moons,sin3x --seeds 1
    python benchmarks/defaults.py --sknn '{"learning_rate_init": 0.1}'   # try other settings
    python benchmarks/defaults.py --write-docs     # also write docs/defaults.rst

Every model is ``make_pipeline(MinMaxScaler(), estimator)`` with the
estimator's defaults, scored by 5-fold cross-validation (accuracy or R²),
once per seed: the seed sets the folds and the estimator's ``random_state``.
Beside sknn's defaults stand scikit-learn's ``MLPClassifier()`` /
``MLPRegressor()`` (adam, relu), the same with
``activation="logistic", solver="sgd"``, and ``HistGradientBoosting`` with
its defaults. The table shows the mean score over the seeds, the worst seed
and the spread between seeds (best − worst), the mean fit time of one fold
(CPU seconds, one thread), and how many of
the fits warned: a ``ConvergenceWarning`` (``max_iter`` ended training while
the loss still improved, or a ``PlateauWarning``) and a
``DegenerateFitWarning`` (saturated units or predictions that ignore X).
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import datetime
import json
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sklearn  # noqa: E402
from sklearn import datasets  # noqa: E402
from sklearn.base import clone, is_classifier  # noqa: E402
from sklearn.ensemble import (  # noqa: E402
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.model_selection import KFold, StratifiedKFold  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import MinMaxScaler  # noqa: E402

from threadpoolctl import threadpool_limits  # noqa: E402

import sknn  # noqa: E402
from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor  # noqa: E402

# ---------------------------------------------------------------- problems


def _sin3x(seed=0):
    rng = np.random.RandomState(seed)
    x = rng.uniform(-2, 2, size=(500, 1))
    return x, np.sin(3 * x[:, 0]) + rng.normal(scale=0.1, size=500)


def _xor(seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(800, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)


def _peaks(seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-3, 3, size=(1000, 2))
    x, z = X[:, 0], X[:, 1]
    y = 3 * (1 - x) ** 2 * np.exp(-(x**2) - (z + 1) ** 2) - 10 * (x / 5 - x**3 - z**5) * np.exp(
        -(x**2) - z**2
    ) - np.exp(-((x + 1) ** 2) - z**2) / 3
    return X, y + rng.normal(scale=0.1, size=len(y))


def _spirals(seed=0, n=1000, turns=3, noise=0.1):
    """Two arms of three turns: angle 2π·3·√u, radius 3√u, the second arm the first negated."""
    rng = np.random.RandomState(seed)
    m = n // 2
    t = np.sqrt(rng.uniform(size=m))
    angle = 2 * np.pi * turns * t
    arm = turns * t[:, None] * np.c_[np.cos(angle), np.sin(angle)]
    X = np.r_[arm, -arm] + rng.normal(scale=noise, size=(2 * m, 2))
    return X, np.r_[np.zeros(m, int), np.ones(m, int)]


def _checkerboard(seed=0, n=2000, cells=4):
    """Points uniform on [0, 4)², labelled by the parity of their 4 × 4 cell."""
    rng = np.random.RandomState(seed)
    X = rng.uniform(0, cells, size=(n, 2))
    return X, (np.floor(X[:, 0]).astype(int) + np.floor(X[:, 1]).astype(int)) % 2


# name: (kind, loader); "the table" is issue #11's, "more" a wider sample.
TABLE = {
    "diabetes": ("regression", lambda: datasets.load_diabetes(return_X_y=True)),
    "friedman1": ("regression", lambda: datasets.make_friedman1(500, random_state=0)),
    "sin3x": ("regression", _sin3x),
    "moons": ("classification", lambda: datasets.make_moons(500, noise=0.2, random_state=0)),
    "digits": ("classification", lambda: datasets.load_digits(return_X_y=True)),
    "breast_cancer": ("classification", lambda: datasets.load_breast_cancer(return_X_y=True)),
    "wine": ("classification", lambda: datasets.load_wine(return_X_y=True)),
    "iris": ("classification", lambda: datasets.load_iris(return_X_y=True)),
}
MORE = {
    "friedman2": ("regression", lambda: datasets.make_friedman2(1000, noise=5, random_state=0)),
    "friedman3": ("regression", lambda: datasets.make_friedman3(1000, noise=0.05, random_state=0)),
    "peaks": ("regression", _peaks),
    "circles": (
        "classification",
        lambda: datasets.make_circles(600, noise=0.1, factor=0.5, random_state=0),
    ),
    "xor": ("classification", _xor),
    "hastie": (
        "classification",
        lambda: tuple(a[:2000] for a in datasets.make_hastie_10_2(random_state=0)),
    ),
    "quantiles": (
        "classification",
        lambda: datasets.make_gaussian_quantiles(
            n_samples=1000, n_features=4, n_classes=3, random_state=0
        ),
    ),
    "spirals": ("classification", _spirals),
    "checkerboard": ("classification", _checkerboard),
}


# ---------------------------------------------------------------- models


def models(kind, sknn_params):
    """(name, estimator) pairs for a problem of ``kind``."""
    if kind == "classification":
        return [
            ("sknn", SigmoidMLPClassifier(**sknn_params)),
            ("sknn, auto scale", SigmoidMLPClassifier(**{**sknn_params, "init_scale": "auto"})),
            ("MLP()", MLPClassifier()),
            ("MLP(logistic, sgd)", MLPClassifier(activation="logistic", solver="sgd")),
            ("HGB", HistGradientBoostingClassifier()),
        ]
    return [
        ("sknn", SigmoidMLPRegressor(**sknn_params)),
        ("sknn, auto scale", SigmoidMLPRegressor(**{**sknn_params, "init_scale": "auto"})),
        ("MLP()", MLPRegressor()),
        ("MLP(logistic, sgd)", MLPRegressor(activation="logistic", solver="sgd")),
        ("HGB", HistGradientBoostingRegressor()),
    ]


def cross_validate(estimator, X, y, kind, seed):
    """Mean 5-fold score, mean fit seconds per fold, number of warned fits."""
    Split = StratifiedKFold if kind == "classification" else KFold
    scores, seconds, warned, degenerate = [], [], 0, 0
    for train, test in Split(5, shuffle=True, random_state=seed).split(X, y):
        model = make_pipeline(MinMaxScaler(), clone(estimator).set_params(random_state=seed))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            start = time.process_time()
            model.fit(X[train], y[train])
            seconds.append(time.process_time() - start)
        categories = {w.category for w in caught}
        warned += any(issubclass(c, ConvergenceWarning) for c in categories)
        degenerate += any(c.__name__ == "DegenerateFitWarning" for c in categories)
        scores.append(model.score(X[test], y[test]))
    assert is_classifier(estimator) == (kind == "classification")
    return float(np.mean(scores)), float(np.mean(seconds)), warned, degenerate


def run(problems, seeds, sknn_params):
    """Rows of results: one per problem and model."""
    rows = []
    for name, (kind, load) in problems.items():
        X, y = load()
        X = np.asarray(X, dtype=np.float64)
        for model_name, estimator in models(kind, sknn_params):
            results = [cross_validate(estimator, X, y, kind, seed) for seed in seeds]
            scores = [r[0] for r in results]
            rows.append(
                dict(
                    problem=name,
                    metric="accuracy" if kind == "classification" else "R²",
                    model=model_name,
                    mean=float(np.mean(scores)),
                    worst=float(np.min(scores)),
                    spread=float(np.max(scores) - np.min(scores)),
                    seconds=float(np.mean([r[1] for r in results])),
                    warned=sum(r[2] for r in results),
                    degenerate=sum(r[3] for r in results),
                    fits=5 * len(seeds),
                )
            )
            print(_format_row(rows[-1]), flush=True)
    return rows


HEADER = (
    f"{'problem':<14}{'metric':<10}{'model':<20}{'mean':>8}{'worst':>8}{'spread':>8}{'fit s':>8}"
    f"{'converge':>10}{'degenerate':>12}"
)


def _format_row(row):
    return (
        f"{row['problem']:<14}{row['metric']:<10}{row['model']:<20}{row['mean']:>8.3f}"
        f"{row['worst']:>8.3f}{row['spread']:>8.3f}{row['seconds']:>8.3f}{row['warned']:>6}/{row['fits']:<3}"
        f"{row['degenerate']:>8}/{row['fits']:<3}"
    )


def machine():
    """CPU and library versions, for the record."""
    flags = ""
    try:
        text = Path("/proc/cpuinfo").read_text()
        line = next(line for line in text.splitlines() if line.startswith("flags"))
        wanted = ("sse4_2", "avx", "avx2", "fma", "avx512f")
        flags = " ".join(f for f in line.split(":")[1].split() if f in wanted)
    except (OSError, StopIteration):
        pass
    return (
        f"{platform.processor() or platform.machine()} [{flags}], Python "
        f"{platform.python_version()}, numpy {np.__version__}, scikit-learn "
        f"{sklearn.__version__}, sknn {sknn.__version__}"
    )


MECHANISM = [
    "Spirals, the 4 × 4 checkerboard and peaks need steps finer than the base start's "
    "(``init_scale`` 2 for the classifier, 1 for the regressor: a unit bends over about "
    "one to two standard deviations of x). ``init_scale='auto'`` measures the length scale "
    "on which y varies, the leave-one-out bandwidth h* of a kernel smoother (about 0.06 "
    "standard deviations on these three, 0.8 or more on hastie, friedman1, diabetes or "
    "digits), proposes ``clip(1 / h*, base, 8 base)`` and races two fits of 60 epochs, "
    "from the base and from the proposal, on 80 % of the rows; the sharper start is "
    "taken only if it is better on the other 20 % by more than two standard errors. On a "
    "smooth problem either the proposal is not sharper or the race finds no significant "
    "gain, and the fit is exactly that of the base start (see *Why the defaults learn* in "
    "the user guide, and :ref:`sphx_glr_auto_examples_plot_intricate_boundaries.py`).",
]


def write_docs(rows, seeds, path):
    """docs/defaults.rst: the table as a reStructuredText list-table."""
    lines = [
        ".. _defaults:",
        "",
        "Do the defaults learn?",
        "======================",
        "",
        "Written by ``python benchmarks/defaults.py --more --write-docs`` on "
        f"{datetime.date.today().isoformat()} ({machine()}).",
        "",
        "Every model is ``make_pipeline(MinMaxScaler(), estimator)`` with the estimator's "
        f"defaults, scored by 5-fold cross-validation for each of {len(seeds)} seeds (the "
        "seed sets the folds and ``random_state``). *mean* is the mean score over the "
        "seeds, *worst* the worst seed's, *spread* the best seed's less the worst's, "
        "*fit s* the CPU seconds of one fold's fit, "
        "*converge* how many fits raised a ``ConvergenceWarning`` (or its subclass "
        "``sknn.PlateauWarning``), *degenerate* how many an ``sknn.DegenerateFitWarning``. "
        "*HGB* is ``HistGradientBoostingClassifier()`` / ``HistGradientBoostingRegressor()``.",
        "",
        *MECHANISM,
        "",
        ".. list-table::",
        "   :header-rows: 1",
        "",
        "   * - problem",
        "     - metric",
        "     - model",
        "     - mean",
        "     - worst",
        "     - spread",
        "     - fit s",
        "     - converge",
        "     - degenerate",
    ]
    for row in rows:
        lines += [
            f"   * - {row['problem']}",
            f"     - {row['metric']}",
            f"     - {row['model']}",
            f"     - {row['mean']:.3f}",
            f"     - {row['worst']:.3f}",
            f"     - {row['spread']:.3f}",
            f"     - {row['seconds']:.3f}",
            f"     - {row['warned']}/{row['fits']}",
            f"     - {row['degenerate']}/{row['fits']}",
        ]
    path.write_text("\n".join(lines) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--problems", help="comma-separated names (default: the table)")
    parser.add_argument("--more", action="store_true", help="add the further problems")
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (default 3)")
    parser.add_argument("--sknn", default="{}", help="JSON of sknn parameters to override")
    parser.add_argument("--only-sknn", action="store_true", help="skip scikit-learn's models")
    parser.add_argument("--write-docs", action="store_true", help="write docs/defaults.rst")
    args = parser.parse_args(argv)

    everything = {**TABLE, **MORE}
    if args.problems:
        problems = {name: everything[name] for name in args.problems.split(",")}
    else:
        problems = {**TABLE, **(MORE if args.more else {})}
    if args.only_sknn:
        global models
        full = models
        models = lambda kind, params: full(kind, params)[:1]  # noqa: E731
    seeds = list(range(args.seeds))
    # One thread for every model (BLAS, OpenMP): CPU seconds then compare like with like.
    threadpool_limits(1)
    print(machine())
    print(HEADER)
    rows = run(problems, seeds, json.loads(args.sknn))
    if args.write_docs:
        write_docs(rows, seeds, ROOT / "docs" / "defaults.rst")
    return rows


if __name__ == "__main__":
    main()
