"""Case G: the same estimator on numpy (the kernel) and on torch, CPU and GPU."""

# SPDX-License-Identifier: BSD-3-Clause

import statistics
import time

import numpy as np
from sklearn.datasets import make_classification

from sknn import SigmoidMLPClassifier


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
