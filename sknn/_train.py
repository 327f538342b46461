"""One epoch of mini-batch SGD: draw the batches, backprop each, step.

Pure array code like the modules below it; the estimator (``_base``) owns the
epochs, the schedule and the stopping rules.
"""

# SPDX-License-Identifier: BSD-3-Clause

import math

import numpy as np

from ._backprop import Buffers, backprop, penalty_gradient
from ._losses import penalty
from ._parameters import n_weights, unpack
from ._sgd import minibatch_slices, momentum_step


class Workspace:
    """Everything one training call reuses from batch to batch.

    The gradient vector ``grad`` is laid out like θ, so ``coef_grads`` and
    ``intercept_grads`` are views into it and one SGD step covers all layers.
    Work arrays exist for the full batch size and for the smaller last batch.

    Parameters
    ----------
    layer_units : list of int
        Units per layer, input first.
    batch_size : int
        Rows per mini-batch (at most ``n_samples``).
    n_samples : int
        Rows per epoch.
    dtype : numpy dtype
        float32 or float64, the dtype of X and θ.
    y_dtype : numpy dtype
        dtype of Y (bool for class indicators).
    """

    def __init__(self, layer_units, batch_size, n_samples, dtype, y_dtype):
        self.grad = np.empty(
            sum(a * b + b for a, b in zip(layer_units, layer_units[1:])), dtype
        )
        self.coef_grads, self.intercept_grads = unpack(self.grad, layer_units)
        self.step = np.empty_like(self.grad)  # room for η g in the SGD step
        self.n_weights = n_weights(layer_units)
        sizes = {sl.stop - sl.start for sl in minibatch_slices(n_samples, batch_size)}
        self.buffers = {n: Buffers(layer_units, n, dtype) for n in sizes}
        self.X = {n: np.empty((n, layer_units[0]), dtype) for n in sizes}
        self.Y = {n: np.empty((n, layer_units[-1]), y_dtype) for n in sizes}
        self.sample_weight = {n: np.empty(n, dtype) for n in sizes}


def _rows(M, index, out):
    """Rows ``index`` of M: a view for a slice, else gathered into ``out``.

    A shuffled batch of a dense array is copied into the reused ``out``
    (``take`` with ``out=``), so drawing a batch allocates nothing.
    """
    if isinstance(index, slice) or not isinstance(M, np.ndarray):
        return M[index]  # a view, or a sparse matrix's row selection
    return M.take(index, axis=0, out=out)


def run_epoch(
    theta,
    velocity,
    coefs,
    intercepts,
    X,
    Y,
    sample_weight,
    *,
    workspace,
    batch_size,
    order,
    loss,
    out_activation,
    alpha,
    learning_rate,
    momentum,
    nesterov,
):
    """One pass of mini-batch SGD over (X, Y); θ and v are updated in place.

    Parameters
    ----------
    theta, velocity : ndarray of shape (n_params,)
        Parameters θ and velocity v; ``coefs``/``intercepts`` are views into θ.
    coefs, intercepts : list of ndarray
        W⁽ˡ⁾ and b⁽ˡ⁾, views into ``theta``.
    X : ndarray or CSR matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    workspace : Workspace
    batch_size : int
    order : ndarray of shape (n_samples,) or None
        A permutation of the rows (a shuffled epoch), or None for the given order.
    loss, out_activation, alpha, learning_rate, momentum, nesterov
        As in :func:`sknn._backprop.backprop` and :func:`sknn._sgd.momentum_step`.

    Returns
    -------
    weighted_cost : float
        Σ_batches m_b C_b; ``nan`` as soon as a batch's cost is not finite
        (the epoch stops there).
    total_weight : float
        Σ_batches m_b, so that the epoch's mean cost is their ratio.
    """
    # The weights W⁽ˡ⁾ of all layers are one contiguous block of θ (and of the
    # gradient; see _parameters), so the L2 penalty's (α / 2m) Σ‖W⁽ˡ⁾‖² in C and
    # its (α / m) W⁽ˡ⁾ in the gradient are computed once over that block per
    # batch instead of layer by layer: backprop itself runs with α = 0 below.
    theta_w = theta[: workspace.n_weights]
    grad_w = workspace.grad[: workspace.n_weights]
    scratch_w = workspace.step[: workspace.n_weights]  # free until the SGD step
    weighted_cost = total_weight = 0.0
    for batch in minibatch_slices(X.shape[0], batch_size):
        n = batch.stop - batch.start
        index = batch if order is None else order[batch]
        X_b = _rows(X, index, workspace.X[n])
        Y_b = _rows(Y, index, workspace.Y[n])
        s_b = None
        if sample_weight is not None:
            s_b = _rows(sample_weight, index, workspace.sample_weight[n])
        m = n if s_b is None else float(s_b.sum())
        if m == 0:
            continue  # all weights zero: this batch carries no information
        C, _, _ = backprop(
            X_b,
            Y_b,
            coefs,
            intercepts,
            loss=loss,
            out_activation=out_activation,
            alpha=0.0,
            sample_weight=s_b,
            coef_grads=workspace.coef_grads,
            intercept_grads=workspace.intercept_grads,
            buffers=workspace.buffers[n],
        )
        if alpha:
            C += penalty([theta_w], alpha) / m
            grad_w += penalty_gradient(theta_w, alpha, m, out=scratch_w)
        if not math.isfinite(C):
            return math.nan, total_weight
        weighted_cost += m * C
        total_weight += m
        momentum_step(
            theta, velocity, workspace.grad, learning_rate, momentum, nesterov,
            scratch=workspace.step,
        )
    return weighted_cost, total_weight
