"""One epoch of mini-batch SGD: draw the batches, backprop each, step.

The reference implementation of an epoch (:func:`reference_epoch`, the
equations of ``_backprop``, ``_losses`` and ``_sgd``, in any array
namespace), its step on one mini-batch (:func:`update_mini_batch`, the unit
of Nielsen's ``network.py``), and what a training call keeps between epochs
(:class:`Workspace`). The compiled kernel runs the same epoch for dense
float32/float64 numpy input; ``_dispatch.run_epoch`` chooses, and this
module imports nothing compiled. The estimator (``_base``) owns the epochs,
the schedule and the stopping rules.
"""

# SPDX-License-Identifier: BSD-3-Clause

import math

import numpy as np

from ._backprop import backprop, penalty_gradient
from ._losses import batch_weight, penalty
from ._array_api import get_namespace, take_rows
from ._parameters import n_weights, unpack
from ._sgd import minibatch_slices, momentum_step


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


def update_mini_batch(
    theta, velocity, X, Y, sample_weight, m, *,
    layer_units, loss, out_activation, alpha, learning_rate, momentum, nesterov,
):
    """C of one mini-batch, then one SGD step on it: backprop, the L2 term, the momentum step.

    The kernel's ``update_mini_batch`` is the same step. The weights W⁽ˡ⁾ of
    all layers are one contiguous block of θ (see ``_parameters``), so the
    L2 penalty's (α / 2m) Σ‖W⁽ˡ⁾‖² in C and its ``penalty_gradient``
    (α / m) W⁽ˡ⁾ in ∂C/∂θ are computed here once over that block per batch,
    instead of layer by layer: :func:`~sknn._backprop.backprop` leaves them out.

    Parameters
    ----------
    theta, velocity : ndarray of shape (n_params,)
        θ and v before the step (not modified).
    X : ndarray or CSR matrix of shape (n_rows, n_features)
        The batch's rows.
    Y : ndarray of shape (n_rows, n_outputs)
    sample_weight : ndarray of shape (n_rows,) or None
    m : float
        The batch weight, :func:`~sknn._losses.batch_weight` of ``sample_weight``; not 0.
    layer_units : list of int
        Units per layer, input first.
    loss, out_activation, alpha, learning_rate, momentum, nesterov
        As in :func:`sknn._backprop.penalised_backprop` and :func:`sknn._sgd.momentum_step`.

    Returns
    -------
    C : float
        The batch's cost, penalty included, at θ before the step.
    theta, velocity : ndarray of shape (n_params,)
        θ and v after the step; the given arrays when C is not finite (no step).
    """
    xp = get_namespace(theta)
    coefs, intercepts = unpack(theta, layer_units)
    C, coef_grads, intercept_grads = backprop(
        X, Y, coefs, intercepts, loss=loss, out_activation=out_activation,
        sample_weight=sample_weight, m=m,
    )
    # ∂C/∂θ laid out like θ: all ∂C/∂W⁽ˡ⁾, then all ∂C/∂b⁽ˡ⁾.
    grad = xp.concat([xp.reshape(g, (-1,)) for g in coef_grads + intercept_grads])
    if alpha:
        n_w = n_weights(layer_units)
        W = theta[:n_w]
        C += penalty([W], alpha) / m
        grad = xp.concat([grad[:n_w] + penalty_gradient(W, alpha, m), grad[n_w:]])
    if not math.isfinite(C):
        return C, theta, velocity
    theta, velocity = momentum_step(theta, velocity, grad, learning_rate, momentum, nesterov)
    return C, theta, velocity


def reference_epoch(
    theta, velocity, X, Y, sample_weight, *,
    workspace, batch_size, order, loss, out_activation, alpha, learning_rate, momentum, nesterov,
):
    """One pass of mini-batch SGD over (X, Y) in array code, the reference epoch.

    θ and v are updated in place; ``_dispatch.run_epoch`` runs the compiled
    kernel instead where it applies, with the same equations in the same
    order, so both give the same θ to rounding. X may be dense, sparse, or
    an array of another namespace (torch, CuPy…: then θ, v, Y, the weights
    and ``order`` are of that namespace and device too). Per batch: its
    weight m (:func:`~sknn._losses.batch_weight`), then the new θ of
    :func:`update_mini_batch` (the array API has no ``out=``).

    Parameters
    ----------
    theta, velocity : ndarray of shape (n_params,)
        Parameters θ and velocity v.
    X : ndarray or CSR matrix of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples, n_outputs)
    sample_weight : ndarray of shape (n_samples,) or None
    workspace : Workspace
    batch_size : int
    order : ndarray of shape (n_samples,) or None
        A permutation of the rows (a shuffled epoch), or None for the given order.
    loss, out_activation, alpha, learning_rate, momentum, nesterov
        As in :func:`update_mini_batch`.

    Returns
    -------
    weighted_cost : float
        Σ_batches m_b C_b; ``nan`` as soon as a batch's cost is not finite
        (the epoch stops there).
    total_weight : float
        Σ_batches m_b, so that the epoch's mean cost is their ratio.
    """
    step = dict(
        layer_units=workspace.layer_units, loss=loss, out_activation=out_activation,
        alpha=alpha, learning_rate=learning_rate, momentum=momentum, nesterov=nesterov,
    )
    theta_new, velocity_new = theta, velocity
    weighted_cost = total_weight = 0.0
    for batch in minibatch_slices(X.shape[0], batch_size):
        index = batch if order is None else order[batch]
        s_b = None if sample_weight is None else take_rows(sample_weight, index)
        m = batch_weight(s_b, batch.stop - batch.start)
        if m == 0:
            continue  # all weights zero: this batch carries no information
        C, theta_new, velocity_new = update_mini_batch(
            theta_new, velocity_new, take_rows(X, index), take_rows(Y, index), s_b, m, **step
        )
        if not math.isfinite(C):
            weighted_cost = math.nan
            break
        weighted_cost += m * C
        total_weight += m
    # θ and v in place, as the kernel updates them (coefs_ and intercepts_ are views of θ).
    theta[...] = theta_new
    velocity[...] = velocity_new
    return weighted_cost, total_weight
