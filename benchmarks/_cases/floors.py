"""The references beside sknn's time: the GEMM floor, the BLAS floor, the flat numpy loop."""

# SPDX-License-Identifier: BSD-3-Clause

import time

import numpy as np


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
    with every function inlined (one call per batch, :func:`_flat_batch`), no
    checks and no bookkeeping. Full batches only, scaled to the whole epoch
    like the GEMM floor; ``epochs`` epochs.

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
    m = batch_size
    A = [np.empty((m, u), dtype) for u in layer_units]  # A[0] is the batch of X
    buffers = (A, np.empty((m, layer_units[-1]), Y.dtype),
               [np.empty((m, u), dtype) for u in layer_units[1:]],
               [np.empty((m, u), dtype) for u in layer_units[1:]],
               np.empty_like(A[-1]), np.empty((m, 1), dtype), np.empty((m, 1), dtype))
    parameters = (theta, grad, velocity, step, Ws, bs, dWs, dbs, bounds[L])
    starts = range(0, n - m + 1, m)
    t0 = time.process_time()
    total = 0.0
    for s in [s for _ in range(epochs) for s in starts]:
        if s == 0:
            order = rng.permutation(n) if shuffle else np.arange(n)
        total += _flat_batch(X, Y, order[s:s + m], buffers, parameters, learning_rate,
                             softmax_output)
    elapsed = time.process_time() - t0
    assert np.isfinite(total)
    return elapsed * n / (len(starts) * m * epochs), theta


def _flat_batch(X, Y, index, buffers, parameters, eta, softmax_output):
    """One mini-batch of :func:`flat_epoch`, in place: forward, cost, backward, step.

    Every equation is written out inline as numpy calls into the preallocated
    ``buffers``; returns the batch's cost (loss and L2 penalty, per row).
    """
    A, Yb, D, S, Z_out, Z_max, row_sum = buffers
    theta, grad, velocity, step, Ws, bs, dWs, dbs, n_w = parameters
    alpha, mu, m, L = 1e-4, 0.9, len(index), len(Ws)
    X.take(index, axis=0, out=A[0])
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
    cost = (loss + 0.5 * alpha * float(np.vdot(theta[:n_w], theta[:n_w]))) / m
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
    return cost
