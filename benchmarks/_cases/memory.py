"""Case F: the peak memory of a fit and the memory of a partial_fit stream.

Each measurement runs in a fresh process (``bench.py --child ...``), so
that one library's allocations do not count for the other.
"""

# SPDX-License-Identifier: BSD-3-Clause

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.neural_network import MLPClassifier

from sknn import SigmoidMLPClassifier

from .common import data_A, params

BENCH = Path(__file__).resolve().parent.parent / "bench.py"


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
        [sys.executable, str(BENCH), "--child", *map(str, args)],
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
