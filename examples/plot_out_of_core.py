"""
=====================================================
Training on data larger than memory with partial_fit
=====================================================

``partial_fit`` trains for one epoch on the rows it is given, in mini-batches
of ``batch_size``, and keeps everything it needs to go on — weights, momentum
velocity, learning rate, the shuffling stream — on the estimator. A dataset
that does not fit in memory can therefore be streamed through it one chunk at
a time: only one chunk is ever loaded, and an epoch is one pass over all the
chunks.

This example writes a dataset to disk as a :class:`numpy.memmap`, scales it
with a streamed :class:`~sklearn.preprocessing.MinMaxScaler`, and trains a
:class:`~sknn.SigmoidMLPClassifier` on it twice: with a plain loop over the chunks
(with one progress bar for the whole stream), and with dask-ml's
:class:`~dask_ml.wrappers.Incremental` over a dask array
(the ``dask`` extra). Both are compared with ``fit`` on the data in memory.
"""

# %%
# A dataset on disk
# -----------------
# 30,000 rows of 20 features, written chunk by chunk into a file that is
# mapped, not loaded: the same code works when the file is far larger than
# memory. The three classes are the arg-max of a fixed random linear function
# of the features, plus noise; the features have very different scales.

import tempfile
from pathlib import Path

import numpy as np

n_samples, n_features, n_classes, chunk_size = 30_000, 20, 3, 5_000
rng = np.random.default_rng(0)
W_true = rng.normal(size=(n_features, n_classes))
feature_scale = rng.uniform(1, 100, size=n_features)

workdir = Path(tempfile.mkdtemp())
X_disk = np.memmap(workdir / "X.f32", dtype=np.float32, mode="w+", shape=(n_samples, n_features))
y_disk = np.memmap(workdir / "y.i8", dtype=np.int8, mode="w+", shape=(n_samples,))
for start in range(0, n_samples, chunk_size):
    U = rng.uniform(size=(chunk_size, n_features))
    logits = (U - 0.5) @ W_true + 0.3 * rng.normal(size=(chunk_size, n_classes))
    X_disk[start : start + chunk_size] = U * feature_scale
    y_disk[start : start + chunk_size] = logits.argmax(axis=1)
X_disk.flush()
y_disk.flush()

# The last chunk is held out to measure accuracy.
train_chunks = [slice(start, start + chunk_size) for start in range(0, n_samples - chunk_size, chunk_size)]
X_test, y_test = np.asarray(X_disk[-chunk_size:]), np.asarray(y_disk[-chunk_size:])
classes = np.arange(n_classes)

# %%
# Scaling a stream
# ----------------
# sknn's defaults are tuned for inputs in [0, 1]. A
# :class:`~sklearn.preprocessing.MinMaxScaler` learns its minimum and maximum
# with one ``partial_fit`` per chunk; the network then sees each chunk scaled.

from sklearn.preprocessing import MinMaxScaler

scaler = MinMaxScaler()
for rows in train_chunks:
    scaler.partial_fit(X_disk[rows])
X_test_scaled = scaler.transform(X_test).astype(np.float32)

# %%
# Streaming through partial_fit
# -----------------------------
# One epoch is one ``partial_fit`` per chunk; within a chunk, sknn shuffles
# the rows and steps through them in mini-batches of ``batch_size``.
# ``classes`` lists every label of the stream (a chunk need not hold all of
# them); passing it on every call, as dask-ml does, is fine. Visiting the
# chunks in a new order each epoch keeps the stream close to the shuffled
# passes of ``fit``.
#
# :class:`~sknn.streaming.PartialFitStream` makes the whole loop one task for
# scikit-learn's callbacks (scikit-learn >= 1.9): a
# :class:`~sklearn.callback.ProgressBar` set on the stream shows how many of
# the ``n_chunks`` calls are done and the time left (with ``n_chunks=None``,
# for a stream of unknown length, it counts without an end).
# ``max_propagation_depth=0`` draws the stream's bar alone; the default adds
# a bar for each chunk's fit beneath it. Set on the estimator itself, a
# ``ProgressBar`` would draw one full bar per ``partial_fit`` call.

from sklearn.callback import ProgressBar

from sknn import SigmoidMLPClassifier
from sknn.streaming import PartialFitStream

