"""Case E: sknn's time per epoch as the number of rows grows."""

# SPDX-License-Identifier: BSD-3-Clause

import statistics

from sknn import SigmoidMLPClassifier

from .common import data_A, params, timed


def scaling(sizes, repeats, log):
    """sknn seconds per epoch, case A, as n grows; should be linear in n.

    Every round fits every size, so that a slow stretch of the shared machine
    hits all sizes alike; within a round smaller n get proportionally more
    fits (up to 10×, their median is taken). A size's cost relative to the
    smallest is the median over rounds of the per-round ratios.
    """
    data = {n: data_A(n) for n in sizes}
    p = params((100,), 32, 1, 0.1)
    per_row = {n: [] for n in sizes}
    for _ in range(repeats):
        for n, (X, y) in data.items():
            times = [timed(lambda: SigmoidMLPClassifier(**p).fit(X, y))[0]
                     for _ in range(min(10, max(1, max(sizes) // n)))]
            per_row[n].append(statistics.median(times) / n)
    del data
    base = sizes[0]
    rows = []
    for n in sizes:
        relative = [t / b for t, b in zip(per_row[n], per_row[base])]
        row = dict(n=n, epoch=statistics.median(per_row[n]) * n,
                   per_row_us=statistics.median(per_row[n]) * 1e6,
                   relative=statistics.median(relative))
        rows.append(row)
        log(f"E scaling n={row['n']:>9,}   sknn {row['epoch']:8.2f} s/epoch  "
            f"{row['per_row_us']:.2f} µs/row  (× {row['relative']:.2f} of n={base:,})")
    return rows
