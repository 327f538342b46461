"""sknn against scikit-learn's MLP on the same work, in one process.

Run from the repository root (it imports the ``sknn`` of this tree):

    python benchmarks/bench.py                 # every case, several minutes
    python benchmarks/bench.py --quick         # fewer rows/repeats, a smoke run
    python benchmarks/bench.py --cases A,D     # a subset
    python benchmarks/bench.py --write-docs    # also write docs/benchmarks.rst

Every timing is a ratio measured in one process, sknn and scikit-learn
alternating, median over repeats, in CPU time with BLAS on one thread: the
machine is shared and noisy, and a ratio taken this way cancels most of the
noise that absolute times carry. Both
estimators get identical hyperparameters (architecture, batch size, learning
rate, momentum, alpha, shuffle) and run the same number of epochs (tol=0, a
large n_iter_no_change). The "GEMM floor" is the time of only the matrix
products of every mini-batch of an epoch (forward and backward), into
preallocated arrays: no numpy implementation of backprop can beat it.
"""

# SPDX-License-Identifier: BSD-3-Clause

import argparse
import datetime
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

# Before SciPy is imported: case G trains on torch tensors with scikit-learn's
# array API dispatch, which needs SciPy's array API support on.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import scipy  # noqa: E402
import sklearn  # noqa: E402
from sklearn.datasets import load_digits, make_classification, make_regression  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier, MLPRegressor  # noqa: E402

import sknn  # noqa: E402
from sknn import SigmoidMLPClassifier, SigmoidMLPRegressor  # noqa: E402
from sknn._backprop import default_chunk_rows  # noqa: E402

warnings.simplefilter("ignore", ConvergenceWarning)


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


# ---------------------------------------------------------------- the GEMM floor


def gemm_floor_epoch(X, layer_units, batch_size, exp=False):
    """Seconds for only the matrix products of one epoch, all preallocated.

    Per batch: A⁽ˡ⁻¹⁾W⁽ˡ⁾ forward for every layer; A⁽ˡ⁻¹⁾ᵀδ⁽ˡ⁾ for every layer
    and δ⁽ˡ⁺¹⁾W⁽ˡ⁺¹⁾ᵀ for every hidden layer backward. With ``exp=True`` also
    the one ``np.exp`` of every hidden layer that σ needs, so that the time
    is what any numpy sigmoid network must spend, whatever else it does.
    The products use ``np.dot``, the quickest way numpy offers to BLAS.
    """
    dtype = X.dtype
    rng = np.random.default_rng(0)
    Ws = [rng.standard_normal((a, b)).astype(dtype) * 0.1
          for a, b in zip(layer_units, layer_units[1:])]
    dWs = [np.empty_like(W) for W in Ws]
    n = X.shape[0]
    starts = range(0, n - batch_size + 1, batch_size)  # full batches only
    A = [None] + [np.empty((batch_size, u), dtype) for u in layer_units[1:]]
    D = [np.empty((batch_size, u), dtype) for u in layer_units[1:]]
    for arr in A[1:] + D:
        arr[...] = 0.01
    dot, exp = np.dot, (np.exp if exp else None)
    L = len(Ws)
    t0 = time.process_time()
    for s in starts:
        A[0] = X[s:s + batch_size]
        for l in range(L):
            dot(A[l], Ws[l], out=A[l + 1])
            if exp and l < L - 1:
                exp(A[l + 1], out=A[l + 1])
        for l in range(L - 1, -1, -1):
            dot(A[l].T, D[l], out=dWs[l])
            if l > 0:
                dot(D[l], Ws[l].T, out=D[l - 1])
    elapsed = time.process_time() - t0
    return elapsed * n / (len(starts) * batch_size)


def blas_floor_epoch(X, layer_units, batch_size):
    """Seconds for the same products as :func:`gemm_floor_epoch`, BLAS called from C.

    ``sknn._sgd_fast._blas_products_epoch`` runs them through
    ``scipy.linalg.cython_blas`` as the kernel does, without numpy's cost per
    call: the floor of the compiled kernel, where :func:`gemm_floor_epoch`
    is the floor of any numpy implementation.
    """
    from sknn._sgd_fast import _blas_products_epoch

    t0 = time.process_time()
    n_batches = _blas_products_epoch(X, list(layer_units), batch_size)
    elapsed = time.process_time() - t0
    return elapsed * X.shape[0] / (n_batches * batch_size)


