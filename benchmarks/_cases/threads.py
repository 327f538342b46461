"""Case H: GridSearchCV on two threads of one process against one job."""

# SPDX-License-Identifier: BSD-3-Clause

import statistics
import time

from .common import data_A, make_pair, params


def compare_threads(repeats, log, n=20_000, epochs=10):
    """Wall time of GridSearchCV with n_jobs=2 on joblib's threading backend over n_jobs=1.

    sknn's kernel releases the GIL for a whole epoch, so two fits in two
    threads of one process run at once; scikit-learn's MLP holds the GIL
    between its numpy calls. Wall time, not CPU time: the point is how soon
    the search finishes. Four candidates × 2-fold CV = 8 fits of case A's
    network on n rows; every repeat runs both libraries with 1 and 2 jobs,
    in rotating order, and the ratios are medians of per-repeat ratios.
    """
    import joblib
    from sklearn.model_selection import GridSearchCV

    X, y = data_A(n)
    grid = {"alpha": [1e-4, 1e-3], "learning_rate_init": [0.05, 0.1]}
    p = params((100,), 32, epochs, 0.1)

    def search(kind, n_jobs):
        ours, theirs = make_pair("classifier", p)
        estimator = ours if kind == "sknn" else theirs
        with joblib.parallel_backend("threading", n_jobs=n_jobs):
            t0 = time.perf_counter()
            GridSearchCV(estimator, grid, cv=2, n_jobs=n_jobs).fit(X, y)
            return time.perf_counter() - t0

    tasks = [(kind, n_jobs) for kind in ("sknn", "sklearn") for n_jobs in (1, 2)]
    times = {task: [] for task in tasks}
    for r in range(repeats):
        for task in tasks[r % 4:] + tasks[:r % 4]:
            times[task].append(search(*task))
    rows = []
    for kind in ("sknn", "sklearn"):
        speedups = [a / b for a, b in zip(times[(kind, 1)], times[(kind, 2)])]
        row = dict(case=f"H GridSearchCV threads, {kind}", library=kind,
                   one_job=statistics.median(times[(kind, 1)]),
                   two_jobs=statistics.median(times[(kind, 2)]),
                   speedup=statistics.median(speedups),
                   speedup_range=(min(speedups), max(speedups)))
        rows.append(row)
        log(f"{row['case']:<36} 1 job {row['one_job']:6.2f} s  2 threads "
            f"{row['two_jobs']:6.2f} s  speed-up {row['speedup']:.2f}× "
            f"[{row['speedup_range'][0]:.2f}–{row['speedup_range'][1]:.2f}]")
    return rows
