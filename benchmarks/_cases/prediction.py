"""Case D: prediction throughput, sknn against scikit-learn and the floors."""

# SPDX-License-Identifier: BSD-3-Clause

import statistics

import numpy as np

from sknn._predict import default_chunk_rows

from .common import make_pair, params, timed


def compare_prediction(name, X, y, hidden, batch_size, lr, repeats, log):
    """Rows per second of predict_proba on X, fitted models, alternating.

    Beside the two libraries, the floors: only the products A⁽ˡ⁻¹⁾W⁽ˡ⁾ over
    all rows, and the same with the one ``np.exp`` per hidden unit that σ
    cannot do without, both in the row chunks sknn predicts in (so that the
    floor gets the same cache benefit). A prediction call is short, so there
    are three times as many repeats as for training; every repeat runs all
    four, in rotating order, and the ratios are medians of per-repeat ratios.
    """
    p = params(hidden, batch_size, 1, lr)
    ours, theirs = make_pair("classifier", p)
    ours.fit(X, y)
    theirs.fit(X, y)
    chunk = default_chunk_rows([X.shape[1], *hidden, 10])  # as sknn._dispatch.predict_output
    products = [np.empty((chunk, W.shape[1]), X.dtype) for W in ours.coefs_]

    def floor(exp=False):
        for start in range(0, X.shape[0], chunk):
            A = X[start:start + chunk]
            for l, W in enumerate(ours.coefs_):
                A = np.dot(A, W, out=products[l][:A.shape[0]])
                if exp and l < len(ours.coefs_) - 1:
                    np.exp(A, out=A)

    tasks = [
        ("sknn", lambda: ours.predict_proba(X)),
        ("sklearn", lambda: theirs.predict_proba(X)),
        ("floor", floor),
        ("exp_floor", lambda: floor(exp=True)),
    ]
    times = {label: [] for label, _ in tasks}
    with np.errstate(over="ignore"):
        for r in range(3 * repeats):
            for label, task in tasks[r % 4:] + tasks[:r % 4]:
                times[label].append(timed(task)[0])
    # Throughput ratios are inverse time ratios.
    speedup = lambda a: statistics.median(  # noqa: E731
        [t_skl / t for t, t_skl in zip(times[a], times["sklearn"])])
    row = dict(case=name, **{k: X.shape[0] / statistics.median(v) for k, v in times.items()})
    row["ratio"] = speedup("sknn")
    row["exp_floor_ratio"] = speedup("exp_floor")
    log(f"{name:<28} sknn {row['sknn']:12,.0f} rows/s  sklearn {row['sklearn']:12,.0f} "
        f"rows/s  throughput ratio {row['ratio']:.2f}  (GEMM floor {row['floor']:,.0f} rows/s; "
        f"GEMM + exp {row['exp_floor']:,.0f} rows/s = {row['exp_floor_ratio']:.2f}× sklearn)")
    return row
