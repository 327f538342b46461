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
import json
import os
import sys
import warnings
from pathlib import Path

# Before SciPy is imported: case G trains on torch tensors with scikit-learn's
# array API dispatch, which needs SciPy's array API support on.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this tree's sknn
sys.path.insert(0, str(ROOT / "benchmarks"))  # the cases, _cases/

from sklearn.exceptions import ConvergenceWarning  # noqa: E402

from _cases.array_api import compare_array_api  # noqa: E402
from _cases.common import data_A, data_B, data_C  # noqa: E402
from _cases.per_call import compare_per_call  # noqa: E402
from _cases.memory import mem_child_fit, mem_child_stream, memory_fit, memory_stream  # noqa: E402
from _cases.prediction import compare_prediction  # noqa: E402
from _cases.report import machine, write_docs  # noqa: E402
from _cases.scaling import scaling  # noqa: E402
from _cases.threads import compare_threads  # noqa: E402
from _cases.training import compare_training  # noqa: E402

warnings.simplefilter("ignore", ConvergenceWarning)


def parse_args(argv):
    """The command line (see the module's docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="A,B,C,D,E,F,G,H,I",
                        help="comma-separated subset of A,B,C,D,E,F,G,H,I")
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
    return parser.parse_args(argv)


def run_child(child):
    """One memory measurement of case F in this fresh process; prints it as JSON."""
    kind, *rest = child
    if kind == "fit":
        print(json.dumps(mem_child_fit(*rest)))
    else:
        path, n_rows, n_features, n_chunks = rest
        print(json.dumps(mem_child_stream(path, int(n_rows), int(n_features), int(n_chunks))))


def run_timing_cases(cases, quick, repeats, log, results):
    """Cases A to D: training time per epoch and prediction throughput."""
    if "A" in cases or "D" in cases:
        XA, yA = data_A()
    if "A" in cases:
        for dtype in (np.float64, np.float32):
            results["train"].append(compare_training(
                f"A float{np.dtype(dtype).itemsize * 8}", "classifier", XA.astype(dtype), yA,
                (100,), 32, 3 if quick else 5, 0.1, repeats, log))
    if "B" in cases or "D" in cases:
        XB, yB = data_B()
    if "B" in cases:
        results["train"].append(compare_training(
            "B float32", "classifier", XB, yB, (256, 256), 256, 2, 0.1, repeats, log))
    if "C" in cases:
        XC, yC = data_C()
        results["train"].append(compare_training(
            "C regression float64", "regressor", XC, yC, (64, 64), 32,
            2 if quick else 3, 0.01, repeats, log))
    if "D" in cases:
        results["predict"].append(compare_prediction(
            "D predict A float64", XA, yA, (100,), 32, 0.1, repeats, log))
        results["predict"].append(compare_prediction(
            "D predict A float32", XA.astype(np.float32), yA, (100,), 32, 0.1, repeats, log))
        results["predict"].append(compare_prediction(
            "D predict B float32", XB, yB, (256, 256), 256, 0.1, repeats, log))


def run_other_cases(cases, quick, repeats, blas_threads, log, results):
    """Cases E to I: scaling, memory, torch, threads and the cost of one call."""
    if "E" in cases:
        sizes = [10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]
        results["scaling"] = scaling(sizes, 1 if quick else 3, log)
    if "F" in cases:
        results["memory"].append(memory_fit(100_000 if quick else 1_000_000, log))
        stream = memory_stream(0.2 if quick else 2.0, 100, log)
        if stream:
            results["memory"].append(stream)

    if "G" in cases:
        results["array_api"] = compare_array_api(
            5_000 if quick else 20_000, 2, repeats, blas_threads, log)
    if "H" in cases:
        results["threads"] = compare_threads(repeats, log)
    if "I" in cases:
        results["per_call"] = compare_per_call(repeats, log)


def main(argv=None):
    args = parse_args(argv)
    if args.blas_threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.blas_threads, user_api="blas")

    if args.child:
        run_child(args.child)
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
               "array_api": [], "per_call": []}
    run_timing_cases(cases, args.quick, repeats, log, results)
    run_other_cases(cases, args.quick, repeats, args.blas_threads, log, results)

    if args.write_docs:
        command = "python benchmarks/bench.py " + " ".join(
            a for a in (argv if argv is not None else sys.argv[1:]))
        write_docs(results, info, command.strip(), ROOT / "docs" / "benchmarks.rst")
        print("\nwrote docs/benchmarks.rst")


if __name__ == "__main__":
    main()
