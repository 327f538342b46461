"""One epoch of mini-batch SGD: draw the batches, backprop each, step.

The reference implementation of an epoch (:func:`reference_epoch`, the
equations of ``_backprop``, ``_losses`` and ``_sgd``, in any array
namespace), and what a training call keeps between epochs
(:class:`Workspace`). The compiled kernel runs the same epoch for dense
float32/float64 numpy input; ``_dispatch.run_epoch`` chooses, and this
module imports nothing compiled. The estimator (``_base``) owns the epochs,
the schedule and the stopping rules.
"""

# SPDX-License-Identifier: BSD-3-Clause

import math

import numpy as np

from ._backprop import backprop, penalty_gradient
from ._losses import penalty
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


def reference_epoch(
    theta,
    velocity,
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
    """One pass of mini-batch SGD over (X, Y) in array code, the reference epoch.

    θ and v are updated in place; ``_dispatch.run_epoch`` runs the compiled
    kernel instead where it applies, with the same equations in the same
    order, so both give the same θ to rounding. X may be dense, sparse, or
    an array of another namespace (torch, CuPy…: then θ, v, Y, the weights
    and ``order`` are of that namespace and device too). Each step computes a
    new θ (the array API has no ``out=``); W⁽ˡ⁾, b⁽ˡ⁾ are taken from the current
    θ before each batch.

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
        As in :func:`sknn._backprop.backprop` and :func:`sknn._sgd.momentum_step`.

    Returns
    -------
    weighted_cost : float
        Σ_batches m_b C_b; ``nan`` as soon as a batch's cost is not finite
        (the epoch stops there).
    total_weight : float
        Σ_batches m_b, so that the epoch's mean cost is their ratio.
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