n_epochs = 6
streamed = SigmoidMLPClassifier(hidden_layer_sizes=(32,), random_state=0)
streamed_scores = []  # after every chunk
chunk_rng = np.random.default_rng(1)
stream = PartialFitStream(streamed, n_chunks=n_epochs * len(train_chunks))
stream.set_callbacks(ProgressBar(max_propagation_depth=0))
with stream:
    for epoch in range(n_epochs):
        for i in chunk_rng.permutation(len(train_chunks)):
            rows = train_chunks[i]
            X_chunk = scaler.transform(X_disk[rows]).astype(np.float32)
            stream.partial_fit(X_chunk, y_disk[rows], classes=classes)
            streamed_scores.append(streamed.score(X_test_scaled, y_test))
print(f"streamed, {n_epochs} epochs: held-out accuracy {streamed_scores[-1]:.3f}")

# %%
# The same stream with dask
# -------------------------
# A dask array over the memory map has one block per chunk.
# :class:`dask_ml.wrappers.Incremental` calls ``partial_fit`` on each block
# in turn; on a ``distributed`` cluster the model travels from worker to
# worker (sknn's own tests run it on a two-process ``LocalCluster``). Here
# the synchronous scheduler runs it in this process.

import dask
import dask.array as da
from dask_ml.wrappers import Incremental

X_dask = da.from_array(X_disk[: n_samples - chunk_size], chunks=(chunk_size, n_features))
X_dask = X_dask.map_blocks(
    lambda block: scaler.transform(block).astype(np.float32),
    meta=np.empty((0, n_features), dtype=np.float32),  # so dask need not call it to learn the dtype
)
y_dask = da.from_array(y_disk[: n_samples - chunk_size], chunks=chunk_size)

incremental = Incremental(
    SigmoidMLPClassifier(hidden_layer_sizes=(32,), random_state=0), random_state=0
)
dask_scores = []  # after every epoch
with dask.config.set(scheduler="synchronous"):
    for epoch in range(n_epochs):
        incremental.partial_fit(X_dask, y_dask, classes=classes)
        dask_scores.append(incremental.estimator_.score(X_test_scaled, y_test))
print(f"dask-ml Incremental, {n_epochs} epochs: held-out accuracy {dask_scores[-1]:.3f}")

# %%
# Against fit in memory
# ---------------------
# For reference, ``fit`` on all the training rows at once, for the same
# number of epochs.

import warnings

from sklearn.exceptions import ConvergenceWarning

X_train = scaler.transform(X_disk[: n_samples - chunk_size]).astype(np.float32)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    fitted = SigmoidMLPClassifier(hidden_layer_sizes=(32,), max_iter=n_epochs, random_state=0)
    fitted.fit(X_train, y_disk[: n_samples - chunk_size])
fit_score = fitted.score(X_test_scaled, y_test)
print(f"fit in memory, {n_epochs} epochs: held-out accuracy {fit_score:.3f}")

# %%
# Both streams reach the accuracy of ``fit`` within the first epoch and then
# hover around it, as ``fit`` itself does from epoch to epoch: each chunk is a
# large random sample of the data, so an epoch over the chunks is worth an
# epoch over the whole array. (A smaller ``learning_rate_init``, or the
# ``'adaptive'`` schedule, quietens the last few hundredths.)

import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 4))
chunks_seen = np.arange(1, len(streamed_scores) + 1) / len(train_chunks)
ax.plot(chunks_seen, streamed_scores, ".-", label="partial_fit over memmap chunks")
ax.plot(np.arange(1, n_epochs + 1), dask_scores, "s", label="dask-ml Incremental")
ax.axhline(fit_score, color="gray", linestyle=":", label=f"fit in memory, {n_epochs} epochs")
ax.axhline(1 / n_classes, color="black", linewidth=0.5, label="chance")
ax.set_ylim(0, 1)
ax.set_xlabel("epochs (passes over the chunks)")
ax.set_ylabel("held-out accuracy")
ax.set_title("Streaming a dataset through partial_fit")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()

# %%
# Hyperparameter search
# ---------------------
# For a search over hyperparameters, use scikit-learn's
# :class:`~sklearn.model_selection.GridSearchCV` with ``n_jobs`` under
# ``joblib.parallel_config(backend="dask")`` on a ``distributed`` cluster,
# or a loop of ``Incremental`` models as above. dask-ml's own
# ``IncrementalSearchCV`` is broken upstream with current dask
# (`dask/dask-ml#1016 <https://github.com/dask/dask-ml/issues/1016>`_):
# with dask 2026.8 and dask-ml 2025.1 its ``fit`` raises ``RuntimeError:
# Attempting to use an asynchronous Client in a synchronous context of
# dask.compute``, for scikit-learn's own ``SGDClassifier`` too.

import shutil

shutil.rmtree(workdir)