def flat_epoch(X, Y, layer_units, batch_size, learning_rate, softmax_output, epochs=1,
               theta=None, shuffle=True):
    """Seconds for one epoch of the same algorithm as one flat loop of numpy calls.

    The reference for "how fast can numpy run this at all": shuffled batches,
    σ hidden layers, softmax + log-loss (or identity + squared error), the
    L2 penalty and Nesterov's momentum over one flat θ, as sknn trains, but
    with every function inlined, no checks and no bookkeeping. Full batches
    only, scaled to the whole epoch like the GEMM floor; ``epochs`` epochs.

    θ is laid out as sknn's (all W⁽ˡ⁾, then all b⁽ˡ⁾): pass a start ``theta``
    (updated in place) and ``shuffle=False`` to check that this loop trains
    exactly as sknn does (``tests/test_benchmarks.py``); by default it starts
    from random weights. Returns the mean seconds of one epoch and θ.
    """
    dtype, n = X.dtype, X.shape[0]
    rng = np.random.default_rng(0)
    L = len(layer_units) - 1
    sizes = [a * b for a, b in zip(layer_units, layer_units[1:])] + list(layer_units[1:])
    if theta is None:
        theta = np.concatenate([rng.uniform(-0.1, 0.1, k) for k in sizes]).astype(dtype)
    grad, velocity, step = np.empty_like(theta), np.zeros_like(theta), np.empty_like(theta)
    bounds = np.cumsum([0] + sizes)
    view = lambda v, i, shape: v[bounds[i]:bounds[i + 1]].reshape(shape)  # noqa: E731
    Ws = [view(theta, l, (layer_units[l], layer_units[l + 1])) for l in range(L)]
    bs = [view(theta, L + l, (layer_units[l + 1],)) for l in range(L)]
    dWs = [view(grad, l, W.shape) for l, W in enumerate(Ws)]
    dbs = [view(grad, L + l, b.shape) for l, b in enumerate(bs)]
    n_w = bounds[L]
    m = batch_size
    Xb = np.empty((m, layer_units[0]), dtype)
    Yb = np.empty((m, layer_units[-1]), Y.dtype)
    A = [Xb] + [np.empty((m, u), dtype) for u in layer_units[1:]]
    D = [np.empty((m, u), dtype) for u in layer_units[1:]]
    S = [np.empty((m, u), dtype) for u in layer_units[1:]]
    Z_out, Z_max, row_sum = np.empty_like(A[-1]), np.empty((m, 1), dtype), np.empty((m, 1), dtype)
    alpha, mu, eta = 1e-4, 0.9, learning_rate
    starts = range(0, n - m + 1, m)
    t0 = time.process_time()
    total = 0.0
    for s in [s for _ in range(epochs) for s in starts]:
        if s == 0:
            order = rng.permutation(n) if shuffle else np.arange(n)
        index = order[s:s + m]
        X.take(index, axis=0, out=Xb)
        Y.take(index, axis=0, out=Yb)
        for l in range(L - 1):
            np.dot(A[l], Ws[l], out=A[l + 1])
            A[l + 1] += bs[l]
            np.negative(A[l + 1], out=A[l + 1])
            with np.errstate(over="ignore"):
                np.exp(A[l + 1], out=A[l + 1])
            A[l + 1] += 1
            np.divide(1.0, A[l + 1], out=A[l + 1])
        np.dot(A[-2], Ws[-1], out=Z_out)
        Z_out += bs[-1]
        if softmax_output:
            np.maximum.reduce(Z_out, axis=1, keepdims=True, out=Z_max)
            np.subtract(Z_out, Z_max, out=A[-1])
            np.exp(A[-1], out=A[-1])
            np.add.reduce(A[-1], axis=1, keepdims=True, out=row_sum)
            A[-1] /= row_sum
            np.log(row_sum, out=row_sum)
            loss = (float(row_sum.sum()) + float(Z_max.sum()) - float(np.vdot(Yb, Z_out)))
            np.subtract(A[-1], Yb, out=D[-1])
        else:
            np.subtract(Z_out, Yb, out=D[-1])
            loss = 0.5 * float(np.vdot(D[-1], D[-1]))
        total += (loss + 0.5 * alpha * float(np.vdot(theta[:n_w], theta[:n_w]))) / m
        D[-1] *= 1.0 / m
        for l in range(L - 1, -1, -1):
            np.dot(A[l].T, D[l], out=dWs[l])
            np.add.reduce(D[l], axis=0, out=dbs[l])
            if l > 0:
                np.dot(D[l], Ws[l].T, out=D[l - 1])
                np.subtract(1, A[l], out=S[l - 1])
                S[l - 1] *= A[l]
                D[l - 1] *= S[l - 1]
        np.multiply(theta[:n_w], alpha / m, out=step[:n_w])
        grad[:n_w] += step[:n_w]
        np.multiply(grad, eta, out=step)
        velocity *= mu
        velocity -= step
        theta -= step
        np.multiply(velocity, mu, out=step)
        theta += step
    elapsed = time.process_time() - t0
    assert np.isfinite(total)
    return elapsed * n / (len(starts) * m * epochs), theta


