"""Choose the start: ``init_scale='auto'``, the data proposes a sharper start and a race decides.

One step of a first ``fit`` with ``init='data'`` (see :mod:`sknn._sharpness`
for the equations): on up to a thousand rows the leave-one-out bandwidth h*
of y proposes ``clip(1 / h*, base, 8 base)``. Where that is at least
:data:`MIN_RATIO` × base, two short fits (:data:`RACE_EPOCHS` epochs, the
estimator's other parameters) race on 80 % of at most :data:`MAX_RACE_ROWS`
rows, one from the base scale and one from the proposal, and are scored row
by row on the other 20 %; the sharper start is chosen only if it is
significantly better there. Otherwise the start is exactly the base one's.

No race (the base scale) for ``partial_fit``, ``warm_start``, fewer than
:data:`MIN_ROWS` rows of positive weight, or ``init='glorot'``.
"""

# SPDX-License-Identifier: BSD-3-Clause

import copy

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from ._array_api import numpy_rows, take_rows, to_numpy
from ._init import sample_rows
from ._quiet import quietly
from ._sharpness import loo_bandwidth, paired_gain, proposed_scale, sharper_wins

# A race runs only where the proposal is at least this many times the base.
MIN_RATIO = 1.5
# Rows of positive weight below which no race runs (its held-out fifth
# would have fewer than 50 rows: too few for the test to decide).
MIN_ROWS = 250
# At most this many rows race, so that the race costs the same on large data.
MAX_RACE_ROWS = 2000
# The epochs of each of the two fits of the race, and the fraction held out.
RACE_EPOCHS = 60
HELD_OUT = 0.2


def race_rng(random_state):
    """A RandomState for the race that leaves the start's draws as they were.

    An int seeds a fresh one (the start seeds its own); an instance is
    copied; None is numpy's global RandomState, as everywhere in scikit-learn.
    """
    if isinstance(random_state, np.random.RandomState):
        return copy.deepcopy(random_state)
    return check_random_state(random_state)


def races(estimator, data, *, incremental):
    """Whether this call chooses its ``init_scale`` (rather than use the base)."""
    n_rows = data.X.shape[0] if data.sample_weight is None else int(np.sum(data.sample_weight > 0))
    return (
        estimator.init_scale == "auto" and estimator.init == "data" and not incremental
        and not estimator.warm_start and n_rows >= MIN_ROWS
    )


def choose_init_scale(estimator, data, *, incremental):
    """``(init_scale_, init_scale_race_)`` of a first pass.

    ``init_scale_race_`` is None where no bandwidth was measured, else a dict
    ``{"bandwidth", "proposal", "gain", "se"}`` (gain and se None where the
    proposal was not sharp enough to race).
    """
    base = estimator._BASE_INIT_SCALE
    if estimator.init_scale != "auto":
        return float(estimator.init_scale), None
    if not races(estimator, data, incremental=incremental):
        return base, None
    rng = race_rng(estimator.random_state)
    weights = data.sample_weight
    rows = sample_rows(rng, data.X.shape[0], weights)
    h = loo_bandwidth(
        numpy_rows(data.X, rows), np.asarray(data.Y, float)[rows],
        None if weights is None else np.asarray(weights, float)[rows],
    )
    report = {"bandwidth": h, "proposal": proposed_scale(h, base), "gain": None, "se": None}
    chosen = base
    if report["proposal"] >= MIN_RATIO * base:
        report["gain"], report["se"] = race(estimator, data, base, report["proposal"], rng)
        if sharper_wins(report["gain"], report["se"]):
            chosen = report["proposal"]
    if estimator.verbose:
        print(f"init_scale='auto': bandwidth h* = {h:.3g}, proposal {report['proposal']:.3g}, "
              f"gain {report['gain']}, se {report['se']}: init_scale_ = {chosen:.3g}")
    return chosen, report


def race_split(data, rng):
    """Indices of the race's training rows and held-out rows (stratified where it can)."""
    n = data.X.shape[0]
    rows = np.arange(n)
    if n > MAX_RACE_ROWS:
        rows = np.sort(rng.choice(n, MAX_RACE_ROWS, replace=False))
    seed = int(rng.randint(np.iinfo(np.int32).max))
    strata = None if data.stratify is None else np.asarray(data.stratify)[rows]
    try:
        return train_test_split(rows, test_size=HELD_OUT, stratify=strata, random_state=seed)
    except ValueError:  # a class with a single row: split without strata
        return train_test_split(rows, test_size=HELD_OUT, random_state=seed)


def row_losses(estimator, model, X, y):
    """Per-row loss in score units: 0/1 error, or squared error / Var(y)."""
    y_hat = to_numpy(model.predict(X))
    y = np.asarray(y)
    if is_classifier(estimator):
        wrong = (y_hat != y).astype(float)
        return wrong if wrong.ndim == 1 else wrong.mean(axis=1)
    y = y.astype(float)
    squared = (y_hat - y) ** 2 / np.maximum(np.var(y, axis=0), np.finfo(float).tiny)
    return squared if squared.ndim == 1 else squared.mean(axis=1)


def race(estimator, data, base, proposal, rng):
    """(gain, se) of the start from ``proposal`` over the start from ``base``, held out."""
    train, test = race_split(data, rng)
    X, y = data.seen["X"], np.asarray(data.seen["y"])
    metadata = data.seen["metadata"]
    fit_weight = None if metadata is None else np.asarray(metadata["sample_weight"])[train]
    losses = []
    for scale in (base, proposal):
        model = clone(estimator).set_params(
            init_scale=scale, max_iter=RACE_EPOCHS, verbose=False, warm_start=False
        )
        with quietly():  # the race is not the user's fit (and other threads keep theirs)
            model.fit(take_rows(X, train), y[train], sample_weight=fit_weight)
        losses.append(row_losses(estimator, model, take_rows(X, test), y[test]))
    weights = None if data.sample_weight is None else np.asarray(data.sample_weight, float)[test]
    return paired_gain(losses[0], losses[1], weights)
