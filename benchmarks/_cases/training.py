"""Cases A, B and C: training time per epoch, sknn against scikit-learn and the floors."""

# SPDX-License-Identifier: BSD-3-Clause

import statistics

import numpy as np

from .common import make_pair, params, timed
from .floors import blas_floor_epoch, flat_epoch, gemm_floor_epoch


def train_quality(model, X, y, kind):
    return model.score(X, y), float(model.loss_curve_[-1])


def compare_training(name, kind, X, y, hidden, batch_size, epochs, lr, repeats, log):
    """Alternate sknn/scikit-learn fits; medians of seconds per epoch."""
    p = params(hidden, batch_size, epochs, lr)
    layer_units = [X.shape[1], *hidden, 10 if kind == "classifier" else 1]
    if kind == "classifier":
        Y = np.eye(layer_units[-1], dtype=X.dtype)[np.unique(y, return_inverse=True)[1]]
    else:
        Y = y.reshape(-1, 1).astype(X.dtype)
    times = {k: [] for k in ("sknn", "sklearn", "floor", "exp_floor", "flat", "blas")}
    quality = {}

    def fit(label, model):
        seconds, _ = timed(lambda: model.fit(X, y))
        assert model.n_iter_ == epochs, (label, model.n_iter_)
        quality[label] = train_quality(model, X, y, kind)
        return seconds / epochs

    for r in range(repeats):
        ours, theirs = make_pair(kind, p)
        tasks = [
            ("sknn", lambda: fit("sknn", ours)),
            ("sklearn", lambda: fit("sklearn", theirs)),
            ("flat", lambda: flat_epoch(X, Y, layer_units, batch_size, lr,
                                        kind == "classifier", epochs)[0]),
            ("floor", lambda: gemm_floor_epoch(X, layer_units, batch_size)),
            ("exp_floor", lambda: gemm_floor_epoch(X, layer_units, batch_size, exp=True)),
            ("blas", lambda: blas_floor_epoch(X, layer_units, batch_size)),
        ]
        for label, task in tasks[r % 3:] + tasks[:r % 3]:  # rotate who goes first
            times[label].append(task())
    # Each repeat's ratios come from runs seconds apart, which cancels drifts in
    # the machine's speed better than a ratio of medians; the median of the
    # per-repeat ratios is reported, and their range.
    per_repeat = lambda a, b: [x / y for x, y in zip(times[a], times[b])]  # noqa: E731
    row = dict(case=name, quality=quality, epochs=epochs,
               **{k: statistics.median(v) for k, v in times.items()})
    row["ratio"] = statistics.median(per_repeat("sknn", "sklearn"))
    row["ratio_range"] = (min(per_repeat("sknn", "sklearn")), max(per_repeat("sknn", "sklearn")))
    row["floor_ratio"] = statistics.median(per_repeat("sknn", "floor"))
    row["exp_floor_ratio"] = statistics.median(per_repeat("exp_floor", "sklearn"))
    row["flat_ratio"] = statistics.median(per_repeat("flat", "sklearn"))
    row["blas_floor_ratio"] = statistics.median(per_repeat("sknn", "blas"))
    row["blas_sklearn_ratio"] = statistics.median(per_repeat("blas", "sklearn"))
    _log_training(row, log, kind)
    return row


def _log_training(row, log, kind):
    """Print one training case's row: times, ratios, floors and the training scores."""
    log(
        f"{row['case']:<28} sknn {row['sknn'] * 1e3:8.1f} ms/epoch  sklearn "
        f"{row['sklearn'] * 1e3:8.1f} ms/epoch  ratio {row['ratio']:.3f} "
        f"[{row['ratio_range'][0]:.2f}–{row['ratio_range'][1]:.2f}]  "
        f"GEMM floor {row['floor'] * 1e3:7.1f} ms (sknn/floor {row['floor_ratio']:.2f})"
    )
    log(
        f"{'':<28} GEMM + exp floor {row['exp_floor'] * 1e3:.1f} ms "
        f"(/sklearn {row['exp_floor_ratio']:.3f}); flat numpy loop "
        f"{row['flat'] * 1e3:.1f} ms (/sklearn {row['flat_ratio']:.3f})"
    )
    log(
        f"{'':<28} BLAS products called from C {row['blas'] * 1e3:.1f} ms "
        f"(/sklearn {row['blas_sklearn_ratio']:.3f}; sknn/BLAS floor "
        f"{row['blas_floor_ratio']:.2f})"
    )
    metric = "accuracy" if kind == "classifier" else "R²"
    ours, theirs = row["quality"]["sknn"], row["quality"]["sklearn"]
    log(
        f"{'':<28} training {metric}: sknn {ours[0]:.4f} "
        f"(loss {ours[1]:.4f}), sklearn {theirs[0]:.4f} "
        f"(loss {theirs[1]:.4f})"
    )
