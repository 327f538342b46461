"""One epoch of mini-batch SGD: draw the batches, backprop each, step.

Two implementations of the same epoch: the compiled kernel
(:func:`sknn._sgd_fast.sgd_epoch`) for dense float32/float64 numpy input,
and the reference (:func:`reference_epoch`, the equations of ``_backprop``,
``_losses`` and ``_sgd``, in any array namespace) for everything else: sparse
input, torch or CuPy arrays under array API dispatch, and the tests that hold
the two together. :func:`run_epoch` chooses. The estimator
(``_base``) owns the epochs, the schedule and the stopping rules.
"""

# SPDX-License-Identifier: BSD-3-Clause

import math

import numpy as np

from . import _sgd_fast
from ._backprop import backprop, penalty_gradient
from ._losses import penalty
from ._array_api import get_namespace, take_rows
from ._parameters import n_weights, unpack
from ._sgd import minibatch_slices, momentum_step

_KERNEL_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


class Workspace:
    """What one training call keeps from epoch to epoch.

    The kernel allocates its own work arrays, and the numpy reference
    allocates as it goes; what is kept is the network's shape and Y in the
    dtype of X (0/1 for class indicators), converted once per call rather
    than once per epoch (:meth:`kernel_targets`).

    Parameters
    ----------
    layer_units : list of int
        Units per layer, input first.
    """

    def __init__(self, layer_units):
        self.layer_units = list(layer_units)
        self._Y_source = self._Y_kernel = None

    def kernel_targets(self, Y, dtype):
        """Y as a C-contiguous array of ``dtype``, converted once for the same Y.

        Parameters
        ----------
        Y : ndarray of shape (n_samples, n_outputs)
        dtype : numpy dtype

        Returns
        -------
        ndarray of shape (n_samples, n_outputs)
        """
        if self._Y_source is not Y:
            self._Y_source, self._Y_kernel = Y, np.ascontiguousarray(Y, dtype=dtype)
        return self._Y_kernel


def _kernel_applies(theta, velocity, X):
    """Whether the compiled kernel can run this epoch: dense, C-ordered, float32/64 X."""
    return isinstance(X, np.ndarray) and (
        X.dtype in _KERNEL_DTYPES
        and X.dtype == theta.dtype == velocity.dtype
        and X.ndim == 2
        and X.flags.c_contiguous
        and theta.flags.c_contiguous
        and velocity.flags.c_contiguous
        and X.shape[0] > 0
    )


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

    Dense C-ordered float32/float64 X trains in the compiled kernel
    (:func:`sknn._sgd_fast.sgd_epoch`, which releases the GIL for the
    epoch, taking it back every ~0.05 s of work in the main thread to let
    Ctrl-C through), anything else in the numpy reference, :func:`reference_epoch`:
    the same equations in the same order, so both give the same θ to rounding.

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
    if not _kernel_applies(theta, velocity, X):
        return reference_epoch(
            theta, velocity, coefs, intercepts, X, Y, sample_weight,
            workspace=workspace, batch_size=batch_size, order=order, loss=loss,
            out_activation=out_activation, alpha=alpha, learning_rate=learning_rate,
            momentum=momentum, nesterov=nesterov,
        )
    return _sgd_fast.sgd_epoch(
        theta,
        velocity,
        X,
        workspace.kernel_targets(Y, X.dtype),
        None if sample_weight is None else np.ascontiguousarray(sample_weight, X.dtype),
        None if order is None else np.ascontiguousarray(order, np.int64),
        workspace.layer_units,
        batch_size,
        loss,
        out_activation,
        float(alpha),
        float(learning_rate),
        float(momentum),
        bool(nesterov),
    )


def reference_epoch(
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
    """:func:`run_epoch` in array code: the reference implementation of an epoch.

    Parameters and return values as :func:`run_epoch`; X may also be sparse,
    or an array of another namespace (torch, CuPy…: then θ, v, Y, the weights
    and ``order`` are of that namespace and device too). Each step computes a
    new θ (the array API has no ``out=``); W⁽ˡ⁾, b⁽ˡ⁾ are taken from the current
    θ before each batch, so ``coefs`` and ``intercepts`` are not read.
    """
    # The weights W⁽ˡ⁾ of all layers are one contiguous block of θ (see
    # _parameters), so the L2 penalty's (α / 2m) Σ‖W⁽ˡ⁾‖² in C and its
    # (α / m) W⁽ˡ⁾ in the gradient are computed once over that block per batch
    # instead of layer by layer: backprop itself runs with α = 0 below.
    xp = get_namespace(theta)
    layer_units = workspace.layer_units
    n_w = n_weights(layer_units)
    theta_new, velocity_new = theta, velocity
    weighted_cost = total_weight = 0.0
    for batch in minibatch_slices(X.shape[0], batch_size):
        index = batch if order is None else order[batch]
        s_b = None if sample_weight is None else take_rows(sample_weight, index)
        m = batch.stop - batch.start if s_b is None else float(xp.sum(s_b))
        if m == 0:
            continue  # all weights zero: this batch carries no information
        coefs, intercepts = unpack(theta_new, layer_units)
        C, coef_grads, intercept_grads = backprop(
            take_rows(X, index), take_rows(Y, index), coefs, intercepts, loss=loss,
            out_activation=out_activation, alpha=0.0, sample_weight=s_b,
        )
        # ∂C/∂θ laid out like θ: all ∂C/∂W⁽ˡ⁾, then all ∂C/∂b⁽ˡ⁾.
        grad = xp.concat([xp.reshape(g, (-1,)) for g in coef_grads + intercept_grads])
        if alpha:
            theta_w = theta_new[:n_w]
            C += penalty([theta_w], alpha) / m
            grad = xp.concat([grad[:n_w] + penalty_gradient(theta_w, alpha, m), grad[n_w:]])
        if not math.isfinite(C):
            weighted_cost = math.nan
            break
        weighted_cost += m * C
        total_weight += m
        theta_new, velocity_new = momentum_step(
            theta_new, velocity_new, grad, learning_rate, momentum, nesterov
        )
    # θ and v in place, as the kernel updates them (coefs and intercepts are
    # views of θ for numpy).
    theta[...] = theta_new
    velocity[...] = velocity_new
    return weighted_cost, total_weight