# ---------------------------------------------------------------- timing helpers


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
    log(
        f"{name:<28} sknn {row['sknn'] * 1e3:8.1f} ms/epoch  sklearn "
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
    log(
        f"{'':<28} training {metric}: sknn {quality['sknn'][0]:.4f} "
        f"(loss {quality['sknn'][1]:.4f}), sklearn {quality['sklearn'][0]:.4f} "
        f"(loss {quality['sklearn'][1]:.4f})"
    )
    return row


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


# ---------------------------------------------------------------- memory (subprocesses)


def _status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _reset_peak():
    """Reset the peak RSS (VmHWM) to the current RSS; False where unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def mem_child_fit(library, path_X, path_y):
    """Peak RSS of one fit epoch above the RSS with the data loaded (MB)."""
    X = np.load(path_X)
    y = np.load(path_y)
    p = params((100,), 32, 1, 0.1)
    model = (SigmoidMLPClassifier(**p) if library == "sknn"
             else MLPClassifier(activation="logistic", solver="sgd", **p))
    base = _status_kb("VmRSS")
    if not _reset_peak():
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    model.fit(X, y)
    peak = _status_kb("VmHWM")
    return {"extra_peak_mb": (peak - base) / 1024, "data_mb": (X.nbytes + y.nbytes) / 2**20}


def mem_child_stream(path, n_rows, n_features, n_chunks):
    """partial_fit over a memmap in chunks; RSS (anonymous and total) after each."""
    X = np.memmap(path, dtype=np.float64, mode="r", shape=(n_rows, n_features))
    w = np.random.default_rng(1).standard_normal((n_features, 10))
    model = SigmoidMLPClassifier(**params((100,), 32, 1, 0.1))
    classes = np.arange(10)
    anon, total = [], []
    chunk = n_rows // n_chunks
    t0 = time.perf_counter()
    for i in range(n_chunks):
        X_c = X[i * chunk:(i + 1) * chunk]
        y_c = np.argmax(X_c @ w, axis=1)  # a learnable label, computed per chunk
        model.partial_fit(X_c, y_c, classes=classes)
        anon.append(_status_kb("RssAnon") / 1024)
        total.append(_status_kb("VmRSS") / 1024)
    return {
        "seconds": time.perf_counter() - t0,
        "anon_first_mb": anon[0], "anon_last_mb": anon[-1],
        "anon_growth_mb": max(anon) - anon[0],
        "total_first_mb": total[0], "total_last_mb": total[-1],
        "score_last_chunk": float(model.score(X_c, y_c)),
    }


def run_child(*args):
    out = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, args)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def memory_fit(n, log):
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        X, y = data_A(n)
        px, py = os.path.join(tmp, "X.npy"), os.path.join(tmp, "y.npy")
        np.save(px, X)
        np.save(py, y)
        del X, y
        rows = {}
        for library in ("sknn", "sklearn", "sknn", "sklearn"):
            result = run_child("fit", library, px, py)
            rows.setdefault(library, []).append(result["extra_peak_mb"])
            data_mb = result["data_mb"]
    row = dict(case=f"F fit peak, A n={n:,}", data_mb=data_mb,
               sknn=min(rows["sknn"]), sklearn=min(rows["sklearn"]))
    log(f"{row['case']:<28} data {data_mb:.0f} MB; extra peak RSS of fit: sknn "
        f"{row['sknn']:.0f} MB, sklearn {row['sklearn']:.0f} MB")
    return row


def memory_stream(gigabytes, n_chunks, log):
    n_features = 64
    n_rows = int(gigabytes * 2**30) // (8 * n_features)
    n_rows -= n_rows % n_chunks
    free = os.statvfs("/tmp")
    if free.f_bavail * free.f_frsize < 2 * n_rows * n_features * 8:
        log("F stream: not enough room in /tmp, skipped")
        return None
    fd, path = tempfile.mkstemp(suffix=".mmap", dir="/tmp")
    os.close(fd)
    try:
        X = np.memmap(path, dtype=np.float64, mode="w+", shape=(n_rows, n_features))
        rng = np.random.default_rng(0)
        step = 1 << 18
        for start in range(0, n_rows, step):
            X[start:start + step] = rng.random((min(step, n_rows - start), n_features))
        X.flush()
        del X
        result = run_child("stream", path, n_rows, n_features, n_chunks)
    finally:
        os.remove(path)
    row = dict(case=f"F partial_fit stream {gigabytes:g} GB", n_chunks=n_chunks, **result)
    log(f"{row['case']:<28} {n_chunks} chunks in {result['seconds']:.0f} s; "
        f"anonymous RSS {result['anon_first_mb']:.0f} → {result['anon_last_mb']:.0f} MB "
        f"(growth {result['anon_growth_mb']:.1f} MB); total RSS incl. mapped file pages "
        f"{result['total_first_mb']:.0f} → {result['total_last_mb']:.0f} MB")
    return row


# ---------------------------------------------------------------- scaling


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


# ---------------------------------------------------------------- threads


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


def data_G(n, seed=0):
    """n × 784 in [0, 1], 10 classes, float32: an MNIST-sized problem."""
    X, y = make_classification(
        n_samples=n, n_features=784, n_informative=64, n_redundant=64, n_classes=10,
        n_clusters_per_class=2, random_state=seed,
    )
    X = (X - X.min(0)) / (X.max(0) - X.min(0))
    return X.astype(np.float32), y


def compare_array_api(n, epochs, repeats, threads, log):
    """One epoch of 784 → 512 → 512 → 10 at batch 1024, float32: kernel, torch CPU, torch CUDA.

    The same SigmoidMLPClassifier, fed numpy (the compiled kernel) or torch
    tensors with array API dispatch (the reference modules in torch), on the
    CPU and, where there is one, on a CUDA GPU. Wall time per epoch (a GPU's
    time is not the CPU's), median over repeats in rotating order; torch on
    the CPU gets as many threads as BLAS. Skipped, with the reason, without
    PyTorch; the CUDA row without a GPU.
    """
    try:
        import torch
    except ImportError:
        log("G array API: skipped, PyTorch is not installed (pip install torch)")
        return []
    from sklearn import config_context

    if threads:
        torch.set_num_threads(threads)
    X, y = data_G(n)
    # The defaults otherwise ('auto' learning rate, the data-placed start).
    p = dict(hidden_layer_sizes=(512, 512), batch_size=1024, max_iter=epochs, tol=0,
             n_iter_no_change=10**6, random_state=0)
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    inputs = {"kernel": (X, y)}
    inputs.update({f"torch {d}": (torch.asarray(X, device=d), torch.asarray(y, device=d))
                   for d in devices})

    def fit(label):
        X_in, y_in = inputs[label]
        model = SigmoidMLPClassifier(**p)
        with config_context(array_api_dispatch=label != "kernel"):
            if label == "torch cuda":
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            model.fit(X_in, y_in)
            if label == "torch cuda":
                torch.cuda.synchronize()
            return (time.perf_counter() - t0) / epochs, model.loss_

    labels = list(inputs)
    times = {label: [] for label in labels}
    losses = {}
    for r in range(repeats):
        for label in labels[r % len(labels):] + labels[:r % len(labels)]:
            seconds, losses[label] = fit(label)
            times[label].append(seconds)
    kernel = statistics.median(times["kernel"])
    rows = []
    for label in labels:
        epoch = statistics.median(times[label])
        row = dict(case="G 784-512-512-10 float32", backend=label, n=n, epoch=epoch,
                   relative=epoch / kernel, rows_per_s=n / epoch, loss=losses[label],
                   device=torch.cuda.get_device_name() if label == "torch cuda" else "CPU")
        rows.append(row)
        log(f"G {label:<11} n={n:,}: {epoch:7.3f} s / epoch ({row['relative']:.2f}× the kernel's, "
            f"{row['rows_per_s']:,.0f} rows/s), loss after {epochs} epochs {row['loss']:.6f}")
    if "torch cuda" not in inputs:
        log("G torch cuda: skipped, no CUDA GPU here")
    return rows


# ---------------------------------------------------------------- report


def machine():
    model = platform.processor() or "unknown"
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():  # the lscpu model name
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    from threadpoolctl import threadpool_info

    blas = [f"{i['internal_api']} {i.get('version')} ({i.get('architecture')}, "
            f"{i['num_threads']} thread{'s' * (i['num_threads'] > 1)})"
            for i in threadpool_info() if i["user_api"] == "blas"]
    flags = set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    break
    except OSError:
        pass
    simd = [f for f in ("sse2", "sse4_1", "avx", "avx2", "fma", "avx512f", "avx512bw",
                        "avx512dq", "avx512vl") if f in flags]
    # The kernel's vector loops (sknn/_simd.h) are compiled for x86-64 (SSE2),
    # x86-64-v3 (AVX2, FMA) and x86-64-v4 (AVX-512 F/BW/DQ/VL); the loader picks
    # the best this CPU has.
    exp_width = ("AVX-512" if {"avx512f", "avx512bw", "avx512dq", "avx512vl"} <= flags
                 else "AVX2" if {"avx2", "fma"} <= flags
                 else "SSE2" if "sse2" in flags else "not known")
    return dict(
        cpu=model, cores=os.cpu_count(), python=platform.python_version(),
        cpu_flags=" ".join(simd) or "not known", exp_vector=exp_width,
        numpy=np.__version__, scipy=scipy.__version__, sklearn=sklearn.__version__,
        sknn=sknn.__version__, blas="; ".join(dict.fromkeys(blas)),
        date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )


def _table(header, rows):
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    line = "  ".join("=" * w for w in widths)
    fmt = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return "\n".join([line, fmt(header), line, *map(fmt, rows), line])


def write_docs(results, info, command, path):
    train = results.get("train", [])
    lines = [
        "Benchmarks",
        "==========",
        "",
        "sknn and scikit-learn's ``MLPClassifier``/``MLPRegressor`` "
        "(``activation='logistic', solver='sgd'``) trained with identical "
        "hyperparameters (architecture, batch size, learning rate, momentum 0.9 "
        "with Nesterov, ``alpha=1e-4``, shuffling) for the same number of epochs "
        "(``tol=0``). Both run in one process, alternating, and each number is "
        "the median over the repeats. Times are CPU time with BLAS on one thread "
        "for both libraries, and are best read as ratios: the benchmark machine "
        "is shared with other work, and a ratio measured this way cancels most "
        "of that noise.",
        "",
        "The *GEMM floor* is the time of only the matrix products of every "
        "mini-batch of an epoch (forward and backward) into preallocated arrays: "
        "no numpy implementation of backpropagation can be faster. *GEMM + exp* "
        "adds the one ``np.exp`` per hidden unit that a sigmoid cannot do "
        "without. The *flat numpy loop* is the same training epoch (shuffled "
        "batches, σ, softmax + log-loss or identity + squared error, L2 penalty, "
        "Nesterov momentum over one flat θ) written as one loop of inlined numpy "
        "calls with no functions, checks or bookkeeping: about the fastest this "
        "algorithm runs in numpy. sknn itself trains dense input in a compiled "
        "kernel (``sknn/_sgd_fast.pyx``), which calls BLAS without numpy's "
        "cost per call, so its floor is the *BLAS floor*: the same matrix "
        "products called from compiled code (``sknn._sgd_fast._blas_products_epoch``).",
        "",
        f"Reproduce with ``{command}`` from the repository root "
        "(see ``benchmarks/README.md``).",
        "",
        "Machine and versions",
        "--------------------",
        "",
        f"- CPU: {info['cpu']}, {info['cores']} cores (shared, virtual machine)",
        f"- CPU flags: {info['cpu_flags']}; the kernel's e^x and σ run vectorised "
        f"with {info['exp_vector']} (no ``-ffast-math``)",
        f"- BLAS: {info['blas']}",
        f"- Python {info['python']}, numpy {info['numpy']}, scipy {info['scipy']}, "
        f"scikit-learn {info['sklearn']}, sknn {info['sknn']}",
        f"- Date: {info['date']}",
        "",
    ]
    if train:
        lines += ["Training time per epoch", "-----------------------", "",
                  "``sknn / sklearn`` below 1 means sknn is faster (the median of the "
                  "per-repeat ratios, and their range); the flat loop and GEMM + exp "
                  "columns are ratios to scikit-learn too; ``sknn / BLAS floor`` is how "
                  "far sknn is from the time of its matrix products alone, called "
                  "from compiled code as the kernel calls them.", ""]
        rows = []
        for r in train:
            q_ours, q_theirs = r["quality"]["sknn"], r["quality"]["sklearn"]
            low, high = r["ratio_range"]
            rows.append([
                r["case"], f"{r['sknn'] * 1e3:.1f}", f"{r['sklearn'] * 1e3:.1f}",
                f"{r['ratio']:.2f} ({low:.2f}–{high:.2f})", f"{r['flat_ratio']:.2f}",
                f"{r['exp_floor_ratio']:.2f}", f"{r['floor'] * 1e3:.1f}",
                f"{r['blas'] * 1e3:.1f}", f"{r['blas_floor_ratio']:.2f}",
                f"{q_ours[0]:.3f} / {q_theirs[0]:.3f}",
            ])
        lines += [_table(["case", "sknn ms", "sklearn ms", "sknn / sklearn",
                          "flat loop / sklearn", "GEMM + exp / sklearn", "GEMM floor ms",
                          "BLAS floor ms", "sknn / BLAS floor",
                          "train score (sknn / sklearn)"], rows), ""]
        lines += [
            "Cases: **A** 20,000 × 64, hidden (100,), 10 classes, batch 32; "
            "**B** scikit-learn's digits upscaled 3× to 24 × 24 with a little noise, "
            "20,000 × 576, hidden (256, 256), 10 classes, batch 256, float32; "
            "**C** regression 50,000 × 20, hidden (64, 64), batch 32, float64. "
            "The score is training accuracy (R² for C). On the shared benchmark "
            "machine single repeats vary widely (the range in parentheses), and the "
            "medians by several hundredths from one full run to the next. Absolute "
            "times drift with the machine's load, so compare the ratios within a row, "
            "not milliseconds across rows.", "",
        ]
    if results.get("predict"):
        lines += ["Prediction throughput", "---------------------", "",
                  "``predict_proba`` on the 20,000 training rows, one call; a ratio "
                  "above 1 means sknn predicts more rows per second.", ""]
        rows = [[r["case"], f"{r['sknn']:,.0f}", f"{r['sklearn']:,.0f}", f"{r['ratio']:.2f}",
                 f"{r['floor']:,.0f}", f"{r['exp_floor']:,.0f}", f"{r['exp_floor_ratio']:.2f}"]
                for r in results["predict"]]
        lines += [_table(["case", "sknn rows/s", "sklearn rows/s", "sknn / sklearn",
                          "GEMM floor rows/s", "GEMM + exp rows/s",
                          "GEMM + exp / sklearn"], rows), ""]
    if results.get("threads"):
        lines += ["Threads", "-------", "",
                  "``GridSearchCV`` over 4 candidates × 2-fold CV (8 fits of case A's "
                  "network on 20,000 rows, 10 epochs each), ``n_jobs=2`` under "
                  "``joblib.parallel_backend('threading')`` against ``n_jobs=1``, wall "
                  "time. sknn's kernel releases the GIL for a whole epoch, so two fits "
                  "run at once in one process; scikit-learn's MLP holds the GIL between "
                  "its numpy calls. On a shared 2-core machine the second core is not "
                  "always free, which caps the speed-up below 2.", ""]
        rows = [[r["library"], f"{r['one_job']:.2f}", f"{r['two_jobs']:.2f}",
                 f"{r['speedup']:.2f} ({r['speedup_range'][0]:.2f}–"
                 f"{r['speedup_range'][1]:.2f})"] for r in results["threads"]]
        lines += [_table(["library", "1 job, s", "2 threads, s", "speed-up"], rows), ""]
    if results.get("array_api"):
        n = results["array_api"][0]["n"]
        lines += [
            "On PyTorch, on the CPU and on a GPU", "-----------------------------------", "",
            f"One epoch of 784 → 512 → 512 → 10 at batch 1024 on {n:,} rows of float32 "
            "(an MNIST-sized problem): the same ``SigmoidMLPClassifier`` fed numpy (the "
            "compiled kernel) or torch tensors with ``array_api_dispatch=True`` (the "
            "reference modules, in torch). Wall time per epoch, median over the repeats; "
            "torch on the CPU with as many threads as BLAS. The loss after the same "
            "epochs shows that the backends train the same network.",
            "",
        ]
        rows = [[r["backend"], r["device"], f"{r['epoch']:.3f}", f"{r['relative']:.2f}",
                 f"{r['rows_per_s']:,.0f}", f"{r['loss']:.6f}"] for r in results["array_api"]]
        lines += [_table(["backend", "device", "s / epoch", "× kernel", "rows / s", "loss"], rows), ""]
        if not any(r["backend"] == "torch cuda" for r in results["array_api"]):
            lines += ["No CUDA GPU was present on this machine: the GPU row is missing.", ""]
    if results.get("scaling"):
        lines += ["Scaling with the number of rows", "-------------------------------", "",
                  "sknn, case A, one epoch: time per row should stay constant.", ""]
        rows = [[f"{r['n']:,}", f"{r['epoch']:.2f}", f"{r['per_row_us']:.2f}",
                 f"{r['relative']:.2f}"] for r in results["scaling"]]
        lines += [_table(["rows", "s / epoch", "µs / row", "relative"], rows), ""]
    if results.get("memory"):
        lines += ["Memory", "------", ""]
        for r in results["memory"]:
            if "sklearn" in r:
                lines += [
                    f"- ``fit`` on case A with {r['case'].split('n=')[1]} rows "
                    f"({r['data_mb']:.0f} MB of data), each library in a fresh process: "
                    f"peak RSS above the loaded data **{r['sknn']:.0f} MB for sknn**, "
                    f"{r['sklearn']:.0f} MB for scikit-learn.",
                ]
            else:
                lines += [
                    f"- ``partial_fit`` over a {r['case'].split('stream ')[1]} "
                    f"``np.memmap`` (float64, 64 features) in {r['n_chunks']} chunks: "
                    f"the process's own (anonymous) memory grew by "
                    f"**{r['anon_growth_mb']:.1f} MB** ({r['anon_first_mb']:.0f} → "
                    f"{r['anon_last_mb']:.0f} MB). The total RSS, which also counts the "
                    f"file's pages the memmap has touched (page cache the kernel can "
                    f"drop at any time), went from {r['total_first_mb']:.0f} to "
                    f"{r['total_last_mb']:.0f} MB.",
                ]
        lines.append("")
    Path(path).write_text("\n".join(lines))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="A,B,C,D,E,F,G,H",
                        help="comma-separated subset of A,B,C,D,E,F,G,H")
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats, smaller E and F: a smoke run of a minute or two")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--write-docs", action="store_true",
                        help="write the results to docs/benchmarks.rst")
    parser.add_argument("--blas-threads", type=int, default=1,
                        help="BLAS threads for both libraries (default 1: on a shared, "
                        "busy machine threaded BLAS calls stall for whole scheduler "
                        "time slices; 0 keeps the library default)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.blas_threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.blas_threads, user_api="blas")

    if args.child:
        kind, *rest = args.child
        if kind == "fit":
            print(json.dumps(mem_child_fit(*rest)))
        else:
            path, n_rows, n_features, n_chunks = rest
            print(json.dumps(mem_child_stream(path, int(n_rows), int(n_features), int(n_chunks))))
        return

    cases = set(args.cases.upper().split(","))
    repeats = args.repeats or (3 if args.quick else 7)
    info = machine()
    print(f"{info['cpu']}, {info['cores']} cores; {info['blas']}")
    print(f"CPU flags: {info['cpu_flags']}; kernel e^x vectorised with {info['exp_vector']}")
    print(f"numpy {info['numpy']}, scipy {info['scipy']}, scikit-learn {info['sklearn']}, "
          f"sknn {info['sknn']}; {info['date']}; {repeats} repeats\n")
    log = lambda s: print(s, flush=True)  # noqa: E731
    results = {"train": [], "predict": [], "scaling": [], "memory": [], "threads": [],
               "array_api": []}

    if "A" in cases or "D" in cases:
        XA, yA = data_A()
    if "A" in cases:
        for dtype in (np.float64, np.float32):
            results["train"].append(compare_training(
                f"A float{np.dtype(dtype).itemsize * 8}", "classifier", XA.astype(dtype), yA,
                (100,), 32, 3 if args.quick else 5, 0.1, repeats, log))
    if "B" in cases or "D" in cases:
        XB, yB = data_B()
    if "B" in cases:
        results["train"].append(compare_training(
            "B float32", "classifier", XB, yB, (256, 256), 256, 2, 0.1, repeats, log))
    if "C" in cases:
        XC, yC = data_C()
        results["train"].append(compare_training(
            "C regression float64", "regressor", XC, yC, (64, 64), 32,
            2 if args.quick else 3, 0.01, repeats, log))
    if "D" in cases:
        results["predict"].append(compare_prediction(
            "D predict A float64", XA, yA, (100,), 32, 0.1, repeats, log))
        results["predict"].append(compare_prediction(
            "D predict A float32", XA.astype(np.float32), yA, (100,), 32, 0.1, repeats, log))
        results["predict"].append(compare_prediction(
            "D predict B float32", XB, yB, (256, 256), 256, 0.1, repeats, log))
    if "E" in cases:
        sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
        results["scaling"] = scaling(sizes, 1 if args.quick else 3, log)
    if "F" in cases:
        results["memory"].append(memory_fit(100_000 if args.quick else 1_000_000, log))
        stream = memory_stream(0.2 if args.quick else 2.0, 100, log)
        if stream:
            results["memory"].append(stream)

    if "G" in cases:
        results["array_api"] = compare_array_api(
            5_000 if args.quick else 20_000, 2, repeats, args.blas_threads, log)
    if "H" in cases:
        results["threads"] = compare_threads(repeats, log)

    if args.write_docs:
        command = "python benchmarks/bench.py " + " ".join(
            a for a in (argv if argv is not None else sys.argv[1:]))
        write_docs(results, info, command.strip(), ROOT / "docs" / "benchmarks.rst")
        print("\nwrote docs/benchmarks.rst")


if __name__ == "__main__":
    main()
