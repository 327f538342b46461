"""Case I: the cost of one call, where users pay per call rather than per epoch.

A ``partial_fit`` stream, a prediction per request, a small fit and a grid
search of small fits: rows of 64 features, 10 classes, the default (100,)
network, BLAS on one thread, CPU time per call. Both libraries get the same
hyperparameters (``common.params``: batch 32, η = 0.1, momentum 0.9 with
Nesterov), so each call does the same arithmetic; one more row fits sknn
with its own defaults (``learning_rate_init='auto'``, ``init='data'``),
which a user's first fit pays for. ONNX Runtime's cost of one prediction is
printed beside, where skl2onnx and onnxruntime are installed: the floor of a
call into compiled code.
"""

# SPDX-License-Identifier: BSD-3-Clause

import statistics
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from sknn import SigmoidMLPClassifier

from .common import data_A, make_pair, params, timed

HIDDEN = (100,)


def _per_call(calls, fn):
    """CPU seconds per call of ``fn(i)``, over ``calls`` calls."""
    seconds, _ = timed(lambda: [fn(i) for i in range(calls)])
    return seconds / calls


def _compare(label, ours, theirs, calls, repeats):
    """Median per-call times of ``ours(i)`` and ``theirs(i)``, alternating, and their ratio."""
    times = {"sknn": [], "sklearn": []}
    for r in range(repeats):
        order = [("sknn", ours), ("sklearn", theirs)][:: 1 if r % 2 == 0 else -1]
        for name, fn in order:
            times[name].append(_per_call(calls, fn))
    ratio = statistics.median(a / b for a, b in zip(times["sknn"], times["sklearn"]))
    return dict(call=label, sknn=statistics.median(times["sknn"]),
                sklearn=statistics.median(times["sklearn"]), ratio=ratio)


def _stream_rows(X, y, chunk, repeats):
    """``partial_fit`` on chunks of ``chunk`` rows, each model's stream started beforehand."""
    ours, theirs = make_pair("classifier", params(HIDDEN, 32, 1, 0.1))
    classes = np.unique(y)
    for model in (ours, theirs):
        model.partial_fit(X[:chunk], y[:chunk], classes=classes)
    n_chunks = len(X) // chunk

    def stream(model):
        def call(i):
            rows = slice(i % n_chunks * chunk, (i % n_chunks + 1) * chunk)
            model.partial_fit(X[rows], y[rows])
        return call

    calls = max(3, 4096 // chunk)
    return _compare(f"partial_fit, chunks of {chunk:,} rows", stream(ours), stream(theirs),
                    calls, repeats)


def _predict_rows(X, y, n_rows, repeats, log):
    """``predict_proba`` of ``n_rows`` rows on fitted models (and ONNX Runtime's, if there)."""
    ours, theirs = make_pair("classifier", params(HIDDEN, 32, 2, 0.1))
    ours.fit(X[:2000], y[:2000])
    theirs.fit(X[:2000], y[:2000])
    rows = X[:n_rows]
    row = _compare(f"predict_proba, {n_rows} row{'s' * (n_rows > 1)}",
                   lambda i: ours.predict_proba(rows), lambda i: theirs.predict_proba(rows),
                   2000 // max(1, n_rows // 10), 3 * repeats)
    row["onnx"] = _onnx_per_call(ours, rows, log)
    return row


def _onnx_per_call(model, rows, log):
    """Seconds per ``InferenceSession.run`` of the converted model, or None."""
    try:
        import onnxruntime

        from sknn.onnx import to_onnx
    except ImportError:
        return None
    session = onnxruntime.InferenceSession(
        to_onnx(model, rows[:1]).SerializeToString(), providers=["CPUExecutionProvider"]
    )
    name = session.get_inputs()[0].name
    feed = {name: rows.astype(np.float64 if model.coefs_[0].dtype == np.float64 else np.float32)}
    session.run(None, feed)
    return statistics.median(_per_call(500, lambda i: session.run(None, feed)) for _ in range(5))


def _fit_rows(X, y, repeats):
    """A 500-row fit of 10 epochs, the same work; with sknn's own defaults; with early stopping."""
    X500, y500 = X[:500], y[:500]
    ours, theirs = make_pair("classifier", params(HIDDEN, 32, 10, 0.1))
    same = _compare("fit, 500 rows, 10 epochs", lambda i: clone(ours).fit(X500, y500),
                    lambda i: clone(theirs).fit(X500, y500), 5, repeats)
    defaults = SigmoidMLPClassifier(max_iter=10, tol=0.0, random_state=0)
    own = _compare("fit, 500 rows, 10 epochs, sknn's defaults",
                   lambda i: clone(defaults).fit(X500, y500),
                   lambda i: clone(theirs).fit(X500, y500), 5, repeats)
    # Early stopping scores a held-out tenth after every epoch: 50 rows here.
    stopping = dict(early_stopping=True, validation_fraction=0.1)
    held_out = _compare("fit, 500 rows, 10 epochs, early_stopping",
                        lambda i: clone(ours).set_params(**stopping).fit(X500, y500),
                        lambda i: clone(theirs).set_params(**stopping).fit(X500, y500), 5, repeats)
    return [same, own, held_out]


def _grid_row(X, y, repeats):
    """GridSearchCV of 20 fits: 4 values of alpha × 5 folds of 625 rows (500 to train)."""
    X625, y625 = X[:625], y[:625]
    ours, theirs = make_pair("classifier", params(HIDDEN, 32, 10, 0.1))
    grid = {"alpha": [1e-5, 1e-4, 1e-3, 1e-2]}
    search = lambda model: GridSearchCV(model, grid, cv=5).fit(X625, y625)  # noqa: E731
    return _compare("GridSearchCV, 20 such fits", lambda i: search(ours),
                    lambda i: search(theirs), 1, repeats)


def compare_per_call(repeats, log):
    """Case I's rows: per-call CPU time of sknn and scikit-learn, and their ratio."""
    X, y = data_A(8192)
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # 10 epochs on purpose
        for chunk in (32, 256, 4096):
            rows.append(_stream_rows(X, y, chunk, repeats))
        for n_rows in (1, 100):
            rows.append(_predict_rows(X, y, n_rows, repeats, log))
        rows += _fit_rows(X, y, repeats)
        rows.append(_grid_row(X, y, repeats))
    for row in rows:
        onnx = "" if row.get("onnx") is None else f"  (ONNX Runtime {row['onnx'] * 1e6:.0f} µs)"
        log(f"I {row['call']:<44} sknn {_duration(row['sknn']):>9}  sklearn "
            f"{_duration(row['sklearn']):>9}  sknn / sklearn {row['ratio']:.2f}{onnx}")
    return rows


def _duration(seconds):
    return f"{seconds * 1e6:.0f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"
