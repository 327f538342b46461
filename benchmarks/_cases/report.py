"""The machine's description and the page docs/benchmarks.rst."""

# SPDX-License-Identifier: BSD-3-Clause

import datetime
import os
import platform
import subprocess
from pathlib import Path

import numpy as np
import scipy
import sklearn

import sknn


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
    """Write ``docs/benchmarks.rst``: the method, the machine, and a section per case run."""
    lines = _docs_intro(info, command)
    sections = [("train", _docs_training), ("predict", _docs_prediction),
                ("per_call", _docs_per_call),
                ("threads", _docs_threads), ("array_api", _docs_array_api),
                ("scaling", _docs_scaling), ("memory", _docs_memory)]
    for key, section in sections:
        if results.get(key):
            lines += section(results[key])
    Path(path).write_text("\n".join(lines))


def _docs_intro(info, command):
    """The page's title, how the numbers were taken and the machine."""
    return [
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


def _docs_training(case_rows):
    """Training time per epoch: cases A, B and C."""
    lines = ["Training time per epoch", "-----------------------", "",
              "``sknn / sklearn`` below 1 means sknn is faster (the median of the "
              "per-repeat ratios, and their range); the flat loop and GEMM + exp "
              "columns are ratios to scikit-learn too; ``sknn / BLAS floor`` is how "
              "far sknn is from the time of its matrix products alone, called "
              "from compiled code as the kernel calls them.", ""]
    rows = []
    for r in case_rows:
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
    return lines


def _docs_prediction(case_rows):
    """Prediction throughput: case D."""
    lines = ["Prediction throughput", "---------------------", "",
              "``predict_proba`` on the 20,000 training rows, one call; a ratio "
              "above 1 means sknn predicts more rows per second.", ""]
    rows = [[r["case"], f"{r['sknn']:,.0f}", f"{r['sklearn']:,.0f}", f"{r['ratio']:.2f}",
             f"{r['floor']:,.0f}", f"{r['exp_floor']:,.0f}", f"{r['exp_floor_ratio']:.2f}"]
            for r in case_rows]
    lines += [_table(["case", "sknn rows/s", "sklearn rows/s", "sknn / sklearn",
                      "GEMM floor rows/s", "GEMM + exp rows/s",
                      "GEMM + exp / sklearn"], rows), ""]
    return lines


def _docs_per_call(case_rows):
    """The cost of one call: case I."""
    lines = ["The cost of one call", "--------------------", "",
             "Case **I**: what a call costs where users pay per call — a ``partial_fit`` "
             "stream, ``predict_proba`` per request, a small fit, a grid search of small "
             "fits — on rows of 64 features, 10 classes, the (100,) network, batch 32, CPU "
             "time per call (median over the repeats). The same hyperparameters for both, "
             "except the row with sknn's own defaults (``learning_rate_init='auto'``, "
             "``init='data'``, which a first fit pays for). The early-stopping row holds "
             "out a tenth (50 rows) and scores it after every epoch, in both libraries. "
             "ONNX Runtime's time per "
             "prediction, where installed, is the floor of a call into compiled code.", ""]
    fmt = lambda s: f"{s * 1e6:,.0f} µs" if s < 1e-3 else f"{s * 1e3:,.2f} ms"  # noqa: E731
    rows = [[r["call"], fmt(r["sknn"]), fmt(r["sklearn"]), f"{r['ratio']:.2f}",
             "" if r.get("onnx") is None else fmt(r["onnx"])] for r in case_rows]
    lines += [_table(["call", "sknn", "sklearn", "sknn / sklearn", "ONNX Runtime"], rows), ""]
    return lines


def _docs_threads(case_rows):
    """GridSearchCV on threads: case H."""
    lines = ["Threads", "-------", "",
              "``GridSearchCV`` over 4 candidates × 2-fold CV (8 fits of case A's "
              "network on 20,000 rows, 10 epochs each), ``n_jobs=2`` under "
              "``joblib.parallel_backend('threading')`` against ``n_jobs=1``, wall "
              "time. sknn's kernel releases the GIL for a whole epoch, so two fits "
              "run at once in one process; scikit-learn's MLP holds the GIL between "
              "its numpy calls. On a shared 2-core machine the second core is not "
              "always free, which caps the speed-up below 2.", ""]
    rows = [[r["library"], f"{r['one_job']:.2f}", f"{r['two_jobs']:.2f}",
             f"{r['speedup']:.2f} ({r['speedup_range'][0]:.2f}–"
             f"{r['speedup_range'][1]:.2f})"] for r in case_rows]
    lines += [_table(["library", "1 job, s", "2 threads, s", "speed-up"], rows), ""]
    return lines


def _docs_array_api(case_rows):
    """The kernel against torch on the CPU and a GPU: case G."""
    n = case_rows[0]["n"]
    lines = [
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
             f"{r['rows_per_s']:,.0f}", f"{r['loss']:.6f}"] for r in case_rows]
    lines += [_table(["backend", "device", "s / epoch", "× kernel", "rows / s", "loss"], rows), ""]
    if not any(r["backend"] == "torch cuda" for r in case_rows):
        lines += ["No CUDA GPU was present on this machine: the GPU row is missing.", ""]
    return lines


def _docs_scaling(case_rows):
    """Time per row as n grows: case E."""
    lines = ["Scaling with the number of rows", "-------------------------------", "",
              "sknn, case A, one epoch: time per row should stay constant.", ""]
    rows = [[f"{r['n']:,}", f"{r['epoch']:.2f}", f"{r['per_row_us']:.2f}",
             f"{r['relative']:.2f}"] for r in case_rows]
    lines += [_table(["rows", "s / epoch", "µs / row", "relative"], rows), ""]
    return lines


def _docs_memory(case_rows):
    """Peak and streaming memory: case F."""
    lines = ["Memory", "------", ""]
    for r in case_rows:
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
    return lines
